/**
 * The mask on node-llama-cpp's logits, through the native sampler's own
 * logit-bias stage, and the top candidates back to TypeScript.
 *
 * How (node-llama-cpp 3.22.x, pinned by `checkNodeLlamaCppVersion`): each
 * `controlledEvaluate` call resolves its sampler options through the
 * sequence's `_resolveSamplerConfig`, whose result goes to the native
 * `AddonSampler.applyConfig`; that config carries the bias as two typed
 * arrays (`tokenBiasKeys: Uint32Array`, `tokenBiasValues: Float32Array`).
 * `NativeLogits` wraps that method on one sequence to put typed arrays built
 * from the mask there directly: no `TokenBias` (which skips end-of-generation
 * tokens and calls native code once per token), no Map. The native chain is
 * then bias → top-k(K) → temperature 1 → draw (ignored), and `includeTop: K`
 * returns the K best logits after the bias, which this class un-biases.
 *
 * Encoding the smaller side of the mask: when at most half the vocabulary is
 * allowed, the allowed ids get `+ALLOWED_BIAS` and K is at most the allowed
 * count, so the top K are exactly allowed ids; otherwise the refused ids get
 * −∞. Every returned id is checked against the mask (`violations` counts the
 * ones that were not, which tests assert is zero).
 */
import { ModelError, type TokenMask } from "@formwork/core";
import type { LlamaContextSequence, Token } from "node-llama-cpp";

/**
 * Bias added to allowed tokens when they are the smaller side. Real logits
 * span far less than this, so every allowed token outranks every refused
 * one; float32 keeps logits near 1024 to within 2^-13 (1.2e-4), the error
 * of the un-biased logits in that encoding.
 */
export const ALLOWED_BIAS = 1024;

/** The top candidates of one step, best first (ties in native order). */
export interface Candidates {
  ids: Int32Array;
  logits: Float64Array;
  /** How many candidates are valid in `ids` / `logits`. */
  count: number;
  /** Whether the candidates are the whole allowed set (so log-probabilities over them are exact). */
  complete: boolean;
}

/**
 * What the decode loop asks of one sequence's logits: `NativeLogits` on
 * node-llama-cpp is the implementation; the interface lets a recorded trace
 * be replayed (tests) or another decoder plug in.
 */
export interface LogitsSource {
  /** Returned ids the mask refused (filtered out); should stay 0. */
  readonly violations: number;
  /** Sets the mask of the next `evaluate` (null: every token); `allowed` is its count. */
  setMask(mask: TokenMask | null, allowed: number): void;
  /** Appends `tokens` to the sequence and returns up to `k` best allowed candidates for the next token. */
  evaluate(tokens: readonly number[], k: number): Promise<Candidates>;
}

type ResolveConfig = (options: Record<string, unknown>) => Record<string, unknown>;
interface SequenceInternals {
  _resolveSamplerConfig?: ResolveConfig;
}

/**
 * Evaluates tokens on one context sequence and returns the best `K` logits
 * of the next token after a mask. One instance per sequence; one call at a time.
 */
export class NativeLogits implements LogitsSource {
  readonly sequence: LlamaContextSequence;
  readonly vocabSize: number;
  /** Returned ids the mask refused (filtered out); should stay 0. */
  violations = 0;
  /** Mask-encoding statistics, for benchmarks. */
  readonly stats = { steps: 0, biasEntries: 0 };
  private keys: Uint32Array;
  private values: Float32Array;
  private pending: { keys: Uint32Array; values: Float32Array } | undefined;
  // The mask of the next `evaluate` (set by `setMask`), how many it allows, and the bias its encoding added.
  private mask: TokenMask | null = null;
  private allowed: number;
  private bias = 0;
  private readonly restore: () => void;

  /** Installs the bias hook on `sequence` (undone by `dispose()`). */
  constructor(sequence: LlamaContextSequence, vocabSize: number) {
    this.sequence = sequence;
    this.vocabSize = vocabSize;
    this.keys = new Uint32Array(vocabSize);
    this.values = new Float32Array(vocabSize);
    this.allowed = vocabSize;
    const internals = sequence as unknown as SequenceInternals;
    const original = internals._resolveSamplerConfig;
    if (typeof original !== "function") {
      throw new ModelError("node-llama-cpp-internals", "this node-llama-cpp has no LlamaContextSequence._resolveSamplerConfig, which the mask path needs", {
        hint: "Install node-llama-cpp 3.22.x.",
      });
    }
    const hooked: ResolveConfig = (options) => {
      const config = original.call(sequence, { ...options, tokenBias: undefined });
      if (this.pending) {
        config.tokenBiasKeys = this.pending.keys;
        config.tokenBiasValues = this.pending.values;
      } else {
        delete config.tokenBiasKeys;
        delete config.tokenBiasValues;
      }
      return config;
    };
    internals._resolveSamplerConfig = hooked;
    this.restore = () => {
      if (internals._resolveSamplerConfig === hooked) delete internals._resolveSamplerConfig;
    };
  }

