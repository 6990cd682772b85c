/**
 * Objects: named properties in schema order (each required or optional),
 * then the other properties the schema allows (or, with `propertyOrder:
 * "any"`, named and other members in any order, each named one at most once), with min/maxProperties
 * counted exactly by a small automaton (one rule per position x count).
 * Keys are never duplicated: other properties exclude every named key.
 */
import { alt, ref, seq, type Node } from "@formwork/grammar";
import { approximate, EMPTY, stateRules, type Ctx } from "./context.js";
import { mergeFrames } from "./merge.js";
import { inSubtree, type Frame } from "./resolver.js";
import type { RegexAst } from "@formwork/regex";
import { otherThanLanguage, patternLanguage, scalarOk, stringNode, stringSpec, type Operand, type StringSpec } from "./emit-scalar.js";
import type { Slot } from "./syntax/syntax.js";


interface Entry {
  key: string;
  required: boolean;
  value: Node;
}

const isFalse = (f: Frame) => f.s === false;
const isTrue = (f: Frame) => f.s === true || (typeof f.s === "object" && f.s !== null && Object.keys(f.s).length === 0);

/** Compiles the object part of a conjunction of flat frames at `depth`, standing in `slot`. */
export function emitObject(ctx: Ctx, frames: Frame[], depth: number, slot: Slot): Node {
  const reg = ctx.reg;
  const objs = frames.map((f) => ({ f, s: f.s as Record<string, unknown> }));
  const keys: string[] = [];
  const required = new Set<string>();
  let minP = 0;
  let maxP = Infinity;
  const pats: { source: string; owner: Frame; child: Frame; re: RegExp }[] = [];
  const names: Frame[] = [];
  for (const { f, s } of objs) {
    if (s.properties && typeof s.properties === "object") for (const k of Object.keys(s.properties)) if (!keys.includes(k)) keys.push(k);
    if (Array.isArray(s.required)) for (const k of s.required as string[]) required.add(k);
    if (typeof s.minProperties === "number") minP = Math.max(minP, Math.ceil(s.minProperties));
    if (typeof s.maxProperties === "number") maxP = Math.min(maxP, Math.floor(s.maxProperties));
    if (s.patternProperties && typeof s.patternProperties === "object") {
      for (const p of Object.keys(s.patternProperties)) {
        let re: RegExp;
        try {
          re = new RegExp(p, "u");
        } catch {
          approximate(ctx, `${f.ptr}/patternProperties`, `patternProperties key ${JSON.stringify(p)} is not a valid regex`);
          continue;
        }
        pats.push({ source: p, owner: f, child: reg.child(f, "patternProperties", p)!, re });
      }
    }
    if (s.propertyNames !== undefined) names.push(reg.child(f, "propertyNames")!);
  }
  for (const k of required) if (!keys.includes(k)) keys.push(k);
  const nameMerged = names.length ? mergeFrames(names.filter((n) => !isTrue(n) && !isFalse(n)), reg.draft) : null;
  if (names.some(isFalse) && nameMerged) nameMerged.kinds.clear();
  if (nameMerged && names.some((n) => typeof n.s === "object" && n.s !== null && Object.keys(n.s).some((k) => ["$ref", "anyOf", "oneOf", "allOf", "not", "if"].includes(k)))) {
    approximate(ctx, names[0].ptr, "propertyNames with combinators or $ref is not supported");
  }
  const keyOk = (k: string) => nameMerged === null || (scalarOk(ctx, nameMerged, k) && (nameMerged.values === undefined || nameMerged.values.includes(k)));

  const entries: Entry[] = [];
  for (const k of keys) {
    const conj: Frame[] = [];
    const named = (f: Frame, s: Record<string, unknown>) => (s.properties && typeof s.properties === "object" && Object.prototype.hasOwnProperty.call(s.properties, k)) || pats.some((p) => p.owner === f && p.re.test(k));
    for (const { f, s } of objs) {
      let here = false;
      if (s.properties && typeof s.properties === "object" && Object.prototype.hasOwnProperty.call(s.properties, k)) {
        conj.push(reg.child(f, "properties", k)!);
        here = true;
      }
      for (const p of pats) if (p.owner === f && p.re.test(k)) (conj.push(p.child), (here = true));
      if (!here && s.additionalProperties !== undefined) conj.push(reg.child(f, "additionalProperties")!);
    }
    // unevaluatedProperties of F sees what F and the frames expanded from F evaluated.
    for (const { f: F, s: S } of objs) {
      if (S.unevaluatedProperties === undefined) continue;
      const evaluated = objs.some(({ f: g, s: gs }) => inSubtree(F, g) && (named(g, gs) || gs.additionalProperties !== undefined || (g.tag.id !== F.tag.id && gs.unevaluatedProperties !== undefined)));
      if (!evaluated) conj.push(reg.child(F, "unevaluatedProperties")!);
    }
    const allowed = !conj.some(isFalse) && keyOk(k);
    if (!allowed) {
      if (required.has(k)) return EMPTY;
      continue;
    }
    entries.push({ key: k, required: required.has(k), value: ctx.share(ctx.value(conj, depth + 1, "member"), "val") });
  }

  // Other properties: one alternative per region of keys (which patterns they match).
  const extraEntries: { key: Node; value: Node }[] = [];
  const regions = otherProperties(ctx, objs, pats);
  const nameSpec: StringSpec | null = nameMerged && !nameMerged.values && nameMerged.kinds.has("string") ? stringSpec(ctx, nameMerged) : null;
  for (const region of regions) {
    let key: Node;
    if (nameMerged && !nameMerged.kinds.has("string")) break;
    if (nameMerged?.values) {
      const vals = nameMerged.values.filter((v): v is string => typeof v === "string").filter((v) => !keys.includes(v) && keyOk(v) && region.test(v));
      if (!vals.length) continue;
      key = alt(...vals.map((v) => ctx.syntax.key(v)));
    } else {
      const writer = ctx.syntax.keys;
      if (!nameSpec && region.operands.length === 0 && keys.length && writer.otherThan) {
        // Any key but the named ones, with no other constraint: what stringNode would spell from
        // otherThanLanguage(keys) alone, built by the writer without the AST.
        extraEntries.push({ key: writer.otherThan(keys, "json-string/json-key"), value: ctx.value(region.value, depth + 1, "member") });
        continue;
      }
      const spec: StringSpec = nameSpec ?? { operands: [], min: 0, max: Infinity, name: "" };
      const ops: Operand[] = [...region.operands];
      if (keys.length) ops.push({ ast: otherThanLanguage(keys) });
      key = stringNode(ctx, { ...spec, name: spec.name ? `key:${spec.name}` : "json-key" }, ops, frames[0]?.ptr ?? "", "keys");
      if (key.type === "alt" && key.items.length === 0) continue;
    }
    extraEntries.push({ key, value: ctx.value(region.value, depth + 1, "member") });
  }

  // Past the first optional member, each state can be reached two ways (member written or
  // skipped), so the engine calls it: one stack frame per named property passed, and past its
  // maxStackDepth (1,000) the later properties silently became unreachable (1,200 properties:
  // a text with p0 and p1199 was rejected). Such objects are refused; under lenient the required
  // members come first and only the first MAX_CHAINED optional ones are kept.
  const firstOptional = entries.findIndex((e) => !e.required);
  if (firstOptional >= 0 && entries.length - firstOptional > MAX_CHAINED) {
    approximate(
      ctx,
      frames[0].ptr,
      `the object has ${entries.length - firstOptional} named properties from its first optional one on; the grammar engine nests one call per such property (at most ${MAX_CHAINED} are supported)`,
      `Make more of them required, put the optional ones last and fewer than ${MAX_CHAINED + 1}, split the object into nested objects, or pass lenient: true to generate the required properties and only the first ${MAX_CHAINED} optional ones.`,
      "restricts",
    );
    const kept = [...entries.filter((e) => e.required), ...entries.filter((e) => !e.required).slice(0, MAX_CHAINED)];
    entries.length = 0;
    entries.push(...kept);
  }

  // The counting automaton: state (i, c) = before named entry i with c members so far.
  const n = entries.length;
  const C = maxP < Infinity ? maxP : Math.max(1, minP);
  if ((n + 1) * (C + 1) > ctx.opts.maxStates) {
    approximate(ctx, frames[0].ptr, `the object needs ${(n + 1) * (C + 1)} automaton states (more than maxStates ${ctx.opts.maxStates})`);
  }
  const S = ctx.syntax;
  const base = ctx.newRule("obj");
  // One other-property member (key, colon, value), used by every extras state.
  const entry = extraEntries.length === 0 ? EMPTY : ctx.share(alt(...extraEntries.map((e) => seq(e.key, S.colon(depth), e.value))), `${base}_x`);
  if (ctx.opts.propertyOrder === "any" && n > 0) {
    const any = anyOrder(ctx, frames, depth, slot, base, entries, entry, minP, maxP);
    if (any) return any;
  }
  const rule = stateRules(ctx, base);
  const state = (i: number, c: number): Node =>
    rule(`${i}_${c}`, () => {
      const items: Node[] = [];
      if (i < n) {
        const e = entries[i];
        if (c + 1 <= maxP) items.push(seq(S.before("object", depth, slot, c === 0), S.key(e.key), S.colon(depth), e.value, state(i + 1, Math.min(c + 1, C))));
        if (!e.required) items.push(state(i + 1, c));
      } else items.push(extrasState(c, c));
      return items;
    });
  // Extra members come last. Extras may repeat each other's keys (a grammar cannot rule that
  // out), so for minProperties only the first extra is counted (it differs from every named
  // key); for maxProperties every extra is counted. State (a, c): a named members, c in all.
  function extrasState(a: number, c: number): Node {
    return rule(`x${a}_${c}`, () => {
      const items: Node[] = [];
      if (a + (c > a ? 1 : 0) >= minP) items.push(S.close("object", depth, slot, c === 0));
      if (extraEntries.length && c + 1 <= maxP) {
        const next = maxP < Infinity ? c + 1 : Math.min(c + 1, a + 1);
        items.push(seq(S.before("object", depth, slot, c === 0), entry, extrasState(a, next)));
      }
      return items;
    });
  }
  ctx.rules.set(base, seq(S.open("object", depth, slot), state(0, 0)));
  return ref(base);
}

