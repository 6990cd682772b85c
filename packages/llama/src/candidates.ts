/**
 * N candidates for one prompt on one node-llama-cpp context: the
 * `CandidateDecoder` of `@formwork/core` on a loaded model.
 *
 * The prompt is evaluated once: all but its last token on sequence 0, then
 * that state is copied to the other sequences (llama.cpp's
 * `llama_memory_seq_cp`, through node-llama-cpp 3.22's internal
 * `LlamaContextSequence._copyStateFromOtherSequence`), and every sequence
 * starts by evaluating the last prompt token in the first shared batch
 * (`sharePrompt: "copy"`, the default). `sharePrompt: "batch"` instead puts
 * every sequence's whole prompt in that first batch (the prompt evaluated N
 * times, in one native call). Then one native batch per step for all live
 * sequences (`decodeLoop`), each with its own matcher (forked from one
 * compiled grammar), sampler (its seed, temperature...) and mask.
 *
 * `sequential: true` decodes the candidates one after another on one
 * sequence, each from a copy of the same prompt state: the same draws from
 * the same logits, without the batching (a baseline).
 */
import { ArgumentError, LimitError, ModelError, Sampler, type CandidateDecoder, type CandidateEvent, type CandidateOutput, type CandidateRequest, type CandidateRunStats, type SamplingOptions } from "@formwork/core";
import { resolveConstraint, type Constraint, type ConstraintOptions } from "@formwork/constraint";
import type { CompiledGrammar } from "@formwork/grammar";
import type { LlamaContext, LlamaContextSequence, Token } from "node-llama-cpp";
import { decodeLoop, type DecodeEnd, type SequenceOptions } from "./decode.js";
import { decodeLoopInvariant } from "./decode-invariant.js";
import type { LoadedModel } from "./load-model.js";
import { candidatesToRead, NativeLogits } from "./native-logits.js";
import { promptTokens, type ChatMessage } from "./prompt.js";
import { SequenceOutput } from "./sequence-output.js";

/** Options of `candidateDecoder`: the model, the prompt and the constraint every candidate shares. */
export interface CandidateDecoderOptions<S = unknown, V = unknown> extends Omit<ConstraintOptions, "schema" | "constraint"> {
  /** A model from `loadModel` (the decoder makes its own context of N sequences on it). */
  model: LoadedModel;
  /** A JSON Schema or zod / Standard Schema (see `ConstraintOptions.schema`). */
  schema?: S;
  /** A constraint resolved before by `resolveConstraint`. */
  constraint?: Constraint<V>;
  /** Raw completion text; exactly one of `prompt` and `messages`. */
  prompt?: string;
  /** Chat messages, formatted with the model's chat template. */
  messages?: readonly ChatMessage[];
  /** Free text until this marker, then the constraint. */
  startAfter?: string;
  stop?: readonly string[];
  /** Evaluate forced text in one batch instead of sampling it (default true). */
  fastForward?: boolean;
  /** Candidates the native side returns per step (default 256, or 64 when every candidate's `topK` is 1-64; at least every `topK`; see `generate`). */
  candidates?: number;
  /** How the prompt is shared: `"copy"` (evaluated once, state copied; default) or `"batch"` (every sequence's prompt in the first batch). */
  sharePrompt?: "copy" | "batch";
  /**
   * Batch-invariant decoding: every batch has one token per live sequence, every row asks for logits, and a
   * lone sequence gets a pad row, so that llama.cpp takes the same kernels for each row whatever else is in
   * the batch. Parallel and one-at-a-time (`sequential`) runs then give the same candidates bit for bit
   * (without it, ~1e-3 of rounding between batch shapes can flip a draw). Costs a step per forced token
   * and a pad row per lone step (see `decode-invariant.ts`). Needs `sharePrompt: "copy"`. Default false.
   */
  batchInvariant?: boolean;
}

/**
 * A `CandidateDecoder` on a loaded model. Its context of N sequences is kept
 * with the model and reused by later decoders (a larger N replaces it); it
 * is freed with the model. `dispose()` ends this decoder.
 */
