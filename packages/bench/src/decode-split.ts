/**
 * Where a decode step's time goes on the tiny fixture model, N = 1: the
 * per-step CPU split of node-llama-cpp's own loop (plain, no constraint)
 * and of `generate` without fast-forward (every token sampled), same
 * sampling (top-k 40, top-p 0.95, T 0.8), up to 48 tokens per call.
 *
 * Each part is timed by wrapping it (process CPU time, `process.cpuUsage`,
 * around the call; for the native calls that finish on a worker thread, up
 * to the promise's settling): node-llama-cpp's context `decodeBatch` (the
 * model's evaluation), `sampleToken` (bias, top-k, the candidates back),
 * the sampler's `applyConfig` (sampler configuration, the bias included),
 * `addToBatch` / `initBatch`; Formwork's `SequenceDecoder` phases (`prepare`,
 * `fillMask`: the matcher's mask; `take`: sampling, budget checks, accept),
 * `NativeLogits.setMask` (the bias encoding) and `NativeLogits.evaluate`
 * (everything native plus node-llama-cpp's batching and our reading of the
 * candidates). With `--fine`, also the matcher's and the sampler's methods
 * (nested inside the phases; the wrappers' own cost, ~1 µs per call, shows
 * in the small parts).
 *
 * Process CPU is every thread's, so on a busy machine a part that waits
 * on a worker also counts what other threads of the process do meanwhile
 * (V8's concurrent GC); the figures are for finding the large parts, not
 * for comparing builds (use decode-bench's loop CPU per step for that).
 *
 * Usage: node packages/bench/dist/decode-split.js [--schemas tool-call,number-list] [--reps 10] [--fine]
 */
import { Sampler, TokenTrie } from "@formwork/core";
import { GrammarMatcher } from "@formwork/grammar";
import { generate, loadModel } from "@formwork/llama";
import { NativeLogits, SequenceDecoder } from "@formwork/llama/internal";
import { buildFixtureModel } from "@formwork/testkit";
import { DECODE_SCHEMAS } from "./decode-schemas.js";
import { flagValue } from "./results.js";
import { NLC_SAMPLING } from "./sampling.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Fn = (...a: any[]) => any;
const PROMPT = "Output JSON:";
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const T = new Map<string, number>();
const add = (k: string, v: number) => T.set(k, (T.get(k) ?? 0) + v);

function wrapSync(obj: any, name: string, key = name): void {
  const orig = obj[name] as Fn;
  Object.defineProperty(obj, name, {
    configurable: true,
    writable: true,
    value: function (this: unknown, ...a: unknown[]) {
      const c0 = cpu();
      try {
        return orig.apply(this, a);
      } finally {
        add(key, cpu() - c0);
      }
    },
  });
}

function wrapAsync(obj: any, name: string, key = name): void {
  const orig = obj[name] as Fn;
  Object.defineProperty(obj, name, {
    configurable: true,
    writable: true,
    value: function (this: unknown, ...a: unknown[]) {
      const c0 = cpu();
      const p = orig.apply(this, a) as Promise<unknown>;
      return p.then((r) => {
        add(key, cpu() - c0);
        return r;
      });
    },
  });
}

