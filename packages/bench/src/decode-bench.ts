/**
 * Decode benchmark: end-to-end generation speed on the fixture models, in
 * one process, same prompt, seed and temperature for every engine:
 *
 * - `plain`: node-llama-cpp's own loop (`sequence.evaluate`), no constraint;
 * - `nlc-grammar`: the same loop with node-llama-cpp's JSON-schema grammar
 *   (`llama.createGrammarForJsonSchema`) on the same schema;
 * - `formwork`: `generate({ schema })` (fast-forward on), and `formwork-noff`
 *   (fast-forward off: every token sampled), and `formwork-noff` with
 *   `candidates: Infinity` (exact sampling over the whole allowed set)
 *   against the default K (256; 64 with top-k 1-64).
 *
 * Sampling: every engine with top-k 40 and top-p 0.95 (node-llama-cpp's
 * defaults) unless `--sampling own` (each engine's defaults; `sampling.ts`).
 *
 * Per-token times are decode times (first token to last, divided by the
 * tokens after the first), medians over the seeds; engines interleaved per
 * seed. CPU ms/token (process CPU time over all threads per output token,
 * prompt included) is also given: it is less disturbed by other processes
 * on a shared machine than wall time. "loop CPU ms/step" is the CPU time
 * from the first token to the end over the native steps after the first
 * (each samples one token, an end token included), plain against Formwork
 * without fast-forward: the decode loop's per-token cost without the
 * per-call prompt, compile and set-up that "CPU ms/token" spreads over the
 * output (most of it for short outputs such as number-list's ~8 tokens).
 * "main-thread CPU ms/step" is the same window's CPU time of the main
 * thread alone (the process's CPU time less every other thread's, from
 * Linux's /proc/self/task/<tid>/schedstat; "–" elsewhere): the loop's
 * JavaScript and the native calls it makes synchronously, without the
 * model's evaluation and sampling, which run on node-llama-cpp's worker
 * threads. So its overhead (no-ff − plain) does not carry the model's 2.5-6
 * ms per step of run-to-run noise on this kind of VM, only the main thread's
 * own. The two overhead columns "per seed" are the median and range (min to
 * max) over the seeds of each seed's difference, no-ff − plain, wall ms per
 * token and main-thread CPU ms per step: plain and no-ff run back to back
 * for each seed (which goes first alternates), so each difference compares
 * runs at the same VM speed, and the range shows how far one seed's
 * difference can be trusted.
 * "gap µs/step" is the loop's critical path outside the model: the median,
 * per run, of the wall time from the end of one native `decodeBatch` (the
 * model's forward pass) to the start of the next (sampling, the mask, the
 * loop's JavaScript; both sides' native sampling included), from the first
 * token to the end; its overhead per seed as above. The forward pass (2.5-6
 * ms on this VM) is left out, so this is the wall figure that resolves tens
 * of µs.
 * "wall/output" is prompt + decode for Formwork's output against
 * plain decoding of the same number of tokens (prompt + tokens × plain
 * ms/token): below 1 means fast-forward more than pays for the constraint.
 *
 * Usage: node packages/bench/dist/decode-bench.js [--json] [--sizes tiny,mid]
 *        [--seeds N] [--temperatures 0.8,0] [--threads N] [--max-tokens N]
 *        [--schemas a,b] [--whitespace flexible|compact] [--verbose] [--out FILE]
 *        [--sampling same|own] [--warmup N]
 *
 * `--calls` instead prints one line per `generate` call without fast-forward
 * (K = 256 and `candidates: Infinity`, each seed and temperature of each
 * schema): wall and CPU ms, tokens, the loop's sampling / grammar / native ms
 * and budget rejections.
 *
 * `--out FILE` also writes the results as JSON (docs/benchmarks/decode.json;
 * `pnpm bench:charts` draws them).
 *
 * `--warmup N` (default 0) adds N warm-up rounds of plain, Formwork, no
 * fast-forward and exact (seeds 1001..1000+N) before each schema's measured
 * seeds. After the default warm-up (one call each of plain, nlc-grammar and
 * Formwork with fast-forward) V8 is still optimizing the loop's functions
 * during the measured calls, on background threads whose CPU time the
 * figures count: `node --trace-opt` on 150 no-fast-forward number-list calls
 * (tiny model, under load) shows most optimizations in the first 10 calls,
 * then 1-3 per call, and in a `perf` profile of 60 calls after one warm-up
 * call the V8 worker threads (TurboFan) take ~0.5 ms per step more than
 * with plain decoding; per token this weighs most on short outputs
 * (number-list, ~8 tokens).
 *
 * Threads default to 1: on a small shared machine more threads than free
 * cores make llama.cpp many times slower, and the per-token overhead is
 * clearest with one.
 */
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import { createValidator } from "@formwork/json-schema";
import { TokenMask } from "@formwork/core";
import { generate, loadModel, type LoadedModel } from "@formwork/llama";
import { NativeLogits } from "@formwork/llama/internal";
import { buildFixtureModel, type FixtureSize } from "@formwork/testkit";
import { outArg, writeResult } from "./results.js";
import { median } from "./stats.js";
import { DECODE_SCHEMAS } from "./decode-schemas.js";
import { formworkSampling, NLC_SAMPLING, samplingLine, samplingMode, type SamplingMode } from "./sampling.js";

