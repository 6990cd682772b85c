/**
 * The mask on node-llama-cpp's logits, through the native sampler's own
 * logit-bias stage, and the top candidates back to TypeScript.
 *
 * How (node-llama-cpp 3.22.x, pinned by `checkNodeLlamaCppVersion`): each
 * evaluation goes through the sequence's internal `_decodeTokens` (what
 * `controlledEvaluate` and `evaluate` use: node-llama-cpp's batching of the
 * sequences of one context, its KV bookkeeping, context shift, checkpoints),
 * and the next token's logits go to one native `AddonSampler` per sequence,
 * kept for the sequence's life: `applyConfig` with the bias as two typed
 * arrays (`tokenBiasKeys: Uint32Array`, `tokenBiasValues: Float32Array`),
 * then `sampleToken` with a top-K logit filter. (`controlledEvaluate` makes a
 * new native sampler per call, which allocates and zeroes a candidate array
 * of the whole vocabulary on the main thread: about 3 ms per sequence and
 * step on the tiny fixture model, most of a step's CPU time.) No `TokenBias`
 * (which skips end-of-generation tokens and calls native code once per
 * token), no Map: the native top-K pairs are read straight into typed arrays.
 * The native chain is bias → top-k(K) → temperature 1 → draw (ignored), and
 * the K best logits after the bias come back, which this class un-biases.
 *
 * Encoding the smaller side of the mask: when at most half the vocabulary is
 * allowed, the allowed ids get `+ALLOWED_BIAS` and K is at most the allowed
 * count, so the top K are exactly allowed ids; otherwise the refused ids get
 * −∞. Every returned id is checked against the mask (`violations` counts the
 * ones that were not, which tests assert is zero).
 */
import { ModelError, type CandidateTail, type TokenMask } from "@formwork/core";
import type { LlamaContextSequence, Token } from "node-llama-cpp";

/**
 * Bias added to allowed tokens when they are the smaller side. Real logits
 * span far less than this, so every allowed token outranks every refused
 * one; float32 keeps logits near 1024 to within 2^-13 (1.2e-4), the error
 * of the un-biased logits in that encoding.
 */
export const ALLOWED_BIAS = 1024;

/** Candidates read per step when `candidates` is not given and a sampler keeps more than `SMALL_TOP_K` tokens (or all). */
export const DEFAULT_CANDIDATES = 256;

/**
 * With every sampler's `topK` in 1..`SMALL_TOP_K` and `candidates` not given,
 * `SMALL_TOP_K` candidates are read per step instead of 256. The draw is the
 * same: top-k keeps the best k allowed tokens, all of them among the best 64
 * allowed (the bias encoding returns allowed ids only, best first), and
 * top-p / min-p / temperature act on those k alone. What changes: a
 * token's recorded logprob is renormalised over the best 64 allowed instead
 * of the best 256 (both are exact when no more are allowed), and when the
 * length budget refuses every token the filters keep, the filters are
 * applied again over the fitting tokens among the best 64. Why 64: the
 * native top-k (llama.cpp) takes a heap partial sort up to 128 and a bucket
 * sort with a copy of the whole vocabulary above, which is most of a step's
 * sampling cost (`node packages/bench/dist/sampler-probe.js`, the tiny
 * model's 151,936 logits, CPU ms per call with no mask / half allowed, under
 * load: top-256 1.24 / 1.74, top-64 0.46 / 0.79, node-llama-cpp's own draw
 * with its defaults, top-k 40 and top-p 0.95, 0.46 / 0.78).
 */
export const SMALL_TOP_K = 64;

/**
 * The K to ask of the native side per step: `candidates` when given (at
 * least every `topK`); else `SMALL_TOP_K` when every sampler's top-k is in
 * 1..`SMALL_TOP_K`, `DEFAULT_CANDIDATES` otherwise.
 */
export function candidatesToRead(candidates: number | undefined, topKs: readonly number[]): number {
  if (candidates === undefined && topKs.length > 0 && topKs.every((k) => k > 0 && k <= SMALL_TOP_K)) return SMALL_TOP_K;
  return Math.max(1, candidates ?? DEFAULT_CANDIDATES, ...topKs);
}

