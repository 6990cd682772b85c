/**
 * Grammar-engine compile benchmark on MaskBench-dev JSON Schemas: for every
 * `--every`-th schema, the schema compiler's grammar is compiled by the
 * engine (timed alone, schema compile excluded), then one matcher's first
 * `fillNextTokenMask` is timed (it fills the first token-cache entry).
 *
 * Usage: node packages/bench/dist/compile-bench.js [--every N] [--dir PATH] [--json] [--top K]
 *                                                   [--max-nfa N] [--max-dfa N] [--reps R]
 *                                                   [--syntax json|yaml] [--schema JSON]
 *
 * Prints p50/p90/max/total of the engine compile (ms), the same for the first
 * mask, refusals by error code, NFA/DFA state totals and the slowest schemas.
 * A fresh `GrammarCompiler` per schema keeps the compile cache out of it; the
 * trie is shared (built once, as an application would). With `--reps R`
 * every schema is compiled R times and its fastest compile counts (robust
 * on a loaded machine); the first mask is timed on the first compile.
 * `--syntax yaml` compiles each schema's YAML grammar; `--schema '{"type":
 * "string"}'` compiles that one schema instead of the folder's.
 */
import { readdirSync, readFileSync } from "node:fs";
import { TokenMask } from "@formwork/core";
import { GrammarCompiler } from "@formwork/grammar";
import { compileSchema } from "@formwork/json-schema";
import { npmVocabulary } from "@formwork/testkit";
import { flagValue } from "./results.js";
import { quantile } from "./stats.js";

interface Row {
  file: string;
  compileMs: number;
  firstMaskMs: number;
  nfaStates: number;
  dfaStates: number;
  byteClasses: number;
}

const arg = (name: string) => flagValue(name);

/** The q-quantile of `xs` in any order. */
const quantileOf = (xs: readonly number[], q: number) => quantile([...xs].sort((a, b) => a - b), q);

