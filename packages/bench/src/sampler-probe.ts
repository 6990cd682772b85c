/**
 * What node-llama-cpp 3.22's native sampler costs per call, for the ways
 * Formwork could get the allowed set's logits or an exact draw out of it
 * (issue 18): one position of the tiny fixture model is evaluated, then each
 * variant of the context's native `sampleToken` runs N times on it (CPU ms
 * per call over all threads, and wall), with no mask and with half the
 * vocabulary allowed (the bias encoding of `NativeLogits`).
 *
 * Variants: `top256` (the default candidates: bias, top-k 256, the 256 best logits
 * back) on a sampler kept across calls and on a fresh sampler per call (what
 * `controlledEvaluate` does); `top128`, `top64` (what topK 1-64 reads),
 * `top40` on a kept sampler; node-llama-cpp's own draw with its defaults
 * (temperature 0.8, top-k 40, top-p 0.95: the peer's per-token sampling); `greedy` (token only); `greedy+total` (token and
 * the sum of exp(logit - max) over the allowed set); `greedy+selected` (its
 * logit: the max); `dist` (a draw at T 0.8, token only); `dist+selected`;
 * `exact pair` (greedy+total then dist+selected with the greedy token in the
 * filter: the max, the normaliser, the draw and its logit, which is what an
 * exact draw with an exact logprob needs through this API); `all` (every
 * allowed logit back sorted, `candidates: Infinity` before 2026-12-03); `exact draw ...`: what
 * `candidates: Infinity` does now (top-65 read, the tail pass, and the T = 1 normaliser pass at T != 1
 * or alone when top-k / min-p / greedy cut the tail whole). Masks: none, half the vocabulary allowed
 * (+1024 on them), all but 64 (-inf on those).
 *
 * Usage: node packages/bench/dist/sampler-probe.js [--n 100]
 */
