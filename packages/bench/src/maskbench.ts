/**
 * MaskBench runner: for every MaskBench-format file in a folder
 * (`{description, schema, tests: [{data, valid}]}`), compile the schema with
 * `@formwork/json-schema` and the grammar engine (each timed), tokenize each
 * instance's JSON text (`JSON.stringify(data)`) with the Qwen vocabulary,
 * walk the matcher through the tokens computing the mask before each one
 * (timed), and check acceptance against `valid`. The per-file evaluation is
 * `evaluateMaskBenchFile` (maskbench-eval.ts), which the CI ratchet
 * tests/maskbench-engine.test.ts runs too.
 *
 * Usage: pnpm bench:maskbench --data DIR [--json] [--limit N] [--every K] [--only A,B]
 *        [--no-masks] [--reference] [--update-baseline] [--check-baseline] [--cpu]
 *        [--baseline FILE] [--syntax yaml [--yaml-layout exact|flexible|both] [--tokens]] [--warm-jit N]
 *        (`--help` prints USAGE below)
 *
 * `--every K` takes every K-th file (a spread sample); `--limit N` the first N.
 * `--warm-jit N` (with K >= 2) first evaluates up to N files outside the sample, unmeasured: the
 * figures are then a warmed process's (V8 optimises the compiler's code over the first few hundred
 * schemas of a run), beside the default run's, which starts cold like a fresh process.
 * `--cpu` also measures each mask's CPU time (`process.cpuUsage`) and prints its p50/p99/max
 * and the masks over 300 µs (for the YAML runs too): on a shared machine, compare builds with it.
 * `--syntax yaml` runs the same files again with YAML texts (issue 12:
 * `compileSchema(schema, { syntax: "yaml" })`, each instance written by the
 * `yaml` package in the dialect's style, `YAML_PACKAGE_STYLE`, and by
 * `stringifyYaml`; see maskbench-eval.ts) and prints both runs side by side,
 * with each schema's share of valid instances accepted (completeness) in
 * JSON and in YAML; `--tokens` counts the
 * Qwen tokens of every valid instance as compact JSON, pretty JSON (indent 2)
 * and YAML. `--yaml-layout flexible` compiles the YAML grammars with
 * `whitespace: "flexible"`; `both` runs the exact and the flexible layout
 * one after the other in the same run (the cost of the flexible layout), a
 * list (`flexible,exact,flexible`) runs them in that order.
 *
 * A schema "passes" when it compiles and every instance agrees. An instance
 * labelled invalid that ajv (the compiler's contract) accepts is counted as
 * `ajvDisagrees`, not as invalid accepted, and does not fail the schema. `--reference`
 * decides acceptance with the reference recognizer instead of the engine (no
 * masks).
 *
 * Baselines (tests/baselines/README.md says which is which):
 * - engine acceptance (the default): tests/baselines/maskbench-engine.json,
 *   one line per file (the CI ratchet's, every 10th file); `--baseline FILE`
 *   names another (tests/baselines/maskbench-engine-full.json: all files,
 *   the ratchet .ci/run checks).
 *   `--check-baseline` exits 1 when a file of this run that passes there no
 *   longer passes, or a compile or matcher crashes; `--update-baseline`
 *   rewrites it with this run's files.
 * - `--reference`: tests/baselines/json-schema-maskbench.json, totals of a
 *   reference-recognizer run over all files. `--check-baseline` exits 1 when
 *   passing drops below, or invalid accepted rises above, it (same file
 *   count only); `--update-baseline` rewrites it.
 * Either way the exit code is 1 when an invalid instance is accepted.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { GrammarCompiler } from "@formwork/grammar";
import { stringifyYaml } from "@formwork/json-schema";
import { hfTokenizer, npmVocabulary } from "@formwork/testkit";
import {
  compareWithBaseline,
  evaluateMaskBenchPath,
  maskBenchFiles,
  readEngineBaseline,
  totalsOf,
  writeEngineBaseline,
  type MaskBenchFileResult,
} from "./maskbench-eval.js";
import { flagValue } from "./results.js";
import { quantile } from "./stats.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const referenceBaselinePath = join(repoRoot, "tests/baselines/json-schema-maskbench.json");
const engineBaselinePath = join(repoRoot, "tests/baselines/maskbench-engine.json");

interface Options {
  data: string;
  json: boolean;
  limit: number;
  /** `--only`: keep the files whose name holds one of these substrings (comma-separated). */
  only: string[] | null;
  every: number;
  masks: boolean;
  reference: boolean;
  updateBaseline: boolean;
  checkBaseline: boolean;
  /** The engine baseline file. */
  baseline: string;
  /** `yaml`: also run every file with YAML texts, after the JSON run, and print both. */
  syntax: "json" | "yaml";
  /** The YAML layouts to run (`--yaml-layout`): exact (default), flexible, or both in turn. */
  yamlLayouts: ("exact" | "flexible")[];
  /** Also measure every mask's CPU time (`--cpu`) and print its distribution beside the wall time. */
  cpu: boolean;
  /** Print token counts per valid instance: compact JSON, pretty JSON (indent 2), the YAML dialect. */
  tokens: boolean;
  /** `--warm-jit N`: first run up to N files outside the sample (unmeasured), so the figures are a warmed process's. */
  warmJit: number;
}

