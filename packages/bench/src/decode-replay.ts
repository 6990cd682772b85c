/**
 * The decode loop's own per-step CPU cost, without the model: `generate`
 * calls on the tiny fixture model are recorded once (what the native
 * sampler returned at each step: the top candidates), then replayed many
 * times with the model's evaluation and the native sampling replaced by the
 * recorded results. Everything else runs as in a real call: the matcher, the
 * mask, its bias encoding and the native sampler's `applyConfig` (which
 * copies the bias), sampling, budget checks, accepts, the text and the
 * async iteration in `generate`, per-call set-up (matcher, prompt). So the
 * figure is the main thread's work per step that plain node-llama-cpp
 * decoding does not have (less node-llama-cpp's own batching, which both
 * have), with none of the model's 2.5-6 ms per step of noise: CPU µs per
 * native step, median over rounds, per schema (fast-forward off: every token
 * sampled; T 0.8, top-k 40, top-p 0.95, 48 tokens, as bench:decode).
 *
 * Each replayed call checks that it yields the recorded tokens and
 * log-probabilities (a replay that drifts from its recording is an error:
 * the build under test decides differently from the one that recorded).
 *
 * Usage: node packages/bench/dist/decode-replay.js [--record FILE] [--replay FILE]
 *        [--schemas a,b] [--seeds N] [--rounds N] [--max-tokens N] [--candidates N|Infinity] [--fine]
 * `--fine` also times the loop's parts (wall µs per step, `performance.now()`
 * around each call; nested parts are inside their callers' figures).
 * With neither --record nor --replay: records in memory, then replays.
 * --record FILE writes the recording (JSON) and stops; --replay FILE replays
 * a recording made by another build (same fixture model), so that two builds
 * run the very same steps.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Sampler, TokenMask } from "@formwork/core";
import { GrammarMatcher } from "@formwork/grammar";
import { generate, loadModel, type LoadedModel } from "@formwork/llama";
import { NativeLogits, SequenceDecoder } from "@formwork/llama/internal";
import { buildFixtureModel } from "@formwork/testkit";
import { DECODE_SCHEMAS } from "./decode-schemas.js";
import { flagValue } from "./results.js";
import { median } from "./stats.js";
import { NLC_SAMPLING } from "./sampling.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const PROMPT = "Output JSON:";

interface Call {
  schema: string;
  seed: number;
  tokens: number[];
  logprobs: number[];
  /** What each native `sampleToken` call returned, in order. */
  samples: unknown[][];
}

interface Recording {
  maxTokens: number;
  temperature: number;
  candidates: number | null;
  calls: Call[];
}

/** A copy of a native `sampleToken` result that JSON keeps (typed arrays and Infinity as plain values). */
function copyResult(r: unknown): unknown[] {
  if (!Array.isArray(r)) throw new Error(`unexpected sampleToken result ${String(r)}`);
  return r.map((x) => (ArrayBuffer.isView(x) || Array.isArray(x) ? Array.from(x as ArrayLike<number>) : x));
}

async function runCall(loaded: LoadedModel, rec: Recording, schema: string, seed: number) {
  const r = await generate({
    model: loaded,
    prompt: PROMPT,
    schema: DECODE_SCHEMAS[schema],
    schemaOptions: { whitespace: "flexible" },
    temperature: rec.temperature,
    seed,
    maxTokens: rec.maxTokens,
    fastForward: false,
    candidates: rec.candidates ?? undefined,
    ...NLC_SAMPLING,
  });
  return r;
}

