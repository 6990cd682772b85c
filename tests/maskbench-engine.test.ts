// MaskBench-dev through the grammar engine, as users run it (CI ratchet).
//
// Every 10th MaskBench-dev file (sorted by name) goes through
// packages/bench/src/maskbench-eval.ts, the code `pnpm bench:maskbench` runs:
// `compileSchema(schema).grammar` -> one `GrammarCompiler` on the Qwen
// vocabulary for the whole run -> for every instance `JSON.stringify(data)`
// tokenized by the Qwen tokenizer (no special tokens), a matcher that fills
// the mask before each token, requires the token to be in the mask and
// accepted, and checks `isComplete()` at the end. Acceptance must equal the
// instance's `valid`; a suite-invalid instance that ajv accepts is counted as
// `ajvDisagrees` (the compiler's contract is ajv), not as invalid accepted.
//
// Ratchet: tests/baselines/maskbench-engine.json holds each file's result.
// The test fails when a file that passed there no longer passes, when any
// invalid instance is accepted, or when a compile or matcher walk crashes
// (an exception that is not a FormworkError). Improvements are printed;
// `UPDATE_BASELINE=1` rewrites the baseline. Times are printed, never asserted.
//
// The data lives outside the repository (../shared/data, or
// FORMWORK_SHARED_DATA); the test is skipped when it is absent.
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { GrammarCompiler } from "@formwork/grammar";
import { hfTokenizer, qwenVocabulary } from "@formwork/testkit";
import { evaluateMaskBenchPath, maskBenchFiles, ratchetAgainst, totalsOf, type MaskBenchFileResult } from "../packages/bench/src/maskbench-eval.js";
import { quantile } from "../packages/bench/src/stats.js";

const EVERY = 10;
const repoRoot = resolve(import.meta.dirname, "..");
const dataRoot = process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data");
const dataDir = resolve(dataRoot, "maskbench-dev");
const baselinePath = resolve(repoRoot, "tests/baselines/maskbench-engine.json");

const r1 = (x: number) => Math.round(x * 10) / 10;

describe.skipIf(!existsSync(dataDir))("MaskBench-dev through the engine (every 10th file)", () => {
  it("accepts no invalid instance, does not crash, and passes every file the baseline passes", async () => {
    const started = performance.now();
    const files = maskBenchFiles(readdirSync(dataDir), EVERY);
    const tokenizer = await hfTokenizer("qwen3");
    const compiler = new GrammarCompiler(qwenVocabulary());
    const maskUs: number[] = [];
    const results: MaskBenchFileResult[] = [];
    for (const file of files) results.push(evaluateMaskBenchPath(dataDir, file, { compiler, tokenizer, maskUs }));

    const t = totalsOf(results);
    const masks = maskUs.sort((a, b) => a - b);
    const compiled = results.filter((r) => r.compiled);
    const schemaMs = compiled.map((r) => r.compileMs).sort((a, b) => a - b);
    const engineMs = compiled.map((r) => r.engineMs).sort((a, b) => a - b);
    console.log(
      `MaskBench-dev engine (every ${EVERY}th): ${t.files} files, ${t.compiled} compiled, ${t.passing} passing (${t.passingShare}%), ` +
        `${t.invalidAccepted} invalid accepted, ${t.validRejected} valid rejected, ${t.ajvDisagrees} suite-invalid but ajv-valid accepted, ` +
        `${t.maskDisagrees} mask/accept disagreements; mask µs p50 ${r1(quantile(masks, 0.5))} p99 ${r1(quantile(masks, 0.99))} (${masks.length} masks); ` +
        `compile ms p50/p90 schema ${r1(quantile(schemaMs, 0.5))}/${r1(quantile(schemaMs, 0.9))} engine ${r1(quantile(engineMs, 0.5))}/${r1(quantile(engineMs, 0.9))}; ` +
        `${r1((performance.now() - started) / 1000)} s`,
    );
    console.log(`MaskBench-dev engine refusals: ${JSON.stringify(t.refusals)}`);

    const v = ratchetAgainst(baselinePath, EVERY, results, process.env.UPDATE_BASELINE === "1");
    if (t.maskDisagrees) console.log(`mask/accept disagreements: ${results.filter((r) => r.maskDisagrees).map((r) => `${r.file} (${r.maskDisagrees})`).join(", ")}`);

    expect(v.crashes).toEqual([]);
    expect(v.invalidAccepted).toEqual([]);
    expect(v.regressions).toEqual([]);
  }, 1_800_000);
});
