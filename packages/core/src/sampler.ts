import { ArgumentError } from "./errors.js";
import { Rng } from "./rng.js";
import type { TokenMask } from "./token-mask.js";

/** How to pick a token from the allowed set. Every filter runs after the mask. */
export interface SamplingOptions {
  /** Softmax temperature; `0` means greedy (argmax, ties to the lowest id). Default 1. */
  temperature?: number;
  /** Keep only the `topK` most likely allowed tokens; `0` (default) keeps all. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability sums to at least `topP`; `1` (default) keeps all. */
  topP?: number;
  /** Drop tokens whose probability is below `minP` times the most likely one's; `0` (default) keeps all. */
  minP?: number;
  /** Seed of the random generator; the same seed gives the same draws. Default 0. */
  seed?: number;
}

/** One sampled token. */
export interface SampledToken {
  token: number;
  /**
   * Log-probability of `token` under the distribution it was drawn from:
   * the allowed set, after temperature, top-k, top-p and min-p, renormalised.
   * `0` for greedy decoding (a point mass).
   */
  logprob: number;
  /** Log-probability of `token` under the model at temperature 1, renormalised over the allowed set (no filters). */
  modelLogprob: number;
}

/**
 * What a decoder knows of the allowed tokens outside a candidate list (the
 * tail), so that `Sampler.sampleWithTail` can draw over the whole allowed
 * set exactly: the candidates are the best allowed tokens (best first, exact
 * logits), the tail every other allowed token. Weights are relative to the
 * best candidate's logit `logits[0]`.
 */
export interface CandidateTail {
  /** How many allowed tokens the tail holds (at least 1). */
  count: number;
  /** The best logit in the tail (at most the last candidate's). */
  maxLogit: number;
  /**
   * One draw from the tail alone at the sampler's temperature (1 when
   * greedy), independent of the sampler's generator: its id and logit; -1
   * (logit NaN) when none was drawn ahead (`sampleWithTailAsync` asks
   * `nextTail` when a draw lands in the tail; `sampleWithTail` cannot).
   */
  token: number;
  logit: number;
  /** Σ over the tail of exp((logit − logits[0]) / T), T the sampler's temperature (1 when greedy). */
  weight: number;
  /** Σ over the whole allowed set (candidates and tail) of exp(logit − logits[0]): the model's normaliser at T = 1. */
  total: number;
  /**
   * Whether `weight` and `token` are already of the tail after the
   * sampler's top-k (`topKApplied`: its best topK − candidates tokens) and
   * min-p (`minPApplied`: logit ≥ logits[0] + T·ln(minP)), as a decoder can
   * do natively; `count` and `maxLogit` stay those of the whole tail.
   */
  topKApplied?: boolean;
  minPApplied?: boolean;
}

/** Checks sampling options and fills the defaults; throws an `ArgumentError` naming the bad option. */
export function resolveSamplingOptions(o: SamplingOptions = {}): Required<SamplingOptions> {
  const temperature = o.temperature ?? 1;
  const topK = o.topK ?? 0;
  const topP = o.topP ?? 1;
  const minP = o.minP ?? 0;
  const seed = o.seed ?? 0;
  const bad = (name: string, value: unknown, want: string) =>
    new ArgumentError("bad-sampling-option", `${name} must be ${want}, got ${String(value)}`, { hint: `Fix the ${name} option.` });
  if (!Number.isFinite(temperature) || temperature < 0) throw bad("temperature", temperature, "a finite number >= 0 (0 = greedy)");
  if (!Number.isInteger(topK) || topK < 0) throw bad("topK", topK, "an integer >= 0 (0 = off)");
  if (!(topP > 0 && topP <= 1)) throw bad("topP", topP, "a number in (0, 1] (1 = off)");
  if (!(minP >= 0 && minP < 1)) throw bad("minP", minP, "a number in [0, 1) (0 = off)");
  if (!Number.isFinite(seed)) throw bad("seed", seed, "a finite number");
  return { temperature, topK, topP, minP, seed };
}

/**
 * Samples tokens after a mask, with temperature, top-k, top-p and min-p, from
 * its own seeded generator (so a run is repeatable whatever the decoder's
 * native sampler does).
 *
 * Order: mask → temperature → top-k → top-p → min-p → renormalise → draw.
 */
export class Sampler {
  readonly options: Required<SamplingOptions>;
  private rng: Rng;
  // Scratch buffers, grown on demand.
  private ids = new Int32Array(0);
  private vals = new Float64Array(0);

  constructor(options: SamplingOptions = {}) {
    this.options = resolveSamplingOptions(options);
    this.rng = new Rng(this.options.seed);
  }

