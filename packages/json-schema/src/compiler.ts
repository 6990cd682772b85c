/**
 * `compileSchema`: JSON Schema to grammar IR. A schema is compiled as a
 * conjunction of subschemas (frames): `allOf` and `$ref` add frames,
 * `anyOf`/`oneOf`/`if`/`dependent*` distribute into alternatives, `not`
 * becomes a negated schema, and the remaining flat keywords are merged per
 * instance kind and emitted. Every keyword is enforced exactly or refused
 * (`UnsupportedError`, code `unsupported-keyword`); under `lenient: true`
 * the refusal becomes a warning and a documented approximation.
 */
import { CompileError, LimitError } from "@formwork/core";
import { limitExceeded } from "@formwork/core/internal";
import { alt, literal, ref, seq, type Grammar, type Node } from "@formwork/grammar";
import { productiveRules } from "@formwork/grammar/internal";
import { checkSchemaLimits } from "@formwork/validate";
import { approximate, EMPTY, uniqueWarnings, type CompileWarning, type Ctx, type Kind } from "./context.js";
import { compactGrammar, sizeAtLeast, EXTRACT_MIN_SIZE } from "./compact.js";
import { emitArray } from "./emit-array.js";
import { emitObject } from "./emit-object.js";
import { emitNumber, emitString, scalarOk, structuralKinds } from "./emit-scalar.js";
import { kindOf, mergeFrames, canonicalKey } from "./merge.js";
import { negate, NotNegatable } from "./negate.js";
import { resolveOptions, type CompileSchemaOptions, type ResolvedOptions } from "./options.js";
import { draftOf, frame, isFrame, under, withSchema, SchemaRegistry, type Frame } from "./resolver.js";
import { JsonSyntax } from "./syntax/json.js";
import { YamlSyntax } from "./syntax/yaml.js";
import { compileTable } from "./table.js";
import type { CsvTable } from "@formwork/csv";
import type { Slot, Syntax } from "./syntax/syntax.js";

/** The result of `compileSchema`. */
export interface CompiledSchema {
  /** The grammar; its language is the JSON texts (in the chosen layout) of values valid under the schema. */
  grammar: Grammar;
  /** Approximations made under `lenient: true`, and formats enforced as subsets. */
  warnings: CompileWarning[];
  /** With `syntax: "csv"`: the table's columns as the cell rule reads them and its dialect (what `parseCsv` and `repairCsv` take). */
  table?: CsvTable;
}

const METADATA = new Set(["$schema", "$id", "id", "$comment", "$defs", "definitions", "title", "description", "default", "examples", "$anchor", "$dynamicAnchor", "readOnly", "writeOnly", "deprecated", "contentMediaType", "contentEncoding", "contentSchema", "$vocabulary"]);
const COMBINATORS = ["anyOf", "oneOf", "not", "if", "dependentRequired", "dependentSchemas", "dependencies"];

/**
 * Compiles a JSON Schema (an object, a boolean, or JSON text) to a grammar
 * whose sentences are exactly the JSON texts of valid instances in the chosen
 * layout. Throws `CompileError` for schemas that are not JSON or not schemas
 * (`invalid-schema`), point nowhere (`unresolved-ref`) or have no valid
 * instance (`empty-schema`), and `UnsupportedError` for keywords that cannot
 * be enforced exactly (unless `lenient`).
 */
export function compileSchema(schema: unknown, options: CompileSchemaOptions = {}): CompiledSchema {
  const opts = resolveOptions(options);
  if (typeof schema === "string") {
    try {
      schema = JSON.parse(schema);
    } catch (e) {
      throw new CompileError("invalid-schema", `The schema is not valid JSON: ${(e as Error).message}`, { location: { kind: "pointer", pointer: "" }, hint: "Pass a parsed object or valid JSON text." });
    }
  }
  if (typeof schema !== "boolean" && (typeof schema !== "object" || schema === null || Array.isArray(schema))) {
    throw new CompileError("invalid-schema", `A schema must be an object or a boolean, got ${Array.isArray(schema) ? "an array" : JSON.stringify(schema)}`, { location: { kind: "pointer", pointer: "" }, hint: 'Write e.g. {"type": "object"}.' });
  }
  // Depth and width first, without recursion: the registry and the compiler recurse once per level.
  const { depth } = checkSchemaLimits(schema, opts.limits);
  try {
    return compileChecked(schema, opts);
  } catch (e) {
    // Only a maxDepth raised past what the stack holds gets here (the default 256 always fits).
    if (e instanceof RangeError) {
      throw new LimitError("max-depth", `the schema, ${depth} levels deep, nests too deep for the compiler's call stack (limits.maxDepth = ${opts.limits.maxDepth} was raised past what this process's stack holds)`, {
        location: { kind: "pointer", pointer: "" },
        hint: "Lower limits.maxDepth (the default 256 always fits), flatten the schema with $defs, or run Node with a larger --stack-size.",
        limit: "maxDepth",
        limitValue: opts.limits.maxDepth,
      });
    }
    throw e;
  }
}

