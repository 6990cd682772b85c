/**
 * Minimisation of byte DFAs: byte equivalence classes, Hopcroft's partition
 * refinement, then removal of dead states (those that cannot reach
 * acceptance) and renumbering in breadth-first order from the start (0).
 */
import type { RawByteDfa } from "./byte-expand.js";

/** Bytes that every state treats alike share a class. */
export interface ByteClasses {
  /** `classOf[byte]`, numbered by first occurrence from byte 0. */
  readonly classOf: Uint8Array;
  readonly count: number;
  /** One byte of each class. */
  readonly representative: Uint8Array;
}

/** Partitions the 256 bytes into classes on which all states of `dfa` agree. */
export function byteClasses(dfa: { stateCount: number; transitions: Int32Array }): ByteClasses {
  let cls = new Int32Array(256); // all in class 0
  let classCount = 1;
  const next = new Int32Array(256);
  const seenAt = new Int32Array(256); // state + 1 when the class was first met in this state's row
  const firstTarget = new Int32Array(256);
  const firstId = new Int32Array(256);
  for (let s = 0; s < dfa.stateCount; s++) {
    const base = s * 256;
    let ids = 0;
    let extra: Map<number, number> | null = null;
    for (let b = 0; b < 256; b++) {
      const c = cls[b];
      const t = dfa.transitions[base + b];
      if (seenAt[c] !== s + 1) {
        seenAt[c] = s + 1;
        firstTarget[c] = t;
        firstId[c] = ids++;
        next[b] = firstId[c];
      } else if (firstTarget[c] === t) {
        next[b] = firstId[c];
      } else {
        // This state splits class c (rare): number the (class, target) pair.
        extra ??= new Map();
        const key = c * (dfa.stateCount + 1) + t + 1;
        let id = extra.get(key);
        if (id === undefined) extra.set(key, (id = ids++));
        next[b] = id;
      }
    }
    if (ids > classCount) {
      cls = next.slice();
      classCount = ids;
    }
  }
  // Renumber by first occurrence.
  const renum = new Map<number, number>();
  const classOf = new Uint8Array(256);
  const reps: number[] = [];
  for (let b = 0; b < 256; b++) {
    let id = renum.get(cls[b]);
    if (id === undefined) {
      renum.set(cls[b], (id = renum.size));
      reps.push(b);
    }
    classOf[b] = id;
  }
  return { classOf, count: renum.size, representative: Uint8Array.from(reps) };
}

/** A partition of states into classes of equivalent states (Myhill–Nerode). */
export interface StatePartition {
  /** `blockOf[state]` for states `0..n` (state `n` is the added sink). */
  readonly blockOf: Int32Array;
  /** The block of the sink: every dead state (no way to acceptance) is in it. */
  readonly deadBlock: number;
}

/**
 * Hopcroft's algorithm over a DFA with `n` states and `k` symbols,
 * `delta[s * k + c]` = target or -1. A sink (state `n`) completes the
 * automaton. O(n·k·log n).
 */
