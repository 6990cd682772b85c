/**
 * The tolerant JSON parser's tree: plain values plus where each came from in
 * the input and whether the text ended inside it. Conversion to plain values
 * and serialisation are iterative, so a hostile nesting depth cannot overflow
 * the call stack.
 */

/** A string, number, boolean or null inside a container (stored bare, to keep the tree small). */
export type Primitive = string | number | boolean | null;

/** A child of a container: a nested container node or a bare primitive. */
export type Child = ObjectNode | ArrayNode | Primitive;

/** A parsed JSON object with the offsets of its values. */
export interface ObjectNode {
  kind: "object";
  start: number;
  keys: string[];
  values: Child[];
  /** Offset in the input of each value. */
  starts: number[];
  /** True when the text ended before this object was closed. */
  partial: boolean;
  /**
   * The plain value, when the parser built it as the object closed (its
   * `values` mode, used without a schema): `keys`, `values` and `starts` are
   * then empty and its children were never kept as nodes.
   */
  plain?: Record<string, unknown>;
}

/** A parsed JSON array. */
export interface ArrayNode {
  kind: "array";
  start: number;
  items: Child[];
  starts: number[];
  partial: boolean;
  /** The plain value, when the parser built it as the array closed (see `ObjectNode.plain`). */
  plain?: unknown[];
}

/** A string, number, boolean or null as returned by the scalar readers and at the top level. */
export interface ScalarNode {
  kind: "scalar";
  start: number;
  value: Primitive;
  /** True when the text ended inside this scalar (a string or number that may be cut short). */
  partial: boolean;
}

/** A top-level value of the tolerant parser. */
export type JsonNode = ObjectNode | ArrayNode | ScalarNode;

/** Maps each object and array built by `toValue` back to its node (for offsets in schema edits). */
export type NodeMap = WeakMap<object, ObjectNode | ArrayNode>;

/**
 * Converts a node to a plain value, leaving out the last child of every
 * container in `dropLast`. Duplicate keys keep the last value, as `JSON.parse` does.
 */
export function toValue(root: JsonNode, nodes?: NodeMap, dropLast?: ReadonlySet<ObjectNode | ArrayNode>): unknown {
  if (root.kind === "scalar") return root.value;
  if (root.plain !== undefined) return root.plain;
  const make = (n: ObjectNode | ArrayNode): Record<string, unknown> | unknown[] => {
    const v = n.kind === "object" ? ({} as Record<string, unknown>) : [];
    nodes?.set(v, n);
    return v;
  };
  const rootValue = make(root);
  // Each frame: the node, its value, the next child index.
  const stack: { n: ObjectNode | ArrayNode; v: Record<string, unknown> | unknown[]; i: number; len: number }[] = [];
  const push = (n: ObjectNode | ArrayNode, v: Record<string, unknown> | unknown[]) => {
    const count = n.kind === "object" ? n.values.length : n.items.length;
    stack.push({ n, v, i: 0, len: dropLast?.has(n) && count > 0 ? count - 1 : count });
  };
  push(root, rootValue);
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.i >= f.len) {
      stack.pop();
      continue;
    }
    const idx = f.i++;
    const child = f.n.kind === "object" ? f.n.values[idx] : f.n.items[idx];
    let cv: unknown;
    if (child === null || typeof child !== "object") cv = child;
    else if (child.plain !== undefined) cv = child.plain;
    else {
      cv = make(child);
      push(child, cv as Record<string, unknown> | unknown[]);
    }
    if (f.n.kind === "object") {
      const key = f.n.keys[idx];
      if (key === "__proto__") Object.defineProperty(f.v, key, { value: cv, enumerable: true, writable: true, configurable: true });
      else (f.v as Record<string, unknown>)[key] = cv;
    } else (f.v as unknown[]).push(cv);
  }
  return rootValue;
}

/**
 * The plain value of a closed container node whose children are plain
 * values, built as `toValue` builds it (the same key order, duplicate keys
 * keep the last value, `__proto__` an own property).
 */
export function plainOf(n: ObjectNode | ArrayNode): Record<string, unknown> | unknown[] {
  if (n.kind === "array") return n.items.slice() as unknown[];
  const v: Record<string, unknown> = {};
  const { keys, values } = n;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === "__proto__") Object.defineProperty(v, key, { value: values[i], enumerable: true, writable: true, configurable: true });
    else v[key] = values[i];
  }
  return v;
}

/**
 * Serialises a JSON value like `JSON.stringify(value, null, indent)` but
 * without recursion, so any nesting depth works. Non-finite numbers become `null`.
 */
export function stringifyJson(value: unknown, indent = 0): string {
  try {
    const native = JSON.stringify(value, null, indent > 0 ? indent : undefined);
    if (native !== undefined) return native;
  } catch {
    // Too deep for the native serialiser: fall through to the iterative one.
  }
  return stringifyIterative(value, indent);
}

function stringifyIterative(value: unknown, indent: number): string {
  const pad = indent > 0 ? " ".repeat(indent) : "";
  const out: string[] = [];
  type Frame = { kind: "a"; v: unknown[]; i: number } | { kind: "o"; v: Record<string, unknown>; keys: string[]; i: number };
  const stack: Frame[] = [];
  const nl = (depth: number) => (indent > 0 ? `\n${pad.repeat(depth)}` : "");
  const emit = (v: unknown): void => {
    if (v === null || v === undefined || typeof v === "function") out.push("null");
    else if (typeof v === "number") out.push(Number.isFinite(v) ? String(v) : "null");
    else if (typeof v === "boolean") out.push(v ? "true" : "false");
    else if (typeof v === "string") out.push(JSON.stringify(v));
    else if (typeof v === "bigint") out.push(v.toString());
    else if (Array.isArray(v)) {
      if (v.length === 0) out.push("[]");
      else {
        out.push("[");
        stack.push({ kind: "a", v, i: 0 });
      }
    } else if (v instanceof Date) out.push(JSON.stringify(v.toISOString()));
    else {
      const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
      if (keys.length === 0) out.push("{}");
      else {
        out.push("{");
        stack.push({ kind: "o", v: v as Record<string, unknown>, keys, i: 0 });
      }
    }
  };
  emit(value);
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    const depth = stack.length;
    if (f.kind === "a") {
      if (f.i >= f.v.length) {
        stack.pop();
        out.push(`${nl(depth - 1)}]`);
        continue;
      }
      if (f.i > 0) out.push(",");
      out.push(nl(depth));
      emit(f.v[f.i++]);
    } else {
      if (f.i >= f.keys.length) {
        stack.pop();
        out.push(`${nl(depth - 1)}}`);
        continue;
      }
      if (f.i > 0) out.push(",");
      const k = f.keys[f.i++];
      out.push(nl(depth), JSON.stringify(k), indent > 0 ? ": " : ":");
      emit(f.v[k]);
    }
  }
  return out.join("");
}
