/**
 * Scalars other than strings for the tolerant JSON parser: numbers (loosely
 * written ones too), literal words (JSON's, Python's, JavaScript's), and
 * unquoted values, each recording an edit for what it repaired.
 */
import type { ScalarNode } from "./json-node.js";
import { Ch, closersOf, isCloser, isIdentPart, isIdentStart, isNewline, isNumberChar, isWs } from "./json-chars.js";
import { fixNumber, isLiteral, JSON_NUMBER, LITERAL_NAMES, LITERALS } from "./json-literals.js";
import { snippet, type Ctx } from "./json-scanner.js";
import { JsonStringScanner } from "./json-strings.js";

/** A JSON integer (no fraction, no exponent). */
const INTEGER = /^-?\d+$/;

/** `0` followed by more digits: not a JSON number (`00123`, `0789`, `-012.5`). */
const LEADING_ZEROS = /^-?0\d/;

/** Reads numbers, words and unquoted values; see the module comment. */
export class JsonScalarScanner extends JsonStringScanner {
  protected readNumber(ctx: Ctx): ScalarNode | undefined {
    const t = this.text;
    const start = this.pos;
    if (t.charCodeAt(start) === Ch.Minus && isIdentStart(t.charCodeAt(start + 1))) {
      // -Infinity, -inf...
      this.pos++;
      const w = this.readWordValue(ctx);
      if (w !== undefined && w.value === null && t.startsWith("Infinity", start + 1)) return { ...w, start };
      return w;
    }
    while (this.pos < this.n && isNumberChar(t.charCodeAt(this.pos))) this.pos++;
    this.steps += this.pos - start;
    const s = t.slice(start, this.pos);
    const atEnd = this.pos >= this.n || ((s === "-" || s === "+") && this.restIsBlank(this.pos));
    const next = t.charCodeAt(this.pos);
    if (!atEnd && (isIdentStart(next) || next === Ch.Colon || next === Ch.Slash || next === Ch.Space && ctx !== "top" && this.unquotedContinues())) {
      // 2024-01-01T10:00, 12px, 10:30, 1/2, "3 apples": an unquoted string.
      this.pos = start;
      return this.readUnquotedValue(ctx);
    }
    if (LEADING_ZEROS.test(s) && /^[-+.\deE]*\d$/.test(s)) {
      // 00123, 0789: a code or an identifier more often than a number; the text is kept.
      if (atEnd && ctx !== "top") this.truncated = true;
      this.edit("quote-value", start, `kept ${snippet(s)} as text: a number does not start with 0`, "likely");
      return { kind: "scalar", start, value: s, partial: atEnd && ctx !== "top" };
    }
    if (JSON_NUMBER.test(s)) return { kind: "scalar", start, value: this.doubleOf(s, start), partial: atEnd && ctx !== "top" };
    if (atEnd) {
      const trimmed = s.replace(/[.eE+-]+$/, "");
      if (trimmed === "" || trimmed === "-" || trimmed === "+") {
        if (ctx === "top") {
          this.pos = start;
          return this.readBareTopLevel();
        }
        this.truncated = true;
        this.truncatedNothing = true;
        return { kind: "scalar", start, value: null, partial: true };
      }
      const fixed = fixNumber(trimmed);
      if (fixed !== undefined) {
        if (trimmed !== s) this.edit("truncated-number", start, `the text ended inside the number ${s}; read it as ${fixed}`);
        else this.edit("fix-number", start, `read the number ${s} as ${fixed}`);
        if (ctx === "top") return { kind: "scalar", start, value: fixed, partial: false };
        this.truncated = true;
        return { kind: "scalar", start, value: fixed, partial: true };
      }
    }
    const fixed = fixNumber(s);
    if (fixed !== undefined) {
      this.edit("fix-number", start, `read the number ${s} as ${fixed}`);
      return { kind: "scalar", start, value: fixed, partial: false };
    }
    const cut = /^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?$/.test(s) ? fixNumber(s.replace(/[eE][+-]?$/, "")) : undefined;
    if (cut !== undefined) {
      // 1e, 2.5E+: an exponent with no digits.
      this.edit("fix-number", start, `read ${s} (an exponent with no digits) as ${cut}`, "likely");
      return { kind: "scalar", start, value: cut, partial: false };
    }
    this.pos = start;
    if (ctx === "top") return this.readBareTopLevel();
    return this.readUnquotedValue(ctx);
  }

