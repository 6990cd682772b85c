/**
 * Byte NFA → one DFA per called rule (subset construction), over byte
 * classes shared by the whole grammar. Call edges are letters of the
 * alphabet like bytes: a DFA state may call several rules, each with its own
 * return state.
 *
 * A DFA state is identified by the *important* NFA states of its closure
 * (those with a byte or call edge, and rule ends): the epsilon-only states
 * of the Thompson construction decide nothing, and leaving them out keeps
 * the sets short. Sets live in one typed-array arena and are interned by
 * hash; target lists of a class (what a state reads on it, before the
 * closure) are memoised too, so that equal moves are closed only once.
 */
import { LimitError } from "@formwork/core";
import { dedupSorted, grownI32, grownU8, hashList, ListTable, sortPrefix } from "./int-lists.js";
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
  /**
   * The transitions of `trans` again, sparse: run k of state q (k in
   * `[runStart[q], runStart[q+1])`, in class order) sends classes
   * `runLo[k]..runHi[k]` to `runTo[k]`; classes in no run have no transition.
   */
  runStart: Int32Array;
  runLo: Uint8Array;
  runHi: Uint8Array;
  runTo: Int32Array;
}

/** The runs of a dense transition table (see `DfaTables.runStart`). */
export function runsOf(trans: Int32Array, n: number, nc: number): Pick<DfaTables, "runStart" | "runLo" | "runHi" | "runTo"> {
  const runStart = new Int32Array(n + 1);
  let count = 0;
  for (let q = 0; q < n; q++) {
    let prev = -1;
    for (let i = q * nc, e = i + nc; i < e; i++) {
      const to = trans[i];
      if (to >= 0 && to !== prev) count++;
      prev = to;
    }
    runStart[q + 1] = count;
  }
  const runLo = new Uint8Array(count), runHi = new Uint8Array(count), runTo = new Int32Array(count);
  let k = 0;
  for (let q = 0; q < n; q++) {
    let prev = -1;
    const row = q * nc;
    for (let c = 0; c < nc; c++) {
      const to = trans[row + c];
      if (to >= 0) {
        if (to === prev) runHi[k - 1] = c;
        else {
          runLo[k] = c;
          runHi[k] = c;
          runTo[k] = to;
          k++;
        }
      }
      prev = to;
    }
  }
  return { runStart, runLo, runHi, runTo };
}

/** The dense table of `n` states' runs. */
export function denseOf(n: number, nc: number, runStart: Int32Array, runLo: Uint8Array, runHi: Uint8Array, runTo: Int32Array): Int32Array<ArrayBuffer> {
  const trans = new Int32Array(n * nc).fill(-1);
  for (let q = 0; q < n; q++) {
    const row = q * nc;
    for (let k = runStart[q]; k < runStart[q + 1]; k++) {
      const lo = runLo[k], hi = runHi[k];
      if (lo === hi) trans[row + lo] = runTo[k];
      else trans.fill(runTo[k], row + lo, row + hi + 1);
    }
  }
  return trans;
}

/**
 * Work arrays of the subset construction, kept between calls (sized by NFA
 * states and edges; only grown): a compile allocates its outputs, not these.
 * `mark` holds closure stamps, which only increase, so it is never cleared.
 */
interface Scratch {
  n: number;
  edges: number;
  stamp: number;
  mark: Int32Array;
  stack: Int32Array;
  cl: Int32Array;
  single: Int32Array;
  important: Uint8Array;
  ceDisjoint: Uint8Array;
  ceLo: Int32Array;
  ceHi: Int32Array;
  ceTo: Int32Array;
}

let scratch: Scratch | null = null;

function scratchFor(n: number, edges: number): Scratch {
  let sc = scratch;
  // Grown (or, after a huge grammar, shrunk) to fit; renewed before the stamps overflow.
  if (sc === null || sc.n < n || sc.stamp > 0x3fffffff || (sc.n > 1 << 20 && sc.n > 8 * n)) {
    const m = Math.max(n, sc === null || sc.n > 8 * n ? 0 : Math.min(sc.n * 2, 1 << 22), 1024);
    sc = {
      n: m,
      edges: sc?.edges ?? 0,
      stamp: 0,
      mark: new Int32Array(m),
      stack: new Int32Array(m),
      cl: new Int32Array(m),
      single: new Int32Array(m),
      important: new Uint8Array(m),
      ceDisjoint: new Uint8Array(m),
      ceLo: sc?.ceLo ?? new Int32Array(0),
      ceHi: sc?.ceHi ?? new Int32Array(0),
      ceTo: sc?.ceTo ?? new Int32Array(0),
    };
  }
  if (sc.edges < edges || (sc.edges > 1 << 21 && sc.edges > 8 * edges)) {
    const m = Math.max(edges, sc.edges > 8 * edges ? 0 : Math.min(sc.edges * 2, 1 << 23), 2048);
    sc.edges = m;
    sc.ceLo = new Int32Array(m);
    sc.ceHi = new Int32Array(m);
    sc.ceTo = new Int32Array(m);
  }
  scratch = sc;
  return sc;
}

