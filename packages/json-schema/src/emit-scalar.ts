/**
 * Emitters for numbers and strings, plus the scalar checks that filter
 * `enum` values against the other keywords. The text of each comes from the
 * syntax (`ctx.syntax`): numbers are built in JSON's number syntax and handed
 * to `syntax.number`, strings as languages handed to `syntax.strings`/`keys`.
 */
import { createRequire } from "node:module";
import { alt, charClass, literal, ref, seq, type Node } from "@formwork/grammar";
import { FormworkError, LimitError } from "@formwork/core";
import { combineLanguages, hasAnchors, parseRegex, rx, searchAst, withLength, type ByteDfa, type RegexAst } from "@formwork/regex";
import { regexLimitsKey } from "@formwork/regex/internal";
import { approximate, EMPTY, type Ctx, type Kind } from "./context.js";
import { formatMeaning } from "./formats.js";
import { anyNumber, boundedNumber, type NumericBounds } from "./numbers.js";
import { canonicalKey, kindOf, type Merged } from "./merge.js";
import type { StringWriter } from "./syntax/syntax.js";

const require = createRequire(import.meta.url);
const ajvFormats = require("ajv-formats/dist/formats.js") as { fullFormats: Record<string, unknown> };


/** Formats defined by JSON Schema (2020-12 and earlier drafts). */
const SPEC_FORMATS = new Set(["date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template", "json-pointer", "relative-json-pointer", "regex", "host-name", "ip-address", "color", "style", "phone", "utc-millisec"]);

/** A format that neither JSON Schema nor ajv-formats defines: validators treat it as an annotation. */
function isCustomFormat(name: string): boolean {
  return !SPEC_FORMATS.has(name) && !(name in ajvFormats.fullFormats);
}

function bounds(m: Merged): NumericBounds {
  return { min: m.min, minExclusive: m.minExclusive, max: m.max, maxExclusive: m.maxExclusive };
}

