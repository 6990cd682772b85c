/**
 * Subset construction from a character NFA to a DFA over "atoms": the
 * coarsest partition of the character alphabet such that every character
 * set on an NFA edge is a union of atoms. `^` edges are followed only from
 * the start state; `$` edges only when deciding acceptance.
 */
import type { CharNfa } from "./char-nfa.js";
import { regexLimitError } from "./limit-advice.js";

/** Bound on the NFA positions tracked by all subsets together, per allowed DFA state (keeps subset construction bounded in time and memory). */
export const SUBSET_WORK_PER_STATE = 1_000;

/** A DFA over atoms. State 0 is the start; transitions are `-1` where no NFA path continues. */
export interface CharDfa {
  readonly stateCount: number;
  readonly atomCount: number;
  /** `transitions[state * atomCount + atom]`. */
  readonly transitions: Int32Array;
  readonly accepting: Uint8Array;
  /** Flat ranges of each atom. */
  readonly atomRanges: readonly (readonly number[])[];
  /** Sorted boundaries and atom ids: characters in `[bounds[i], bounds[i+1])` belong to `boundAtoms[i]`. */
  readonly bounds: Int32Array;
  readonly boundAtoms: Int32Array;
}

/** Finds the atom of a character (binary search over the boundaries). */
export function atomOf(dfa: CharDfa, c: number): number {
  const b = dfa.bounds;
  let lo = 0;
  let hi = b.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (b[mid] <= c) lo = mid;
    else hi = mid - 1;
  }
  return dfa.boundAtoms[lo];
}

interface Atoms {
  count: number;
  ranges: number[][];
  bounds: Int32Array;
  boundAtoms: Int32Array;
  /** Atoms of each interned set. */
  ofSet: number[][];
}

function computeAtoms(sets: readonly (readonly number[])[], maxChar: number): Atoms {
  // Sweep: +set at lo, -set at hi+1.
  const events = new Map<number, number[]>();
  const add = (at: number, v: number) => {
    let l = events.get(at);
    if (!l) events.set(at, (l = []));
    l.push(v);
  };
  add(0, -1);
  sets.forEach((s, id) => {
    for (let i = 0; i < s.length; i += 2) {
      add(s[i], id + 1);
      if (s[i + 1] + 1 <= maxChar) add(s[i + 1] + 1, -(id + 2));
    }
  });
  const points = [...events.keys()].sort((a, b) => a - b);
  const active = new Set<number>();
  const sigToAtom = new Map<string, number>();
  const ranges: number[][] = [];
  const ofSet: Set<number>[] = sets.map(() => new Set());
  const bounds: number[] = [];
  const boundAtoms: number[] = [];
  points.forEach((p, i) => {
    for (const v of events.get(p)!) {
      if (v > 0) active.add(v - 1);
      else if (v < -1) active.delete(-v - 2);
    }
    const end = i + 1 < points.length ? points[i + 1] - 1 : maxChar;
    const sig = [...active].sort((a, b) => a - b).join(",");
    let atom = sigToAtom.get(sig);
    if (atom === undefined) {
      atom = ranges.length;
      sigToAtom.set(sig, atom);
      ranges.push([]);
      for (const s of active) ofSet[s].add(atom);
    }
    const r = ranges[atom];
    if (r.length > 0 && r[r.length - 1] === p - 1) r[r.length - 1] = end;
    else r.push(p, end);
    bounds.push(p);
    boundAtoms.push(atom);
  });
  bounds.push(maxChar + 1);
  return {
    count: ranges.length,
    ranges,
    bounds: Int32Array.from(bounds),
    boundAtoms: Int32Array.from(boundAtoms),
    ofSet: ofSet.map((s) => [...s]),
  };
}

/**
 * Determinises `nfa` over the alphabet `[0, maxChar]`; throws `LimitError`
 * `regex-dfa-limit` past `maxDfaStates`. `universal`, when given, is an NFA
 * state whose language is every string (the `Σ*` tail of search mode): a
 * subset that contains it is collapsed to it, which is exact (the union's
 * language is everything) and keeps search-mode automata small.
 */
