/**
 * Benchmark results as files: `--out FILE` makes a benchmark write its JSON
 * summary there (docs/benchmarks/<bench>.json), with how and where it ran, so
 * that `pnpm bench:charts` can draw it and anyone can rerun the command.
 */
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";

/** How and where a benchmark ran. */
export interface RunInfo {
  command: string;
  date: string;
  node: string;
  cpu: string;
  cores: number;
  /** The 1-minute load average when the run ended (a busy machine inflates every time). */
  load: number;
}

export function runInfo(bench: string): RunInfo {
  return {
    command: `pnpm bench:${bench} ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    load: Math.round(loadavg()[0] * 10) / 10,
  };
}

/** The value after `flag` in the arguments (`--passes 3` → "3"), if the flag is there. */
export function flagValue(flag: string, argv: readonly string[] = process.argv.slice(2)): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The value of `--out FILE` in the arguments, if any. */
export function outArg(argv: readonly string[] = process.argv.slice(2)): string | undefined {
  return flagValue("--out", argv);
}

/** Writes `result` with its {@link RunInfo} to `path` as JSON. */
export function writeResult(path: string, bench: string, result: object): void {
  writeFileSync(path, `${JSON.stringify({ bench, run: runInfo(bench), ...result }, null, 1)}\n`);
  process.stderr.write(`${bench}: results written to ${path} (pnpm bench:charts draws them)\n`);
}