function main(): void {
  const dir = arg("--dir") ?? "/work/shared/data/maskbench-dev";
  const every = Number(arg("--every") ?? 40);
  const top = Number(arg("--top") ?? 5);
  const reps = Math.max(1, Number(arg("--reps") ?? 1));
  const maxNfa = arg("--max-nfa");
  const maxDfa = arg("--max-dfa");
  const json = process.argv.includes("--json");
  const syntax = arg("--syntax") === "yaml" ? "yaml" : "json";
  const inline = arg("--schema");
  const files = inline !== undefined ? ["--schema"] : readdirSync(dir).filter((f) => f.endsWith(".json")).sort().filter((_, i) => i % every === 0);
  const vocab = npmVocabulary("qwen3");
  const base = new GrammarCompiler(vocab);
  const options = {
    ...(maxNfa ? { maxNfaStates: Number(maxNfa) } : {}),
    ...(maxDfa ? { maxDfaStates: Number(maxDfa) } : {}),
  };
  const rows: Row[] = [];
  const refused: Record<string, number> = {};
  const refusedMs: Record<string, number> = {};
  let schemaErrors = 0;
  // JIT warm-up on a few schemas (untimed).
  const grammars: { file: string; grammar: ReturnType<typeof compileSchema>["grammar"] }[] = [];
  for (const f of files) {
    try {
      const schema = inline !== undefined ? JSON.parse(inline) : JSON.parse(readFileSync(`${dir}/${f}`, "utf8")).schema;
      grammars.push({ file: f, grammar: compileSchema(schema, syntax === "yaml" ? { syntax } : {}).grammar });
    } catch {
      schemaErrors++;
    }
  }
  for (const { grammar } of grammars.slice(0, 5)) {
    try {
      new GrammarCompiler(vocab, { ...options, precomputeSlices: false }, base.trie).compile(grammar);
    } catch {
      /* refused: fine for warm-up */
    }
  }
  for (const [k, { file, grammar }] of grammars.entries()) {
    if ((k + 1) % 20 === 0) process.stderr.write(`compile-bench: ${k + 1}/${grammars.length}\n`);
    const gc = new GrammarCompiler(vocab, { ...options, precomputeSlices: false }, base.trie);
    const t0 = performance.now();
    let cg;
    try {
      cg = gc.compile(grammar);
    } catch (e) {
      const code = (e as { code?: string }).code ?? String(e);
      refused[code] = (refused[code] ?? 0) + 1;
      refusedMs[code] = (refusedMs[code] ?? 0) + (performance.now() - t0);
      continue;
    }
    let compileMs = performance.now() - t0;
    for (let r = 1; r < reps; r++) {
      const t = performance.now();
      new GrammarCompiler(vocab, { ...options, precomputeSlices: false }, base.trie).compile(grammar);
      compileMs = Math.min(compileMs, performance.now() - t);
    }
    const m = cg.createMatcher();
    const mask = new TokenMask(vocab.size);
    const t1 = performance.now();
    m.fillNextTokenMask(mask);
    const firstMaskMs = performance.now() - t1;
    rows.push({ file, compileMs, firstMaskMs, nfaStates: cg.stats.nfaStates, dfaStates: cg.memory().dfaStates, byteClasses: cg.stats.byteClasses });
  }
  const c = rows.map((r) => r.compileMs);
  const fm = rows.map((r) => r.firstMaskMs);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const summary = {
    schemas: grammars.length,
    schemaErrors,
    compiled: rows.length,
    refused,
    refusedMs: Object.fromEntries(Object.entries(refusedMs).map(([k, v]) => [k, Math.round(v)])),
    compile: { p50: quantileOf(c, 0.5), p90: quantileOf(c, 0.9), max: Math.max(...c), total: sum(c) },
    firstMask: { p50: quantileOf(fm, 0.5), p90: quantileOf(fm, 0.9), max: Math.max(...fm), total: sum(fm) },
    nfaStates: { total: sum(rows.map((r) => r.nfaStates)), p50: quantileOf(rows.map((r) => r.nfaStates), 0.5), max: Math.max(...rows.map((r) => r.nfaStates)) },
    dfaStates: { total: sum(rows.map((r) => r.dfaStates)), p50: quantileOf(rows.map((r) => r.dfaStates), 0.5), max: Math.max(...rows.map((r) => r.dfaStates)) },
    slowest: [...rows].sort((a, b) => b.compileMs - a.compileMs).slice(0, top),
  };
  if (json) {
    console.log(JSON.stringify(summary, null, 1));
    return;
  }
  const f = (x: number) => x.toFixed(2);
  console.log(`schemas ${summary.schemas} (${inline !== undefined ? "--schema" : `every ${every}th`}, ${syntax}, fastest of ${reps}), schema-compile errors ${schemaErrors}, engine compiled ${rows.length}, refused ${JSON.stringify(refused)} (ms spent ${JSON.stringify(summary.refusedMs)})`);
  console.log(`engine compile ms: p50 ${f(summary.compile.p50)} p90 ${f(summary.compile.p90)} max ${f(summary.compile.max)} total ${f(summary.compile.total)}`);
  console.log(`first mask ms:     p50 ${f(summary.firstMask.p50)} p90 ${f(summary.firstMask.p90)} max ${f(summary.firstMask.max)} total ${f(summary.firstMask.total)}`);
  console.log(`nfa states: total ${summary.nfaStates.total} p50 ${summary.nfaStates.p50} max ${summary.nfaStates.max}; dfa states: total ${summary.dfaStates.total} p50 ${summary.dfaStates.p50} max ${summary.dfaStates.max}`);
  for (const r of summary.slowest) {
    console.log(`  ${r.file}: compile ${f(r.compileMs)} ms, first mask ${f(r.firstMaskMs)} ms, nfa ${r.nfaStates}, dfa ${r.dfaStates}, classes ${r.byteClasses}`);
  }
}

main();
