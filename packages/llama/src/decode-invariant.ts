/**
 * The decode loop in batch-invariant form: a candidate's tokens and
 * log-probabilities do not depend on which other sequences share its
 * batches, so N candidates decoded together equal the same candidates
 * decoded one at a time, bit for bit.
 *
 * Why it is needed (measured on node-llama-cpp 3.22.1's prebuilt CPU binary,
 * the fixture model, `scripts` in docs/select.md): llama.cpp's CPU matrix
 * products take one kernel for a single row and another for two or more
 * (vector dot products vs the tiled matrix kernel), which round differently
 * (up to ~7e-4 on the fixture model's logits). Rows of batches of two or
 * more come out bit-identical whatever the other rows hold, with flash
 * attention on or off. But a normal step is uneven: a sequence with
 * fast-forwarded tokens evaluates several tokens while the others evaluate
 * one, and llama.cpp splits such a batch (one token per sequence, then the
 * rest alone), and only the last token of each sequence asks for logits, so
 * the output product can be a single row; a candidate alone is one row
 * throughout.
 *
 * So here every step evaluates exactly one token per live sequence, every
 * row asks for logits (forced tokens' logits are computed and not read), and
 * a step with a single live sequence gets a second row: one token on a spare
 * "pad" sequence. Every batch is then two or more rows, all with outputs, in
 * one micro-batch. The cost: forced tokens take a step each (not one batch
 * with the next sampled token) and an output row each; one-at-a-time runs
 * pay a pad row per step.
 */
import { countBatch, drain, prepareNext, startLoop, takeNext, type DecodeEvent, type DecodeLoopOptions, type LoopStats } from "./decode.js";
import type { DecodedToken } from "./decode-types.js";
import type { Candidates, NativeLogits } from "./native-logits.js";

/** The invariant loop's options: the loop's, each sequence's source a `NativeLogits`, and the pad. */
export interface InvariantLoopOptions extends DecodeLoopOptions {
  /** A spare sequence of the same context: its row keeps a single live sequence's batch at two rows. */
  pad: NativeLogits;
}

/** Runs the sequences together, one token per sequence per batch (see the file comment); yields and returns as `decodeLoop`. */
export async function* decodeLoopInvariant(o: InvariantLoopOptions): AsyncGenerator<DecodeEvent, LoopStats> {
  const { seqs, loop } = startLoop(o);
  const natives = o.sequences.map((s) => s.native as NativeLogits);
  const out: DecodedToken[] = [];
  // Tokens each sequence still has to evaluate before its next draw (its mask is set when they are queued).
  const queues: number[][] = seqs.map(() => []);
  let live = seqs.map((_, i) => i);
  const batch: number[] = [];
  const padSeq = o.pad.sequence;
  const padLimit = padSeq.contextSize - 2;
  while (live.length > 0) {
    batch.length = 0;
    for (const i of live) {
      if (queues[i].length === 0) {
        const tokens = prepareNext(seqs[i], out, loop);
        yield* drain(i, out, seqs[i]);
        if (tokens === null) continue;
        queues[i] = [...tokens];
      }
      batch.push(i);
    }
    if (batch.length === 0) break;
    // Before any call of this step: awaiting between the calls would let the batch go without the pad.
    if (batch.length === 1 && padSeq.nextTokenIndex >= padLimit) await padSeq.clearHistory();
    const t0 = performance.now();
    const calls: Promise<Candidates | void>[] = [];
    const draws: boolean[] = [];
    for (const i of batch) {
      const token = queues[i].shift()!;
      const draw = queues[i].length === 0;
      draws.push(draw);
      // Called in one tick: node-llama-cpp batches them into one decode.
      calls.push(draw ? natives[i].evaluate([token], o.candidates, o.candidates === Infinity ? seqs[i].exactDraw() : undefined) : natives[i].advance(token));
    }
    if (batch.length === 1) calls.push(o.pad.advance(0));
    const results = await Promise.all(calls);
    const dt = countBatch(loop, t0, batch.length);
    for (let j = 0; j < batch.length; j++) {
      if (!draws[j]) continue;
      await takeNext(seqs[batch[j]], results[j] as Candidates, dt, out, loop);
      yield* drain(batch[j], out, seqs[batch[j]]);
    }
    live = live.filter((i) => seqs[i].ended === null);
  }
  return loop;
}