const USAGE = `Usage: node packages/bench/dist/maskbench.js [options]   (pnpm bench:maskbench)

  --data DIR            MaskBench-format folder (default ../shared/data/maskbench-dev)
  --every K             every K-th file (a spread sample; default 1)
  --limit N             the first N files (after --every)
  --only A,B            the files whose name holds A or B (o83286,kb_1103: the worst masks again)
  --no-masks            acceptance only, no mask timing
  --reference           acceptance by the reference recognizer (no masks)
  --cpu                 also each mask's CPU time (p50/p99/max, masks over 300 µs)
  --syntax yaml         run the files again with YAML texts, side by side with JSON
  --yaml-layout L       with --syntax yaml: exact (default), flexible (whitespace
                        "flexible"), both (exact then flexible, same run), or a
                        list in run order (flexible,exact; a layout run twice
                        shows what the first run's process-wide caches cost)
  --tokens              Qwen tokens per valid instance: compact JSON, pretty JSON, YAML
  --warm-jit N          with --every K (K >= 2): first evaluate up to N files that are not
                        in the sample (the ones halfway between two sampled files), with
                        their own compiler and nothing recorded, so that the figures are
                        those of a process whose JIT has already run the code (a server
                        that has compiled other schemas), not a fresh one's
  --baseline FILE       the engine baseline (default tests/baselines/maskbench-engine.json)
  --check-baseline      exit 1 on a regression against the baseline
  --update-baseline     rewrite the baseline with this run
  --json                one summary line instead of the report
  --help                this text

Exit status: 0 ok, 1 an invalid instance accepted (or a baseline regression), 2 bad arguments.`;

const FLAGS_WITH_VALUE = new Set(["--data", "--every", "--limit", "--only", "--baseline", "--syntax", "--yaml-layout", "--warm-jit"]);
const FLAGS = new Set([...FLAGS_WITH_VALUE, "--json", "--no-masks", "--reference", "--update-baseline", "--check-baseline", "--tokens", "--cpu", "--help", "-h"]);

/** Exits with the usage: 0 for --help, 2 (after the message) for a bad argument. */
function usage(message?: string): never {
  if (message) console.error(`maskbench: ${message}\n\n${USAGE}`);
  else console.log(USAGE);
  process.exit(message ? 2 : 0);
}

