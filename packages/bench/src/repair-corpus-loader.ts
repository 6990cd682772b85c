/**
 * Loads the repair tests' corpus generators into the benchmark, so tests and
 * benchmark share one corpus: the corruption generator
 * (`packages/repair/test/corruptions.ts`) and the real-world-shaped corpus
 * (`packages/repair/test/real-world-corpus.ts`, which imports the first).
 * They are TypeScript outside this package, so they are transpiled (types
 * stripped) into a temporary folder and imported from there; they import
 * only Node built-ins and each other.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The corruption generator's exports the benchmark uses (mirrors packages/repair/test/corruptions.ts). */
export interface CorruptionsModule {
  JSON_KINDS: readonly string[];
  SeededRandom: new (seed: number) => { next(): number; int(n: number): number; chance(p: number): boolean; pick<T>(xs: readonly T[]): T };
  buildJsonCorpus(samples: SchemaSample[], seed: number, randomCount?: number): JsonCase[];
  loadMaskbench(dir: string, limit: number, seed: number): SchemaSample[];
  sharedDataDir(repoRoot: string): string;
  writeCorrupted(value: unknown, style: Record<string, unknown>, rng: unknown): string;
}
/** The real-world corpus's exports (mirrors packages/repair/test/real-world-corpus.ts). */
export interface RealWorldModule {
  REAL_KINDS: readonly string[];
  buildRealWorldCorpus(samples: SchemaSample[], seed: number, perKind?: number): RealCase[];
  realWorldSamples(dataDir: string, files?: number, seed?: number): SchemaSample[];
}
/** A MaskBench schema with its valid instances. */
export interface SchemaSample {
  name: string;
  schema: unknown;
  instances: unknown[];
}
/** One corrupted document of the corruption corpus. */
export interface JsonCase {
  kind: string;
  applied: string[];
  text: string;
  expected: unknown;
  schema?: unknown;
  prefix?: unknown;
  source: string;
}
/** One document of the real-world corpus. */
export interface RealCase {
  kind: string;
  part: "tune" | "held-out";
  variant: string;
  text: string;
  expected: unknown;
  source: string;
}

/** Transpiles and imports both generators; `repoRoot` is the repository root. */
export async function loadCorpora(repoRoot: string): Promise<{ corruptions: CorruptionsModule; realWorld: RealWorldModule }> {
  const ts = (await import("typescript")).default;
  const dir = mkdtempSync(join(tmpdir(), "formwork-repair-bench-"));
  writeFileSync(join(dir, "package.json"), '{"type":"module"}\n');
  for (const name of ["corruptions", "real-world-corpus"]) {
    const src = readFileSync(resolve(repoRoot, `packages/repair/test/${name}.ts`), "utf8");
    const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, `${name}.js`), out);
  }
  const corruptions = (await import(pathToFileURL(join(dir, "corruptions.js")).href)) as CorruptionsModule;
  const realWorld = (await import(pathToFileURL(join(dir, "real-world-corpus.js")).href)) as RealWorldModule;
  return { corruptions, realWorld };
}