  /**
   * The double a JSON number reads as, with an edit when that changes it:
   * past ±1.8e308 (`1e400`, a million digits) it is not finite and becomes
   * `null` (`replace-non-finite`); an integer past 2^53 whose digits a double
   * cannot hold keeps the nearest double (`fix-number`, lossy). Never silent.
   */
  private doubleOf(s: string, start: number): number | null {
    const v = Number(s);
    if (!Number.isFinite(v)) {
      this.edit("replace-non-finite", start, `the number ${snippet(s)} is beyond the largest double (about 1.8e308); JSON parsers read it as Infinity, written null`);
      return null;
    }
    if (Math.abs(v) > Number.MAX_SAFE_INTEGER && INTEGER.test(s) && BigInt(s) !== BigInt(v)) {
      this.edit("fix-number", start, `the integer ${snippet(s)} has more digits than a double holds exactly; read it as ${v}`, "certain", true);
    }
    return v;
  }

  /** At the top level, a number-like token that is the whole text (`2.3.4`, `-`) is text. */
  private readBareTopLevel(): ScalarNode | undefined {
    const t = this.text;
    const start = this.pos;
    let end = start;
    while (end < this.n && !isWs(t.charCodeAt(end))) end++;
    let rest = end;
    while (rest < this.n && isWs(t.charCodeAt(rest))) rest++;
    this.steps += rest - start;
    if (rest < this.n) return undefined;
    const value = t.slice(start, end);
    this.pos = end;
    this.edit("quote-value", start, `read ${snippet(value)}, which is not a JSON number, as text`);
    return { kind: "scalar", start, value, partial: false };
  }

  // After a number and a space: does an unquoted phrase go on (`3 apples`)?
  protected unquotedContinues(): boolean {
    const t = this.text;
    let j = this.pos;
    while (j < this.n && (t.charCodeAt(j) === Ch.Space || t.charCodeAt(j) === Ch.Tab)) j++;
    this.steps += j - this.pos;
    if (j >= this.n || !isIdentStart(t.charCodeAt(j)) || closersOf(t.charCodeAt(j)) !== undefined) return false;
    let k = j;
    while (k < this.n && isIdentPart(t.charCodeAt(k))) k++;
    this.steps += k - j;
    if (isLiteral(t.slice(j, k))) return false;
    const spaces = k;
    while (k < this.n && (t.charCodeAt(k) === Ch.Space || t.charCodeAt(k) === Ch.Tab)) k++;
    this.steps += k - spaces;
    return t.charCodeAt(k) !== Ch.Colon; // `1 key: ...` is a missing comma before a key
  }

  protected readWordValue(ctx: Ctx): ScalarNode | undefined {
    const t = this.text;
    const start = this.pos;
    while (this.pos < this.n && isIdentPart(t.charCodeAt(this.pos))) this.pos++;
    this.steps += this.pos - start;
    const word = t.slice(start, this.pos);
    const lit = isLiteral(word) ? LITERALS[word] : undefined;
    const neg = t.charCodeAt(start - 1) === Ch.Minus && word === "Infinity";
    if (lit !== undefined) {
      if (lit.kind !== undefined) {
        this.edit(lit.kind, neg ? start - 1 : start, `replaced ${neg ? "-" : ""}${word} with ${JSON.stringify(lit.value)}`);
      }
      return { kind: "scalar", start, value: lit.value, partial: false };
    }
    if (this.pos >= this.n) {
      const full = LITERAL_NAMES.find((l) => l.startsWith(word));
      if (full !== undefined) {
        this.truncated = true;
        const value = LITERALS[full].value;
        this.edit("truncated-literal", start, `the text ended inside ${full}; completed it as ${JSON.stringify(value)}`);
        return { kind: "scalar", start, value, partial: true };
      }
    }
    const call = this.readCall(start, word);
    if (call !== undefined) return call;
    this.pos = start;
    if (ctx === "top") return this.unopenedTopLevel(start, word);
    return this.readUnquotedValue(ctx);
  }