function parseArgs(): Options {
  const a = process.argv.slice(2);
  if (a.includes("--help") || a.includes("-h")) usage();
  for (let i = 0; i < a.length; i++) {
    if (!FLAGS.has(a[i])) usage(`unknown option ${a[i]}`);
    if (FLAGS_WITH_VALUE.has(a[i]) && (++i >= a.length || a[i].startsWith("--"))) usage(`${a[i - 1] ?? a[i]} needs a value`);
  }
  const get = (k: string) => flagValue(k, a);
  const syntax = get("--syntax") ?? "json";
  if (syntax !== "json" && syntax !== "yaml") usage(`--syntax must be json or yaml, got ${syntax}`);
  const layoutArg = get("--yaml-layout") ?? "exact";
  const layouts = (layoutArg === "both" ? "exact,flexible" : layoutArg).split(",");
  if (!layouts.every((l) => l === "exact" || l === "flexible")) usage(`--yaml-layout must be exact, flexible, both or a list such as flexible,exact, got ${layoutArg}`);
  if (get("--yaml-layout") !== undefined && syntax !== "yaml") usage("--yaml-layout goes with --syntax yaml");
  const every = Number(get("--every") ?? 1);
  if (!Number.isInteger(every) || every < 1) usage(`--every must be a positive integer, got ${get("--every")}`);
  const warmJit = Number(get("--warm-jit") ?? 0);
  if (!Number.isInteger(warmJit) || warmJit < 0) usage(`--warm-jit must be a non-negative integer, got ${get("--warm-jit")}`);
  if (warmJit > 0 && every < 2) usage("--warm-jit needs --every K with K >= 2 (it warms up on files outside the sample)");
  if (warmJit > 0 && a.includes("--reference")) usage("--warm-jit measures the engine; it does not go with --reference");
  const data = get("--data") ?? join(process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data"), "maskbench-dev");
  return {
    data,
    json: a.includes("--json"),
    limit: Number(get("--limit") ?? Infinity),
    only: get("--only")?.split(",").filter((x) => x !== "") ?? null,
    every,
    masks: !a.includes("--no-masks") && !a.includes("--reference"),
    reference: a.includes("--reference"),
    updateBaseline: a.includes("--update-baseline"),
    checkBaseline: a.includes("--check-baseline"),
    baseline: resolve(get("--baseline") ?? engineBaselinePath),
    syntax,
    yamlLayouts: layouts as ("exact" | "flexible")[],
    tokens: a.includes("--tokens"),
    cpu: a.includes("--cpu"),
    warmJit,
  };
}

const pct = quantile;
const r1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<number> {
  const opt = parseArgs();
  if (!existsSync(opt.data)) {
    console.error(`maskbench: no data folder ${opt.data} (pass --data DIR)`);
    return 2;
  }
  const files = maskBenchFiles(readdirSync(opt.data), opt.every)
    .filter((f) => opt.only === null || opt.only.some((x) => f.includes(x)))
    .slice(0, opt.limit);
  const vocab = npmVocabulary("qwen3");
  const tokenizer = await hfTokenizer("qwen3");
  const compiler = opt.reference ? null : new GrammarCompiler(vocab);
  const results: MaskBenchFileResult[] = [];
  const maskUs: number[] = [];
  const maskCpuUs: number[] | undefined = opt.cpu ? [] : undefined;
  const log = (s: string) => {
    if (!opt.json) console.log(s);
  };
  log(`MaskBench: ${files.length} files from ${opt.data}; ${opt.reference ? "reference recognizer" : "engine"} with the Qwen vocabulary (${vocab.size} ids); ${process.platform} ${process.arch}, Node ${process.version}`);
  let warmedFiles = 0;
  if (opt.warmJit > 0 && compiler) {
    // Files halfway between two sampled ones: none is in the sample. Their own compiler (same trie), so
    // that no measured schema is a hit in the compiled-grammar cache; their results are dropped.
    const half = Math.floor(opt.every / 2);
    const warm = readdirSync(opt.data).filter((f) => f.endsWith(".json")).sort().filter((_, i) => i % opt.every === half).slice(0, opt.warmJit);
    const warmCompiler = new GrammarCompiler(vocab, { precomputeSlices: false }, compiler.trie);
    const w0 = performance.now();
    for (const file of warm) evaluateMaskBenchPath(opt.data, file, { compiler: warmCompiler, tokenizer, masks: opt.masks });
    warmedFiles = warm.length;
    log(`JIT warm-up: ${warm.length} files outside the sample evaluated first, not measured (${r1((performance.now() - w0) / 1000)} s)`);
  }
  const started = performance.now();
  // Per file (with --cpu): its masks over 300 µs and over 10 ms of CPU, for the worst-files lines.
  const slowMasks = new Map<string, { over300: number; over10ms: number; maxCpuUs: number }>();
  for (const [n, file] of files.entries()) {
    const before = maskCpuUs?.length ?? 0;
    results.push(evaluateMaskBenchPath(opt.data, file, { compiler, tokenizer, masks: opt.masks, maskUs, maskCpuUs }));
    if (maskCpuUs) {
      const mine = maskCpuUs.slice(before);
      slowMasks.set(file, { over300: mine.filter((x) => x > 300).length, over10ms: mine.filter((x) => x > 10_000).length, maxCpuUs: mine.reduce((m, x) => (x > m ? x : m), 0) });
    }
    // Progress on stderr, also under --json (a full run takes minutes).
    if ((n + 1) % 500 === 0) process.stderr.write(`  ${n + 1} / ${files.length} files, ${r1((performance.now() - started) / 1000)} s\n`);
  }
  const t = totalsOf(results);
  const compiled = results.filter((r) => r.compiled);
  const compileMs = compiled.map((r) => r.compileMs).sort((a, b) => a - b);
  const engineMs = compiled.map((r) => r.engineMs).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  // Schema and engine together, per schema (what a user waits for before the first mask).
  const totalMs = compiled.filter((r) => !Number.isNaN(r.engineMs)).map((r) => r.compileMs + r.engineMs).sort((a, b) => a - b);
  const ms3 = (x: number) => Math.round(x * 1000) / 1000;
  const masks = maskUs.sort((a, b) => a - b);
  const cpuMasks = maskCpuUs?.sort((a, b) => a - b);
  const summary = {
    files: t.files,
    ...(opt.warmJit > 0 ? { warmJitFiles: warmedFiles } : {}),
    compiled: t.compiled,
    passing: t.passing,
    passingShare: t.passingShare,
    invalidAccepted: t.invalidAccepted,
    validRejected: t.validRejected,
    ajvDisagrees: t.ajvDisagrees,
    maskDisagrees: t.maskDisagrees,
    crashes: t.crashes,
    maskUs: { n: masks.length, p50: r1(pct(masks, 0.5)), p99: r1(pct(masks, 0.99)), max: r1(masks[masks.length - 1] ?? NaN) },
    ...(cpuMasks ? { maskCpuUs: { p50: pct(cpuMasks, 0.5), p99: pct(cpuMasks, 0.99), max: cpuMasks[cpuMasks.length - 1] ?? NaN, over300: cpuMasks.filter((x) => x > 300).length, over10ms: cpuMasks.filter((x) => x > 10_000).length } } : {}),
    schemaCompileMs: { p50: Math.round(pct(compileMs, 0.5) * 1000) / 1000, p90: Math.round(pct(compileMs, 0.9) * 1000) / 1000 },
    engineCompileMs: { p50: ms3(pct(engineMs, 0.5)), p90: ms3(pct(engineMs, 0.9)) },
    totalCompileMs: { p50: ms3(pct(totalMs, 0.5)), p90: ms3(pct(totalMs, 0.9)) },
    refusals: t.refusals,
    acceptance: opt.reference ? "reference" : "engine",
  };
  const worst = (key: (r: MaskBenchFileResult) => number, label: string, rs = compiled) => {
    const top = rs.slice().sort((a, b) => key(b) - key(a)).slice(0, 5);
    log(`worst by ${label}: ${top.map((r) => `${r.file} (${r1(key(r))})`).join(", ")}`);
  };
  log(`schemas ${summary.files} / compiled ${summary.compiled} / passing ${t.passing} (${summary.passingShare}%)`);
  log(`invalid accepted ${t.invalidAccepted}, valid rejected ${t.validRejected}; labelled invalid but ajv-valid and accepted: ${t.ajvDisagrees}`);
  if (!opt.reference) log(`mask/accept disagreements ${t.maskDisagrees}; crashes ${t.crashes}`);
  log(`mask µs p50 ${summary.maskUs.p50} p99 ${summary.maskUs.p99} max ${summary.maskUs.max} (${masks.length} masks)`);
  if (summary.maskCpuUs) log(`mask CPU µs p50 ${summary.maskCpuUs.p50} p99 ${summary.maskCpuUs.p99} max ${summary.maskCpuUs.max}; masks over 300 µs CPU: ${summary.maskCpuUs.over300}, over 10 ms: ${summary.maskCpuUs.over10ms}`);
  log(`schema compile ms p50 ${summary.schemaCompileMs.p50} p90 ${summary.schemaCompileMs.p90}; engine compile ms p50 ${summary.engineCompileMs.p50} p90 ${summary.engineCompileMs.p90}; both, per schema: p50 ${summary.totalCompileMs.p50} p90 ${summary.totalCompileMs.p90}`);
  log(`refusals: ${JSON.stringify(summary.refusals)}`);
  worst((r) => r.compileMs + (Number.isNaN(r.engineMs) ? 0 : r.engineMs), "compile ms");
  worst((r) => r.maxMaskUs, "max mask µs");
  if (opt.cpu) {
    worst((r) => slowMasks.get(r.file)?.maxCpuUs ?? 0, "max mask CPU µs");
    worst((r) => slowMasks.get(r.file)?.over300 ?? 0, "masks over 300 µs CPU");
  }
  worst((r) => r.invalidAccepted, "invalid accepted");
  worst((r) => r.validRejected, "valid rejected");
  for (const r of results.filter((x) => x.invalidAccepted > 0)) log(`INVALID ACCEPTED: ${r.file} (${r.invalidAccepted})`);
  for (const r of results.filter((x) => x.failure?.code === "crash")) log(`CRASH (${r.failure?.stage}): ${r.file}: ${r.failure?.message}`);
  let code = t.invalidAccepted > 0 ? 1 : 0;
  const yamlRuns: Record<string, Record<string, unknown>> = {};
  if (opt.syntax === "yaml" && compiler) {
    log(`| syntax | compiled | passing | invalid accepted | valid rejected | mask µs p50 / p99 | schema compile ms p50 / p90 | engine compile ms p50 / p90 |`);
    log(`|---|---|---|---|---|---|---|---|`);
    log(`| JSON | ${t.compiled} | ${t.passing} | ${t.invalidAccepted} | ${t.validRejected} | ${summary.maskUs.p50} / ${summary.maskUs.p99} | ${summary.schemaCompileMs.p50} / ${summary.schemaCompileMs.p90} | ${summary.engineCompileMs.p50} / ${summary.engineCompileMs.p90} |`);
  }
  for (const [run, layout] of (opt.syntax === "yaml" && compiler ? opt.yamlLayouts : []).entries()) {
    // The same files with YAML texts, in the same run: the JSON figures above are the peer.
    const again = opt.yamlLayouts.slice(0, run).filter((l) => l === layout).length;
    const label = `${layout === "exact" ? "YAML" : "YAML flexible"}${again ? ` (run ${again + 1})` : ""}`;
    const yMask: number[] = [];
    const yCpu: number[] | undefined = opt.cpu ? [] : undefined;
    const yStarted = performance.now();
    const ySlow = new Map<string, { over300: number; maxCpuUs: number }>();
    const yr = files.map((file) => {
      const before = yCpu?.length ?? 0;
      const r = evaluateMaskBenchPath(opt.data, file, { compiler: compiler!, tokenizer, masks: opt.masks, maskUs: yMask, maskCpuUs: yCpu, syntax: "yaml", yamlLayout: layout });
      if (yCpu) {
        const mine = yCpu.slice(before);
        ySlow.set(file, { over300: mine.filter((x) => x > 300).length, maxCpuUs: mine.reduce((m, x) => (x > m ? x : m), 0) });
      }
      return r;
    });
    const yt = totalsOf(yr);
    const yc = yr.filter((r) => r.compiled);
    const yCompile = yc.map((r) => r.compileMs).sort((a, b) => a - b);
    const yEngine = yc.map((r) => r.engineMs).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    yMask.sort((a, b) => a - b);
    yCpu?.sort((a, b) => a - b);
    // Passing among the files both syntaxes compile, side by side.
    const both = new Set(compiled.map((r) => r.file).filter((f) => yc.some((r) => r.file === f)));
    const jsonPassingBoth = results.filter((r) => both.has(r.file) && r.passing).length;
    const yamlPassingBoth = yr.filter((r) => both.has(r.file) && r.passing).length;
    const yaml: Record<string, unknown> = (yamlRuns[`${layout === "exact" ? "yaml" : "yamlFlexible"}${again ? again + 1 : ""}`] = {
      compiled: yt.compiled,
      passing: yt.passing,
      invalidAccepted: yt.invalidAccepted,
      validRejected: yt.validRejected,
      crashes: yt.crashes,
      maskUs: { n: yMask.length, p50: r1(pct(yMask, 0.5)), p99: r1(pct(yMask, 0.99)), max: r1(yMask[yMask.length - 1] ?? NaN) },
      ...(yCpu ? { maskCpuUs: { p50: pct(yCpu, 0.5), p99: pct(yCpu, 0.99), max: yCpu[yCpu.length - 1] ?? NaN, over300: yCpu.filter((x) => x > 300).length } } : {}),
      schemaCompileMs: { p50: ms3(pct(yCompile, 0.5)), p90: ms3(pct(yCompile, 0.9)) },
      engineCompileMs: { p50: ms3(pct(yEngine, 0.5)), p90: ms3(pct(yEngine, 0.9)) },
      bothCompiled: both.size,
      passingWhereBothCompile: { json: jsonPassingBoth, yaml: yamlPassingBoth },
      refusals: yt.refusals,
      seconds: r1((performance.now() - yStarted) / 1000),
    });
    log(`| ${label} | ${yt.compiled} | ${yt.passing} | ${yt.invalidAccepted} | ${yt.validRejected} | ${r1(pct(yMask, 0.5))} / ${r1(pct(yMask, 0.99))} | ${ms3(pct(yCompile, 0.5))} / ${ms3(pct(yCompile, 0.9))} | ${ms3(pct(yEngine, 0.5))} / ${ms3(pct(yEngine, 0.9))} |`);
    if (yCpu) {
      worst((r) => ySlow.get(r.file)?.maxCpuUs ?? 0, `${label} max mask CPU µs`, yr.filter((r) => r.compiled));
      worst((r) => ySlow.get(r.file)?.over300 ?? 0, `${label} masks over 300 µs CPU`, yr.filter((r) => r.compiled));
    }
    if (yCpu) log(`  ${label} mask CPU µs p50 ${pct(yCpu, 0.5)} p99 ${pct(yCpu, 0.99)} max ${yCpu[yCpu.length - 1] ?? NaN}; masks over 300 µs CPU: ${yCpu.filter((x) => x > 300).length}`);
    log(`  ${label}: files both compile: ${both.size}; passing there: JSON ${jsonPassingBoth}, YAML ${yamlPassingBoth} (${both.size ? r1((100 * yamlPassingBoth) / Math.max(1, jsonPassingBoth)) : 0}% of JSON's)`);
    // Completeness (issue 12): per schema, the share of its valid instances whose text is accepted, JSON
    // (JSON.stringify) beside YAML (the `yaml` package's text in the dialect's style), where both compile.
    const byFile = new Map(results.map((r) => [r.file, r] as const));
    const rows = yr.filter((r) => both.has(r.file) && r.validInstances > 0).map((y) => ({ file: y.file, n: y.validInstances, json: byFile.get(y.file)!.validAccepted, yaml: y.validAccepted, unsafe: y.unsafeTexts ?? 0 }));
    const sum = (f: (x: (typeof rows)[number]) => number) => rows.reduce((a, x) => a + f(x), 0);
    const meanShare = (f: (x: (typeof rows)[number]) => number) => (rows.length ? (100 * sum((x) => f(x) / x.n)) / rows.length : 0);
    const safeRows = rows.filter((x) => x.n > x.unsafe);
    const completeness = {
      schemas: rows.length,
      instances: sum((x) => x.n),
      jsonAccepted: sum((x) => x.json),
      yamlAccepted: sum((x) => x.yaml),
      unsafeTexts: sum((x) => x.unsafe),
      unsafeAccepted: yr.reduce((a, r) => a + (r.unsafeAccepted ?? 0), 0),
      meanShareJson: r1(meanShare((x) => x.json)),
      meanShareYaml: r1(meanShare((x) => x.yaml)),
      meanShareYamlOfSafe: r1(safeRows.length ? (100 * safeRows.reduce((a, x) => a + x.yaml / (x.n - x.unsafe), 0)) / safeRows.length : 0),
      schemasFullJson: rows.filter((x) => x.json === x.n).length,
      schemasFullYaml: rows.filter((x) => x.yaml === x.n).length,
      schemasFullYamlOfSafe: rows.filter((x) => x.yaml === x.n - x.unsafe).length,
      dialectRejected: yr.filter((r) => both.has(r.file)).reduce((a, r) => a + (r.dialectRejected ?? 0), 0),
      ...(layout === "flexible"
        ? {
            zeroIndentTexts: yr.reduce((a, r) => a + (r.zeroIndentTexts ?? 0), 0),
            zeroIndentAccepted: yr.reduce((a, r) => a + (r.zeroIndentAccepted ?? 0), 0),
            blockTexts: yr.reduce((a, r) => a + (r.blockTexts ?? 0), 0),
            blockAccepted: yr.reduce((a, r) => a + (r.blockAccepted ?? 0), 0),
          }
        : {}),
      byFile: rows,
    };
    yaml.completeness = completeness;
    log(`${label} completeness, ${rows.length} schemas both compile with valid instances (${completeness.instances} instances): accepted JSON ${completeness.jsonAccepted}, YAML (\`yaml\` package text) ${completeness.yamlAccepted}; mean per-schema share JSON ${completeness.meanShareJson}%, YAML ${completeness.meanShareYaml}% (${r1((100 * completeness.meanShareYaml) / Math.max(1e-9, completeness.meanShareJson))}% of JSON's); schemas with every instance accepted JSON ${completeness.schemasFullJson}, YAML ${completeness.schemasFullYaml}`);
    log(`  \`yaml\` texts that some YAML 1.1/1.2 resolver reads differently (rejected by design): ${completeness.unsafeTexts}, accepted ${completeness.unsafeAccepted} (must be 0); of the rest, mean per-schema share YAML ${completeness.meanShareYamlOfSafe}%, schemas with all accepted ${completeness.schemasFullYamlOfSafe}; dialect texts (stringifyYaml) rejected ${completeness.dialectRejected}`);
    if (layout === "flexible") {
      log(`  \`yaml\` texts with indentSeq: false (sequences at their key's column) of valid instances: ${completeness.zeroIndentTexts}, accepted ${completeness.zeroIndentAccepted} (each rejected one is a valid instance rejected)`);
      log(`  \`yaml\` texts in block style only (arrays of scalars as block sequences) of valid instances: ${completeness.blockTexts}, accepted ${completeness.blockAccepted} (each rejected one is a valid instance rejected)`);
    }
    for (const x of rows.filter((x) => x.yaml < x.json)) log(`  share below JSON's: ${x.file}: YAML ${x.yaml}/${x.n} (${x.unsafe} not read alike), JSON ${x.json}/${x.n}`);
    if (completeness.unsafeAccepted > 0) code = 1;
    log(`  ${label} refusals: ${JSON.stringify(yt.refusals)}`);
    for (const r of yr.filter((x) => x.invalidAccepted > 0)) log(`${label} INVALID ACCEPTED: ${r.file} (${r.invalidAccepted})`);
    for (const r of yr.filter((x) => x.failure?.code === "crash")) log(`${label} CRASH (${r.failure?.stage}): ${r.file}: ${r.failure?.message}`);
    if (yt.invalidAccepted > 0 || yt.crashes > 0) code = 1;
  }
  let tokens: Record<string, number> | undefined;
  if (opt.tokens) {
    // Tokens per valid instance with the Qwen tokenizer: the cost teams choose YAML for.
    const count = (s: string) => tokenizer.encode(s, { add_special_tokens: false }).length;
    const sum = { instances: 0, jsonCompact: 0, jsonPretty: 0, yaml: 0, yamlBlock: 0 };
    for (const file of files) {
      const doc = JSON.parse(readFileSync(join(opt.data, file), "utf8")) as { tests: { data: unknown; valid: boolean }[] };
      for (const t of doc.tests) {
        const y = t.valid ? stringifyYaml(t.data) : null;
        if (y === null) continue;
        sum.instances++;
        sum.jsonCompact += count(JSON.stringify(t.data));
        sum.jsonPretty += count(JSON.stringify(t.data, null, 2));
        sum.yaml += count(y.replace(/\n$/, ""));
        // The same layout with every array in block style (flowSequences: "never"): what flow sequences save.
        sum.yamlBlock += count(stringifyYaml(t.data, 2, "never")!.replace(/\n$/, ""));
      }
    }
    const ratio = (a: number, b: number) => Math.round((1000 * a) / b) / 1000;
    tokens = { ...sum, yamlVsCompact: ratio(sum.yaml, sum.jsonCompact), yamlVsPretty: ratio(sum.yaml, sum.jsonPretty), yamlBlockVsCompact: ratio(sum.yamlBlock, sum.jsonCompact), yamlBlockVsPretty: ratio(sum.yamlBlock, sum.jsonPretty) };
    log(`tokens (Qwen) over ${sum.instances} valid instances: compact JSON ${sum.jsonCompact}, pretty JSON ${sum.jsonPretty}, YAML ${sum.yaml}; YAML / compact ${tokens.yamlVsCompact}, YAML / pretty ${tokens.yamlVsPretty}`);
    log(`  YAML with every array in block style (flowSequences: "never") ${sum.yamlBlock}; / compact ${tokens.yamlBlockVsCompact}, / pretty ${tokens.yamlBlockVsPretty}`);
  }
  if (opt.json) console.log(JSON.stringify({ ...summary, ...yamlRuns, ...(tokens ? { tokens } : {}) }));
  if (opt.reference) {
    if (opt.checkBaseline && existsSync(referenceBaselinePath)) {
      const b = JSON.parse(readFileSync(referenceBaselinePath, "utf8")) as { passing: number; invalidAccepted: number; files: number; acceptance?: string };
      if (b.files === t.files && (t.passing < b.passing || t.invalidAccepted > b.invalidAccepted)) {
        console.error(`maskbench: regression against the reference baseline (passing ${b.passing} -> ${t.passing}, invalid accepted ${b.invalidAccepted} -> ${t.invalidAccepted})`);
        code = 1;
      }
    }
    if (opt.updateBaseline) writeFileSync(referenceBaselinePath, `${JSON.stringify({ data: opt.data.split("/").pop(), files: t.files, compiled: t.compiled, passing: t.passing, invalidAccepted: t.invalidAccepted, acceptance: "reference" }, null, 1)}\n`);
  } else {
    if (opt.checkBaseline) {
      const baseline = existsSync(opt.baseline) ? readEngineBaseline(opt.baseline) : null;
      const v = compareWithBaseline(results, baseline);
      for (const line of v.improvements) log(`improvement: ${line}`);
      if (v.regressions.length || v.crashes.length) {
        console.error(`maskbench: regression against ${opt.baseline}:\n  ${[...v.regressions, ...v.crashes].join("\n  ")}`);
        code = 1;
      }
      if (!baseline) {
        console.error(`maskbench: no baseline at ${opt.baseline} (record one with --update-baseline)`);
        code = 1;
      } else if (baseline.totals.files === t.files && t.passing < baseline.totals.passing) {
        console.error(`maskbench: passing ${t.passing} is below the baseline's ${baseline.totals.passing} (same ${t.files} files)`);
        code = 1;
      }
    }
    if (opt.updateBaseline) writeEngineBaseline(opt.baseline, opt.data.split("/").pop() ?? opt.data, opt.every, results);
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
