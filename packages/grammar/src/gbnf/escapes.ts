/**
 * Decoding of GBNF string literals and character classes, with llama.cpp's
 * escapes: `\xHH` (exactly 2 hex digits), `\uHHHH` (4), `\UHHHHHHHH` (8),
 * `\t`, `\r`, `\n`, `\\`, `\"`, `\[`, `\]`, `\-`. Anything else after a
 * backslash is an error (llama.cpp: "unknown escape").
 */
import type { ClassNode } from "../ir.js";
import { normalizeRanges } from "../ir.js";
import { sourceError } from "./source-error.js";

const SIMPLE: Record<string, number> = { t: 9, r: 13, n: 10, "\\": 0x5c, '"': 0x22, "[": 0x5b, "]": 0x5d, "-": 0x2d };
const HEX_LEN: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Reads one (possibly escaped) character of `body` at `i`; `base` is the body's offset in `source`. */
function readChar(body: string, i: number, source: string, base: number, allowSurrogate: boolean): { cp: number; next: number } {
  if (body[i] !== "\\") {
    const cp = body.codePointAt(i)!;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      throw sourceError("gbnf-bad-character", "the grammar text contains a lone UTF-16 surrogate", source, base + i, base + i + 1, "Grammar text must be well-formed Unicode.");
    }
    return { cp, next: i + (cp > 0xffff ? 2 : 1) };
  }
  const e = body[i + 1];
  if (e !== undefined && e in SIMPLE) return { cp: SIMPLE[e], next: i + 2 };
  const n = e === undefined ? undefined : HEX_LEN[e];
  if (n === undefined) {
    const shown = e === undefined ? "\\" : `\\${e}`;
    throw sourceError("gbnf-bad-escape", `unknown escape "${shown}"`, source, base + i, base + i + 2,
      'The escapes are \\xHH, \\uHHHH, \\UHHHHHHHH, \\t, \\r, \\n, \\\\, \\", \\[, \\] and \\-; write other characters as themselves or with \\x/\\u.');
  }
  const hex = body.slice(i + 2, i + 2 + n);
  if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw sourceError("gbnf-bad-escape", `"\\${e}" must be followed by exactly ${n} hexadecimal digits`, source, base + i, base + i + 2 + hex.length,
      `For example \\${e}${"0".repeat(n - 2)}41 is "A".`);
  }
  const cp = parseInt(hex, 16);
  if (cp > 0x10ffff || (!allowSurrogate && cp >= 0xd800 && cp <= 0xdfff)) {
    throw sourceError("gbnf-bad-escape", `"\\${e}${hex}" is not a Unicode scalar value`, source, base + i, base + i + 2 + n,
      "Characters are U+0000..U+10FFFF without the surrogates U+D800..U+DFFF (they have no UTF-8 encoding).");
  }
  return { cp, next: i + 2 + n };
}

/** The string a literal token (with its quotes) denotes. `offset` is the token's start in `source`. */
export function decodeLiteral(image: string, source: string, offset: number): string {
  const body = image.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; ) {
    const { cp, next } = readChar(body, i, source, offset + 1, false);
    out += String.fromCodePoint(cp);
    i = next;
  }
  return out;
}

/**
 * The class a character-class token (with its brackets) denotes. As in
 * llama.cpp, `a-b` is a range unless the `-` is followed by the closing
 * bracket, and a `-` anywhere else is a literal dash.
 */
export function decodeClass(image: string, source: string, offset: number): ClassNode {
  let body = image.slice(1, -1);
  let base = offset + 1;
  let negated = false;
  if (body.startsWith("^")) {
    negated = true;
    body = body.slice(1);
    base++;
  }
  const flat: number[] = [];
  for (let i = 0; i < body.length; ) {
    const start = i;
    const lo = readChar(body, i, source, base, true);
    i = lo.next;
    if (body[i] === "-" && i + 1 < body.length) {
      const hi = readChar(body, i + 1, source, base, true);
      if (hi.cp < lo.cp) {
        throw sourceError("gbnf-bad-class-range", `the range ${body.slice(start, hi.next)} is reversed (U+${hex(lo.cp)} > U+${hex(hi.cp)})`, source, base + start, base + hi.next,
          "Write the smaller character first, e.g. [a-z].");
      }
      flat.push(lo.cp, hi.cp);
      i = hi.next;
    } else {
      if (lo.cp >= 0xd800 && lo.cp <= 0xdfff) {
        throw sourceError("gbnf-bad-escape", `U+${hex(lo.cp)} is a surrogate, not a character`, source, base + start, base + i,
          "Surrogates have no UTF-8 encoding; use them only as ends of a range.");
      }
      flat.push(lo.cp, lo.cp);
    }
  }
  return { type: "class", ranges: normalizeRanges(flat), negated };
}

function hex(cp: number): string {
  return cp.toString(16).toUpperCase().padStart(4, "0");
}
