import { TokenMask } from "./token-mask.js";

/**
 * The kind of a token, with GGUF's `tokenizer.ggml.token_type` codes.
 * Only `Normal`, `UserDefined` and `Byte` tokens stand for text that a grammar
 * can match; the others are special tokens the engine never allows as text.
 */
export const TokenKind = {
  Undefined: 0,
  Normal: 1,
  Unknown: 2,
  Control: 3,
  UserDefined: 4,
  Unused: 5,
  Byte: 6,
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

/** What a `Vocabulary` is built from. */
export interface VocabularyInit {
  /** Exact bytes of each token id, index = id. Length = the logits' length. */
  tokens: readonly Uint8Array[];
  /** Kind of each token id; defaults to `Normal` for every id. */
  kinds?: ArrayLike<number>;
  /** Every end-of-generation id (eos, eot, im_end, ...). */
  eog: Iterable<number>;
  bos?: number | undefined;
  eos?: number | undefined;
  /** A name for messages and cache keys, e.g. `qwen3` or a file name. */
  name?: string;
}

const textDecoder = new TextDecoder("utf-8", { fatal: false });

/**
 * Token id → exact bytes for every id of a model's logits, plus the
 * end-of-generation set and which ids are special.
 *
 * Key invariant: for any text the model's tokenizer encodes as ids
 * `t1..tn`, the concatenation of `bytesOf(t1)..bytesOf(tn)` is the text's
 * UTF-8 bytes (checked by the vocabulary oracle tests). Special tokens hold
 * their textual form (`<|im_end|>`) for display but are never text.
 */
export class Vocabulary {
  /** Number of token ids, equal to the logits' length. */
  readonly size: number;
  /** All token bytes, concatenated in id order. */
  readonly bytes: Uint8Array;
  /** `bytes.subarray(offsets[id], offsets[id + 1])` are the bytes of `id`. */
  readonly offsets: Uint32Array;
  /** `TokenKind` of each id. */
  readonly kinds: Uint8Array;
  /** The end-of-generation ids, as a mask. */
  readonly eogMask: TokenMask;
  /** The end-of-generation ids, ascending. */
  readonly eogIds: readonly number[];
  readonly bos: number | undefined;
  readonly eos: number | undefined;
  readonly name: string;
  /** Cached content hash; see `fingerprint()`. */
  #fingerprint: string | undefined;

  constructor(init: VocabularyInit) {
    const n = init.tokens.length;
    this.size = n;
    this.name = init.name ?? "vocabulary";
    let total = 0;
    for (const t of init.tokens) total += t.length;
    this.bytes = new Uint8Array(total);
    this.offsets = new Uint32Array(n + 1);
    let at = 0;
    for (let i = 0; i < n; i++) {
      this.offsets[i] = at;
      this.bytes.set(init.tokens[i], at);
      at += init.tokens[i].length;
    }
    this.offsets[n] = at;
    this.kinds = new Uint8Array(n).fill(TokenKind.Normal);
    if (init.kinds) {
      if (init.kinds.length !== n) throw new RangeError(`kinds has ${init.kinds.length} entries for ${n} tokens`);
      for (let i = 0; i < n; i++) this.kinds[i] = init.kinds[i];
    }
    this.eogMask = TokenMask.of(n, init.eog);
    this.eogIds = this.eogMask.toArray();
    this.bos = init.bos;
    this.eos = init.eos;
  }

  /** The exact bytes of token `id` (a view; do not modify). */
  bytesOf(id: number): Uint8Array {
    return this.bytes.subarray(this.offsets[id], this.offsets[id + 1]);
  }

  /** Byte length of token `id`. */
  lengthOf(id: number): number {
    return this.offsets[id + 1] - this.offsets[id];
  }

  /** Token `id` decoded as UTF-8 for display (partial characters become U+FFFD). */
  textOf(id: number): string {
    return textDecoder.decode(this.bytesOf(id));
  }

  /** Whether `id` ends generation. */
  isEog(id: number): boolean {
    return this.eogMask.has(id);
  }

  /**
   * Whether `id` stands for text a grammar can match: a normal, user-defined
   * or byte token with at least one byte, and not an end-of-generation token.
   */
  isText(id: number): boolean {
    const k = this.kinds[id];
    return (
      (k === TokenKind.Normal || k === TokenKind.UserDefined || k === TokenKind.Byte) &&
      this.offsets[id + 1] > this.offsets[id] &&
      !this.eogMask.has(id)
    );
  }

  /** Whether `id` is special (control, unknown, unused, undefined) or an end-of-generation id. */
  isSpecial(id: number): boolean {
    return !this.isText(id) && (this.kinds[id] !== TokenKind.Normal || this.eogMask.has(id));
  }

  /** The concatenated bytes of `ids`. */
  decodeBytes(ids: Iterable<number>): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const id of ids) {
      const b = this.bytesOf(id);
      parts.push(b);
      total += b.length;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** A short content hash (FNV-1a over sizes, kinds, bytes and eog), for cache keys. */
  fingerprint(): string {
    if (this.#fingerprint) return this.#fingerprint;
    let h1 = 0x811c9dc5, h2 = 0x01000193 ^ this.size;
    const mix = (b: number) => {
      h1 = Math.imul(h1 ^ b, 0x01000193);
      h2 = Math.imul(h2 ^ b, 0x5bd1e995) ^ (h2 >>> 15);
    };
    for (let i = 0; i < this.bytes.length; i++) mix(this.bytes[i]);
    for (let i = 0; i < this.offsets.length; i++) mix(this.offsets[i] & 0xff), mix(this.offsets[i] >>> 8);
    for (let i = 0; i < this.kinds.length; i++) mix(this.kinds[i]);
    for (const id of this.eogIds) mix(id & 0xff), mix(id >>> 8);
    this.#fingerprint = `${this.size}-${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
    return this.#fingerprint;
  }
}