export interface LlamaCandidateDecoder extends CandidateDecoder {
  /** The resolved constraint (null: free text). */
  readonly constraint: Constraint | null;
  /** The prompt's tokens. */
  readonly promptTokens: readonly number[];
  dispose(): Promise<void>;
}

interface Pool {
  context: LlamaContext;
  sequences: LlamaContextSequence[];
  natives: NativeLogits[];
  contextSize: number;
  /** Runs on the pool one at a time. */
  tail: Promise<void>;
  users: number;
}
const pools = new WeakMap<LoadedModel, Pool>();

/** A context with at least `n` sequences of `contextSize` tokens each, shared by the decoders of one model. */
async function poolFor(loaded: LoadedModel, n: number, contextSize: number): Promise<Pool> {
  let pool = pools.get(loaded);
  if (pool && pool.sequences.length >= n && pool.contextSize >= contextSize) return pool;
  const old = pool;
  if (old) {
    await old.tail;
    pools.delete(loaded);
    if (old.users === 0) await disposePool(old);
  }
  const size = Math.max(n, old?.sequences.length ?? 0);
  const ctxSize = Math.max(contextSize, old?.contextSize ?? 0);
  const context = await loaded.model.createContext({ contextSize: ctxSize, sequences: size, threads: loaded.threads });
  const sequences = Array.from({ length: size }, () => context.getSequence());
  pool = { context, sequences, natives: sequences.map((s) => new NativeLogits(s, loaded.vocabulary.size)), contextSize: ctxSize, tail: Promise.resolve(), users: 0 };
  pools.set(loaded, pool);
  return pool;
}

async function disposePool(pool: Pool): Promise<void> {
  for (const n of pool.natives) n.dispose();
  await pool.context.dispose();
}

type CopyState = (other: LlamaContextSequence, upToTokenIndex: number) => Promise<boolean>;

/** Copies `from`'s evaluated tokens (its first `length`) into `to` (node-llama-cpp's internal sequence copy). */
async function copySequence(from: LlamaContextSequence, to: LlamaContextSequence, length: number): Promise<void> {
  const copy = (to as unknown as { _copyStateFromOtherSequence?: CopyState })._copyStateFromOtherSequence;
  if (typeof copy !== "function") {
    throw new ModelError("node-llama-cpp-internals", "this node-llama-cpp has no LlamaContextSequence._copyStateFromOtherSequence, which sharePrompt: \"copy\" needs", {
      hint: 'Install node-llama-cpp 3.22.x, or pass sharePrompt: "batch".',
    });
  }
  await to.clearHistory();
  const ok = await copy.call(to, from, length);
  if (!ok || to.nextTokenIndex !== length) throw new Error(`internal: copying the prompt state to a sequence left ${to.nextTokenIndex} tokens, expected ${length}`);
}

const now = () => performance.now();

/**
 * Makes a decoder of candidates for one prompt and constraint on `model`
 * (see the file comment for how the prompt is shared). Throws before
 * anything runs for bad input, as `generate` does (`ArgumentError`, the
 * compilers' errors, `LimitError` `context-too-small` at `decode` time).
 */
