/**
 * Output identity of the decode loop: `generate` and `decodeCandidates` over
 * the bench:decode schemas on the tiny fixture model, with many seeded
 * samplings (greedy; T 0.8 top-k 40 / top-p 0.95; T 1 with nothing; T 0.7
 * min-p 0.05; T 1.2 top-k 10), fast-forward on and off, K default / 64 /
 * 256 / Infinity, 48 tokens and a tight 24, stop strings and a start
 * marker, and N = 3 (parallel, sequential, batch-invariant). Prints one line
 * per run with a hash of everything it returned that a build could change
 * (text, tokens, logprobs, forced flags, stop reason, completeness,
 * exactness, the step and budget counters; an error's code), and a hash of
 * all lines. A change meant to be a pure speed-up must print the same lines
 * as the build before it (run both, `diff` the outputs).
 *
 * Usage: node packages/bench/dist/decode-identity.js [--threads N] [--quick]
 * (`--quick`: K default and Infinity only, seed 1 only.)
 */
import { createHash } from "node:crypto";
import { generate, loadModel, decodeCandidates, type LoadedModel } from "@formwork/llama";
import { buildFixtureModel } from "@formwork/testkit";
import { DECODE_SCHEMAS } from "./decode-schemas.js";
import { flagValue } from "./results.js";

const PROMPT = "Output JSON:";

const SAMPLINGS: Record<string, { temperature: number; topK?: number; topP?: number; minP?: number }> = {
  greedy: { temperature: 0 },
  "t0.8-k40-p0.95": { temperature: 0.8, topK: 40, topP: 0.95 },
  "t1-all": { temperature: 1, topK: 0, topP: 1 },
  "t0.7-minp0.05": { temperature: 0.7, minP: 0.05 },
  "t1.2-k10": { temperature: 1.2, topK: 10 },
};

const hash = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex").slice(0, 16);

function errorKey(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return `error:${typeof code === "string" ? code : (e as Error).message}`;
}

function statsOf(s: { steps: number; forcedTokens: number; loneTokens: number; truncatedSteps: number; budgetRejections: number; maskViolations: number }) {
  return [s.steps, s.forcedTokens, s.loneTokens, s.truncatedSteps, s.budgetRejections, s.maskViolations];
}

async function main(): Promise<void> {
  const threads = Number(flagValue("--threads") ?? 1);
  const quick = process.argv.includes("--quick");
  const f = await buildFixtureModel({ tokenizer: "qwen3", size: "tiny" });
  const loaded: LoadedModel = await loadModel({ model: f.path, threads, gpu: false, contextSize: 2048 });
  const all = createHash("sha256");
  const line = (label: string, h: string) => {
    console.log(`${label} ${h}`);
    all.update(`${label} ${h}\n`);
  };
  const ks: (number | undefined)[] = quick ? [undefined, Infinity] : [undefined, 64, 256, Infinity];
  const seeds = quick ? [1] : [1, 2];
  const t0 = performance.now();
  let runs = 0;
  for (const [schemaName, schema] of Object.entries(DECODE_SCHEMAS)) {
    for (const [samplingName, sampling] of Object.entries(SAMPLINGS)) {
      for (const fastForward of [true, false]) {
        for (const maxTokens of [48, 24]) {
          for (const k of maxTokens === 48 ? ks : [undefined, Infinity]) {
            for (const seed of maxTokens === 48 ? seeds : [1]) {
              const label = `generate ${schemaName} ${samplingName} ff=${fastForward} max=${maxTokens} K=${k ?? "default"} seed=${seed}`;
              let h: string;
              try {
                const r = await generate({ model: loaded, prompt: PROMPT, schema, schemaOptions: { whitespace: "flexible" }, ...sampling, seed, maxTokens, fastForward, candidates: k });
                h = hash([r.text, r.constrainedText, r.tokens, r.logprobs, r.forced, r.stopReason, r.complete, r.exactLogprobs, r.meanLogprob, statsOf(r.stats)]);
              } catch (e) {
                h = errorKey(e);
              }
              line(label, h);
              runs++;
            }
          }
        }
      }
    }
  }
  // Stop strings and a start marker (free text first), fast-forward on and off.
  for (const [schemaName, schema] of Object.entries(DECODE_SCHEMAS)) {
    for (const fastForward of [true, false]) {
      for (const extra of [{ stop: ['",', "]"] }, { startAfter: "JSON:", prompt: "Say something, then JSON:" }]) {
        const label = `generate ${schemaName} ff=${fastForward} ${Object.keys(extra).join("+")}`;
        let h: string;
        try {
          const r = await generate({ model: loaded, prompt: PROMPT, schema, schemaOptions: { whitespace: "flexible" }, temperature: 0.9, seed: 5, maxTokens: 40, fastForward, ...extra });
          h = hash([r.text, r.constrainedText, r.tokens, r.logprobs, r.forced, r.stopReason, r.complete, r.exactLogprobs, statsOf(r.stats)]);
        } catch (e) {
          h = errorKey(e);
        }
        line(label, h);
        runs++;
      }
    }
  }
  // N = 3 candidates: parallel (shared batches), sequential and batch-invariant.
  const samplingList = Object.values(SAMPLINGS);
  for (const [schemaName, schema] of Object.entries(DECODE_SCHEMAS)) {
    for (const fastForward of [true, false]) {
      for (const k of [undefined, Infinity]) {
        for (const mode of ["parallel", "sequential", "invariant"] as const) {
          if (mode !== "parallel" && k === Infinity && fastForward) continue;
          const label = `candidates ${schemaName} ff=${fastForward} K=${k ?? "default"} ${mode}`;
          let h: string;
          try {
            const r = await decodeCandidates({
              model: loaded,
              prompt: PROMPT,
              schema,
              schemaOptions: { whitespace: "flexible" },
              samplings: [0, 1, 2].map((i) => ({ ...samplingList[(i + 1) % samplingList.length], seed: 11 + i })),
              maxTokens: 40,
              fastForward,
              candidates: k,
              sequential: mode === "sequential",
              batchInvariant: mode === "invariant",
            });
            h = hash(r.outputs.map((o) => [o.text, o.constrainedText, o.tokens, o.logprobs, o.forced, o.stopReason, o.complete, o.exactLogprobs, o.sumLogprob]));
          } catch (e) {
            h = errorKey(e);
          }
          line(label, h);
          runs++;
        }
      }
    }
  }
  console.log(`all ${runs} runs: ${all.digest("hex").slice(0, 32)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  await loaded.dispose();
}

await main();
