import { decodeByteLevel } from "./byte-unicode.js";
import { ModelError } from "./errors.js";
import { applySpecialTokenRules } from "./special-tokens.js";
import { TokenKind, Vocabulary } from "./vocabulary.js";

/**
 * The parts of a Hugging Face `tokenizer.json` that `vocabularyFromTokenizerJson`
 * reads. Other fields are ignored.
 */
export interface TokenizerJson {
  model: {
    type?: string;
    /** BPE / WordPiece: token → id. Unigram: `[piece, score]` in id order. */
    vocab: Record<string, number> | ReadonlyArray<readonly [string, number]>;
    unk_token?: string | null;
    unk_id?: number | null;
    byte_fallback?: boolean;
  };
  added_tokens?: ReadonlyArray<{ id: number; content: string; special?: boolean }>;
  decoder?: TokenizerJsonComponent | null;
  pre_tokenizer?: TokenizerJsonComponent | null;
  normalizer?: TokenizerJsonComponent | null;
}

/** A decoder / pre-tokenizer / normalizer node of a `tokenizer.json`. */
export interface TokenizerJsonComponent {
  type: string;
  decoders?: TokenizerJsonComponent[];
  pretokenizers?: TokenizerJsonComponent[];
  normalizers?: TokenizerJsonComponent[];
  pattern?: { String?: string; Regex?: string };
  content?: string;
  replacement?: string;
  [key: string]: unknown;
}

/** The parts of a `tokenizer_config.json` that are read (special token names). */
export interface TokenizerConfigJson {
  eos_token?: string | { content: string } | null;
  bos_token?: string | { content: string } | null;
}

/** Options of `vocabularyFromTokenizerJson`. */
export interface TokenizerJsonOptions {
  /**
   * Number of ids, i.e. the model's logits length (default: highest id + 1).
   * Ids past the tokenizer's last token are empty `Unused` tokens.
   */
  size?: number;
  /** The `tokenizer_config.json`, for the eos and bos tokens (default: none). */
  config?: TokenizerConfigJson;
  /** A name for messages and cache keys (default `"tokenizer.json"`). */
  name?: string;
}

/** How a `tokenizer.json` writes token bytes. */
export type TokenizerJsonEncoding = "byte-level" | "sentencepiece";

/**
 * Builds the exact `Vocabulary` of a Hugging Face `tokenizer.json`: byte-level
 * BPE (GPT-2, Llama 3, Qwen: token strings through the GPT-2 byte↔unicode
 * table) or SentencePiece style (a `Metaspace` or `Replace ▁→space` decoder:
 * `▁` is a space, `<0xNN>` byte-fallback tokens are that byte).
 *
 * Added tokens are their literal text; special ones are `Control`, the others
 * `UserDefined`. The end-of-generation set is the config's `eos_token` plus
 * llama.cpp's text rules (`<|im_end|>`, `<|eot_id|>`, `<|endoftext|>`, FIM
 * pad/repo/separator ...), so it equals what llama.cpp derives from a GGUF
 * converted from the same files. Throws `ModelError` (`tokenizer-unsupported`)
 * for a tokenizer whose byte encoding it cannot tell, and `ModelError`
 * (`vocabulary-size`) when `size` is smaller than the tokenizer.
 */
