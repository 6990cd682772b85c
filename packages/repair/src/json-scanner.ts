/**
 * The scanning half of the tolerant JSON parser: trivia, and every scalar
 * (strings with their end-of-string heuristic, escapes, numbers, literals,
 * unquoted keys and values), each recording an edit for what it repaired.
 * Every method looks at each character a bounded number of times.
 */
import type { Confidence, EditKind, PendingEdit } from "./edit.js";
import type { ScalarNode } from "./json-node.js";
import { Ch, closersOf, isDigit, isIdentPart, isIdentStart, isNumberChar, isWs } from "./json-chars.js";

/** Where a scalar is read: an object key, an object value, an array item, or the top level. */
export type Ctx = "key" | "value" | "item" | "top";

export const LITERALS: Record<string, { value: boolean | null; kind?: EditKind }> = {
  true: { value: true },
  false: { value: false },
  null: { value: null },
  True: { value: true, kind: "replace-literal" },
  False: { value: false, kind: "replace-literal" },
  None: { value: null, kind: "replace-literal" },
  undefined: { value: null, kind: "replace-literal" },
  NaN: { value: null, kind: "replace-non-finite" },
  Infinity: { value: null, kind: "replace-non-finite" },
};
const LITERAL_NAMES = Object.keys(LITERALS);

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LOOSE_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Reads trivia and scalars; `TolerantJsonParser` adds the containers. */
export class JsonScanner {
  /** Position of the next unread character. */
  pos = 0;
  /** Units of work done so far (for the linear-time guard in the tests). */
  steps = 0;
  /** True once the text ended inside the value being parsed. */
  truncated = false;
  edits: PendingEdit[] = [];
  protected readonly n: number;
  // Characters a string may give back when it backs off to a line end (a
  // missing closing quote). Spending at most n bounds rescanning to one extra
  // pass over the text.
  protected rescanBudget: number;

  constructor(readonly text: string) {
    this.n = text.length;
    this.rescanBudget = text.length;
  }

  protected mayBacktrack(from: number): boolean {
    const cost = this.pos - from;
    if (cost > this.rescanBudget) return false;
    this.rescanBudget -= cost;
    return true;
  }

  /** Records an edit; `confidence` and `lossy` override the kind's class (see edit-confidence.ts). */
  protected edit(kind: EditKind, offset: number, message: string, confidence?: Confidence, lossy?: boolean): void {
    const e: PendingEdit = { kind, offset, message };
    if (confidence !== undefined) e.confidence = confidence;
    if (lossy !== undefined) e.lossy = lossy;
    this.edits.push(e);
  }