const SCHEMAS = DECODE_SCHEMAS;

const PROMPT = "Output JSON:";

interface Run {
  tokens: number;
  promptMs: number;
  decodeMs: number;
  /** Process CPU time (all threads) for the whole run, prompt included. */
  cpuMs: number;
  /** Process CPU time from the first token to the end (the decode loop without the prompt, compile and set-up). */
  loopCpuMs: number;
  /** Native steps after the first token's (each samples one token, the end token included). */
  loopSteps: number;
  /** The main thread's CPU time in the loop's window (NaN where the other threads' cannot be read). */
  loopMainCpuMs: number;
  /** Median µs from the end of one native decodeBatch to the start of the next, in the loop's window. */
  gapUs: number;
  valid: boolean;
  forced?: number;
}

interface Opts {
  json: boolean;
  verbose: boolean;
  whitespace: "compact" | "flexible";
  sizes: FixtureSize[];
  seeds: number;
  temperatures: number[];
  threads: number;
  maxTokens: number;
  schemas: string[];
  calls: boolean;
  sampling: SamplingMode;
  warmup: number;
}

function parseArgs(): Opts {
  const a = process.argv.slice(2);
  const val = (name: string) => {
    const i = a.indexOf(name);
    return i >= 0 ? a[i + 1] : undefined;
  };
  return {
    json: a.includes("--json"),
    verbose: a.includes("--verbose"),
    whitespace: val("--whitespace") === "compact" ? "compact" : "flexible",
    sizes: (val("--sizes") ?? "tiny,mid").split(",") as FixtureSize[],
    seeds: Number(val("--seeds") ?? 3),
    temperatures: (val("--temperatures") ?? "0.8").split(",").map(Number),
    threads: Number(val("--threads") ?? 1),
    maxTokens: Number(val("--max-tokens") ?? 96),
    schemas: (val("--schemas") ?? Object.keys(SCHEMAS).join(",")).split(","),
    calls: a.includes("--calls"),
    sampling: samplingMode(val("--sampling")),
    warmup: Number(val("--warmup") ?? 0),
  };
}

const cpuSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
/**
 * CPU ms of the process and of its threads but the main one (Linux schedstat, ns precision for a thread that is
 * not running; `other` NaN elsewhere). Read at points where the loop has no native call in flight, so the model's
 * threads are idle and their counts exact.
 */
function cpuSplit(): { process: number; other: number } {
  const c = process.cpuUsage();
  let other = 0;
  try {
    for (const t of readdirSync("/proc/self/task")) {
      if (Number(t) === process.pid) continue;
      try {
        other += Number(readFileSync(`/proc/self/task/${t}/schedstat`, "utf8").split(" ")[0]) / 1e6;
      } catch {
        // a thread that ended meanwhile
      }
    }
  } catch {
    other = NaN;
  }
  return { process: (c.user + c.system) / 1000, other };
}
/** Main-thread CPU ms between two `cpuSplit`s. */
const mainCpuBetween = (a: { process: number; other: number }, b: { process: number; other: number }) => b.process - a.process - (b.other - a.other);
/**
 * Records the gaps between native forward passes on the contexts given to `watch` (their internal `decodeBatch`,
 * wrapped): from one call's completion to the next call, while `start` .. `stop` (µs, median).
 */
