/**
 * The base of the tolerant JSON parser's scanner: the text, the position,
 * the edit log and the work counter, trivia (whitespace and comments) and
 * unquoted keys. Strings are read by `JsonStringScanner` (json-strings.ts),
 * other scalars by `JsonScalarScanner` (json-scalars.ts), containers by
 * `TolerantJsonParser` (json-parser.ts), each a subclass of the one before.
 * Every method looks at each character a bounded number of times.
 */
import type { Confidence, EditKind, PendingEdit } from "./edit.js";
import { classOf, EditTally } from "./edit-confidence.js";
import type { ScalarNode } from "./json-node.js";
import { Ch, closersOf, isDigit, isIdentPart, isIdentStart, isKeyStop, isWs } from "./json-chars.js";
import { isLiteral, LITERAL_NAMES } from "./json-literals.js";

/** Thrown by a streaming step that needs more of the input (see `checkReach`); never escapes `repairJsonStream`. */
export const NEED_MORE = Symbol("need more input");

/** Characters a step may look past what its work counter says (fixed peeks such as `startsWith("Infinity")`). */
export const LOOK_SLACK = 64;

/** Streaming: where a step began (see `checkReach`). */
export interface StepGuard {
  pos: number;
  steps: number;
  /** A structural change was made: the step can no longer be taken back. */
  committed: boolean;
}

/** Where a scalar is read: an object key, an object value, an array item, the top level, or the argument of a call (`ObjectId("…")`). */
export type Ctx = "key" | "value" | "item" | "top" | "arg";

/** Reads trivia and unquoted keys; the subclasses add strings, other scalars and containers. */
export class JsonScanner {
  /** Position of the next unread character. */
  pos = 0;
  /** Units of work done so far (for the linear-time guard in the tests). */
  steps = 0;
  /** True once the text ended inside the value being parsed. */
  truncated = false;
  edits: PendingEdit[] = [];
  /**
   * With `edits: "count"`: the counts the log is folded into between tokens
   * (`foldEdits`), so `edits` holds only the few edits of the current token
   * (which a scalar reader may still take back).
   */
  tally: EditTally | undefined = undefined;
  /** Length of `text` (in streaming mode, of the buffered window; see json-stream.ts). */
  n: number;
  /**
   * Offset in the input of `text[0]`: 0, except in streaming mode, where
   * `text` is a window of the input and edits are reported at `base + offset`.
   */
  base = 0;
  /**
   * Streaming mode: where the current step began and its work counter then.
   * Set, a step that reaches a structural change (`checkReach`) after
   * looking too close to the end of the window throws {@link NEED_MORE}.
   */
  protected guard: StepGuard | undefined = undefined;
  /** Streaming mode: false until the input has ended (the end of `text` is then the end of the input). */
  protected final = true;
  // Characters a string may give back when it backs off to a line end (a
  // missing closing quote). Spending at most n bounds rescanning to one extra
  // pass over the text.
  protected rescanBudget: number;

  constructor(public text: string) {
    this.n = text.length;
    this.rescanBudget = text.length;
  }

  /** Starts a fresh log for the next value: a new tally too when `counting`. */
  resetLog(counting: boolean): void {
    this.edits = [];
    this.tally = counting ? new EditTally() : undefined;
  }

  /** Counts the edits logged so far into the tally (when counting); only between tokens, where no reader takes edits back. */
  protected foldEdits(): void {
    if (this.tally === undefined || this.edits.length === 0) return;
    this.tally.addAll(this.edits);
    this.edits.length = 0;
  }

  /**
   * Streaming mode: every scan adds its length to `steps`, so a step that
   * began at `guard.pos` has looked at no character past `guard.pos + (steps
   * - guard.steps) + LOOK_SLACK`. When that may reach the end of the window
   * before the input has ended, the step's outcome could depend on text not
   * read yet: it is abandoned (`NEED_MORE`) before it changes the structure,
   * and retried with more text.
   */
  checkReach(): void {
    const g = this.guard;
    if (g === undefined || g.committed) return;
    if (!this.final && g.pos + (this.steps - g.steps) + LOOK_SLACK >= this.n) throw NEED_MORE;
    // From the first structural change on, the step is kept: no step looks further after one.
    g.committed = true;
  }

  /** True when only whitespace follows `at` (counted as work, so streaming sees how far it looked). */
  restIsBlank(at: number): boolean {
    let j = at;
    while (j < this.n && isWs(this.text.charCodeAt(j))) j++;
    this.steps += j - at;
    return j >= this.n;
  }

  protected mayBacktrack(from: number): boolean {
    const cost = this.pos - from;
    if (cost > this.rescanBudget) return false;
    this.rescanBudget -= cost;
    return true;
  }

  /** Records an edit; `confidence` and `lossy` override the kind's class (see edit-confidence.ts). */
  protected edit(kind: EditKind, offset: number, message: string, confidence?: Confidence, lossy?: boolean): void {
    // Complete from the start (one object shape, nothing to copy later).
    const c = classOf(kind);
    this.edits.push({ kind, offset, message, confidence: confidence ?? c.confidence, lossy: lossy ?? c.lossy });
  }

