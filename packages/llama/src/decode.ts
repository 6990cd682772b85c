/**
 * The decode loop: before each token the matcher fills the mask, the mask
 * goes onto the native logits (`NativeLogits`), the core `Sampler` draws
 * among the best allowed candidates, and the matcher accepts the token.
 * End-of-generation is allowed exactly when the matcher is complete.
 *
 * Guarantees, in order of precedence:
 * - With a constraint, every token is one the matcher accepts.
 * - Length-aware: a sampled token is kept only if a finish still fits the
 *   budget (`fitsBudget`); when no candidate fits, the next token of a plan
 *   that finishes in time is taken. So with `maxTokens` at least the
 *   grammar's minimum, the output ends complete.
 * - Fast-forward: forced bytes become canonically tokenized tokens (see
 *   `fastForwardTokens`), evaluated in one batch with the next step.
 * - Start after a marker: free text until the marker, then the constraint;
 *   the marker is forced when the budget left is what the constraint needs.
 */
import { LimitError, TokenMask, type Sampler, type Vocabulary } from "@formwork/core";
import type { GrammarMatcher } from "@formwork/grammar";
import { fastForwardTokens, type Tokenize } from "./fast-forward.js";
import { finishPlan, fitsBudget } from "./length-budget.js";
import type { NativeLogits } from "./native-logits.js";

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

/** What the loop needs. */
export interface DecodeLoopOptions {
  native: NativeLogits;
  vocabulary: Vocabulary;
  tokenize: Tokenize;
  prompt: readonly number[];
  /** The constraint's matcher at its start; null for free text. */
  matcher: GrammarMatcher | null;
  sampler: Sampler;
  maxTokens: number;
  /** Candidates asked of the native side per step (K). */
  candidates: number;
  fastForward: boolean;
  /** Free text until this marker, then the constraint. */
  startAfter?: string;
  stop?: readonly string[];
  signal?: AbortSignal;
}