function compileChecked(schema: boolean | object, opts: ReturnType<typeof resolveOptions>): CompiledSchema {
  const draft = (typeof schema === "object" && draftOf((schema as Record<string, unknown>).$schema)) || opts.draft;
  const reg = new SchemaRegistry(schema, draft, opts.remotes);
  const rules = new Map<string, Node>();
  const used = new Set<string>();
  const warnings: CompileWarning[] = [];
  const newRule = (prefix: string): string => {
    let i = used.size;
    while (used.has(`${prefix}${i}`)) i++;
    used.add(`${prefix}${i}`);
    return `${prefix}${i}`;
  };
  const json = createSyntax(opts, rules, newRule);
  const newContext = (syntax: Syntax, own?: Map<string, Node>): Ctx => context(reg, opts, syntax, own ?? rules, newRule, warnings);
  if (opts.csv) {
    rules.set("root", EMPTY);
    const t = compileTable(reg, opts.csv, json, newContext, rules, newRule);
    rules.set("root", t.root);
    const g = compactGrammar({ rules, root: "root" });
    if (!productiveRules(g).has("root")) {
      throw new CompileError("empty-schema", "No table satisfies this schema (a column has no value its cells can hold, or minItems asks for rows no column can fill)", {
        location: { kind: "pointer", pointer: "" },
        hint: "Check the columns for contradictory keywords (e.g. minimum above maximum), and that every required column can hold a scalar.",
      });
    }
    return { grammar: g, warnings: uniqueWarnings(warnings), table: t.table };
  }
  const ctx = newContext(json);
  rules.set("root", EMPTY);
  const body = ctx.value([reg.root], 0, "root");
  rules.set("root", ctx.syntax.document(body));
  const g = compactGrammar({ rules, root: "root" });
  if (!productiveRules(g).has("root")) {
    // A $ref loop that reads nothing ({"$ref": "#"}, a -> b -> a) has no finite instance either: say so when there is a $ref.
    const refs = typeof schema === "object" && JSON.stringify(schema).includes('"$ref"');
    throw new CompileError(
      "empty-schema",
      "No JSON value satisfies this schema (its constraints contradict each other" +
        (refs ? ", or it refers back to itself through $ref without reading into the value, as {\"$ref\": \"#\"} or a -> b -> a do" : "") +
        (ctx.syntax.depthMatters ? `, or every instance nests deeper than maxDepth ${opts.maxDepth})` : ")"),
      {
        location: { kind: "pointer", pointer: "" },
        hint: `Check for contradictory keywords (e.g. minimum above maximum, a required property that is false)${refs ? "; make every $ref cycle pass through a keyword that reads into the value (properties, items, ...)" : ""}.`,
      },
    );
  }
  return { grammar: g, warnings: uniqueWarnings(ctx.warnings) };
}

/**
 * A compile context whose values are written by `syntax`, with its own memo
 * and rules for `$ref`s, sharing `rules`, `newRule` and `warnings` with the
 * other contexts of the same compile (a CSV table compiles each column in
 * its own context, since a column's spelling depends on the column).
 */
function context(reg: SchemaRegistry, opts: ResolvedOptions, syntax: Syntax, rules: Map<string, Node>, newRule: (prefix: string) => string, warnings: CompileWarning[]): Ctx {
  const refRules = new Map<string, string>();
  const memo = new Map<string, Memo>();
  const schemaIds: SchemaIds = { ids: new Map(), cache: new WeakMap() };
  const ctx: Ctx = {
    reg,
    opts,
    syntax,
    rules,
    warnings,
    value: (frames, depth, slot) => memoValue(ctx, memo, schemaIds, frames, depth, slot, () => value(ctx, frames, depth, slot, refRules, { n: 0 })),
    reached: 0,
    newRule,
    share: (node, prefix) => {
      if (!sizeAtLeast(node, EXTRACT_MIN_SIZE)) return node;
      const name = ctx.newRule(prefix);
      rules.set(name, node);
      return ref(name);
    },
  };
  return ctx;
}

