/**
 * Best-of-N benchmark (`pnpm bench:select`), on the fixture models, CPU,
 * thread counts set explicitly for Formwork and node-llama-cpp alike:
 *
 * 1. Speed, for N = 1, 2, 4, 8, per model size and thread count:
 *    - `formwork`: `bestOfN` (schema constraint, masks on; `select: "all"` so
 *      every candidate runs to its end), N sequences of one context, one
 *      native batch per step, the prompt evaluated once;
 *    - `formwork-seq`: the same candidates one after another (`sequential`);
 *    - `nlc`: the peer, node-llama-cpp's own N sequences of one context, no
 *      mask (`sequence.evaluate` on each, concurrently: node-llama-cpp
 *      batches them);
 *    - `nlc-seq`: the peer as N separate generations, one after another.
 *    Wall time, output tokens per second (all candidates), CPU milliseconds per
 *    token (the whole process, every thread; steadier than wall time on a
 *    busy machine) and its ratio to the peer, time to the first
 *    valid candidate (Formwork), and where Formwork's step time went (masks,
 *    sampling, native wait). Runs are interleaved per repetition; medians.
 *    Both engines sample with top-k 40 and top-p 0.95 (node-llama-cpp's
 *    defaults); `--sampling own` gives each engine its own (`sampling.ts`).
 * 2. Prompt sharing at N = 8 with a long prompt: the prompt evaluated once
 *    and its state copied (`sharePrompt: "copy"`) against all N prompts in
 *    the first batch (`"batch"`).
 * 3. Valid share, for the three paths (constrained; free + repair; free) on
 *    MaskBench-dev schemas (every k-th file whose schema compiles and fits
 *    the budget): one run of N = 8 per schema and path; the share of schemas
 *    with a valid candidate among the first N' (N' = 1, 2, 4, 8; candidate i
 *    has seed i in every run) and the share of valid candidates.
 *
 * 4. Batch invariance (`identical`), first model size only: (a) one sequence's
 *    top-40 logits over 24 steps decoded alone (1 row per batch) and beside 1
 *    and 7 other sequences, bit for bit, flash attention on and off; (b) N = 8
 *    candidates x 3 seeds x 3 temperatures decoded in parallel and one at a
 *    time, with and without `batchInvariant`: how many have the same tokens,
 *    and the same tokens and logprobs bit for bit.
 *
 * The fixture models have random weights: free text is noise, so the free
 * paths measure what repair can do with noise, not with a real model's
 * near-misses. Quote the numbers with the machine's load.
 *
 * Usage: node packages/bench/dist/select-bench.js [--json] [--sizes tiny,mid]
 *        [--threads 1,2] [--ns 1,2,4,8] [--reps N] [--max-tokens N]
 *        [--schemas K] [--data ../shared/data/maskbench-dev] [--skip speed,prompt,valid,identical]
 *        [--sampling same|own]
 */
import { availableParallelism, loadavg } from "node:os";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { decodeCandidates, loadModel, type LoadedModel } from "@formwork/llama";
import { NativeLogits } from "@formwork/llama/internal";
import { bestOfN } from "@formwork/select";
import { resolveConstraint } from "@formwork/constraint";
import { buildFixtureModel, type FixtureSize } from "@formwork/testkit";
import { median } from "./stats.js";
import { formworkSampling, NLC_SAMPLING, samplingLine, samplingMode, type SamplingMode } from "./sampling.js";

const SCHEMA = {
  type: "object",
  properties: {
    name: { type: "string", maxLength: 12 },
    age: { type: "integer", minimum: 0, maximum: 120 },
    member: { type: "boolean" },
    tags: { type: "array", items: { enum: ["a", "b", "c"] }, maxItems: 3 },
  },
  required: ["name", "age", "member", "tags"],
  additionalProperties: false,
};
const PROMPT = "Output JSON:";

