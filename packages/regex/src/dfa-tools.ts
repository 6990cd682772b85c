/**
 * Running, measuring and sampling byte DFAs: whole-match tests, the shortest
 * distance to acceptance (for length-aware decoding), random accepted
 * strings (for tests), and the DFA read over code points (for grammar rules).
 * Where a text leaves a language: `@formwork/grammar`'s `checkText` (the engine).
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

/** Code points `lo..hi` that lead to state `target`. */
export type CodePointRun = [lo: number, hi: number, target: number];

function pushRun(out: CodePointRun[], lo: number, hi: number, target: number): void {
  const last = out[out.length - 1];
  if (last && last[1] + 1 === lo && last[2] === target) last[1] = hi;
  else out.push([lo, hi, target]);
}

/** Lead bytes of multi-byte UTF-8 sequences: first and last lead, continuation bytes, value bits of the lead, least and greatest value. */
const LEADS: readonly [from: number, to: number, n: number, mask: number, min: number, max: number][] = [
  [0xc2, 0xdf, 1, 0x1f, 0x80, 0x7ff],
  [0xe0, 0xef, 2, 0x0f, 0x800, 0xffff],
  [0xf0, 0xf4, 3, 0x07, 0x10000, 0x10ffff],
];

/** 2^(6n): the weight of a lead byte's value bits before `n` continuation bytes. */
const WEIGHT = [1, 64, 4096, 262144];

/** The runs of state `q` (see {@link codePointTransitions}); `memo` caches continuation-byte suffixes per (state, count). */
function stateRuns(dfa: ByteDfa, q: number, memo: Map<number, CodePointRun[]>): CodePointRun[] {
  const tr = dfa.transitions;
  const out: CodePointRun[] = [];
  for (let b = 0; b < 0x80; b++) {
    const t = tr[q * 256 + b];
    if (t >= 0) pushRun(out, b, b, t);
  }
  for (let l = 0; l < LEADS.length; l++) {
    const lead = LEADS[l];
    const n = lead[2], mask = lead[3], min = lead[4], max = lead[5];
    for (let b = lead[0]; b <= lead[1]; b++) {
      const t = tr[q * 256 + b];
      if (t < 0) continue;
      const base = (b & mask) * WEIGHT[n];
      const runs = suffixRuns(dfa, t, n, memo);
      for (let i = 0; i < runs.length; i++) {
        // Clip away overlong forms and values above U+10FFFF.
        const a = Math.max(base + runs[i][0], min);
        const z = Math.min(base + runs[i][1], max);
        if (a <= z) pushRun(out, a, z, runs[i][2]);
      }
    }
  }
  return out;
}

/** Runs over the value of `n` continuation bytes (6n bits) read from state `s`, memoized per (state, count). */
function suffixRuns(dfa: ByteDfa, s: number, n: number, memo: Map<number, CodePointRun[]>): CodePointRun[] {
  const key = s * 4 + n;
  const hit = memo.get(key);
  if (hit) return hit;
  const tr = dfa.transitions;
  const out: CodePointRun[] = [];
  const weight = WEIGHT[n - 1];
  for (let c = 0; c < 64; c++) {
    const t = tr[s * 256 + 0x80 + c];
    if (t < 0) continue;
    if (n === 1) pushRun(out, c, c, t);
    else {
      const runs = suffixRuns(dfa, t, n - 1, memo);
      for (let i = 0; i < runs.length; i++) pushRun(out, c * weight + runs[i][0], c * weight + runs[i][1], runs[i][2]);
    }
  }
  memo.set(key, out);
  return out;
}

/**
 * For each state, the code points it can read and the state each leads to,
 * as runs `[lo, hi, target]` sorted by `lo`: the DFA read over characters
 * instead of bytes (what a grammar rule per state needs).
 */
export function codePointTransitions(dfa: ByteDfa): readonly (readonly CodePointRun[])[] {
  const known = transitionsOf.get(dfa);
  if (known !== undefined) return known;
  const memo = new Map<number, CodePointRun[]>();
  const all: CodePointRun[][] = [];
  for (let q = 0; q < dfa.stateCount; q++) all.push(stateRuns(dfa, q, memo));
  transitionsOf.set(dfa, all);
  return all;
}

/** {@link codePointTransitions} by DFA object (DFAs are never mutated; the runs are shared, read-only). */
const transitionsOf = new WeakMap<ByteDfa, CodePointRun[][]>();
