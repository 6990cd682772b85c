/**
 * Schema-aware repair: walks a parsed value next to its JSON Schema and makes
 * the changes the schema itself justifies (type coercion, enum matching,
 * dropping forbidden properties, filling required properties from `default`).
 * It never invents a value the schema does not supply. The walk is iterative
 * (a work list), visiting each value once.
 */
import { editDistance } from "@formwork/core/internal";
import type { PendingEdit, EditKind } from "./edit.js";
import type { JsonNode, NodeMap } from "./json-node.js";

type Schema = Record<string, unknown>;

/** Where the walk reports its edits and how it finds offsets. */
export interface SchemaRepairContext {
  /** The root schema, for resolving local `$ref`s. */
  root: unknown;
  edits: PendingEdit[];
  /** Maps containers to parser nodes, for the offsets of edits (JSON only). */
  nodes?: NodeMap;
  /** Offset used when a value has no known place in the text. */
  baseOffset: number;
}

interface Work {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  schema: unknown;
  path: string;
  offset: number;
}

const MAX_PARTS = 64;

/** Repairs `value` against `schema` in place where possible and returns the (possibly replaced) root value. */
export function repairAgainstSchema(value: unknown, schema: unknown, ctx: SchemaRepairContext): unknown {
  const holder: Record<string, unknown> = { root: value };
  const work: Work[] = [{ holder, key: "root", schema, path: "", offset: ctx.baseOffset }];
  while (work.length > 0) {
    const w = work.pop()!;
    const parts = collectParts(w.schema, ctx.root, (w.holder as Record<string, unknown>)[w.key as string]);
    if (parts === undefined) continue;
    let v = (w.holder as Record<string, unknown>)[w.key as string];
    const set = (nv: unknown, kind: EditKind, message: string) => {
      (w.holder as Record<string, unknown>)[w.key as string] = nv;
      v = nv;
      ctx.edits.push({ kind, offset: w.offset, message, path: w.path });
    };
    const types = firstOf<string | string[]>(parts, "type");
    const typeList = types === undefined ? undefined : Array.isArray(types) ? types : [types];
    if (typeList !== undefined && !typeOk(v, typeList)) {
      const c = coerce(v, typeList);
      if (c !== undefined) set(c.value, "coerce-type", `converted ${short(v)} to ${short(c.value)} (the schema asks for ${typeList.join(" or ")})`);
    }
    const enumValues = firstOf<unknown[]>(parts, "enum") ?? (parts.some((p) => "const" in p) ? [parts.find((p) => "const" in p)!.const] : undefined);
    if (Array.isArray(enumValues) && !enumValues.some((e) => deepEqual(e, v))) {
      const m = matchEnum(v, enumValues);
      if (m !== undefined) set(m, "match-enum", `replaced ${short(v)} with the allowed value ${short(m)}`);
    }
    if (v !== null && typeof v === "object") {
      const node = ctx.nodes?.get(v);
      if (Array.isArray(v)) {
        const prefix = firstOf<unknown[]>(parts, "prefixItems");
        const items = firstOf<unknown>(parts, "items");
        const tuple = Array.isArray(prefix) ? prefix : Array.isArray(items) ? items : undefined;
        const rest = Array.isArray(items) ? firstOf<unknown>(parts, "additionalItems") : items;
        for (let i = v.length - 1; i >= 0; i--) {
          const s = tuple !== undefined && i < tuple.length ? tuple[i] : rest;
          if (s === undefined) continue;
          const off = node?.kind === "array" && i < node.starts.length ? node.starts[i] : w.offset;
          work.push({ holder: v, key: i, schema: s, path: `${w.path}/${i}`, offset: off });
        }
      } else {
        repairObject(v as Record<string, unknown>, parts, w, node?.kind === "object" ? node : undefined, ctx, work);
      }
    }
  }
  return holder.root;
}