/**
 * An exact draw (`candidates: Infinity`) reads every allowed token (one
 * sorted read, complete) when there are at most this many, else the best
 * `exactRead` and native passes over the tail (see `NativeLogits.evaluate`).
 * The limit is where the sorted read starts to cost more than those passes
 * (each a copy and an `exp` of the whole vocabulary): on the tiny model
 * (151,936 tokens, CPU ms per step, under load), reading A allowed sorted
 * costs 2.0 / 2.0 / 3.5 / 5.4 ms at A = 1,024 / 2,048 / 4,096 / 8,192; the
 * tail costs 1.9 ms when it is never drawn (greedy, top-k within the read:
 * the normaliser alone), 1.9 ms + 2.5 ms when the draw lands in it at T = 1
 * with no top-k / min-p, 5.4 ms otherwise (a tail draw at T with its sum,
 * and the normaliser at T = 1). So 2,048, 4,096 and 8,192.
 */
export function exactReadAll(exact: ExactDraw): number {
  const T = exact.temperature, topK = exact.topK ?? 0, minP = exact.minP ?? 0;
  if (!(T > 0) || (topK > 0 && topK <= exact.read)) return 2048;
  if (T === 1 && topK === 0 && minP === 0) return 4096;
  return 8192;
}

/**
 * The candidates an exact draw (`candidates: Infinity`) reads per step with
 * more than `exactReadAll` allowed. The
 * draw is exact whatever this is, except for a top-p cut reaching past them
 * (see `Sampler.sampleWithTail`); it decides what the top-K read costs
 * (llama.cpp's heap partial sort up to 128, a bucket sort above):
 * `topK` when it is 65..4096 (top-k then cuts inside them), 256 with top-p
 * (more room for its cut), else `SMALL_TOP_K`.
 */
export function exactRead(o: { topK: number; topP: number; minP: number }): number {
  if (o.topK > SMALL_TOP_K && o.topK <= 4096) return o.topK;
  if (o.topK > 0 && o.topK <= SMALL_TOP_K) return SMALL_TOP_K;
  return o.topP < 1 ? DEFAULT_CANDIDATES : SMALL_TOP_K;
}

/**
 * The top candidates of one step, best first (ties in native order). From
 * `NativeLogits`, the arrays are its own buffers, reused by its next
 * `evaluate` (copy what you keep); they may be longer than `count`.
 */
export interface Candidates {
  ids: Int32Array;
  logits: Float64Array;
  /** How many candidates are valid in `ids` / `logits`. */
  count: number;
  /** Whether the candidates are the whole allowed set (so log-probabilities over them are exact). */
  complete: boolean;
  /** With an `ExactDraw` and more allowed tokens than candidates: what the native side says of the rest (see `Sampler.sampleWithTail`). */
  tail?: CandidateTail;
}

/**
 * Asks `evaluate` (with `k = Infinity`) for exact sampling over the whole
 * allowed set: the best `read` candidates, and when more are allowed, the
 * tail's normaliser and one draw from it (`Candidates.tail`).
 */
export interface ExactDraw {
  /** The sampler's temperature (the tail draw is at 1 when it is 0). */
  temperature: number;
  /** Seed of the native tail draw (from the sampler's generator). */
  seed: number;
  /** Candidates to read (`exactRead`). */
  read: number;
  /** The sampler's top-k and min-p (0: off), applied to the tail natively; min-p only when `topP` is 1 (top-p needs the tail's weight before min-p). */
  topK?: number;
  minP?: number;
  topP?: number;
}

/**
 * What the decode loop asks of one sequence's logits: `NativeLogits` on
 * node-llama-cpp is the implementation; the interface lets a recorded trace
 * be replayed (tests) or another decoder plug in.
 */
