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
  /** Median µs per KB; null when not measured (the previous size took over SLOW_MS per run). */
  formworkUsPerKb: number | null;
  /** Fastest run, µs per KB. */
  formworkMinUsPerKb: number | null;
  jsonrepairUsPerKb: number | null;
  /** Baseline: native `JSON.parse` of the repaired (valid) document, µs per KB of input; shows what the machine's memory does at each size. */
  jsonParseUsPerKb: number;
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
 * second (at least 5 runs; 1 when a run takes over 2 s) and returns the
 * median ms per run.
 */
function timeIt(f: () => void): number {
  return timeRuns(f).p50;
}

/** Like `timeIt`, returning the fastest run too (the least disturbed by other load on the machine). */
function timeRuns(f: () => void): { p50: number; min: number } {
  const warmUntil = performance.now() + 500;
  for (let i = 0; i < 3 && performance.now() < warmUntil; i++) f();
  const runs: number[] = [];
  const until = performance.now() + 1000;
  while (runs.length < 5 || (performance.now() < until && runs.length < 5000)) {
    if (runs.length === 1 && runs[0] > 2000) break;
    const t0 = performance.now();
    f();
    runs.push(performance.now() - t0);
  }
  return { p50: median(runs), min: Math.min(...runs) };
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
    const kb = text.length / 1024;
    let fwValue: unknown;
    let jrValue: unknown;
    const fwRuns = fwSlow ? null : timeRuns(() => (fwValue = repairJson(text).value));
    const fw = fwRuns?.p50 ?? null;
    const jr = jrSlow ? null : timeIt(() => (jrValue = JSON.parse(jsonrepair(text))));
    const clean = JSON.stringify(repairJson(text).value);
    const native = timeIt(() => JSON.parse(clean));
    if (fw !== null && fw * (size < 1e7 ? 10 : 1) > SLOW_MS) fwSlow = true;
    if (jr !== null && jr * 10 > SLOW_MS) jrSlow = true; // the next size is 10x larger
    rows.push({
      bytes: text.length,
      formworkUsPerKb: fw === null ? null : (fw * 1000) / kb,
      formworkMinUsPerKb: fwRuns === null ? null : (fwRuns.min * 1000) / kb,
      jsonrepairUsPerKb: jr === null ? null : (jr * 1000) / kb,
      jsonParseUsPerKb: (native * 1000) / kb,
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
    "| input size | Formwork µs/KB p50 (min) | jsonrepair µs/KB p50 | JSON.parse of the repaired text, µs/KB p50 (baseline) | same value |",
    "|---:|---:|---:|---:|:---:|",
    ...times.map(
      (r) =>
        `| ${(r.bytes / 1024).toFixed(0)} KB | ${r.formworkUsPerKb === null ? "not run" : `${r.formworkUsPerKb.toFixed(1)} (${r.formworkMinUsPerKb!.toFixed(1)})`} | ${r.jsonrepairUsPerKb?.toFixed(1) ?? `not run (over ${SLOW_MS / 1000} s)`} | ${r.jsonParseUsPerKb.toFixed(1)} | ${r.agree === null ? "-" : r.agree ? "yes" : "no"} |`,
    ),
    "",
    "Times are medians of wall-clock runs after warm-up. The JSON.parse column shows how much of any growth with size comes from the machine (caches, GC), not the algorithm.",
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