  /** True when a value could start at `pos` (after trivia), for the top level. */
  canStartValue(at: number): boolean {
    const c = this.text.charCodeAt(at);
    if (c === Ch.OpenBrace || c === Ch.OpenBracket || closersOf(c) !== undefined || isDigit(c)) return true;
    if (c === Ch.Minus) return at + 1 < this.n && (isDigit(this.text.charCodeAt(at + 1)) || this.text.startsWith("Infinity", at + 1));
    if (isIdentStart(c)) {
      let j = at;
      while (j < this.n && isIdentPart(this.text.charCodeAt(j))) j++;
      const word = this.text.slice(at, j);
      return Object.hasOwn(LITERALS, word) || (j === this.n && LITERAL_NAMES.some((l) => l.startsWith(word) && word.length >= 2));
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

  // Keys were written without quotes: `"x" word:` then likely starts a key.
  protected sawUnquotedKey = false;

  // Set by a scalar reader when the text ended before anything usable (`-`, a lone `\u`).
  protected truncatedNothing = false;

  protected readUnquotedKey(): ScalarNode | undefined {
    const t = this.text;
    const start = this.pos;
    while (this.pos < this.n) {
      const c = t.charCodeAt(this.pos);
      if (isWs(c) || c === Ch.Colon || c === Ch.Comma || c === Ch.OpenBrace || c === Ch.CloseBrace || c === Ch.OpenBracket || c === Ch.CloseBracket || c === Ch.Quote || c === Ch.Apostrophe || c === Ch.Equals) break;
      this.pos++;
    }
    this.steps += this.pos - start;
    if (this.pos >= this.n) {
      this.truncated = true;
      return undefined;
    }
    const key = t.slice(start, this.pos);
    this.sawUnquotedKey = true;
    this.edit("quote-key", start, `quoted the key ${snippet(key)}`);
    return { kind: "scalar", start, value: key, partial: false };
  }

  /** Reads a string value and any `+ "..."` concatenations after it. */
  protected readStringValue(ctx: Ctx): ScalarNode | undefined {
    const first = this.readString(ctx);
    if (first === undefined) {
      this.truncatedNothing = true;
      return { kind: "scalar", start: this.pos, value: "", partial: true };
    }
    const t = this.text;
    for (;;) {
      let j = this.pos;
      while (j < this.n && isWs(t.charCodeAt(j))) j++;
      if (t.charCodeAt(j) !== Ch.Plus) break;
      j++;
      while (j < this.n && isWs(t.charCodeAt(j))) j++;
      this.steps += j - this.pos;
      if (j >= this.n || closersOf(t.charCodeAt(j)) === undefined) break;
      const at = this.pos;
      this.pos = j;
      const next = this.readString(ctx);
      if (next === undefined) break;
      this.edit("concatenate-strings", at, "joined two strings concatenated with +");
      first.value = (first.value as string) + (next.value as string);
      first.partial = next.partial;
    }
    return first;
  }

  /**
   * Reads a quoted string at `pos`. Returns undefined only for a key cut off
   * by the end of the text. A quote that matches the opening one ends the
   * string only when what follows fits the context (`:` after a key; `,`,
   * `]`, `}` or a new line after a value); otherwise it is an unescaped quote
   * inside the string.
   */
  readString(ctx: Ctx): ScalarNode | undefined {
    const t = this.text;
    const start = this.pos;
    const open = t.charCodeAt(start);
    const closers = closersOf(open)!;
    const q1 = closers.charCodeAt(0);
    const q2 = closers.length > 1 ? closers.charCodeAt(1) : q1;
    if (open !== Ch.Quote) this.edit("normalize-quotes", start, `replaced ${t[start]}quotes${closers[0]} with double quotes`);
    this.pos++;
    let out = "";
    let chunk = this.pos;
    let controls = 0;
    let firstNewline = -1;
    let outAtNewline = "";
    let structural: boolean | undefined; // looksStructural(firstNewline), computed once
    const n = this.n;
    for (;;) {
      // A closing code fence on its own line ends the text for this string.
      const fence = open !== Ch.Backtick && t.charCodeAt(this.pos) === Ch.Backtick && (t.charCodeAt(this.pos - 1) === Ch.LineFeed || t.charCodeAt(this.pos - 1) === Ch.CarriageReturn) && t.startsWith("```", this.pos);
      if (this.pos >= n || fence) {
        out += t.slice(chunk, this.pos);
        this.steps += this.pos - start;
        // No closing quote. If the string ran over a line end and the next
        // line looks like more JSON, the quote was missing at that line end.
        if (firstNewline >= 0 && (structural ??= this.looksStructural(firstNewline)) && this.mayBacktrack(firstNewline)) {
          this.pos = firstNewline;
          this.edit("close-string", firstNewline, "closed a string with no closing quote at the end of its line");
          return { kind: "scalar", start, value: outAtNewline.trimEnd(), partial: false };
        }
        this.truncated = true;
        if (ctx === "key") return undefined;
        if (fence) out = out.replace(/\r?\n$/, "");
        if (controls > 0) this.edit("escape-control-char", start, `escaped ${controls} raw control character(s) in a string`);
        this.edit("truncated-string", this.pos, "the text ended inside a string; closed it");
        return { kind: "scalar", start, value: out, partial: true };
      }
      const c = t.charCodeAt(this.pos);
      if (c === Ch.Backslash) {
        out += t.slice(chunk, this.pos);
        const esc = this.readEscape();
        if (esc === undefined) {
          chunk = this.pos;
          continue; // end of text: handled at the top of the loop
        }
        out += esc;
        chunk = this.pos;
        continue;
      }
      if (c === q1 || c === q2) {
        if (this.isStringEnd(this.pos, ctx)) {
          out += t.slice(chunk, this.pos);
          this.pos++;
          this.steps += this.pos - start;
          if (controls > 0) this.edit("escape-control-char", start, `escaped ${controls} raw control character(s) in a string`);
          return { kind: "scalar", start, value: out, partial: false };
        }
        // A quote that does not fit after a line break inside the string: the
        // closing quote was missing at that line end.
        if (firstNewline >= 0 && ctx !== "key" && (structural ??= this.looksStructural(firstNewline)) && this.mayBacktrack(firstNewline)) {
          this.pos = firstNewline;
          this.edit("close-string", firstNewline, "closed a string with no closing quote at the end of its line");
          return { kind: "scalar", start, value: outAtNewline.trimEnd(), partial: false };
        }
        this.edit("escape-quote", this.pos, "escaped a quote inside a string that does not end it");
        this.pos++;
        continue;
      }
      if (c < Ch.Space) {
        controls++;
        if ((c === Ch.LineFeed || c === Ch.CarriageReturn) && firstNewline < 0) {
          firstNewline = this.pos;
          outAtNewline = out + t.slice(chunk, this.pos);
        }
      }
      this.pos++;
    }
  }

  /** True when the line after the newline at `nl` starts like JSON structure (a key, a closer). */
  protected looksStructural(nl: number): boolean {
    const t = this.text;
    let j = nl;
    while (j < this.n && isWs(t.charCodeAt(j))) j++;
    const c = t.charCodeAt(j);
    return c === Ch.Quote || c === Ch.CloseBrace || c === Ch.CloseBracket || c === Ch.Comma;
  }

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
    // A value's closing quote is followed by a separator, a closer, a `+`
    // (concatenation), a comment, a line break, or the next key or item
    // (a missing comma). A `:` is not among them: `"{"a":1}"` is embedded JSON.
    if (sawNewline || d === Ch.Comma || d === Ch.CloseBrace || d === Ch.CloseBracket || d === Ch.Plus || (d === Ch.Hash && j > q + 1)) return true;
    if (d === Ch.Slash && (t.charCodeAt(j + 1) === Ch.Slash || t.charCodeAt(j + 1) === Ch.Star)) return true;
    if (ctx === "top") return !isIdentPart(d);
    if (closersOf(d) !== undefined && j > q + 1) return true;
    if (isIdentStart(d) && j > q + 1) {
      // `"x" key: 1`: an unquoted key follows (a missing comma); in an
      // array, `"x" true`: a literal follows.
      let k = j;
      while (k < this.n && isIdentPart(t.charCodeAt(k))) k++;
      const word = t.slice(j, k);
      while (k < this.n && (t.charCodeAt(k) === Ch.Space || t.charCodeAt(k) === Ch.Tab)) k++;
      this.steps += k - j;
      if (ctx === "item" && Object.hasOwn(LITERALS, word)) return true;
      const after = t.charCodeAt(k + 1);
      return this.sawUnquotedKey && t.charCodeAt(k) === Ch.Colon && after !== Ch.Backslash && after !== Ch.Slash;
    }
    if (ctx === "item" && j > q + 1) {
      // `"x" {`, `"x" 42,`: the next array item follows (a missing comma).
      if (d === Ch.OpenBrace || d === Ch.OpenBracket) return true;
      if (isDigit(d) || d === Ch.Minus) {
        let k = j + 1;
        while (k < this.n && isNumberChar(t.charCodeAt(k))) k++;
        while (k < this.n && isWs(t.charCodeAt(k))) k++;
        this.steps += k - j;
        const e = t.charCodeAt(k);
        if (k >= this.n || e === Ch.Comma || e === Ch.CloseBracket || e === Ch.CloseBrace || e === Ch.OpenBracket || e === Ch.OpenBrace || closersOf(e) !== undefined || isDigit(e)) return true;
        let m = k;
        while (m < this.n && isIdentPart(t.charCodeAt(m))) m++;
        return m > k && Object.hasOwn(LITERALS, t.slice(k, m));
      }
    }
    return false;
  }

  /** Reads an escape at `pos` (a backslash); returns the decoded text, or undefined at the end of the text. */
  protected readEscape(): string | undefined {
    const t = this.text;
    const at = this.pos;
    if (at + 1 >= this.n) {
      this.pos = this.n;
      return undefined;
    }
    const e = t[at + 1];
    this.pos += 2;
    switch (e) {
      case '"':
      case "\\":
      case "/":
        return e;
      case "'":
        return "'";
      case "b":
        return "\b";
      case "f":
        return "\f";
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case "\n":
        return "";
      case "u": {
        let j = at + 2;
        while (j < at + 6 && j < this.n && /[0-9a-fA-F]/.test(t[j])) j++;
        if (j === at + 6) {
          this.pos = j;
          return String.fromCharCode(parseInt(t.slice(at + 2, j), 16));
        }
        if (j >= this.n) {
          this.pos = this.n; // cut off mid-escape: dropped
          return undefined;
        }
        this.edit("fix-escape", at, "kept an invalid \\u escape literally");
        return "\\u";
      }
      default:
        this.edit("fix-escape", at, `kept the invalid escape \\${e} literally`);
        return `\\${e}`;
    }
  }

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
    const atEnd = this.pos >= this.n;
    const next = t.charCodeAt(this.pos);
    if (!atEnd && (isIdentStart(next) || next === Ch.Colon || next === Ch.Slash || next === Ch.Space && ctx !== "top" && this.unquotedContinues())) {
      // 2024-01-01T10:00, 12px, 10:30, 1/2, "3 apples": an unquoted string.
      this.pos = start;
      return this.readUnquotedValue(ctx);
    }
    if (JSON_NUMBER.test(s)) return { kind: "scalar", start, value: Number(s), partial: atEnd && ctx !== "top" };
    if (atEnd) {
      const trimmed = s.replace(/[.eE+-]+$/, "");
      if (trimmed === "" || trimmed === "-" || trimmed === "+") {
        this.truncated = true;
        this.truncatedNothing = true;
        return { kind: "scalar", start, value: null, partial: true };
      }
      const fixed = fixNumber(trimmed);
      if (fixed !== undefined) {
        this.truncated = true;
        if (trimmed !== s) this.edit("truncated-number", start, `the text ended inside the number ${s}; read it as ${fixed}`);
        return { kind: "scalar", start, value: fixed, partial: true };
      }
    }
    const fixed = fixNumber(s);
    if (fixed !== undefined) {
      this.edit("fix-number", start, `read the number ${s} as ${fixed}`);
      return { kind: "scalar", start, value: fixed, partial: false };
    }
    this.pos = start;
    return this.readUnquotedValue(ctx);
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
    if (Object.hasOwn(LITERALS, t.slice(j, k))) return false;
    while (k < this.n && (t.charCodeAt(k) === Ch.Space || t.charCodeAt(k) === Ch.Tab)) k++;
    return t.charCodeAt(k) !== Ch.Colon; // `1 key: ...` is a missing comma before a key
  }

