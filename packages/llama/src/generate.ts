/**
 * The API: `generate` (one call, one result) and `generateStream` (text
 * chunks and partial values as they grow, then the result).
 */
import { ArgumentError, LimitError, Sampler, type SamplingOptions } from "@formwork/core";
import { resolveConstraint, type Constraint, type ConstraintOptions, type ConstraintWarning, type SchemaValue } from "@formwork/constraint";
import { decodeLoop, type DecodeEnd, type DecodeStats, type StopReason } from "./decode.js";
import { checkMaxTokensFit, DEFAULT_CONTEXT_SIZE, loadModel, type LoadedModel, type LoadModelOptions } from "./load-model.js";
import { candidatesToRead, NativeLogits } from "./native-logits.js";
import { parsePartialJson } from "./partial-json.js";
import { promptTokens, type ChatMessage } from "./prompt.js";
import { SequenceOutput } from "./sequence-output.js";
import type { CompiledGrammar, GrammarCompiler } from "@formwork/grammar";

/**
 * Options of `generate`. Exactly one of `prompt` and `messages`; at most one
 * of `schema`, `grammar`, `regex` and `constraint` (a constraint resolved
 * before, compiled once for many calls). `S` is the schema's type and `V`
 * a resolved constraint's value type: they type the result's `value`.
 */
export interface GenerateOptions<S = unknown, V = unknown> extends Omit<ConstraintOptions, "schema" | "constraint">, SamplingOptions {
  /** A JSON Schema (object, boolean or JSON text) or a zod / Standard Schema (see `ConstraintOptions.schema`); an inline or `as const` literal types `value`. */
  schema?: S;
  /** A constraint resolved before by `resolveConstraint`: used as is, nothing is compiled again. */
  constraint?: Constraint<V>;
  /**
   * A model from `loadModel`, a GGUF path, URL or `hf:` URI (loaded and
   * disposed by the call), or nothing: the fixture model (see `loadModel`).
   */
  model?: LoadedModel | string;
  /** Load options when `model` is a path or absent (threads, GPU, context size). */
  load?: Omit<LoadModelOptions, "model" | "modelPath">;
  /** Raw completion text. */
  prompt?: string;
  /** Chat messages, formatted with the model's chat template; generation continues the assistant turn. */
  messages?: readonly ChatMessage[];
  /** Token budget for the output (fast-forwarded tokens count). Default 256. With a constraint the output always ends complete within it. */
  maxTokens?: number;
  /** Stop when the output contains one of these strings (the text keeps it). */
  stop?: readonly string[];
  /** Cancels generation; the result so far is returned with `stopReason: "abort"`. */
  signal?: AbortSignal;
  /** Free text until this marker (e.g. `"</think>"`), then the constraint. */
  startAfter?: string;
  /** Evaluate forced text in one batch instead of sampling it (default true). */
  fastForward?: boolean;
  /**
   * Candidates the native side returns per step (default 256, or 64 when
   * `topK` is 1-64: the same draw, read cheaper; at least `topK`). Sampling
   * is exact when the allowed set is no larger; otherwise it draws among the
   * best `candidates` allowed tokens (exact for greedy, and for `topK` up to
   * `candidates`), and logprobs are renormalised over them.
   * `Infinity`: exact sampling over the whole allowed set (temperature,
   * top-k, top-p, min-p, seed, the length budget) and exact logprobs,
   * without reading every allowed logit when many are allowed: up to
   * 2,048-8,192 allowed (`exactReadAll`) all are read; above, the best 64
   * (256 with top-p) and native passes over the rest (its normaliser, and a
   * seeded draw from it); a step they cannot settle (top-p cut past the
   * read, a budget refusing 64 draws) reads every allowed logit. Costs 1-5
   * ms more per step than the default on steps with that many allowed
   * tokens (tiny model, under load; see the package README).
   */
  candidates?: number;
  /** Called with each new piece of text. */
  onText?: (chunk: string) => void;
  /** Called with the partial value (JSON constraints) whenever it changes. */
  onValue?: (partial: unknown) => void;
}

/** Milliseconds spent, and the rate. */
export interface GenerateTimings {
  /** Loading the model (0 when a loaded model was passed). */
  loadMs: number;
  /** Compiling the constraint to a matcher. */
  compileMs: number;
  /** Evaluating the prompt and the first token's logits. */
  promptMs: number;
  /** From the first token to the end. */
  decodeMs: number;
  totalMs: number;
  /** Output tokens per second over `decodeMs` (forced tokens included). */
  tokensPerSecond: number;
  /** Time in the grammar matcher (masks, accepts, budget checks, fast-forward). */
  grammarMs: number;
  /** Time in node-llama-cpp (evaluation, bias, top-K). */
  nativeMs: number;
}

/** The type of `value` for a schema of type `S` or a resolved constraint of value type `V` (`never`: none given). */
export type GeneratedValue<S, V> = [V] extends [never] ? SchemaValue<S> : V;