export async function candidateDecoder<const S = undefined, V = never>(options: CandidateDecoderOptions<S, V>): Promise<LlamaCandidateDecoder> {
  const loaded = options.model;
  const constraint = resolveConstraint(options as ConstraintOptions);
  const compiled: CompiledGrammar | null = constraint ? loaded.compiler.withLimits(options.limits).compile(constraint.grammar) : null;
  const prompt = (await promptTokens(loaded.model, options.prompt, options.messages)) as number[];
  if (prompt.length === 0) throw new ArgumentError("empty-prompt", "the prompt is empty and the model has no BOS token to start from", { hint: "Give a prompt." });
  const share = options.sharePrompt ?? "copy";
  if (share !== "copy" && share !== "batch") throw new ArgumentError("bad-share-prompt", `sharePrompt must be "copy" or "batch", got ${JSON.stringify(share)}`, { hint: 'Use "copy" (default) or "batch".' });
  const invariant = options.batchInvariant === true;
  if (invariant && share !== "copy") throw new ArgumentError("bad-share-prompt", 'batchInvariant needs sharePrompt: "copy" (the prompt batched N times has other batch shapes than one prompt copied)', { hint: 'Leave sharePrompt out, or drop batchInvariant.' });
  const vocabulary = loaded.vocabulary;
  const model = loaded.model;
  const tokenize = (text: string) => model.tokenize(text, false);
  let disposed = false;

  async function* decode(request: CandidateRequest): AsyncGenerator<CandidateEvent, CandidateRunStats> {
    if (disposed) throw new ArgumentError("decoder-disposed", "this candidate decoder was disposed", { hint: "Make a new one with candidateDecoder()." });
    const t0 = now();
    const n = request.candidates.length;
    const { maxTokens } = request;
    if (n < 1) throw new ArgumentError("bad-candidates", "give at least one candidate", { hint: "Pass one sampling entry per candidate." });
    if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new ArgumentError("bad-max-tokens", `maxTokens must be an integer >= 1, got ${String(maxTokens)}`, { hint: "Give a positive token budget." });
    const samplings: SamplingOptions[] = [...request.candidates];
    const samplers = samplings.map((s) => new Sampler(s));
    const k = candidatesToRead(options.candidates, samplers.map((s) => s.options.topK));
    const perSequence = prompt.length + maxTokens;
    const limit = loaded.context.contextSize;
    if (perSequence > limit) {
      throw new LimitError("context-too-small", `the prompt (${prompt.length} tokens) and maxTokens (${maxTokens}) need ${perSequence} tokens, but the context holds ${limit}`, {
        hint: "Lower maxTokens, shorten the prompt, or load the model with a larger contextSize.",
      });
    }
    const sequential = request.sequential === true;
    // Sequential: sequence 0 keeps the prompt, sequence 1 decodes each candidate from a copy of it.
    const width = sequential ? (n > 1 && share === "copy" ? 2 : 1) : n;
    // Batch-invariant runs keep one more sequence for the pad row.
    const pool = await poolFor(loaded, width + (invariant ? 1 : 0), Math.min(limit, Math.ceil(perSequence / 256) * 256));
    pool.users++;
    const previous = pool.tail;
    let release!: () => void;
    pool.tail = new Promise<void>((r) => (release = r));
    await previous;
    const stats: CandidateRunStats = { promptTokens: prompt.length, promptTokensEvaluated: 0, promptMs: 0, steps: 0, sequenceSteps: 0, tokens: 0, maskMs: 0, takeMs: 0, nativeMs: 0, totalMs: 0 };
    try {
      const seqs = pool.sequences;
      for (let i = 0; i < width + (invariant ? 1 : 0); i++) await seqs[i].clearHistory();
      // The prompt prefix (all but the last token), evaluated once on sequence 0.
      const prefix = share === "copy" && (n > 1 || sequential || invariant) ? prompt.length - 1 : 0;
      const p0 = now();
      if (prefix > 0) {
        await seqs[0].evaluateWithoutGeneratingNewTokens(prompt.slice(0, prefix) as Token[]);
        stats.promptTokensEvaluated += prefix;
      }
      const rest = prompt.slice(prefix);
      const outputs = samplings.map(() => new SequenceOutput(vocabulary));
      const sequenceOf = (index: number, native: NativeLogits): SequenceOptions => ({
        native,
        prompt: rest,
        matcher: compiled ? compiled.createMatcher() : null,
        sampler: samplers[index],
        maxTokens,
        startAfter: options.startAfter,
        stop: options.stop,
      });
      const finish = (index: number, end: DecodeEnd, matcherComplete: boolean): CandidateOutput => {
        const out = outputs[index];
        out.finish(compiled !== null);
        let sum = 0;
        for (const lp of out.logprobs) sum += lp;
        stats.tokens += out.tokens.length;
        return {
          index,
          seed: samplers[index].options.seed,
          text: out.text,
          constrainedText: out.constrainedText,
          tokens: out.tokens,
          logprobs: out.logprobs,
          forced: out.forced,
          meanLogprob: out.meanLogprob(),
          sumLogprob: sum,
          exactLogprobs: end.stats.truncatedSteps === 0,
          complete: matcherComplete,
          stopReason: end.stopReason,
          ms: now() - t0,
        };
      };

      const groups: number[][] = sequential ? samplings.map((_, i) => [i]) : [samplings.map((_, i) => i)];
      stats.promptMs += now() - p0;
      for (let g = 0; g < groups.length; g++) {
        const group = groups[g];
        const seqOptions: SequenceOptions[] = [];
        const c0 = now();
        const copies: Promise<void>[] = [];
        for (let j = 0; j < group.length; j++) {
          // Parallel: candidate j on sequence j. Sequential: on the last sequence (with a shared prefix, sequence 0 keeps it).
          const at = sequential ? width - 1 : j;
          if (prefix > 0 && at !== 0) copies.push(copySequence(seqs[0], seqs[at], prefix));
          else if (g > 0) copies.push(seqs[at].clearHistory());
          seqOptions.push(sequenceOf(group[j], pool.natives[at]));
        }
        // The pad row's sequence starts empty with each group: it grows only on lone steps, so it stays no longer than
        // the lone candidate's own, and the KV length llama.cpp attends over (the longest sequence in the batch,
        // rounded up to 256 cells) is the candidate's, as in a parallel run.
        if (invariant) copies.push(seqs[width].clearHistory());
        await Promise.all(copies);
        stats.promptMs += now() - c0;
        stats.promptTokensEvaluated += rest.length * group.length;
        const matchers = seqOptions.map((s) => s.matcher);
        const loopOptions = { vocabulary, tokenize, sequences: seqOptions, candidates: k, fastForward: options.fastForward ?? true, signal: request.signal };
        const loop = invariant ? decodeLoopInvariant({ ...loopOptions, pad: pool.natives[width] }) : decodeLoop(loopOptions);
        for (;;) {
          const step = await loop.next();
          if (step.done) {
            const l = step.value;
            stats.steps += l.steps;
            stats.sequenceSteps += l.sequenceSteps;
            stats.maskMs += l.maskMs + l.prepareMs;
            stats.takeMs += l.takeMs;
            stats.nativeMs += l.nativeMs;
            break;
          }
          const e = step.value;
          const index = group[e.sequence];
          if (e.token) {
            outputs[index].push(e.token);
            yield { type: "token", candidate: index, token: e.token.id, logprob: e.token.logprob, forced: e.token.forced };
          } else {
            const m = matchers[e.sequence];
            yield { type: "end", candidate: index, output: finish(index, e.end, m ? m.isComplete() : true) };
          }
        }
      }
      stats.totalMs = now() - t0;
      return stats;
    } finally {
      pool.users--;
      release();
    }
  }

  return {
    constrained: compiled !== null,
    constraint,
    promptTokens: prompt,
    decode,
    // The context of N sequences stays with the model for the next decoders (node-llama-cpp frees it with the model).
    async dispose() {
      disposed = true;
    },
  };
}

/** Options of `decodeCandidates`: a decoder's options and one request. */
export interface DecodeCandidatesOptions<S = unknown, V = unknown> extends CandidateDecoderOptions<S, V> {
  /** Each candidate's sampling (seed, temperature...), in order. */
  samplings: readonly SamplingOptions[];
  /** Token budget of each candidate. */
  maxTokens: number;
  /** One candidate after another instead of one batch per step. */
  sequential?: boolean;
  signal?: AbortSignal;
}

/** Decodes the candidates of one request and returns their outputs (in index order) and the run's stats. */
export async function decodeCandidates<const S = undefined, V = never>(options: DecodeCandidatesOptions<S, V>): Promise<{ outputs: CandidateOutput[]; stats: CandidateRunStats }> {
  const decoder = await candidateDecoder(options);
  try {
    const outputs: CandidateOutput[] = new Array(options.samplings.length);
    const it = decoder.decode({ candidates: options.samplings, maxTokens: options.maxTokens, sequential: options.sequential, signal: options.signal });
    for (;;) {
      const r = await it.next();
      if (r.done) return { outputs, stats: r.value };
      if (r.value.type === "end") outputs[r.value.candidate] = r.value.output;
    }
  } finally {
    await decoder.dispose();
  }
}