export function hopcroft(n: number, k: number, delta0: Int32Array, accepting: Uint8Array): StatePartition {
  const N = n + 1; // state n is the sink
  const sink = n;
  const delta = new Int32Array(N * k);
  for (let i = 0; i < n * k; i++) delta[i] = delta0[i] < 0 ? sink : delta0[i];
  for (let c = 0; c < k; c++) delta[sink * k + c] = sink;

  // Inverse transitions in CSR form per symbol: preds of (c, t).
  const predCount = new Int32Array(k * N + 1);
  for (let s = 0; s < N; s++) for (let c = 0; c < k; c++) predCount[c * N + delta[s * k + c] + 1]++;
  for (let i = 1; i < predCount.length; i++) predCount[i] += predCount[i - 1];
  const predStart = predCount;
  const preds = new Int32Array(N * k);
  const fillPos = predStart.slice(0, k * N);
  for (let s = 0; s < N; s++) for (let c = 0; c < k; c++) preds[fillPos[c * N + delta[s * k + c]]++] = s;

  // Partition: elems grouped by block; block b occupies [first[b], end[b]).
  const elems = new Int32Array(N);
  const loc = new Int32Array(N);
  const blockOf = new Int32Array(N);
  const first: number[] = [];
  const end: number[] = [];
  const marked: number[] = [];
  {
    let p = 0;
    for (const want of [1, 0]) {
      const startP = p;
      for (let s = 0; s < N; s++) {
        const acc = s < n ? accepting[s] : 0;
        if (acc === want) {
          elems[p] = s;
          loc[s] = p;
          p++;
        }
      }
      if (p > startP) {
        const b = first.length;
        first.push(startP);
        end.push(p);
        marked.push(0);
        for (let i = startP; i < p; i++) blockOf[elems[i]] = b;
      }
    }
  }
  const inWork: boolean[] = first.map(() => true);
  const work: number[] = first.map((_, i) => i);
  const touched: number[] = [];
  while (work.length > 0) {
    const a = work.pop()!;
    inWork[a] = false;
    const splitter = Array.from(elems.subarray(first[a], end[a]));
    for (let c = 0; c < k; c++) {
      for (const t of splitter) {
        for (let i = predStart[c * N + t]; i < predStart[c * N + t + 1]; i++) {
          const p = preds[i];
          const b = blockOf[p];
          const pos = loc[p];
          const m = first[b] + marked[b];
          if (pos < m) continue; // already marked
          if (marked[b] === 0) touched.push(b);
          // Swap p into the marked prefix.
          const other = elems[m];
          elems[m] = p;
          loc[p] = m;
          elems[pos] = other;
          loc[other] = pos;
          marked[b]++;
        }
      }
      for (const b of touched) {
        const size = end[b] - first[b];
        const mk = marked[b];
        marked[b] = 0;
        if (mk === size) continue;
        // New block z takes the marked prefix.
        const z = first.length;
        first.push(first[b]);
        end.push(first[b] + mk);
        marked.push(0);
        first[b] += mk;
        for (let i = first[z]; i < end[z]; i++) blockOf[elems[i]] = z;
        if (inWork[b]) {
          inWork.push(true);
          work.push(z);
        } else if (mk <= size - mk) {
          inWork.push(true);
          work.push(z);
        } else {
          inWork.push(false);
          inWork[b] = true;
          work.push(b);
        }
      }
      touched.length = 0;
    }
  }

  return { blockOf, deadBlock: blockOf[sink] };
}

/**
 * The minimal trimmed DFA for the same language; `stateCount` is 0 when the language is empty.
 * A caller that already has the transitions per byte class (`classed`: `k` classes, `delta[s * k
 * + c]`, each class a set of bytes every state treats alike, not necessarily the coarsest) passes
 * them, and the classes are not computed again; the result is the same.
 */
export function minimizeDfa(dfa: RawByteDfa, classed?: { k: number; delta: Int32Array }): RawByteDfa {
  const n = dfa.stateCount;
  if (n === 0) return dfa;
  let k: number, delta: Int32Array;
  if (classed) {
    ({ k, delta } = classed);
  } else {
    const { count, representative } = byteClasses(dfa);
    k = count;
    delta = new Int32Array(n * k);
    for (let s = 0; s < n; s++) for (let c = 0; c < k; c++) delta[s * k + c] = dfa.transitions[s * 256 + representative[c]];
  }
  const q = quotient(n, 256, dfa.transitions, dfa.accepting, hopcroft(n, k, delta, dfa.accepting));
  return { stateCount: q.stateCount, transitions: q.transitions, accepting: q.accepting };
}

/**
 * The quotient of a DFA (`k` symbols, `delta[s * k + c]`) by a partition:
 * dead block removed, states renumbered breadth-first from the start (0).
 */
export function quotient(
  n: number,
  k: number,
  delta: Int32Array,
  accepting: Uint8Array,
  partition: StatePartition,
): { stateCount: number; transitions: Int32Array; accepting: Uint8Array } {
  const { blockOf, deadBlock: dead } = partition;
  if (n === 0 || blockOf[0] === dead) return { stateCount: 0, transitions: new Int32Array(0), accepting: new Uint8Array(0) };
  let blockCount = 0;
  for (const b of blockOf) if (b >= blockCount) blockCount = b + 1;
  const newId = new Int32Array(blockCount).fill(-1);
  const order: number[] = []; // representative original state of each new state
  newId[blockOf[0]] = 0;
  order.push(0);
  for (let i = 0; i < order.length; i++) {
    const s = order[i];
    for (let c = 0; c < k; c++) {
      const t = delta[s * k + c];
      if (t < 0) continue;
      const b = blockOf[t];
      if (b !== dead && newId[b] < 0) {
        newId[b] = order.length;
        order.push(t);
      }
    }
  }
  const m = order.length;
  const transitions = new Int32Array(m * k);
  const acc = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    const s = order[i];
    acc[i] = accepting[s];
    for (let c = 0; c < k; c++) {
      const t = delta[s * k + c];
      transitions[i * k + c] = t < 0 || blockOf[t] === dead ? -1 : newId[blockOf[t]];
    }
  }
  return { stateCount: m, transitions, accepting: acc };
}
