/**
 * A whole JSON document written as the contents of a JSON string
 * (`{\"a\": \"b\",\n \"c\": 1}`: what a program prints when it serialises
 * JSON twice, or a model copies from a log). Recognised by a container
 * whose first key or item is an escaped quote, and unescaped once, with a
 * map from each character of the result back to its offset in the input.
 */
import { Ch, isWs } from "./json-chars.js";

/** The text unescaped once, and where each of its characters came from. */
export interface Unescaped {
  text: string;
  /** `offsets[i]` is the input offset of `text[i]`; `offsets[text.length]` is the input's length. */
  offsets: number[];
  /** Offset in the input of the container that showed the escaping. */
  start: number;
}

/**
 * Returns the text unescaped once when it holds an escaped document, else
 * undefined. Linear in the text's length.
 */
export function unescapeDocument(text: string): Unescaped | undefined {
  const start = escapedContainerAt(text);
  if (start < 0) return undefined;
  let out = "";
  const offsets: number[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c !== Ch.Backslash || i + 1 >= n) {
      out += text[i];
      offsets.push(i);
      continue;
    }
    const e = text[i + 1];
    let decoded: string | undefined;
    switch (e) {
      case '"':
      case "\\":
      case "/":
      case "'":
        decoded = e;
        break;
      case "n":
        decoded = "\n";
        break;
      case "r":
        decoded = "\r";
        break;
      case "t":
        decoded = "\t";
        break;
      case "u":
        if (/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          offsets.push(i);
          i += 5;
          continue;
        }
        break;
      default:
        break;
    }
    if (decoded === undefined) {
      out += text[i];
      offsets.push(i);
      continue;
    }
    out += decoded;
    offsets.push(i);
    i++;
  }
  offsets.push(n);
  return { text: out, offsets, start };
}

/**
 * The offset of the container that shows a document escaped once: the first
 * `{` or `[` followed (after whitespace, written raw or as `\n`, `\r`, `\t`
 * escapes) by an escaped quote `\"` with no plain `"` before it, or the
 * first `{` or `[` before the first `\"` when the text has no plain `"` at
 * all; else -1. Each whitespace run is skipped
 * once (after the bracket that precedes it), so this is linear.
 */
function escapedContainerAt(text: string): number {
  const n = text.length;
  // `\"hello\"`: a string at the top level, escaped.
  let first = 0;
  while (first < n && isWs(text.charCodeAt(first))) first++;
  if (text.charCodeAt(first) === Ch.Backslash && text.charCodeAt(first + 1) === Ch.Quote) return first;
  let firstOpener = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.Backslash && text.charCodeAt(i + 1) === Ch.Quote) {
      // `[null, \"x\"]`: the first quote of the text is escaped; a container opened before it.
      return firstOpener >= 0 && !hasPlainQuote(text, i) ? firstOpener : -1;
    }
    if (c === Ch.Backslash) {
      i++;
      continue;
    }
    if (c === Ch.Quote) return -1;
    if (c !== Ch.OpenBrace && c !== Ch.OpenBracket) continue;
    if (firstOpener < 0) firstOpener = i;
    let j = i + 1;
    for (;;) {
      const d = text.charCodeAt(j);
      if (isWs(d)) j++;
      else if (d === Ch.Backslash && /[nrt]/.test(text[j + 1] ?? "")) j += 2;
      else break;
    }
    if (text.charCodeAt(j) === Ch.Backslash && text.charCodeAt(j + 1) === Ch.Quote) return i;
    if (j > i + 1) i = j - 1;
    // `[{\"a\": 1}]`: the nested container is looked at next; anything else: scan on.
    if (text.charCodeAt(j) === Ch.OpenBrace || text.charCodeAt(j) === Ch.OpenBracket) i = j - 1;
  }
  return -1;
}

/** True when a `"` not preceded by a backslash occurs at or after `from`. */
function hasPlainQuote(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.Backslash) i++;
    else if (c === Ch.Quote) return true;
  }
  return false;
}
