/**
 * Arrays: positional items (`prefixItems`, draft-7 array `items`), the rest
 * (`items`, `additionalItems`, `unevaluatedItems`), min/maxItems, `contains`
 * with min/maxContains (counted exactly by an automaton over item count x
 * match count; `maxContains` uses the negation of the `contains` schema), and
 * `uniqueItems` when the items range over a small finite set of values.
 */
import { alt, ref, repeat, seq, type Node } from "@formwork/grammar";
import { approximate, EMPTY, stateRules, type Ctx } from "./context.js";
import { negate, NotNegatable } from "./negate.js";
import { frame, inSubtree, type Frame } from "./resolver.js";
import type { Slot } from "./syntax/syntax.js";

const isFalse = (f: Frame) => f.s === false;

/** Compiles the array part of a conjunction of flat frames at `depth`, standing in `slot`. */
export function emitArray(ctx: Ctx, frames: Frame[], depth: number, slot: Slot, finiteValues: (conj: Frame[]) => unknown[] | null): Node {
  const reg = ctx.reg;
  const draft = reg.draft;
  const arrs = frames.map((f) => ({ f, s: f.s as Record<string, unknown> }));
  let minI = 0;
  let maxI = Infinity;
  let unique = false;
  let L = 0;
  const contains: { f: Frame; min: number; max: number }[] = [];
  const prefixOf = (f: Frame, s: Record<string, unknown>): number => (draft >= 2020 ? (Array.isArray(s.prefixItems) ? s.prefixItems.length : 0) : Array.isArray(s.items) ? s.items.length : 0);
  for (const { f, s } of arrs) {
    if (typeof s.minItems === "number") minI = Math.max(minI, Math.ceil(s.minItems));
    if (typeof s.maxItems === "number") maxI = Math.min(maxI, Math.floor(s.maxItems));
    if (s.uniqueItems === true) unique = true;
    L = Math.max(L, prefixOf(f, s));
    if (s.contains !== undefined) {
      const min = draft >= 2019 && typeof s.minContains === "number" ? s.minContains : 1;
      const max = draft >= 2019 && typeof s.maxContains === "number" ? s.maxContains : Infinity;
      contains.push({ f: reg.child(f, "contains")!, min, max });
    }
  }
  /** The frames constraining item `i` (i >= L: every later item). */
  const itemConj = (i: number): Frame[] => {
    const conj: Frame[] = [];
    const restKeyOf = (s: Record<string, unknown>) => (draft >= 2020 ? "items" : Array.isArray(s.items) ? "additionalItems" : "items");
    const evaluates = (g: Frame, s: Record<string, unknown>) => i < prefixOf(g, s) || s[restKeyOf(s)] !== undefined;
    for (const { f, s } of arrs) {
      const n = prefixOf(f, s);
      if (i < n) conj.push(reg.child(f, draft >= 2020 ? "prefixItems" : "items", i)!);
      else if (s[restKeyOf(s)] !== undefined) conj.push(reg.child(f, restKeyOf(s))!);
    }
    // unevaluatedItems of F sees what F and the frames expanded from F evaluated.
    for (const { f: F, s: S } of arrs) {
      if (S.unevaluatedItems === undefined) continue;
      const evaluated = arrs.some(({ f: g, s: gs }) => inSubtree(F, g) && (evaluates(g, gs) || (g.tag.id !== F.tag.id && gs.unevaluatedItems !== undefined)));
      if (!evaluated) conj.push(reg.child(F, "unevaluatedItems")!);
    }
    return conj;
  };
  if (contains.length && arrs.some(({ s }) => s.unevaluatedItems !== undefined)) {
    approximate(ctx, frames[0].ptr, "unevaluatedItems together with contains is not supported; unevaluated items are forbidden", undefined, "restricts");
  }
  for (let i = 0; i <= L; i++) {
    if (itemConj(i).some(isFalse)) {
      maxI = Math.min(maxI, i);
      break;
    }
  }
  if (minI > maxI) return EMPTY;
  const S = ctx.syntax;
  const close = (n: number) => S.close("array", depth, slot, n === 0);
  const before = (first: boolean) => S.before("array", depth, slot, first);
  const itemNodes = new Map<number, Node>();
  const item = (i: number): Node => {
    const k = Math.min(i, L);
    let node = itemNodes.get(k);
    if (!node) itemNodes.set(k, (node = ctx.share(ctx.value(itemConj(k), depth + 1, "item"), "item")));
    return node;
  };

  if (unique && maxI > 1) {
    const values = L === 0 && contains.length === 0 ? finiteValues(itemConj(0)) : null;
    if (values && values.length <= 8) return uniqueArray(ctx, values, minI, maxI, depth, slot);
    approximate(ctx, `${frames[0].ptr}/uniqueItems`, "uniqueItems is enforced only for items drawn from at most 8 values; at most one item is generated", undefined, "restricts");
    maxI = Math.min(maxI, 1);
    if (minI > maxI) return EMPTY;
  }

  if (contains.length === 0) {
    // Positions before L, then a repeat of the rest.
    const parts = (i: number): Node => {
      const options: Node[] = [];
      if (i >= minI) options.push(close(i));
      if (i + 1 <= maxI) {
        if (i < L) options.push(seq(before(i === 0), item(i), parts(i + 1)));
        else {
          const lo = Math.max(0, minI - i - 1);
          const hi = maxI === Infinity ? Infinity : maxI - i - 1;
          options.push(seq(before(i === 0), item(i), repeat(seq(before(false), item(i)), lo, hi), close(1)));
        }
      }
      return options.length === 0 ? EMPTY : alt(...options);
    };
    return seq(S.open("array", depth, slot), parts(0));
  }

  if (contains.length > 1) approximate(ctx, `${frames[0].ptr}/contains`, "several contains keywords in one conjunction are not supported; only the first is enforced");
  const c = contains[0];
  if (c.min > c.max) return EMPTY;
  let notC: Frame | null = null;
  if (c.max < Infinity) {
    try {
      notC = negate(c.f, reg);
    } catch (e) {
      if (!(e instanceof NotNegatable)) throw e;
      approximate(ctx, e.ptr, `maxContains needs the negation of the contains schema, and ${e.keyword} cannot be negated`, "restricts");
    }
  }
  const cap = c.max < Infinity ? c.max : c.min;
  const N = maxI < Infinity ? maxI : Math.max(minI, L, 1);
  if ((N + 1) * (cap + 1) > ctx.opts.maxStates) approximate(ctx, frames[0].ptr, `the array needs ${(N + 1) * (cap + 1)} automaton states (more than maxStates)`);
  const matchNodes = new Map<number, Node>();
  const missNodes = new Map<number, Node>();
  const match = (i: number) => {
    const k = Math.min(i, L);
    let node = matchNodes.get(k);
    if (!node) matchNodes.set(k, (node = ctx.share(ctx.value([...itemConj(k), c.f], depth + 1, "item"), "item")));
    return node;
  };
  const miss = (i: number): Node | null => {
    if (c.max < Infinity && notC === null) return null; // lenient fallback: only matching items beyond... (restricts)
    if (notC === null) return item(i);
    const k = Math.min(i, L);
    let node = missNodes.get(k);
    if (!node) missNodes.set(k, (node = ctx.share(ctx.value([...itemConj(k), notC], depth + 1, "item"), "item")));
    return node;
  };
  const base = ctx.newRule("arr");
  const rule = stateRules(ctx, base);
  const state = (n: number, m: number): Node =>
    rule(`${n}_${m}`, () => {
      const options: Node[] = [];
      if (n >= minI && m >= c.min) options.push(close(n));
      if (n + 1 <= maxI) {
        const nn = Math.min(n + 1, N);
        if (m + 1 <= c.max) options.push(seq(before(n === 0), match(n), state(nn, Math.min(m + 1, cap))));
        const mi = miss(n);
        if (mi) options.push(seq(before(n === 0), mi, state(nn, m)));
      }
      return options;
    });
  ctx.rules.set(base, seq(S.open("array", depth, slot), state(0, 0)));
  return ref(base);
}

function uniqueArray(ctx: Ctx, values: unknown[], minI: number, maxI: number, depth: number, slot: Slot): Node {
  const S = ctx.syntax;
  const before = (first: boolean) => S.before("array", depth, slot, first);
  const base = ctx.newRule("uniq");
  const rule = stateRules(ctx, base);
  const valueNodes = values.map((v) => ctx.value([frame({ const: v }, "", "")], depth + 1, "item"));
  // The state is the set of values written (`mask`); `count` is its size.
  const state = (mask: number, count: number): Node =>
    rule(`${mask}`, () => {
      const options: Node[] = [];
      if (count >= minI) options.push(S.close("array", depth, slot, count === 0));
      if (count + 1 <= maxI) {
        values.forEach((_, i) => {
          if (!(mask & (1 << i))) options.push(seq(before(count === 0), valueNodes[i], state(mask | (1 << i), count + 1)));
        });
      }
      return options;
    });
  ctx.rules.set(base, seq(S.open("array", depth, slot), state(0, 0)));
  return ref(base);
}