export function determinize(nfa: CharNfa, maxChar: number, maxDfaStates: number, universal = -1): CharDfa {
  const atoms = computeAtoms(nfa.sets, maxChar);
  const A = atoms.count;
  const mark = new Int32Array(nfa.stateCount).fill(-1);
  let stamp = 0;

  // Closure over ε (and ^ when atStart, $ when atEnd).
  const closure = (seeds: readonly number[], atStart: boolean, atEnd: boolean): number[] => {
    stamp++;
    const out: number[] = [];
    const stack = [...seeds];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (mark[s] === stamp) continue;
      mark[s] = stamp;
      out.push(s);
      for (const t of nfa.eps[s]) stack.push(t);
      if (atStart) for (const t of nfa.bol[s]) stack.push(t);
      if (atEnd) for (const t of nfa.eol[s]) stack.push(t);
    }
    return out;
  };

  const keys = new Map<string, number>();
  let work = 0;
  const hasEol = nfa.eol.some((targets) => targets.length > 0);
  const states: number[][] = []; // char-edge NFA states of each DFA state
  const accepting: number[] = [];
  const rows: Int32Array[] = [];

  const intern = (seeds: readonly number[], atStart: boolean): number => {
    let moving = closure(seeds, atStart, false);
    if (universal >= 0 && moving.includes(universal)) moving = [universal, nfa.final];
    const acc = (hasEol ? closure(moving, atStart, true) : moving).includes(nfa.final) ? 1 : 0;
    const core = moving.filter((s) => nfa.chars[s].length > 0).sort((a, b) => a - b);
    if (core.length === 0 && !acc) return -1;
    const key = `${atStart ? "S" : ""}${acc}:${core.join(",")}`;
    let id = keys.get(key);
    if (id === undefined) {
      id = states.length;
      if (id >= maxDfaStates) {
        throw regexLimitError("maxDfaStates", maxDfaStates, `The regex needs more than ${maxDfaStates} DFA states, past the limit maxRegexDfaStates = ${maxDfaStates}`, "simplify the pattern (patterns like (a|b)*a(a|b){20} need exponentially many states)");
      }
      work += core.length;
      if (work > maxDfaStates * SUBSET_WORK_PER_STATE) {
        throw regexLimitError("maxDfaStates", maxDfaStates, `The regex needs DFA states that track more than ${maxDfaStates * SUBSET_WORK_PER_STATE} NFA positions in all, past the limit maxRegexDfaStates = ${maxDfaStates} (× ${SUBSET_WORK_PER_STATE} positions)`, "shorten counted repetitions in search mode (each state tracks every position a match could be at)");
      }
      keys.set(key, id);
      states.push(core);
      accepting.push(acc);
    }
    return id;
  };

  intern([nfa.start], true);
  const buckets: number[][] = Array.from({ length: A }, () => []);
  for (let d = 0; d < states.length; d++) {
    const row = new Int32Array(A).fill(-1);
    const touched: number[] = [];
    for (const s of states[d]) {
      const edges = nfa.chars[s];
      for (let e = 0; e < edges.length; e += 2) {
        const target = edges[e + 1];
        for (const a of atoms.ofSet[edges[e]]) {
          if (buckets[a].length === 0) touched.push(a);
          buckets[a].push(target);
        }
      }
    }
    const memo = new Map<string, number>();
    for (const a of touched) {
      const seeds = [...new Set(buckets[a])].sort((x, y) => x - y);
      buckets[a] = [];
      const k = seeds.join(",");
      let t = memo.get(k);
      if (t === undefined) {
        t = intern(seeds, false);
        memo.set(k, t);
      }
      row[a] = t;
    }
    rows.push(row);
  }
  const transitions = new Int32Array(states.length * A);
  rows.forEach((r, i) => transitions.set(r, i * A));
  return {
    stateCount: states.length,
    atomCount: A,
    transitions,
    accepting: Uint8Array.from(accepting),
    atomRanges: atoms.ranges,
    bounds: atoms.bounds,
    boundAtoms: atoms.boundAtoms,
  };
}