  /**
   * From a `,` at `from` inside an unquoted member value: the offset of a
   * quote later on the same line that closes the value (a delimiter follows
   * it), with no `:`, quote or bracket before it; else -1. `{"a": x, y, z"}`
   * is one value whose opening quote is missing.
   */
  private unopenedQuoteAhead(from: number): number {
    const t = this.text;
    let j = from + 1;
    for (; j < this.n; j++) {
      const c = t.charCodeAt(j);
      if (c === Ch.Colon || isNewline(c) || isCloser(c) || c === Ch.OpenBrace || c === Ch.OpenBracket) break;
      if (closersOf(c) !== undefined) break;
    }
    this.steps += j - from;
    return j < this.n && closersOf(t.charCodeAt(j)) !== undefined && this.closesUnopened(j, false) ? j : -1;
  }

  /** The whole text is `word"`: a string whose opening quote is missing. */
  private unopenedTopLevel(start: number, word: string): ScalarNode | undefined {
    const t = this.text;
    const q = start + word.length;
    if (closersOf(t.charCodeAt(q)) === undefined || !this.restIsBlank(q + 1)) return undefined;
    this.pos = q + 1;
    this.edit("quote-value", start, `the string ${snippet(word)} has a closing quote but no opening one; added it`);
    return { kind: "scalar", start, value: word, partial: false };
  }

  /**
   * `ObjectId("…")`, `ISODate("…")`, `NumberLong(2)`, `new Date("…")`, JSONP's
   * `callback(2)`: a call around one string, number or literal is that value.
   * `pos` is just after `word`; on failure `pos` is left anywhere (the caller
   * resets it).
   */
  private readCall(start: number, word: string): ScalarNode | undefined {
    const t = this.text;
    if (word === "new") {
      // `new Date("…")`: the constructor's name follows.
      this.skipSpaces();
      const nameStart = this.pos;
      while (this.pos < this.n && isIdentPart(t.charCodeAt(this.pos))) this.pos++;
      this.steps += this.pos - nameStart;
      if (this.pos === nameStart) return undefined;
      word = `new ${t.slice(nameStart, this.pos)}`;
    }
    this.skipSpaces();
    if (t.charCodeAt(this.pos) !== Ch.OpenParen) return undefined;
    this.pos++;
    this.skipSpaces();
    const c = t.charCodeAt(this.pos);
    const edits = this.edits.length;
    let arg: ScalarNode | undefined;
    if (closersOf(c) !== undefined) arg = this.readString("arg");
    else if (isIdentStart(c)) {
      // `callback(null)`, `Boolean(true)`.
      const wordStart = this.pos;
      while (this.pos < this.n && isIdentPart(t.charCodeAt(this.pos))) this.pos++;
      this.steps += this.pos - wordStart;
      const w = t.slice(wordStart, this.pos);
      if (isLiteral(w) && LITERALS[w].kind === undefined) arg = { kind: "scalar", start: wordStart, value: LITERALS[w].value, partial: false };
    } else if (isNumberChar(c)) {
      const numStart = this.pos;
      while (this.pos < this.n && isNumberChar(t.charCodeAt(this.pos))) this.pos++;
      this.steps += this.pos - numStart;
      const num = fixNumber(t.slice(numStart, this.pos));
      if (num !== undefined) arg = { kind: "scalar", start: numStart, value: num, partial: false };
    }
    if (arg === undefined || arg.partial) {
      this.edits.length = edits;
      return undefined;
    }
    this.skipSpaces();
    if (t.charCodeAt(this.pos) !== Ch.CloseParen) {
      this.edits.length = edits;
      return undefined;
    }
    this.pos++;
    this.edit("unwrap-call", start, `read ${word}(${JSON.stringify(arg.value)}) as its argument ${JSON.stringify(arg.value)}`);
    return { kind: "scalar", start, value: arg.value, partial: false };
  }