async function main(): Promise<void> {
  const names = (flagValue("--schemas") ?? "person,key-heavy,tool-call,number-list").split(",");
  const reps = Number(flagValue("--reps") ?? 10);
  const fine = process.argv.includes("--fine");
  const f = await buildFixtureModel({ tokenizer: "qwen3", size: "tiny" });
  const loaded = await loadModel({ model: f.path, threads: 1, gpu: false, contextSize: 2048 });
  const model = loaded.model as any;
  const ctx = await model.createContext({ contextSize: 2048, threads: 1 });
  const seq = ctx.getSequence();
  for (const c of [ctx._ctx, (loaded.context as any)._ctx]) {
    wrapAsync(c, "decodeBatch", "native decodeBatch");
    wrapAsync(c, "sampleToken", "native sampleToken");
    wrapSync(c, "addToBatch", "native addToBatch+initBatch");
    wrapSync(c, "initBatch", "native addToBatch+initBatch");
  }
  // The sampler class node-llama-cpp and NativeLogits construct: a subclass whose applyConfig is timed.
  const bindings = model._llama._bindings;
  const Base = bindings.AddonSampler as new (...a: any[]) => { applyConfig(c: unknown): void };
  class Timed extends Base {
    override applyConfig(c: unknown): void {
      const c0 = cpu();
      super.applyConfig(c);
      add("native applyConfig", cpu() - c0);
    }
  }
  Object.defineProperty(bindings, "AddonSampler", { configurable: true, writable: true, value: Timed });
  for (const m of ["prepare", "fillMask", "take", "takeLone"]) wrapSync(SequenceDecoder.prototype, m, `formwork ${m}`);
  wrapSync(NativeLogits.prototype, "setMask", "formwork setMask (bias encoding)");
  wrapAsync(NativeLogits.prototype, "evaluate", "formwork NativeLogits.evaluate (all native + batching + reading)");
  if (fine) {
    for (const m of ["acceptToken", "rollback", "minTokensToFinish", "minBytesToFinish", "shortestCompletion", "fillNextTokenMask"]) wrapSync(GrammarMatcher.prototype, m, `  matcher ${m}`);
    for (const m of ["sampleCandidatesWhere", "sampleCandidates"]) wrapSync(Sampler.prototype, m, `  sampler ${m}`);
    wrapSync(TokenTrie.prototype, "greedyTokenize", "  trie greedyTokenize");
  }
  const plain = async (seed: number): Promise<number> => {
    await seq.clearHistory();
    const it = seq.evaluate(model.tokenize(PROMPT, false), { temperature: 0.8, seed, ...NLC_SAMPLING });
    let n = 0;
    for await (const tok of it) {
      if (model.isEogToken(tok)) break;
      if (++n >= 48) break;
    }
    await it.return();
    return n;
  };
  const show = (label: string, total: number, steps: number, extra: string) => {
    console.log(`\n${label}: ${steps} steps, CPU ${((total / steps) * 1000).toFixed(0)} µs per step${extra}`);
    for (const [k, v] of [...T.entries()].sort()) console.log(`  ${k.padEnd(66)} ${((v / steps) * 1000).toFixed(0).padStart(6)} µs`);
  };
  console.log(`decode split: tiny fixture model, 1 thread, ${reps} calls per schema after one warm-up pass, up to 48 tokens, T 0.8, top-k 40, top-p 0.95; process CPU per native step`);
  for (const name of names) {
    const schema = DECODE_SCHEMAS[name];
    if (!schema) throw new Error(`unknown schema ${name}: ${Object.keys(DECODE_SCHEMAS).join(", ")}`);
    for (let pass = 0; pass < 2; pass++) {
      T.clear();
      let c0 = cpu(), steps = 0;
      for (let s = 1; s <= reps; s++) steps += await plain(s);
      if (pass) show(`${name}: plain (node-llama-cpp's loop)`, cpu() - c0, steps, "");
      T.clear();
      c0 = cpu();
      steps = 0;
      let tokens = 0;
      for (let s = 1; s <= reps; s++) {
        const r = await generate({ model: loaded, prompt: PROMPT, schema, schemaOptions: { whitespace: "flexible" }, temperature: 0.8, seed: s, maxTokens: 48, fastForward: false, ...NLC_SAMPLING });
        steps += r.stats.steps;
        tokens += r.tokens.length;
      }
      if (pass) show(`${name}: formwork, no fast-forward`, cpu() - c0, steps, ` (${tokens} tokens; the whole call, compile and prompt included)`);
    }
  }
  await ctx.dispose();
  await loaded.dispose();
}

await main();