/** A value compiled once: the node, how deep it nested below its depth, and the warnings it gave. */
interface Memo {
  node: Node;
  height: number;
  warnings: CompileWarning[];
  ptrs: string[];
}

/**
 * Compiles a conjunction once per structure: frames with equal schemas, base
 * URIs and relations between their expansion tags (what `unevaluated*` reads),
 * at the same depth and slot when the syntax depends on them, give the same node, so
 * that copies of a subschema (e.g. `$ref`s expanded inline) become one rule
 * after compaction. A hit replays the first compile's warnings with pointers
 * moved to the new frames, and is recompiled when it would nest deeper than
 * `maxDepth` here.
 */
function memoValue(ctx: Ctx, memo: Map<string, Memo>, schemaIds: SchemaIds, frames: Frame[], depth: number, slot: Slot, compile: () => Node): Node {
  const key = `${frames.map((f) => `${schemaId(schemaIds, f.s)}\u0000${f.base}\u0000${f.tag.noEval ? 1 : 0}\u0000${relations(frames, f)}`).join("\u0001")}@${placeKey(ctx, depth, slot)}`;
  const hit = memo.get(key);
  if (hit && depth + hit.height <= ctx.opts.maxDepth) {
    ctx.reached = Math.max(ctx.reached, depth + hit.height);
    const ptrs = frames.map((f) => f.ptr);
    for (const w of hit.warnings) ctx.warnings.push({ ...w, pointer: rebase(w.pointer, hit.ptrs, ptrs) });
    return hit.node;
  }
  const outer = ctx.reached;
  ctx.reached = depth;
  const w0 = ctx.warnings.length;
  const node = compile();
  const height = ctx.reached - depth;
  ctx.reached = Math.max(outer, ctx.reached);
  memo.set(key, { node, height, warnings: uniqueWarnings(ctx.warnings.slice(w0)), ptrs: frames.map((f) => f.ptr) });
  return node;
}

/** Ids of canonical schema texts within one compile, and the id of each schema object seen. */
interface SchemaIds {
  ids: Map<string, number>;
  cache: WeakMap<object, number>;
}

