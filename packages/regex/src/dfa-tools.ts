/**
 * Running, measuring and sampling byte DFAs: whole-match tests, the shortest
 * distance to acceptance (for length-aware decoding), random accepted
 * strings (for tests), and mismatch explanations (for `formwork check`).
 */
import type { Rng } from "@formwork/core";
import type { ByteDfa } from "./compile.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The state after reading `bytes` from `state` (default the start), or -1 when the bytes leave the automaton. */
export function runBytes(dfa: ByteDfa, bytes: ArrayLike<number>, state = 0): number {
  if (dfa.stateCount === 0) return -1;
  let s = state;
  for (let i = 0; i < bytes.length && s >= 0; i++) s = dfa.transitions[s * 256 + bytes[i]];
  return s;
}

/** Whether `bytes` is accepted as a whole by `dfa`. */
export function matchesBytes(dfa: ByteDfa, bytes: ArrayLike<number>): boolean {
  const s = runBytes(dfa, bytes);
  return s >= 0 && dfa.accepting[s] === 1;
}

/** Whether the UTF-8 encoding of `text` is accepted as a whole by `dfa`. */
export function matchesText(dfa: ByteDfa, text: string): boolean {
  return matchesBytes(dfa, encoder.encode(text));
}

const distanceCache = new WeakMap<ByteDfa, Int32Array>();

/**
 * For each state, the fewest bytes that lead from it to an accepting state
 * (0 for accepting states). Every state of a trimmed DFA has a finite
 * distance. Computed once per DFA by a backward breadth-first search, then cached.
 */
export function minBytesToAccept(dfa: ByteDfa): Int32Array {
  const cached = distanceCache.get(dfa);
  if (cached) return cached;
  const n = dfa.stateCount;
  // Reverse adjacency (deduplicated per source/target pair).
  const revCount = new Int32Array(n + 1);
  const pairs: number[] = [];
  for (let s = 0; s < n; s++) {
    let last = -2;
    const seen = new Set<number>();
    for (let b = 0; b < 256; b++) {
      const t = dfa.transitions[s * 256 + b];
      if (t < 0 || t === last || seen.has(t)) continue;
      last = t;
      seen.add(t);
      pairs.push(t, s);
      revCount[t + 1]++;
    }
  }
  for (let i = 1; i <= n; i++) revCount[i] += revCount[i - 1];
  const rev = new Int32Array(pairs.length / 2);
  const pos = revCount.slice(0, n);
  for (let i = 0; i < pairs.length; i += 2) rev[pos[pairs[i]]++] = pairs[i + 1];
  const dist = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  for (let s = 0; s < n; s++) if (dfa.accepting[s]) {
    dist[s] = 0;
    queue.push(s);
  }
  for (let q = 0; q < queue.length; q++) {
    const t = queue[q];
    for (let i = revCount[t]; i < revCount[t + 1]; i++) {
      const s = rev[i];
      if (dist[s] < 0) {
        dist[s] = dist[t] + 1;
        queue.push(s);
      }
    }
  }
  distanceCache.set(dfa, dist);
  return dist;
}

/** Options of {@link sampleMatch}. */
export interface SampleOptions {
  /** Probability of stopping at each accepting state. Default 0.2. */
  readonly stopProbability?: number;
  /** After this many bytes, take a shortest way to acceptance. Default 64. */
  readonly softMaxBytes?: number;
}

/**
 * A random string accepted by `dfa` (a random walk that stops at accepting
 * states with `stopProbability` and heads for acceptance by a shortest path
 * after `softMaxBytes`). Returns `undefined` when the language is empty.
 */
export function sampleMatch(dfa: ByteDfa, rng: Rng, options: SampleOptions = {}): string | undefined {
  if (dfa.stateCount === 0) return undefined;
  const stop = options.stopProbability ?? 0.2;
  const soft = options.softMaxBytes ?? 64;
  const dist = minBytesToAccept(dfa);
  const out: number[] = [];
  let s = 0;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
  for (;;) {
    if (dfa.accepting[s] && (out.length >= soft || rng.next() < stop)) break;
    const options: number[] = [];
    for (let b = 0; b < 256; b++) {
      const t = dfa.transitions[s * 256 + b];
      if (t >= 0 && (out.length < soft || dist[t] < dist[s])) options.push(b);
    }
    if (options.length === 0) break; // accepting with no continuation
    let b: number;
    if (rng.next() < 0.5) {
      b = pick(options);
    } else {
      // Uniform over distinct targets first, so rare branches get their turn.
      const targets = [...new Set(options.map((x) => dfa.transitions[s * 256 + x]))];
      const t = pick(targets);
      b = pick(options.filter((x) => dfa.transitions[s * 256 + x] === t));
    }
    out.push(b);
    s = dfa.transitions[s * 256 + b];
  }
  return decoder.decode(new Uint8Array(out));
}

