/**
 * Strings for the tolerant JSON parser: quoted strings in any quote style,
 * their escapes and `+` concatenation. Where a string ends when its quotes
 * are unbalanced is judged by `StringEndScanner` (json-string-ends.ts). Each
 * character is looked at a bounded number of times; backing off to an
 * earlier end spends a budget of one extra pass over the text.
 */
import type { ScalarNode } from "./json-node.js";
import { Ch, closersOf, isNewline, isWs } from "./json-chars.js";
import type { Ctx } from "./json-scanner.js";
import { StringEndScanner } from "./json-string-ends.js";

/** Matches a raw control character (escaped in the repaired string). */
const CONTROL = /[\u0000-\u001f]/;

/** Reads quoted strings; see the module comment. */
export class JsonStringScanner extends StringEndScanner {
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
   * string when `isStringEnd` says so; otherwise the closing quote may have
   * been missing before a run of delimiters (`missingQuoteBefore`), or at
   * the first line break when the next line looks like JSON structure, or it
   * is an unescaped quote inside the string. At the end of the text, closers
   * that fit the open containers end the string (`closersAtEnd`); otherwise
   * the string was cut off.
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
    const contentStart = this.pos;
    let out = "";
    let chunk = this.pos;
    let firstNewline = -1;
    let outAtNewline = "";
    let firstComma = -1;
    let outAtComma = "";
    let controls = false;
    // Keys only: the first quote taken for an unescaped one, and the first colon (`{"p"3}`, `{"k:v}`).
    let rejected = -1;
    let outAtRejected = "";
    let editsAtRejected = 0;
    let firstColon = -1;
    let outAtColon = "";
    let structural: boolean | undefined; // looksStructural(firstNewline), computed once
    const n = this.n;
    for (;;) {
      // A closing code fence on its own line, or at the very end of the text, ends the text for this string.
      const fence = open !== Ch.Backtick && t.charCodeAt(this.pos) === Ch.Backtick && t.startsWith("```", this.pos) && (isNewline(t.charCodeAt(this.pos - 1)) || this.fenceEndsText(this.pos));
      if (this.pos >= n || fence) {
        out += t.slice(chunk, this.pos);
        this.steps += this.pos - start;
        // No closing quote. Closers at the end of the text: the quote was missing before them.
        const end = this.closersAtEnd(contentStart, this.pos, ctx);
        if (end >= 0 && this.mayBacktrack(end)) {
          // In an array, `["a, b]`: the quote was missing at the first comma (jsonrepair's reading).
          if (ctx === "item" && firstComma >= 0 && firstComma < end) return this.endEarly(start, firstComma, outAtComma, "before a comma");
          return this.endEarly(start, end, out.slice(0, out.length - (this.pos - end)), "before the closers at the end of the text");
        }
        // The string ran over a line end and the next line looks like more JSON: the quote was missing at that line end.
        if (firstNewline >= 0 && (structural ??= this.looksStructural(firstNewline)) && this.mayBacktrack(firstNewline)) {
          return this.endEarly(start, firstNewline, outAtNewline, "at the end of its line");
        }
        if (ctx === "key") {
          // A key that runs to the end of the text: it ended at its first colon, or at the first quote after all.
          if (firstColon >= 0 && this.mayBacktrack(firstColon)) return this.endEarly(start, firstColon, outAtColon, "before its colon");
          if (rejected >= 0 && this.mayBacktrack(rejected)) {
            this.edits.length = editsAtRejected;
            this.pos = rejected + 1;
            return { kind: "scalar", start, value: outAtRejected, partial: false };
          }
          this.truncated = true;
          return undefined;
        }
        this.truncated = true;
        if (fence) out = out.replace(/\r?\n$/, "");
        if (controls) this.noteControls(start, out);
        this.edit("truncated-string", this.pos, "the text ended inside a string; closed it");
        return { kind: "scalar", start, value: out, partial: true };
      }
      const c = t.charCodeAt(this.pos);
      if (c === Ch.Backslash) {
        out += t.slice(chunk, this.pos);
        const esc = this.readEscape();
        if (esc !== undefined) out += esc;
        chunk = this.pos;
        continue; // at the end of the text: handled at the top of the loop
      }
      if (c === q1 || c === q2) {
        out += t.slice(chunk, this.pos);
        chunk = this.pos;
        if (this.isStringEnd(this.pos, ctx)) {
          this.pos++;
          this.steps += this.pos - start;
          if (controls) this.noteControls(start, out);
          return { kind: "scalar", start, value: out, partial: false };
        }
        // Backing off below ends the string before here: count the scan so far (streaming bounds its look-ahead by the count).
        const scanned = this.pos - start;
        const before = this.missingQuoteBefore(this.pos, contentStart, ctx);
        if (before >= 0 && this.mayBacktrack(before)) {
          this.steps += scanned;
          return this.endEarly(start, before, out.slice(0, out.length - (this.pos - before)), "before the delimiters that follow it");
        }
        // A quote that does not fit after a line break inside the string: the
        // closing quote was missing at that line end.
        if (firstNewline >= 0 && ctx !== "key" && (structural ??= this.looksStructural(firstNewline)) && this.mayBacktrack(firstNewline)) {
          this.steps += scanned;
          return this.endEarly(start, firstNewline, outAtNewline, "at the end of its line");
        }
        if (ctx === "key" && rejected < 0) {
          rejected = this.pos;
          outAtRejected = out;
          editsAtRejected = this.edits.length;
        }
        this.edit("escape-quote", this.pos, "escaped a quote inside a string that does not end it");
        this.pos++;
        continue;
      }
      if (c < Ch.Space) {
        controls = true;
        if (isNewline(c) && firstNewline < 0) {
          firstNewline = this.pos;
          outAtNewline = out + t.slice(chunk, this.pos);
        }
      } else if (c === Ch.Comma && firstComma < 0) {
        firstComma = this.pos;
        outAtComma = out + t.slice(chunk, this.pos);
      } else if (c === Ch.Colon && firstColon < 0 && ctx === "key") {
        firstColon = this.pos;
        outAtColon = out + t.slice(chunk, this.pos);
      }
      this.pos++;
    }
  }

  /** True when only backticks and whitespace follow `at` (a closing fence at the very end of the text). */
  private fenceEndsText(at: number): boolean {
    let j = at;
    while (j < this.n && this.text.charCodeAt(j) === Ch.Backtick) j++;
    while (j < this.n && isWs(this.text.charCodeAt(j))) j++;
    this.steps += j - at;
    return j >= this.n;
  }

  /** Ends the string begun at `start` at `end` (its closing quote was missing there), with `value` as its content. */
  private endEarly(start: number, end: number, value: string, where: string): ScalarNode {
    this.pos = end;
    const v = value.trimEnd();
    this.noteControls(start, v);
    this.edit("close-string", end, `closed a string with no closing quote ${where}`);
    return { kind: "scalar", start, value: v, partial: false };
  }

  /** Records the escaping of raw control characters in a string's value, if it has any. */
  private noteControls(start: number, value: string): void {
    if (CONTROL.test(value)) this.edit("escape-control-char", start, "escaped raw control characters (line breaks, tabs) in a string");
  }

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
