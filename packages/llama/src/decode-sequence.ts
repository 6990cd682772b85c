/**
 * One sequence of the decode loop as a state machine in three phases per
 * step, so that the loop (`decode.ts`) can run N of them together, one
 * native batch per step:
 *
 * 1. `prepare`: end checks (abort, budget), the forced marker, fast-forward;
 *    gives the tokens to evaluate next.
 * 2. `fillMask`: the matcher's mask for the next token (or the end, when the
 *    grammar is finished).
 * 3. `take`: samples among the native candidates, keeps a finish within the
 *    budget, accepts the token.
 *
 * Guarantees, in order of precedence:
 * - With a constraint, every token is one the matcher accepts.
 * - Length-aware: a sampled token is kept only if a finish still fits the
 *   budget (`fitsBudget`); when no candidate fits, the next token of a plan
 *   that finishes in time is taken. So with `maxTokens` at least the
 *   grammar's minimum, the output ends complete.
 * - Fast-forward: forced bytes become canonically tokenized tokens (see
 *   `fastForwardTokens`), evaluated in one batch with the next step.
 *   A token the mask allows alone (a single forced token that fast-forward
 *   does not cover: it keeps the last token of forced text back, for its
 *   canonical tokenization) is taken without a native step (`takeLone`,
 *   drawn from that one candidate so the seed's random sequence and the
 *   budget checks are as with a native step; logprob 0) and evaluated with
 *   the next step's tokens.
 * - Start after a marker: free text until the marker, then the constraint;
 *   the marker is forced when the budget left is what the constraint needs.
 */
import { LimitError, TokenMask, type SampledToken, type Sampler, type Vocabulary } from "@formwork/core";
import type { GrammarMatcher } from "@formwork/grammar";
import type { DecodedToken, DecodeEnd, DecodeStats, SequenceOptions, StopReason } from "./decode-types.js";
import { fastForwardTokens, type Tokenize } from "./fast-forward.js";
import { acceptIfFits, finishPlan, tokensToFinish } from "./length-budget.js";
import { exactRead, type Candidates, type ExactDraw, type LogitsSource } from "./native-logits.js";

/** What the sequences of one loop share. */
export interface SharedDecodeState {
  vocabulary: Vocabulary;
  tokenize: Tokenize;
  fastForward: boolean;
  /** Every token but the end-of-generation ones (free text before a marker). */
  noEog: TokenMask;
  noEogCount: number;
  /** Aborts every sequence. */
  signal?: AbortSignal;
}

const textEncoder = new TextEncoder();
const now = () => performance.now();

/**
 * The budget checks' memo: `memo[id]` is `step` (fits) or `step + 1` (does
 * not) when asked at check step `step`, which only grows (by 2), so entries
 * of older steps mean nothing and the array is never cleared. A sequence
 * takes one from its vocabulary's pool at its first check and gives it back
 * when it ends. (A vocabulary-sized array per sequence was allocated, zeroed
 * and collected on every call: 0.6 MB on the tiny model's 151,936 tokens, a
 * fixed 0.1-1 ms per call under load, most of a short output's overhead.)
 */
interface FitMemo {
  memo: Int32Array;
  step: number;
}
const fitMemoPools = new WeakMap<Vocabulary, FitMemo[]>();

/**
 * Masks allowing at most this many tokens are counted and listed in one pass
 * (`TokenMask.listInto`), and the list goes to `LogitsSource.setMask`, which
 * would otherwise list them again for the bias (the allowed side, up to half
 * the vocabulary). A mask that allowed more last step is counted only
 * (inside a string most tokens are allowed, and the bias lists the refused side).
 */
const LIST_LIMIT = 4096;
// Scratch of `fillMask`'s list, shared: each decoder's `fillMask` and its `setMask` run in one synchronous stretch.
let listScratch = new Uint32Array(0);
/** Memos kept per vocabulary for later sequences. */
const FIT_MEMO_POOL = 8;

/** The state of one sequence between steps. */
export class SequenceDecoder {
  readonly native: LogitsSource;
  readonly stats: DecodeStats = { steps: 0, forcedTokens: 0, loneTokens: 0, truncatedSteps: 0, budgetRejections: 0, maskViolations: 0, grammarMs: 0, nativeMs: 0, promptMs: 0, sampleMs: 0 };
  /** Set when the sequence has ended. */
  ended: DecodeEnd | null = null;
  /** The mask for the next token (null: every token), valid after `fillMask`. */
  mask: TokenMask | null = null;
  /** How many tokens `mask` allows. */
  allowed: number;
  /** `mask`'s ids ascending when `fillMask` listed them (`allowed` of them; valid until the next `fillMask` of any decoder), else undefined. */
  listed: Uint32Array | undefined;

