/**
 * The decode loop, over N sequences of one context decoded together (one
 * native batch per step; `generate` is N = 1). Before each token each
 * sequence's matcher fills its mask, the masks go onto the native logits
 * (`NativeLogits`), each sequence's `Sampler` draws among its best allowed
 * candidates, and its matcher accepts the token. End-of-generation is
 * allowed exactly when the matcher is complete. The per-sequence rules
 * (length-aware budget, fast-forward, start-after marker, stop strings) and
 * their guarantees are in `decode-sequence.ts`.
 *
 * A step: every live sequence prepares (forced tokens, end checks) and fills
 * its mask; then all of them call `NativeLogits.next` in the same tick, so
 * node-llama-cpp puts their tokens in one batch; then each samples. A
 * sequence's tokens depend only on its own options (seed included), not on
 * which other sequences run beside it.
 *
 * Mask during evaluation: a sequence whose next tokens do not depend on its
 * mask (fast-forward off, so no lone token; its grammar not complete, so
 * the mask cannot end it; `SequenceDecoder.canMaskLater`) fills its mask
 * while the model evaluates the batch (`LogitsSource.maskLater`): the
 * sampling waits for it, and the main thread's mask work (the matcher, the
 * count, the bias encoding) is off the step's critical path. The same masks,
 * hence the same tokens. Only where the grammar has no continuation at all
 * (a mask allowing nothing: a grammar that needs a byte no token has) does
 * the sequence then end after an evaluation the step-by-step order would
 * not have made (its tokens, and the other sequences', stay the same but for
 * that batch's shape).
 */
import type { Vocabulary } from "@formwork/core";
import { TokenMask } from "@formwork/core";
import { SequenceDecoder, type SharedDecodeState } from "./decode-sequence.js";
import type { Tokenize } from "./fast-forward.js";
import type { Candidates } from "./native-logits.js";
import type { DecodedToken, DecodeEnd, SequenceOptions } from "./decode-types.js";

export type { StopReason, DecodedToken, DecodeStats, DecodeEnd, SequenceOptions } from "./decode-types.js";

/** What the loop needs. */
export interface DecodeLoopOptions {
  vocabulary: Vocabulary;
  tokenize: Tokenize;
  /** The sequences, decoded together. */
  sequences: readonly SequenceOptions[];
  /** Candidates asked of the native side per step (K; `Infinity`: exact sampling over the whole allowed set, `ExactDraw`). */
  candidates: number;
  fastForward: boolean;
  /** Ends every sequence. */
  signal?: AbortSignal;
}

/** What the loop yields: a token of sequence `sequence`, or its end (exactly one per sequence, last). */
export type DecodeEvent = { sequence: number; token: DecodedToken; end?: undefined } | { sequence: number; end: DecodeEnd; token?: undefined };

/** Where the loop's time went, summed over steps (milliseconds). */
export interface LoopStats {
  /** Native batches. */
  steps: number;
  /** Sequences evaluated, summed over batches (divide by `steps` for the mean batch width). */
  sequenceSteps: number;
  /** End checks, markers and fast-forward, all sequences. */
  prepareMs: number;
  /** Masks and their encoding for the native side (`NativeLogits.setMask`), all sequences. */
  maskMs: number;
  /** Waiting for the native batches (model evaluation, bias, top-K). */
  nativeMs: number;
  /** Sampling, budget checks and accepts, all sequences. */
  takeMs: number;
}

/**
 * Runs the sequences together, yielding their tokens as they are decided and
 * each one's end; returns where the time went. Throws `LimitError`
 * (`budget-too-small`) before generating when a sequence's `maxTokens`
 * cannot fit its grammar's shortest output. Leaving the iteration early
 * leaves no native call in flight.
 */
