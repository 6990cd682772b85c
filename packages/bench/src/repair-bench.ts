/**
 * Repair benchmark (`pnpm bench:repair`, `--json` for one summary line):
 * on the corruption corpus of the repair tests, the share of documents that
 * Formwork's `repairJson` and jsonrepair (npm) each bring back to the
 * original value, by kind of mistake, in the same run; then time per KB of
 * both at 1 KB, 100 KB, 1 MB and 10 MB.
 *
 * Options: `--files N` MaskBench files to sample (default 800), `--seed N`
 * (default 11), `--sizes 1e3,1e5,1e6,1e7`, `--json`.
 */
import { cpus, loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { jsonrepair } from "jsonrepair";
import { repairJson } from "@formwork/repair";
import { loadCorruptions, type JsonCase, type SchemaSample } from "./repair-corpus-loader.js";

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
}

function scoreCorpus(cases: JsonCase[], kinds: readonly string[]): KindRow[] {
  const rows = new Map<string, KindRow>();
  for (const c of cases) {
    let kind = c.kind;
    if (kind === "truncation") kind = c.prefix !== undefined && validates(c.schema, c.prefix) ? "truncation (completable)" : "truncation (not completable)";
    const row = rows.get(kind) ?? { kind, cases: 0, formwork: 0, jsonrepair: 0 };
    rows.set(kind, row);
    row.cases++;
    const jr = viaJsonrepair(c.text);
    if (c.kind === "truncation") {
      const fw = repairJson(c.text, { schema: c.schema });
      if (fw.ok) row.formwork++;
      if (jr.ok && validates(c.schema, jr.value)) row.jsonrepair++;
    } else {
      const fw = repairJson(c.text);
      if (fw.ok && same(fw.value, c.expected)) row.formwork++;
      if (jr.ok && same(jr.value, c.expected)) row.jsonrepair++;
    }
  }
  const order = [...kinds.filter((k) => k !== "truncation"), "truncation (completable)", "truncation (not completable)"];
  return order.map((k) => rows.get(k)).filter((r): r is KindRow => r !== undefined);
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

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

function timing(mod: Awaited<ReturnType<typeof loadCorruptions>>, samples: SchemaSample[], sizes: number[]): TimingRow[] {
  const rng = new mod.SeededRandom(5);
  const values = samples.length > 0 ? samples.flatMap((s) => s.instances).filter((v) => v !== null && typeof v === "object") : [{ id: 1, name: "x", tags: ["a", "b"], ok: true, none: null }];
  // A typical corrupted style that both tools accept: single quotes, Python
  // literals, unquoted keys, trailing commas.
  const style = { indent: 2, quote: "single", unquotedKeys: true, trailingCommas: true, missingCommas: false, comments: false, python: true, jsUndefined: false, rawNewlines: false, rawQuotes: false, concat: false };
  const rows: TimingRow[] = [];
  let fwSlow = false;
  let jrSlow = false;
  for (const size of sizes) {
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
    options: { json: { type: "boolean", default: false }, files: { type: "string", default: "800" }, seed: { type: "string", default: "11" }, sizes: { type: "string", default: "1e3,1e5,1e6,1e7" } },
  });
  const mod = await loadCorruptions(repoRoot);
  const dataDir = mod.sharedDataDir(repoRoot);
  const samples = mod.loadMaskbench(dataDir, Number(values.files), Number(values.seed)).filter((s) => {
    try {
      repairJson("{}", { schema: s.schema });
      return true;
    } catch {
      return false; // ajv cannot compile it (remote $ref): left out
    }
  });
  const cases = mod.buildJsonCorpus(samples, Number(values.seed), 300);
  const t0 = performance.now();
  const kinds = scoreCorpus(cases, mod.JSON_KINDS);
  const scoreMs = performance.now() - t0;
  const sizes = values.sizes.split(",").map(Number);
  const times = timing(mod, samples, sizes);
  const machine = `${cpus()[0]?.model ?? "unknown CPU"} x${cpus().length}, node ${process.version}, load average ${loadavg()[0].toFixed(1)} at start`;

  const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
  const lines = [
    `Repair benchmark: ${cases.length} documents from ${samples.length > 0 ? `${samples.length} MaskBench files` : "generated values (no shared data)"}, seed ${values.seed}; ${machine}`,
    "",
    "| mistake kind | documents | Formwork | jsonrepair |",
    "|---|---:|---:|---:|",
    ...kinds.map((r) => `| ${r.kind} | ${r.cases} | ${pct(r.formwork, r.cases)} | ${pct(r.jsonrepair, r.cases)} |`),
    "",
    "Truncation rows count values that validate against the schema (jsonrepair has no schema; its output is checked the same way).",
    "\"completable\": the items written completely before the cut already validate, so a repair exists that invents nothing.",
    "",
    "| input size | Formwork CPU µs/KB (wall) | jsonrepair CPU µs/KB (wall) | JSON.parse of the repaired text, CPU µs/KB (baseline) | same value |",
    "|---:|---:|---:|---:|:---:|",
    ...times.map((r) => {
      const cell = (t: { cpu: number; wall: number } | null) => (t === null ? `not run (over ${SLOW_MS / 1000} s at the size before)` : `${t.cpu.toFixed(1)} (${t.wall.toFixed(1)})`);
      return `| ${(r.bytes / 1024).toFixed(0)} KB | ${cell(r.formwork)} | ${cell(r.jsonrepair)} | ${r.jsonParse.cpu.toFixed(1)} | ${r.agree === null ? "-" : r.agree ? "yes" : "no"} |`;
    }),
    "",
    "Medians of runs after warm-up; CPU time (with V8's GC threads) is the robust number when other work shares the machine. The JSON.parse column shows what the machine itself (caches, GC) does as inputs grow.",
    "",
  ];
  process.stdout.write(lines.join("\n"));
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ bench: "repair", machine, documents: cases.length, scoreMs: Math.round(scoreMs), kinds, timing: times })}\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`repair-bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