  private readonly s: SharedDecodeState;
  private readonly matcher: GrammarMatcher | null;
  private readonly sampler: Sampler;
  private readonly maxTokens: number;
  private readonly signal: AbortSignal | undefined;
  private readonly marker: string | undefined;
  private readonly markerTokens: number[];
  private readonly startNeed: number;
  private readonly ownMask: TokenMask;
  private readonly stops: string[];
  private readonly maxStop: number;
  private constrained: boolean;
  private produced = 0;
  private pending: number[];
  private last: number;
  private left = 0;
  // Text of the free part (for the marker) and of the whole output (for stop strings).
  private freeText = "";
  private readonly freeDecoder = new TextDecoder();
  private outText = "";
  private readonly outDecoder = new TextDecoder();
  // Budget checks of the current step: fitMemo.memo[id] is fitStep (fits) or fitStep + 1 (does not) when asked this step.
  private fitMemo: FitMemo | null = null;
  private fitStep = 0;
  // The token the last budget check left accepted on the matcher (it fitted), or -1: kept when it is the one drawn.
  private held = -1;
  private plan: number[] | null = null;
  private readonly violations0: number;

  /**
   * Throws `LimitError` (`budget-too-small`) when `maxTokens` cannot fit the
   * grammar's shortest output (with the marker, if any).
   */
  constructor(o: SequenceOptions, shared: SharedDecodeState) {
    const { matcher } = o;
    this.s = shared;
    this.native = o.native;
    this.matcher = matcher;
    this.sampler = o.sampler;
    this.maxTokens = o.maxTokens;
    this.signal = o.signal;
    this.marker = o.startAfter !== undefined && o.startAfter !== "" && matcher ? o.startAfter : undefined;
    this.markerTokens = this.marker ? [...shared.tokenize(this.marker)] : [];
    this.startNeed = matcher ? tokensToFinish(matcher) : 0;
    if (matcher && this.startNeed + this.markerTokens.length > o.maxTokens) {
      throw new LimitError(
        "budget-too-small",
        `maxTokens is ${o.maxTokens}, but the shortest output the constraint allows takes ${this.startNeed === Infinity ? "more tokens than any budget" : `${this.startNeed} tokens`}${this.marker ? ` (plus ${this.markerTokens.length} for the marker)` : ""}`,
        { hint: `Raise maxTokens to at least ${this.startNeed + this.markerTokens.length}, or loosen the constraint.` },
      );
    }
    this.ownMask = new TokenMask(shared.vocabulary.size);
    this.allowed = shared.vocabulary.size;
    this.constrained = matcher !== null && this.marker === undefined;
    this.pending = [...o.prompt];
    this.last = this.pending.length > 0 ? this.pending[this.pending.length - 1] : -1;
    this.stops = (o.stop ?? []).filter((s) => s.length > 0);
    this.maxStop = this.stops.reduce((m, s) => Math.max(m, s.length), 0);
    this.violations0 = o.native.violations;
  }

  private aborted(): boolean {
    return this.signal?.aborted === true || this.s.signal?.aborted === true;
  }

  private end(stopReason: StopReason): null {
    if (this.fitMemo !== null) {
      let pool = fitMemoPools.get(this.s.vocabulary);
      if (pool === undefined) fitMemoPools.set(this.s.vocabulary, (pool = []));
      if (pool.length < FIT_MEMO_POOL) pool.push(this.fitMemo);
      this.fitMemo = null;
    }
    this.stats.maskViolations = this.native.violations - this.violations0;
    this.ended = { stopReason, stats: this.stats };
    return null;
  }

