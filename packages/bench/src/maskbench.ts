/**
 * MaskBench runner: for every MaskBench-format file in a folder
 * (`{description, schema, tests: [{data, valid}]}`), compile the schema with
 * `@formwork/json-schema` and the grammar engine (each timed), tokenize each
 * instance's JSON text (`JSON.stringify(data)`) with the Qwen vocabulary,
 * walk the matcher through the tokens computing the mask before each one
 * (timed), and check acceptance against `valid`.
 *
 * Usage: pnpm bench:maskbench --data DIR [--json] [--limit N] [--every K]
 *        [--no-masks] [--reference] [--update-baseline] [--check-baseline]
 *
 * `--every K` takes every K-th file (a spread sample); `--limit N` the first N.
 *
 * A schema "passes" when it compiles and every instance agrees. An instance
 * labelled invalid that ajv (the compiler's contract) accepts is counted as
 * `ajvDisagrees`, not as invalid accepted, and does not fail the schema. `--reference`
 * decides acceptance with the reference recognizer instead of the engine (no
 * masks). `--check-baseline` exits 1 when passing drops below, or invalid
 * accepted rises above, tests/baselines/json-schema-maskbench.json.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TokenMask } from "@formwork/core";
import { GrammarCompiler, referenceMatch, type Grammar } from "@formwork/grammar";
import { compileSchema, createValidator } from "@formwork/json-schema";
import { hfTokenizer, npmVocabulary } from "@formwork/testkit";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const baselinePath = join(repoRoot, "tests/baselines/json-schema-maskbench.json");

interface Options {
  data: string;
  json: boolean;
  limit: number;
  every: number;
  masks: boolean;
  reference: boolean;
  updateBaseline: boolean;
  checkBaseline: boolean;
}

function parseArgs(): Options {
  const a = process.argv.slice(2);
  const get = (k: string) => {
    const i = a.indexOf(k);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const data = get("--data") ?? join(process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data"), "maskbench-dev");
  return {
    data,
    json: a.includes("--json"),
    limit: Number(get("--limit") ?? Infinity),
    every: Number(get("--every") ?? 1),
    masks: !a.includes("--no-masks") && !a.includes("--reference"),
    reference: a.includes("--reference"),
    updateBaseline: a.includes("--update-baseline"),
    checkBaseline: a.includes("--check-baseline"),
  };
}

const pct = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
const r1 = (x: number) => Math.round(x * 10) / 10;

interface FileResult {
  file: string;
  compiled: boolean;
  error?: string;
  compileMs: number;
  engineMs: number;
  invalidAccepted: number;
  validRejected: number;
  ajvDisagrees: number;
  maxMaskUs: number;
  passing: boolean;
}

async function main(): Promise<number> {
  const opt = parseArgs();
  if (!existsSync(opt.data)) {
    console.error(`maskbench: no data folder ${opt.data} (pass --data DIR)`);
    return 2;
  }
  const files = readdirSync(opt.data).filter((f) => f.endsWith(".json")).sort().filter((_, i) => i % opt.every === 0).slice(0, opt.limit);
  const vocab = npmVocabulary("qwen3");
  const tok = await hfTokenizer("qwen3");
  const compiler = opt.reference ? null : new GrammarCompiler(vocab);
  const mask = new TokenMask(vocab.size);
  const results: FileResult[] = [];
  const maskUs: number[] = [];
  const refusals = new Map<string, number>();
  const log = (s: string) => {
    if (!opt.json) console.log(s);
  };
  log(`MaskBench: ${files.length} files from ${opt.data}; ${opt.reference ? "reference recognizer" : "engine"} with the Qwen vocabulary (${vocab.size} ids); ${process.platform} ${process.arch}, Node ${process.version}`);
  const started = performance.now();
  for (const [n, file] of files.entries()) {
    const doc = JSON.parse(readFileSync(join(opt.data, file), "utf8")) as { schema: unknown; tests: { data: unknown; valid: boolean }[] };
    const r: FileResult = { file, compiled: false, compileMs: NaN, engineMs: NaN, invalidAccepted: 0, validRejected: 0, ajvDisagrees: 0, maxMaskUs: 0, passing: false };
    results.push(r);
    let grammar: Grammar;
    let t0 = performance.now();
    try {
      grammar = compileSchema(doc.schema).grammar;
      r.compileMs = performance.now() - t0;
    } catch (e) {
      const code = (e as { code?: string }).code ?? "crash";
      r.error = `${code}: ${(e as Error).message.slice(0, 160)}`;
      refusals.set(code, (refusals.get(code) ?? 0) + 1);
      continue;
    }
    let accept: (text: string) => boolean;
    let walk: ((ids: number[]) => boolean) | null = null;
    try {
      t0 = performance.now();
      if (compiler) {
        const cg = compiler.compile(grammar);
        r.engineMs = performance.now() - t0;
        walk = (ids) => {
          const m = cg.createMatcher();
          for (let i = 0; i <= ids.length; i++) {
            if (opt.masks) {
              const t = performance.now();
              m.fillNextTokenMask(mask);
              const us = (performance.now() - t) * 1000;
              maskUs.push(us);
              if (us > r.maxMaskUs) r.maxMaskUs = us;
              if (i < ids.length && !mask.has(ids[i])) return false;
            }
            if (i === ids.length) break;
            if (!m.acceptToken(ids[i])) return false;
          }
          return m.isComplete();
        };
      }
      accept = (text) => (walk ? walk(tok.encode(text, { add_special_tokens: false })) : referenceMatch(grammar, text).accepted);
    } catch (e) {
      r.error = `engine: ${(e as Error).message.slice(0, 160)}`;
      refusals.set("engine-error", (refusals.get("engine-error") ?? 0) + 1);
      continue;
    }
    let ajv: ((v: unknown) => { valid: boolean }) | null = null;
    try {
      ajv = createValidator(doc.schema);
    } catch {
      ajv = null;
    }
    try {
      for (const t of doc.tests) {
        const ok = accept(JSON.stringify(t.data));
        // The compiler's contract is ajv: an instance labelled invalid whose value ajv accepts
        // (formats read differently, integers beyond 2^53 rounded by JSON.parse) is counted apart.
        if (ok && !t.valid) {
          if (ajv && ajv(t.data).valid) r.ajvDisagrees++;
          else r.invalidAccepted++;
        }
        if (!ok && t.valid) r.validRejected++;
      }
    } catch (e) {
      const code = `matcher: ${(e as { code?: string }).code ?? "crash"}`;
      r.error = `${code}: ${(e as Error).message.slice(0, 160)}`;
      refusals.set(code, (refusals.get(code) ?? 0) + 1);
      r.invalidAccepted = r.validRejected = 0;
      continue;
    }
    r.compiled = true;
    r.passing = r.invalidAccepted === 0 && r.validRejected === 0;
    if (!opt.json && (n + 1) % 500 === 0) log(`  ${n + 1} files, ${r1((performance.now() - started) / 1000)} s`);
  }
  const compiled = results.filter((r) => r.compiled);
  const passing = results.filter((r) => r.passing).length;
  const invalidAccepted = results.reduce((a, r) => a + r.invalidAccepted, 0);
  const validRejected = results.reduce((a, r) => a + r.validRejected, 0);
  const ajvDisagrees = results.reduce((a, r) => a + r.ajvDisagrees, 0);
  const compileMs = compiled.map((r) => r.compileMs).sort((a, b) => a - b);
  const engineMs = compiled.map((r) => r.engineMs).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const masks = maskUs.sort((a, b) => a - b);
  const summary = {
    files: files.length,
    compiled: compiled.length,
    passing,
    passingShare: Math.round((1000 * passing) / Math.max(1, files.length)) / 10,
    invalidAccepted,
    validRejected,
    ajvDisagrees,
    maskUs: { n: masks.length, p50: r1(pct(masks, 0.5)), p99: r1(pct(masks, 0.99)), max: r1(masks[masks.length - 1] ?? NaN) },
    schemaCompileMs: { p50: Math.round(pct(compileMs, 0.5) * 1000) / 1000, p90: Math.round(pct(compileMs, 0.9) * 1000) / 1000 },
    engineCompileMs: { p50: Math.round(pct(engineMs, 0.5)), p90: Math.round(pct(engineMs, 0.9)) },
    refusals: Object.fromEntries([...refusals].sort((a, b) => b[1] - a[1])),
    acceptance: opt.reference ? "reference" : "engine",
  };
  const worst = (key: (r: FileResult) => number, label: string) => {
    const top = compiled.slice().sort((a, b) => key(b) - key(a)).slice(0, 5);
    log(`worst by ${label}: ${top.map((r) => `${r.file} (${r1(key(r))})`).join(", ")}`);
  };
  log(`schemas ${summary.files} / compiled ${summary.compiled} / passing ${passing} (${summary.passingShare}%)`);
  log(`invalid accepted ${invalidAccepted}, valid rejected ${validRejected}; labelled invalid but ajv-valid and accepted: ${ajvDisagrees}`);
  log(`mask µs p50 ${summary.maskUs.p50} p99 ${summary.maskUs.p99} max ${summary.maskUs.max} (${masks.length} masks)`);
  log(`schema compile ms p50 ${summary.schemaCompileMs.p50} p90 ${summary.schemaCompileMs.p90}; engine compile ms p50 ${summary.engineCompileMs.p50} p90 ${summary.engineCompileMs.p90}`);
  log(`refusals: ${JSON.stringify(summary.refusals)}`);
  worst((r) => r.compileMs + (Number.isNaN(r.engineMs) ? 0 : r.engineMs), "compile ms");
  worst((r) => r.maxMaskUs, "max mask µs");
  worst((r) => r.invalidAccepted, "invalid accepted");
  worst((r) => r.validRejected, "valid rejected");
  for (const r of results.filter((x) => x.invalidAccepted > 0)) log(`INVALID ACCEPTED: ${r.file} (${r.invalidAccepted})`);
  if (opt.json) console.log(JSON.stringify(summary));
  if (opt.updateBaseline) writeFileSync(baselinePath, `${JSON.stringify({ data: opt.data.split("/").pop(), files: summary.files, compiled: summary.compiled, passing, invalidAccepted, acceptance: summary.acceptance }, null, 1)}\n`);
  if (opt.checkBaseline && existsSync(baselinePath)) {
    const b = JSON.parse(readFileSync(baselinePath, "utf8")) as { passing: number; invalidAccepted: number; files: number };
    if (b.files === summary.files && (passing < b.passing || invalidAccepted > b.invalidAccepted)) {
      console.error(`maskbench: regression against the baseline (passing ${b.passing} -> ${passing}, invalid accepted ${b.invalidAccepted} -> ${invalidAccepted})`);
      return 1;
    }
  }
  return invalidAccepted > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