/** Most named properties from the first optional one on (see emitObject). */
const MAX_CHAINED = 512;

/** Most named properties an object may have for `propertyOrder: "any"` (its automaton has a state per subset). */
const MAX_ANY_ORDER = 10;

/**
 * Members in any order: state (S, e) = the named members in S written so far and e other
 * members counted (each for maxProperties; only the first for minProperties, as in schema
 * order). Every named member at most once; other members anywhere. Null (after a warning under
 * `lenient`) when the object has too many named properties; the caller then uses schema order.
 */
function anyOrder(ctx: Ctx, frames: Frame[], depth: number, slot: Slot, base: string, entries: Entry[], entry: Node, minP: number, maxP: number): Node | null {
  const n = entries.length;
  const hasExtras = !(entry.type === "alt" && entry.items.length === 0);
  const E = !hasExtras ? 0 : maxP < Infinity ? maxP : 1;
  const states = 2 ** n * (E + 1);
  if (n > MAX_ANY_ORDER || states > ctx.opts.maxStates) {
    approximate(
      ctx,
      frames[0].ptr,
      `propertyOrder "any" for an object with ${n} named properties needs ${states} automaton states (at most ${MAX_ANY_ORDER} properties and maxStates ${ctx.opts.maxStates}); under lenient this object keeps schema order`,
      'Use propertyOrder "schema", split the object, or pass lenient: true to keep schema order for this object only.',
      "restricts",
    );
    return null;
  }
  const S = ctx.syntax;
  let requiredMask = 0;
  entries.forEach((e, i) => {
    if (e.required) requiredMask |= 1 << i;
  });
  const rule = stateRules(ctx, base);
  const state = (set: number, e: number): Node =>
    rule(`a${set.toString(36)}_${e}`, () => {
      let named = 0;
      for (let i = 0; i < n; i++) if (set & (1 << i)) named++;
      const first = named === 0 && e === 0;
      const items: Node[] = [];
      if ((set & requiredMask) === requiredMask && named + Math.min(e, 1) >= minP) items.push(S.close("object", depth, slot, first));
      if (named + e + 1 <= maxP) {
        for (let i = 0; i < n; i++) {
          if (set & (1 << i)) continue;
          items.push(seq(S.before("object", depth, slot, first), S.key(entries[i].key), S.colon(depth), entries[i].value, state(set | (1 << i), e)));
        }
        if (hasExtras) items.push(seq(S.before("object", depth, slot, first), entry, state(set, Math.min(e + 1, E))));
      }
      return items;
    });
  ctx.rules.set(base, seq(S.open("object", depth, slot), state(0, 0)));
  return ref(base);
}

