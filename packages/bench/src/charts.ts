/**
 * Draws the benchmark results in docs/benchmarks/*.json (written by the
 * benchmarks' `--out FILE`) as SVG charts beside them: for `mask.json`,
 * mask-time distributions of Formwork and web-xgrammar measured in the same
 * run (mask-warm.svg, mask-cold.svg); for `decode.json`, ms per token of
 * node-llama-cpp alone, with its JSON-schema grammar, and Formwork
 * (decode.svg); for `repair.json`, the share of documents brought back by
 * kind of mistake and the CPU time per KB, Formwork beside jsonrepair
 * (repair-kinds.svg, repair-time.svg). Every chart names the command, the
 * machine and its load.
 *
 * Usage: pnpm bench:charts [--dir docs/benchmarks]
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunInfo } from "./results.js";
import type { Distribution } from "./stats.js";
import { barChart, boxPlotChart, type Row } from "./svg-chart.js";

const repoRoot = resolve(fileURLToPath(import.meta.url), "../../../..");

interface MaskRow {
  vocab: string;
  grammar: string;
  xgrammarGrammar: string | null;
  tokens: number;
  docs: number;
  formwork: { cold: Distribution; warm: Distribution };
  xgrammar: { cold: Distribution; warm: Distribution; error?: string };
}

interface DecodeRow {
  size: string;
  schema: string;
  temperature: number;
  plainMsPerToken: number;
  nlcGrammarMsPerToken: number;
  formworkMsPerToken: number;
  formworkNoFastForwardMsPerToken: number;
}

function subtitle(run: RunInfo, ...method: string[]): string[] {
  return [`${run.command}  (${run.date})`, `${run.cpu}, ${run.cores} cores, Node ${run.node}; load average ${run.load} at the end of the run`, ...method];
}

function maskCharts(dir: string, data: { run: RunInfo; passes: number; rows: MaskRow[] }): string[] {
  const written: string[] = [];
  for (const phase of ["warm", "cold"] as const) {
    const rows: Row<Distribution>[] = data.rows.map((r) => ({
      label: `${r.grammar} (${r.vocab})`,
      lanes: [
        { name: "formwork", value: r.formwork[phase] },
        {
          name: "web-xgrammar",
          value: r.xgrammar.error ? null : r.xgrammar[phase],
          note: r.xgrammar.error ? `not measured (${r.xgrammar.error.slice(0, 40)}${r.xgrammar.error.length > 40 ? "…" : ""})` : undefined,
        },
      ],
    }));
    const what = phase === "warm" ? `warm: per step, the median over passes 2-${data.passes}` : "cold: pass 1 on a fresh compiled grammar (cache fills)";
    const svg = boxPlotChart(
      { title: `Time to compute one token mask (${phase}), Formwork vs web-xgrammar, same run`, subtitle: subtitle(data.run, what, "box p25-p75, whiskers p10-p99, tick p50, dot max"), unit: "µs per mask (log scale)" },
      rows,
    );
    const file = join(dir, `mask-${phase}.svg`);
    writeFileSync(file, svg);
    written.push(file);
  }
  return written;
}

function decodeChart(dir: string, data: { run: RunInfo; seeds: number; rows: DecodeRow[] }): string[] {
  const rows: Row<number>[] = data.rows.map((r) => ({
    label: `${r.schema}, ${r.size} model, T=${r.temperature}`,
    lanes: [
      { name: "node-llama-cpp, no constraint", value: r.plainMsPerToken },
      { name: "node-llama-cpp JSON-schema grammar", value: r.nlcGrammarMsPerToken },
      { name: "formwork", value: r.formworkMsPerToken },
      { name: "formwork, no fast-forward", value: r.formworkNoFastForwardMsPerToken },
    ],
  }));
  const svg = barChart({ title: "Decode time per output token, same model, prompt and seeds", subtitle: subtitle(data.run, `median over ${data.seeds} seeds`), unit: "ms per token (lower is better)" }, rows);
  const file = join(dir, "decode.svg");
  writeFileSync(file, svg);
  return [file];
}

interface RepairKindRow {
  kind: string;
  cases: number;
  formwork: number;
  jsonrepair: number;
}

interface RepairTimingRow {
  bytes: number;
  formwork: { cpu: number } | null;
  jsonrepair: { cpu: number } | null;
  jsonParse: { cpu: number };
}

function repairCharts(dir: string, data: { run: RunInfo; documents: number; kinds: RepairKindRow[]; realWorld: { heldOut: RepairKindRow[] }; timing: RepairTimingRow[] }): string[] {
  const written: string[] = [];
  const share = (n: number, d: number) => (d === 0 ? null : (100 * n) / d);
  const kindRows = (rows: RepairKindRow[]): Row<number>[] =>
    rows.map((r) => ({ label: `${r.kind} (${r.cases})`, lanes: [{ name: "formwork", value: share(r.formwork, r.cases) }, { name: "jsonrepair", value: share(r.jsonrepair, r.cases) }] }));
  const parts: [string, RepairKindRow[], string][] = [
    ["repair-kinds.svg", data.kinds, `corruption corpus: ${data.documents} documents (MaskBench values written with the mistakes of corruptions.ts)`],
    ["repair-held-out.svg", data.realWorld.heldOut, "real-world-shaped corpus, held-out part (never used while developing)"],
  ];
  for (const [name, rows, what] of parts) {
    if (rows.length === 0) continue;
    const svg = barChart({ title: "Documents brought back to the intended value, by kind of mistake", subtitle: subtitle(data.run, what), unit: "% of documents (higher is better)" }, kindRows(rows));
    writeFileSync(join(dir, name), svg);
    written.push(join(dir, name));
  }
  if (data.timing.length > 0) {
    const kb = (b: number) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(0)} MB` : `${(b / 1024).toFixed(0)} KB`);
    const rows: Row<number>[] = data.timing.map((r) => ({
      label: `${kb(r.bytes)} input`,
      lanes: [
        { name: "formwork", value: r.formwork?.cpu ?? null, note: "not run (the size before took too long)" },
        { name: "jsonrepair", value: r.jsonrepair?.cpu ?? null, note: "not run (the size before took too long)" },
        { name: "JSON.parse of the repaired text", value: r.jsonParse.cpu },
      ],
    }));
    const svg = barChart({ title: "CPU time per KB of corrupted JSON, same texts, same run", subtitle: subtitle(data.run, "medians of runs after warm-up; JSON.parse of the clean text as the machine's baseline"), unit: "CPU µs per KB (lower is better)" }, rows);
    writeFileSync(join(dir, "repair-time.svg"), svg);
    written.push(join(dir, "repair-time.svg"));
  }
  return written;
}

function main(): number {
  const i = process.argv.indexOf("--dir");
  const dir = resolve(i >= 0 ? process.argv[i + 1] : join(repoRoot, "docs/benchmarks"));
  if (!existsSync(dir)) {
    console.error(`bench:charts: no folder ${dir}`);
    return 2;
  }
  let n = 0;
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const data = JSON.parse(readFileSync(join(dir, name), "utf8"));
    const files = data.bench === "mask" ? maskCharts(dir, data) : data.bench === "decode" ? decodeChart(dir, data) : data.bench === "repair" ? repairCharts(dir, data) : [];
    for (const f of files) console.log(`bench:charts: ${name} -> ${f}`);
    n += files.length;
  }
  if (n === 0) console.error(`bench:charts: no benchmark results in ${dir} (write them with a benchmark's --out FILE)`);
  return n === 0 ? 1 : 0;
}

process.exit(main());