  /**
   * Phase 1: appends forced tokens (the marker, fast-forward) to `out` and
   * returns the tokens to evaluate for the next step, or null when the
   * sequence has ended (`ended` says why).
   */
  prepare(out: DecodedToken[]): readonly number[] | null {
    const { matcher } = this;
    for (;;) {
      if (this.aborted()) return this.end("abort");
      if (this.produced >= this.maxTokens) return this.end("max-tokens");
      this.left = this.maxTokens - this.produced;
      if (!this.constrained && matcher && this.left <= this.markerTokens.length + this.startNeed) {
        // Free text before the marker: the marker is forced when the budget needs it.
        for (const id of this.markerTokens) out.push({ id, logprob: 0, forced: true, constrained: false });
        this.pending.push(...this.markerTokens);
        this.produced += this.markerTokens.length;
        this.stats.forcedTokens += this.markerTokens.length;
        this.last = this.markerTokens[this.markerTokens.length - 1] ?? this.last;
        this.constrained = true;
        continue;
      }
      break;
    }
    if (this.constrained && matcher && this.s.fastForward) {
      const g0 = now();
      const left = this.left;
      const ff = fastForwardTokens(matcher, this.s.vocabulary, this.s.tokenize, this.last, left - 1);
      let n = 0;
      for (const id of ff) {
        matcher.acceptToken(id);
        n++;
      }
      if (n > 0 && tokensToFinish(matcher) > left - n) {
        matcher.rollback(n);
        n = 0;
      }
      this.stats.grammarMs += now() - g0;
      if (n > 0) {
        let stop = false;
        for (let i = 0; i < n; i++) {
          out.push({ id: ff[i], logprob: 0, forced: true, constrained: true });
          stop = this.checkStops(ff[i]) || stop;
        }
        this.pending.push(...ff.slice(0, n));
        this.last = ff[n - 1];
        this.produced += n;
        this.stats.forcedTokens += n;
        this.plan = null;
        if (stop) return this.end("stop");
        this.left = this.maxTokens - this.produced;
        if (this.left <= 0) return this.end("max-tokens");
      }
    }
    return this.pending;
  }

  /**
   * Whether this step's mask may be filled while the model evaluates (see
   * `decode.ts`): the tokens to evaluate do not depend on it (fast-forward
   * off: no lone token) and it cannot end the sequence short of a grammar
   * with no continuation (the grammar is not complete, so an end token is not
   * the only choice), and the native side can wait for it.
   */
  canMaskLater(): boolean {
    return !this.s.fastForward && this.constrained && this.matcher !== null && this.native.maskLater !== undefined && !this.matcher.isComplete();
  }

  /**
   * Whether its next `prepare`, `fillMask` and `takeLone` can end the
   * sequence but emit no token: fast-forward off and no marker to force.
   */
  preparesSilently(): boolean {
    return !this.s.fastForward && (this.constrained || this.marker === undefined);
  }

  /**
   * Phase 2: sets `mask` and `allowed` for the next token. Returns false when
   * the sequence has ended instead (the grammar allows nothing more, or only
   * an end token: no need to ask the model).
   */
  fillMask(): boolean {
    const { matcher } = this;
    if (!matcher) return true;
    if (!this.constrained) {
      this.mask = this.s.noEog;
      this.allowed = this.s.noEogCount;
      this.listed = undefined;
      return true;
    }
    const g = now();
    matcher.fillNextTokenMask(this.ownMask);
    if (this.allowed <= LIST_LIMIT) {
      if (listScratch.length < LIST_LIMIT) listScratch = new Uint32Array(LIST_LIMIT);
      this.allowed = this.ownMask.listInto(listScratch, LIST_LIMIT);
      this.listed = this.allowed <= LIST_LIMIT ? listScratch.subarray(0, this.allowed) : undefined;
    } else {
      this.allowed = this.ownMask.count();
      this.listed = undefined;
    }
    this.stats.grammarMs += now() - g;
    this.mask = this.ownMask;
    if (this.allowed === 0) return this.end("eog") !== null;
    if (matcher.isComplete() && !this.ownMask.intersects(this.s.noEog)) return this.end("eog") !== null;
    return true;
  }