  /**
   * Samples from full logits (index = token id), restricted to `mask` when
   * given. Throws a `RangeError` when the mask allows no token.
   */
  sample(logits: ArrayLike<number>, mask?: TokenMask | null): SampledToken {
    let n = 0;
    if (mask) {
      if (mask.size > logits.length) throw new RangeError(`mask has ${mask.size} ids but logits only ${logits.length}`);
      this.reserve(Math.min(mask.size, logits.length));
      const words = mask.words;
      for (let w = 0; w < words.length; w++) {
        let bits = words[w];
        while (bits !== 0) {
          const low = bits & -bits;
          const id = (w << 5) + (31 - Math.clz32(low));
          this.ids[n] = id;
          this.vals[n] = logits[id];
          n++;
          bits ^= low;
        }
      }
    } else {
      this.reserve(logits.length);
      for (let i = 0; i < logits.length; i++) {
        this.ids[i] = i;
        this.vals[i] = logits[i];
      }
      n = logits.length;
    }
    return this.pick(n);
  }

  /**
   * Samples among candidates `ids[i]` with logits `logits[i]`. The
   * candidates must be allowed tokens; `modelLogprob` is exact when they are
   * the whole allowed set.
   */
  sampleCandidates(ids: ArrayLike<number>, logits: ArrayLike<number>): SampledToken {
    if (ids.length !== logits.length) throw new RangeError(`${ids.length} ids but ${logits.length} logits`);
    this.reserve(ids.length);
    for (let i = 0; i < ids.length; i++) {
      this.ids[i] = ids[i];
      this.vals[i] = logits[i];
    }
    return this.pick(ids.length);
  }

  /**
   * A 32-bit seed for a decoder's own draw (the native tail draw), from this
   * sampler's generator: a run stays repeatable from its seed.
   */
  nextSeed(): number {
    return this.rng.nextUint32();
  }

  /**
   * Samples over the whole allowed set, exactly, from its best candidates
   * (`ids`, `logits`, best first) and what `tail` says of the rest: the
   * same distribution as `sampleCandidatesWhere` over every allowed token,
   * with `logprob` and `modelLogprob` exact. Returns `undefined` where that
   * cannot be done from this information (the caller falls back and says
   * so): `topK` larger than the candidates, a `topP` prefix or `minP` cut
   * that reaches into the tail, a budget (`accept`) that refuses the tail's
   * one draw and then lands in the tail again (or that refuses every kept
   * candidate while the tail is kept), greedy when no candidate is accepted;
   * null never (an allowed set always has a token to draw).
   */
  sampleWithTail(ids: ArrayLike<number>, logits: ArrayLike<number>, tail: CandidateTail, accept?: (token: number) => boolean, maxRedraws = 16): SampledToken | undefined {
    const d = this.tailDistribution(ids, logits, tail);
    if (d === undefined) return undefined;
    if (d.greedy) return d.greedyPick(accept ?? (() => true));
    if (tail.token < 0 && tail.weight > 0) return undefined;
    if (!accept) return d.result(d.draw(), tail);
    let tailUsed = false;
    for (let r = 0; r <= maxRedraws; r++) {
      const j = d.draw();
      if (j === -1) {
        if (tailUsed) return undefined;
        tailUsed = true;
        if (accept(tail.token)) return d.result(-1, tail);
        continue;
      }
      if (d.refused[j]) continue;
      if (accept(d.token(j))) return d.result(j, tail);
      d.refused[j] = 1;
    }
    return d.onePass(accept);
  }

  /**
   * `sampleWithTail` with a length budget (`accept`) and fresh tail draws:
   * rejection sampling over the whole allowed set, where each draw that
   * lands in the tail takes a new independent tail token (`tail.token`
   * first, then `nextTail()`, e.g. a native redraw of the same logits). So
   * the draw is exact (the kept distribution restricted to the accepted
   * tokens, renormalised) whenever an accepted token is found within
   * `maxDraws` draws, or the tail is not kept and one pass over the kept
   * candidates settles it; `undefined` otherwise (and where
   * `sampleWithTail` is).
   */
  async sampleWithTailAsync(
    ids: ArrayLike<number>,
    logits: ArrayLike<number>,
    tail: CandidateTail,
    accept: (token: number) => boolean,
    nextTail: () => Promise<{ token: number; logit: number } | undefined>,
    maxDraws = 64,
  ): Promise<SampledToken | undefined> {
    const d = this.tailDistribution(ids, logits, tail);
    if (d === undefined) return undefined;
    if (d.greedy) return d.greedyPick(accept);
    let next: { token: number; logit: number } | undefined = tail.token >= 0 ? tail : undefined;
    for (let r = 0; r < maxDraws; r++) {
      const j = d.draw();
      if (j === -1) {
        next ??= await nextTail();
        if (next === undefined) return undefined;
        const t = next;
        next = undefined;
        if (accept(t.token)) return d.result(-1, t);
        continue;
      }
      if (d.refused[j]) continue;
      if (accept(d.token(j))) return d.result(j, tail);
      d.refused[j] = 1;
    }
    return d.onePass(accept);
  }

