/**
 * The output of one decoded sequence as it grows: token ids, log-probabilities,
 * which tokens were forced, the whole text and its constrained part (after a
 * `startAfter` marker), decoded as UTF-8 across token boundaries.
 */
import type { Vocabulary } from "@formwork/core";
import type { DecodedToken } from "./decode.js";

/** Accumulates one sequence's tokens into texts. */
export class SequenceOutput {
  readonly tokens: number[] = [];
  /** Per token: log-probability under the model (T = 1) renormalised over the allowed candidates; 0 for forced tokens. */
  readonly logprobs: number[] = [];
  /** Per token: whether it was forced (fast-forward, marker, budget plan) rather than sampled. */
  readonly forced: boolean[] = [];
  text = "";
  /** The constrained part of the text (after the marker, when there is one); see `finish`. */
  constrainedText = "";
  private readonly textDecoder = new TextDecoder();
  private readonly constrainedDecoder = new TextDecoder();

  constructor(private readonly vocabulary: Vocabulary) {}

  /**
   * Appends a token; returns the new text (possibly empty, when a UTF-8
   * character is split across tokens) and whether the constrained part grew.
   */
  push(tok: DecodedToken): { chunk: string; constrainedGrew: boolean } {
    this.tokens.push(tok.id);
    this.logprobs.push(tok.logprob);
    this.forced.push(tok.forced);
    if (!this.vocabulary.isText(tok.id)) return { chunk: "", constrainedGrew: false };
    const bytes = this.vocabulary.bytesOf(tok.id);
    const chunk = this.textDecoder.decode(bytes, { stream: true });
    this.text += chunk;
    let constrainedGrew = false;
    if (tok.constrained) {
      this.constrainedText += this.constrainedDecoder.decode(bytes, { stream: true });
      constrainedGrew = true;
    } else if (tok.constrainedTail) {
      this.constrainedText += tok.constrainedTail;
      constrainedGrew = true;
    }
    return { chunk, constrainedGrew };
  }

  /** Flushes the decoders; without a constraint the constrained part is the whole text. */
  finish(constrained: boolean): void {
    this.text += this.textDecoder.decode();
    this.constrainedText += this.constrainedDecoder.decode();
    if (!constrained) this.constrainedText = this.text;
  }

  /** Mean log-probability over the sampled (not forced) tokens; 0 when none. */
  meanLogprob(): number {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < this.logprobs.length; i++) {
      if (this.forced[i]) continue;
      sum += this.logprobs[i];
      n++;
    }
    return n > 0 ? sum / n : 0;
  }
}
