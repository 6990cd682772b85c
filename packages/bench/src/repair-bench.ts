/**
 * Repair benchmark (`pnpm bench:repair`, `--json` for one summary line).
 * Three parts, each against jsonrepair (npm) in the same run:
 *
 * 1. the corruption corpus of the repair tests (MaskBench instances written
 *    with the mistakes of `corruptions.ts`): the share of documents each tool
 *    brings back to the original value, by kind of mistake;
 * 2. the real-world-shaped corpus (`real-world-corpus.ts`: the kinds of
 *    breakage of issue 16 and other repairers' documented behaviours), by
 *    kind, its `tune` and `held-out` parts apart; for Formwork also how many
 *    wrong values were flagged (`confidence` below certain, or `lossy`) and
 *    how many were silent (reported as a clean, certain repair);
 * 3. time per KB of both at 1 KB, 100 KB, 1 MB and 10 MB.
 *
 * Progress goes to stderr every few seconds. Options: `--files N` MaskBench
 * files for part 1 (default 800), `--real-files N` for part 2 (default 200),
 * `--seed N` (default 11), `--sizes 1e3,1e5,1e6,1e7`, `--parts` (default
 * `corruption,tune,held-out,timing`: which parts to run), `--json`, `--out FILE`
 * (the results as JSON for `pnpm bench:charts`: docs/benchmarks/repair.json).
 */