interface Opts {
  json: boolean;
  sizes: FixtureSize[];
  threads: number[];
  ns: number[];
  reps: number;
  maxTokens: number;
  schemas: number;
  data: string;
  skip: Set<string>;
  sampling: SamplingMode;
}

const USAGE = `Usage: node packages/bench/dist/select-bench.js [options]   (pnpm bench:select)

  --sizes tiny,mid      fixture model sizes (default tiny,mid)
  --threads 1,2         thread counts, set for Formwork and node-llama-cpp alike (default 1,2)
  --ns 1,2,4,8          candidate counts N (default 1,2,4,8)
  --reps N              repetitions per row, medians (default 2)
  --max-tokens N        tokens per candidate at most (default 48)
  --schemas K           MaskBench-dev schemas for the valid share (default 8)
  --data DIR            MaskBench-dev folder (default ../shared/data/maskbench-dev)
  --skip LIST           sections to skip: speed, prompt, valid, identical
  --sampling same|own   speed section: same = both engines top-k 40, top-p 0.95 (node-llama-cpp's defaults;
                        default); own = each engine's defaults (Formwork top-k 0: the best 256 read per step)
  --json                one summary line instead of the tables
  --help                this text

Sections: speed (tokens/s and CPU ms/token for N = 1, 2, 4, 8 vs node-llama-cpp's own N sequences),
prompt (prompt sharing), valid (valid share on MaskBench-dev), identical (batch invariance).
The issue's table: --sizes tiny,mid --skip prompt,valid,identical (add --threads 1 or 2).`;