/** Keywords that never change the grammar (annotations), left out of the memo key. */
const ANNOTATIONS = new Set(["title", "description", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly"]);
/** Keywords whose value is a map of schemas, a schema, or an array of schemas. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"]);
const SCHEMA_ONE = new Set(["not", "if", "then", "else", "items", "additionalItems", "additionalProperties", "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems", "items"]);

const plain = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !isFrame(v);
/** JSON text that tells strings from the numbers JSON cannot write (and keeps a Frame's unique tag). */
const verbatim = (v: unknown): string => {
  // Scalars (most keyword values: "type": "string", "minimum": 0) without the replacer's calls; the same text.
  switch (typeof v) {
    case "string":
      return JSON.stringify(`s${v}`);
    case "number":
      return JSON.stringify(Number.isFinite(v) ? v : `n${v}`);
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
      return '"u"';
  }
  if (v === null) return "null";
  return JSON.stringify(v, (_, x: unknown) => (typeof x === "string" ? `s${x}` : typeof x === "number" && !Number.isFinite(x) ? `n${x}` : x === undefined ? "u" : x)) ?? "u";
};

/**
 * The id of a schema's canonical text for the memo (cached per object): the
 * text names subschemas by their ids, so it stays short, and annotations are
 * dropped at schema positions only (a property named "title" stays).
 */
function schemaId(t: SchemaIds, s: unknown): number {
  const isPlain = plain(s);
  const cached = isPlain ? t.cache.get(s) : undefined;
  if (cached !== undefined) return cached;
  let text: string;
  if (!isPlain) text = verbatim(s);
  else {
    const parts: string[] = [];
    const o = s as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (ANNOTATIONS.has(key)) continue;
      const v = o[key];
      let x: string;
      if (SCHEMA_LISTS.has(key) && Array.isArray(v)) x = `[${v.map((e) => `#${schemaId(t, e)}`).join(",")}]`;
      else if (SCHEMA_MAPS.has(key) && plain(v)) x = `{${Object.keys(v).map((p) => `${JSON.stringify(p)}:#${schemaId(t, (v as Record<string, unknown>)[p])}`).join(",")}}`;
      else if (SCHEMA_ONE.has(key)) x = `#${schemaId(t, v)}`;
      else x = verbatim(v);
      parts.push(`${JSON.stringify(key)}:${x}`);
    }
    text = `{${parts.join(",")}}`;
  }
  let id = t.ids.get(text);
  if (id === undefined) t.ids.set(text, (id = t.ids.size));
  if (isPlain) t.cache.set(s, id);
  return id;
}

/** The frames of the list that `f` is, or was expanded from (by index). */
function relations(frames: Frame[], f: Frame): string {
  const out: number[] = [];
  frames.forEach((g, i) => {
    if (g.tag.id === f.tag.id || f.tag.lineage.includes(g.tag.id)) out.push(i);
  });
  return out.join(",");
}

/** `pointer` with the longest old frame pointer it lies under replaced by the new frame's. */
function rebase(pointer: string, from: string[], to: string[]): string {
  let best = -1;
  from.forEach((p, i) => {
    if ((pointer === p || pointer.startsWith(`${p}/`)) && (best < 0 || p.length > from[best].length)) best = i;
  });
  return best < 0 ? pointer : to[best] + pointer.slice(from[best].length);
}

function isMetadataOnly(o: Record<string, unknown>): boolean {
  return Object.keys(o).every((k) => METADATA.has(k));
}

/** The part of a memo key that says where a value stands, as far as the syntax's text depends on it. */
function placeKey(ctx: Ctx, depth: number, slot: Slot): string {
  return `${ctx.syntax.depthMatters ? depth : ""}${ctx.syntax.slotMatters ? slot : ""}`;
}

/** Compiles a conjunction of frames as one value at `depth`, standing in `slot`. */
function value(ctx: Ctx, frames: Frame[], depth: number, slot: Slot, refRules: Map<string, string>, budget: { n: number }): Node {
  const reg = ctx.reg;
  ctx.reached = Math.max(ctx.reached, depth);
  if (depth > ctx.opts.maxDepth) {
    if (ctx.syntax.depthMatters) return EMPTY;
    throw new LimitError("max-depth", `The schema nests deeper than maxDepth (${ctx.opts.maxDepth})`, { location: { kind: "pointer", pointer: frames[0]?.ptr ?? "" }, hint: "Raise the option maxDepth of compileSchema (or resolveConstraint's schemaOptions; not limits.maxDepth, which bounds the schema document) if the schema is trusted. The command line cannot raise it (--limit maxDepth=N sets limits.maxDepth); see docs/limits.md." });
  }
  // A lone $ref (or a chain of them) becomes a rule, which is what makes recursion finite.
  const live = frames.filter((f) => !(f.s === true || (typeof f.s === "object" && f.s !== null && !Array.isArray(f.s) && isMetadataOnly(f.s as Record<string, unknown>))));
  if (live.length === 0) {
    const special = ctx.syntax.anyValue?.(depth, slot);
    if (special) return special;
    // Any JSON value: one shared (recursive) rule.
    const key = `any@${placeKey(ctx, depth, slot)}`;
    let name = refRules.get(key);
    if (!name) {
      name = ctx.newRule("any");
      refRules.set(key, name);
      ctx.rules.set(name, EMPTY);
      ctx.rules.set(name, emitFlat(ctx, [], depth, slot));
    }
    return ref(name);
  }
  if (live.length === 1 && typeof live[0].s === "object" && live[0].s !== null) {
    const o = live[0].s as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => !METADATA.has(k));
    if (keys.length === 1 && keys[0] === "$ref" && typeof o.$ref === "string") {
      const target = reg.resolve(o.$ref, live[0], `${live[0].ptr}/$ref`);
      const key = `${target.base}#${target.ptr}@${placeKey(ctx, depth, slot)}`;
      let name = refRules.get(key);
      if (!name) {
        name = ctx.newRule("ref");
        refRules.set(key, name);
        ctx.rules.set(name, EMPTY);
        ctx.rules.set(name, value(ctx, [target], depth, slot, refRules, { n: 0 }));
      }
      return ref(name);
    }
  }
  // Flatten $ref and allOf into the conjunction.
  const queue = [...frames];
  const flat: Frame[] = [];
  let expansions = 0;
  while (queue.length) {
    const f = queue.shift()!;
    const s = f.s;
    if (s === true) continue;
    if (s === false) return EMPTY;
    if (typeof s !== "object" || s === null || Array.isArray(s)) {
      throw new CompileError("invalid-schema", `A schema must be an object or a boolean, got ${JSON.stringify(s)}`, { location: { kind: "pointer", pointer: f.ptr }, hint: "Replace it with a schema object such as {} or {\"type\": \"string\"}." });
    }
    const o = s as Record<string, unknown>;
    if (typeof o.$ref === "string") {
      if (++expansions > 64) {
        approximate(ctx, `${f.ptr}/$ref`, "a recursive $ref combined with sibling keywords never reaches a value", undefined, "restricts");
        return EMPTY;
      }
      const target = under(f, reg.resolve(o.$ref, f, `${f.ptr}/$ref`));
      if (reg.draft <= 7) {
        queue.push(target); // siblings of $ref are ignored
        continue;
      }
      queue.push(withSchema(f, omit(o, "$ref")), target);
      continue;
    }
    if (typeof o.$dynamicRef === "string") {
      approximate(ctx, `${f.ptr}/$dynamicRef`, "$dynamicRef is not supported; it is resolved like $ref", "Use $ref, or pass lenient: true.");
      queue.push(withSchema(f, omit(o, "$dynamicRef")), under(f, reg.resolve(o.$dynamicRef, f, `${f.ptr}/$dynamicRef`)));
      continue;
    }
    if (Array.isArray(o.allOf)) {
      queue.push(withSchema(f, omit(o, "allOf")));
      o.allOf.forEach((_, i) => queue.push(under(f, reg.child(f, "allOf", i)!)));
      continue;
    }
    flat.push(f);
  }
  // Distribute the first combinator.
  for (let fi = 0; fi < flat.length; fi++) {
    const f = flat[fi];
    const o = f.s as Record<string, unknown>;
    const key = COMBINATORS.find((k) => o[k] !== undefined);
    if (!key) continue;
    const others = flat.filter((_, j) => j !== fi);
    const rest = (drop: Record<string, unknown>) => withSchema(f, drop);
    const branches = distribute(ctx, f, o, key, rest);
    if (branches === null) {
      return value(ctx, [...others, rest(omit(o, key))], depth, slot, refRules, budget);
    }
    budget.n += branches.length;
    if (budget.n > ctx.opts.maxAlternatives) {
      throw limitExceeded("maxAlternatives", ctx.opts.maxAlternatives, undefined, { what: "the schema", location: { kind: "pointer", pointer: `${f.ptr}/${key}` }, advice: "Simplify the anyOf/oneOf/if combinations (each alternative costs grammar size).", raise: "the option maxAlternatives of compileSchema or limits: { maxAlternatives: N }" });
    }
    const nodes = branches.map((b) => value(ctx, [...others, ...b], depth, slot, refRules, budget)).filter((n) => !(n.type === "alt" && n.items.length === 0));
    return nodes.length === 0 ? EMPTY : alt(...nodes);
  }
  return emitFlat(ctx, flat, depth, slot);
}

