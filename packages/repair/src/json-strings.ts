/**
 * Strings for the tolerant JSON parser: quoted strings in any quote style,
 * their escapes, `+` concatenation, and the heuristics that decide where a
 * string ends when its quotes are unbalanced (an unescaped quote inside it,
 * a missing closing quote). Each character is looked at a bounded number of
 * times; backing off to an earlier end spends a budget of one extra pass.
 */
import type { ScalarNode } from "./json-node.js";
import { Ch, closersOf, isDigit, isIdentPart, isIdentStart, isNumberChar, isWs } from "./json-chars.js";
import { isLiteral } from "./json-literals.js";
import { JsonScanner, type Ctx } from "./json-scanner.js";

/** Reads quoted strings; see the module comment. */
export class JsonStringScanner extends JsonScanner {
  /** Reads a string value and any `+ "..."` concatenations after it. */
  protected readStringValue(ctx: Ctx): ScalarNode | undefined {
    const first = this.readString(ctx);
    if (first === undefined) {
      this.truncatedNothing = true;
      return { kind: "scalar", start: this.pos, value: "", partial: true };
    }
    const t = this.text;
    for (;;) {
      // `"a" + "b"`, with whitespace and comments (logged) around the `+`.
      const at = this.pos;
      const logged = this.edits.length;
      this.skipTrivia();
      let next: ScalarNode | undefined;
      if (t.charCodeAt(this.pos) === Ch.Plus) {
        this.pos++;
        this.skipTrivia();
        if (closersOf(t.charCodeAt(this.pos)) !== undefined) next = this.readString(ctx);
      }
      if (next === undefined) {
        this.pos = at;
        this.edits.length = logged;
        break;
      }
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
    if (ctx === "arg") return d === Ch.CloseParen;
    if (closersOf(d) !== undefined && j > q + 1) return true;
    if (isIdentStart(d) && j > q + 1) {
      // `"x" key: 1`: an unquoted key follows (a missing comma); in an
      // array, `"x" true`: a literal follows.
      let k = j;
      while (k < this.n && isIdentPart(t.charCodeAt(k))) k++;
      const word = t.slice(j, k);
      while (k < this.n && (t.charCodeAt(k) === Ch.Space || t.charCodeAt(k) === Ch.Tab)) k++;
      this.steps += k - j;
      if (ctx === "item" && isLiteral(word)) return true;
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
        return m > k && isLiteral(t.slice(k, m));
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
}
