/**
 * The types of the decode loop shared by the loop (`decode.ts`) and each
 * sequence's decoder (`decode-sequence.ts`): what a sequence is given, what it
 * yields per token, and how it ends.
 */
import type { Sampler } from "@formwork/core";
import type { GrammarMatcher } from "@formwork/grammar";
import type { LogitsSource } from "./native-logits.js";

/** Why generation stopped. */
export type StopReason =
  /** The model (or the grammar, when nothing else was allowed) ended generation. */
  | "eog"
  /** The token budget ran out (with a constraint, the output is complete by then). */
  | "max-tokens"
  /** A stop string appeared in the output. */
  | "stop"
  /** The `AbortSignal` fired. */
  | "abort";

/** One generated token. */
export interface DecodedToken {
  id: number;
  /** Log-probability under the model at temperature 1, renormalised over the allowed candidates; 0 for forced tokens. */
  logprob: number;
  /** Whether the token was fast-forwarded or forced (not sampled). */
  forced: boolean;
  /** Whether the token belongs to the constrained part (after the marker, if any). */
  constrained: boolean;
  /** On the token that completes the marker: its text after the marker, which the constraint took. */
  constrainedTail?: string;
}

/** Counters the loop keeps. */
export interface DecodeStats {
  steps: number;
  forcedTokens: number;
  /** Tokens taken without a native step because the mask allowed only them (fast-forward on; each also a sampled token, logprob 0). */
  loneTokens: number;
  /** Steps whose candidates did not cover the allowed set (log-probabilities over the top K only). */
  truncatedSteps: number;
  /** Tokens found not to keep a finish within the length budget (each counted once per step it was asked of). */
  budgetRejections: number;
  /** Native top candidates the mask refused (filtered out; an exactness check that should stay 0). */
  maskViolations: number;
  /** Milliseconds in the matcher (masks, accepts, budget checks, fast-forward). */
  grammarMs: number;
  /** Milliseconds in `NativeLogits.next` (model evaluation, bias, top-K). */
  nativeMs: number;
  /** Milliseconds of the first native call (the prompt). */
  promptMs: number;
  sampleMs: number;
}

/** The loop's result after the last token. */
export interface DecodeEnd {
  stopReason: StopReason;
  stats: DecodeStats;
}

/** One sequence of the loop. */
export interface SequenceOptions {
  /** Its logits: a `NativeLogits` on its own context sequence (all of one context, to share batches). */
  native: LogitsSource;
  /** Tokens to evaluate before the first sampled token: the prompt, or what is left of it when its state was copied. */
  prompt: readonly number[];
  /** The constraint's matcher at its start (its own: fork one compiled grammar's); null for free text. */
  matcher: GrammarMatcher | null;
  /** Its own sampler (seed, temperature...). */
  sampler: Sampler;
  maxTokens: number;
  /** Free text until this marker, then the constraint. */
  startAfter?: string;
  stop?: readonly string[];
  /** Ends this sequence (stop reason `"abort"`) at its next step. */
  signal?: AbortSignal;
}