const gaps = {
  list: null as number[] | null,
  done: 0,
  watch(context: unknown): void {
    const ctx = (context as { _ctx?: Record<string, unknown> })._ctx;
    const decode = ctx?.decodeBatch as ((...a: unknown[]) => Promise<unknown>) | undefined;
    if (!ctx || typeof decode !== "function") return;
    Object.defineProperty(ctx, "decodeBatch", {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...a: unknown[]) {
        const t = performance.now();
        if (gaps.list !== null && gaps.done > 0) gaps.list.push((t - gaps.done) * 1000);
        const p = decode.apply(this, a);
        void p.then(
          () => (gaps.done = performance.now()),
          () => undefined,
        );
        return p;
      },
    });
  },
  start(): void {
    gaps.list = [];
    gaps.done = 0;
  },
  stop(): number {
    const m = gaps.list === null ? NaN : median(gaps.list);
    gaps.list = null;
    return m;
  },
};
const cpuPerToken = (r: Run) => (r.tokens > 0 ? r.cpuMs / r.tokens : NaN);
const mainCpuPerStep = (r: Run) => (r.loopSteps > 0 ? r.loopMainCpuMs / r.loopSteps : NaN);
/** Median and range of `xs` (finite values), formatted "m [lo, hi]". */
function spread(xs: readonly number[]): { median: number; min: number; max: number } {
  const v = xs.filter(Number.isFinite);
  return { median: median(v), min: v.length ? Math.min(...v) : NaN, max: v.length ? Math.max(...v) : NaN };
}
const loopCpuPerStep = (r: Run) => (r.loopSteps > 0 ? r.loopCpuMs / r.loopSteps : NaN);
const perToken = (r: Run) => (r.tokens > 1 ? r.decodeMs / (r.tokens - 1) : NaN);

// node-llama-cpp, resolved from @formwork/llama's own dependency so the grammar classes are the
// ones its Llama instance made (the bench package does not list node-llama-cpp itself).
interface NlcModule {
  LlamaGrammarEvaluationState: new (o: { model: unknown; grammar: unknown }) => unknown;
}
async function nodeLlamaCpp(): Promise<NlcModule> {
  const req = createRequire(createRequire(import.meta.url).resolve("@formwork/llama"));
  return (await import(req.resolve("node-llama-cpp"))) as NlcModule;
}

type Seq = {
  clearHistory(): Promise<void>;
  evaluate(tokens: number[], options: Record<string, unknown>): AsyncGenerator<number, void, unknown>;
};

/**
 * The mask path alone: per-step cost of `NativeLogits.next` (bias from a
 * 151k mask + top-K logits back) for masks allowing 1, 100, half and all
 * tokens, against the same step with no mask, CPU time and wall time per
 * step (medians over blocks of steps). Each step evaluates one token.
 */
async function maskPath(loaded: LoadedModel, threads: number, steps: number, k: number): Promise<Record<string, unknown>[]> {
  const ctx = await loaded.model.createContext({ contextSize: steps * 12 + 64, threads });
  const native = new NativeLogits(ctx.getSequence() as never, loaded.vocabulary.size);
  const V = loaded.vocabulary.size;
  const cases: [string, TokenMask | null][] = [["no mask", null]];
  for (const [name, n] of [["1", 1], ["100", 100], ["half", V >> 1], ["all but 10", V - 10]] as const) {
    const m = new TokenMask(V);
    for (let i = 0; i < n; i++) m.add((i * 7919 + 13) % V);
    cases.push([name, m]);
  }
  const out: Record<string, unknown>[] = [];
  await native.next([1], null, k);
  for (let rep = 0; rep < 2; rep++) {
    for (const [name, mask] of cases) {
      const allowed = mask ? mask.count() : V;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) await native.next([100 + i], mask, k, allowed);
      const wall = (performance.now() - t0) / steps;
      const cu = process.cpuUsage(c0);
      if (rep === 1) out.push({ mask: name, allowed, msPerStepWall: wall, msPerStepCpu: (cu.user + cu.system) / 1000 / steps });
    }
  }
  native.dispose();
  await ctx.dispose();
  if (native.violations !== 0) throw new Error(`mask violations: ${native.violations}`);
  return out;
}