export async function* decodeLoop(o: DecodeLoopOptions): AsyncGenerator<DecodeEvent, LoopStats> {
  const { seqs, loop } = startLoop(o);
  const out: DecodedToken[] = [];
  let live = seqs.map((_, i) => i);
  const batch: number[] = [];
  const inputs: (readonly number[])[] = [];
  const later: number[] = [];
  // A lone sequence whose next prepare emits no token (`SequenceDecoder.preparesSilently`: fast-forward off) holds the
  // events of its take back until its next batch is dispatched, in order: the consumer's work on them (and the async
  // iteration's round trip) then runs while the model evaluates instead of between two forward passes. The consumer
  // sees the same events in the same order; what it does on seeing one (an abort) takes effect at the next take
  // instead of the next prepare: the same tokens, after one more evaluation. With several sequences the events are
  // yielded as they come (an abort seen between two sequences' takes must stop the second).
  let held: DecodeEvent[] = [];
  let inFlight: Promise<unknown> | null = null;
  try {
    while (live.length > 0) {
      batch.length = 0;
      inputs.length = 0;
      later.length = 0;
      for (const i of live) {
        const seq = seqs[i];
        const deferred = seq.canMaskLater();
        const tokens = deferred ? prepareOnly(seq, out, loop) : prepareNext(seq, out, loop);
        if (held.length > 0) hold(held, i, out, seq);
        else yield* drain(i, out, seq);
        if (tokens === null) continue;
        if (deferred) later.push(i);
        batch.push(i);
        inputs.push(tokens);
      }
      if (batch.length > 0) {
        const t0 = performance.now();
        for (const i of later) seqs[i].native.maskLater!();
        // Called in one tick: node-llama-cpp batches the sequences of a context into one decode.
        const evaluated = Promise.all(batch.map((i, j) => seqs[i].native.evaluate(inputs[j], o.candidates, o.candidates === Infinity ? seqs[i].exactDraw() : undefined)));
        inFlight = evaluated;
        // Handled here too: a rejection while the masks are filled or the held events are taken is the loop's error, not an unhandled one.
        evaluated.catch(() => undefined);
        let failure: { error: unknown } | undefined;
        // node-llama-cpp dispatches the batch to its native worker after a microtask (its lock; one was enough with
        // 3.22.1, three leave room): the masks are filled and the held events yielded once it has. Were it later, they
        // would be done before the evaluation starts, as without this, and the step would take as long as before.
        if (later.length > 0 || held.length > 0) for (let hop = 0; hop < DISPATCH_HOPS; hop++) await undefined;
        if (later.length > 0) {
          for (const i of later) {
            if (failure === undefined) {
              try {
                maskLater(seqs[i], loop);
                continue;
              } catch (error) {
                failure = { error };
              }
            }
            // The evaluation waits for every mask: release it, then report the error once nothing is in flight.
            seqs[i].native.setMask(null, Infinity);
          }
        }
        if (held.length > 0) {
          // The last step's tokens, taken by the consumer while the model evaluates this batch.
          const events = held;
          held = [];
          yield* events;
        }
        if (failure !== undefined) {
          await evaluated.catch(() => undefined);
          throw failure.error;
        }
        const results: Candidates[] = await evaluated;
        inFlight = null;
        const dt = countBatch(loop, t0, batch.length);
        for (let j = 0; j < batch.length; j++) {
          const seq = seqs[batch[j]];
          // A mask filled during the evaluation may have ended the sequence (nothing allowed): its candidates go unused.
          if (seq.ended === null) await takeNext(seq, results[j], dt, out, loop);
          if (live.length === 1 && seq.preparesSilently()) hold(held, batch[j], out, seq);
          else yield* drain(batch[j], out, seq);
        }
      }
      live = live.filter((i) => seqs[i].ended === null);
    }
    if (held.length > 0) yield* held;
  } finally {
    // Left early (the consumer stopped at a held event): nothing stays in flight.
    if (inFlight !== null) await inFlight.catch(() => undefined);
  }
  return loop;
}

/** `drain`, into `held` instead of yielded. */
function hold(held: DecodeEvent[], i: number, out: DecodedToken[], seq: SequenceDecoder): void {
  for (const token of out) held.push({ sequence: i, token });
  out.length = 0;
  if (seq.ended) held.push({ sequence: i, end: seq.ended });
}

/** Microtasks to let node-llama-cpp dispatch a batch before the masks filled during it (see `decodeLoop`). */
const DISPATCH_HOPS = 3;

// Every token but the end-of-generation ones, per vocabulary (read only: the decoders never change it).
const noEogs = new WeakMap<Vocabulary, { noEog: TokenMask; noEogCount: number }>();

function noEogOf(vocabulary: Vocabulary): { noEog: TokenMask; noEogCount: number } {
  let e = noEogs.get(vocabulary);
  if (e === undefined) {
    const noEog = TokenMask.full(vocabulary.size).andNot(vocabulary.eogMask);
    noEogs.set(vocabulary, (e = { noEog, noEogCount: noEog.count() }));
  }
  return e;
}