export interface LogitsSource {
  /** Returned ids the mask refused (filtered out); should stay 0. */
  readonly violations: number;
  /**
   * Sets the mask of the next `evaluate` (null: every token); `allowed` is its count, and `ids`, when given,
   * its ids ascending (`allowed` of them: the caller listed them while counting).
   */
  setMask(mask: TokenMask | null, allowed: number, ids?: Uint32Array): void;
  /**
   * Lets the next `evaluate` start before its `setMask`: the model evaluates while the caller computes the
   * mask, and the sampling waits for `setMask` (which the caller must then call, after `evaluate`).
   */
  maskLater?(): void;
  /** Appends `tokens` to the sequence and returns up to `k` best allowed candidates for the next token (with `exact` and `k = Infinity`: see `ExactDraw`). */
  evaluate(tokens: readonly number[], k: number, exact?: ExactDraw): Promise<Candidates>;
  /**
   * After an `evaluate` that returned a `tail`, before the next one: a new
   * independent draw from the same tail (same logits, mask and temperature)
   * with seed `seed`, or undefined when it cannot.
   */
  redrawTail?(seed: number): Promise<{ token: number; logit: number } | undefined>;
  /**
   * After an `evaluate` that returned a `tail`, before the next one: every
   * allowed token of the same position, best first (a sorted read: costly
   * with many allowed), for a draw the tail cannot settle; undefined when it cannot.
   */
  readAll?(): Promise<{ ids: Int32Array; logits: Float64Array } | undefined>;
}

/** The node-llama-cpp 3.22 internals this class uses (checked at construction). */
interface AddonSampler {
  applyConfig(config: Record<string, unknown>): void;
  dispose(): void;
}
type SampleToken = (batchLogitIndex: number, sampler: AddonSampler, probabilities: boolean, confidence: boolean, logits: [number[], boolean, boolean, boolean, number], totalLogitWeight: boolean) => Promise<unknown[]>;
interface SequenceInternals {
  _decodeTokens?: (
    tokens: Token[],
    logits: boolean[],
    evaluationPriority: number,
    tokenMeter: unknown,
    contextShift: { size: unknown; strategy: unknown },
    logitDataMapper: (batchLogitIndex: number, tokenIndex: number) => unknown,
    afterBatchAction: unknown,
  ) => Promise<unknown[]>;
  _tokenMeter?: unknown;
  _contextShift?: { size: unknown; strategy: unknown };
  _takeIntervalCheckpointIfNeededAfterBatch?: unknown;
  _context?: { _ctx?: { sampleToken?: SampleToken } };
  model?: { _model?: unknown; _llama?: { _bindings?: { AddonSampler?: new (model: unknown) => AddonSampler } } };
}