/** node-llama-cpp's own loop from the prompt until an end token or `maxTokens`. */
async function nlcRun(loaded: LoadedModel, seq: Seq, maxTokens: number, temperature: number, seed: number, grammarState?: () => unknown): Promise<{ run: Run; text: string }> {
  await seq.clearHistory();
  const prompt = loaded.model.tokenize(PROMPT, false) as unknown as number[];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let tFirst = 0;
  let cFirst = 0;
  let sFirst = { process: 0, other: 0 };
  let steps = 0;
  const out: number[] = [];
  const it = seq.evaluate(prompt, { temperature, seed, ...NLC_SAMPLING, ...(grammarState ? { grammarEvaluationState: grammarState() } : {}) });
  for await (const token of it) {
    steps++;
    if (tFirst === 0) {
      gaps.start();
      sFirst = cpuSplit();
      tFirst = performance.now();
      cFirst = cpuSince(c0);
    }
    if (loaded.model.isEogToken(token as never)) break;
    out.push(token);
    if (out.length >= maxTokens) break;
  }
  await it.return();
  const tEnd = performance.now();
  const gapUs = gaps.stop();
  const cpuMs = cpuSince(c0);
  const loopMainCpuMs = mainCpuBetween(sFirst, cpuSplit());
  const text = loaded.model.detokenize(out as never);
  return { run: { tokens: out.length, promptMs: tFirst - t0, decodeMs: tEnd - tFirst, cpuMs, loopCpuMs: cpuMs - cFirst, loopSteps: steps - 1, loopMainCpuMs, gapUs, valid: true }, text };
}

/** `--calls`: one line per generate call (no fast-forward, K = 256 and every allowed token). */
async function calls(loaded: LoadedModel, opt: Opts): Promise<void> {
  for (const name of opt.schemas) {
    for (const temperature of opt.temperatures) {
      for (let seed = 1; seed <= opt.seeds; seed++) {
        for (const candidates of [256, Infinity]) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const r = await generate({ model: loaded, prompt: PROMPT, schema: SCHEMAS[name], schemaOptions: { whitespace: opt.whitespace }, temperature, seed, maxTokens: opt.maxTokens, fastForward: false, candidates });
          const line = { schema: name, temperature, seed, candidates: String(candidates), wallMs: performance.now() - t0, cpuMs: cpuSince(c0), tokens: r.tokens.length, sampleMs: r.stats.sampleMs, grammarMs: r.stats.grammarMs, nativeMs: r.stats.nativeMs, budgetRejections: r.stats.budgetRejections };
          console.log(opt.json ? JSON.stringify(line) : Object.entries(line).map(([k, v]) => `${k} ${k.endsWith("Ms") ? Number(v).toFixed(0) : String(v)}`).join(", "));
        }
      }
    }
  }
}