import { loadModel } from "@formwork/llama";
import { buildFixtureModel } from "@formwork/testkit";
import { flagValue } from "./results.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
async function main(): Promise<void> {
  const N = Number(flagValue("--n") ?? 100);
  const f = await buildFixtureModel({ tokenizer: "qwen3", size: "tiny" });
  const loaded = await loadModel({ model: f.path, threads: 1, gpu: false, contextSize: 2048 });
  const model = loaded.model as any;
  const V = loaded.vocabulary.size;
  const ctx = await model.createContext({ contextSize: 512, threads: 1 });
  const seq = ctx.getSequence();
  const AddonSampler = model._llama._bindings.AddonSampler;
  const make = (config: Record<string, unknown>) => {
    const s = new AddonSampler(model._model);
    s.applyConfig(config);
    return s;
  };
  const half: number[] = [];
  for (let i = 0; i < V; i += 2) half.push(i);
  const masks: [string, Record<string, unknown>, number][] = [
    ["no mask", {}, V],
    ["half allowed", { tokenBiasKeys: Uint32Array.from(half), tokenBiasValues: new Float32Array(half.length).fill(1024) }, half.length],
    ["all but 64", { tokenBiasKeys: Uint32Array.from({ length: 64 }, (_, i) => 1000 + 97 * i), tokenBiasValues: new Float32Array(64).fill(-Infinity) }, V - 64],
  ];
  const cpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const rows: string[] = [];
  const mapper = async (batchLogitIndex: number) => {
    const call = (s: unknown, ...a: unknown[]) => ctx._ctx.sampleToken(batchLogitIndex, s, ...a);
    for (const [name, bias, allowed] of masks) {
      const K = Math.min(256, allowed);
      const top = make({ temperature: 1, topK: K, topP: 1, minP: 0, seed: 0, ...bias });
      const greedy = make({ ...bias });
      const dist = make({ temperature: 0.8, seed: 7, ...bias });
      const dist1 = make({ temperature: 1, seed: 7, ...bias });
      const top65 = make({ temperature: 1, topK: 65, topP: 1, minP: 0, seed: 0, ...bias });
      const tail = make({ temperature: 1, seed: 7 });
      const norm = make({ ...bias });
      // The tail's bias as NativeLogits builds it: the mask's entries, then -inf on the 64 candidates (typed-array copies).
      const baseKeys = (bias.tokenBiasKeys as Uint32Array | undefined) ?? new Uint32Array(0);
      const baseValues = (bias.tokenBiasValues as Float32Array | undefined) ?? new Float32Array(0);
      const tk = new Uint32Array(baseKeys.length + 64), tv = new Float32Array(baseKeys.length + 64);
      const tailBias = (pairs: number[]) => {
        tk.set(baseKeys);
        tv.set(baseValues);
        for (let i = 0; i < 64; i++) {
          tk[baseKeys.length + i] = pairs[2 * i];
          tv[baseKeys.length + i] = -Infinity;
        }
        return { keys: tk, values: tv };
      };
      let seedN = 1;
      const all = make({ temperature: 1, topK: allowed, topP: 1, minP: 0, seed: 0, ...bias });
      const peer = make({ temperature: 0.8, topK: 40, topP: 0.95, minP: 0, seed: 7, ...bias });
      const extra: unknown[] = [];
      const kept = (s: unknown) => (extra.push(s), s);
      const variants: [string, () => Promise<unknown>, number?][] = [
        ["top256, sampler kept", () => call(top, false, false, [[], false, false, false, K], false)],
        [
          "top256, fresh sampler per call",
          async () => {
            const s = make({ temperature: 1, topK: K, topP: 1, minP: 0, seed: 0, ...bias });
            await call(s, false, false, [[], false, false, false, K], false);
            s.dispose();
          },
        ],
        // Smaller K: llama.cpp's top-k takes a heap partial sort up to 128, a bucket sort above (what topK 1-64 reads).
        ...[128, 64, 40].map((k): [string, () => Promise<unknown>] => {
          const Kk = Math.min(k, allowed);
          const s = kept(make({ temperature: 1, topK: Kk, topP: 1, minP: 0, seed: 0, ...bias }));
          return [`top${k}, sampler kept`, () => call(s, false, false, [[], false, false, false, Kk], false)];
        }),
        // What node-llama-cpp's own loop does per token with its defaults (the peer of bench:select and bench:decode).
        ["node-llama-cpp draw (T 0.8, top-k 40, top-p 0.95)", () => call(peer)],
        ["greedy", () => call(greedy)],
        ["greedy+total", () => call(greedy, false, false, false, true)],
        ["greedy+selected", () => call(greedy, false, false, [[], false, false, true, 0], false)],
        ["greedy+selected+total (pass A)", () => call(greedy, false, false, [[], false, false, true, 0], true)],
        ["dist", () => call(dist)],
        ["dist T1+selected+total, seed per call", () => (dist1.applyConfig({ temperature: 1, seed: seedN++, ...bias }), call(dist1, false, false, [[], false, false, true, 0], true))],
        ["dist+selected", () => call(dist, false, false, [[], false, false, true, 0], false)],
        [
          "exact pair",
          async () => {
            const r = await call(greedy, false, false, false, true);
            await call(dist, false, false, [[r[0]], false, false, true, 0], false);
          },
        ],
        // Today's exact draw (candidates: Infinity, NativeLogits with an ExactDraw): the best 64 + 1 read, then the
        // tail pass (bias + -inf on the 64, draw, tail-best and drawn logits back, sum), and at T != 1 the normaliser.
        ["exact draw T 1 (top65 + tail pass)", async () => {
          const r = (await call(top65, false, false, [[], false, false, false, 65], false)) as unknown[];
          const pairs = r[3] as number[];
          const { keys, values } = tailBias(pairs);
          tail.applyConfig({ temperature: 1, seed: seedN++, tokenBiasKeys: keys, tokenBiasValues: values });
          await call(tail, false, false, [[pairs[128]], false, false, true, 0], true);
        }],
        ["exact draw T 0.8 (+ normaliser pass)", async () => {
          const r = (await call(top65, false, false, [[], false, false, false, 65], false)) as unknown[];
          const pairs = r[3] as number[];
          const { keys, values } = tailBias(pairs);
          tail.applyConfig({ temperature: 0.8, seed: seedN++, tokenBiasKeys: keys, tokenBiasValues: values });
          await call(tail, false, false, [[pairs[128]], false, false, true, 0], true);
          await call(norm, false, false, false, true);
        }],
        ["exact draw, tail cut whole (top65 + normaliser pass: topK <= 64, greedy)", async () => {
          await call(top65, false, false, [[], false, false, false, 65], false);
          await call(norm, false, false, false, true);
        }],
        ["all (sorted, every allowed logit)", () => call(all, false, false, [[], false, false, false, allowed], false), Math.max(3, N >> 4)],
      ];
      for (const [variant, fn, n = N] of variants) {
        for (let i = 0; i < 3; i++) await fn();
        const c0 = cpu(), t0 = performance.now();
        for (let i = 0; i < n; i++) await fn();
        rows.push(`| ${name} | ${variant} | ${((cpu() - c0) / n).toFixed(3)} | ${((performance.now() - t0) / n).toFixed(3)} |`);
      }
      for (const s of [top, greedy, dist, dist1, top65, tail, norm, all, peer, ...extra] as { dispose(): void }[]) s.dispose();
    }
    return undefined;
  };
  const tokens = model.tokenize("Output JSON:");
  const want: boolean[] = [];
  want[tokens.length - 1] = true;
  const shift = { size: seq._contextShift.size, strategy: seq._contextShift.strategy };
  await seq._decodeTokens(tokens, want, 5, seq._tokenMeter, shift, mapper, undefined);
  // The evaluation itself, for scale: one token, its logits computed, nothing sampled.
  const c0 = cpu(), t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const one: boolean[] = [true];
    await seq._decodeTokens([100 + (i % 300)], one, 5, seq._tokenMeter, shift, async () => undefined, undefined);
    if (seq.nextTokenIndex > 400) await seq.clearHistory();
  }
  rows.push(`| – | evaluate one token (no sampling) | ${((cpu() - c0) / N).toFixed(3)} | ${((performance.now() - t0) / N).toFixed(3)} |`);
  console.log(`sampler probe: tiny fixture model, ${V} tokens, 1 thread, ${N} calls per variant (means)\n`);
  console.log("| mask | native sampleToken variant | CPU ms/call | wall ms/call |\n|---|---|---|---|");
  for (const r of rows) console.log(r);
  await ctx.dispose();
  await loaded.dispose();
}

await main();
