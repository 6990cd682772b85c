/**
 * Strict UTF-8 decoding for the reference recognizer: overlong forms,
 * surrogates, values above U+10FFFF and stray continuation bytes are errors,
 * and a truncated last character is reported as the range of code points it
 * could still become.
 */

/** The result of {@link decodeUtf8Strict}. */
export interface DecodedUtf8 {
  /** The complete code points. */
  codePoints: number[];
  /** The byte offset of each code point, plus the offset after the last one. */
  offsets: number[];
  /** The byte offset of the first invalid byte, or -1. */
  errorAt: number;
  /**
   * When the bytes end inside a character (and are valid so far): the
   * inclusive range of code points that the character can still become
   * (surrogates excluded by the caller's terminals, which never hold them).
   */
  partial?: { lo: number; hi: number; at: number };
}

const MIN = [0, 0, 0x80, 0x800, 0x10000];
const MAX = [0, 0x7f, 0x7ff, 0xffff, 0x10ffff];

function seqLength(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/**
 * The range of code points that a character starting with `bytes[at..at+n)`
 * (fewer bytes than its length `len`) can become, or undefined when no valid
 * character starts with those bytes.
 */
function partialRange(bytes: Uint8Array, at: number, n: number, len: number): { lo: number; hi: number } | undefined {
  let v = bytes[at] & (0xff >> (len + 1));
  for (let i = 1; i < n; i++) {
    const c = bytes[at + i];
    if ((c & 0xc0) !== 0x80) return undefined;
    v = (v << 6) | (c & 0x3f);
  }
  const rest = 6 * (len - n);
  let lo = Math.max(v * 2 ** rest, MIN[len]);
  let hi = Math.min(v * 2 ** rest + 2 ** rest - 1, MAX[len]);
  // Surrogates are not characters: shrink the range away from them where it lies inside.
  if (lo >= 0xd800 && hi <= 0xdfff) return undefined;
  if (lo >= 0xd800 && lo <= 0xdfff) lo = 0xe000;
  if (hi >= 0xd800 && hi <= 0xdfff) hi = 0xd7ff;
  return lo <= hi ? { lo, hi } : undefined;
}

/** Decodes `bytes` strictly; see {@link DecodedUtf8}. */
export function decodeUtf8Strict(bytes: Uint8Array): DecodedUtf8 {
  const codePoints: number[] = [];
  const offsets: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const len = seqLength(bytes[i]);
    if (len === 0) return { codePoints, offsets: [...offsets, i], errorAt: i };
    if (i + len > bytes.length) {
      const r = partialRange(bytes, i, bytes.length - i, len);
      if (!r) return { codePoints, offsets: [...offsets, i], errorAt: i };
      return { codePoints, offsets: [...offsets, i], errorAt: -1, partial: { ...r, at: i } };
    }
    let v = len === 1 ? bytes[i] : bytes[i] & (0xff >> (len + 1));
    for (let j = 1; j < len; j++) {
      const c = bytes[i + j];
      if ((c & 0xc0) !== 0x80) return { codePoints, offsets: [...offsets, i], errorAt: i };
      v = (v << 6) | (c & 0x3f);
    }
    if (v < MIN[len] || v > MAX[len] || (v >= 0xd800 && v <= 0xdfff)) return { codePoints, offsets: [...offsets, i], errorAt: i };
    codePoints.push(v);
    offsets.push(i);
    i += len;
  }
  offsets.push(i);
  return { codePoints, offsets, errorAt: -1 };
}
