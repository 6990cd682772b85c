// Exact sampling over a large allowed set (`candidates: Infinity`: the best candidates, the tail's
// normaliser and a native draw from the tail), through the real decode loop (`generate`) on the tiny
// fixture model: seeded draws at a step where thousands (and tens of thousands) of tokens are allowed,
// chi-square against the distribution computed from the model's own logits of the allowed tokens (a
// fresh context, node-llama-cpp's raw logits; nothing of NativeLogits, the bias encoding or the Sampler).
//
// Significance: each chi-square check fails at p < 1e-4, so a correct sampler fails one check with
// probability 1e-4 (a fixed seed range makes every run the same draws, so a pass stays a pass).
// The same check on the default top-256 path must fail: that is what makes the test able to fail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenMask } from "@formwork/core";
import { resolveConstraint } from "@formwork/constraint";
import { generate, type LoadedModel } from "@formwork/llama";
import { promptTokens } from "@formwork/llama/internal";
import { testThreads } from "@formwork/testkit";
import type { Token } from "node-llama-cpp";
import { tinyModel } from "./support.js";

let model: LoadedModel;
beforeAll(async () => {
  model = await tinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

const PROMPT = "Words:";
// Lowercase words starting with a-e: thousands of tokens of the Qwen vocabulary, every one a complete output.
const REGEX = "[a-e][a-z]*";

/** Upper critical value of chi-square with `df` degrees of freedom at p = 1e-4 (Wilson–Hilferty; z = 3.719). */
function chi2Critical(df: number): number {
  const z = 3.719;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

// Lowercase words with or without a leading space: tens of thousands of tokens (more than half the
// vocabulary refused: the mask goes as +bias on the allowed ids).
const WIDE_REGEX = " ?[a-z]+";

/** The allowed ids of the first step and their raw logits, from a fresh context (independent of the decode loop). */
async function allowedLogits(regex = REGEX): Promise<{ ids: number[]; logits: number[] }> {
  const matcher = model.compiler.compile(resolveConstraint({ regex })!.grammar).createMatcher();
  const mask = new TokenMask(model.vocabulary.size);
  matcher.fillNextTokenMask(mask);
  const allowed: number[] = [];
  for (let id = 0; id < mask.size; id++) if (mask.has(id)) allowed.push(id);
  const ctx = await model.model.createContext({ contextSize: 256, sequences: 1, threads: testThreads() });
  try {
    const prompt = await promptTokens(model.model, PROMPT, undefined);
    const input: (Token | [Token, object])[] = prompt.slice(0, -1) as Token[];
    input.push([prompt[prompt.length - 1] as Token, { generateNext: { logits: true } }]);
    const out = await ctx.getSequence().controlledEvaluate(input as never);
    const map = (out[prompt.length - 1] as { next: { logits: Map<number, number> } }).next.logits;
    expect(map.size).toBe(model.vocabulary.size);
    return { ids: allowed, logits: allowed.map((id) => map.get(id)!) };
  } finally {
    await ctx.dispose();
  }
}

/**
 * The distribution `SamplingOptions` defines over the allowed set: temperature, then top-k, top-p
 * (smallest best-first prefix reaching `topP`), min-p (weight below `minP` × the best one's), renormalised.
 */
function reference(ids: number[], logits: number[], o: { temperature: number; topK?: number; topP?: number; minP?: number }): Map<number, number> {
  const order = ids.map((_, i) => i).sort((a, b) => logits[b] - logits[a] || ids[a] - ids[b]);
  const max = logits[order[0]];
  let kept = order.slice(0, o.topK ? o.topK : order.length);
  const w = kept.map((i) => Math.exp((logits[i] - max) / o.temperature));
  let total = w.reduce((s, x) => s + x, 0);
  if (o.topP !== undefined && o.topP < 1) {
    let acc = 0;
    let m = kept.length;
    for (let j = 0; j < kept.length; j++) {
      acc += w[j] / total;
      if (acc >= o.topP) {
        m = j + 1;
        break;
      }
    }
    kept = kept.slice(0, m);
    w.length = m;
  }
  for (let j = 0; j < kept.length; j++) if (o.minP && w[j] < o.minP) w[j] = 0;
  total = w.reduce((s, x) => s + x, 0);
  const p = new Map<number, number>();
  for (let j = 0; j < kept.length; j++) if (w[j] > 0) p.set(ids[kept[j]], w[j] / total);
  return p;
}

/**
 * Chi-square of `counts` against `p`: tokens best first, grouped into `bins` bins of about equal
 * expected mass; a draw outside the support of `p` is reported separately (it must not happen).
 */
function chiSquare(counts: Map<number, number>, p: Map<number, number>, n: number, bins: number): { stat: number; df: number; outside: number } {
  const tokens = [...p.keys()].sort((a, b) => p.get(b)! - p.get(a)!);
  let outside = 0;
  for (const [id, c] of counts) if (!p.has(id)) outside += c;
  let stat = 0, df = -1, acc = 0, obs = 0, exp = 0, b = 1;
  for (const id of tokens) {
    acc += p.get(id)!;
    exp += p.get(id)! * n;
    obs += counts.get(id) ?? 0;
    if (acc >= b / bins - 1e-12 || id === tokens[tokens.length - 1]) {
      stat += (obs - exp) ** 2 / exp;
      df++;
      obs = 0;
      exp = 0;
      while (acc >= b / bins - 1e-12) b++;
    }
  }
  return { stat, df, outside };
}

describe("exact sampling over a large allowed set (real decode loop, tiny model)", () => {
  const N = 200;
  const BINS = 20;

  async function draws(o: { temperature: number; topK?: number; topP?: number; minP?: number }, candidates: number | undefined, regex = REGEX) {
    const counts = new Map<number, number>();
    const logprobs = new Map<number, number>();
    let exact = true;
    for (let seed = 1; seed <= N; seed++) {
      const r = await generate({ model, prompt: PROMPT, regex, maxTokens: 1, seed, candidates, ...o });
      expect(r.tokens.length).toBe(1);
      const t = r.tokens[0];
      counts.set(t, (counts.get(t) ?? 0) + 1);
      logprobs.set(t, r.logprobs[0]);
      exact &&= r.exactLogprobs;
      expect(r.stats.maskViolations).toBe(0);
    }
    return { counts, logprobs, exact };
  }

  // Default sampling; temperature below and above 1 (the normaliser at T = 1 is a second native pass);
  // min-p cutting inside the tail (native min-p on the tail draw); top-k read whole with top-p and min-p.
  const configs: { temperature: number; topK?: number; topP?: number; minP?: number }[] = [
    { temperature: 1 },
    { temperature: 0.7 },
    { temperature: 1.3, minP: 0.01 },
    { temperature: 1.5, topK: 3000, topP: 0.97, minP: 0.002 },
  ];
  // 5,550 allowed: at T = 1 the tail path (more than 4,096), with the filters every allowed token read (up
  // to 8,192); 41,667 allowed: the tail path (its draw at T, native min-p on it, the normaliser at T = 1).
  const cases = [
    { o: configs[0], regex: REGEX },
    { o: configs[3], regex: REGEX },
    ...configs.slice(0, 3).map((o) => ({ o, regex: WIDE_REGEX })),
    // Top-p whose cut reaches past the 256 read: the tail cannot settle it, every allowed token is read for that step.
    { o: { temperature: 1.2, topP: 0.9 }, regex: WIDE_REGEX },
  ];
  for (const { o, regex } of cases) {
    it(`candidates: Infinity draws from the masked full distribution (${JSON.stringify(o)}, ${regex}), logprobs exact`, async () => {
      const { ids, logits } = await allowedLogits(regex);
      expect(ids.length).toBeGreaterThan(regex === WIDE_REGEX ? 20_000 : 1000);
      const p = reference(ids, logits, o);
      // The filters leave far more than 256 tokens, so a top-256 cut would change the distribution.
      expect(p.size).toBeGreaterThan(512);
      // With filters, they do cut the allowed set (so the check covers them).
      if (o.topP !== undefined || o.minP !== undefined) expect(p.size).toBeLessThan(ids.length);
      const { counts, logprobs, exact } = await draws(o, Infinity, regex);
      expect(exact).toBe(true);
      const { stat, df, outside } = chiSquare(counts, p, N, BINS);
      expect(outside).toBe(0);
      expect(stat).toBeLessThan(chi2Critical(df));
      // Reported logprob: log of the model's probability (T = 1) renormalised over the whole allowed set.
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
      const logitOf = new Map(ids.map((id, i) => [id, logits[i]]));
      // The bias encoding keeps logits near 1024 in float32 (error 1.2e-4 each); the native normaliser is a float32 sum.
      for (const [t, lp] of logprobs) expect(Math.abs(lp - (logitOf.get(t)! - lse))).toBeLessThan(1e-3);
    }, 600_000);
  }

  // The length budget: every token of [a-e][a-z]* is allowed, but with one token of budget only the
  // words of at most 4 letters finish (a longer word needs 40 digits more). The draw must follow the
  // same distribution restricted to the tokens that fit, renormalised; which tokens fit is decided here
  // by a RegExp on each token's bytes, not by the matcher.
  const BUDGET_REGEX = "[a-e][a-z]{0,3}|[a-e][a-z]{4,}[0-9]{40}";
  const FITS = /^[a-e][a-z]{0,3}$/;
  for (const o of [configs[0], configs[2]]) {
    it(`length budget: the draw is restricted to the tokens that fit, renormalised (${JSON.stringify(o)})`, async () => {
      const { ids, logits } = await allowedLogits(BUDGET_REGEX);
      const fits = (id: number) => FITS.test(new TextDecoder().decode(model.vocabulary.bytesOf(id)));
      const full = reference(ids, logits, o);
      let mass = 0, fitting = 0;
      for (const [id, q] of full) {
        if (fits(id)) {
          mass += q;
          fitting++;
        }
      }
      // Many tokens are refused for the budget, many fit, and most of the mass is on the refused ones.
      expect(fitting).toBeGreaterThan(200);
      expect(full.size - fitting).toBeGreaterThan(500);
      expect(mass).toBeLessThan(0.5);
      const p = new Map<number, number>();
      for (const [id, q] of full) if (fits(id)) p.set(id, q / mass);
      let rejections = 0;
      const counts = new Map<number, number>();
      for (let seed = 1; seed <= N; seed++) {
        const r = await generate({ model, prompt: PROMPT, regex: BUDGET_REGEX, maxTokens: 1, seed, candidates: Infinity, ...o });
        expect(r.tokens.length).toBe(1);
        expect(r.stats.maskViolations).toBe(0);
        rejections += r.stats.budgetRejections;
        counts.set(r.tokens[0], (counts.get(r.tokens[0]) ?? 0) + 1);
      }
      expect(rejections).toBeGreaterThan(N);
      const { stat, df, outside } = chiSquare(counts, p, N, BINS);
      expect(outside).toBe(0);
      expect(stat).toBeLessThan(chi2Critical(df));
    }, 600_000);
  }

  it("the same seed gives the same tokens and logprobs (exact at every step)", async () => {
    for (const o of [{ temperature: 1 }, { temperature: 0.8, minP: 0.05 }]) {
      const run = () => generate({ model, prompt: PROMPT, regex: "[a-e][a-z ]{2,40}", maxTokens: 6, seed: 7, candidates: Infinity, ...o });
      const a = await run(), b = await run();
      expect(b.tokens).toEqual(a.tokens);
      expect(b.logprobs).toEqual(a.logprobs);
      expect(a.exactLogprobs).toBe(true);
      expect(a.stats.truncatedSteps).toBe(0);
      expect(a.stats.maskViolations).toBe(0);
      const c = await generate({ model, prompt: PROMPT, regex: "[a-e][a-z ]{2,40}", maxTokens: 6, seed: 8, candidates: Infinity, ...o });
      expect(c.tokens).not.toEqual(a.tokens);
    }
  }, 600_000);

  it("the same check fails on the default top-256 path (so the test can fail)", async () => {
    const o = { temperature: 1 };
    const { ids, logits } = await allowedLogits();
    const p = reference(ids, logits, o);
    const { counts, exact } = await draws(o, undefined);
    expect(exact).toBe(false);
    const { stat, df } = chiSquare(counts, p, N, BINS);
    expect(stat).toBeGreaterThan(chi2Critical(df));
  }, 600_000);
});
