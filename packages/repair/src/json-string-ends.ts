/**
 * Where a string ends when its quotes are unbalanced: the judgements the
 * string reader makes at each quote (does it close the string, or is it an
 * unescaped quote inside it?) and at the end of the text (was the closing
 * quote missing before the closers there?). A closing quote is judged
 * missing only when what follows its place parses: a run of delimiters that
 * fits the open containers, then the key, item or value that run leads to.
 * Every look-ahead and look-back is bounded by the token it examines, so
 * the reader stays linear.
 */
import { Ch, closersOf, isCloser, isDigit, isIdentPart, isIdentStart, isKeyStop, isNewline, isNumberChar, isWs } from "./json-chars.js";
import { isLiteral } from "./json-literals.js";
import { JsonScanner, type Ctx } from "./json-scanner.js";

/** Longest run of delimiters and whitespace examined before a quote or at the end of the text. */
const MAX_RUN = 64;

/** What a run of delimiters leads to: the next key, array item or member value. */
type Expect = "key" | "item" | "value";

/** Judges string ends; see the module comment. */
export class StringEndScanner extends JsonScanner {
  /**
   * True when the quote at `q` closes a string read in `ctx`: what follows
   * (after spaces) fits the context (`:` after a key; `,` `]` `}` `+`, a
   * comment or a line break after a value; or, after a space, the next key
   * or item, a missing comma). After a value in an object, a `,` counts only
   * when a key, a closer or the end of the text follows it.
   */
  protected isStringEnd(q: number, ctx: Ctx): boolean {
    const t = this.text;
    let j = q + 1;
    let sawNewline = false;
    while (j < this.n) {
      const c = t.charCodeAt(j);
      if (!isWs(c)) break;
      if (c === Ch.LineFeed) sawNewline = true;
      j++;
    }
    this.steps += j - q;
    if (j >= this.n) return true;
    const d = t.charCodeAt(j);
    if (ctx === "key") {
      if (d === Ch.Colon || d === Ch.Equals || d === Ch.Comma || d === Ch.CloseBrace || sawNewline || closersOf(d) !== undefined) return true;
      // `{"a" 1}`: a value follows after a space (a missing colon).
      return j > q + 1 && (isDigit(d) || d === Ch.OpenBrace || d === Ch.OpenBracket || d === Ch.Minus || isIdentStart(d));
    }
    // A `:` is not among the ends: `"{"a":1}"` is embedded JSON.
    if (d === Ch.Comma) return ctx !== "value" || this.commaLeadsToKey(j);
    // A closing code fence right after the quote.
    if (d === Ch.Backtick && t.startsWith("```", j)) return true;
    // `"According...""ans": 1`: the next key follows with no comma and no space.
    if (j === q + 1 && ctx === "value" && closersOf(d) !== undefined && this.startsExpected(j, "key")) return true;
    if (sawNewline || d === Ch.CloseBrace || d === Ch.CloseBracket || d === Ch.Plus || (d === Ch.Hash && j > q + 1)) return true;
    if (d === Ch.Slash && (t.charCodeAt(j + 1) === Ch.Slash || t.charCodeAt(j + 1) === Ch.Star)) return true;
    if (ctx === "top") return !isIdentPart(d);
    if (ctx === "arg") return d === Ch.CloseParen;
    if (closersOf(d) !== undefined && j > q + 1) return true;
    if (isIdentStart(d) && j > q + 1) return this.wordFollows(j, ctx);
    if (ctx === "item" && j > q + 1) return this.itemFollows(j);
    return false;
  }

  /** After a value's closing quote, a space and a word at `j`: an unquoted key (`"x" key: 1`) or, in an array, a literal (`"x" true`). */
  private wordFollows(j: number, ctx: Ctx): boolean {
    const t = this.text;
    let k = j;
    while (k < this.n && isIdentPart(t.charCodeAt(k))) k++;
    const word = t.slice(j, k);
    while (k < this.n && (t.charCodeAt(k) === Ch.Space || t.charCodeAt(k) === Ch.Tab)) k++;
    this.steps += k - j;
    if (ctx === "item" && isLiteral(word)) return true;
    const after = t.charCodeAt(k + 1);
    return this.sawUnquotedKey && t.charCodeAt(k) === Ch.Colon && after !== Ch.Backslash && after !== Ch.Slash;
  }

