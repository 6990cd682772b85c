/**
 * The statistics the benchmarks print and the charts draw: quantiles by
 * nearest rank, medians, and a latency distribution summary. One home, so
 * that every benchmark computes a p99 the same way.
 */

/** The q-quantile (0..1) of an ascending array, by nearest rank; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** The median of the finite values of `xs` (the mean of the middle two for an even count); NaN when none. */
export function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A distribution of measurements (e.g. µs per mask): its quantiles, maximum and count. */
export interface Distribution {
  n: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  max: number;
}

/** The {@link Distribution} of `xs` (any order). */
export function distribution(xs: readonly number[]): Distribution {
  const s = xs.slice().sort((a, b) => a - b);
  const q = (p: number) => quantile(s, p);
  return { n: s.length, p10: q(0.1), p25: q(0.25), p50: q(0.5), p75: q(0.75), p90: q(0.9), p99: q(0.99), max: s[s.length - 1] ?? NaN };
}