function repairObject(v: Record<string, unknown>, parts: Schema[], w: Work, node: Extract<JsonNode, { kind: "object" }> | undefined, ctx: SchemaRepairContext, work: Work[]): void {
  const props: Record<string, unknown> = Object.create(null);
  const patterns: { re: RegExp; schema: unknown }[] = [];
  let definers = 0;
  let additional: unknown;
  for (const p of parts) {
    const pp = p.properties;
    if (pp && typeof pp === "object") for (const [k, s] of Object.entries(pp)) if (!(k in props)) props[k] = s;
    if (p.patternProperties && typeof p.patternProperties === "object") {
      for (const [src, s] of Object.entries(p.patternProperties as Schema)) {
        try {
          patterns.push({ re: new RegExp(src, "u"), schema: s });
        } catch {
          // An invalid pattern: ajv reports it; the walk ignores it.
        }
      }
    }
    if (pp !== undefined || p.patternProperties !== undefined || p.additionalProperties !== undefined || p.unevaluatedProperties !== undefined) definers++;
    if (p.additionalProperties !== undefined) additional = p.additionalProperties;
    else if (p.unevaluatedProperties === false && additional === undefined) additional = false;
  }
  let keyIndex: Map<string, number> | undefined;
  const offsetOf = (k: string): number => {
    if (!node) return w.offset;
    if (!keyIndex) {
      keyIndex = new Map();
      node.keys.forEach((key, i) => keyIndex!.set(key, i));
    }
    const i = keyIndex.get(k);
    return i === undefined ? node.start : node.starts[i];
  };
  for (const k of Object.keys(v)) {
    const path = `${w.path}/${escapePointer(k)}`;
    if (k in props) {
      work.push({ holder: v, key: k, schema: props[k], path, offset: offsetOf(k) });
      continue;
    }
    const pat = patterns.filter((p) => p.re.test(k));
    if (pat.length > 0) {
      for (const p of pat) work.push({ holder: v, key: k, schema: p.schema, path, offset: offsetOf(k) });
      continue;
    }
    // Drop only when one part alone says which properties exist.
    if (additional === false && definers === 1) {
      ctx.edits.push({ kind: "drop-property", offset: offsetOf(k), message: `removed the property ${JSON.stringify(k)}, which the schema does not allow`, path });
      delete v[k];
    } else if (additional !== undefined && typeof additional === "object") {
      work.push({ holder: v, key: k, schema: additional, path, offset: offsetOf(k) });
    }
  }
  const required = new Set<string>();
  for (const p of parts) if (Array.isArray(p.required)) for (const r of p.required) if (typeof r === "string") required.add(r);
  for (const r of required) {
    if (Object.hasOwn(v, r)) continue;
    const ps = collectParts(props[r], ctx.root, undefined);
    const withDefault = ps?.find((p) => "default" in p);
    if (withDefault) {
      v[r] = structuredClone(withDefault.default);
      ctx.edits.push({ kind: "fill-default", offset: node ? node.start : w.offset, message: `filled the missing required property ${JSON.stringify(r)} with the schema's default ${short(withDefault.default)}`, path: `${w.path}/${escapePointer(r)}` });
    }
  }
}

/**
 * Flattens a schema into the object schemas that apply to `value`: itself,
 * its `$ref` targets, its `allOf` members, and for `anyOf`/`oneOf` the
 * branch that fits `value` best. Returns undefined for `true`/absent schemas.
 */
function collectParts(schema: unknown, root: unknown, value: unknown): Schema[] | undefined {
  const out: Schema[] = [];
  const seen = new Set<unknown>();
  const queue: unknown[] = [schema];
  while (queue.length > 0 && out.length < MAX_PARTS) {
    const s = queue.shift();
    if (s === null || typeof s !== "object" || Array.isArray(s) || seen.has(s)) continue;
    seen.add(s);
    const o = s as Schema;
    out.push(o);
    if (typeof o.$ref === "string") queue.push(resolveRef(o.$ref, root));
    if (Array.isArray(o.allOf)) queue.push(...o.allOf);
    for (const key of ["anyOf", "oneOf"] as const) {
      const branches = o[key];
      if (Array.isArray(branches) && branches.length > 0) queue.push(bestBranch(branches, root, value));
    }
  }
  return out.length > 0 ? out : undefined;
}

function bestBranch(branches: unknown[], root: unknown, value: unknown): unknown {
  let best = branches[0];
  let bestScore = -Infinity;
  for (const b of branches) {
    const s = resolveShallow(b, root);
    if (s === undefined) continue;
    let score = 0;
    const t = s.type;
    const types = t === undefined ? undefined : Array.isArray(t) ? (t as string[]) : [t as string];
    if (types === undefined) score += 1;
    else if (typeOk(value, types)) score += 4;
    else if (coerce(value, types) !== undefined) score += 2;
    if ("const" in s) score += deepEqual(s.const, value) ? 4 : -4;
    if (Array.isArray(s.enum)) score += s.enum.some((e) => deepEqual(e, value)) ? 4 : -2;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      if (Array.isArray(s.required)) for (const r of s.required) score += Object.hasOwn(value, r as string) ? 1 : -1;
      if (s.properties && typeof s.properties === "object") for (const k of Object.keys(value)) if (k in (s.properties as object)) score += 0.5;
    }
    if (score > bestScore) {
      bestScore = score;
      best = b;
    }
  }
  return best;
}