function parseArgs(): Opts {
  const a = process.argv.slice(2);
  if (a.includes("--help") || a.includes("-h")) {
    console.log(USAGE);
    process.exit(0);
  }
  const known = new Set(["--json", "--sizes", "--threads", "--ns", "--reps", "--max-tokens", "--schemas", "--data", "--skip", "--sampling"]);
  for (let i = 0; i < a.length; i++) {
    if (!a[i].startsWith("--")) continue;
    if (!known.has(a[i])) {
      console.error(`select bench: unknown option ${a[i]}\n\n${USAGE}`);
      process.exit(2);
    }
  }
  const val = (name: string) => {
    const i = a.indexOf(name);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const root = resolve(import.meta.dirname, "../../..");
  return {
    json: a.includes("--json"),
    sizes: (val("--sizes") ?? "tiny,mid").split(",") as FixtureSize[],
    threads: (val("--threads") ?? "1,2").split(",").map(Number),
    ns: (val("--ns") ?? "1,2,4,8").split(",").map(Number),
    reps: Number(val("--reps") ?? 2),
    maxTokens: Number(val("--max-tokens") ?? 48),
    schemas: Number(val("--schemas") ?? 8),
    data: val("--data") ?? process.env.FORMWORK_MASKBENCH ?? join(root, "..", "shared", "data", "maskbench-dev"),
    skip: new Set((val("--skip") ?? "").split(",").filter(Boolean)),
    sampling: samplingMode(val("--sampling")),
  };
}

type Seq = {
  clearHistory(): Promise<void>;
  evaluate(tokens: number[], options: Record<string, unknown>): AsyncGenerator<number, void, unknown>;
};

interface Measure {
  wallMs: number;
  /** CPU time of the whole process (every thread: JS, llama.cpp's, the native sampler workers'). */
  cpuMs: number;
  tokens: number;
  firstValidMs?: number;
  valid?: number;
  maskMs?: number;
  nativeMs?: number;
  takeMs?: number;
}

/** node-llama-cpp's own generation on one sequence from the prompt until an end token or `maxTokens`. */
async function nlcOne(loaded: LoadedModel, seq: Seq, prompt: number[], maxTokens: number, seed: number): Promise<number> {
  await seq.clearHistory();
  let n = 0;
  const it = seq.evaluate(prompt, { temperature: 0.8, seed, ...NLC_SAMPLING });
  for await (const token of it) {
    if (loaded.model.isEogToken(token as never)) break;
    if (++n >= maxTokens) break;
  }
  await it.return();
  return n;
}

async function peer(loaded: LoadedModel, seqs: Seq[], n: number, maxTokens: number, parallel: boolean): Promise<Measure> {
  const prompt = loaded.model.tokenize(PROMPT, false) as unknown as number[];
  const c0 = cpuMs();
  const t0 = performance.now();
  let tokens = 0;
  if (parallel) tokens = (await Promise.all(Array.from({ length: n }, (_, i) => nlcOne(loaded, seqs[i], prompt, maxTokens, i)))).reduce((s, x) => s + x, 0);
  else for (let i = 0; i < n; i++) tokens += await nlcOne(loaded, seqs[0], prompt, maxTokens, i);
  return { wallMs: performance.now() - t0, cpuMs: cpuMs() - c0, tokens };
}

/** CPU milliseconds the process has used (all threads). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function formwork(loaded: LoadedModel, n: number, maxTokens: number, sequential: boolean, sampling: SamplingMode): Promise<Measure> {
  const c0 = cpuMs();
  const t0 = performance.now();
  const r = await bestOfN({ model: loaded, prompt: PROMPT, schema: SCHEMA, n, select: "all", maxTokens, temperature: 0.8, seed: 0, sequential, ...formworkSampling(sampling) });
  const wallMs = performance.now() - t0;
  return { wallMs, cpuMs: cpuMs() - c0, tokens: r.stats.tokens, firstValidMs: r.timings.firstValidMs, valid: r.values.length, maskMs: r.stats.maskMs, nativeMs: r.stats.nativeMs, takeMs: r.stats.takeMs };
}

/** MaskBench-dev schemas: every k-th file whose schema compiles and whose shortest output fits `maxTokens`. */
function maskbenchSchemas(loaded: LoadedModel, dir: string, count: number, maxTokens: number): { name: string; schema: unknown }[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  const out: { name: string; schema: unknown }[] = [];
  const step = Math.max(1, Math.floor(files.length / (count * 4)));
  for (let i = 0; i < files.length && out.length < count; i += step) {
    const { schema } = JSON.parse(readFileSync(join(dir, files[i]), "utf8")) as { schema: unknown };
    try {
      const c = resolveConstraint({ schema });
      if (!c) continue;
      const m = loaded.compiler.compile(c.grammar).createMatcher();
      if (m.minTokensToFinish() > maxTokens / 2) continue;
      out.push({ name: files[i], schema });
    } catch {
      continue;
    }
  }
  return out;
}

/** Batch invariance: logits of one sequence alone vs in batches of 2 and 8 rows; candidates in parallel vs one at a time. */
async function batchInvariance(loaded: LoadedModel, threads: number, say: (s: string) => void): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const V = loaded.vocabulary.size;
  const prompt = loaded.model.tokenize(PROMPT, false) as unknown as number[];
  const follow = Array.from({ length: 24 }, (_, i) => 100 + ((i * 7919) % 5000));
  say(`\nbatch invariance (${threads} thread${threads > 1 ? "s" : ""}): sequence 0's top-40 logits over ${follow.length} steps, alone (1 row per batch) vs beside other sequences (every row asking for logits); steps bit-identical / max |difference|`);
  for (const flashAttention of [true, false]) {
    const ctx = await loaded.model.createContext({ contextSize: 256, sequences: 8, threads, flashAttention });
    const natives = Array.from({ length: 8 }, () => new NativeLogits(ctx.getSequence(), V));
    const run = async (width: number): Promise<number[][]> => {
      for (const n of natives) await n.sequence.clearHistory();
      const outs: number[][] = [];
      let toks = natives.map((_, j) => prompt.map((t) => t + j));
      for (const next of follow) {
        const rs = await Promise.all(natives.slice(0, width).map((n, j) => n.evaluate(toks[j], 40)));
        outs.push(Array.from(rs[0].logits.subarray(0, rs[0].count)));
        toks = natives.map((_, j) => [next + 3 * j]);
      }
      return outs;
    };
    const res = new Map<number, number[][]>();
    for (const w of [1, 2, 8]) res.set(w, await run(w));
    const cmp = (a: number[][], b: number[][]) => {
      let same = 0, max = 0;
      a.forEach((x, i) => {
        if (x.length === b[i].length && x.every((v, k) => v === b[i][k])) same++;
        for (let k = 0; k < Math.min(x.length, b[i].length); k++) max = Math.max(max, Math.abs(x[k] - b[i][k]));
      });
      return { same, max };
    };
    const a = cmp(res.get(1)!, res.get(2)!), b = cmp(res.get(2)!, res.get(8)!);
    rows.push({ kind: "logits", flashAttention, alone_vs_2: a, rows2_vs_8: b, steps: follow.length });
    say(`  flash attention ${flashAttention ? "on " : "off"}: 1 row vs 2 rows ${a.same}/${follow.length} (${a.max.toExponential(1)}); 2 rows vs 8 rows ${b.same}/${follow.length} (${b.max.toExponential(1)})`);
    for (const n of natives) n.dispose();
    await ctx.dispose();
  }
  const N = 8, seeds = [0, 100, 200], temps = [0.7, 1, 1.5];
  say(`  candidates, N = ${N} x seeds ${seeds.join("/")} x temperatures ${temps.join("/")}, up to 48 tokens, parallel vs one at a time:`);
  for (const batchInvariant of [false, true]) {
    let sameTokens = 0, same = 0, total = 0, parallelMs = 0, sequentialMs = 0, tokens = 0;
    for (const seed of seeds) {
      for (const temperature of temps) {
        const samplings = Array.from({ length: N }, (_, i) => ({ seed: seed + i, temperature }));
        let t0 = performance.now();
        const par = await decodeCandidates({ model: loaded, prompt: PROMPT, schema: SCHEMA, samplings, maxTokens: 48, batchInvariant });
        parallelMs += performance.now() - t0;
        t0 = performance.now();
        const seq = await decodeCandidates({ model: loaded, prompt: PROMPT, schema: SCHEMA, samplings, maxTokens: 48, batchInvariant, sequential: true });
        sequentialMs += performance.now() - t0;
        for (let i = 0; i < N; i++) {
          const x = par.outputs[i], y = seq.outputs[i];
          total++;
          tokens += x.tokens.length;
          if (x.tokens.length !== y.tokens.length || x.tokens.some((t, j) => t !== y.tokens[j])) continue;
          sameTokens++;
          if (x.logprobs.every((l, j) => l === y.logprobs[j])) same++;
        }
      }
    }
    rows.push({ kind: "candidates", batchInvariant, candidates: total, sameTokens, bitIdentical: same, parallelMs, sequentialMs, tokens });
    say(`  batchInvariant ${String(batchInvariant).padEnd(5)}: same tokens ${sameTokens}/${total}, bit-identical (tokens and logprobs) ${same}/${total}; parallel ${parallelMs.toFixed(0)} ms, one at a time ${sequentialMs.toFixed(0)} ms (${tokens} tokens)`);
  }
  return rows;
}