  /** True when a value could start at `pos` (after trivia), for the top level. */
  canStartValue(at: number): boolean {
    const c = this.text.charCodeAt(at);
    if (c === Ch.OpenBrace || c === Ch.OpenBracket || closersOf(c) !== undefined || isDigit(c)) return true;
    const d = this.text.charCodeAt(at + 1);
    if (c === Ch.Minus) return isDigit(d) || d === Ch.Dot || this.text.startsWith("Infinity", at + 1) || this.restIsBlank(at + 1);
    if (c === Ch.Plus || c === Ch.Dot) return isDigit(d);
    if (isIdentStart(c)) {
      let j = at;
      while (j < this.n && isIdentPart(this.text.charCodeAt(j))) j++;
      this.steps += j - at;
      const word = this.text.slice(at, j);
      // A literal, a literal cut off by the end of the text, or a call (`NumberLong(2)`, JSONP's `callback(...)`).
      if (isLiteral(word) || (j === this.n && LITERAL_NAMES.some((l) => l.startsWith(word) && word.length >= 2)) || this.text.charCodeAt(j) === Ch.OpenParen) return true;
      // `abc"`: the whole text is a string whose opening quote is missing.
      return closersOf(this.text.charCodeAt(j)) !== undefined && this.restIsBlank(j + 1);
    }
    return false;
  }

  /** Skips whitespace and comments (each comment is an edit). */
  skipTrivia(): void {
    const t = this.text;
    while (this.pos < this.n) {
      const c = t.charCodeAt(this.pos);
      this.steps++;
      if (isWs(c)) {
        if (c >= Ch.NoBreakSpace && this.unicodeWsAt < 0) this.unicodeWsAt = this.pos;
        this.pos++;
      } else if (c === Ch.Slash && t.charCodeAt(this.pos + 1) === Ch.Slash) {
        const start = this.pos;
        const end = t.indexOf("\n", this.pos);
        this.pos = end < 0 ? this.n : end;
        this.steps += this.pos - start;
        this.edit("remove-comment", start, "removed a // comment");
      } else if (c === Ch.Slash && t.charCodeAt(this.pos + 1) === Ch.Star) {
        const start = this.pos;
        const end = t.indexOf("*/", this.pos + 2);
        this.pos = end < 0 ? this.n : end + 2;
        this.steps += this.pos - start;
        this.edit("remove-comment", start, end < 0 ? "removed an unterminated /* comment" : "removed a /* */ comment");
      } else if (c === Ch.Hash) {
        const start = this.pos;
        const end = t.indexOf("\n", this.pos);
        this.pos = end < 0 ? this.n : end;
        this.steps += this.pos - start;
        this.edit("remove-comment", start, "removed a # comment");
      } else break;
    }
  }

  /** Offset of the first non-ASCII whitespace between tokens, or -1 (reported once per value by the parser). */
  protected unicodeWsAt = -1;

  // Keys were written without quotes: `"x" word:` then likely starts a key.
  protected sawUnquotedKey = false;

  // Set by a scalar reader when the text ended before anything usable (`-`, a lone `\u`).
  protected truncatedNothing = false;

  /** True when a `:` follows the quote at `q` (after spaces). */
  private quoteBeforeColon(q: number): boolean {
    let j = q + 1;
    while (j < this.n && (this.text.charCodeAt(j) === Ch.Space || this.text.charCodeAt(j) === Ch.Tab)) j++;
    this.steps += j - q;
    return this.text.charCodeAt(j) === Ch.Colon;
  }

  /**
   * The kind of the open container `depth` levels out from the innermost
   * (0: the one the scalar being read belongs to), or undefined past the
   * outermost. The parser overrides it; the scanners use it to check that a
   * run of closers fits the open containers.
   */
  protected openKind(_depth: number): "object" | "array" | undefined {
    return undefined;
  }

  protected readUnquotedKey(): ScalarNode | undefined {
    const t = this.text;
    const start = this.pos;
    while (this.pos < this.n) {
      const c = t.charCodeAt(this.pos);
      if (isKeyStop(c)) break;
      this.pos++;
    }
    this.steps += this.pos - start;
    if (this.pos >= this.n) {
      this.truncated = true;
      return undefined;
    }
    const key = t.slice(start, this.pos);
    this.sawUnquotedKey = true;
    const c = t.charCodeAt(this.pos);
    if ((c === Ch.Quote || c === Ch.Apostrophe) && this.pos > start && this.quoteBeforeColon(this.pos)) {
      // `a":`: the key's opening quote is missing.
      this.pos++;
      this.edit("quote-key", start, `the key ${snippet(key)} has a closing quote but no opening one; added it`);
      return { kind: "scalar", start, value: key, partial: false };
    }
    this.edit("quote-key", start, `quoted the key ${snippet(key)}`);
    return { kind: "scalar", start, value: key, partial: false };
  }
}



/** A short, quoted excerpt of `s` for edit messages. */
export function snippet(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s);
}
