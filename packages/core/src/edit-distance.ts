/**
 * Edit distance between short strings, for "did you mean" suggestions (a
 * misspelled schema keyword, an enum member written slightly wrong).
 */

/** Options of {@link editDistance}. */
export interface EditDistanceOptions {
  /** Count swapping two adjacent characters as one edit (optimal string alignment) instead of two. Default `false` (plain Levenshtein). */
  transpositions?: boolean;
}

/**
 * The number of single-character insertions, deletions and substitutions
 * (and, with `transpositions`, swaps of adjacent characters) that turn `a`
 * into `b`, or `limit + 1` as soon as it is certain to exceed `limit`.
 * Compares UTF-16 code units. Cost O(|a|·|b|) time at most, O(|b|) memory;
 * far less when the strings differ by more than `limit`.
 */
export function editDistance(a: string, b: string, limit = Infinity, options: EditDistanceOptions = {}): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const swaps = options.transpositions === true;
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (swaps && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      if (d < rowMin) rowMin = d;
    }
    // No later cell is below this row's minimum: a swap from two rows back, d[i-1][j-2] + 1, is at
    // least d[i][j-1] (a substitution), which is in this row.
    if (rowMin > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return Math.min(prev[b.length], limit + 1);
}