/** The sequences' decoders and the loop's counters (this loop's and the batch-invariant one's, `decode-invariant.ts`). */
export function startLoop(o: DecodeLoopOptions): { seqs: SequenceDecoder[]; loop: LoopStats } {
  const { noEog, noEogCount } = noEogOf(o.vocabulary);
  const shared: SharedDecodeState = { vocabulary: o.vocabulary, tokenize: o.tokenize, fastForward: o.fastForward, noEog, noEogCount, signal: o.signal };
  return { seqs: o.sequences.map((s) => new SequenceDecoder(s, shared)), loop: { steps: 0, sequenceSteps: 0, prepareMs: 0, maskMs: 0, nativeMs: 0, takeMs: 0 } };
}

/**
 * Phases 1-2 of one sequence before a batch (timed in `loop`): forced tokens
 * to `out`, the mask handed to its native side; returns the tokens to
 * evaluate, or null when the sequence has ended (`seq.ended`).
 */
export function prepareNext(seq: SequenceDecoder, out: DecodedToken[], loop: LoopStats): readonly number[] | null {
  for (;;) {
    const t0 = performance.now();
    const tokens = seq.prepare(out);
    const t1 = performance.now();
    const go = tokens !== null && seq.fillMask();
    loop.prepareMs += t1 - t0;
    if (go) {
      // A token the mask leaves alone (fast-forward on) is taken here and evaluated with the next step's batch.
      const t2 = performance.now();
      loop.maskMs += t2 - t1;
      if (seq.takeLone(out)) {
        loop.takeMs += performance.now() - t2;
        if (seq.ended) return null;
        continue;
      }
      seq.native.setMask(seq.mask, seq.allowed, seq.listed);
      loop.maskMs += performance.now() - t2;
      return tokens;
    }
    loop.maskMs += performance.now() - t1;
    return null;
  }
}

/** Phase 1 alone, for a sequence that fills its mask during the evaluation (`maskLater`); timed in `loop`. */
export function prepareOnly(seq: SequenceDecoder, out: DecodedToken[], loop: LoopStats): readonly number[] | null {
  const t0 = performance.now();
  const tokens = seq.prepare(out);
  loop.prepareMs += performance.now() - t0;
  return tokens;
}

/**
 * Phase 2 of a sequence whose evaluation has started (`prepareOnly`, then
 * `LogitsSource.maskLater` and `evaluate`): its mask to the native side,
 * which the sampling waits for; when the mask ends the sequence, no mask
 * (the candidates are not used). Timed in `loop`.
 */
export function maskLater(seq: SequenceDecoder, loop: LoopStats): void {
  const t0 = performance.now();
  if (seq.fillMask()) seq.native.setMask(seq.mask, seq.allowed, seq.listed);
  else seq.native.setMask(null, Infinity);
  loop.maskMs += performance.now() - t0;
}

/**
 * Phase 3 of one sequence after a batch (timed in `loop`). An exact draw
 * under the length budget may ask the native side for new tail draws of
 * the same logits: the loop awaits it before any other evaluation.
 */
export async function takeNext(seq: SequenceDecoder, cand: Candidates, nativeMs: number, out: DecodedToken[], loop: LoopStats): Promise<void> {
  const t0 = performance.now();
  const drawn = seq.needsExactDraw(cand) ? await seq.drawExact(cand) : undefined;
  seq.take(cand, nativeMs, out, false, drawn);
  loop.takeMs += performance.now() - t0;
}

/** Counts a batch that started at `t0` with `width` sequences; returns its milliseconds. */
export function countBatch(loop: LoopStats, t0: number, width: number): number {
  const dt = performance.now() - t0;
  loop.nativeMs += dt;
  loop.steps++;
  loop.sequenceSteps += width;
  return dt;
}

/** The events of sequence `i` after a phase: its tokens in `out` (emptied), then its end if it has ended. */
export function* drain(i: number, out: DecodedToken[], seq: SequenceDecoder): Generator<DecodeEvent> {
  for (const token of out) yield { sequence: i, token };
  out.length = 0;
  if (seq.ended) yield { sequence: i, end: seq.ended };
}
