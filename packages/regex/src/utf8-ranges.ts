/**
 * Code point ranges → UTF-8 byte-range sequences.
 *
 * A set of characters becomes a union of sequences of byte ranges, each
 * sequence 1–4 ranges long, such that a byte string matches one of the
 * sequences exactly when it is the UTF-8 encoding of a character in the set.
 * This is how character classes become byte automata.
 */

/** One byte position of a sequence: bytes `lo..hi` inclusive. */
export type ByteRange = readonly [lo: number, hi: number];

/** Byte-range sequences for the inclusive code point range `[lo, hi]` (surrogates removed). */
export function utf8Sequences(lo: number, hi: number): ByteRange[][] {
  const out: ByteRange[][] = [];
  if (lo > hi) return out;
  // Surrogates have no UTF-8 encoding.
  if (lo <= 0xdfff && hi >= 0xd800) {
    if (lo < 0xd800) split(lo, 0xd7ff, out);
    if (hi > 0xdfff) split(0xe000, hi, out);
    return out;
  }
  split(lo, hi, out);
  return out;
}

/** Byte-range sequences for flat inclusive ranges `[lo0, hi0, lo1, hi1, ...]`. */
export function utf8SequencesOfRanges(flat: readonly number[]): ByteRange[][] {
  const out: ByteRange[][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push(...utf8Sequences(flat[i], flat[i + 1]));
  return out;
}

/** Encoded length of a code point. */
export function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** UTF-8 bytes of one code point. */
export function encodeCodePoint(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

const LENGTH_LIMITS = [0x7f, 0x7ff, 0xffff, 0x10ffff];

function split(lo: number, hi: number, out: ByteRange[][]): void {
  // First cut at encoded-length boundaries.
  for (let i = 0; i < LENGTH_LIMITS.length; i++) {
    const max = LENGTH_LIMITS[i];
    const min = i === 0 ? 0 : LENGTH_LIMITS[i - 1] + 1;
    if (lo <= max && hi >= min) sameLength(Math.max(lo, min), Math.min(hi, max), out);
  }
}

/**
 * `lo` and `hi` encode to the same length. Splits until every byte position
 * is a full range: at each continuation level, a range that does not cover
 * whole 64-value blocks is cut at block boundaries.
 */
function sameLength(lo: number, hi: number, out: ByteRange[][]): void {
  const n = utf8Length(lo);
  if (n === 1) {
    out.push([[lo, hi]]);
    return;
  }
  for (let i = 1; i < n; i++) {
    const m = (1 << (6 * i)) - 1; // low bits below continuation level i
    if ((lo & ~m) !== (hi & ~m)) {
      if ((lo & m) !== 0) {
        sameLength(lo, lo | m, out);
        sameLength((lo | m) + 1, hi, out);
        return;
      }
      if ((hi & m) !== m) {
        sameLength(lo, (hi & ~m) - 1, out);
        sameLength(hi & ~m, hi, out);
        return;
      }
    }
  }
  const a = encodeCodePoint(lo);
  const b = encodeCodePoint(hi);
  const seq: ByteRange[] = [];
  for (let i = 0; i < n; i++) seq.push([a[i], b[i]]);
  out.push(seq);
}
