import { decodeByteLevel } from "./byte-unicode.js";
import { ModelError } from "./errors.js";
import { applySpecialTokenRules } from "./special-tokens.js";
import { TokenKind, Vocabulary } from "./vocabulary.js";

/**
 * The GGUF tokenizer metadata (`tokenizer.ggml.*`) that `vocabularyFromGguf`
 * reads, as a plain object with the `tokenizer.ggml.` prefix removed. This is
 * the shape node-llama-cpp gives as `readGgufFileInfo(path).metadata.tokenizer.ggml`
 * or `model.fileInfo.metadata.tokenizer.ggml`; core does not depend on
 * node-llama-cpp, so only the fields read are declared.
 */
export interface GgufTokenizerMetadata {
  /** `gpt2` (byte-level BPE) or `llama` (SentencePiece); others are refused. */
  model: string;
  pre?: string;
  tokens: readonly string[];
  /** GGUF token types (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte); default all normal. */
  token_type?: ArrayLike<number>;
  bos_token_id?: number;
  eos_token_id?: number;
  eot_token_id?: number;
  eom_token_id?: number;
  unknown_token_id?: number;
  fim_pre_token_id?: number;
  fim_suf_token_id?: number;
  fim_mid_token_id?: number;
  fim_pad_token_id?: number;
  fim_rep_token_id?: number;
  fim_sep_token_id?: number;
  /** Deprecated spellings of the FIM prefix / suffix / middle ids. */
  prefix_token_id?: number;
  suffix_token_id?: number;
  middle_token_id?: number;
  [key: string]: unknown;
}

/** Options of `vocabularyFromGguf`. */
export interface GgufVocabularyOptions {
  /** A name for messages and cache keys (default: the `pre` tokenizer name or `gguf`). */
  name?: string;
}

const SPM_BYTE = /^<0x([0-9A-Fa-f]{2})>$/;

/**
 * Builds the exact `Vocabulary` of a GGUF model from its tokenizer metadata,
 * with llama.cpp's reading of every token id:
 *
 * - `gpt2` (byte-level BPE): normal tokens through the GPT-2 byte↔unicode
 *   table (`Ġ` is a space); user-defined and control tokens are their raw
 *   text (llama.cpp does not byte-decode them).
 * - `llama` (SentencePiece): `▁` (U+2581) is a space in normal tokens; byte
 *   tokens `<0xNN>` (type 6) are that byte; other kinds keep their text.
 *
 * Control, unknown, unused and undefined tokens keep their text for display
 * but their kind marks them special. The end-of-generation set follows
 * llama.cpp: eos (default 11 for `gpt2`, 2 for `llama`, as llama.cpp
 * assumes when the key is missing), eot, eom, FIM pad/repo/separator, and the
 * text-detected list (`<|eot_id|>`, `<|im_end|>`, `<|endoftext|>`, `</s>` ...).
 * Throws `ModelError` (`tokenizer-unsupported`) for other tokenizer models and
 * (`gguf-metadata`) for malformed metadata.
 */
export function vocabularyFromGguf(meta: GgufTokenizerMetadata, options: GgufVocabularyOptions = {}): Vocabulary {
  const name = options.name ?? meta.pre ?? "gguf";
  const model = meta.model;
  if (model !== "gpt2" && model !== "llama") {
    throw new ModelError("tokenizer-unsupported", `tokenizer model "${String(model)}" of "${name}" is not supported`, {
      hint: 'Formwork reads "gpt2" (byte-level BPE) and "llama" (SentencePiece) GGUF vocabularies.',
    });
  }
  const texts = meta.tokens;
  if (!Array.isArray(texts)) {
    throw new ModelError("gguf-metadata", `tokenizer.ggml.tokens of "${name}" is missing or not an array`, {
      hint: "Pass metadata.tokenizer.ggml from readGgufFileInfo (or model.fileInfo).",
    });
  }
  const n = texts.length;
  const types = meta.token_type;
  if (types && types.length < n) {
    throw new ModelError("gguf-metadata", `tokenizer.ggml.token_type of "${name}" has ${types.length} entries for ${n} tokens`);
  }
  const encoder = new TextEncoder();
  const tokens: Uint8Array[] = new Array(n);
  const kinds = new Uint8Array(n);
  for (let id = 0; id < n; id++) {
    const text = texts[id];
    const type = types ? types[id] : TokenKind.Normal;
    kinds[id] = type >= TokenKind.Undefined && type <= TokenKind.Byte ? type : TokenKind.Undefined;
    if (type === TokenKind.Normal) {
      tokens[id] = model === "gpt2" ? decodeByteLevel(text).bytes : encoder.encode(text.replaceAll("▁", " "));
    } else if (type === TokenKind.Byte) {
      const m = SPM_BYTE.exec(text);
      if (!m) throw new ModelError("gguf-metadata", `byte token ${id} of "${name}" is "${text}", not <0xNN>`);
      tokens[id] = Uint8Array.of(parseInt(m[1], 16));
    } else {
      tokens[id] = encoder.encode(text);
    }
  }

  // llama.cpp's defaults when a key is absent (and ids out of range are dropped).
  const defaults = model === "gpt2" ? { bos: 11, eos: 11 } : { bos: 1, eos: 2 };
  const id = (v: unknown, fallback?: number) => {
    const x = typeof v === "number" || typeof v === "bigint" ? Number(v) : fallback;
    return x !== undefined && x >= 0 && x < n ? x : undefined;
  };
  // llama.cpp renames empty tokens to "[EMPTY_<id>]" before matching texts.
  const matchTexts = texts.map((t, i) => (t === "" ? `[EMPTY_${i}]` : t));
  const eos = id(meta.eos_token_id, defaults.eos);
  const eog = applySpecialTokenRules(matchTexts, kinds, {
    eos,
    eot: id(meta.eot_token_id),
    eom: id(meta.eom_token_id),
    fimPre: id(meta.fim_pre_token_id ?? meta.prefix_token_id),
    fimSuf: id(meta.fim_suf_token_id ?? meta.suffix_token_id),
    fimMid: id(meta.fim_mid_token_id ?? meta.middle_token_id),
    fimPad: id(meta.fim_pad_token_id),
    fimRep: id(meta.fim_rep_token_id),
    fimSep: id(meta.fim_sep_token_id),
  });
  return new Vocabulary({ tokens, kinds, eog, bos: id(meta.bos_token_id, defaults.bos), eos, name });
}
