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
import type { Container, Slot } from "./syntax/syntax.js";

const isFalse = (f: Frame) => f.s === false;
const isEmpty = (n: Node) => n.type === "alt" && n.items.length === 0;

/**
 * Compiles the array part of a conjunction of flat frames at `depth`, standing in `slot`: in the
 * syntax's flow style too where it has one (`Syntax.flowArray`), unless `blockOnly`.
 */
export function emitArray(ctx: Ctx, frames: Frame[], depth: number, slot: Slot, finiteValues: (conj: Frame[]) => unknown[] | null, blockOnly = false): Node {
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

  let uniqueValues: unknown[] | null = null;
  if (unique && maxI > 1) {
    const values = L === 0 && contains.length === 0 ? finiteValues(itemConj(0)) : null;
    if (values && values.length <= 8) uniqueValues = values;
    else {
      approximate(ctx, `${frames[0].ptr}/uniqueItems`, "uniqueItems is enforced only for items drawn from at most 8 values; at most one item is generated", undefined, "restricts");
      maxI = Math.min(maxI, 1);
      if (minI > maxI) return EMPTY;
    }
  }

  let c: { f: Frame; min: number; max: number } | null = null;
  let notC: Frame | null = null;
  if (contains.length > 0) {
    if (contains.length > 1) approximate(ctx, `${frames[0].ptr}/contains`, "several contains keywords in one conjunction are not supported; only the first is enforced");
    c = contains[0];
    if (c.min > c.max) return EMPTY;
    if (c.max < Infinity) {
      try {
        notC = negate(c.f, reg);
      } catch (e) {
        if (!(e instanceof NotNegatable)) throw e;
        approximate(ctx, e.ptr, `maxContains needs the negation of the contains schema, and ${e.keyword} cannot be negated`, "restricts");
      }
    }
  }

  // Flow style (YAML `[a, b]`): "only", the arrays of scalars are written in flow and the block form needs an object or array item.
  const mode = blockOnly ? null : (S.flowArray?.(depth, slot) ?? null);
  const forms: Node[] = [];
  if (mode !== null) forms.push(form("flow", mode === "also" ? 1 : 0, false));
  forms.push(form("array", mode === "only" ? 1 : 0, mode === "only"));
  const live = forms.filter((n) => !isEmpty(n));
  return live.length === 0 ? EMPTY : live.length === 1 ? live[0] : alt(...live);

  /** The array in container kind `kind` with at least `atLeast` items; `needContainer`: one of them an object or an array. */
  function form(kind: Container, atLeast: number, needContainer: boolean): Node {
    const itemSlot: Slot = kind === "flow" ? "flow" : "item";
    const lo = Math.max(minI, atLeast);
    if (lo > maxI) return EMPTY;
    const close = (n: number) => S.close(kind, depth, slot, n === 0);
    const before = (first: boolean) => S.before(kind, depth, slot, first);
    if (uniqueValues) return needContainer ? EMPTY : uniqueArray(ctx, uniqueValues, lo, maxI, depth, slot, kind, itemSlot);
    const nodes = new Map<string, Node>();
    /** Item `i` (i >= L: every later item) with the extra frames `extra` (keyed `tag`). */
    const itemWith = (i: number, tag: string, extra: Frame[]): Node => {
      const k = Math.min(i, L);
      const key = `${k}/${tag}`;
      let node = nodes.get(key);
      if (!node) {
        const conj = itemConj(k);
        const free = conj.every((f) => f.s === true || (typeof f.s === "object" && f.s !== null && Object.keys(f.s).length === 0));
        const special = free && depth + 1 <= ctx.opts.maxDepth && tag !== "" && !tag.startsWith("m") && !tag.startsWith("x") ? S.anyValue?.(depth + 1, itemSlot, tag === "s" ? "scalar" : "container") : null;
        node = special ?? ctx.value([...conj, ...extra], depth + 1, itemSlot);
        // The block form's items split by kind appear in every state of the automaton: a rule of their own (the engine calls it rather than copying it into each).
        if (extra.length > 0 && !isEmpty(node) && node.type !== "ref") {
          const name = ctx.newRule("item");
          ctx.rules.set(name, node);
          node = ref(name);
        } else node = ctx.share(node, "item");
        nodes.set(key, node);
      }
      return node;
    };
    const item = (i: number) => itemWith(i, "", []);
    type Variant = { tag: string; frame: Frame[]; container: boolean };
    let variants: Variant[] = [{ tag: "", frame: [], container: false }];
    if (needContainer) {
      const scalars: Variant = { tag: "s", frame: [frame(SCALAR_TYPES, frames[0].ptr, frames[0].base)], container: false };
      const containers: Variant = { tag: "c", frame: [frame(CONTAINER_TYPES, frames[0].ptr, frames[0].base)], container: true };
      const positions = Array.from({ length: L + 1 }, (_, i) => i);
      // Items that are never scalars (cheap to learn: their kinds meet no scalar kind): the block form as
      // it is, with no count. Asked first, so that object items are not compiled a second time.
      if (positions.every((i) => isEmpty(itemWith(i, "s", scalars.frame)))) needContainer = false;
      else if (positions.every((i) => isEmpty(itemWith(i, "c", containers.frame)))) return EMPTY;
      else variants = [scalars, containers];
    }

    if (c === null && !needContainer) {
      // Positions before L, then a repeat of the rest.
      const parts = (i: number): Node => {
        const options: Node[] = [];
        if (i >= lo) options.push(close(i));
        if (i + 1 <= maxI) {
          if (i < L) options.push(seq(before(i === 0), item(i), parts(i + 1)));
          else {
            const min = Math.max(0, lo - i - 1);
            const hi = maxI === Infinity ? Infinity : maxI - i - 1;
            options.push(seq(before(i === 0), item(i), repeat(seq(before(false), item(i)), min, hi), close(1)));
          }
        }
        return options.length === 0 ? EMPTY : alt(...options);
      };
      return seq(S.open(kind, depth, slot), parts(0));
    }

    if (c === null && L === 0 && maxI === Infinity && lo <= 2) {
      // Items of any number, one of them an object or an array: scalars, then that item, then any items
      // (repetitions, not an automaton of rules: the engine builds those in place at every use, which
      // nests exponentially in recursive schemas).
      const [sv, cv] = variants;
      const S1 = itemWith(0, sv.tag, sv.frame);
      const C1 = itemWith(0, cv.tag, cv.frame);
      const any = item(0);
      // The first entry's lead, scalars each followed by the next lead, the collection, then any items
      // (lo <= 2: one item after a scalar already makes two).
      const C = seq(C1, repeat(seq(before(false), any), Math.max(0, lo - 1), Infinity));
      const S2 = seq(S1, before(false));
      const body = lo <= 1 ? seq(repeat(S2, 0, Infinity), C) : alt(seq(C1, repeat(seq(before(false), any), lo - 1, Infinity)), seq(S2, repeat(S2, 0, Infinity), C1, repeat(seq(before(false), any), 0, Infinity)));
      return seq(S.open(kind, depth, slot), before(true), body, close(1));
    }

    // A counting automaton over (items, contains matches, whether an object or array item was written).
    const cMin = c?.min ?? 0;
    const cMax = c?.max ?? Infinity;
    const cap = c === null ? 0 : c.max < Infinity ? c.max : c.min;
    const N = maxI < Infinity ? maxI : Math.max(lo, L, 1);
    const states = (N + 1) * (cap + 1) * (needContainer ? 2 : 1);
    if (states > ctx.opts.maxStates) approximate(ctx, frames[0].ptr, `the array needs ${states} automaton states (more than maxStates)`);
    const match = (i: number, v: Variant) => itemWith(i, `m${v.tag}`, [c!.f, ...v.frame]);
    const miss = (i: number, v: Variant): Node | null => {
      if (cMax < Infinity && notC === null) return null; // lenient fallback: only matching items (restricts)
      if (notC === null) return itemWith(i, v.tag, v.frame);
      return itemWith(i, `x${v.tag}`, [notC, ...v.frame]);
    };
    const base = ctx.newRule("arr");
    const rule = stateRules(ctx, base);
    const state = (n: number, m: number, seen: boolean): Node =>
      rule(`${n}_${m}${needContainer ? `_${seen ? 1 : 0}` : ""}`, () => {
        const options: Node[] = [];
        if (n >= lo && m >= cMin && (seen || !needContainer)) options.push(close(n));
        if (n + 1 <= maxI) {
          const nn = Math.min(n + 1, N);
          for (const v of variants) {
            const seen2 = seen || v.container;
            if (c === null) {
              options.push(seq(before(n === 0), itemWith(n, v.tag, v.frame), state(nn, 0, seen2)));
              continue;
            }
            if (m + 1 <= cMax) options.push(seq(before(n === 0), match(n, v), state(nn, Math.min(m + 1, cap), seen2)));
            const mi = miss(n, v);
            if (mi) options.push(seq(before(n === 0), mi, state(nn, m, seen2)));
          }
        }
        return options;
      });
    ctx.rules.set(base, seq(S.open(kind, depth, slot), state(0, 0, false)));
    return ref(base);
  }
}