async function main(): Promise<void> {
  const opt = parseArgs();
  const say = (s: string) => {
    if (!opt.json) console.log(s);
  };
  const load = loadavg()[0];
  say(`select bench: node ${process.version}, ${availableParallelism()} cores, load ${load.toFixed(1)}, CPU; prompt ${JSON.stringify(PROMPT)}; max ${opt.maxTokens} tokens per candidate; temperature 0.8; medians of ${opt.reps}`);
  if (!opt.skip.has("speed")) say(samplingLine(opt.sampling));
  const speed: Record<string, unknown>[] = [];
  const prompts: Record<string, unknown>[] = [];
  const validity: Record<string, unknown>[] = [];
  const identity: Record<string, unknown>[] = [];

  for (const size of opt.sizes) {
    const fixture = await buildFixtureModel({ tokenizer: "qwen3", size });
    for (const threads of opt.threads) {
      const loaded = await loadModel({ model: fixture.path, threads, gpu: false, contextSize: 1024 });
      try {
        if (!opt.skip.has("speed")) {
          const maxN = Math.max(...opt.ns);
          const ctx = await loaded.model.createContext({ contextSize: 256, sequences: maxN, threads });
          const seqs = Array.from({ length: maxN }, () => ctx.getSequence() as unknown as Seq);
          // Warm-up: the decoder's context, the grammar, both paths.
          await formwork(loaded, maxN, 32, false, opt.sampling);
          await peer(loaded, seqs, 1, 8, true);
          say(`\n${size} model, ${threads} thread${threads > 1 ? "s" : ""}`);
          say(`${"N".padStart(3)} | ${"engine".padEnd(13)} | ${"wall ms".padStart(8)} | ${"tokens".padStart(6)} | ${"tok/s".padStart(7)} | ${"vs nlc".padStart(6)} | ${"CPU ms/tok".padStart(10)} | ${"CPU vs nlc".padStart(10)} | ${"1st valid ms".padStart(12)} | masks / sample / native ms`);
          for (const n of opt.ns) {
            const runs: Record<string, Measure[]> = { formwork: [], "formwork-seq": [], nlc: [], "nlc-seq": [] };
            for (let rep = 0; rep < opt.reps; rep++) {
              runs.formwork.push(await formwork(loaded, n, opt.maxTokens, false, opt.sampling));
              runs.nlc.push(await peer(loaded, seqs, n, opt.maxTokens, true));
              runs["formwork-seq"].push(await formwork(loaded, n, opt.maxTokens, true, opt.sampling));
              runs["nlc-seq"].push(await peer(loaded, seqs, n, opt.maxTokens, false));
            }
            const tps = (ms: Measure[]) => median(ms.map((m) => (m.tokens * 1000) / m.wallMs));
            const peerTps = tps(runs.nlc);
            const cpt = (ms: Measure[]) => median(ms.map((m) => m.cpuMs / m.tokens));
            const peerCpt = cpt(runs.nlc);
            for (const [engine, ms] of Object.entries(runs)) {
              const row = {
                size,
                threads,
                n,
                engine,
                wallMs: median(ms.map((m) => m.wallMs)),
                tokens: median(ms.map((m) => m.tokens)),
                tokensPerSecond: tps(ms),
                vsPeer: tps(ms) / peerTps,
                cpuMsPerToken: cpt(ms),
                // Tokens per CPU second relative to the peer's (> 1: cheaper per token); steadier than wall time on a busy machine.
                cpuVsPeer: peerCpt / cpt(ms),
                firstValidMs: engine.startsWith("formwork") ? median(ms.map((m) => m.firstValidMs ?? NaN)) : undefined,
                valid: engine.startsWith("formwork") ? median(ms.map((m) => m.valid ?? 0)) : undefined,
                maskMs: ms[0].maskMs,
                takeMs: ms[0].takeMs,
                nativeMs: ms[0].nativeMs,
              };
              speed.push(row);
              const split = row.maskMs !== undefined ? `${median(ms.map((m) => m.maskMs!)).toFixed(0)} / ${median(ms.map((m) => m.takeMs!)).toFixed(0)} / ${median(ms.map((m) => m.nativeMs!)).toFixed(0)}` : "";
              say(
                `${String(n).padStart(3)} | ${engine.padEnd(13)} | ${row.wallMs.toFixed(0).padStart(8)} | ${String(row.tokens).padStart(6)} | ${row.tokensPerSecond.toFixed(1).padStart(7)} | ${row.vsPeer.toFixed(2).padStart(6)} | ${row.cpuMsPerToken.toFixed(2).padStart(10)} | ${row.cpuVsPeer.toFixed(2).padStart(10)} | ${(row.firstValidMs !== undefined ? row.firstValidMs.toFixed(0) : "").padStart(12)} | ${split}`,
              );
            }
          }
          await ctx.dispose();
        }

        if (!opt.skip.has("prompt") && threads === opt.threads[0]) {
          // A long prompt (about 200 tokens), N = 8, a few tokens each: what sharing the prompt saves.
          const prompt = `${"Here is a long description of the record to write. ".repeat(20)}Output JSON:`;
          const row: Record<string, unknown> = { size, threads, n: 8 };
          for (const share of ["copy", "batch"] as const) {
            const walls: number[] = [];
            let evaluated = 0;
            for (let rep = 0; rep <= opt.reps; rep++) {
              const t0 = performance.now();
              const r = await bestOfN({ model: loaded, prompt, schema: SCHEMA, n: 8, select: "all", maxTokens: 24, sharePrompt: share });
              if (rep > 0) walls.push(performance.now() - t0);
              evaluated = r.stats.promptTokensEvaluated;
              row.promptTokens = r.stats.promptTokens;
            }
            row[`${share}WallMs`] = median(walls);
            row[`${share}PromptTokensEvaluated`] = evaluated;
          }
          prompts.push(row);
          say(`\nprompt sharing (${size}, ${threads} thread${threads > 1 ? "s" : ""}, N = 8, ${String(row.promptTokens)}-token prompt, 24 tokens at most each): copy ${(row.copyWallMs as number).toFixed(0)} ms (${String(row.copyPromptTokensEvaluated)} prompt tokens evaluated), batch ${(row.batchWallMs as number).toFixed(0)} ms (${String(row.batchPromptTokensEvaluated)})`);
        }

        if (!opt.skip.has("valid") && threads === opt.threads[0] && size === opt.sizes[0]) {
          if (!existsSync(opt.data)) say(`\nvalid share: skipped (no MaskBench-dev at ${opt.data})`);
          else {
            const schemas = maskbenchSchemas(loaded, opt.data, opt.schemas, 96);
            const maxN = Math.max(...opt.ns);
            say(`\nvalid share (${size}, ${threads} thread${threads > 1 ? "s" : ""}): ${schemas.length} MaskBench-dev schemas, one N = ${maxN} run per schema and path, max 96 tokens; schemas with a valid candidate among the first N / valid candidates`);
            const paths = [
              ["constrained", { constrain: true }],
              ["free+repair", { constrain: false, repair: true }],
              ["free", { constrain: false, repair: false }],
            ] as const;
            for (const [path, o] of paths) {
              const firstValidAt: number[] = [];
              let validCandidates = 0;
              let candidates = 0;
              for (const s of schemas) {
                const r = await bestOfN({ model: loaded, prompt: PROMPT, schema: s.schema, n: maxN, select: "all", maxTokens: 96, seed: 0, ...o });
                const at = r.candidates.findIndex((c) => c.valid);
                firstValidAt.push(at < 0 ? Infinity : at);
                validCandidates += r.values.length;
                candidates += r.candidates.length;
              }
              const share = Object.fromEntries(opt.ns.map((n) => [n, firstValidAt.filter((a) => a < n).length / Math.max(1, schemas.length)]));
              validity.push({ size, path, schemas: schemas.length, shareByN: share, validCandidates, candidates });
              say(`  ${path.padEnd(12)} ${opt.ns.map((n) => `N=${n}: ${(100 * share[n]).toFixed(0)}%`).join("  ")}   candidates valid: ${validCandidates}/${candidates}`);
            }
          }
        }
        if (!opt.skip.has("identical") && threads === opt.threads[0] && size === opt.sizes[0]) identity.push(...(await batchInvariance(loaded, threads, say)));
      } finally {
        await loaded.dispose();
      }
    }
  }
  if (opt.json) console.log(JSON.stringify({ bench: "select", node: process.version, cores: availableParallelism(), load, maxTokens: opt.maxTokens, reps: opt.reps, sampling: opt.sampling, speed, prompts, validity, identity }));
}

await main();