  /**
   * Evaluates `tokens` (appended to the sequence, one batch) and returns up
   * to `k` best next-token candidates among those `mask` allows (all tokens
   * when `mask` is null). `allowed` is `mask.count()` when the caller knows it.
   * The same as `setMask` then `evaluate`.
   */
  next(tokens: readonly number[], mask: TokenMask | null, k: number, allowed = mask ? mask.count() : this.vocabSize): Promise<Candidates> {
    this.setMask(mask, allowed);
    return this.evaluate(tokens, k);
  }

  /**
   * Encodes `mask` (null: every token) for the next `evaluate` call, which
   * consumes it. `allowed` must be `mask.count()`.
   */
  setMask(mask: TokenMask | null, allowed = mask ? mask.count() : this.vocabSize): void {
    this.mask = mask;
    this.allowed = mask === null ? this.vocabSize : allowed;
    this.bias = 0;
    if (mask === null || allowed >= this.vocabSize) {
      this.pending = undefined;
    } else if (allowed * 2 <= this.vocabSize) {
      const n = this.collect(mask, true, ALLOWED_BIAS);
      this.pending = { keys: this.keys.subarray(0, n), values: this.values.subarray(0, n) };
      this.bias = ALLOWED_BIAS;
    } else {
      const n = this.collect(mask, false, -Infinity);
      this.pending = n === 0 ? undefined : { keys: this.keys.subarray(0, n), values: this.values.subarray(0, n) };
    }
  }

  /**
   * Evaluates `tokens` (appended to the sequence, one batch) and returns up
   * to `k` best next-token candidates among those the mask of the last
   * `setMask` allows (all tokens when none was set since the last call).
   * Calls on the sequences of one context made in the same tick are
   * evaluated in one batch by node-llama-cpp.
   */
  async evaluate(tokens: readonly number[], k: number): Promise<Candidates> {
    if (tokens.length === 0) throw new RangeError("NativeLogits.evaluate needs at least one token to evaluate");
    const { mask, allowed, bias } = this;
    this.mask = null;
    this.allowed = this.vocabSize;
    this.bias = 0;
    this.stats.steps++;
    this.stats.biasEntries += this.pending?.keys.length ?? 0;
    const K = Math.max(1, Math.min(k, allowed));
    const last = tokens.length - 1;
    const input: (Token | [Token, object])[] = tokens.slice(0, last) as Token[];
    input.push([
      tokens[last] as Token,
      {
        generateNext: {
          logits: { filter: { includeTop: K } },
          // topK = K keeps the native sort partial; temperature 1 leaves the logits as they are.
          options: { temperature: 1, topK: K, topP: 1, minP: 0, seed: 0 },
        },
      },
    ]);
    let out;
    try {
      out = await this.sequence.controlledEvaluate(input as never);
    } finally {
      this.pending = undefined;
    }
    const logits = (out[last] as { next?: { logits?: Map<number, number> } } | undefined)?.next?.logits;
    const ids = new Int32Array(K);
    const vals = new Float64Array(K);
    let count = 0;
    if (logits) {
      for (const [id, logit] of logits) {
        if (count >= K) break;
        if (mask !== null && !mask.has(id)) {
          this.violations++;
          continue;
        }
        ids[count] = id;
        vals[count] = logit - bias;
        count++;
      }
    }
    return { ids, logits: vals, count, complete: count >= allowed };
  }

  /** Removes the hook from the sequence. */
  dispose(): void {
    this.restore();
  }

  /** Writes the ids whose mask bit equals `bit` into `keys` with bias `value`; returns how many. */
  private collect(mask: TokenMask, bit: boolean, value: number): number {
    const words = mask.words, keys = this.keys, size = this.vocabSize;
    let n = 0;
    for (let w = 0; w < words.length; w++) {
      let bits = bit ? words[w] : ~words[w];
      while (bits !== 0) {
        const low = bits & -bits;
        const id = (w << 5) + (31 - Math.clz32(low));
        if (id >= size) break;
        keys[n++] = id;
        bits ^= low;
      }
    }
    this.values.fill(value, 0, n);
    return n;
  }
}