  /**
   * Phase 3: samples the next token from the native candidates (evaluated in
   * `nativeMs`), appends it to `out`, and ends the sequence when it is an end
   * token, a stop string completes, or the signal fired.
   */
  take(cand: Candidates, nativeMs: number, out: DecodedToken[], lone = false, drawn?: { pick: SampledToken | undefined; all?: { ids: Int32Array; logits: Float64Array } }): void {
    const { matcher, sampler, stats } = this;
    const vocabulary = this.s.vocabulary;
    if (!lone) {
      if (stats.steps === 0) stats.promptMs = nativeMs;
      stats.nativeMs += nativeMs;
      stats.steps++;
    }
    let truncated = !cand.complete && cand.tail === undefined;
    if (this.aborted()) {
      this.end("abort");
      return;
    }
    const constrained = this.constrained && matcher !== null;
    const s0 = now();
    // After an exact draw the tail could not settle: every allowed token (complete), drawn as with a finite K.
    const all = drawn?.all;
    const ids = all ? all.ids : cand.ids.subarray(0, cand.count), logits = all ? all.logits : cand.logits.subarray(0, cand.count);
    let chosen = -1;
    let logprob = 0;
    let forced = false;
    if (ids.length > 0) {
      let pick: SampledToken | null | undefined;
      const budget = constrained && Number.isFinite(this.maxTokens);
      const fits = (id: number) => this.fits(matcher!, id);
      if (budget && !drawn) this.nextFitStep();
      if (drawn) {
        // Drawn by `drawExact`; undefined: the tail could not settle it, then every allowed token (`all`) or truncated.
        pick = drawn.pick;
        if (pick === undefined && !all) truncated = true;
      } else if (cand.tail) {
        // Exact over the whole allowed set (the candidates and the tail); undefined where it cannot be: the candidates alone.
        pick = sampler.sampleWithTail(ids, logits, cand.tail, budget ? fits : undefined);
        if (pick === undefined) truncated = true;
      }
      if (pick !== undefined) {
        // Drawn exactly over the whole allowed set.
      } else if (!budget) pick = sampler.sampleCandidates(ids, logits);
      else {
        // Length budget: the draw is among the tokens that keep a finish in time (end tokens always do).
        pick = sampler.sampleCandidatesWhere(ids, logits, fits);
        if (pick === null && sampler.options.temperature > 0) {
          // None of the tokens the filters kept fits: the filters again, over the candidates that fit.
          const fitIds: number[] = [], fitLogits: number[] = [];
          for (let i = 0; i < ids.length; i++) {
            if (fits(ids[i])) {
              fitIds.push(ids[i]);
              fitLogits.push(logits[i]);
            }
          }
          if (fitIds.length > 0) pick = sampler.sampleCandidates(fitIds, fitLogits);
        }
      }
      if (pick) {
        chosen = pick.token;
        logprob = pick.modelLogprob;
      }
    }
    stats.sampleMs += now() - s0;
    if (truncated) stats.truncatedSteps++;
    if (chosen < 0) {
      if (!constrained) {
        this.end("eog");
        return;
      }
      this.release(matcher);
      // No candidate fits the budget: follow a plan that finishes in time. A plan kept from the
      // last step is still valid; a new one has minTokensToFinish() tokens, which the last check fitted.
      if (!this.plan || this.plan.length === 0) this.plan = finishPlan(matcher);
      if (!this.plan || this.plan.length === 0) {
        this.end("eog");
        return;
      }
      chosen = this.plan[0];
      forced = true;
    }
    if (this.plan && this.plan[0] === chosen) this.plan = this.plan.slice(1);
    else this.plan = null;

    if (constrained) {
      // The budget check of the drawn token left it accepted: keep it; else undo what it left and accept.
      if (this.held === chosen) this.held = -1;
      else {
        this.release(matcher);
        if (!matcher.acceptToken(chosen)) throw new Error(`internal: the matcher refused token ${chosen}, which its mask allowed`);
      }
    }
    if (vocabulary.isEog(chosen)) {
      this.end("eog");
      return;
    }
    let constrainedTail: string | undefined;
    if (!this.constrained && matcher && this.marker && vocabulary.isText(chosen)) {
      this.freeText += this.freeDecoder.decode(vocabulary.bytesOf(chosen), { stream: true });
      const at = this.freeText.indexOf(this.marker);
      if (at >= 0) {
        this.constrained = true;
        // Text of this token after the marker belongs to the constrained part when the grammar takes it.
        const tail = this.freeText.slice(at + this.marker.length);
        if (tail.length > 0 && matcher.acceptBytes(textEncoder.encode(tail))) constrainedTail = tail;
      }
    }
    out.push(constrainedTail === undefined ? { id: chosen, logprob, forced, constrained } : { id: chosen, logprob, forced, constrained: false, constrainedTail });
    if (forced) stats.forcedTokens++;
    this.produced++;
    // After a native step its input was evaluated; a lone token joins the tokens still to evaluate.
    if (lone) this.pending.push(chosen);
    else this.pending = [chosen];
    this.last = chosen;
    if (this.checkStops(chosen)) this.end("stop");
  }

  /**
   * Whether `take` of `cand` wants `drawExact` first: an exact draw (a
   * tail) under the length budget at T > 0, where rejection may need new
   * tail draws from the native side (async).
   */
  needsExactDraw(cand: Candidates): boolean {
    return cand.tail !== undefined && cand.count > 0 && this.native.redrawTail !== undefined && this.native.readAll !== undefined && !this.aborted();
  }