export function vocabularyFromTokenizerJson(json: TokenizerJson, options: TokenizerJsonOptions = {}): Vocabulary {
  const name = options.name ?? "tokenizer.json";
  const encoding = tokenizerJsonEncoding(json);
  if (!encoding) {
    throw new ModelError("tokenizer-unsupported", `cannot tell how tokenizer "${name}" encodes bytes`, {
      hint: "Formwork reads byte-level BPE (a ByteLevel decoder or pre-tokenizer) and SentencePiece-style tokenizers (a Metaspace decoder or a Replace ▁ decoder); convert the model to GGUF and use vocabularyFromGguf instead.",
    });
  }
  // texts[id] = stored token string (as a converted GGUF would hold it).
  const vocab = json.model.vocab;
  const added = json.added_tokens ?? [];
  let needed = 0;
  const pieces: string[] = [];
  const pieceIds: number[] = [];
  if (Array.isArray(vocab)) {
    vocab.forEach(([piece], id) => (pieces.push(piece), pieceIds.push(id)));
  } else {
    const map = vocab as Record<string, number>;
    for (const piece in map) pieces.push(piece), pieceIds.push(map[piece]);
  }
  for (const id of pieceIds) if (id >= needed) needed = id + 1;
  for (const t of added) if (t.id >= needed) needed = t.id + 1;
  // texts[id] = stored token string (as a converted GGUF would hold it); 0 = absent, 1 = vocab, 2 = added.
  const texts: Array<string | undefined> = new Array<string | undefined>(needed).fill(undefined);
  const source = new Uint8Array(needed);
  const kinds = new Uint8Array(needed);
  for (let i = 0; i < pieces.length; i++) (texts[pieceIds[i]] = pieces[i]), (source[pieceIds[i]] = 1);
  for (const t of added) {
    texts[t.id] = t.content;
    source[t.id] = 2;
    kinds[t.id] = t.special ? TokenKind.Control : TokenKind.UserDefined;
  }
  const size = options.size ?? needed;
  if (size < needed) {
    throw new ModelError("vocabulary-size", `vocabulary size ${size} is smaller than the ${needed} ids of tokenizer "${name}"`, {
      hint: "Pass the model's logits length (its embedding rows) as size, or leave it out.",
    });
  }

  const unk = json.model.unk_token ?? (typeof json.model.unk_id === "number" ? texts[json.model.unk_id] : undefined);
  const encoder = new TextEncoder();
  const tokens: Uint8Array[] = new Array(size);
  const kindArray = new Uint8Array(size);
  const storedTexts: string[] = new Array(size);
  for (let id = 0; id < size; id++) {
    const text = texts[id];
    storedTexts[id] = text ?? "";
    if (text === undefined) {
      tokens[id] = new Uint8Array(0);
      kindArray[id] = TokenKind.Unused;
      continue;
    }
    if (source[id] === 2) {
      tokens[id] = encoder.encode(text);
      // The unknown token is Unknown (as in GGUF conversions) even when listed as a special added token.
      kindArray[id] = text === unk ? TokenKind.Unknown : kinds[id];
      continue;
    }
    if (encoding === "byte-level") {
      tokens[id] = decodeByteLevel(text).bytes;
      kindArray[id] = text === unk ? TokenKind.Unknown : TokenKind.Normal;
    } else {
      const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(text);
      if (byte) {
        tokens[id] = Uint8Array.of(parseInt(byte[1], 16));
        kindArray[id] = TokenKind.Byte;
      } else {
        tokens[id] = encoder.encode(text.replaceAll("▁", " "));
        kindArray[id] = text === unk ? TokenKind.Unknown : TokenKind.Normal;
      }
    }
  }
  const eosText = tokenContent(options.config?.eos_token);
  const bosText = tokenContent(options.config?.bos_token);
  const idOf = (t: string | undefined) => {
    if (t === undefined) return undefined;
    const id = storedTexts.indexOf(t);
    return id >= 0 ? id : undefined;
  };
  const eos = idOf(eosText);
  const bos = idOf(bosText);
  const eog = applySpecialTokenRules(storedTexts, kindArray, { eos });
  return new Vocabulary({ tokens, kinds: kindArray, eog, bos, eos, name });
}

/**
 * Tells how a `tokenizer.json` encodes token bytes: `byte-level` when its
 * decoder or pre-tokenizer has a `ByteLevel` step, `sentencepiece` when its
 * decoder is `Metaspace`, replaces `▁` with a space, or uses `ByteFallback`;
 * otherwise `undefined`.
 */
export function tokenizerJsonEncoding(json: TokenizerJson): TokenizerJsonEncoding | undefined {
  const steps = [...flatten(json.decoder), ...flatten(json.pre_tokenizer)];
  if (steps.some((s) => s.type === "ByteLevel")) return "byte-level";
  const decoders = flatten(json.decoder);
  if (
    decoders.some(
      (s) =>
        s.type === "Metaspace" ||
        s.type === "ByteFallback" ||
        (s.type === "Replace" && s.pattern?.String === "▁" && s.content === " "),
    ) ||
    flatten(json.pre_tokenizer).some((s) => s.type === "Metaspace")
  ) {
    return "sentencepiece";
  }
  return undefined;
}

function flatten(c: TokenizerJsonComponent | null | undefined): TokenizerJsonComponent[] {
  if (!c) return [];
  const children = c.decoders ?? c.pretokenizers ?? c.normalizers;
  return children ? [c, ...children.flatMap(flatten)] : [c];
}

function tokenContent(t: string | { content: string } | null | undefined): string | undefined {
  if (t === null || t === undefined) return undefined;
  return typeof t === "string" ? t : t.content;
}