  private skipSpaces(): void {
    const from = this.pos;
    while (this.pos < this.n && (this.text.charCodeAt(this.pos) === Ch.Space || this.text.charCodeAt(this.pos) === Ch.Tab)) this.pos++;
    this.steps += this.pos - from;
  }

  /**
   * A JavaScript regular expression literal (`/ab+c/gi`) as a value: read as
   * its text. Undefined unless the literal ends on its line and a delimiter
   * (or the end of the text) follows.
   */
  protected readRegexLiteral(): ScalarNode | undefined {
    const t = this.text;
    const start = this.pos;
    let j = start + 1;
    let inClass = false;
    for (; j < this.n; j++) {
      const c = t.charCodeAt(j);
      if (c === Ch.LineFeed || c === Ch.CarriageReturn) break;
      if (c === Ch.Backslash) j++;
      else if (c === Ch.OpenBracket) inClass = true;
      else if (c === Ch.CloseBracket) inClass = false;
      else if (c === Ch.Slash && !inClass) break;
    }
    this.steps += j - start;
    if (j >= this.n || t.charCodeAt(j) !== Ch.Slash || j === start + 1) return undefined;
    j++;
    while (j < this.n && isIdentPart(t.charCodeAt(j))) j++;
    let k = j;
    while (k < this.n && isWs(t.charCodeAt(k))) k++;
    this.steps += k - start;
    const d = t.charCodeAt(k);
    if (k < this.n && d !== Ch.Comma && d !== Ch.CloseBrace && d !== Ch.CloseBracket) return undefined;
    const value = t.slice(start, j);
    this.pos = j;
    this.edit("quote-value", start, `read the regular expression literal ${snippet(value)} as text`);
    return { kind: "scalar", start, value, partial: false };
  }

  /** Reads an unquoted string value up to `,`, `]`, `}` or the end of the line. */
  protected readUnquotedValue(ctx: Ctx): ScalarNode | undefined {
    if (ctx === "top") return undefined;
    const t = this.text;
    const start = this.pos;
    let unopened = false;
    let depth = 0; // brackets opened inside the value (`words{in brackets}`)
    let quoteAhead = -1; // `ipsum, sic, datum.",`: the closing quote the commas run to
    while (this.pos < this.n) {
      const c = t.charCodeAt(this.pos);
      if (c === Ch.LineFeed || c === Ch.CarriageReturn) break;
      if (c === Ch.OpenBrace || c === Ch.OpenBracket) depth++;
      else if ((c === Ch.CloseBrace || c === Ch.CloseBracket) && depth > 0) depth--;
      else if (c === Ch.Comma && depth === 0 && this.pos > quoteAhead) {
        if (ctx !== "value") break;
        quoteAhead = this.unopenedQuoteAhead(this.pos);
        if (quoteAhead < 0) break;
      } else if (isCloser(c) && depth === 0) break;
      if (closersOf(c) !== undefined && this.pos > start) {
        // `foo",`: the closing quote of a string whose opening quote is missing.
        if (this.closesUnopened(this.pos, false)) {
          unopened = true;
          break;
        }
        // `value "key2": ...`: the value ended before the next key (a missing comma).
        if (ctx === "value" && this.startsExpected(this.pos, "key")) break;
      }
      this.pos++;
    }
    this.steps += this.pos - start;
    const raw = t.slice(start, this.pos);
    const value = raw.trim();
    if (unopened) {
      this.pos++;
      this.edit("quote-value", start, `the string ${snippet(value)} has a closing quote but no opening one; added it`);
      return { kind: "scalar", start, value, partial: false };
    }
    if (this.pos >= this.n) {
      this.truncated = true;
      this.edit("quote-value", start, `quoted the unquoted value ${snippet(value)} (cut off by the end of the text)`);
      return { kind: "scalar", start, value, partial: true };
    }
    this.edit("quote-value", start, `quoted the unquoted value ${snippet(value)}`);
    return { kind: "scalar", start, value, partial: false };
  }
}
