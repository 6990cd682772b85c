/**
 * Several candidate outputs for one prompt, decoded by something that knows
 * the model (`@formwork/llama`'s `candidateDecoder`): the interface between
 * a decoder and what chooses among its outputs (`@formwork/select`), so that
 * the chooser depends on no decoder's internals.
 */
import type { SamplingOptions } from "./sampler.js";

/** Why a candidate stopped (the same reasons as one generation's). */
export type CandidateStopReason = "eog" | "max-tokens" | "stop" | "abort";

/** What to decode: one entry of `candidates` per candidate, in order (its index). */
export interface CandidateRequest {
  /** Each candidate's sampling: seed, temperature, top-k, top-p, min-p (a temperature schedule is one temperature per entry). */
  candidates: readonly SamplingOptions[];
  /** Token budget of each candidate (forced tokens count). */
  maxTokens: number;
  /**
   * Decode the candidates one after another instead of together in one batch
   * per step (a baseline: the same draws from the same logits, slower).
   */
  sequential?: boolean;
  /** Ends every candidate still running, each with stop reason `"abort"`. */
  signal?: AbortSignal;
}

/** One candidate's whole output. */
export interface CandidateOutput {
  /** Its position in `CandidateRequest.candidates`. */
  index: number;
  /** Its seed (from its sampling options; default 0). */
  seed: number;
  /** The whole text (with a `startAfter` marker: the free part and the marker too). */
  text: string;
  /** The constrained part of the text (all of it without a marker). */
  constrainedText: string;
  tokens: number[];
  /** Per token: log-probability under the model (T = 1) renormalised over the tokens the constraint allowed; 0 for forced tokens. */
  logprobs: number[];
  /** Per token: whether it was forced (fast-forward, marker, budget plan) rather than sampled. */
  forced: boolean[];
  /** Mean of `logprobs` over the sampled tokens (0 when none). */
  meanLogprob: number;
  /** Sum of `logprobs` (forced tokens add 0). */
  sumLogprob: number;
  /** Whether every sampled token's log-probability was over the whole allowed set. */
  exactLogprobs: boolean;
  /** Whether the output is a complete sentence of the constraint (true without one). */
  complete: boolean;
  stopReason: CandidateStopReason;
  /** Milliseconds from the start of the run to this candidate's end. */
  ms: number;
}

/** What a decoder yields: each token as it is decided, then each candidate's end (once, last for it). */
export type CandidateEvent =
  | { type: "token"; candidate: number; token: number; logprob: number; forced: boolean }
  | { type: "end"; candidate: number; output: CandidateOutput };

/** Where a run's time went (milliseconds) and what it evaluated. */
export interface CandidateRunStats {
  /** Prompt tokens, and how many of them were evaluated (once when the prompt is shared). */
  promptTokens: number;
  promptTokensEvaluated: number;
  /** Evaluating the shared prompt prefix and copying it to the other sequences. */
  promptMs: number;
  /** Native batches, and sequences evaluated summed over them. */
  steps: number;
  sequenceSteps: number;
  /** Output tokens, all candidates. */
  tokens: number;
  /** Masks (matchers and their encoding), sampling and waiting on the model, summed over steps. */
  maskMs: number;
  takeMs: number;
  nativeMs: number;
  /** The whole run. */
  totalMs: number;
}

/**
 * Decodes candidates for one prompt (and constraint, if any) bound when the
 * decoder was made. Each candidate's tokens depend only on its own sampling
 * options and the logits it was given; leaving the iteration early leaves
 * nothing running.
 */
export interface CandidateDecoder {
  /** Whether outputs are constrained (`complete` then means a sentence of the constraint). */
  readonly constrained: boolean;
  decode(request: CandidateRequest): AsyncGenerator<CandidateEvent, CandidateRunStats>;
}
