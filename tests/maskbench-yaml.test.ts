// MaskBench-dev through the engine with YAML texts (issue 12), CI ratchet.
//
// Every 40th MaskBench-dev file (sorted by name) goes through
// packages/bench/src/maskbench-eval.ts with `syntax: "yaml"`, the code
// `pnpm bench:maskbench --syntax yaml` runs: `compileSchema(schema, { syntax:
// "yaml" }).grammar` -> one `GrammarCompiler` on the Qwen vocabulary -> every
// instance written by the `yaml` package in the dialect's style
// (YAML_PACKAGE_STYLE) and by the dialect's writer (stringifyYaml), each
// tokenized with the Qwen tokenizer and walked with a mask before every token.
// A valid instance must have both texts accepted, unless the `yaml` package's
// text is one some YAML 1.1/1.2 resolver reads differently, which must be
// rejected; an invalid one must have both rejected.
//
// Ratchet: tests/baselines/maskbench-yaml.json holds each file's result. The
// test fails when a file that passed there no longer passes, when any invalid
// instance or any text not read alike is accepted, or when a compile or matcher
// walk crashes. `UPDATE_BASELINE=1` rewrites the baseline. Skipped without
// ../shared/data (or FORMWORK_SHARED_DATA).
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { GrammarCompiler } from "@formwork/grammar";
import { hfTokenizer, qwenVocabulary } from "@formwork/testkit";
import { evaluateMaskBenchPath, maskBenchFiles, ratchetAgainst, totalsOf, type MaskBenchFileResult } from "../packages/bench/src/maskbench-eval.js";

const EVERY = 40;
const repoRoot = resolve(import.meta.dirname, "..");
const dataRoot = process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data");
const dataDir = resolve(dataRoot, "maskbench-dev");
const baselinePath = resolve(repoRoot, "tests/baselines/maskbench-yaml.json");

describe.skipIf(!existsSync(dataDir))("MaskBench-dev through the engine with YAML texts (every 40th file)", () => {
  it("accepts no invalid instance and no text read differently by YAML 1.1, does not crash, and passes every file the baseline passes", async () => {
    const started = performance.now();
    const files = maskBenchFiles(readdirSync(dataDir), EVERY);
    const tokenizer = await hfTokenizer("qwen3");
    const compiler = new GrammarCompiler(qwenVocabulary());
    const results: MaskBenchFileResult[] = [];
    for (const file of files) results.push(evaluateMaskBenchPath(dataDir, file, { compiler, tokenizer, syntax: "yaml" }));

    const t = totalsOf(results);
    const sum = (f: (r: MaskBenchFileResult) => number) => results.reduce((a, r) => a + f(r), 0);
    console.log(
      `MaskBench-dev YAML (every ${EVERY}th): ${t.files} files, ${t.compiled} compiled, ${t.passing} passing, ${t.invalidAccepted} invalid accepted, ` +
        `${t.validRejected} valid rejected; valid instances ${sum((r) => r.validInstances)}, yaml-package texts accepted ${sum((r) => r.validAccepted)}, ` +
        `not read alike ${sum((r) => r.unsafeTexts ?? 0)} (accepted ${sum((r) => r.unsafeAccepted ?? 0)}); ${Math.round((performance.now() - started) / 100) / 10} s`,
    );
    console.log(`MaskBench-dev YAML refusals: ${JSON.stringify(t.refusals)}`);

    const v = ratchetAgainst(baselinePath, EVERY, results, process.env.UPDATE_BASELINE === "1");

    expect(v.crashes).toEqual([]);
    expect(v.invalidAccepted).toEqual([]);
    expect(results.filter((r) => r.unsafeAccepted).map((r) => `${r.file}: ${r.unsafeAccepted}`)).toEqual([]);
    expect(v.regressions).toEqual([]);
  }, 1_800_000);
});