async function main(): Promise<void> {
  const recordTo = flagValue("--record");
  const replayFrom = flagValue("--replay");
  const rounds = Number(flagValue("--rounds") ?? 30);
  const f = await buildFixtureModel({ tokenizer: "qwen3", size: "tiny" });
  const loaded = await loadModel({ model: f.path, threads: 1, gpu: false, contextSize: 2048 });
  const ctx = (loaded.context as any)._ctx;
  const realSample = ctx.sampleToken as (...a: unknown[]) => Promise<unknown>;
  // Installed before the first generate call: NativeLogits binds the context's sampleToken when it is made.
  let sink: unknown[][] | null = null;
  let source: unknown[][] | null = null;
  let at = 0;
  Object.defineProperty(ctx, "sampleToken", {
    configurable: true,
    writable: true,
    value: function (this: unknown, ...a: unknown[]) {
      if (source !== null) {
        if (at >= source.length) throw new Error("replay: more native samples than recorded");
        return Promise.resolve(source[at++]);
      }
      return realSample.apply(this, a).then((r) => {
        sink?.push(copyResult(r));
        return r;
      });
    },
  });

  let rec: Recording;
  if (replayFrom) rec = JSON.parse(readFileSync(replayFrom, "utf8"), (_k, v) => (v === "Infinity" ? Infinity : v)) as Recording;
  else {
    const schemas = (flagValue("--schemas") ?? Object.keys(DECODE_SCHEMAS).join(",")).split(",");
    const seeds = Number(flagValue("--seeds") ?? 5);
    const c = flagValue("--candidates");
    rec = { maxTokens: Number(flagValue("--max-tokens") ?? 48), temperature: 0.8, candidates: c === undefined ? null : Number(c), calls: [] };
    for (const schema of schemas) {
      for (let seed = 1; seed <= seeds; seed++) {
        sink = [];
        const r = await runCall(loaded, rec, schema, seed);
        rec.calls.push({ schema, seed, tokens: r.tokens, logprobs: r.logprobs, samples: sink });
        sink = null;
      }
    }
    if (recordTo) {
      writeFileSync(recordTo, JSON.stringify(rec, (_k, v) => (v === Infinity ? "Infinity" : v)));
      console.log(`recorded ${rec.calls.length} calls to ${recordTo}`);
      await loaded.dispose();
      return;
    }
  }

  // Replay: the sequence's evaluation does no model work, and hands the mapper the recorded samples.
  const seqProto = await sequencePrototype(loaded);
  const realDecode = seqProto._decodeTokens;
  seqProto._decodeTokens = async function (tokens: unknown[], _logits: unknown, _p: unknown, _m: unknown, _s: unknown, mapper: (i: number, t: number) => unknown) {
    return [await mapper(0, tokens.length - 1)];
  };
  const schemas = [...new Set(rec.calls.map((c) => c.schema))];
  const fine = process.argv.includes("--fine") ? timeParts() : null;
  const perSchema = new Map<string, number[]>(schemas.map((s) => [s, []]));
  console.log(`decode replay: ${rec.calls.length} recorded calls (${schemas.join(", ")}), max ${rec.maxTokens} tokens, T ${rec.temperature}, top-k 40, top-p 0.95, fast-forward off, candidates ${rec.candidates ?? "default"}; ${rounds} rounds (+1 warm-up); µs of CPU per native step (process CPU, all threads)`);
  for (let round = 0; round <= rounds; round++) {
    for (const schema of schemas) {
      const calls = rec.calls.filter((c) => c.schema === schema);
      fine?.setSchema(round > 0 ? schema : "");
      let steps = 0;
      const c0 = cpuNow();
      for (const call of calls) {
        source = call.samples;
        at = 0;
        const r = await runCall(loaded, rec, schema, call.seed);
        if (at !== call.samples.length || r.tokens.length !== call.tokens.length || r.tokens.some((t, i) => t !== call.tokens[i] || r.logprobs[i] !== call.logprobs[i])) {
          throw new Error(`replay of ${schema} seed ${call.seed} differs from its recording (tokens ${JSON.stringify(r.tokens)} vs ${JSON.stringify(call.tokens)})`);
        }
        steps += r.stats.steps;
      }
      const us = ((cpuNow() - c0) * 1000) / steps;
      if (round > 0) perSchema.get(schema)!.push(us);
      if (fine && round > 0) fine.addSteps(schema, steps);
    }
  }
  source = null;
  seqProto._decodeTokens = realDecode;
  console.log("| schema | steps per call | µs per step, median | p10-p90 over rounds |");
  console.log("|---|---|---|---|");
  for (const schema of schemas) {
    const v = [...perSchema.get(schema)!].sort((a, b) => a - b);
    const calls = rec.calls.filter((c) => c.schema === schema);
    const steps = calls.reduce((s, c) => s + c.samples.length, 0) / calls.length;
    console.log(`| ${schema} | ${steps.toFixed(1)} | ${median(v).toFixed(1)} | ${v[Math.floor(0.1 * (v.length - 1))].toFixed(1)}-${v[Math.ceil(0.9 * (v.length - 1))].toFixed(1)} |`);
  }
  if (fine) fine.print(schemas);
  await loaded.dispose();
}

/** `--fine`: wraps the loop's parts to sum their wall time per schema (the schema being replayed). */
function timeParts() {
  const sums = new Map<string, Map<string, number>>();
  const steps = new Map<string, number>();
  let current = "";
  const add = (k: string, v: number) => {
    let m = sums.get(current);
    if (!m) sums.set(current, (m = new Map()));
    m.set(k, (m.get(k) ?? 0) + v);
  };
  const wrap = (proto: any, name: string, label: string) => {
    const orig = proto[name] as (...a: unknown[]) => unknown;
    proto[name] = function (this: unknown, ...a: unknown[]) {
      const t0 = performance.now();
      try {
        return orig.apply(this, a);
      } finally {
        add(label, performance.now() - t0);
      }
    };
  };
  for (const m of ["prepare", "fillMask", "take"]) wrap(SequenceDecoder.prototype, m, `SequenceDecoder.${m}`);
  wrap(NativeLogits.prototype, "setMask", "NativeLogits.setMask");
  wrap(TokenMask.prototype, "count", "  TokenMask.count");
  for (const m of ["fillNextTokenMask", "acceptToken", "rollback", "minBytesToFinish", "shortestCompletion", "isComplete"]) wrap(GrammarMatcher.prototype, m, `  GrammarMatcher.${m}`);
  for (const m of ["sampleCandidatesWhere", "sampleCandidates"]) wrap(Sampler.prototype, m, `  Sampler.${m}`);
  return {
    setSchema(s: string) {
      current = s;
    },
    addSteps(schema: string, n: number) {
      steps.set(schema, (steps.get(schema) ?? 0) + n);
    },
    print(schemas: string[]) {
      for (const s of schemas) {
        console.log(`\n${s} (wall µs per step, summed over the rounds):`);
        for (const [k, v] of [...(sums.get(s) ?? new Map<string, number>())].sort()) console.log(`  ${k.padEnd(36)} ${((v * 1000) / (steps.get(s) ?? 1)).toFixed(1).padStart(7)}`);
      }
    },
  };
}

/** The prototype of the context sequences (where `_decodeTokens` lives). */
async function sequencePrototype(loaded: LoadedModel): Promise<any> {
  const ctx = await loaded.model.createContext({ contextSize: 256, threads: 1 });
  const proto = Object.getPrototypeOf(ctx.getSequence());
  await ctx.dispose();
  return proto;
}

/** Process CPU time (ms, every thread: V8's compiler and GC threads count; the model's threads are idle in a replay). */
function cpuNow(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

await main();