  protected readWordValue(ctx: Ctx): ScalarNode | undefined {
    const t = this.text;
    const start = this.pos;
    while (this.pos < this.n && isIdentPart(t.charCodeAt(this.pos))) this.pos++;
    this.steps += this.pos - start;
    const word = t.slice(start, this.pos);
    const lit = Object.hasOwn(LITERALS, word) ? LITERALS[word] : undefined;
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
    this.pos = start;
    if (ctx === "top") return undefined;
    return this.readUnquotedValue(ctx);
  }

  /** Reads an unquoted string value up to `,`, `]`, `}` or the end of the line. */
  protected readUnquotedValue(ctx: Ctx): ScalarNode | undefined {
    if (ctx === "top") return undefined;
    const t = this.text;
    const start = this.pos;
    while (this.pos < this.n) {
      const c = t.charCodeAt(this.pos);
      if (c === Ch.Comma || c === Ch.CloseBracket || c === Ch.CloseBrace || c === Ch.LineFeed || c === Ch.CarriageReturn) break;
      this.pos++;
    }
    this.steps += this.pos - start;
    const raw = t.slice(start, this.pos);
    const value = raw.trim();
    if (this.pos >= this.n) {
      this.truncated = true;
      this.edit("quote-value", start, `quoted the unquoted value ${snippet(value)} (cut off by the end of the text)`);
      return { kind: "scalar", start, value, partial: true };
    }
    this.edit("quote-value", start, `quoted the unquoted value ${snippet(value)}`);
    return { kind: "scalar", start, value, partial: false };
  }
}


/** A short, quoted excerpt of `s` for edit messages. */
export function snippet(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s);
}

/** Reads a loosely written number (`+1`, `.5`, `1.`, `007`); undefined when it is not one. */
function fixNumber(s: string): number | undefined {
  if (!LOOSE_NUMBER.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}