/** Number formats (int32...) applied to the merged bounds; returns whether integers are required. */
function numberFormats(ctx: Ctx, m: Merged): { b: NumericBounds; integer: boolean } {
  const b = bounds(m);
  let integer = false;
  if (!ctx.opts.assertFormat) return { b, integer };
  for (const f of m.formats) {
    const meaning = formatMeaning(f.name);
    if (meaning?.kind !== "number") continue;
    integer = integer || meaning.integer;
    if (meaning.min !== undefined && (b.min === undefined || meaning.min > b.min)) [b.min, b.minExclusive] = [meaning.min, false];
    if (meaning.max !== undefined && (b.max === undefined || meaning.max < b.max)) [b.max, b.maxExclusive] = [meaning.max, false];
  }
  return { b, integer };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The grammar of numbers (or integers) satisfying the merged constraints. */
export function emitNumber(ctx: Ctx, m: Merged): Node {
  const nf = numberFormats(ctx, m);
  let integer = !m.kinds.has("number") || nf.integer;
  const b = nf.b;
  let mult = 1;
  for (const x of m.multipleOf) {
    if (!Number.isInteger(x.value)) {
      approximate(ctx, x.ptr, `multipleOf ${x.value} is not an integer; ajv checks it in floating point, which no decimal grammar reproduces exactly`, "Use an integer multipleOf, or pass lenient: true to ignore it (relaxes the output).");
      continue;
    }
    integer = true;
    mult = (mult * x.value) / gcd(mult, x.value);
  }
  const excluded = m.notValues.filter((v): v is number => typeof v === "number");
  if (m.nonInteger) {
    if (integer) return EMPTY;
    let ranges: NumericBounds[] = [b];
    for (const x of excluded) ranges = ranges.flatMap((r) => splitAt(r, x));
    return ctx.syntax.number(rx.alt(...ranges.map((r) => boundedNumber(r, false, true))), false);
  }
  if (mult > 1) return multiples(ctx, mult, b, excluded, m);
  const hasBounds = b.min !== undefined || b.max !== undefined || excluded.length > 0;
  if (!hasBounds) return ctx.syntax.number(anyNumber(integer), integer);
  // Split the range around excluded values.
  let ranges: NumericBounds[] = [b];
  for (const x of excluded) {
    const next: NumericBounds[] = [];
    for (const r of ranges) {
      const inside = (r.min === undefined || x > r.min || (x === r.min && !r.minExclusive)) && (r.max === undefined || x < r.max || (x === r.max && !r.maxExclusive));
      if (!inside) {
        next.push(r);
        continue;
      }
      next.push({ ...r, max: x, maxExclusive: true });
      next.push({ ...r, min: x, minExclusive: true });
    }
    ranges = next.filter((r) => r.min === undefined || r.max === undefined || r.min < r.max || (r.min === r.max && !r.minExclusive && !r.maxExclusive));
  }
  return ctx.syntax.number(rx.alt(...ranges.map((r) => boundedNumber(r, integer))), integer);
}


/** The parts of range `r` other than the point `x`. */
function splitAt(r: NumericBounds, x: number): NumericBounds[] {
  const inside = (r.min === undefined || x > r.min || (x === r.min && !r.minExclusive)) && (r.max === undefined || x < r.max || (x === r.max && !r.maxExclusive));
  if (!inside) return [r];
  return [{ ...r, max: x, maxExclusive: true }, { ...r, min: x, minExclusive: true }];
}

function multiples(ctx: Ctx, mult: number, b: NumericBounds, excluded: number[], m: Merged): Node {
  const ptr = m.multipleOf[0].ptr;
  if (mult > ctx.opts.maxMultipleOf) {
    approximate(ctx, ptr, `multipleOf ${mult} is larger than maxMultipleOf (${ctx.opts.maxMultipleOf})`, "Raise the maxMultipleOf option, or pass lenient: true to ignore multipleOf.");
    return emitNumber(ctx, { ...m, multipleOf: [] });
  }
  const lo = b.min === undefined ? -Infinity : b.minExclusive ? Math.floor(b.min) + 1 : Math.ceil(b.min);
  const hi = b.max === undefined ? Infinity : b.maxExclusive ? Math.ceil(b.max) - 1 : Math.floor(b.max);
  const first = Math.ceil(lo / mult) * mult;
  const excl = new Set(excluded);
  if (Number.isFinite(lo) && Number.isFinite(hi)) {
    const count = Math.floor((hi - first) / mult) + 1;
    if (count > 1000) {
      approximate(ctx, ptr, `multipleOf ${mult} within [${lo}, ${hi}] has ${count} values (more than 1000 to enumerate)`);
      return emitNumber(ctx, { ...m, multipleOf: [] });
    }
    const lits: Node[] = [];
    for (let v = first; v <= hi; v += mult) if (!excl.has(v)) lits.push(literal(String(v)));
    return lits.length ? alt(...lits) : EMPTY;
  }
  if (excl.size || !((lo === -Infinity || lo === 0) && (hi === Infinity || hi === 0))) {
    approximate(ctx, ptr, `multipleOf ${mult} with a one-sided bound other than 0 is not supported`);
    return emitNumber(ctx, { ...m, multipleOf: [] });
  }
  // At most MAX_EXACT_DIGITS digits: ajv tests multipleOf on the double JSON.parse reads, and
  // past 2^53 that double is the text's value rounded, which need not be a multiple any more
  // (-39264932323232326475394370 is a multiple of 5 as written, not as read).
  const states = modRules(ctx, mult);
  const firstDigit: Node[] = [];
  for (let d = 1; d <= 9; d++) firstDigit.push(seq(literal(String(d)), ref(states[d % mult][MAX_EXACT_DIGITS - 1])));
  const positive = alt(...firstDigit);
  const parts: Node[] = [literal("0")];
  if (hi === Infinity) parts.push(positive);
  if (lo === -Infinity) parts.push(seq(literal("-"), positive));
  return alt(...parts);
}

/** Integers of at most this many digits are read exactly as doubles (10^15 < 2^53). */
const MAX_EXACT_DIGITS = 15;

/**
 * Rules over decimal digits by remainder mod m and digits still allowed: rule
 * `[r][k]` accepts the rest of a number whose prefix has remainder r, in at
 * most k more digits.
 */
function modRules(ctx: Ctx, m: number): string[][] {
  const names = Array.from({ length: m }, (_, r) => Array.from({ length: MAX_EXACT_DIGITS }, (_, k) => `mod${m}_${r}_${k}`));
  if (ctx.rules.has(names[0][0])) return names;
  for (let r = 0; r < m; r++) {
    // The digits that lead from remainder r to each next remainder: the same for every k.
    const byNext = new Map<number, number[]>();
    for (let d = 0; d <= 9; d++) {
      const n = (r * 10 + d) % m;
      const g = byNext.get(n);
      if (g) g.push(d);
      else byNext.set(n, [d]);
    }
    const edges = [...byNext].map(([n, ds]) => ({ next: n, digits: charClass(ds.map((d) => [0x30 + d, 0x30 + d] as [number, number])) }));
    for (let k = 0; k < MAX_EXACT_DIGITS; k++) {
      const items: Node[] = r === 0 ? [literal("")] : [];
      if (k > 0) for (const e of edges) items.push(seq(e.digits, ref(names[e.next][k - 1])));
      ctx.rules.set(names[r][k], items.length ? alt(...items) : EMPTY);
    }
  }
  return names;
}

/** The string keywords of a conjunction: languages that must all hold, and a length range. */
export interface StringSpec {
  /** Languages (whole match; anchors allowed) that must all hold. */
  operands: RegexAst[];
  /** Languages that must not hold. */
  negated?: RegexAst[];
  min: number;
  max: number;
  name: string;
}

/** One more language for {@link stringNode}, maybe complemented. */
export interface Operand {
  ast: RegexAst;
  negate?: boolean;
}

/**
 * Search-mode ASTs of patterns by regex limits and source: one object per pattern, so
 * `@formwork/regex` reuses its compiled DFA. Only what parsed is kept, under the limits it
 * parsed with (`maxRepetition`): a pattern accepted under a raised limit is refused again
 * under a lower one.
 */
const patternCache = new Map<string, RegexAst>();

/**
 * `rx.otherThan(texts)` by the texts in order (JSON-encoded): one AST object
 * per list, so an object's "other property names" (the same named properties
 * in several schemas, or several times in one) are lowered once, through
 * `stringNode`'s per-AST cache. Bounded like {@link patternCache}.
 */
const otherThanCache = new Map<string, RegexAst>();

/** The strings other than `texts` (see {@link otherThanCache}). Shared AST: do not mutate. */
export function otherThanLanguage(texts: readonly string[]): RegexAst {
  const key = JSON.stringify(texts);
  let ast = otherThanCache.get(key);
  if (ast === undefined) {
    ast = rx.otherThan(texts);
    if (otherThanCache.size >= 1000) otherThanCache.clear();
    otherThanCache.set(key, ast);
  }
  return ast;
}

/**
 * The language of strings in which `pattern` matches somewhere (JSON Schema
 * `pattern` semantics, the `u` flag as in ajv), or null after `approximate`
 * when `@formwork/regex` refuses it (lookaround, backreferences, `\b`,
 * limits).
 */
export function patternLanguage(ctx: Ctx, pattern: string, ptr: string, effect: "restricts" | "relaxes" = "relaxes"): RegexAst | null {
  try {
    const limits = { limits: ctx.opts.regexLimits };
    const key = `${regexLimitsKey(limits)}/${pattern}`;
    let ast = patternCache.get(key);
    if (ast === undefined) {
      ast = searchAst(parseRegex(pattern, { flags: "u", ...limits }));
      if (patternCache.size >= 1000) patternCache.clear();
      patternCache.set(key, ast);
    }
    return ast;
  } catch (e) {
    if (!(e instanceof FormworkError)) throw e;
    const what = e.hint ? e.message.replace(` ${e.hint}`, "") : e.message;
    // A limit (maxRepetition, ...) is refused with its own code and advice, unless lenient drops the pattern.
    if (e instanceof LimitError && !ctx.opts.lenient) {
      throw new LimitError(e.code, `pattern ${JSON.stringify(pattern)}: ${what}`, { location: { kind: "pointer", pointer: ptr }, hint: e.hint, limit: e.limit, limitValue: e.limitValue, cause: e });
    }
    const lenient = effect === "relaxes" ? "pass lenient: true to ignore the pattern (relaxes: validate the output)" : "pass lenient: true to generate no such keys (restricts)";
    approximate(ctx, ptr, `pattern ${JSON.stringify(pattern)}: ${what}`, `${e.hint ?? "Rewrite the pattern."} Or ${lenient}.`, effect);
    return null;
  }
}

/**
 * The languages (patterns, formats, exclusions) and the length range that the
 * merged string keywords impose. Unsupported patterns/formats are refused (or
 * under lenient dropped, with a warning).
 */
export function stringSpec(ctx: Ctx, m: Merged): StringSpec {
  const langs: { n: RegexAst; name: string }[] = [];
  for (const p of m.patterns) {
    const n = patternLanguage(ctx, p.source, p.ptr);
    if (n) langs.push({ n, name: `pattern:${p.source}` });
  }
  if (ctx.opts.assertFormat) {
    for (const f of m.formats) {
      const meaning = formatMeaning(f.name);
      if (meaning === null) {
        if (isCustomFormat(f.name)) {
          // Neither JSON Schema nor ajv-formats defines it: an annotation (ajv ignores it too).
          ctx.warnings.push({ code: "unknown-format", pointer: f.ptr, message: `format "${f.name}" is not a known format; it is an annotation and is ignored (as ajv does)`, effect: "relaxes" });
          continue;
        }
        approximate(ctx, f.ptr, `format "${f.name}" is not supported`, "Use one of the supported formats (docs/json-schema.md), or pass lenient: true (or assertFormat: false) to ignore it.");
        continue;
      }
      if (meaning.kind === "string") {
        if (meaning.subset) ctx.warnings.push({ code: "format-subset", pointer: f.ptr, message: `format "${f.name}" is enforced as a documented subset (rare valid strings are not generated)`, effect: "restricts" });
        langs.push({ n: meaning.language, name: `format:${f.name}` });
      }
    }
  }
  const strs = m.notValues.filter((v): v is string => typeof v === "string");
  if (strs.length) langs.push({ n: otherThanLanguage(strs), name: `not:${strs.length}` });
  const negated: RegexAst[] = [];
  for (const p of m.notPatterns) {
    const n = patternLanguage(ctx, p.source, p.ptr);
    if (n) negated.push(n);
  }
  return { operands: langs.map((l) => l.n), negated, min: m.minLength, max: m.maxLength, name: langs.map((l) => l.name).join("&") };
}

/**
 * Most states of a string constraint's automata (each language, and their
 * product with the length range). Each state becomes a grammar rule: long
 * chains of them (a format under `maxLength: 1024`) cost the engine more
 * than they are worth, so they are refused (lenient: the first language alone).
 */
const MAX_STRING_STATES = 4_000; // limits.maxRegexDfaStates replaces it when given

/**
 * Lowered plain languages by writer, AST and length range: a pattern or
 * format (one AST object each, see `patternCache`) used in many places or
 * schemas is cut and spelled once. `null`: the cut needs the DFA path. The
 * nodes are shared (never mutated, like every writer node).
 */
const plainNodes = new WeakMap<StringWriter, WeakMap<RegexAst, Map<string, Node | null>>>();

/** Ids of operand ASTs (by object) for {@link productCache}'s keys. */
const astIds = new WeakMap<RegexAst, number>();
let nextAstId = 0;
const astId = (ast: RegexAst): number => {
  let id = astIds.get(ast);
  if (id === undefined) astIds.set(ast, (id = nextAstId++));
  return id;
};

/** Minimal DFAs of combined string constraints by operand ASTs and length range (bounded; DFAs are read-only). */
const productCache = new Map<string, ByteDfa>();

/**
 * A JSON string node for `spec` intersected with `extra` operands (each maybe
 * complemented). One plain language becomes a lexeme of the same shape;
 * products, complements and anchors inside patterns go through
 * `@formwork/regex`'s minimal DFA (one rule per state).
 */
export function stringNode(ctx: Ctx, spec: StringSpec, extra: Operand[] = [], ptr = "", use: StringUse = "strings"): Node {
  if (spec.min > spec.max) return EMPTY;
  const writer = writerOf(ctx, use);
  const { of: stringOf, ofDfa: stringOfDfa, ofLength: stringOfLength } = writer;
  const ops: Operand[] = [...spec.operands.map((ast) => ({ ast })), ...(spec.negated ?? []).map((ast) => ({ ast, negate: true })), ...extra];
  const bounded = spec.min > 0 || spec.max < Infinity;
  if (ops.length === 0) return stringOfLength(spec.min, spec.max);
  if (ops.length === 1 && !ops[0].negate && !anchored(ops[0].ast)) {
    let byAst = plainNodes.get(writer);
    if (byAst === undefined) plainNodes.set(writer, (byAst = new WeakMap()));
    let byKey = byAst.get(ops[0].ast);
    if (byKey === undefined) byAst.set(ops[0].ast, (byKey = new Map()));
    const key = `${spec.min},${spec.max},${spec.name}`;
    let node = byKey.get(key);
    if (node === undefined) {
      const cut = bounded ? withLength(ops[0].ast, spec.min, spec.max) : ops[0].ast;
      node = cut ? stringOf(cut, `json-string/${spec.name}`) : null;
      byKey.set(key, node);
    }
    if (node) return node;
  }
  try {
    // limits.maxRegexDfaStates, when given, replaces this compiler's own bound (MAX_STRING_STATES).
    const maxDfaStates = ctx.opts.regexLimits.maxRegexDfaStates ?? MAX_STRING_STATES;
    const key = `${ops.map((o) => (o.negate ? "!" : "") + astId(o.ast)).join(",")}|${spec.min},${spec.max}|${maxDfaStates},${ctx.opts.regexLimits.maxRegexNfaStates ?? ""}`;
    let dfa = productCache.get(key);
    if (dfa === undefined) {
      dfa = combineLanguages(
        { all: ops.filter((o) => !o.negate).map((o) => o.ast), none: ops.filter((o) => o.negate).map((o) => o.ast), minLength: spec.min, maxLength: spec.max },
        { limits: ctx.opts.regexLimits, maxDfaStates },
      );
      if (productCache.size >= 512) productCache.clear();
      productCache.set(key, dfa);
    }
    if (dfa.stateCount === 0) return EMPTY;
    return stringOfDfa(dfa, ctx.rules, `${ctx.newRule("str")}_`);
  } catch (e) {
    if (!(e instanceof LimitError)) throw e;
    // The schema compiler's refusal (unsupported-keyword, lenient approximates), with how to raise the limit.
    const what = (e.hint ? e.message.replace(` ${e.hint}`, "") : e.message).replace(/\.$/, "");
    const bound = e.limit === "maxRegexDfaStates" && ctx.opts.regexLimits.maxRegexDfaStates === undefined ? " (the schema compiler's default for string constraints: each state becomes a grammar rule)" : "";
    approximate(
      ctx,
      ptr,
      `the string constraints (${spec.name || "length"}): ${what}${bound}; under lenient only the first string constraint is enforced`,
      `Simplify the patterns, formats or length bounds, or pass lenient: true to approximate (validate the output). Or raise the limit with the option limits: { ${e.limit ?? "maxRegexDfaStates"}: N } (CLI: --limit ${e.limit ?? "maxRegexDfaStates"}=N) if the schema is trusted; see docs/limits.md.`,
    );
    const first = ops.find((o) => !o.negate && !hasAnchors(o.ast));
    return first ? stringOf(first.ast, "json-string/approx") : stringOfLength(0, Infinity);
  }
}

/** `hasAnchors` per AST (the ASTs come from caches: a key exclusion's AST, walked for every property map, is one object). */
const anchoredAsts = new WeakMap<RegexAst, boolean>();

function anchored(ast: RegexAst): boolean {
  let a = anchoredAsts.get(ast);
  if (a === undefined) anchoredAsts.set(ast, (a = hasAnchors(ast)));
  return a;
}

/** Which of the syntax's string writers: values, keys, or entries of a flow sequence. */
export type StringUse = "strings" | "keys" | "flowStrings";

function writerOf(ctx: Ctx, use: StringUse): StringWriter {
  const w = ctx.syntax[use];
  if (!w) throw new Error(`internal: the ${ctx.syntax.name} syntax has no ${use} writer`);
  return w;
}

/** The grammar of strings satisfying the merged constraints (`use`: as values, or as entries of a flow sequence). */
export function emitString(ctx: Ctx, m: Merged, use: StringUse = "strings"): Node {
  return stringNode(ctx, stringSpec(ctx, m), [], m.patterns[0]?.ptr ?? m.formats[0]?.ptr ?? m.frames[0]?.ptr ?? "", use);
}

function ajvFormatOk(name: string, s: string): boolean | null {
  const f = ajvFormats.fullFormats[name];
  if (f === undefined) return null;
  if (f === true) return true;
  if (f instanceof RegExp) return f.test(s);
  if (typeof f === "function") return (f as (x: string) => boolean)(s);
  const v = (f as { validate?: unknown }).validate;
  if (v instanceof RegExp) return v.test(s);
  if (typeof v === "function") return (v as (x: unknown) => boolean)(s);
  return true;
}

/** Whether scalar value `v` satisfies the merged scalar keywords (objects and arrays: only kind and exclusion). */
export function scalarOk(ctx: Ctx, m: Merged, v: unknown): boolean {
  const k = kindOf(v);
  if (!(m.kinds.has(k) || (k === "integer" && m.kinds.has("number")))) return false;
  if (m.notValues.some((x) => canonicalKey(x) === canonicalKey(v))) return false;
  if (typeof v === "number") {
    if (m.nonInteger && Number.isInteger(v)) return false;
    if (m.min !== undefined && (m.minExclusive ? !(v > m.min) : !(v >= m.min))) return false;
    if (m.max !== undefined && (m.maxExclusive ? !(v < m.max) : !(v <= m.max))) return false;
    for (const x of m.multipleOf) if (!Number.isInteger(v / x.value)) return false;
    if (ctx.opts.assertFormat) {
      for (const f of m.formats) {
        const meaning = formatMeaning(f.name);
        if (meaning?.kind === "number" && ajvFormatOk(f.name, v as never) === false) return false;
      }
    }
  }
  if (typeof v === "string") {
    const len = [...v].length;
    if (len < m.minLength || len > m.maxLength) return false;
    for (const p of m.patterns) if (!new RegExp(p.source, "u").test(v)) return false;
    for (const p of m.notPatterns) if (new RegExp(p.source, "u").test(v)) return false;
    if (ctx.opts.assertFormat) {
      for (const f of m.formats) {
        const meaning = formatMeaning(f.name);
        if (meaning?.kind === "string" && ajvFormatOk(f.name, v) === false) return false;
      }
    }
  }
  return true;
}

/** Kinds for which the frames carry structural keywords (so enum values of that kind cannot be filtered by `scalarOk`). */
export function structuralKinds(m: Merged): Set<Kind> {
  const out = new Set<Kind>();
  const obj = ["properties", "required", "additionalProperties", "patternProperties", "propertyNames", "minProperties", "maxProperties", "unevaluatedProperties", "dependentRequired", "dependentSchemas", "dependencies"];
  const arr = ["items", "prefixItems", "additionalItems", "contains", "minItems", "maxItems", "uniqueItems", "unevaluatedItems"];
  for (const f of m.frames) {
    const s = f.s as Record<string, unknown>;
    if (obj.some((k) => k in s)) out.add("object");
    if (arr.some((k) => k in s)) out.add("array");
  }
  return out;
}
