/**
 * Byte NFA → one DFA per called rule (subset construction), over byte
 * classes shared by the whole grammar. Call edges are letters of the
 * alphabet like bytes: a DFA state may call several rules, each with its own
 * return state.
 */
import { LimitError } from "@formwork/core";
import type { Nfa } from "./nfa.js";

/** Transition tables of all rule DFAs, states numbered globally. */
export interface DfaTables {
  stateCount: number;
  /** Byte → byte class. Classes are contiguous byte ranges, numbered in byte order. */
  classOf: Uint8Array;
  nClasses: number;
  /** Smallest byte of each class. */
  classLo: Uint8Array;
  /** Largest byte of each class. */
  classHi: Uint8Array;
  /** `trans[q * nClasses + c]`: next state, or -1. */
  trans: Int32Array;
  accepting: Uint8Array;
  /** Call edges of q: `callRule[k], callRet[k]` for `k` in `[callStart[q], callStart[q+1])`. */
  callStart: Int32Array;
  callRule: Int32Array;
  callRet: Int32Array;
  /** Rule of each state. */
  ruleOf: Int32Array;
  /** Start state of each rule. */
  ruleStart: Int32Array;
}

/** Determinises the NFA rule by rule. Throws `max-dfa-states` past the limit. */
export function determinize(nfa: Nfa, starts: number[], ends: number[], maxStates: number): DfaTables {
  // Byte classes from every edge boundary.
  const cut = new Uint8Array(257);
  cut[0] = 1;
  for (const edges of nfa.bytes) {
    for (let i = 0; i < edges.length; i += 3) {
      cut[edges[i]] = 1;
      cut[edges[i + 1] + 1] = 1;
    }
  }
  const classOf = new Uint8Array(256);
  const lo: number[] = [];
  const hi: number[] = [];
  let c = -1;
  for (let b = 0; b < 256; b++) {
    if (cut[b]) {
      c++;
      lo.push(b);
      hi.push(b);
    }
    classOf[b] = c;
    hi[c] = b;
  }
  const nClasses = c + 1;

  const rows: Int32Array[] = [];
  const accepting: number[] = [];
  const callRows: number[][] = [];
  const ruleOf: number[] = [];
  const ruleStart: number[] = [];

  const mark = new Int32Array(nfa.count).fill(-1);
  let stamp = 0;
  const closure = (seed: number[]): number[] => {
    stamp++;
    const out: number[] = [];
    const work = seed.slice();
    while (work.length > 0) {
      const s = work.pop()!;
      if (mark[s] === stamp) continue;
      mark[s] = stamp;
      out.push(s);
      for (const t of nfa.eps[s]) if (mark[t] !== stamp) work.push(t);
    }
    return out.sort((a, b) => a - b);
  };

  for (let r = 0; r < starts.length; r++) {
    const index = new Map<string, number>();
    const sets: number[][] = [];
    const intern = (set: number[]): number => {
      const key = set.join(",");
      let id = index.get(key);
      if (id === undefined) {
        id = rows.length;
        if (id >= maxStates) {
          throw new LimitError("max-dfa-states", `the grammar's automata need more than ${maxStates} states (limit maxDfaStates)`, {
            hint: "Simplify ambiguous repetitions, lower repetition counts, or raise maxDfaStates.",
          });
        }
        index.set(key, id);
        sets[id] = set;
        rows.push(new Int32Array(nClasses).fill(-1));
        accepting.push(set.includes(ends[r]) ? 1 : 0);
        callRows.push([]);
        ruleOf.push(r);
      }
      return id;
    };
    // Closures by target list: many states share the same class targets.
    const closed = new Map<string, number>();
    const first = intern(closure([starts[r]]));
    ruleStart.push(first);
    const queue = [first];
    const byClass: number[][] = Array.from({ length: nClasses }, () => []);
    for (let qi = 0; qi < queue.length; qi++) {
      const q = queue[qi];
      const set = sets[q];
      const touched: number[] = [];
      const calls = new Map<number, number[]>();
      for (const s of set) {
        const e = nfa.bytes[s];
        for (let i = 0; i < e.length; i += 3) {
          for (let k = classOf[e[i]]; k <= classOf[e[i + 1]]; k++) {
            if (byClass[k].length === 0) touched.push(k);
            byClass[k].push(e[i + 2]);
          }
        }
        const ce = nfa.calls[s];
        for (let i = 0; i < ce.length; i += 2) {
          let l = calls.get(ce[i]);
          if (!l) calls.set(ce[i], (l = []));
          l.push(ce[i + 1]);
        }
      }
      for (const k of touched) {
        const targets = byClass[k];
        byClass[k] = [];
        const key = targets.length === 1 ? `${targets[0]}` : targets.join(",");
        let t = closed.get(key);
        if (t === undefined) {
          const before = rows.length;
          t = intern(closure(targets));
          if (t >= before) queue.push(t);
          closed.set(key, t);
        }
        rows[q][k] = t;
      }
      for (const [rule, targets] of [...calls].sort((a, b) => a[0] - b[0])) {
        const before = rows.length;
        const t = intern(closure(targets));
        if (t >= before) queue.push(t);
        callRows[q].push(rule, t);
      }
    }
  }

  const n = rows.length;
  const trans = new Int32Array(n * nClasses);
  for (let q = 0; q < n; q++) trans.set(rows[q], q * nClasses);
  const callStart = new Int32Array(n + 1);
  for (let q = 0; q < n; q++) callStart[q + 1] = callStart[q] + callRows[q].length / 2;
  const callRule = new Int32Array(callStart[n]);
  const callRet = new Int32Array(callStart[n]);
  for (let q = 0; q < n; q++) {
    const row = callRows[q];
    for (let i = 0; i < row.length; i += 2) {
      callRule[callStart[q] + i / 2] = row[i];
      callRet[callStart[q] + i / 2] = row[i + 1];
    }
  }
  return {
    stateCount: n,
    classOf,
    nClasses,
    classLo: Uint8Array.from(lo),
    classHi: Uint8Array.from(hi),
    trans,
    accepting: Uint8Array.from(accepting),
    callStart,
    callRule,
    callRet,
    ruleOf: Int32Array.from(ruleOf),
    ruleStart: Int32Array.from(ruleStart),
  };
}
