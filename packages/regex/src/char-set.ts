/**
 * Sets of code points (or UTF-16 code units) as sorted, disjoint, non-adjacent
 * inclusive ranges stored flat: `[lo0, hi0, lo1, hi1, ...]`.
 *
 * Every function returns a new normalised array and never mutates its inputs.
 */

/** A normalised flat range list: sorted, disjoint, non-adjacent, inclusive. */
export type CharSet = readonly number[];

/** The largest Unicode code point. */
export const MAX_CODE_POINT = 0x10ffff;
/** The largest UTF-16 code unit. */
export const MAX_CODE_UNIT = 0xffff;

/** The empty set. */
export const EMPTY_SET: CharSet = [];

/** Normalises arbitrary (unsorted, overlapping) flat ranges. */
export function normalizeRanges(flat: readonly number[]): CharSet {
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] <= flat[i + 1]) pairs.push([flat[i], flat[i + 1]]);
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1] + 1) {
      if (hi > out[n - 1]) out[n - 1] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

/** The set holding the inclusive range `[lo, hi]`. */
export function rangeSet(lo: number, hi: number): CharSet {
  return lo <= hi ? [lo, hi] : EMPTY_SET;
}

/** The union of two sets. */
export function union(a: CharSet, b: CharSet): CharSet {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return normalizeRanges([...a, ...b]);
}

/** The union of many sets. */
export function unionAll(sets: readonly CharSet[]): CharSet {
  const flat: number[] = [];
  for (const s of sets) for (const v of s) flat.push(v);
  return normalizeRanges(flat);
}

/** The complement of `a` within `[0, max]`. */
export function complement(a: CharSet, max: number): CharSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i] > max) break;
    if (a[i] > next) out.push(next, a[i] - 1);
    next = a[i + 1] + 1;
  }
  if (next <= max) out.push(next, max);
  return out;
}

/** The intersection of two sets. */
export function intersect(a: CharSet, b: CharSet): CharSet {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i], b[j]);
    const hi = Math.min(a[i + 1], b[j + 1]);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

/** The elements of `a` that are not in `b`. */
export function subtract(a: CharSet, b: CharSet): CharSet {
  if (a.length === 0 || b.length === 0) return a;
  const max = Math.max(a[a.length - 1], b[b.length - 1]);
  return intersect(a, complement(b, max));
}

/** Whether `cp` is in the set (binary search). */
export function hasChar(a: CharSet, cp: number): boolean {
  let lo = 0;
  let hi = (a.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < a[2 * mid]) hi = mid - 1;
    else if (cp > a[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Builds a set from a membership test over `[0, max]` (linear scan; use once and cache). */
export function setFromPredicate(max: number, test: (cp: number) => boolean): CharSet {
  const out: number[] = [];
  let start = -1;
  for (let cp = 0; cp <= max; cp++) {
    if (test(cp)) {
      if (start < 0) start = cp;
    } else if (start >= 0) {
      out.push(start, cp - 1);
      start = -1;
    }
  }
  if (start >= 0) out.push(start, max);
  return out;
}