  /**
   * The kept distribution over the candidates and the tail (see
   * `sampleWithTail`), or undefined when a filter's cut reaches into the tail.
   */
  private tailDistribution(ids: ArrayLike<number>, logits: ArrayLike<number>, tail: CandidateTail) {
    const n = ids.length;
    if (n !== logits.length) throw new RangeError(`${n} ids but ${logits.length} logits`);
    if (n === 0) throw new RangeError("sampleWithTail needs at least one candidate");
    const { temperature: T, topK, topP, minP } = this.options;
    this.reserve(n);
    for (let i = 0; i < n; i++) {
      this.ids[i] = ids[i];
      this.vals[i] = logits[i];
    }
    const tokens = this.ids, vals = this.vals;
    const order = sortedIndices(vals, tokens, n, n);
    const max = vals[order[0]];
    if (!(tail.maxLogit <= max) || !(tail.total > 0)) throw new RangeError("the tail's logits must not exceed the best candidate's");
    const lnTotal = Math.log(tail.total);
    const greedyPick = (accept: (token: number) => boolean): SampledToken | undefined => {
      // The best accepted token: a candidate when one is accepted (the tail is no better).
      for (let j = 0; j < n; j++) {
        const i = order[j];
        if (accept(tokens[i])) return { token: tokens[i], logprob: 0, modelLogprob: vals[i] - max - lnTotal };
      }
      return undefined;
    };
    let m = n;
    let tailKept = true;
    if (T > 0 && topK > 0) {
      if (topK <= n) {
        m = topK;
        tailKept = false;
      } else if (topK < n + tail.count && !tail.topKApplied) return undefined;
    }
    const p = new Float64Array(T > 0 ? m : 0);
    let total = 0;
    if (T > 0) {
      for (let j = 0; j < m; j++) total += p[j] = Math.exp((vals[order[j]] - max) / T);
      if (tailKept) total += tail.weight;
      if (topP < 1) {
        let acc = 0;
        let keep = -1;
        for (let j = 0; j < m; j++) {
          acc += p[j] / total;
          if (acc >= topP) {
            keep = j + 1;
            break;
          }
        }
        if (keep < 0 && tailKept) return undefined;
        if (keep >= 0) {
          m = keep;
          tailKept = false;
        }
      }
      if (minP > 0) {
        for (let j = 0; j < m; j++) if (p[j] < minP) p[j] = 0;
        if (tailKept) {
          if (Math.exp((tail.maxLogit - max) / T) < minP) tailKept = false;
          else if (!tail.minPApplied && (tail.count > 1 || !(Math.exp((tail.logit - max) / T) >= minP))) return undefined;
        }
      }
      total = 0;
      for (let j = 0; j < m; j++) total += p[j];
    }
    const tailWeight = tailKept ? tail.weight : 0;
    total += tailWeight;
    const refused = new Uint8Array(m);
    const rng = this.rng;
    return {
      greedy: T === 0,
      greedyPick,
      refused,
      token: (j: number) => tokens[order[j]],
      /** A kept index by weight: j >= 0 a candidate (best first), -1 the tail. */
      draw: (): number => {
        let u = rng.next() * total;
        let chosen = -1;
        for (let j = 0; j < m; j++) {
          if (p[j] === 0) continue;
          chosen = j;
          u -= p[j];
          if (u < 0) return j;
        }
        return tailWeight > 0 ? -1 : chosen;
      },
      result: (j: number, t: { token: number; logit: number }): SampledToken =>
        j < 0
          ? { token: t.token, logprob: (t.logit - max) / T - Math.log(total), modelLogprob: t.logit - max - lnTotal }
          : { token: tokens[order[j]], logprob: Math.log(p[j] / total), modelLogprob: vals[order[j]] - max - lnTotal },
      /** One pass over the kept candidates when the tail is not kept: each asked once, the draw among those accepted. */
      onePass: (accept: (token: number) => boolean): SampledToken | undefined => {
        if (tailWeight > 0) return undefined;
        let fitTotal = 0;
        const fit = new Uint8Array(m);
        for (let j = 0; j < m; j++) {
          if (p[j] === 0 || refused[j]) continue;
          if (accept(tokens[order[j]])) {
            fit[j] = 1;
            fitTotal += p[j];
          }
        }
        if (fitTotal === 0) return undefined;
        let u = rng.next() * fitTotal;
        let chosen = -1;
        for (let j = 0; j < m; j++) {
          if (!fit[j]) continue;
          chosen = j;
          u -= p[j];
          if (u < 0) break;
        }
        return { token: tokens[order[chosen]], logprob: Math.log(p[chosen] / total), modelLogprob: vals[order[chosen]] - max - lnTotal };
      },
    };
  }