function resolveShallow(s: unknown, root: unknown): Schema | undefined {
  let cur = s;
  for (let i = 0; i < 16 && cur && typeof cur === "object" && typeof (cur as Schema).$ref === "string" && Object.keys(cur as object).length === 1; i++) {
    cur = resolveRef((cur as Schema).$ref as string, root);
  }
  return cur && typeof cur === "object" && !Array.isArray(cur) ? (cur as Schema) : undefined;
}

/** Resolves a local `$ref` (`#`, `#/a/b`); other references resolve to undefined. */
function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith("#")) return undefined;
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let cur: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const seg = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function firstOf<T>(parts: Schema[], key: string): T | undefined {
  for (const p of parts) if (p[key] !== undefined) return p[key] as T;
  return undefined;
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeOk(v: unknown, types: string[]): boolean {
  const t = jsonType(v);
  return types.includes(t) || (t === "integer" && types.includes("number"));
}

/** Converts a scalar to one of `types` when the text of the value says so; undefined otherwise. */
function coerce(v: unknown, types: string[]): { value: unknown } | undefined {
  if (typeof v === "string") {
    const s = v.trim();
    if (types.includes("integer") && /^[-+]?\d+$/.test(s) && Number.isSafeInteger(Number(s))) return { value: Number(s) };
    if (types.includes("number") && /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(s) && Number.isFinite(Number(s))) return { value: Number(s) };
    if (types.includes("integer") && /^[-+]?\d+\.0*$/.test(s)) return { value: Number(s) };
    if (types.includes("boolean") && /^(true|false)$/i.test(s)) return { value: s.toLowerCase() === "true" };
    if (types.includes("null") && /^(null|none)$/i.test(s)) return { value: null };
    if ((types.includes("object") || types.includes("array")) && (s.startsWith("{") || s.startsWith("["))) {
      // `"{\"a\": 1}"`: the JSON text of the object or array the schema asks for, written as a string.
      try {
        const parsed: unknown = JSON.parse(s);
        if (typeOk(parsed, types)) return { value: parsed };
      } catch {
        // Not JSON (or too deep for the native parser): left as it is.
      }
    }
    return undefined;
  }
  if ((typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean") {
    if (types.includes("string")) return { value: String(v) };
    if (typeof v === "number" && types.includes("boolean") && (v === 0 || v === 1)) return undefined;
  }
  return undefined;
}

/** Finds the unique enum value that `v` was most likely meant to be (case, spacing, a small typo). */
function matchEnum(v: unknown, members: unknown[]): unknown {
  if (typeof v === "number" || typeof v === "boolean") {
    const hits = members.filter((m) => typeof m === "string" && m === String(v));
    if (hits.length === 1) return hits[0];
    const nums = members.filter((m) => typeof m === "number" && String(m) === String(v));
    return nums.length === 1 ? nums[0] : undefined;
  }
  if (typeof v !== "string" || v.length > 200 || members.length > 2000) return undefined;
  const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_-]+/g, " ");
  const nv = norm(v);
  const strings = members.filter((m): m is string => typeof m === "string");
  const same = strings.filter((m) => norm(m) === nv);
  if (same.length === 1) return same[0];
  if (same.length > 1) return undefined;
  // Numbers written as strings.
  const asNumber = members.filter((m) => typeof m === "number" && String(m) === v.trim());
  if (asNumber.length === 1) return asNumber[0];
  let best: string | undefined;
  let bestD = Infinity;
  let ties = 0;
  for (const m of strings) {
    const limit = Math.max(1, Math.floor(m.length / 4));
    const d = editDistance(nv, norm(m), limit);
    if (d > limit) continue;
    if (d < bestD) {
      bestD = d;
      best = m;
      ties = 1;
    } else if (d === bestD) ties++;
  }
  return ties === 1 ? best : undefined;
}

/** Structural equality of JSON values (as JSON Schema's `enum` and `const` compare them). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** JSON text of `v`, cut to 60 characters, for edit messages. */
function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function escapePointer(k: string): string {
  return k.replace(/~/g, "~0").replace(/\//g, "~1");
}