/** What `generate` returns; `T` is the type of `value`. */
export interface GenerateResult<T = unknown> {
  /** The whole output text (the free part and the marker included when `startAfter` is used). */
  text: string;
  /** The constrained part of the text (all of it when there is no marker). */
  constrainedText: string;
  /**
   * For a schema: the value parsed in the schema's syntax, typed from the
   * schema (a zod schema, an inline or `as const` JSON Schema literal;
   * otherwise `unknown`); undefined when the output is not complete (or a
   * zod refinement rejects it). For other constraints and free text: undefined.
   */
  value: T | undefined;
  /** Output token ids. */
  tokens: number[];
  /** Per token: log-probability under the model (T = 1) renormalised over the allowed candidates; 0 for forced tokens. */
  logprobs: number[];
  /** Per token: whether it was forced (fast-forward, marker, budget plan) rather than sampled. */
  forced: boolean[];
  /** Mean of `logprobs` over the sampled tokens (0 when none). */
  meanLogprob: number;
  /** Whether every sampled token's log-probability was over the whole allowed set. */
  exactLogprobs: boolean;
  /** Whether the constrained output is a complete sentence of the constraint (true for free text). */
  complete: boolean;
  stopReason: StopReason;
  timings: GenerateTimings;
  stats: DecodeStats;
  /** Warnings from building the constraint's grammar (schema approximations under `lenient`, unused GBNF rules). */
  warnings: readonly ConstraintWarning[];
}

/** A streamed piece. */
export type GenerateChunk<T = unknown> =
  | { type: "text"; text: string }
  | { type: "value"; value: unknown }
  | { type: "done"; result: GenerateResult<T> };

interface SequenceSlot {
  native: NativeLogits;
  /** Resolves when the call in progress (if any) is done: calls on one model run one at a time. */
  tail: Promise<void>;
}
const slots = new WeakMap<LoadedModel, SequenceSlot>();

function slotOf(loaded: LoadedModel): SequenceSlot {
  let slot = slots.get(loaded);
  if (!slot) {
    const sequence = loaded.context.getSequence();
    slot = { native: new NativeLogits(sequence, loaded.vocabulary.size), tail: Promise.resolve() };
    slots.set(loaded, slot);
  }
  return slot;
}

// The compiled grammar of a resolved schema constraint, for the compiler that compiled it last.
const compiledSchemas = new WeakMap<Constraint, { compiler: GrammarCompiler; compiled: CompiledGrammar }>();

/**
 * `compiler.compile(constraint.grammar)`, kept per resolved schema
 * constraint (`resolveConstraint` gives the same one for an equal schema):
 * the compiler's own cache keys a grammar by its structure, ~0.2-0.8 ms per
 * call under load on the decode benchmark's schemas. Only for schemas,
 * whose grammar the schema compiler made: a grammar IR a caller built may
 * change between calls and is always looked up by structure.
 */
function compiledFor(constraint: Constraint, compiler: GrammarCompiler): CompiledGrammar {
  if (constraint.kind !== "schema") return compiler.compile(constraint.grammar);
  const hit = compiledSchemas.get(constraint);
  if (hit !== undefined && hit.compiler === compiler) return hit.compiled;
  const compiled = compiler.compile(constraint.grammar);
  compiledSchemas.set(constraint, { compiler, compiled });
  return compiled;
}

/**
 * Generates from a model under an optional constraint and returns the text,
 * the value, every token with its log-probability, the stop reason and
 * timings. The same options (seed included) give the same output. Throws
 * before generating for bad input: `ArgumentError`, the compilers'
 * `CompileError` / `UnsupportedError`, `LimitError` (`budget-too-small`,
 * `context-too-small`),
 * `ModelError` (missing or unreadable model). Calls on one loaded model run
 * one after another (they share its context sequence).
 */
