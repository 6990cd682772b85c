/**
 * Loads the repair tests' corruption generator (`packages/repair/test/corruptions.ts`)
 * into the benchmark, so tests and benchmark share one corpus. The file is
 * TypeScript outside this package, so it is transpiled (types stripped) into
 * a temporary module and imported from there; it imports only Node built-ins.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The generator's exports the benchmark uses (mirrors packages/repair/test/corruptions.ts). */
export interface CorruptionsModule {
  JSON_KINDS: readonly string[];
  SeededRandom: new (seed: number) => { next(): number; int(n: number): number; chance(p: number): boolean; pick<T>(xs: readonly T[]): T };
  buildJsonCorpus(samples: SchemaSample[], seed: number, randomCount?: number): JsonCase[];
  loadMaskbench(dir: string, limit: number, seed: number): SchemaSample[];
  sharedDataDir(repoRoot: string): string;
  writeCorrupted(value: unknown, style: Record<string, unknown>, rng: unknown): string;
}
/** A MaskBench schema with its valid instances. */
export interface SchemaSample {
  name: string;
  schema: unknown;
  instances: unknown[];
}
/** One corrupted document of the corpus. */
export interface JsonCase {
  kind: string;
  applied: string[];
  text: string;
  expected: unknown;
  schema?: unknown;
  prefix?: unknown;
  source: string;
}

/** Transpiles and imports the generator; `repoRoot` is the repository root. */
export async function loadCorruptions(repoRoot: string): Promise<CorruptionsModule> {
  const src = readFileSync(resolve(repoRoot, "packages/repair/test/corruptions.ts"), "utf8");
  const ts = (await import("typescript")).default;
  const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const dir = mkdtempSync(join(tmpdir(), "formwork-repair-bench-"));
  const file = join(dir, "corruptions.mjs");
  writeFileSync(file, out);
  return (await import(pathToFileURL(file).href)) as CorruptionsModule;
}