/** Counters the loop keeps. */
export interface DecodeStats {
  steps: number;
  forcedTokens: number;
  /** Steps whose candidates did not cover the allowed set (log-probabilities over the top K only). */
  truncatedSteps: number;
  /** Sampled tokens refused for the length budget. */
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

const textEncoder = new TextEncoder();

/**
 * Runs the loop, yielding tokens as they are decided. Throws `LimitError`
 * (`budget-too-small`) before generating when `maxTokens` cannot fit the
 * grammar's shortest output.
 */
export async function* decodeLoop(o: DecodeLoopOptions): AsyncGenerator<DecodedToken, DecodeEnd> {
  const { native, vocabulary, matcher, sampler } = o;
  const stats: DecodeStats = { steps: 0, forcedTokens: 0, truncatedSteps: 0, budgetRejections: 0, maskViolations: 0, grammarMs: 0, nativeMs: 0, promptMs: 0, sampleMs: 0 };
  const marker = o.startAfter !== undefined && o.startAfter !== "" && matcher ? o.startAfter : undefined;
  const markerTokens = marker ? [...o.tokenize(marker)] : [];
  const startNeed = matcher ? matcher.minTokensToFinish() : 0;
  if (matcher && startNeed + markerTokens.length > o.maxTokens) {
    throw new LimitError(
      "budget-too-small",
      `maxTokens is ${o.maxTokens}, but the shortest output the constraint allows takes ${startNeed === Infinity ? "more tokens than any budget" : `${startNeed} tokens`}${marker ? ` (plus ${markerTokens.length} for the marker)` : ""}`,
      { hint: `Raise maxTokens to at least ${startNeed + markerTokens.length}, or loosen the constraint.` },
    );
  }
  const V = vocabulary.size;
  const mask = new TokenMask(V);
  const noEog = TokenMask.full(V).andNot(vocabulary.eogMask);
  const noEogCount = noEog.count();
  let constrained = matcher !== null && marker === undefined;
  let produced = 0;
  let pending: number[] = [...o.prompt];
  let last = pending.length > 0 ? pending[pending.length - 1] : -1;
  // Text of the free part (for the marker) and of the whole output (for stop strings).
  let freeText = "";
  const freeDecoder = new TextDecoder();
  let outText = "";
  const outDecoder = new TextDecoder();
  const stops = (o.stop ?? []).filter((s) => s.length > 0);
  const maxStop = stops.reduce((m, s) => Math.max(m, s.length), 0);
  const candidateIds: number[] = [];
  const candidateLogits: number[] = [];
  let plan: number[] | null = null;
  const now = () => performance.now();

  const violations0 = native.violations;
  const end = (stopReason: StopReason): DecodeEnd => {
    stats.maskViolations = native.violations - violations0;
    return { stopReason, stats };
  };
  const checkStops = (id: number): boolean => {
    if (stops.length === 0 || !vocabulary.isText(id)) return false;
    const before = outText.length;
    outText += outDecoder.decode(vocabulary.bytesOf(id), { stream: true });
    const from = Math.max(0, before - maxStop + 1);
    const tail = outText.slice(from);
    return stops.some((s) => tail.includes(s));
  };

  for (;;) {
    if (o.signal?.aborted) return end("abort");
    if (produced >= o.maxTokens) return end("max-tokens");
    let left = o.maxTokens - produced;
    let allowed = V;
    let useMask: TokenMask | null = null;

    if (!constrained && matcher) {
      // Free text before the marker: no end of generation, and the marker is forced when the budget needs it.
      if (left <= markerTokens.length + startNeed) {
        for (const id of markerTokens) yield { id, logprob: 0, forced: true, constrained: false };
        pending.push(...markerTokens);
        produced += markerTokens.length;
        stats.forcedTokens += markerTokens.length;
        last = markerTokens[markerTokens.length - 1] ?? last;
        constrained = true;
        continue;
      }
      useMask = noEog;
      allowed = noEogCount;
    }

    if (constrained && matcher) {
      const g0 = now();
      if (o.fastForward) {
        const ff = fastForwardTokens(matcher, vocabulary, o.tokenize, last, left - 1);
        let n = 0;
        for (const id of ff) {
          matcher.acceptToken(id);
          n++;
        }
        if (n > 0 && matcher.minTokensToFinish() > left - n) {
          matcher.rollback(n);
          n = 0;
        }
        if (n > 0) {
          for (let i = 0; i < n; i++) yield { id: ff[i], logprob: 0, forced: true, constrained: true };
          pending.push(...ff.slice(0, n));
          last = ff[n - 1];
          produced += n;
          stats.forcedTokens += n;
          plan = null;
          if (checkStopsAll(ff.slice(0, n))) return end("stop");
          left = o.maxTokens - produced;
          if (left <= 0) return end("max-tokens");
        }
      }
      stats.grammarMs += now() - g0;
      const g1 = now();
      matcher.fillNextTokenMask(mask);
      allowed = mask.count();
      stats.grammarMs += now() - g1;
      if (allowed === 0) return end("eog");
      // Only end-of-generation left: the grammar is finished; no need to ask the model.
      if (matcher.isComplete() && !mask.intersects(noEog)) return end("eog");
      useMask = mask;
    }

    const n0 = now();
    const cand = await native.next(pending, useMask, o.candidates, allowed);
    const dt = now() - n0;
    if (stats.steps === 0) stats.promptMs = dt;
    stats.nativeMs += dt;
    stats.steps++;
    if (!cand.complete) stats.truncatedSteps++;
    if (o.signal?.aborted) return end("abort");

    const s0 = now();
    candidateIds.length = 0;
    candidateLogits.length = 0;
    for (let i = 0; i < cand.count; i++) {
      candidateIds.push(cand.ids[i]);
      candidateLogits.push(cand.logits[i]);
    }
    let chosen = -1;
    let logprob = 0;
    let forced = false;
    while (candidateIds.length > 0) {
      const pick = sampler.sampleCandidates(candidateIds, candidateLogits);
      if (!(constrained && matcher) || vocabulary.isEog(pick.token) || Number.isFinite(o.maxTokens) === false) {
        chosen = pick.token;
        logprob = pick.modelLogprob;
        break;
      }
      const g = now();
      const fits = fitsBudget(matcher, pick.token, left);
      stats.grammarMs += now() - g;
      if (fits) {
        chosen = pick.token;
        logprob = pick.modelLogprob;
        break;
      }
      stats.budgetRejections++;
      const at = candidateIds.indexOf(pick.token);
      candidateIds.splice(at, 1);
      candidateLogits.splice(at, 1);
    }
    stats.sampleMs += now() - s0;
    if (chosen < 0) {
      if (!(constrained && matcher)) return end("eog");
      // No candidate fits the budget: follow a plan that finishes in time. A plan kept from the
      // last step is still valid; a new one has minTokensToFinish() tokens, which the last check fitted.
      if (!plan || plan.length === 0) plan = finishPlan(matcher);
      if (!plan || plan.length === 0) return end("eog");
      chosen = plan[0];
      forced = true;
    }
    if (plan && plan[0] === chosen) plan = plan.slice(1);
    else plan = null;

    if (constrained && matcher) {
      if (!matcher.acceptToken(chosen)) {
        throw new Error(`internal: the matcher refused token ${chosen}, which its mask allowed`);
      }
    }
    const isEnd = vocabulary.isEog(chosen);
    if (isEnd) return end("eog");
    let constrainedTail: string | undefined;
    const wasConstrained = constrained;
    if (!constrained && matcher && marker && vocabulary.isText(chosen)) {
      freeText += freeDecoder.decode(vocabulary.bytesOf(chosen), { stream: true });
      const at = freeText.indexOf(marker);
      if (at >= 0) {
        constrained = true;
        // Text of this token after the marker belongs to the constrained part when the grammar takes it.
        const tail = freeText.slice(at + marker.length);
        if (tail.length > 0 && matcher.acceptBytes(textEncoder.encode(tail))) constrainedTail = tail;
      }
    }
    yield constrainedTail === undefined ? { id: chosen, logprob, forced, constrained: wasConstrained } : { id: chosen, logprob, forced, constrained: false, constrainedTail };
    if (forced) stats.forcedTokens++;
    produced++;
    pending = [chosen];
    last = chosen;
    if (checkStops(chosen)) return end("stop");
  }

  function checkStopsAll(ids: number[]): boolean {
    let hit = false;
    for (const id of ids) hit = checkStops(id) || hit;
    return hit;
  }
}
