import { describe, expect, it } from "vitest";
import { Rng, Sampler, TokenMask, ArgumentError } from "@formwork/core";

/** Upper critical value of chi-square with `df` degrees of freedom at p = 0.001 (Wilson–Hilferty). */
function chi2Critical(df: number): number {
  const z = 3.090232; // standard normal quantile for 0.999
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

function chi2(counts: Map<number, number>, expected: Map<number, number>, n: number): { stat: number; df: number } {
  let stat = 0;
  let df = -1;
  for (const [id, p] of expected) {
    if (p <= 0) continue;
    const e = p * n;
    const o = counts.get(id) ?? 0;
    stat += (o - e) ** 2 / e;
    df++;
  }
  for (const id of counts.keys()) if (!((expected.get(id) ?? 0) > 0)) stat = Infinity; // drew an impossible token
  return { stat, df };
}

/** The exact sampling distribution, written independently of the sampler: mask → T → top-k → top-p → min-p. */
function expectedDistribution(logits: number[], allowed: number[], o: { temperature: number; topK?: number; topP?: number; minP?: number }) {
  const ids = [...allowed].sort((a, b) => logits[b] - logits[a] || a - b);
  const max = logits[ids[0]];
  let w = ids.map((id) => Math.exp((logits[id] - max) / o.temperature));
  let kept = ids.length;
  if (o.topK) kept = Math.min(kept, o.topK);
  const sumK = w.slice(0, kept).reduce((s, x) => s + x, 0);
  if (o.topP !== undefined && o.topP < 1) {
    let acc = 0;
    for (let j = 0; j < kept; j++) {
      acc += w[j] / sumK;
      if (acc >= o.topP) {
        kept = j + 1;
        break;
      }
    }
  }
  w = w.slice(0, kept);
  if (o.minP) w = w.map((x) => (x < o.minP! * 1 ? 0 : x));
  const total = w.reduce((s, x) => s + x, 0);
  return new Map(ids.slice(0, kept).map((id, j) => [id, w[j] / total]));
}

function draw(sampler: Sampler, logits: number[], mask: TokenMask, n: number) {
  const counts = new Map<number, number>();
  const lp = new Map<number, number>();
  const f = Float32Array.from(logits);
  for (let i = 0; i < n; i++) {
    const s = sampler.sample(f, mask);
    counts.set(s.token, (counts.get(s.token) ?? 0) + 1);
    lp.set(s.token, s.logprob);
  }
  return { counts, lp };
}

const rng = new Rng(2024);
const V = 400;
const logits = Array.from({ length: V }, () => Math.fround(rng.next() * 6 - 3));
const allowed = Array.from({ length: V }, (_, i) => i).filter((i) => i % 3 !== 0 && i < 60);
const mask = TokenMask.of(V, allowed);

describe("Sampler", () => {
  const settings = [
    { temperature: 1 },
    { temperature: 0.7 },
    { temperature: 1.5, topK: 5 },
    { temperature: 1, topP: 0.8 },
    { temperature: 0.9, minP: 0.2 },
    { temperature: 1.2, topK: 20, topP: 0.9, minP: 0.05 },
  ];
  for (const s of settings) {
    it(`draws from the exact renormalised distribution: ${JSON.stringify(s)}`, () => {
      const n = 40_000;
      const { counts, lp } = draw(new Sampler({ ...s, seed: 99 }), logits, mask, n);
      const exp = expectedDistribution(logits, allowed, s);
      const { stat, df } = chi2(counts, exp, n);
      expect(stat).toBeLessThan(chi2Critical(Math.max(df, 1)));
      // The reported logprob is the log of the exact probability it was drawn with.
      for (const [id, l] of lp) expect(l).toBeCloseTo(Math.log(exp.get(id)!), 9);
    });
  }

  it("the chi-square check can fail: samples at T=1 do not fit the distribution at T=0.5", () => {
    const n = 40_000;
    const { counts } = draw(new Sampler({ temperature: 1, seed: 5 }), logits, mask, n);
    const wrong = expectedDistribution(logits, allowed, { temperature: 0.5 });
    const { stat, df } = chi2(counts, wrong, n);
    expect(stat).toBeGreaterThan(chi2Critical(df));
  });

  it("never draws a masked-out token, and modelLogprob is the T=1 logprob over the allowed set", () => {
    const s = new Sampler({ temperature: 2, seed: 1 });
    const f = Float32Array.from(logits);
    const lse = Math.log(allowed.reduce((acc, id) => acc + Math.exp(f[id]), 0));
    for (let i = 0; i < 2000; i++) {
      const r = s.sample(f, mask);
      expect(mask.has(r.token)).toBe(true);
      expect(r.modelLogprob).toBeCloseTo(f[r.token] - lse, 9);
    }
  });

  it("greedy picks the best allowed token, ties to the lowest id, with logprob 0", () => {
    const f = new Float32Array(10).fill(0);
    f[3] = 5;
    f[7] = 9;
    f[8] = 9;
    expect(new Sampler({ temperature: 0 }).sample(f, TokenMask.of(10, [1, 3, 8, 7])).token).toBe(7);
    const r = new Sampler({ temperature: 0 }).sample(f, TokenMask.of(10, [1, 3]));
    expect(r).toMatchObject({ token: 3, logprob: 0 });
    expect(r.modelLogprob).toBeCloseTo(5 - Math.log(Math.exp(5) + 1), 9);
  });

  it("is repeatable with the same seed and differs with another", () => {
    const f = Float32Array.from(logits);
    const seq = (seed: number) => {
      const s = new Sampler({ seed, temperature: 1 });
      return Array.from({ length: 50 }, () => s.sample(f, mask).token);
    };
    expect(seq(42)).toEqual(seq(42));
    expect(seq(42)).not.toEqual(seq(43));
    const a = new Sampler({ seed: 3 });
    a.sample(f, mask);
    const b = a.fork();
    expect(Array.from({ length: 20 }, () => a.sample(f, mask).token)).toEqual(Array.from({ length: 20 }, () => b.sample(f, mask).token));
  });

  it("sampleCandidates draws from the same distribution as sample over the same set", () => {
    const ids = allowed;
    const vals = ids.map((id) => Math.fround(logits[id]));
    const a = new Sampler({ seed: 8, temperature: 0.8, topK: 10 });
    const b = new Sampler({ seed: 8, temperature: 0.8, topK: 10 });
    const f = Float32Array.from(logits);
    for (let i = 0; i < 500; i++) expect(a.sampleCandidates(ids, vals)).toEqual(b.sample(f, mask));
  });

  // sampleCandidatesWhere: the filtered distribution restricted to the accepted tokens. `fitting` keeps
  // about a third of the allowed set (and none of the 3 best), so draws are refused often; a maxRedraws
  // of 0 and of 16 exercise the one-pass path and the redraws.
  const fitting = new Set(allowed.filter((id) => (id * 7) % 3 === 1));
  const best3 = [...allowed].sort((a, b) => logits[b] - logits[a]).slice(0, 3);
  for (const id of best3) fitting.delete(id);
  for (const s of settings) {
    for (const redraws of [0, 16]) {
      it(`sampleCandidatesWhere draws from the filtered distribution restricted to the accepted tokens: ${JSON.stringify(s)}, maxRedraws ${redraws}`, () => {
        const ids = allowed;
        const vals = ids.map((id) => Math.fround(logits[id]));
        const sampler = new Sampler({ ...s, seed: 17 });
        const full = expectedDistribution(logits, allowed, s);
        let mass = 0;
        for (const [id, p] of full) if (fitting.has(id)) mass += p;
        const exp = new Map<number, number>();
        for (const [id, p] of full) if (fitting.has(id)) exp.set(id, p / mass);
        const n = 20_000;
        const counts = new Map<number, number>();
        let askedTwice = 0, nulls = 0, worstLogprob = 0;
        for (let i = 0; i < n; i++) {
          const asked = new Set<number>();
          const r = sampler.sampleCandidatesWhere(ids, vals, (t) => {
            if (asked.has(t)) askedTwice++; // each token is asked at most once per draw
            asked.add(t);
            return fitting.has(t);
          }, redraws);
          if (r === null) {
            nulls++;
            continue;
          }
          counts.set(r.token, (counts.get(r.token) ?? 0) + 1);
          worstLogprob = Math.max(worstLogprob, Math.abs(r.logprob - Math.log(full.get(r.token)!)));
        }
        expect({ askedTwice, nulls }).toEqual({ askedTwice: 0, nulls: 0 });
        expect(worstLogprob).toBeLessThan(1e-9);
        const { stat, df } = chi2(counts, exp, n);
        expect(stat).toBeLessThan(chi2Critical(Math.max(df, 1)));
      });
    }
  }

  it("sampleCandidatesWhere: same draw as sampleCandidates when the first is accepted; null when no kept token is; greedy takes the best accepted", () => {
    const ids = allowed;
    const vals = ids.map((id) => Math.fround(logits[id]));
    const a = new Sampler({ seed: 4, temperature: 0.9, topP: 0.9 });
    const b = new Sampler({ seed: 4, temperature: 0.9, topP: 0.9 });
    for (let i = 0; i < 200; i++) expect(a.sampleCandidatesWhere(ids, vals, () => true)).toEqual(b.sampleCandidates(ids, vals));
    const sorted = [...allowed].sort((x, y) => logits[y] - logits[x] || x - y);
    // top-k 3 keeps the 3 best; refusing them leaves nothing kept.
    expect(new Sampler({ seed: 1, topK: 3 }).sampleCandidatesWhere(ids, vals, (t) => !sorted.slice(0, 3).includes(t))).toBeNull();
    const g = new Sampler({ temperature: 0 }).sampleCandidatesWhere(ids, vals, (t) => t !== sorted[0] && t !== sorted[1]);
    expect(g).toMatchObject({ token: sorted[2], logprob: 0 });
    expect(new Sampler({ temperature: 0 }).sampleCandidatesWhere(ids, vals, () => false)).toBeNull();
  });

  it("handles a 151k vocabulary with a wide mask and top-k/top-p", () => {
    const big = new Float32Array(151_936);
    for (let i = 0; i < big.length; i++) big[i] = rng.next() * 10;
    const m = TokenMask.full(big.length);
    const s = new Sampler({ seed: 1, topK: 40, topP: 0.95, temperature: 0.8 });
    const r = s.sample(big, m);
    const sorted = [...big].sort((x, y) => y - x);
    expect(big[r.token]).toBeGreaterThanOrEqual(sorted[39]);
  });

  it("rejects bad options with a clear error and an empty mask with a RangeError", () => {
    expect(() => new Sampler({ temperature: -1 })).toThrow(ArgumentError);
    expect(() => new Sampler({ topP: 0 })).toThrow(/topP must be/);
    expect(() => new Sampler({ topK: 1.5 })).toThrow(/topK must be/);
    expect(() => new Sampler({ minP: 1 })).toThrow(/minP must be/);
    expect(() => new Sampler().sample(new Float32Array(4), new TokenMask(4))).toThrow(/mask is empty/);
  });
});