  /** In an array, after a string, a space and `{`, `[` or a number at `j`: the next item (a missing comma). */
  private itemFollows(j: number): boolean {
    const t = this.text;
    const d = t.charCodeAt(j);
    if (d === Ch.OpenBrace || d === Ch.OpenBracket) return true;
    if (!isDigit(d) && d !== Ch.Minus) return false;
    let k = j + 1;
    while (k < this.n && isNumberChar(t.charCodeAt(k))) k++;
    while (k < this.n && isWs(t.charCodeAt(k))) k++;
    this.steps += k - j;
    const e = t.charCodeAt(k);
    if (k >= this.n || e === Ch.Comma || isCloser(e) || e === Ch.OpenBracket || e === Ch.OpenBrace || closersOf(e) !== undefined || isDigit(e)) return true;
    let m = k;
    while (m < this.n && isIdentPart(t.charCodeAt(m))) m++;
    this.steps += m - k;
    return m > k && isLiteral(t.slice(k, m));
  }

  /**
   * After a member value's `,` at `j`: false when a word that is not an
   * unquoted key (no `:` after it) follows: `the "best", model"` reads on.
   */
  private commaLeadsToKey(j: number): boolean {
    const t = this.text;
    let k = j + 1;
    while (k < this.n && isWs(t.charCodeAt(k))) k++;
    this.steps += k - j;
    if (k >= this.n) return true;
    const c = t.charCodeAt(k);
    // A word must be an unquoted key; anything else (a quote, a closer, a comment, `...`) may follow a member.
    if (closersOf(c) !== undefined || !isIdentStart(c)) return true;
    let m = k;
    // The characters of an unquoted key (`log-level`, `a.b`), as `readUnquotedKey` reads them.
    while (m < this.n && !isKeyStop(t.charCodeAt(m))) m++;
    // `key":`: a key whose opening quote is missing.
    if (closersOf(t.charCodeAt(m)) !== undefined) m++;
    while (m < this.n && (t.charCodeAt(m) === Ch.Space || t.charCodeAt(m) === Ch.Tab)) m++;
    this.steps += m - k;
    const e = t.charCodeAt(m);
    // `, COMMENT "b": 1`: a stray word before the next key.
    return e === Ch.Colon || e === Ch.Equals || (closersOf(e) !== undefined && this.startsExpected(m, "key"));
  }

  /** True when the line after the newline at `nl` starts like JSON structure (a key, a closer). */
  protected looksStructural(nl: number): boolean {
    const t = this.text;
    let j = nl;
    while (j < this.n && isWs(t.charCodeAt(j))) j++;
    this.steps += j - nl;
    const c = t.charCodeAt(j);
    return c === Ch.Quote || isCloser(c) || c === Ch.Comma;
  }

  /**
   * At a quote `q` that does not close the string begun at `contentStart`:
   * when the text just before `q` is a run of whitespace and delimiters
   * (`,`, `}`, `],{`, a line break; `:` after a key) that fits the open
   * containers, and `q` starts what the run leads to (`"key":`, an item,
   * a value), the closing quote was missing before the run: `{"a":"b,"c":1}`.
   * Returns where the string ends (the run's start), or -1.
   */
  protected missingQuoteBefore(q: number, contentStart: number, ctx: Ctx): number {
    const t = this.text;
    let r = q;
    while (r > contentStart && q - r < MAX_RUN && this.isRunChar(t.charCodeAt(r - 1), ctx)) r--;
    this.steps += q - r;
    if (r === q || r === contentStart) return -1;
    // The run may begin with characters of the string (`b}, "c"`: the `}` is text): try each delimiter in it.
    for (let s = r; s < q; s++) {
      if (isWs(t.charCodeAt(s))) continue;
      this.steps += q - s;
      const expect = this.runLeadsTo(s, q, ctx);
      if (expect !== undefined && this.startsExpected(q, expect)) return s;
    }
    return -1;
  }

  private isRunChar(c: number, ctx: Ctx): boolean {
    if (ctx === "key") return c === Ch.Colon || c === Ch.Space || c === Ch.Tab;
    return isWs(c) || c === Ch.Comma || isCloser(c) || c === Ch.OpenBrace || c === Ch.OpenBracket;
  }