export async function generate<const S = undefined, V = never>(options: GenerateOptions<S, V>): Promise<GenerateResult<GeneratedValue<S, V>>> {
  const t0 = performance.now();
  const maxTokens = options.maxTokens ?? 256;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new ArgumentError("bad-max-tokens", `maxTokens must be an integer >= 1, got ${String(maxTokens)}`, { hint: "Give a positive token budget." });
  }
  const sampler = new Sampler({ temperature: options.temperature, topK: options.topK, topP: options.topP, minP: options.minP, seed: options.seed });
  const candidates = candidatesToRead(options.candidates, [sampler.options.topK]);
  const constraint = resolveConstraint(options as ConstraintOptions);

  let loaded: LoadedModel;
  let owned = false;
  let loadMs = 0;
  if (options.model !== undefined && typeof options.model !== "string") {
    loaded = options.model;
    checkMaxTokensFit(maxTokens, loaded.context.contextSize);
  } else {
    // Before the load (seconds): a budget no context of this size holds.
    checkMaxTokensFit(maxTokens, options.load?.contextSize ?? DEFAULT_CONTEXT_SIZE);
    loaded = await loadModel({ ...options.load, model: options.model });
    owned = true;
    loadMs = loaded.loadMs;
  }
  try {
    const c0 = performance.now();
    const matcher = constraint ? compiledFor(constraint, loaded.compiler.withLimits(options.limits)).createMatcher() : null;
    const compileMs = performance.now() - c0;
    const prompt = await promptTokens(loaded.model, options.prompt, options.messages);
    if (prompt.length === 0) {
      throw new ArgumentError("empty-prompt", "the prompt is empty and the model has no BOS token to start from", { hint: "Give a prompt." });
    }
    const contextSize = loaded.context.contextSize;
    if (prompt.length + maxTokens > contextSize) {
      throw new LimitError("context-too-small", `the prompt (${prompt.length} tokens) and maxTokens (${maxTokens}) need ${prompt.length + maxTokens} tokens, but the context holds ${contextSize}`, {
        hint: "Lower maxTokens, shorten the prompt, or load the model with a larger contextSize.",
      });
    }
    const slot = slotOf(loaded);
    const previous = slot.tail;
    let release!: () => void;
    slot.tail = new Promise<void>((r) => (release = r));
    await previous;
    try {
      await slot.native.sequence.clearHistory();
      const vocabulary = loaded.vocabulary;
      const model = loaded.model;
      const loop = decodeLoop({
        vocabulary,
        tokenize: (text) => model.tokenize(text, false),
        sequences: [{ native: slot.native, prompt, matcher, sampler, maxTokens, startAfter: options.startAfter, stop: options.stop, signal: options.signal }],
        candidates,
        fastForward: options.fastForward ?? true,
      });
      const output = new SequenceOutput(vocabulary);
      let lastPartial = "";
      const partialJson = constraint?.syntax === "json";
      let tFirst = 0;
      let ended: DecodeEnd | undefined;
      for await (const event of loop) {
        if (event.end) {
          ended = event.end;
          continue;
        }
        if (tFirst === 0) tFirst = performance.now();
        const { chunk, constrainedGrew } = output.push(event.token);
        if (chunk && options.onText) options.onText(chunk);
        if (partialJson && options.onValue && constrainedGrew) {
          const partial = parsePartialJson(output.constrainedText);
          const key = JSON.stringify(partial) ?? "";
          if (key !== lastPartial && partial !== undefined) {
            lastPartial = key;
            options.onValue(partial);
          }
        }
      }
      const { stopReason, stats } = ended!;
      const complete = matcher ? matcher.isComplete() : true;
      output.finish(matcher !== null);
      const { text, constrainedText, tokens, logprobs, forced } = output;
      const value = (constraint && complete ? constraint.valueOf(constrainedText) : undefined) as GeneratedValue<S, V> | undefined;
      const tEnd = performance.now();
      const decodeMs = tFirst === 0 ? 0 : tEnd - tFirst;
      return {
        text,
        constrainedText,
        value,
        tokens,
        logprobs,
        forced,
        meanLogprob: output.meanLogprob(),
        exactLogprobs: stats.truncatedSteps === 0,
        complete,
        stopReason,
        timings: {
          loadMs,
          compileMs,
          promptMs: stats.promptMs,
          decodeMs,
          totalMs: tEnd - t0,
          tokensPerSecond: decodeMs > 0 ? (tokens.length * 1000) / decodeMs : 0,
          grammarMs: stats.grammarMs,
          nativeMs: stats.nativeMs,
        },
        stats,
        warnings: constraint?.warnings ?? [],
      };
    } finally {
      release();
    }
  } finally {
    if (owned) await loaded.dispose();
  }
}

/**
 * Like `generate`, as an async iterator of text chunks and (for JSON
 * schemas) partial values, ending with `{ type: "done", result }`. Errors
 * are thrown from the iterator; leaving the loop early aborts the generation.
 */
export async function* generateStream<const S = undefined, V = never>(options: Omit<GenerateOptions<S, V>, "onText" | "onValue">): AsyncGenerator<GenerateChunk<GeneratedValue<S, V>>, void> {
  const queue: GenerateChunk<GeneratedValue<S, V>>[] = [];
  let wake: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  let finished = false;
  const push = (c: GenerateChunk<GeneratedValue<S, V>>) => {
    queue.push(c);
    wake?.();
  };
  // Leaving the loop early (break, return, throw) aborts the generation behind it.
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  const done = generate({
    ...options,
    signal,
    onText: (text) => push({ type: "text", text }),
    onValue: (value) => push({ type: "value", value }),
  }).then(
    (result) => {
      push({ type: "done", result });
      finished = true;
      wake?.();
    },
    (error: unknown) => {
      failure = { error };
      finished = true;
      wake?.();
    },
  );
  try {
    for (;;) {
      while (queue.length > 0) {
        const c = queue.shift()!;
        yield c;
        if (c.type === "done") return;
      }
      if (failure) throw failure.error;
      if (finished && queue.length === 0) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    if (!finished) {
      stopper.abort();
      await done.catch(() => undefined);
    }
  }
}
