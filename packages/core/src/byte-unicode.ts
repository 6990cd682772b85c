/**
 * The GPT-2 byte ↔ unicode table used by byte-level BPE vocabularies (GPT-2,
 * Llama 3, Qwen, DeepSeek ...): every byte is written as one printable code
 * point so that token strings never hold raw control bytes or spaces.
 *
 * Definition: the printable Latin-1 bytes `!`..`~` (0x21–0x7E), `¡`..`¬`
 * (0xA1–0xAC) and `®`..`ÿ` (0xAE–0xFF) stand for themselves; the other 68
 * bytes, in ascending order, stand for U+0100, U+0101, ... (so 0x00 is
 * U+0100 `Ā`, 0x20 is U+0120 `Ġ`, 0x0A is U+010A `Ċ`).
 */

function isSelfMapped(b: number): boolean {
  return (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
}

/** `BYTE_TO_CODE_POINT[b]` is the code point that stands for byte `b`. */
export const BYTE_TO_CODE_POINT: Readonly<Uint16Array> = (() => {
  const table = new Uint16Array(256);
  let next = 0x100;
  for (let b = 0; b < 256; b++) table[b] = isSelfMapped(b) ? b : next++;
  return table;
})();

// Every mapped code point is below U+0144, so a flat table covers the inverse.
const CODE_POINT_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(0x144).fill(-1);
  for (let b = 0; b < 256; b++) table[BYTE_TO_CODE_POINT[b]] = b;
  return table;
})();

/** The byte that code point `cp` stands for in the GPT-2 table, or -1 if it stands for none. */
export function byteOfCodePoint(cp: number): number {
  return cp >= 0 && cp < CODE_POINT_TO_BYTE.length ? CODE_POINT_TO_BYTE[cp] : -1;
}

/** Encodes raw bytes as a byte-level token string (each byte → one code point). */
export function encodeByteLevel(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(BYTE_TO_CODE_POINT[bytes[i]]);
  return s;
}

let scratch = new Uint8Array(256);

/**
 * Decodes a byte-level token string to the bytes it stands for. A code point
 * outside the table (which a well-formed byte-level vocabulary never holds)
 * is kept as its own UTF-8 bytes, and `unmapped` counts how many there were.
 */
export function decodeByteLevel(text: string): { bytes: Uint8Array; unmapped: number } {
  if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
  const out = scratch;
  let n = 0;
  let unmapped = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const b = c < CODE_POINT_TO_BYTE.length ? CODE_POINT_TO_BYTE[c] : -1;
    if (b >= 0) {
      out[n++] = b;
      continue;
    }
    unmapped++;
    // Keep the character's UTF-8 bytes (surrogate pairs are joined).
    let cp = c;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    n += writeUtf8(cp, out, n);
  }
  return { bytes: out.slice(0, n), unmapped };
}

/** Writes `cp` as UTF-8 at `out[at]` (lone surrogates as U+FFFD); returns the byte count. */
function writeUtf8(cp: number, out: Uint8Array, at: number): number {
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
  if (cp < 0x80) {
    out[at] = cp;
    return 1;
  }
  if (cp < 0x800) {
    out[at] = 0xc0 | (cp >> 6);
    out[at + 1] = 0x80 | (cp & 0x3f);
    return 2;
  }
  if (cp < 0x10000) {
    out[at] = 0xe0 | (cp >> 12);
    out[at + 1] = 0x80 | ((cp >> 6) & 0x3f);
    out[at + 2] = 0x80 | (cp & 0x3f);
    return 3;
  }
  out[at] = 0xf0 | (cp >> 18);
  out[at + 1] = 0x80 | ((cp >> 12) & 0x3f);
  out[at + 2] = 0x80 | ((cp >> 6) & 0x3f);
  out[at + 3] = 0x80 | (cp & 0x3f);
  return 4;
}