function omit(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

/** Alternatives (each a list of frames) for one combinator keyword of `f`; null to drop the keyword. */
function distribute(ctx: Ctx, f: Frame, o: Record<string, unknown>, key: string, rest: (o: Record<string, unknown>) => Frame): Frame[][] | null {
  const reg = ctx.reg;
  const ptr = `${f.ptr}/${key}`;
  const without = rest(omit(o, key));
  const sub = (x: Frame) => under(f, x);
  const neg = (x: Frame): Frame | null => {
    try {
      return under(f, negate(x, reg), true);
    } catch (e) {
      if (e instanceof NotNegatable) return null;
      throw e;
    }
  };
  switch (key) {
    case "anyOf": {
      const items = o.anyOf as unknown[];
      if (!Array.isArray(items) || items.length === 0) throw new CompileError("invalid-schema", "anyOf must be a non-empty array", { location: { kind: "pointer", pointer: ptr } });
      return items.map((_, i) => [without, sub(reg.child(f, "anyOf", i)!)]);
    }
    case "oneOf": {
      const items = o.oneOf as unknown[];
      if (!Array.isArray(items) || items.length === 0) throw new CompileError("invalid-schema", "oneOf must be a non-empty array", { location: { kind: "pointer", pointer: ptr } });
      const branches = items.map((_, i) => sub(reg.child(f, "oneOf", i)!));
      if (branches.length === 1 || disjoint(ctx, branches)) return branches.map((b) => [without, b]);
      if (branches.length <= 4) {
        const negs = branches.map(neg);
        if (negs.every((x) => x !== null)) return branches.map((b, i) => [without, b, ...negs.filter((_, j) => j !== i).map((x) => x!)]);
      }
      approximate(ctx, ptr, "oneOf branches that are not provably disjoint (different types; different const/enum values, or disjoint types, of a property both require; a property one requires and the other forbids) and cannot be negated are not supported; they are treated as anyOf");
      return branches.map((b) => [without, b]);
    }
    case "not": {
      const n = neg(reg.child(f, "not")!);
      if (n === null) {
        approximate(ctx, ptr, "this `not` schema cannot be expressed as a grammar; it is ignored");
        return null;
      }
      return [[without, n]];
    }
    case "if": {
      const thenC = reg.child(f, "then");
      const elseC = reg.child(f, "else");
      const thenF = thenC && sub(thenC);
      const elseF = elseC && sub(elseC);
      const base = rest(omit(omit(omit(o, "if"), "then"), "else"));
      if (!thenF && !elseF) return [[base]];
      const ifF = sub(reg.child(f, "if")!);
      const notIf = neg(reg.child(f, "if")!);
      if (notIf === null) {
        approximate(ctx, ptr, "the `if` schema cannot be negated, so the `else` side cannot be told apart; only the `then` branch is generated", "restricts");
        return [[base, ifF, ...(thenF ? [thenF] : [])]];
      }
      return [
        [base, ifF, ...(thenF ? [thenF] : [])],
        [base, notIf, ...(elseF ? [elseF] : [])],
      ];
    }
    case "dependentRequired":
    case "dependentSchemas":
    case "dependencies": {
      const deps = o[key] as Record<string, unknown>;
      const entries = Object.entries(deps ?? {});
      if (entries.length === 0) return [[without]];
      const [name, dep] = entries[0];
      const remaining = omit(deps, name);
      const keep = rest(Object.keys(remaining).length ? { ...omit(o, key), [key]: remaining } : omit(o, key));
      const absent = under(f, frame({ properties: { [name]: false } }, ptr, f.base), true);
      if (Array.isArray(dep)) return [[keep, absent], [keep, under(f, frame({ required: [...dep, name] }, ptr, f.base), true)]];
      return [[keep, absent], [keep, under(f, frame({ required: [name] }, ptr, f.base), true), sub(reg.child(f, key, name)!)]];
    }
  }
  return null;
}

/**
 * Provable disjointness of oneOf branches, pair by pair: disjoint kinds; disjoint const/enum
 * values; or, when both allow only objects, a required property with disjoint const/enum values
 * or disjoint kinds in the two branches, or a property one branch requires and the other forbids
 * (`properties: {p: false}`, or `additionalProperties: false` without p among its properties).
 */
function disjoint(ctx: Ctx, branches: Frame[]): boolean {
  const info = branches.map((b) => shallow(ctx, b));
  const forbids = (x: Shallow, p: string) => x.falseProps.has(p) || x.closed.some((names) => !names.has(p));
  const propKinds = (x: Shallow, p: string): { kinds: Set<Kind>; values?: string[] } => {
    let kinds = new Set<Kind>(ALL_KINDS);
    let values: string[] | undefined;
    for (const pf of x.props.get(p) ?? []) {
      const sub = shallow(ctx, pf, 1);
      const keep = [...kinds].filter((k) => sub.kinds.has(k));
      kinds = new Set(keep);
      const sv = sub.values;
      if (sv) values = values ? values.filter((v) => sv.includes(v)) : sv;
    }
    return { kinds, values };
  };
  for (let i = 0; i < info.length; i++) {
    for (let j = i + 1; j < info.length; j++) {
      const a = info[i];
      const b = info[j];
      if (![...a.kinds].some((k) => b.kinds.has(k))) continue;
      if (a.values && b.values && !a.values.some((v) => b.values!.includes(v))) continue;
      const onlyObjects = [...a.kinds, ...b.kinds].every((k) => k === "object");
      if (onlyObjects && [...a.tags.keys()].some((p) => b.tags.has(p) && !a.tags.get(p)!.some((v) => b.tags.get(p)!.includes(v)))) continue;
      if (onlyObjects && ([...a.required].some((p) => forbids(b, p)) || [...b.required].some((p) => forbids(a, p)))) continue;
      if (
        onlyObjects &&
        [...a.required].some((p) => {
          if (!b.required.has(p)) return false;
          const ka = propKinds(a, p), kb = propKinds(b, p);
          if (![...ka.kinds].some((k) => kb.kinds.has(k))) return true;
          return ka.values !== undefined && kb.values !== undefined && !ka.values.some((v) => kb.values!.includes(v));
        })
      ) {
        continue;
      }
      return false;
    }
  }
  return true;
}

const ALL_KINDS: Kind[] = ["null", "boolean", "object", "array", "string", "number", "integer"];

/** What a branch's top level (through $ref and allOf) says about the values it allows. */
interface Shallow {
  kinds: Set<Kind>;
  values?: string[];
  tags: Map<string, string[]>;
  /** Properties every object must have. */
  required: Set<string>;
  /** Properties no object may have (`properties: {p: false}`). */
  falseProps: Set<string>;
  /** For each `additionalProperties: false` (without patternProperties): the only names allowed. */
  closed: Set<string>[];
  /** The subschemas a property's value must meet. */
  props: Map<string, Frame[]>;
}

/** The kinds, values, discriminator tags and property facts a branch allows, read from its top level (through $ref and allOf). */
function shallow(ctx: Ctx, f: Frame, depth = 0): Shallow {
  const out: Shallow = { kinds: new Set<Kind>(ALL_KINDS), values: undefined, tags: new Map(), required: new Set(), falseProps: new Set(), closed: [], props: new Map() };
  if (f.s === false) return { ...out, kinds: new Set() };
  if (typeof f.s !== "object" || f.s === null || depth > 8) return out;
  const o = f.s as Record<string, unknown>;
  const parts: Frame[] = [];
  if (typeof o.$ref === "string") parts.push(ctx.reg.resolve(o.$ref, f, `${f.ptr}/$ref`));
  if (Array.isArray(o.allOf)) o.allOf.forEach((_, i) => parts.push(ctx.reg.child(f, "allOf", i)!));
  const m = mergeFrames([frame(omit(omit(o, "$ref"), "allOf"), f.ptr, f.base)], ctx.reg.draft);
  out.kinds = m.kinds;
  if (m.values) {
    out.values = m.values.map(canonicalKey);
    out.kinds = new Set(m.values.map(kindOf).flatMap((k) => (k === "integer" ? ["integer", "number"] : [k]) as Kind[]));
  }
  const req = new Set(Array.isArray(o.required) ? (o.required as unknown[]).filter((x): x is string => typeof x === "string") : []);
  for (const p of req) out.required.add(p);
  const props = o.properties && typeof o.properties === "object" && !Array.isArray(o.properties) ? (o.properties as Record<string, unknown>) : null;
  if (props) {
    for (const [p, sub] of Object.entries(props)) {
      if (sub === false) out.falseProps.add(p);
      const child = ctx.reg.child(f, "properties", p);
      if (child) out.props.set(p, [...(out.props.get(p) ?? []), child]);
      if (!req.has(p) || typeof sub !== "object" || sub === null) continue;
      const s = sub as Record<string, unknown>;
      const vals = "const" in s ? [s.const] : Array.isArray(s.enum) ? s.enum : null;
      if (vals) out.tags.set(p, vals.map(canonicalKey));
    }
  }
  const noPatterns = o.patternProperties === undefined || (typeof o.patternProperties === "object" && o.patternProperties !== null && Object.keys(o.patternProperties).length === 0);
  if (o.additionalProperties === false && noPatterns) out.closed.push(new Set(props ? Object.keys(props) : []));
  for (const part of parts) {
    const sub = shallow(ctx, part, depth + 1);
    out.kinds = new Set([...out.kinds].filter((k) => sub.kinds.has(k)));
    if (sub.values) out.values = out.values ? out.values.filter((v) => sub.values!.includes(v)) : sub.values;
    for (const [p, v] of sub.tags) out.tags.set(p, out.tags.has(p) ? out.tags.get(p)!.filter((x) => v.includes(x)) : v);
    for (const p of sub.required) out.required.add(p);
    for (const p of sub.falseProps) out.falseProps.add(p);
    out.closed.push(...sub.closed);
    for (const [p, fs] of sub.props) out.props.set(p, [...(out.props.get(p) ?? []), ...fs]);
  }
  return out;
}

/** Emits a conjunction with no combinators left. */
function emitFlat(ctx: Ctx, flat: Frame[], depth: number, slot: Slot): Node {
  const S = ctx.syntax;
  const m = mergeFrames(flat, ctx.reg.draft);
  if (m.values !== undefined) {
    const structural = structuralKinds(m);
    const keep: unknown[] = [];
    for (const v of m.values) {
      if (!scalarOk(ctx, m, v)) continue;
      const k = kindOf(v);
      if ((k === "object" || k === "array") && structural.has(k)) {
        // Check structured values by compiling them against the same frames is out of scope: refuse.
        approximate(ctx, flat[0].ptr, "enum/const object or array values combined with other object/array keywords are not supported; such values are not generated", undefined, "restricts");
        continue;
      }
      keep.push(v);
    }
    return keep.length === 0 ? EMPTY : alt(...keep.map((v) => S.literal(v, depth, slot)));
  }
  const finiteValues = (conj: Frame[]): unknown[] | null => {
    const flatConj: Frame[] = [];
    for (const f of conj) {
      if (f.s === true) continue;
      if (f.s === false) return [];
      let g = f;
      for (let i = 0; i < 8 && typeof g.s === "object" && g.s !== null && typeof (g.s as Record<string, unknown>).$ref === "string"; i++) {
        g = ctx.reg.resolve((g.s as Record<string, unknown>).$ref as string, g, g.ptr);
      }
      const o = g.s as Record<string, unknown>;
      if (typeof o !== "object" || o === null) return null;
      if (COMBINATORS.some((k) => k in o) || "allOf" in o || "$ref" in o) return null;
      flatConj.push(g);
    }
    const mm = mergeFrames(flatConj, ctx.reg.draft);
    let vals = mm.values;
    if (!vals) {
      const kinds = [...mm.kinds];
      if (kinds.every((k) => k === "null" || k === "boolean")) vals = [...(mm.kinds.has("null") ? [null] : []), ...(mm.kinds.has("boolean") ? [false, true] : [])];
      else return null;
    }
    if (vals.some((v) => typeof v === "object" && v !== null)) return null;
    return vals.filter((v) => scalarOk(ctx, mm, v));
  };
  const items: Node[] = [];
  const k = m.kinds;
  const nots = new Set(m.notValues.map(canonicalKey));
  if (k.has("null") && !nots.has("null")) items.push(S.scalar(S.null(), depth, slot));
  if (k.has("boolean")) for (const b of [true, false]) if (!nots.has(String(b))) items.push(S.scalar(S.boolean(b), depth, slot));
  if (k.has("number") || k.has("integer")) items.push(scalarOf(S, emitNumber(ctx, m), depth, slot));
  if (k.has("string")) items.push(scalarOf(S, emitString(ctx, m, slot === "flow" ? "flowStrings" : "strings"), depth, slot));
  // An entry of a flow sequence is a scalar (Slot "flow").
  if ((k.has("object") || k.has("array")) && slot !== "flow") {
    if (m.notValues.some((v) => typeof v === "object" && v !== null)) {
      approximate(ctx, flat[0]?.ptr ?? "", "excluding object or array values (not/const, not/enum) is not supported; objects and arrays are not generated", undefined, "restricts");
    } else {
      if (k.has("object")) items.push(emitObject(ctx, flat, depth, slot));
      if (k.has("array")) {
        items.push(emitArray(ctx, flat, depth, slot, finiteValues));
        const also = S.arrayAlsoAt?.(depth, slot);
        if (also) items.push(emitArray(ctx, [...flat, frame({ minItems: 1 }, flat[0]?.ptr ?? "", flat[0]?.base ?? "")], also.depth, also.slot, finiteValues, true));
      }
    }
  }
  const live = items.filter((n) => !(n.type === "alt" && n.items.length === 0));
  return live.length === 0 ? EMPTY : alt(...live);
}

/** A scalar placed by the syntax; an empty language stays empty (so that the kind drops out). */
function scalarOf(S: Syntax, node: Node, depth: number, slot: Slot): Node {
  return node.type === "alt" && node.items.length === 0 ? node : S.scalar(node, depth, slot);
}

/**
 * The writer of the syntax the options name (`resolveOptions` has refused
 * unknown names). CSV: JSON here, for the compiler's questions about a
 * column; each column's cells get their own `CsvCellSyntax` (table.ts).
 */
function createSyntax(opts: ResolvedOptions, rules: Map<string, Node>, newRule: (prefix: string) => string): Syntax {
  switch (opts.syntax) {
    case "json":
    case "csv":
      return new JsonSyntax(opts);
    case "yaml":
      return new YamlSyntax(opts, rules, newRule);
  }
}