/** Extra frames of the block form's items when arrays of scalars are written in flow: a scalar item, or an object or array item. */
const SCALAR_TYPES = { type: ["null", "boolean", "number", "string"] };
const CONTAINER_TYPES = { type: ["object", "array"] };

function uniqueArray(ctx: Ctx, values: unknown[], minI: number, maxI: number, depth: number, slot: Slot, kind: Container, itemSlot: Slot): Node {
  const S = ctx.syntax;
  const before = (first: boolean) => S.before(kind, depth, slot, first);
  const base = ctx.newRule("uniq");
  const rule = stateRules(ctx, base);
  const valueNodes = values.map((v) => ctx.value([frame({ const: v }, "", "")], depth + 1, itemSlot));
  // The state is the set of values written (`mask`); `count` is its size.
  const state = (mask: number, count: number): Node =>
    rule(`${mask}`, () => {
      const options: Node[] = [];
      if (count >= minI) options.push(S.close(kind, depth, slot, count === 0));
      if (count + 1 <= maxI) {
        values.forEach((_, i) => {
          if (!(mask & (1 << i))) options.push(seq(before(count === 0), valueNodes[i], state(mask | (1 << i), count + 1)));
        });
      }
      return options;
    });
  ctx.rules.set(base, seq(S.open(kind, depth, slot), state(0, 0)));
  return ref(base);
}