/**
 * Determinises the NFA rule by rule. Throws `max-dfa-states` past the limit.
 * A rule with `nonEmpty[r]` set loses its empty string: its start state is kept
 * apart from every other state (the NFA start, which no edge enters, is part of
 * its identity) and is not accepting.
 */
export function determinize(nfa: Nfa, starts: number[], ends: number[], maxStates: number, nonEmpty?: Uint8Array): DfaTables {
  const N = nfa.count;
  const { epsStart, epsTo, byteStart, byteLo, byteHi, byteTo } = nfa;
  const nCallStart = nfa.callStart, nCallRule = nfa.callRule, nCallRet = nfa.callRet;

  // Byte classes from every edge boundary.
  const cut = new Uint8Array(257);
  cut[0] = 1;
  for (let k = 0; k < byteLo.length; k++) {
    cut[byteLo[k]] = 1;
    cut[byteHi[k] + 1] = 1;
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
  const nc = c + 1;

  // Byte edges as class ranges, sorted by class within each state; whether they are disjoint.
  const nEdges = byteLo.length;
  const sc = scratchFor(N, nEdges);
  const { ceLo, ceHi, ceTo, ceDisjoint } = sc;
  for (let s = 0; s < N; s++) {
    const k0 = byteStart[s], k1 = byteStart[s + 1];
    for (let k = k0; k < k1; k++) {
      const lo = classOf[byteLo[k]], hi = classOf[byteHi[k]], to = byteTo[k];
      let j = k - 1;
      while (j >= k0 && ceLo[j] > lo) {
        ceLo[j + 1] = ceLo[j];
        ceHi[j + 1] = ceHi[j];
        ceTo[j + 1] = ceTo[j];
        j--;
      }
      ceLo[j + 1] = lo;
      ceHi[j + 1] = hi;
      ceTo[j + 1] = to;
    }
    let ok = 1;
    for (let k = k0 + 1; k < k1; k++) if (ceLo[k] <= ceHi[k - 1]) ok = 0;
    ceDisjoint[s] = ok;
  }

  // Important NFA states: the only ones a DFA state's identity depends on.
  const important = sc.important;
  important.fill(0, 0, N);
  for (let s = 0; s < N; s++) if (byteStart[s + 1] > byteStart[s] || nCallStart[s + 1] > nCallStart[s]) important[s] = 1;
  for (const e of ends) important[e] = 1;
  if (nonEmpty) for (let r = 0; r < starts.length; r++) if (nonEmpty[r] === 1) important[starts[r]] = 1;

  // Epsilon closure of seeds[0..n) into `cl[0..clLen)`, sorted, important states only.
  const { mark, stack, cl } = sc;
  let stamp = sc.stamp;
  let clLen = 0;
  const closure = (seeds: Int32Array, n: number): void => {
    sc.stamp = ++stamp;
    let sp = 0;
    for (let i = 0; i < n; i++) {
      const s = seeds[i];
      if (mark[s] !== stamp) {
        mark[s] = stamp;
        stack[sp++] = s;
      }
    }
    let len = 0;
    while (sp > 0) {
      const s = stack[--sp];
      if (important[s] === 1) cl[len++] = s;
      for (let k = epsStart[s], e = epsStart[s + 1]; k < e; k++) {
        const t = epsTo[k];
        if (mark[t] !== stamp) {
          mark[t] = stamp;
          stack[sp++] = t;
        }
      }
    }
    sortPrefix(cl, len);
    clLen = len;
  };

  // DFA states: their NFA sets (interned), rows, calls.
  const sets = new ListTable();
  let runStart = new Int32Array(257);
  let runLo = new Uint8Array(1024);
  let runHi = new Uint8Array(1024);
  let runTo = new Int32Array(1024);
  let nRuns = 0;
  let accepting = new Uint8Array(256);
  let ruleOf = new Int32Array(256);
  let callStart = new Int32Array(257);
  let callRule = new Int32Array(64);
  let callRet = new Int32Array(64);
  let nCalls = 0;
  const ruleStart = new Int32Array(starts.length);

  let endOfRule = -1;
  let rule = -1;
  // Interns cl[0..clLen) as a state of `rule`.
  const intern = (): number => {
    const h = hashList(cl, 0, clLen, rule);
    let id = sets.find(cl, clLen, rule, h);
    if (id >= 0) return id;
    id = sets.size;
    if (id >= maxStates) {
      throw new LimitError("max-dfa-states", `the grammar's automata need more than ${maxStates} states (limit maxDfaStates)`, {
        hint: "Simplify ambiguous repetitions, lower repetition counts, or raise maxDfaStates.",
      });
    }
    sets.add(cl, clLen, rule, h);
    accepting = grownU8(accepting, id + 1);
    ruleOf = grownI32(ruleOf, id + 1);
    let acc = 0;
    for (let i = 0; i < clLen; i++) if (cl[i] === endOfRule) acc = 1;
    accepting[id] = acc;
    ruleOf[id] = rule;
    return id;
  };

  // Memo of moves: a single target NFA state → DFA state, and target lists → DFA state.
  const single = sc.single;
  single.fill(-1, 0, N);
  const lists = new ListTable();
  let listState = new Int32Array(256);

  // Per-class target lists of the state being expanded (linked entries).
  const head = new Int32Array(nc).fill(-1);
  const touched = new Int32Array(nc);
  let entVal = new Int32Array(256);
  let entNext = new Int32Array(256);
  let tmp = new Int32Array(256);
  let pairs = new Int32Array(64);
  let eLo = new Int32Array(64);
  let eHi = new Int32Array(64);
  let eTo = new Int32Array(64);
  // The state reached by reading into NFA state s alone.
  const moveOne = (s: number): number => {
    let t = single[s];
    if (t < 0) {
      tmp[0] = s;
      closure(tmp, 1);
      t = intern();
      single[s] = t;
    }
    return t;
  };
  // Appends the run lo..hi → t to the state being expanded (merged with an adjacent equal run).
  let firstRun = 0;
  const emit = (lo: number, hi: number, t: number): void => {
    const last = nRuns - 1;
    if (nRuns > firstRun && runTo[last] === t && runHi[last] + 1 === lo) runHi[last] = hi;
    else {
      runLo[nRuns] = lo;
      runHi[nRuns] = hi;
      runTo[nRuns] = t;
      nRuns++;
    }
  };

  for (let r = 0; r < starts.length; r++) {
    rule = r;
    endOfRule = ends[r];
    tmp[0] = starts[r];
    closure(tmp, 1);
    const first = intern();
    ruleStart[r] = first;
    if (nonEmpty !== undefined && nonEmpty[r] === 1) accepting[first] = 0;
    // States are expanded in id order: the ids a rule creates are exactly the ones its expansion visits next.
    for (let q = first; q < sets.size; q++) {
      const so = sets.off[q], se = sets.off[q + 1];
      // Byte edges of the set as class ranges, and its calls.
      let nE = 0;
      let nPairs = 0;
      for (let i = so; i < se; i++) {
        const s = sets.data[i];
        for (let k = nCallStart[s], e = nCallStart[s + 1]; k < e; k++) {
          if (nPairs + 2 > pairs.length) pairs = grownI32(pairs, nPairs + 2);
          pairs[nPairs++] = nCallRule[k];
          pairs[nPairs++] = nCallRet[k];
        }
      }
      if (nRuns + nc > runTo.length) {
        runTo = grownI32(runTo, nRuns + nc);
        runLo = grownU8(runLo, nRuns + nc);
        runHi = grownU8(runHi, nRuns + nc);
      }
      firstRun = nRuns;
      const s0 = sets.data[so];
      if (se - so === 1 && ceDisjoint[s0] === 1) {
        // One NFA state with disjoint edges (the most common case): its sorted edges are the runs.
        for (let k = byteStart[s0], e = byteStart[s0 + 1]; k < e; k++) emit(ceLo[k], ceHi[k], moveOne(ceTo[k]));
      } else {
        for (let i = so; i < se; i++) {
          const s = sets.data[i];
          const k0 = byteStart[s], kEnd = byteStart[s + 1];
          if (nE + kEnd - k0 > eTo.length) {
            const need = nE + kEnd - k0;
            eLo = grownI32(eLo, need);
            eHi = grownI32(eHi, need);
            eTo = grownI32(eTo, need);
          }
          for (let k = k0; k < kEnd; k++) {
            eLo[nE] = ceLo[k];
            eHi[nE] = ceHi[k];
            eTo[nE] = ceTo[k];
            nE++;
          }
        }
        // Usual case: the edges' class ranges are pairwise disjoint, so each range has one target.
        let disjoint = nE <= 32;
        if (disjoint) {
          for (let i = 1; i < nE; i++) {
            const lo = eLo[i], hi = eHi[i], to = eTo[i];
            let j = i - 1;
            while (j >= 0 && eLo[j] > lo) {
              eLo[j + 1] = eLo[j];
              eHi[j + 1] = eHi[j];
              eTo[j + 1] = eTo[j];
              j--;
            }
            eLo[j + 1] = lo;
            eHi[j + 1] = hi;
            eTo[j + 1] = to;
          }
          for (let i = 1; i < nE; i++) {
            if (eLo[i] <= eHi[i - 1]) {
              disjoint = false;
              break;
            }
          }
        }
        if (disjoint) {
          for (let i = 0; i < nE; i++) emit(eLo[i], eHi[i], moveOne(eTo[i]));
        } else {
          // Per class: the list of targets of every edge covering it.
          let nEnt = 0;
          let nTouched = 0;
          for (let i = 0; i < nE; i++) {
            const t = eTo[i];
            for (let cc = eLo[i], c1 = eHi[i]; cc <= c1; cc++) {
              if (nEnt === entVal.length) {
                entVal = grownI32(entVal, nEnt + 1);
                entNext = grownI32(entNext, nEnt + 1);
              }
              entVal[nEnt] = t;
              const h = head[cc];
              if (h < 0) touched[nTouched++] = cc;
              entNext[nEnt] = h;
              head[cc] = nEnt++;
            }
          }
          // Touched classes in class order: sort a short list, else scan every class.
          const scan = nTouched > 16;
          if (!scan) sortPrefix(touched, nTouched);
          for (let j = 0, jEnd = scan ? nc : nTouched; j < jEnd; j++) {
            const cc = scan ? j : touched[j];
            let p = head[cc];
            if (p < 0) continue;
            head[cc] = -1;
            let t: number;
            if (entNext[p] < 0) t = moveOne(entVal[p]);
            else {
              let n = 0;
              for (; p >= 0; p = entNext[p]) {
                if (n === tmp.length) tmp = grownI32(tmp, n + 1);
                tmp[n++] = entVal[p];
              }
              sortPrefix(tmp, n);
              n = dedupSorted(tmp, n);
              const h = hashList(tmp, 0, n, 0);
              const id = lists.find(tmp, n, 0, h);
              if (id >= 0) t = listState[id];
              else {
                closure(tmp, n);
                t = intern();
                const nid = lists.add(tmp, n, 0, h);
                listState = grownI32(listState, nid + 1);
                listState[nid] = t;
              }
            }
            emit(cc, cc, t);
          }
        }
      }
      runStart = grownI32(runStart, q + 2);
      runStart[q + 1] = nRuns;
      // Calls, grouped by rule in rule order; each group's returns are closed together.
      if (nPairs > 2) {
        // Insertion sort of (rule, ret) pairs by rule (stable).
        for (let i = 2; i < nPairs; i += 2) {
          const a = pairs[i], b = pairs[i + 1];
          let j = i - 2;
          while (j >= 0 && pairs[j] > a) {
            pairs[j + 2] = pairs[j];
            pairs[j + 3] = pairs[j + 1];
            j -= 2;
          }
          pairs[j + 2] = a;
          pairs[j + 3] = b;
        }
      }
      callStart = grownI32(callStart, q + 2);
      for (let i = 0; i < nPairs; ) {
        const callee = pairs[i];
        let n = 0;
        while (i < nPairs && pairs[i] === callee) {
          if (n === tmp.length) tmp = grownI32(tmp, n + 1);
          tmp[n++] = pairs[i + 1];
          i += 2;
        }
        closure(tmp, n);
        const t = intern();
        if (nCalls === callRule.length) {
          callRule = grownI32(callRule, nCalls + 1);
          callRet = grownI32(callRet, nCalls + 1);
        }
        callRule[nCalls] = callee;
        callRet[nCalls] = t;
        nCalls++;
      }
      callStart[q + 1] = nCalls;
    }
  }

  const n = sets.size;
  return {
    stateCount: n,
    classOf,
    nClasses: nc,
    classLo: Uint8Array.from(lo),
    classHi: Uint8Array.from(hi),
    trans: denseOf(n, nc, runStart, runLo, runHi, runTo),
    accepting: accepting.slice(0, n),
    callStart: callStart.slice(0, n + 1),
    callRule: callRule.slice(0, nCalls),
    callRet: callRet.slice(0, nCalls),
    ruleOf: ruleOf.slice(0, n),
    ruleStart,
    runStart: runStart.slice(0, n + 1),
    runLo: runLo.slice(0, nRuns),
    runHi: runHi.slice(0, nRuns),
    runTo: runTo.slice(0, nRuns),
  };
}