  /**
   * Runs the delimiters in `[s, q)` against the open containers, from just
   * after a string read in `ctx`: what they lead to, or undefined when they
   * do not fit (a `}` closing an array, a second comma, nothing separating).
   */
  private runLeadsTo(s: number, q: number, ctx: Ctx): Expect | undefined {
    const t = this.text;
    if (ctx === "key") return t.slice(s, q).trim() === ":" ? "value" : undefined;
    let depth = 0; // open containers closed by the run so far
    const pushed: ("object" | "array")[] = [];
    let state: "after" | Expect = "after";
    let newline = false;
    const current = () => (pushed.length > 0 ? pushed[pushed.length - 1] : this.openKind(depth));
    for (let i = s; i < q; i++) {
      const c = t.charCodeAt(i);
      if (isWs(c)) {
        if (isNewline(c)) newline = true;
      } else if (c === Ch.Comma) {
        if (state !== "after") return undefined;
        const k = current();
        if (k === undefined) return undefined;
        state = k === "object" ? "key" : "item";
      } else if (isCloser(c)) {
        // A closer after a value or after a trailing comma.
        const want = c === Ch.CloseBrace ? "object" : "array";
        if (current() !== want) return undefined;
        if (pushed.length > 0) pushed.pop();
        else depth++;
        state = "after";
      } else {
        // `{` or `[`: a new container where an item may start.
        if (state !== "item") return undefined;
        pushed.push(c === Ch.OpenBrace ? "object" : "array");
        state = c === Ch.OpenBrace ? "key" : "item";
      }
    }
    if (state !== "after") return state;
    // Only a line break separates: a missing comma before the next key or item.
    if (!newline) return undefined;
    const k = current();
    return k === undefined ? undefined : k === "object" ? "key" : "item";
  }

  /**
   * True when a complete string starts at `q` (on one line) and what follows
   * it fits `expect`: a `:` after a key; a delimiter, a line break or the end
   * of the text after an item or a value.
   */
  protected startsExpected(q: number, expect: Expect): boolean {
    const t = this.text;
    const closers = closersOf(t.charCodeAt(q));
    if (closers === undefined) return false;
    let j = q + 1;
    while (j < this.n) {
      const c = t.charCodeAt(j);
      if (c === Ch.Backslash) j += 2;
      else if (isNewline(c) || closers.includes(t[j])) break;
      else j++;
    }
    this.steps += j - q;
    if (j >= this.n || !closers.includes(t[j])) return false;
    j++;
    const spaces = j;
    while (j < this.n && (t.charCodeAt(j) === Ch.Space || t.charCodeAt(j) === Ch.Tab)) j++;
    this.steps += 1 + j - spaces;
    const d = t.charCodeAt(j);
    if (expect === "key") return d === Ch.Colon;
    return j >= this.n || d === Ch.Comma || isCloser(d) || isNewline(d);
  }

  /**
   * True when the quote at `q` closes a token whose opening quote is missing
   * (`a":`, `foo",`): a `:` follows it (for a key), or a delimiter, a line
   * break or the end of the text (for a value).
   */
  protected closesUnopened(q: number, key: boolean): boolean {
    const t = this.text;
    let j = q + 1;
    while (j < this.n && (t.charCodeAt(j) === Ch.Space || t.charCodeAt(j) === Ch.Tab)) j++;
    this.steps += j - q;
    const d = t.charCodeAt(j);
    if (key) return d === Ch.Colon;
    return j >= this.n || d === Ch.Comma || isCloser(d) || isNewline(d);
  }

  /**
   * At the end of the text, inside a string begun at `contentStart`: when the
   * text ends with closers (`"b}`, `"x"]}`) that fit the open containers, the
   * closing quote was missing before them. Returns where the string ends, or -1.
   */
  protected closersAtEnd(contentStart: number, end: number, ctx: Ctx): number {
    if (ctx === "key" || ctx === "top" || ctx === "arg") return -1;
    const t = this.text;
    let r = end;
    while (r > contentStart && end - r < MAX_RUN && (isWs(t.charCodeAt(r - 1)) || isCloser(t.charCodeAt(r - 1)))) r--;
    this.steps += end - r;
    // Skip the string's own trailing spaces: the run starts at its first closer.
    while (r < end && isWs(t.charCodeAt(r))) r++;
    if (r === end || r === contentStart) return -1;
    let depth = 0;
    for (let i = r; i < end; i++) {
      const c = t.charCodeAt(i);
      if (isWs(c)) continue;
      if (this.openKind(depth) !== (c === Ch.CloseBrace ? "object" : "array")) return -1;
      depth++;
    }
    return r;
  }
}