  /** A sampler in the same state (same options, same position in the random sequence). */
  fork(): Sampler {
    const s = new Sampler(this.options);
    s.rng = this.rng.clone();
    return s;
  }

  private reserve(n: number): void {
    if (this.ids.length < n) {
      this.ids = new Int32Array(n);
      this.vals = new Float64Array(n);
    }
  }

  /**
   * Samples among candidates (as `sampleCandidates`) a token `accept` takes:
   * exactly the distribution `sampleCandidates` draws from (temperature,
   * top-k, top-p, min-p over all the candidates), restricted to the tokens
   * `accept` takes and renormalised. Returns null when none of the tokens the
   * filters keep is accepted (greedy: when no candidate is).
   *
   * Cost: the filters are computed once. A refused draw is followed by redraws
   * from the same distribution (rejection sampling, each `accept` asked once
   * per token), and after `maxRedraws` of them by one pass that asks `accept`
   * of every kept token and draws among those it takes; so a draw never costs
   * more than one pass over the candidates plus one `accept` per kept token.
   * The first draw uses the random generator exactly as `sampleCandidates`
   * does, so when it is accepted the result is the same.
   *
   * `logprob` is under the filtered distribution before `accept`;
   * `modelLogprob` as in `sampleCandidates` (over all the candidates).
   */
  sampleCandidatesWhere(ids: ArrayLike<number>, logits: ArrayLike<number>, accept: (token: number) => boolean, maxRedraws = 16): SampledToken | null {
    if (ids.length !== logits.length) throw new RangeError(`${ids.length} ids but ${logits.length} logits`);
    const n = ids.length;
    this.reserve(n);
    for (let i = 0; i < n; i++) {
      this.ids[i] = ids[i];
      this.vals[i] = logits[i];
    }
    const d = this.prepare(n);
    const tokens = this.ids, vals = this.vals;
    if (d.order === null) {
      // Greedy: the best accepted candidate (best first, ties to the lower id).
      if (accept(tokens[d.best])) return { token: tokens[d.best], logprob: 0, modelLogprob: d.max - d.lse };
      const order = sortedIndices(vals, tokens, n, n);
      for (let j = 0; j < n; j++) {
        const i = order[j];
        if (i !== d.best && accept(tokens[i])) return { token: tokens[i], logprob: 0, modelLogprob: vals[i] - d.lse };
      }
      return null;
    }
    const { order, p, m, total } = d;
    const result = (j: number): SampledToken => ({ token: tokens[order[j]], logprob: Math.log(p[j] / total), modelLogprob: vals[order[j]] - d.lse });
    const first = this.draw(p, m, total);
    if (accept(tokens[order[first]])) return result(first);
    // 0: not asked yet, 1: accepted, 2: refused.
    const seen = new Uint8Array(m);
    seen[first] = 2;
    const cum = new Float64Array(m);
    let acc = 0;
    for (let j = 0; j < m; j++) cum[j] = acc += p[j];
    for (let r = 0; r < maxRedraws; r++) {
      // The first j with cum[j] > u: a kept token with weight > 0.
      const u = this.rng.next() * acc;
      let lo = 0, hi = m - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cum[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      if (seen[lo] === 2) continue;
      if (accept(tokens[order[lo]])) return result(lo);
      seen[lo] = 2;
    }
    // One pass: every kept token asked once, the draw among those accepted.
    let fitTotal = 0;
    for (let j = 0; j < m; j++) {
      if (p[j] === 0 || seen[j] === 2) continue;
      if (accept(tokens[order[j]])) {
        seen[j] = 1;
        fitTotal += p[j];
      } else seen[j] = 2;
    }
    if (fitTotal === 0) return null;
    let u = this.rng.next() * fitTotal;
    let chosen = -1;
    for (let j = 0; j < m; j++) {
      if (seen[j] !== 1) continue;
      chosen = j;
      u -= p[j];
      if (u < 0) break;
    }
    return result(chosen);
  }

  private pick(n: number): SampledToken {
    const d = this.prepare(n);
    const { ids, vals } = this;
    if (d.order === null) return { token: ids[d.best], logprob: 0, modelLogprob: d.max - d.lse };
    const chosen = this.draw(d.p, d.m, d.total);
    const i = d.order[chosen];
    return { token: ids[i], logprob: Math.log(d.p[chosen] / d.total), modelLogprob: vals[i] - d.lse };
  }

  /**
   * The filtered distribution over candidates `0..n` of the scratch buffers:
   * `order[j]` the candidate of weight `p[j]` (j < m; min-p may leave weights
   * of 0), `total` their sum; `order` null for greedy.
   */
  private prepare(n: number): { best: number; max: number; lse: number; order: Int32Array | null; p: Float64Array; m: number; total: number } {
    if (n === 0) throw new RangeError("no token is allowed: the mask is empty");
    const { ids, vals } = this;
    const { temperature, topK, topP, minP } = this.options;
    // Model log-probabilities over the allowed set (T = 1).
    let best = 0;
    for (let i = 1; i < n; i++) {
      if (vals[i] > vals[best] || (vals[i] === vals[best] && ids[i] < ids[best])) best = i;
    }
    const max = vals[best];
    if (!Number.isFinite(max)) throw new RangeError(`the best allowed logit is ${max}; logits must be finite`);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(vals[i] - max);
    const lse = max + Math.log(sum);
    if (temperature === 0) return { best, max, lse, order: null, p: new Float64Array(0), m: 0, total: 0 };

    // Candidate order: by logit descending (ties: lower id first), only when a filter needs it.
    let order: Int32Array;
    let m = n;
    const needSort = topK > 0 || topP < 1;
    if (needSort) {
      order = sortedIndices(vals, ids, n, topK > 0 && topK < n ? topK : n);
      m = order.length;
    } else {
      order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
    }
    // Softmax at temperature over the kept candidates.
    const p = new Float64Array(m);
    let total = 0;
    for (let j = 0; j < m; j++) {
      const v = Math.exp((vals[order[j]] - max) / temperature);
      p[j] = v;
      total += v;
    }
    if (topP < 1) {
      let acc = 0;
      let keep = m;
      for (let j = 0; j < m; j++) {
        acc += p[j] / total;
        if (acc >= topP) {
          keep = j + 1;
          break;
        }
      }
      m = keep;
    }
    if (minP > 0) {
      // Weights are shifted by the best logit, so the most likely token has weight 1.
      for (let j = 0; j < m; j++) if (p[j] < minP) p[j] = 0;
    }
    total = 0;
    for (let j = 0; j < m; j++) total += p[j];
    return { best, max, lse, order, p, m, total };
  }

  /** Draws an index j < m with probability p[j] / total. */
  private draw(p: Float64Array, m: number, total: number): number {
    let u = this.rng.next() * total;
    let chosen = -1;
    for (let j = 0; j < m; j++) {
      if (p[j] === 0) continue;
      chosen = j;
      u -= p[j];
      if (u < 0) break;
    }
    return chosen;
  }
}

/**
 * Indices of the `k` largest values among `vals[0..n)`, sorted by value
 * descending, ties broken by lower id. Uses a selection pass when k ≪ n.
 */
function sortedIndices(vals: Float64Array, ids: Int32Array, n: number, k: number): Int32Array {
  // Candidates from the native side come best first: one pass checks it and skips the sort.
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (vals[i] > vals[i - 1] || (vals[i] === vals[i - 1] && ids[i] < ids[i - 1])) {
      sorted = false;
      break;
    }
  }
  if (sorted) {
    const idx = new Int32Array(k);
    for (let i = 0; i < k; i++) idx[i] = i;
    return idx;
  }
  const cmp = (a: number, b: number) => vals[b] - vals[a] || ids[a] - ids[b];
  let idx: number[];
  if (k < n && k <= 4096 && n > 4 * k) {
    // Threshold: the k-th largest value, found by quickselect on a copy.
    const copy = vals.slice(0, n);
    const kth = quickselectDesc(copy, k - 1);
    idx = [];
    for (let i = 0; i < n; i++) if (vals[i] >= kth) idx.push(i);
    idx.sort(cmp);
    idx.length = Math.min(idx.length, k);
  } else {
    idx = new Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort(cmp);
    if (k < n) idx.length = k;
  }
  return Int32Array.from(idx);
}

/** The value that would stand at position `k` if `a` were sorted descending (reorders `a`). */
function quickselectDesc(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
