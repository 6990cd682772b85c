/**
 * Expands a character DFA into a deterministic automaton over UTF-8 bytes.
 * Every character DFA state becomes a byte state; the multi-byte encodings
 * of its outgoing characters become a tree of intermediate (non-accepting)
 * byte states, shared between states when their continuations are equal.
 *
 * In legacy (UTF-16) mode a supplementary character is the pair of its
 * surrogate code units, so its target is found by taking the high surrogate's
 * transition and then the low surrogate's; the pair's code point is then
 * encoded as four UTF-8 bytes. Lone surrogates never occur in UTF-8 text, so
 * transitions on them alone are dropped: this is exact, not an approximation.
 */
import { normalizeRanges } from "./char-set.js";
import { type CharDfa, atomOf } from "./char-dfa.js";
import type { CharMode } from "./unicode-tables.js";
import { type ByteRange, utf8SequencesOfRanges } from "./utf8-ranges.js";
import { regexLimitError } from "./limit-advice.js";

/** A byte DFA before minimisation: state 0 is the start; rows of 256 entries, `-1` for none. */
export interface RawByteDfa {
  readonly stateCount: number;
  readonly transitions: Int32Array;
  readonly accepting: Uint8Array;
}

interface Entry {
  readonly seq: readonly ByteRange[];
  readonly pos: number;
  readonly target: number;
}

/** Builds the byte automaton of `dfa`; throws `LimitError` `regex-dfa-limit` past `maxStates`. */
export function expandToBytes(dfa: CharDfa, mode: CharMode, maxStates: number): RawByteDfa {
  if (dfa.stateCount === 0) return { stateCount: 0, transitions: new Int32Array(0), accepting: new Uint8Array(0) };
  const A = dfa.atomCount;
  const rows: Int32Array[] = [];
  const accepting: number[] = [];
  const byteOfChar = new Int32Array(dfa.stateCount).fill(-1);
  const queue: number[] = [];
  const intermediate = new Map<string, number>();

  const newState = (acc: number): number => {
    if (rows.length >= maxStates) {
      throw regexLimitError("maxDfaStates", maxStates, `The regex needs more than ${maxStates} byte-level DFA states, past the limit maxRegexDfaStates = ${maxStates}`, "simplify the pattern (large Unicode classes under counted repetition cost many byte states)");
    }
    rows.push(new Int32Array(256).fill(-1));
    accepting.push(acc);
    return rows.length - 1;
  };
  const charState = (c: number): number => {
    if (byteOfChar[c] < 0) {
      byteOfChar[c] = newState(dfa.accepting[c]);
      queue.push(c);
    }
    return byteOfChar[c];
  };

  // Runs of the high- and low-surrogate blocks by atom, for legacy mode.
  const pieces = (lo: number, hi: number): number[] => {
    const out: number[] = [];
    for (let c = lo; c <= hi; ) {
      const a = atomOf(dfa, c);
      let e = c;
      while (e + 1 <= hi && atomOf(dfa, e + 1) === a) e++;
      out.push(c, e, a);
      c = e + 1;
    }
    return out;
  };
  const highPieces = mode === "legacy" ? pieces(0xd800, 0xdbff) : [];
  const lowPieces = mode === "legacy" ? pieces(0xdc00, 0xdfff) : [];

  const fill = (row: Int32Array, entries: readonly Entry[]): void => {
    // Elementary byte intervals between the entries' range boundaries.
    const cuts = new Set<number>();
    for (const en of entries) {
      cuts.add(en.seq[en.pos][0]);
      cuts.add(en.seq[en.pos][1] + 1);
    }
    const points = [...cuts].sort((a, b) => a - b);
    const sorted = [...entries].sort((a, b) => a.seq[a.pos][0] - b.seq[b.pos][0]);
    let next = 0;
    let active: Entry[] = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const lo = points[i];
      const hi = points[i + 1] - 1;
      while (next < sorted.length && sorted[next].seq[sorted[next].pos][0] <= lo) active.push(sorted[next++]);
      active = active.filter((en) => en.seq[en.pos][1] >= lo);
      if (active.length === 0) continue;
      let target: number;
      if (active[0].pos === active[0].seq.length - 1) {
        // One character ends here; the character DFA is deterministic, so one target.
        target = charState(active[0].target);
      } else {
        const key = active.map(keyOf).sort().join("|");
        let id = intermediate.get(key);
        if (id === undefined) {
          id = newState(0);
          intermediate.set(key, id);
          fill(rows[id], active.map((en) => ({ seq: en.seq, pos: en.pos + 1, target: en.target })));
        }
        target = id;
      }
      row.fill(target, lo, hi + 1);
    }
  };
  const keyOf = (en: Entry): string => {
    let k = "";
    for (let i = en.pos + 1; i < en.seq.length; i++) k += `${en.seq[i][0]}-${en.seq[i][1]},`;
    return `${k}>${en.target}`;
  };

  charState(0);
  while (queue.length > 0) {
    const c = queue.shift()!;
    const byTarget = new Map<number, number[]>();
    const push = (t: number, lo: number, hi: number) => {
      let l = byTarget.get(t);
      if (!l) byTarget.set(t, (l = []));
      l.push(lo, hi);
    };
    for (let a = 0; a < A; a++) {
      const t = dfa.transitions[c * A + a];
      if (t < 0) continue;
      const r = dfa.atomRanges[a];
      for (let i = 0; i < r.length; i += 2) push(t, r[i], r[i + 1]);
    }
    if (mode === "legacy") {
      // Astral code point of (h, l): 0x10000 + (h - 0xd800) * 0x400 + (l - 0xdc00).
      const cpOf = (h: number, l: number) => 0x10000 + (h - 0xd800) * 0x400 + (l - 0xdc00);
      for (let j = 0; j < highPieces.length; j += 3) {
        const t1 = dfa.transitions[c * A + highPieces[j + 2]];
        if (t1 < 0) continue;
        const [h0, h1] = [highPieces[j], highPieces[j + 1]];
        for (let i = 0; i < lowPieces.length; i += 3) {
          const t2 = dfa.transitions[t1 * A + lowPieces[i + 2]];
          if (t2 < 0) continue;
          if (lowPieces[i] === 0xdc00 && lowPieces[i + 1] === 0xdfff) push(t2, cpOf(h0, 0xdc00), cpOf(h1, 0xdfff));
          else for (let h = h0; h <= h1; h++) push(t2, cpOf(h, lowPieces[i]), cpOf(h, lowPieces[i + 1]));
        }
      }
    }
    const entries: Entry[] = [];
    for (const [t, flat] of byTarget) {
      for (const seq of utf8SequencesOfRanges(normalizeRanges(flat))) entries.push({ seq, pos: 0, target: t });
    }
    fill(rows[byteOfChar[c]], entries);
  }
  const transitions = new Int32Array(rows.length * 256);
  rows.forEach((r, i) => transitions.set(r, i * 256));
  return { stateCount: rows.length, transitions, accepting: Uint8Array.from(accepting) };
}