  /**
   * The exact draw over the whole allowed set under the length budget
   * (`Sampler.sampleWithTailAsync`, new tail tokens from `redrawTail`), for
   * `take`'s `drawn`; `pick` undefined where it cannot be exact (then `take`
   * falls back to the candidates alone and counts the step as truncated).
   * Call before any other evaluation on the sequence's context.
   */
  async drawExact(cand: Candidates): Promise<{ pick: SampledToken | undefined; all?: { ids: Int32Array; logits: Float64Array } }> {
    const matcher = this.matcher;
    const budget = this.constrained && matcher !== null && Number.isFinite(this.maxTokens);
    const s0 = now();
    if (budget) this.nextFitStep();
    const native = this.native;
    const pick = await this.sampler.sampleWithTailAsync(
      cand.ids.subarray(0, cand.count),
      cand.logits.subarray(0, cand.count),
      cand.tail!,
      budget ? (id) => this.fits(matcher, id) : () => true,
      () => native.redrawTail!(this.sampler.nextSeed()),
    );
    // Where the tail cannot settle the draw (a top-p cut past the read, a budget refusing the draws, greedy with
    // no candidate fitting): every allowed token of the same position, read sorted, for take's exact path.
    const all = pick === undefined ? await native.readAll!() : undefined;
    this.stats.sampleMs += now() - s0;
    return { pick, all };
  }

  /**
   * What an exact draw (`candidates: Infinity`) asks of the native side for
   * the next token: the temperature, the tail draw's seed (from this
   * sequence's sampler: a run stays repeatable) and how many candidates to read.
   */
  exactDraw(): ExactDraw {
    const o = this.sampler.options;
    return { temperature: o.temperature, seed: this.sampler.nextSeed(), read: exactRead(o), topK: o.topK, minP: o.minP, topP: o.topP };
  }

  /**
   * After `fillMask`: with fast-forward on, when the mask allows exactly one
   * token, takes it without asking the model (`take` on that one candidate,
   * so the sampler's random sequence, the budget checks and the logprob, 0,
   * are what a native step would have given) and keeps it with the tokens
   * still to evaluate, which go in the next step's batch. Returns whether it
   * did (the caller then prepares again).
   */
  takeLone(out: DecodedToken[]): boolean {
    if (!this.s.fastForward || !this.constrained || this.matcher === null || this.allowed !== 1 || this.mask !== this.ownMask) return false;
    const words = this.ownMask.words;
    let id = -1;
    for (let w = 0; w < words.length; w++) {
      if (words[w] !== 0) {
        id = (w << 5) + (31 - Math.clz32(words[w] & -words[w]));
        break;
      }
    }
    if (id < 0) return false;
    this.stats.loneTokens++;
    this.take({ ids: Int32Array.of(id), logits: Float64Array.of(0), count: 1, complete: true }, 0, out, true);
    return true;
  }

  /**
   * Whether token `id` keeps a finish within the budget (end tokens always do); asked once per token and
   * step. A token that fits stays accepted on the matcher (`held`) until the next check or the draw.
   */
  private fits(matcher: GrammarMatcher, id: number): boolean {
    const vocabulary = this.s.vocabulary;
    if (vocabulary.isEog(id)) return true;
    if (this.fitMemo === null) this.nextFitStep();
    const memo = this.fitMemo!.memo;
    if (memo[id] === this.fitStep) return true;
    if (memo[id] === this.fitStep + 1) return false;
    const g = now();
    this.release(matcher);
    const ok = acceptIfFits(matcher, id, this.left);
    if (ok) this.held = id;
    this.stats.grammarMs += now() - g;
    memo[id] = ok ? this.fitStep : this.fitStep + 1;
    if (!ok) this.stats.budgetRejections++;
    return ok;
  }

  /** Starts a step of budget checks: answers of earlier steps no longer count. */
  private nextFitStep(): void {
    const fm = (this.fitMemo ??= fitMemoPools.get(this.s.vocabulary)?.pop() ?? { memo: new Int32Array(this.s.vocabulary.size), step: 0 });
    // Past 2^31 the steps start over on a cleared memo.
    if (fm.step >= 0x7ffffff0) {
      fm.memo.fill(0);
      fm.step = 0;
    }
    this.fitStep = fm.step += 2;
  }

  /** Rolls back the token a budget check left accepted, if any. */
  private release(matcher: GrammarMatcher): void {
    if (this.held >= 0) {
      matcher.rollback(1);
      this.held = -1;
    }
  }

  private checkStops(id: number): boolean {
    const vocabulary = this.s.vocabulary;
    if (this.stops.length === 0 || !vocabulary.isText(id)) return false;
    const before = this.outText.length;
    this.outText += this.outDecoder.decode(vocabulary.bytesOf(id), { stream: true });
    const from = Math.max(0, before - this.maxStop + 1);
    const tail = this.outText.slice(from);
    return this.stops.some((s) => tail.includes(s));
  }
}