/** A region of other (un-named) keys: key operands (patterns matched or not), a test for literal keys, and the value conjunction. */
interface Region {
  operands: Operand[];
  test: (k: string) => boolean;
  value: Frame[];
}

/**
 * The regions of other keys. Each subset T of the patternProperties patterns
 * is one region: keys matching exactly the patterns in T, whose value meets
 * those patterns' schemas and the additionalProperties of every frame with no
 * pattern in T. Keys are later intersected with "not a named key".
 */
function otherProperties(ctx: Ctx, objs: { f: Frame; s: Record<string, unknown> }[], pats: { source: string; owner: Frame; child: Frame; re: RegExp }[]): Region[] {
  const reg = ctx.reg;
  const apOf = (f: Frame) => reg.child(f, "additionalProperties")!;
  // Frames whose unevaluatedProperties applies to keys no named property or pattern covers.
  const unevaluated: Frame[] = [];
  for (const { f: F, s: S } of objs) {
    if (S.unevaluatedProperties === undefined) continue;
    const sub = objs.filter(({ f: g }) => inSubtree(F, g));
    if (sub.some(({ f: g, s: gs }) => gs.additionalProperties !== undefined || (g.tag.id !== F.tag.id && gs.unevaluatedProperties !== undefined))) continue;
    unevaluated.push(reg.child(F, "unevaluatedProperties")!);
  }
  if (pats.length && unevaluated.length) {
    approximate(ctx, pats[0].owner.ptr, "unevaluatedProperties together with patternProperties is not supported; other properties are not generated", undefined, "restricts");
    return [];
  }
  if (pats.length > 4) {
    approximate(ctx, `${pats[0].owner.ptr}/patternProperties`, "more than 4 patternProperties patterns would need 2^n key regions; only named properties are generated", undefined, "restricts");
    return [];
  }
  const langs: RegexAst[] = [];
  for (const p of pats) {
    const n = patternLanguage(ctx, p.source, `${p.owner.ptr}/patternProperties`, "restricts");
    if (!n) return [];
    langs.push(n);
  }
  const regions: Region[] = [];
  for (let mask = 0; mask < 1 << pats.length; mask++) {
    const inT = (i: number) => (mask & (1 << i)) !== 0;
    const value: Frame[] = [...unevaluated];
    pats.forEach((p, i) => inT(i) && value.push(p.child));
    for (const { f, s } of objs) {
      const matchedHere = pats.some((p, i) => inT(i) && p.owner === f);
      if (!matchedHere && s.additionalProperties !== undefined) value.push(apOf(f));
    }
    if (value.some(isFalse)) continue;
    regions.push({
      operands: langs.map((ast, i) => ({ ast, negate: !inT(i) })),
      test: (k) => pats.every((p, i) => p.re.test(k) === inT(i)),
      value,
    });
  }
  return regions;
}