/** node-llama-cpp's default evaluation priority (`controlledEvaluate`'s). */
const EVALUATION_PRIORITY = 5;

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
  // The bias values of either encoding, filled once: the pending bias is a prefix of one of them.
  private allowedValues: Float32Array | undefined;
  private refusedValues: Float32Array | undefined;
  private pending: { keys: Uint32Array; values: Float32Array } | undefined;
  // The last mask encoded with a bias (a copy of its words), its count, and what `encode` made of it: a mask equal
  // to it gets the same encoding object back, without listing its ids again (`keys` holds them until the next encoding).
  private lastWords: Uint32Array | undefined;
  private lastAllowed = -1;
  private lastEncoding: { pending: { keys: Uint32Array; values: Float32Array } | undefined; bias: number } | undefined;
  // What the main sampler's config last went native with (its bias object and top-K): the same again skips `applyConfig`.
  private appliedPending: { keys: Uint32Array; values: Float32Array } | undefined | null = null;
  private appliedK = -1;
  // The mask of the next `evaluate` (set by `setMask`), how many it allows, and the bias its encoding added.
  private mask: TokenMask | null = null;
  private allowed: number;
  private bias = 0;
  // After `maskLater`: resolved by the `setMask` that the next evaluation's sampling waits for.
  private maskReady: Promise<void> | undefined;
  private maskSet: (() => void) | undefined;
  // After `maskLater`, set by the `evaluate` waiting for the mask: takes it and configures the native sampler, which
  // `setMask` then does at once (during the model's evaluation: the sampler is not in use before the sampling).
  private maskTaker: (() => void) | undefined;
  private readonly internals: Required<Pick<SequenceInternals, "_decodeTokens">> & SequenceInternals;
  private readonly sampleToken: SampleToken;
  private sampler: AddonSampler | undefined;
  private readonly makeSampler: () => AddonSampler;
  // The native sampler's config, kept between steps (topK and the bias change per step).
  private readonly config: Record<string, unknown> = { temperature: 1, minP: 0, topP: 1, topK: 1, seed: 0 };
  private readonly filter: [number[], boolean, boolean, boolean, number] = [[], false, false, false, 1];
  // Exact draws: a sampler for the tail draw (bias: the mask and −∞ on the candidates; temperature; dist) and
  // one for the normaliser at T = 1 (bias: the mask; greedy), with their configs and the tail's bias arrays.
  private tailSampler: AddonSampler | undefined;
  private normSampler: AddonSampler | undefined;
  private readonly tailConfig: Record<string, unknown> = { temperature: 1, seed: 0 };
  private readonly normConfig: Record<string, unknown> = {};
  private tailKeys = new Uint32Array(0);
  private tailValues = new Float32Array(0);
  /** Native calls of exact draws, for benchmarks: tail draws (redraws included), normaliser passes, redraws. */
  readonly exactStats = { tailPasses: 0, normPasses: 0, redraws: 0, fullReads: 0 };
  private allSampler: AddonSampler | undefined;
  // The last evaluate's tail, for `redrawTail`: its batch logit index, temperature, bias and mask (null: none since).
  private lastTail: { index: number; T: number; bias: number; mask: TokenMask | null; allowed: number; pending: { keys: Uint32Array; values: Float32Array } | undefined } | null = null;
  // The candidates handed back by `evaluate`, reused from step to step (no allocation per token).
  private readonly result: Candidates = { ids: new Int32Array(0), logits: new Float64Array(0), count: 0, complete: false };
  private readonly shift: { size: unknown; strategy: unknown };

  /** Checks the node-llama-cpp internals this class needs on `sequence`. */
  constructor(sequence: LlamaContextSequence, vocabSize: number) {
    this.sequence = sequence;
    this.vocabSize = vocabSize;
    this.keys = new Uint32Array(vocabSize);
    this.allowed = vocabSize;
    const internals = sequence as unknown as SequenceInternals;
    const ctx = internals._context?._ctx;
    const Sampler = internals.model?._llama?._bindings?.AddonSampler;
    const nativeModel = internals.model?._model;
    if (typeof internals._decodeTokens !== "function" || typeof ctx?.sampleToken !== "function" || typeof Sampler !== "function" || nativeModel === undefined || internals._contextShift === undefined) {
      throw new ModelError("node-llama-cpp-internals", "this node-llama-cpp lacks the LlamaContextSequence internals the mask path needs (_decodeTokens, the context's sampleToken, AddonSampler)", {
        hint: "Install node-llama-cpp 3.22.x.",
      });
    }
    this.internals = internals as Required<Pick<SequenceInternals, "_decodeTokens">> & SequenceInternals;
    this.shift = { size: internals._contextShift.size, strategy: internals._contextShift.strategy };
    this.sampleToken = ctx.sampleToken.bind(ctx);
    this.makeSampler = () => new Sampler(nativeModel);
    // The native sampler goes with the sequence (and its context and model) at the latest.
    sequence.onDispose.createListener(() => this.dispose());
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
   * consumes it. `allowed` must be `mask.count()`; `ids`, when given, the
   * mask's ids ascending (`TokenMask.listInto`), saves listing them again.
   */
  setMask(mask: TokenMask | null, allowed = mask ? mask.count() : this.vocabSize, ids?: Uint32Array): void {
    const set = this.maskSet, take = this.maskTaker;
    this.maskSet = undefined;
    this.maskTaker = undefined;
    try {
      this.encode(mask, allowed, ids);
      take?.();
    } finally {
      set?.();
    }
  }

  /** See `LogitsSource.maskLater`: the next `evaluate` reads the mask of the `setMask` that follows it. */
  maskLater(): void {
    this.maskReady = new Promise<void>((resolve) => (this.maskSet = resolve));
  }

  private encode(mask: TokenMask | null, allowed: number, ids: Uint32Array | undefined): void {
    this.mask = mask;
    this.allowed = mask === null ? this.vocabSize : allowed;
    this.bias = 0;
    if (mask === null || allowed >= this.vocabSize) {
      this.pending = undefined;
      return;
    }
    if (allowed === this.lastAllowed && this.lastEncoding !== undefined && sameWords(mask.words, this.lastWords!)) {
      // The same mask as the last one encoded (inside a string, from token to token): the same encoding.
      this.pending = this.lastEncoding.pending;
      this.bias = this.lastEncoding.bias;
      return;
    }
    if (allowed * 2 <= this.vocabSize) {
      let n: number;
      if (ids !== undefined && ids.length === allowed) {
        this.keys.set(ids);
        n = allowed;
      } else n = this.collect(mask, true);
      this.allowedValues ??= new Float32Array(this.vocabSize).fill(ALLOWED_BIAS);
      this.pending = { keys: this.keys.subarray(0, n), values: this.allowedValues.subarray(0, n) };
      this.bias = ALLOWED_BIAS;
    } else {
      const n = this.collect(mask, false);
      this.refusedValues ??= new Float32Array(this.vocabSize).fill(-Infinity);
      this.pending = n === 0 ? undefined : { keys: this.keys.subarray(0, n), values: this.refusedValues.subarray(0, n) };
    }
    if (this.lastWords === undefined || this.lastWords.length !== mask.words.length) this.lastWords = new Uint32Array(mask.words.length);
    this.lastWords.set(mask.words);
    this.lastAllowed = allowed;
    this.lastEncoding = { pending: this.pending, bias: this.bias };
  }

  /**
   * Evaluates `tokens` (appended to the sequence, one batch) and returns up
   * to `k` best next-token candidates among those the mask of the last
   * `setMask` allows (all tokens when none was set since the last call).
   * Calls on the sequences of one context made in the same tick are
   * evaluated in one batch by node-llama-cpp.
   */
  async evaluate(tokens: readonly number[], k: number, exact?: ExactDraw): Promise<Candidates> {
    if (tokens.length === 0) throw new RangeError("NativeLogits.evaluate needs at least one token to evaluate");
    this.lastTail = null;
    let tailIndex = -1;
    const config = this.config;
    // The mask and what it decides (consumed here, or after `maskLater` when its `setMask` has come).
    let mask = null as TokenMask | null, allowed = 0, bias = 0, withTail = false, kept = 0, K = 1;
    let pending = undefined as { keys: Uint32Array; values: Float32Array } | undefined;
    // `withTail` implies an exact draw.
    const ex = exact as ExactDraw;
    const takeMask = () => {
      ({ mask, allowed, bias, pending } = this);
      this.mask = null;
      this.allowed = this.vocabSize;
      this.bias = 0;
      this.pending = undefined;
      this.stats.steps++;
      this.stats.biasEntries += pending?.keys.length ?? 0;
      // Exact draw: the best `read` candidates, plus one more (the tail's best) when more are allowed.
      // Up to `exactReadAll` allowed tokens, reading them all is cheaper than the tail's passes (and complete).
      withTail = exact !== undefined && k === Infinity && allowed > Math.max(1, exact.read, exactReadAll(exact));
      kept = withTail ? Math.max(1, exact!.read) : 0;
      K = withTail ? kept + 1 : Math.max(1, Math.min(k, allowed));
      config.topK = K;
      setBias(config, pending);
      this.filter[4] = K;
    };
    const sampler = (this.sampler ??= this.makeSampler());
    // The native sampler keeps its config between calls: an unchanged bias object and top-K need not go again.
    let configured = false;
    const configure = () => {
      if (pending !== this.appliedPending || K !== this.appliedK) {
        sampler.applyConfig(config);
        this.appliedPending = pending;
        this.appliedK = K;
      }
      configured = true;
    };
    let taken = false;
    const later = this.maskReady;
    this.maskReady = undefined;
    if (later === undefined) {
      takeMask();
      taken = true;
    } else
      this.maskTaker = () => {
        takeMask();
        taken = true;
        configure();
      };
    const last = tokens.length - 1;
    const logitsAt: boolean[] = [];
    logitsAt[last] = true;
    const seq = this.internals;
    let pairs: ArrayLike<number> | undefined;
    let tailOut: unknown[] | undefined;
    let topKApplied = false, minPApplied = false, tailCut = false, lazy = false;
    let norm: number | undefined;
    await seq._decodeTokens(
      tokens as Token[],
      logitsAt,
      EVALUATION_PRIORITY,
      seq._tokenMeter,
      this.shift,
      async (batchLogitIndex, tokenIndex) => {
        if (tokenIndex !== last) return undefined;
        if (later !== undefined) await later;
        // Normally done by `setMask` after `maskLater`; here when that threw (the error comes again, from here).
        if (!taken) {
          takeMask();
          taken = true;
        }
        if (!configured) configure();
        const r = await this.sampleToken(batchLogitIndex, sampler, false, false, this.filter, false);
        pairs = Array.isArray(r) ? (r[3] as ArrayLike<number> | undefined) : undefined;
        if (withTail && pairs && pairs.length >= 2 * K) {
          const T = ex.temperature > 0 ? ex.temperature : 1;
          const greedy = !(ex.temperature > 0);
          // The sampler's top-k over the whole set is top-(k − kept) over the tail; its min-p (after the
          // temperature, relative to the best candidate) is the native min-p (relative to the tail's best) with
          // p' = exp(best + T·ln(minP) − tailBest), exactly when p' < 1 (else the tail is cut whole).
          const topK = ex.topK ?? 0, minP = ex.minP ?? 0;
          const pMin = minP > 0 ? Math.exp(pairs[1] + T * Math.log(minP) - pairs[2 * kept + 1]) : 0;
          // Greedy, or top-k / min-p cut the tail whole: no tail draw, the normaliser alone (for the logprobs).
          tailCut = greedy || (topK > 0 && topK <= kept) || (pMin >= 1 && (ex.topP ?? 1) === 1);
          // At T = 1 with no filter on the tail: its weight is the normaliser less the candidates' (one pass,
          // no draw); a tail token is drawn only when the draw lands in the tail (`redrawTail`, lazy).
          lazy = !tailCut && T === 1 && topK === 0 && minP === 0;
          if (lazy) {
            this.tailSampler ??= this.makeSampler();
            this.tailBias(pending, pairs, kept);
            const tc = this.tailConfig;
            tc.temperature = 1;
            delete tc.topK;
            delete tc.minP;
            tailIndex = batchLogitIndex;
          }
          if (!tailCut && !lazy) {
            // The tail: the mask's bias and −∞ on the candidates, the filters, the temperature, a draw; its best
            // token's and the drawn token's logits back (filter, no sort) and Σ exp(logit − tail max) over it.
            const tailSampler = (this.tailSampler ??= this.makeSampler());
            this.tailBias(pending, pairs, kept);
            const tc = this.tailConfig;
            tc.temperature = T;
            tc.seed = ex.seed >>> 0;
            topKApplied = topK > kept;
            if (topKApplied) tc.topK = topK - kept;
            else delete tc.topK;
            minPApplied = minP > 0 && (ex.topP ?? 1) === 1;
            if (minPApplied) tc.minP = pMin;
            else delete tc.minP;
            tailSampler.applyConfig(tc);
            this.exactStats.tailPasses++;
            tailOut = (await this.sampleToken(batchLogitIndex, tailSampler, false, false, [[pairs[2 * kept]], false, false, true, 0], true)) as unknown[];
            tailIndex = batchLogitIndex;
          }
          if (T !== 1 || tailCut || lazy) {
            // The normaliser at T = 1: greedy after the mask's bias, Σ exp(logit − max) over the allowed set.
            const normSampler = (this.normSampler ??= this.makeSampler());
            const nc = this.normConfig;
            setBias(nc, pending);
            normSampler.applyConfig(nc);
            this.exactStats.normPasses++;
            const n = (await this.sampleToken(batchLogitIndex, normSampler, false, false, false as never, true)) as unknown[];
            norm = n[4] as number;
          }
        }
        return undefined;
      },
      seq._takeIntervalCheckpointIfNeededAfterBatch,
    );
    const result = this.result;
    if (result.ids.length < K) {
      result.ids = new Int32Array(K);
      result.logits = new Float64Array(K);
    }
    const ids = result.ids, vals = result.logits;
    let count = 0;
    if (pairs) {
      // [id, logit, id, logit, ...], best first.
      for (let i = 1; i < pairs.length && count < K; i += 2) {
        const id = pairs[i - 1];
        if (mask !== null && !mask.has(id)) {
          this.violations++;
          continue;
        }
        ids[count] = id;
        vals[count] = pairs[i] - bias;
        count++;
      }
    }
    result.tail = undefined;
    if (withTail && count === K && lazy && norm !== undefined && norm > 0) {
      // The tail's weight: the normaliser (float32 sum, relative to the best candidate) less the candidates'.
      let c = 0;
      for (let i = 0; i < kept; i++) c += Math.exp(vals[i] - vals[0]);
      const weight = Math.max(0, norm - c);
      this.lastTail = { index: tailIndex, T: 1, bias, mask, allowed, pending };
      result.tail = { count: allowed - kept, maxLogit: vals[kept], token: -1, logit: NaN, weight, total: Math.max(norm, c), topKApplied: false, minPApplied: false };
      result.count = kept;
      result.complete = false;
      return result;
    }
    if (withTail && count === K && tailCut && norm !== undefined && norm > 0) {
      // The tail is never drawn (greedy, or cut whole by top-k / min-p): its weight 0, the normaliser for the logprobs.
      result.tail = { count: allowed - kept, maxLogit: vals[kept], token: -1, logit: -Infinity, weight: 0, total: norm, topKApplied: true, minPApplied: true };
      result.count = kept;
      result.complete = false;
      return result;
    }
    if (withTail && count === K && tailOut) {
      // count === K: no violation among them. Candidate weights relative to the best one, in the biased floats.
      const T = ex.temperature > 0 ? ex.temperature : 1;
      const best = vals[0];
      const tailMax = vals[kept];
      const drawn = tailOut[0] as number;
      const lv = (tailOut[3] ?? []) as ArrayLike<number>;
      let postMax = NaN, postDrawn = NaN;
      for (let i = 1; i < lv.length; i += 2) {
        if (lv[i - 1] === ids[kept]) postMax = lv[i];
        if (lv[i - 1] === drawn) postDrawn = lv[i];
      }
      const sumTail = tailOut[4] as number;
      if (drawn >= 0 && mask !== null && !mask.has(drawn)) this.violations++;
      else if (drawn >= 0 && Number.isFinite(postMax) && Number.isFinite(postDrawn) && sumTail > 0) {
        // Post-chain logits are (logit + bias) / T; the sum is relative to the tail's best post-chain logit.
        const weight = sumTail * Math.exp(postMax - (best + bias) / T);
        let total: number;
        if (T === 1) {
          let c = 0;
          for (let i = 0; i < kept; i++) c += Math.exp(vals[i] - best);
          total = c + weight;
        } else total = norm ?? NaN;
        if (total > 0) {
          this.lastTail = { index: tailIndex, T, bias, mask, allowed, pending };
          result.tail = { count: allowed - kept, maxLogit: tailMax, token: drawn, logit: T === 1 ? postDrawn - bias : postDrawn * T - bias, weight, total, topKApplied, minPApplied };
        }
      }
      // The candidates are the best `kept`; the one more read was the tail's best.
      result.count = kept;
      result.complete = false;
      return result;
    }
    result.count = count;
    result.complete = count >= allowed;
    return result;
  }

  /**
   * A new draw from the last `evaluate`'s tail (its logits stay until the
   * sequence's context evaluates again: call before any other evaluation on it).
   */
  async redrawTail(seed: number): Promise<{ token: number; logit: number } | undefined> {
    const last = this.lastTail;
    if (last === null || this.tailSampler === undefined) return undefined;
    this.tailConfig.seed = seed >>> 0;
    this.tailSampler.applyConfig(this.tailConfig);
    this.exactStats.tailPasses++;
    this.exactStats.redraws++;
    const r = (await this.sampleToken(last.index, this.tailSampler, false, false, [[], false, false, true, 0], false)) as unknown[];
    const token = r[0] as number;
    const lv = (r[3] ?? []) as ArrayLike<number>;
    if (!(token >= 0) || lv.length < 2 || lv[0] !== token) return undefined;
    if (last.mask !== null && !last.mask.has(token)) {
      this.violations++;
      return undefined;
    }
    return { token, logit: last.T === 1 ? lv[1] - last.bias : lv[1] * last.T - last.bias };
  }

  /** Every allowed token of the last `evaluate`'s position (that returned a tail), best first. */
  async readAll(): Promise<{ ids: Int32Array; logits: Float64Array } | undefined> {
    const last = this.lastTail;
    if (last === null || this.normSampler === undefined && this.sampler === undefined) return undefined;
    // A sampler of its own (the main one's config stays as it is): the mask's bias, top-k = allowed.
    const s = (this.allSampler ??= this.makeSampler());
    const config: Record<string, unknown> = { temperature: 1, minP: 0, topP: 1, topK: last.allowed, seed: 0 };
    setBias(config, last.pending);
    s.applyConfig(config);
    this.exactStats.fullReads++;
    const r = (await this.sampleToken(last.index, s, false, false, [[], false, false, false, last.allowed], false)) as unknown[];
    const pairs = (r[3] ?? []) as ArrayLike<number>;
    const n = Math.min(last.allowed, pairs.length >> 1);
    const ids = new Int32Array(n), logits = new Float64Array(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const id = pairs[2 * i];
      if (last.mask !== null && !last.mask.has(id)) {
        this.violations++;
        continue;
      }
      ids[count] = id;
      logits[count] = pairs[2 * i + 1] - last.bias;
      count++;
    }
    if (count < last.allowed) return undefined;
    return { ids, logits };
  }

  /** The tail draw's bias: the mask's encoding (`pending`) and −∞ on the first `kept` candidate ids of `pairs`. */
  private tailBias(pending: { keys: Uint32Array; values: Float32Array } | undefined, pairs: ArrayLike<number>, kept: number): void {
    const base = pending?.keys.length ?? 0;
    const need = base + kept;
    if (this.tailKeys.length < need) {
      this.tailKeys = new Uint32Array(Math.max(need, this.vocabSize + 512));
      this.tailValues = new Float32Array(this.tailKeys.length);
    }
    if (pending) {
      this.tailKeys.set(pending.keys);
      this.tailValues.set(pending.values);
    }
    for (let i = 0; i < kept; i++) {
      this.tailKeys[base + i] = pairs[2 * i];
      this.tailValues[base + i] = -Infinity;
    }
    this.tailConfig.tokenBiasKeys = this.tailKeys.subarray(0, need);
    this.tailConfig.tokenBiasValues = this.tailValues.subarray(0, need);
  }

  /**
   * Appends one token and has the model compute its logits, without reading
   * them (no sampling, no mask: a pending `setMask` stays for the next
   * `evaluate`). For batch-invariant decoding, where every row of every batch
   * asks for logits so that each row takes the same kernels (see
   * `decode-invariant.ts`).
   */
  async advance(token: number): Promise<void> {
    this.lastTail = null;
    const seq = this.internals;
    await seq._decodeTokens([token as Token], [true], EVALUATION_PRIORITY, seq._tokenMeter, this.shift, () => undefined, seq._takeIntervalCheckpointIfNeededAfterBatch);
  }

  /** Frees the native sampler. */
  dispose(): void {
    this.sampler?.dispose();
    this.sampler = undefined;
    this.appliedPending = null;
    this.appliedK = -1;
    this.tailSampler?.dispose();
    this.tailSampler = undefined;
    this.normSampler?.dispose();
    this.normSampler = undefined;
    this.allSampler?.dispose();
    this.allSampler = undefined;
  }

  /** Writes the ids whose mask bit equals `bit` into `keys`; returns how many. */
  private collect(mask: TokenMask, bit: boolean): number {
    const words = mask.words, keys = this.keys, size = this.vocabSize;
    const flip = bit ? 0 : -1;
    const end4 = words.length & ~3;
    let n = 0;
    for (let w = 0; w < words.length; w++) {
      // Blocks of four words with no id of the wanted side are skipped (a mask is mostly empty or mostly full words).
      if (w < end4 && (w & 3) === 0 && ((words[w] ^ flip) | (words[w + 1] ^ flip) | (words[w + 2] ^ flip) | (words[w + 3] ^ flip)) === 0) {
        w += 3;
        continue;
      }
      let bits = words[w] ^ flip;
      while (bits !== 0) {
        const low = bits & -bits;
        const id = (w << 5) + (31 - Math.clz32(low));
        if (id >= size) break;
        keys[n++] = id;
        bits ^= low;
      }
    }
    return n;
  }
}

/** Whether two masks' words are equal (same length). */
function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Puts the mask's bias (typed arrays) into a native sampler's config, or takes it out (`undefined`). */
function setBias(config: Record<string, unknown>, bias: { keys: Uint32Array; values: Float32Array } | undefined): void {
  if (bias) {
    config.tokenBiasKeys = bias.keys;
    config.tokenBiasValues = bias.values;
  } else {
    delete config.tokenBiasKeys;
    delete config.tokenBiasValues;
  }
}