async function main(): Promise<void> {
  const opt = parseArgs();
  const nlc = await nodeLlamaCpp();
  const rows: Record<string, unknown>[] = [];
  const maskRows: Record<string, unknown>[] = [];
  const say = (s: string) => {
    if (!opt.json) console.log(s);
  };
  say(`decode bench: node ${process.version}, ${availableParallelism()} cores, ${opt.threads} threads, CPU; prompt ${JSON.stringify(PROMPT)}; ${opt.seeds} seeds; Formwork whitespace ${opt.whitespace}; max ${opt.maxTokens} tokens (nlc-grammar ${opt.maxTokens * 2}); medians`);
  say(samplingLine(opt.sampling));
  for (const size of opt.sizes) {
    const t0 = performance.now();
    const fixture = await buildFixtureModel({ tokenizer: "qwen3", size });
    const loaded = await loadModel({ model: fixture.path, threads: opt.threads, gpu: false, contextSize: 2048 });
    say(`\n## ${size} model (${(fixture.bytes / 1e6).toFixed(0)} MB, ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    if (opt.calls) {
      await calls(loaded, opt);
      await loaded.dispose();
      continue;
    }
    // K = 256 (the default) and K = every allowed token (`candidates: Infinity`, exact sampling), same run.
    const mp: Record<string, unknown>[] = [...(await maskPath(loaded, opt.threads, 60, 256)).map((r) => ({ k: "256", ...r })), ...(await maskPath(loaded, opt.threads, 60, Infinity)).map((r) => ({ k: "all", ...r }))];
    say("Mask path (NativeLogits.next, one token evaluated per step; K = 256 candidates back, or every allowed token):\n");
    say("| mask allows | K | ms/step wall | ms/step CPU |");
    say("|---|---|---|---|");
    for (const r of mp) say(`| ${String(r.mask)} | ${String(r.k)} | ${Number(r.msPerStepWall).toFixed(2)} | ${Number(r.msPerStepCpu).toFixed(2)} |`);
    maskRows.push(...mp.map((r) => ({ size, ...r })));
    say("");
    const ctx = await loaded.model.createContext({ contextSize: 2048, threads: opt.threads });
    gaps.watch(ctx);
    gaps.watch(loaded.context);
    say("| schema | T | plain ms/tok | nlc-grammar ms/tok | formwork ms/tok | formwork no-ff ms/tok | overhead ms/tok (no-ff − plain) | overhead per seed ms/tok, median [min, max] | formwork/plain | formwork/nlc | tokens (forced) | wall/output formwork vs plain | valid formwork / nlc | CPU ms/tok plain / nlc / formwork / no-ff | CPU overhead ms/tok (no-ff − plain) | loop CPU ms/step plain / no-ff | loop CPU overhead ms/step (no-ff − plain) | main-thread CPU ms/step plain / no-ff | main-thread overhead per seed ms/step, median [min, max] | gap µs/step plain / no-ff | gap overhead per seed µs/step, median [min, max] | no-ff exact ms/tok | exact / default K no-ff (wall, CPU) |");
    say("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    const seq = ctx.getSequence() as unknown as Seq;
    for (const name of opt.schemas) {
      const schema = SCHEMAS[name];
      const validate = createValidator(schema);
      const schemaOptions = { whitespace: opt.whitespace };
      const grammar = await loaded.llama.createGrammarForJsonSchema(schema as never);
      for (const temperature of opt.temperatures) {
        const plain: Run[] = [], nlcg: Run[] = [], fw: Run[] = [], noff: Run[] = [], noffExact: Run[] = [];
        // Warm-up (not recorded): JIT, the engine's lazy per-state caches, node-llama-cpp's grammar.
        await nlcRun(loaded, seq, 16, temperature, 0);
        await nlcRun(loaded, seq, 16, temperature, 0, () => new nlc.LlamaGrammarEvaluationState({ model: loaded.model, grammar }));
        await generate({ model: loaded, prompt: PROMPT, schema, schemaOptions, temperature, seed: 0, maxTokens: opt.maxTokens, ...formworkSampling(opt.sampling) });
        // --warmup N: N more rounds of every measured engine (other seeds), so that JIT compilation and first visits settle before the measured seeds.
        for (let w = 1; w <= opt.warmup; w++) {
          await nlcRun(loaded, seq, opt.maxTokens, temperature, 1000 + w);
          for (const [ff, candidates] of [[true, undefined], [false, undefined], [false, Infinity]] as const) {
            await generate({ model: loaded, prompt: PROMPT, schema, schemaOptions, temperature, seed: 1000 + w, maxTokens: opt.maxTokens, fastForward: ff, candidates, ...formworkSampling(opt.sampling) });
          }
        }
        for (let seed = 1; seed <= opt.seeds; seed++) {
          // Progress on stderr: one line per seed (a row takes a minute or more), each engine's run with --verbose.
          process.stderr.write(`decode-bench: ${size} ${name} T=${temperature} seed ${seed}/${opt.seeds}\n`);
          const progress = (what: string, r: Run) => {
            if (opt.verbose) process.stderr.write(`  ${size} ${name} T=${temperature} seed=${seed} ${what}: ${r.tokens} tokens, ${r.decodeMs.toFixed(0)} ms\n`);
          };
          const g = await nlcRun(loaded, seq, opt.maxTokens * 2, temperature, seed, () => new nlc.LlamaGrammarEvaluationState({ model: loaded.model, grammar }));
          let ok = false;
          try {
            ok = validate(JSON.parse(g.text)).valid;
          } catch {
            ok = false;
          }
          nlcg.push({ ...g.run, valid: ok });
          progress("nlc-grammar", nlcg[nlcg.length - 1]);
          const runPlain = async () => {
            plain.push((await nlcRun(loaded, seq, opt.maxTokens, temperature, seed)).run);
            progress("plain", plain[plain.length - 1]);
          };
          const runFormwork = async (ff: boolean, list: Run[], candidates: number | undefined) => {
            const c0 = process.cpuUsage();
            let cFirst = -1;
            let sFirst = { process: 0, other: 0 };
            const onText = () => {
              if (cFirst < 0) {
                gaps.start();
                sFirst = cpuSplit();
                cFirst = cpuSince(c0);
              }
            };
            const r = await generate({ model: loaded, prompt: PROMPT, schema, schemaOptions, temperature, seed, maxTokens: opt.maxTokens, fastForward: ff, candidates, onText, ...formworkSampling(opt.sampling) });
            const gapUs = gaps.stop();
            const cpuMs = cpuSince(c0);
            const loopMainCpuMs = mainCpuBetween(sFirst, cpuSplit());
            list.push({ tokens: r.tokens.length, promptMs: r.timings.promptMs, decodeMs: r.timings.decodeMs, cpuMs, loopCpuMs: cpuMs - cFirst, loopSteps: r.stats.steps - 1, loopMainCpuMs, gapUs, valid: r.value !== undefined && validate(r.value).valid, forced: r.stats.forcedTokens });
            progress(candidates ? "formwork-noff-exact" : ff ? "formwork" : "formwork-noff", list[list.length - 1]);
          };
          await runFormwork(true, fw, undefined);
          // Plain and no fast-forward back to back (the overhead's pair), which one first alternating by seed.
          if (seed % 2 === 1) {
            await runPlain();
            await runFormwork(false, noff, undefined);
          } else {
            await runFormwork(false, noff, undefined);
            await runPlain();
          }
          await runFormwork(false, noffExact, Infinity);
        }
        const p = median(plain.map(perToken)), n = median(nlcg.map(perToken)), f = median(fw.map(perToken)), f0 = median(noff.map(perToken));
        const cp = median(plain.map(cpuPerToken)), cn = median(nlcg.map(cpuPerToken)), cf = median(fw.map(cpuPerToken)), cf0 = median(noff.map(cpuPerToken));
        // The loop alone: CPU from the first token to the end per native step after it, plain vs no fast-forward (every token sampled).
        const lp = median(plain.map(loopCpuPerStep)), lf0 = median(noff.map(loopCpuPerStep));
        // Per seed, the pair run back to back: wall ms per token and main-thread CPU ms per step, no-ff − plain.
        const seedWall = spread(noff.map((r, i) => perToken(r) - perToken(plain[i])));
        const seedMain = spread(noff.map((r, i) => mainCpuPerStep(r) - mainCpuPerStep(plain[i])));
        const mp = median(plain.map(mainCpuPerStep)), mf0 = median(noff.map(mainCpuPerStep));
        const gp = median(plain.map((r) => r.gapUs)), gf0 = median(noff.map((r) => r.gapUs));
        const seedGap = spread(noff.map((r, i) => r.gapUs - plain[i].gapUs));
        // Exact sampling (`candidates: Infinity`: every allowed token back) against the default K (256, or 64 with top-k 40), both without fast-forward, same seeds.
        const fx = median(noffExact.map(perToken)), cfx = median(noffExact.map(cpuPerToken));
        const fwTokens = median(fw.map((r) => r.tokens));
        const fwForced = median(fw.map((r) => r.forced ?? 0));
        const fwWall = median(fw.map((r) => r.promptMs + r.decodeMs));
        const plainWall = median(plain.map((r) => r.promptMs)) + p * Math.max(0, fwTokens - 1);
        const row = {
          size,
          schema: name,
          temperature,
          plainMsPerToken: p,
          nlcGrammarMsPerToken: n,
          formworkMsPerToken: f,
          formworkNoFastForwardMsPerToken: f0,
          overheadMsPerToken: f0 - p,
          cpuMsPerToken: { plain: cp, nlcGrammar: cn, formwork: cf, formworkNoFastForward: cf0 },
          cpuOverheadMsPerToken: cf0 - cp,
          loopCpuMsPerStep: { plain: lp, formworkNoFastForward: lf0 },
          loopCpuOverheadMsPerStep: lf0 - lp,
          overheadPerSeedMsPerToken: seedWall,
          mainThreadCpuMsPerStep: { plain: mp, formworkNoFastForward: mf0 },
          mainThreadOverheadPerSeedMsPerStep: seedMain,
          gapUsPerStep: { plain: gp, formworkNoFastForward: gf0 },
          gapOverheadPerSeedUs: seedGap,
          formworkNoFastForwardExactMsPerToken: fx,
          exactOverK256: fx / f0,
          exactOverK256Cpu: cfx / cf0,
          formworkOverPlain: f / p,
          formworkOverNlcGrammar: f / n,
          formworkTokens: fwTokens,
          formworkForcedTokens: fwForced,
          formworkWallMs: fwWall,
          plainWallSameTokensMs: plainWall,
          wallRatio: fwWall / plainWall,
          formworkValid: fw.filter((r) => r.valid).length + noff.filter((r) => r.valid).length,
          formworkRuns: fw.length + noff.length,
          nlcValid: nlcg.filter((r) => r.valid).length,
          nlcRuns: nlcg.length,
        };
        rows.push(row);
        const x = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : "–");
        const sp = (v: { median: number; min: number; max: number }, d = 2) => `${x(v.median, d)} [${x(v.min, d)}, ${x(v.max, d)}]`;
        say(
          `| ${name} | ${temperature} | ${x(p)} | ${x(n)} | ${x(f)} | ${x(f0)} | ${x(f0 - p)} | ${sp(seedWall)} | ${x(f / p)} | ${x(f / n)} | ${fwTokens} (${fwForced}) | ${x(fwWall, 0)} vs ${x(plainWall, 0)} ms (${x(fwWall / plainWall)}) | ${row.formworkValid}/${row.formworkRuns} / ${row.nlcValid}/${row.nlcRuns} | ${x(cp)} / ${x(cn)} / ${x(cf)} / ${x(cf0)} | ${x(cf0 - cp)} | ${x(lp)} / ${x(lf0)} | ${x(lf0 - lp)} | ${x(mp, 3)} / ${x(mf0, 3)} | ${sp(seedMain, 3)} | ${x(gp, 0)} / ${x(gf0, 0)} | ${sp(seedGap, 0)} | ${x(fx)} | ${x(fx / f0, 3)}, ${x(cfx / cf0, 3)} |`,
        );
      }
    }
    await ctx.dispose();
    await loaded.dispose();
  }
  const geo = (k: string, size: string) => {
    const v = rows.filter((r) => r.size === size).map((r) => Number(r[k])).filter((x) => x > 0 && Number.isFinite(x));
    return v.length ? Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length) : NaN;
  };
  const summary = Object.fromEntries(opt.sizes.map((s) => [s, { formworkOverPlain: geo("formworkOverPlain", s), formworkOverNlcGrammar: geo("formworkOverNlcGrammar", s), wallRatio: geo("wallRatio", s) }]));
  if (opt.json) console.log(JSON.stringify({ bench: "decode", node: process.version, cores: availableParallelism(), threads: opt.threads, seeds: opt.seeds, whitespace: opt.whitespace, sampling: opt.sampling, summary, maskPath: maskRows, rows }));
  else if (!opt.calls) say(`\nGeometric means: ${JSON.stringify(summary)}`);
  const out = outArg();
  if (out) writeResult(out, "decode", { threads: opt.threads, seeds: opt.seeds, whitespace: opt.whitespace, summary, rows });
}

await main();
