/**
 * Bytes to text for the repairers, with every invalid UTF-8 sequence logged:
 * `TextDecoder` (and `Buffer.toString`) silently replace each one with
 * U+FFFD; here each run of them is an `invalid-utf8` edit at its place in
 * the text. Sequences are cut as the WHATWG decoder cuts them (one U+FFFD
 * per maximal subpart), so the text is the same as `TextDecoder`'s.
 */
import type { EditLogMode, PendingEdit, RepairResult } from "./edit.js";
import { EditTally, finishResult } from "./edit-confidence.js";

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** The text of `input` (a string is returned as is), logging the invalid UTF-8 in `edits`. */
export function textOf(input: string | Uint8Array, edits: PendingEdit[]): string {
  if (typeof input === "string") return input;
  const parts: string[] = [];
  let length = 0; // UTF-16 length of the text so far
  let runStart = 0; // start of the current valid run
  let i = 0;
  const n = input.length;
  while (i < n) {
    const b = input[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = validSequenceLength(input, i);
    if (len > 0) {
      i += len;
      continue;
    }
    // A run of invalid sequences: flush the valid run before it, then one U+FFFD per maximal subpart.
    if (runStart < i) {
      const s = decoder.decode(input.subarray(runStart, i));
      parts.push(s);
      length += s.length;
    }
    const badStart = i;
    let replaced = 0;
    while (i < n && input[i] >= 0x80 && validSequenceLength(input, i) === 0) {
      i += maximalSubpart(input, i);
      replaced++;
    }
    parts.push("\uFFFD".repeat(replaced));
    const shown = Array.from(input.subarray(badStart, Math.min(i, badStart + 8)), (x) => `0x${x.toString(16).toUpperCase().padStart(2, "0")}`).join(" ");
    edits.push({
      kind: "invalid-utf8",
      offset: length,
      message: `${i - badStart} byte(s) at byte offset ${badStart} (${shown}${i - badStart > 8 ? " ..." : ""}) are not UTF-8; replaced with ${replaced} U+FFFD`,
    });
    length += replaced;
    runStart = i;
  }
  if (runStart < n) parts.push(decoder.decode(input.subarray(runStart)));
  return parts.join("");
}

/** The second byte's range after each lead byte (WHATWG's "UTF-8 lower/upper boundary"). */
function secondRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

/** Bytes a sequence starting with `lead` takes, or 0 for a byte that starts none. */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The length of the valid multi-byte sequence at `i`, or 0. */
function validSequenceLength(b: Uint8Array, i: number): number {
  const len = sequenceLength(b[i]);
  if (len === 0 || i + len > b.length) return 0;
  const [lo, hi] = secondRange(b[i]);
  if (b[i + 1] < lo || b[i + 1] > hi) return 0;
  for (let k = 2; k < len; k++) if (b[i + k] < 0x80 || b[i + k] > 0xbf) return 0;
  return len;
}

/** The bytes of the maximal subpart at `i` (an invalid sequence): the lead and the continuation bytes that still fit. */
function maximalSubpart(b: Uint8Array, i: number): number {
  const len = sequenceLength(b[i]);
  if (len === 0) return 1;
  const [lo, hi] = secondRange(b[i]);
  if (i + 1 >= b.length || b[i + 1] < lo || b[i + 1] > hi) return 1;
  let k = 2;
  while (k < len && i + k < b.length && b[i + k] >= 0x80 && b[i + k] <= 0xbf) k++;
  return k;
}

/**
 * Runs `repair` on the text of `input`; when `input` was bytes with invalid
 * UTF-8, its `invalid-utf8` edits come first in the result (and count in its
 * confidence and lossiness).
 */
export function repairDecoded<T, O extends { edits?: EditLogMode }>(input: string | Uint8Array, options: O, repair: (text: string, options: O) => RepairResult<T>): RepairResult<T> {
  const decoded: PendingEdit[] = [];
  const r = repair(textOf(input, decoded), options);
  if (options.edits === "count") {
    // The repairer counted as it went (JSON), or its log is counted now (YAML, CSV).
    const tally = r.editCounts !== undefined ? EditTally.of(r) : new EditTally().addAll(r.edits);
    return tally.finish({ ...r, edits: decoded });
  }
  return decoded.length === 0 ? r : finishResult({ ...r, edits: [...decoded, ...r.edits] });
}