import { cpus, loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { jsonrepair } from "jsonrepair";
import { repairJson, type RepairResult } from "@formwork/repair";
import { loadCorpora, type CorruptionsModule, type JsonCase, type RealCase, type SchemaSample } from "./repair-corpus-loader.js";
import { writeResult } from "./results.js";
import { median } from "./stats.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}
/** True when `value` validates against `schema` as is (no repair edits needed). */
function validates(schema: unknown, value: unknown): boolean {
  if (value === undefined) return false;
  const r = repairJson(JSON.stringify(value), { schema });
  return r.ok && r.edits.every((e) => e.kind !== "coerce-type" && e.kind !== "match-enum" && e.kind !== "drop-property" && e.kind !== "fill-default");
}
function viaJsonrepair(text: string): { ok: boolean; value: unknown } {
  try {
    return { ok: true, value: JSON.parse(jsonrepair(text)) };
  } catch {
    return { ok: false, value: undefined };
  }
}

interface KindRow {
  kind: string;
  cases: number;
  formwork: number;
  jsonrepair: number;
  /** Formwork returned a wrong value but said so (confidence below certain, or lossy). */
  flagged: number;
  /** Formwork returned a wrong value reported as a clean, certain repair. */
  silent: number;
}

/** Prints progress to stderr at most every two seconds (and at the end of each phase). */
class Progress {
  private last = 0;
  private readonly t0 = performance.now();
  constructor(private readonly label: string, private readonly total: number) {
    process.stderr.write(`repair-bench: ${label}: ${total} documents\n`);
  }
  tick(done: number): void {
    const now = performance.now();
    if (now - this.last < 2000 && done < this.total) return;
    this.last = now;
    process.stderr.write(`repair-bench: ${this.label}: ${done}/${this.total} (${((now - this.t0) / 1000).toFixed(1)} s)\n`);
  }
}

/** Scores Formwork's result against the intended value. */
function judge(row: KindRow, fw: RepairResult, expected: unknown): void {
  if (fw.ok && same(fw.value, expected)) row.formwork++;
  else if (fw.ok && fw.confidence === "certain" && !fw.lossy) row.silent++;
  else if (fw.ok) row.flagged++;
}

function newRow(kind: string): KindRow {
  return { kind, cases: 0, formwork: 0, jsonrepair: 0, flagged: 0, silent: 0 };
}

function scoreCorpus(cases: JsonCase[], kinds: readonly string[]): KindRow[] {
  const rows = new Map<string, KindRow>();
  const progress = new Progress("corruption corpus", cases.length);
  cases.forEach((c, i) => {
    progress.tick(i + 1);
    let kind = c.kind;
    if (kind === "truncation") kind = c.prefix !== undefined && validates(c.schema, c.prefix) ? "truncation (completable)" : "truncation (not completable)";
    const row = rows.get(kind) ?? newRow(kind);
    rows.set(kind, row);
    row.cases++;
    const jr = viaJsonrepair(c.text);
    if (c.kind === "truncation") {
      const fw = repairJson(c.text, { schema: c.schema });
      if (fw.ok) row.formwork++;
      if (jr.ok && validates(c.schema, jr.value)) row.jsonrepair++;
    } else {
      judge(row, repairJson(c.text), c.expected);
      if (jr.ok && same(jr.value, c.expected)) row.jsonrepair++;
    }
  });
  const order = [...kinds.filter((k) => k !== "truncation"), "truncation (completable)", "truncation (not completable)"];
  return order.map((k) => rows.get(k)).filter((r): r is KindRow => r !== undefined);
}

/** Scores the real-world corpus: rows per kind, for one part. */
function scoreReal(cases: RealCase[], kinds: readonly string[], label: string): KindRow[] {
  const rows = new Map<string, KindRow>(kinds.map((k) => [k, newRow(k)]));
  const progress = new Progress(label, cases.length);
  cases.forEach((c, i) => {
    progress.tick(i + 1);
    const row = rows.get(c.kind)!;
    row.cases++;
    judge(row, repairJson(c.text), c.expected);
    const jr = viaJsonrepair(c.text);
    if (jr.ok && same(jr.value, c.expected)) row.jsonrepair++;
  });
  const total = newRow("all kinds");
  for (const r of rows.values()) for (const k of ["cases", "formwork", "jsonrepair", "flagged", "silent"] as const) total[k] += r[k];
  return [...rows.values(), total];
}

interface TimingRow {
  bytes: number;
  /**
   * Per tool, µs per KB of input: `cpu` (process CPU time, median run; robust
   * when other work shares the machine) and `wall` (wall clock, median run).
   * null when not measured (the previous size took over SLOW_MS per run).
   */
  formwork: { cpu: number; wall: number } | null;
  jsonrepair: { cpu: number; wall: number } | null;
  /** Baseline: native `JSON.parse` of the repaired (valid) document, µs per KB of input. */
  jsonParse: { cpu: number; wall: number };
  /** Both tools returned the same value (null when one was not measured). */
  agree: boolean | null;
}

/** A tool whose run at one size takes longer than this is not timed at larger sizes. */
const SLOW_MS = 20_000;


/**
 * Times `f`: warms up (up to 3 runs or 500 ms), then repeats for about a
 * second (at least 5 runs; 1 when a run takes over 2 s). Returns the median
 * CPU time and the median wall time per run, in ms.
 */
function timeRuns(f: () => void): { cpu: number; wall: number } {
  const warmUntil = performance.now() + 500;
  for (let i = 0; i < 3 && performance.now() < warmUntil; i++) f();
  const walls: number[] = [];
  const cpus_: number[] = [];
  const until = performance.now() + 1000;
  while (walls.length < 5 || (performance.now() < until && walls.length < 5000)) {
    if (walls.length === 1 && walls[0] > 2000) break;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus_.push((c.user + c.system) / 1000);
  }
  return { cpu: median(cpus_), wall: median(walls) };
}

function timing(mod: CorruptionsModule, samples: SchemaSample[], sizes: number[]): TimingRow[] {
  const rng = new mod.SeededRandom(5);
  const values = samples.length > 0 ? samples.flatMap((s) => s.instances).filter((v) => v !== null && typeof v === "object") : [{ id: 1, name: "x", tags: ["a", "b"], ok: true, none: null }];
  // A typical corrupted style that both tools accept: single quotes, Python
  // literals, unquoted keys, trailing commas.
  const style = { indent: 2, quote: "single", unquotedKeys: true, trailingCommas: true, missingCommas: false, comments: false, python: true, jsUndefined: false, rawNewlines: false, rawQuotes: false, concat: false };
  const rows: TimingRow[] = [];
  let fwSlow = false;
  let jrSlow = false;
  for (const size of sizes) {
    process.stderr.write(`repair-bench: timing at ${size} bytes\n`);
    const parts: string[] = [];
    let len = 2;
    let i = 0;
    while (len < size) {
      const p = mod.writeCorrupted(values[i++ % values.length], style, rng);
      parts.push(p);
      len += p.length + 2;
    }
    const text = `[\n${parts.join(",\n")}\n]`;
    const perKb = (t: { cpu: number; wall: number }) => ({ cpu: (t.cpu * 1000 * 1024) / text.length, wall: (t.wall * 1000 * 1024) / text.length });
    let fwValue: unknown;
    let jrValue: unknown;
    const fw = fwSlow ? null : timeRuns(() => (fwValue = repairJson(text).value));
    const jr = jrSlow ? null : timeRuns(() => (jrValue = JSON.parse(jsonrepair(text))));
    const clean = JSON.stringify(repairJson(text).value);
    const native = timeRuns(() => JSON.parse(clean));
    if (fw !== null && fw.wall * 10 > SLOW_MS) fwSlow = true; // the next size is 10x larger
    if (jr !== null && jr.wall * 10 > SLOW_MS) jrSlow = true;
    rows.push({
      bytes: text.length,
      formwork: fw === null ? null : perKb(fw),
      jsonrepair: jr === null ? null : perKb(jr),
      jsonParse: perKb(native),
      agree: fw === null || jr === null ? null : same(fwValue, jrValue),
    });
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      files: { type: "string", default: "800" },
      "real-files": { type: "string", default: "200" },
      seed: { type: "string", default: "11" },
      sizes: { type: "string", default: "1e3,1e5,1e6,1e7" },
      parts: { type: "string", default: "corruption,tune,held-out,timing" },
      out: { type: "string" },
    },
  });
  const parts = new Set(values.parts.split(","));
  const { corruptions: mod, realWorld } = await loadCorpora(repoRoot);
  const dataDir = mod.sharedDataDir(repoRoot);
  const compiles = (s: SchemaSample) => {
    try {
      repairJson("{}", { schema: s.schema });
      return true;
    } catch {
      return false; // ajv cannot compile it (remote $ref): left out
    }
  };
  process.stderr.write("repair-bench: loading MaskBench samples\n");
  const samples = parts.has("corruption") || parts.has("timing") ? mod.loadMaskbench(dataDir, Number(values.files), Number(values.seed)).filter(compiles) : [];
  const cases = parts.has("corruption") ? mod.buildJsonCorpus(samples, Number(values.seed), 300) : [];
  const t0 = performance.now();
  const kinds = parts.has("corruption") ? scoreCorpus(cases, mod.JSON_KINDS) : [];
  const scoreMs = performance.now() - t0;
  const anyReal = parts.has("tune") || parts.has("held-out");
  const realSamples = anyReal ? realWorld.realWorldSamples(dataDir, Number(values["real-files"])) : [];
  const real = anyReal ? realWorld.buildRealWorldCorpus(realSamples, 16) : [];
  const tune = parts.has("tune") ? scoreReal(real.filter((c) => c.part === "tune"), realWorld.REAL_KINDS, "real-world corpus (tune)") : [];
  const heldOut = parts.has("held-out") ? scoreReal(real.filter((c) => c.part === "held-out"), realWorld.REAL_KINDS, "real-world corpus (held-out)") : [];
  const sizes = values.sizes.split(",").map(Number);
  const times = parts.has("timing") ? timing(mod, samples, sizes) : [];
  const machine = `${cpus()[0]?.model ?? "unknown CPU"} x${cpus().length}, node ${process.version}, load average ${loadavg()[0].toFixed(1)} at start`;

  const pct = (n: number, d: number) => (d === 0 ? "-" : `${((100 * n) / d).toFixed(1)}%`);
  const kindTable = (rows: KindRow[], withFlags: boolean) => [
    withFlags ? "| kind | documents | Formwork | jsonrepair | Formwork wrong, flagged | Formwork wrong, silent |" : "| mistake kind | documents | Formwork | jsonrepair | Formwork wrong, silent |",
    withFlags ? "|---|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|",
    ...rows.map((r) =>
      withFlags
        ? `| ${r.kind} | ${r.cases} | ${pct(r.formwork, r.cases)} | ${pct(r.jsonrepair, r.cases)} | ${r.flagged} | ${r.silent} |`
        : `| ${r.kind} | ${r.cases} | ${pct(r.formwork, r.cases)} | ${pct(r.jsonrepair, r.cases)} | ${r.kind.startsWith("truncation") ? "-" : r.silent} |`,
    ),
  ];
  const lines = [`Repair benchmark, ${machine}`, ""];
  if (parts.has("corruption")) {
    lines.push(
      `Corruption corpus: ${cases.length} documents from ${samples.length > 0 ? `${samples.length} MaskBench files` : "generated values (no shared data)"}, seed ${values.seed}`,
      "",
      ...kindTable(kinds, false),
      "",
      "Truncation rows count values that validate against the schema (jsonrepair has no schema; its output is checked the same way).",
      "\"completable\": the items written completely before the cut already validate, so a repair exists that invents nothing.",
      "",
    );
  }
  if (anyReal) {
    const src = realSamples.length > 0 ? `${realSamples.length} MaskBench files (half per part) and generated records` : "generated records (no shared data)";
    if (parts.has("tune")) lines.push(`Real-world-shaped corpus, tune part (used while developing): ${tune[tune.length - 1].cases} documents from ${src}`, "", ...kindTable(tune, true), "");
    if (parts.has("held-out")) {
      lines.push(`Real-world-shaped corpus, held-out part (other values, another seed, variants only this part has): ${heldOut[heldOut.length - 1].cases} documents from ${src}`, "", ...kindTable(heldOut, true), "");
    }
    lines.push(
      "A value counts when it equals the intended one. \"flagged\": Formwork returned a wrong value with confidence below certain or lossy; \"silent\": a wrong value reported as a clean, certain repair.",
      "",
    );
  }
  if (parts.has("timing")) {
    lines.push(
      "| input size | Formwork CPU µs/KB (wall) | jsonrepair CPU µs/KB (wall) | JSON.parse of the repaired text, CPU µs/KB (baseline) | same value |",
      "|---:|---:|---:|---:|:---:|",
      ...times.map((r) => {
        const cell = (t: { cpu: number; wall: number } | null) => (t === null ? `not run (over ${SLOW_MS / 1000} s at the size before)` : `${t.cpu.toFixed(1)} (${t.wall.toFixed(1)})`);
        return `| ${(r.bytes / 1024).toFixed(0)} KB | ${cell(r.formwork)} | ${cell(r.jsonrepair)} | ${r.jsonParse.cpu.toFixed(1)} | ${r.agree === null ? "-" : r.agree ? "yes" : "no"} |`;
      }),
      "",
      "Medians of runs after warm-up; CPU time (with V8's GC threads) is the robust number when other work shares the machine. The JSON.parse column shows what the machine itself (caches, GC) does as inputs grow.",
      "",
    );
  }
  process.stdout.write(lines.join("\n"));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ bench: "repair", machine, documents: cases.length, scoreMs: Math.round(scoreMs), kinds, realWorld: { tune, heldOut }, timing: times })}\n`);
  }
  if (values.out) writeResult(values.out, "repair", { documents: cases.length, kinds, realWorld: { tune, heldOut }, timing: times });
}

main().catch((err: unknown) => {
  process.stderr.write(`repair-bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