/** The code points that can come next from `state` without leaving the automaton, as flat inclusive ranges. */
export function nextCodePoints(dfa: ByteDfa, state: number): number[] {
  const out: number[] = [];
  const add = (cp: number) => {
    const n = out.length;
    if (n > 0 && out[n - 1] === cp - 1) out[n - 1] = cp;
    else out.push(cp, cp);
  };
  const walk = (s: number, need: number, cp: number): void => {
    if (need === 0) {
      add(cp);
      return;
    }
    for (let b = 0x80; b <= 0xbf; b++) {
      const t = dfa.transitions[s * 256 + b];
      if (t >= 0) walk(t, need - 1, (cp << 6) | (b & 0x3f));
    }
  };
  for (let b = 0; b < 0xf5; b++) {
    const t = dfa.transitions[state * 256 + b];
    if (t < 0) continue;
    if (b < 0x80) add(b);
    else if (b >= 0xc2 && b < 0xe0) walk(t, 1, b & 0x1f);
    else if (b >= 0xe0 && b < 0xf0) walk(t, 2, b & 0x0f);
    else if (b >= 0xf0) walk(t, 3, b & 0x07);
  }
  return out;
}

function showCodePoint(cp: number): string {
  if (cp >= 0x21 && cp <= 0x7e) return JSON.stringify(String.fromCharCode(cp));
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** A short human description of flat code point ranges, e.g. `"0"-"9", "-"`. */
export function describeCodePoints(ranges: readonly number[], maxItems = 8): string {
  const parts: string[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    if (parts.length === maxItems) {
      parts.push("…");
      break;
    }
    const [lo, hi] = [ranges[i], ranges[i + 1]];
    parts.push(lo === hi ? showCodePoint(lo) : `${showCodePoint(lo)}-${showCodePoint(hi)}`);
  }
  return parts.join(", ");
}

/** The result of {@link checkText}. */
export type CheckResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** `"unexpected"`: the character at the offset cannot continue a match; `"incomplete"`: the text ends too early. */
      readonly reason: "unexpected" | "incomplete";
      /** Byte offset (UTF-8) of the first character that cannot be accepted, or the text's byte length. */
      readonly byteOffset: number;
      /** The same position as a UTF-16 offset into the text. */
      readonly charOffset: number;
      /** What could come next there, as flat code point ranges. */
      readonly expected: readonly number[];
      /** Whether the text could have ended there. */
      readonly endAllowed: boolean;
      /** A one-line explanation. */
      readonly message: string;
    };

/**
 * Checks `text` against `dfa` as a whole match and, when it fails, reports
 * the first character (byte and UTF-16 offsets) at which the text leaves the
 * automaton and what was expected there.
 */
export function checkText(dfa: ByteDfa, text: string): CheckResult {
  let s = dfa.stateCount === 0 ? -1 : 0;
  let byteOffset = 0;
  let charOffset = 0;
  for (const ch of text) {
    const bytes = encoder.encode(ch);
    let t = s;
    for (let i = 0; i < bytes.length && t >= 0; i++) t = dfa.transitions[t * 256 + bytes[i]];
    if (t < 0) {
      const expected = s >= 0 ? nextCodePoints(dfa, s) : [];
      const endAllowed = s >= 0 && dfa.accepting[s] === 1;
      const want = [expected.length > 0 ? describeCodePoints(expected) : "", endAllowed ? "end of text" : ""].filter(Boolean).join(" or ");
      return {
        ok: false,
        reason: "unexpected",
        byteOffset,
        charOffset,
        expected,
        endAllowed,
        message: `unexpected ${showCodePoint(ch.codePointAt(0)!)} at byte ${byteOffset} (character offset ${charOffset}); expected ${want || "nothing (the pattern matches no text)"}`,
      };
    }
    s = t;
    byteOffset += bytes.length;
    charOffset += ch.length;
  }
  if (s >= 0 && dfa.accepting[s]) return { ok: true };
  const expected = s >= 0 ? nextCodePoints(dfa, s) : [];
  return {
    ok: false,
    reason: "incomplete",
    byteOffset,
    charOffset,
    expected,
    endAllowed: false,
    message: `the text ends at byte ${byteOffset} but the pattern needs more; expected ${expected.length > 0 ? describeCodePoints(expected) : "nothing (the pattern matches no text)"}`,
  };
}
