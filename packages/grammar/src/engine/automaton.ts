/**
 * Analysis of the rule DFAs: which states can still finish (the others are
 * cut), the shortest completion from every state, nullable rules, and the
 * left-recursion check.
 */
import { CompileError } from "@formwork/core";
import type { DfaTables } from "./dfa.js";
import { escapeFirstBytes } from "./follow.js";

/** The DFA tables after trimming, with the per-state facts the matcher needs. */
export interface Automaton extends DfaTables {
  ruleNames: readonly string[];
  /** Fewest bytes from state q to the end of its rule (calls counted by their rule's shortest string). */
  minBytes: Float64Array;
  /** Fewest bytes of each rule's language. */
  ruleMinBytes: Float64Array;
  /** Shortest-completion move of q: -1 = stop here (accepting), `c < nClasses` = a byte of class c, else call index `k - nClasses`. */
  bestMove: Int32Array;
  /** 1 when q has at least one byte transition. */
  hasBytes: Uint8Array;
  /** 1 when q calls a rule or ends its rule (a token walk from a cached state must look at the stack there). */
  escapes: Uint8Array;
  /**
   * `escapeFirst[q * 8 .. q * 8 + 8)`: for an accepting state q, the 256-bit set of bytes that can
   * follow the end of q's rule (whatever the stack); empty for other states (see `follow.ts`).
   */
  escapeFirst: Uint32Array;
}

/** A binary min-heap of (cost, state) pairs; stale entries are skipped by the caller. */
class CostHeap {
  key = new Float64Array(256);
  val = new Int32Array(256);
  size = 0;

  push(k: number, v: number): void {
    if (this.size === this.key.length) {
      const k2 = new Float64Array(this.size * 2);
      k2.set(this.key);
      const v2 = new Int32Array(this.size * 2);
      v2.set(this.val);
      this.key = k2;
      this.val = v2;
    }
    const { key, val } = this;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (key[p] <= k) break;
      key[i] = key[p];
      val[i] = val[p];
      i = p;
    }
    key[i] = k;
    val[i] = v;
  }

  /** Removes the smallest entry; read it from `topKey`/`topVal` first. */
  pop(): void {
    const { key, val } = this;
    const n = --this.size;
    if (n === 0) return;
    const k = key[n], v = val[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && key[c + 1] < key[c]) c++;
      if (key[c] >= k) break;
      key[i] = key[c];
      val[i] = val[c];
      i = c;
    }
    key[i] = k;
    val[i] = v;
  }
}

/**
 * Trims dead states and computes the analysis; throws on an empty root
 * language or left recursion. Takes ownership of `t`'s arrays (`trans` is
 * trimmed in place).
 */
export function analyze(t: DfaTables, ruleNames: readonly string[], rootIndex: number): Automaton {
  const n = t.stateCount, nc = t.nClasses, nRules = t.ruleStart.length;
  const { trans, accepting, ruleStart, ruleOf } = t;
  const tCallStart = t.callStart, tCallRule = t.callRule, tCallRet = t.callRet;
  const nCalls = tCallStart[n];
  const minBytes = new Float64Array(n).fill(Infinity);
  const ruleMin = new Float64Array(nRules).fill(Infinity);

  // Reverse byte edges, one per run.
  const { runStart, runLo, runHi, runTo } = t;
  const nRuns = runStart[n];
  const revStart = new Int32Array(n + 1);
  for (let k = 0; k < nRuns; k++) revStart[runTo[k] + 1]++;
  for (let q = 0; q < n; q++) revStart[q + 1] += revStart[q];
  const revFrom = new Int32Array(nRuns);
  {
    const at = revStart.slice(0, n);
    for (let q = 0; q < n; q++) for (let k = runStart[q]; k < runStart[q + 1]; k++) revFrom[at[runTo[k]]++] = q;
  }
  // Call edges by caller, by return state and by callee.
  const callFrom = new Int32Array(nCalls);
  for (let q = 0; q < n; q++) for (let k = tCallStart[q]; k < tCallStart[q + 1]; k++) callFrom[k] = q;
  const byRetStart = new Int32Array(n + 1);
  const byRuleStart = new Int32Array(nRules + 1);
  for (let k = 0; k < nCalls; k++) {
    byRetStart[tCallRet[k] + 1]++;
    byRuleStart[tCallRule[k] + 1]++;
  }
  for (let q = 0; q < n; q++) byRetStart[q + 1] += byRetStart[q];
  for (let r = 0; r < nRules; r++) byRuleStart[r + 1] += byRuleStart[r];
  const byRet = new Int32Array(nCalls);
  const byRule = new Int32Array(nCalls);
  {
    const atRet = byRetStart.slice(0, n);
    const atRule = byRuleStart.slice(0, nRules);
    for (let k = 0; k < nCalls; k++) {
      byRet[atRet[tCallRet[k]]++] = k;
      byRule[atRule[tCallRule[k]]++] = k;
    }
  }

  // Shortest completions: cost[q] = min(0 if accepting, 1 + cost[trans], ruleMin + cost[ret]),
  // by Knuth's generalisation of Dijkstra (a call is evaluated once its callee's start and its
  // return state are both final). `order` records when each state became final.
  // A state enters the FIFO at most once: its first entry there has the lowest byte-move cost it
  // can get (FIFO costs never decrease), so n entries suffice.
  const done = new Uint8Array(n);
  const order = new Int32Array(n).fill(-1);
  // Byte moves cost 1, so their relaxations come in cost order: a FIFO holds them; calls go to a heap.
  const fifoState = new Int32Array(n + 1);
  const fifoCost = new Float64Array(n + 1);
  let fifoHead = 0, fifoTail = 0;
  const heap = new CostHeap();
  for (let q = 0; q < n; q++) {
    if (accepting[q]) {
      minBytes[q] = 0;
      fifoState[fifoTail] = q;
      fifoCost[fifoTail++] = 0;
    }
  }
  let finalised = 0;
  const relaxCall = (p: number, v: number): void => {
    if (done[p] === 0 && v < minBytes[p]) {
      minBytes[p] = v;
      heap.push(v, p);
    }
  };
  while (fifoHead < fifoTail || heap.size > 0) {
    let d: number, q: number;
    if (fifoHead < fifoTail && (heap.size === 0 || fifoCost[fifoHead] <= heap.key[0])) {
      d = fifoCost[fifoHead];
      q = fifoState[fifoHead++];
    } else {
      d = heap.key[0];
      q = heap.val[0];
      heap.pop();
    }
    if (done[q] === 1 || d > minBytes[q]) continue;
    done[q] = 1;
    order[q] = finalised++;
    const r = ruleOf[q];
    if (ruleStart[r] === q) {
      ruleMin[r] = d;
      for (let i = byRuleStart[r]; i < byRuleStart[r + 1]; i++) {
        const k = byRule[i], ret = tCallRet[k];
        if (done[ret] === 1) relaxCall(callFrom[k], d + minBytes[ret]);
      }
    }
    const d1 = d + 1;
    for (let i = revStart[q]; i < revStart[q + 1]; i++) {
      const p = revFrom[i];
      if (done[p] === 0 && d1 < minBytes[p]) {
        minBytes[p] = d1;
        fifoState[fifoTail] = p;
        fifoCost[fifoTail++] = d1;
      }
    }
    for (let i = byRetStart[q]; i < byRetStart[q + 1]; i++) {
      const k = byRet[i], callee = tCallRule[k];
      if (done[ruleStart[callee]] === 1) relaxCall(callFrom[k], ruleMin[callee] + d);
    }
  }
  if (ruleMin[rootIndex] === Infinity) {
    throw new CompileError("empty-language", `the start rule "${ruleNames[rootIndex]}" matches no string at all (every path runs into a rule that never finishes)`, {
      hint: "Give every recursive rule an alternative that ends without recursing.",
    });
  }

  // Cut transitions into dead states and calls of rules that never finish.
  const hasBytes = new Uint8Array(n);
  const newRunStart = new Int32Array(n + 1);
  let kept = 0;
  for (let q = 0; q < n; q++) {
    const row = q * nc;
    for (let k = runStart[q]; k < runStart[q + 1]; k++) {
      const to = runTo[k];
      if (minBytes[to] === Infinity) trans.fill(-1, row + runLo[k], row + runHi[k] + 1);
      else {
        runLo[kept] = runLo[k];
        runHi[kept] = runHi[k];
        runTo[kept] = to;
        kept++;
      }
    }
    newRunStart[q + 1] = kept;
    if (kept > newRunStart[q]) hasBytes[q] = 1;
  }
  const callStart = new Int32Array(n + 1);
  const callRule = new Int32Array(nCalls);
  const callRet = new Int32Array(nCalls);
  let m = 0;
  for (let q = 0; q < n; q++) {
    for (let k = tCallStart[q]; k < tCallStart[q + 1]; k++) {
      if (ruleMin[tCallRule[k]] < Infinity && minBytes[tCallRet[k]] < Infinity) {
        callRule[m] = tCallRule[k];
        callRet[m] = tCallRet[k];
        m++;
      }
    }
    callStart[q + 1] = m;
  }
  // Shortest-completion moves: the first option (accepting, then classes, then calls) that
  // attains the minimum through states made final before q (so that following moves ends).
  const bestMove = new Int32Array(n).fill(-2);
  const escapes = new Uint8Array(n);
  for (let q = 0; q < n; q++) {
    escapes[q] = accepting[q] || callStart[q + 1] > callStart[q] ? 1 : 0;
    const d = minBytes[q];
    if (d === Infinity) continue;
    if (accepting[q]) {
      bestMove[q] = -1;
      continue;
    }
    let move = -2;
    for (let k = newRunStart[q]; k < newRunStart[q + 1]; k++) {
      if (1 + minBytes[runTo[k]] === d) {
        move = runLo[k];
        break;
      }
    }
    if (move === -2) {
      const oq = order[q];
      for (let k = callStart[q]; k < callStart[q + 1]; k++) {
        const callee = callRule[k], ret = callRet[k], s = ruleStart[callee];
        if (ruleMin[callee] + minBytes[ret] === d && order[ret] < oq && order[s] < oq) {
          move = nc + k;
          break;
        }
      }
    }
    bestMove[q] = move;
  }
  const a: Automaton = {
    ...t,
    trans,
    callStart,
    callRule: callRule.slice(0, m),
    callRet: callRet.slice(0, m),
    runStart: newRunStart,
    runLo: runLo.slice(0, kept),
    runHi: runHi.slice(0, kept),
    runTo: runTo.slice(0, kept),
    ruleNames,
    minBytes,
    ruleMinBytes: ruleMin,
    bestMove,
    hasBytes,
    escapes,
    escapeFirst: new Uint32Array(0),
  };
  checkLeftRecursion(a);
  a.escapeFirst = escapeFirstBytes(a);
  return a;
}

/** Throws `left-recursion` when a rule can call itself again before reading a byte. */
function checkLeftRecursion(a: Automaton): void {
  const nRules = a.ruleStart.length;
  const leftCalls: Set<number>[] = [];
  for (let r = 0; r < nRules; r++) {
    const out = new Set<number>();
    leftCalls.push(out);
    if (a.ruleMinBytes[r] === Infinity) continue;
    const seen = new Set<number>([a.ruleStart[r]]);
    const work = [a.ruleStart[r]];
    while (work.length > 0) {
      const q = work.pop()!;
      for (let k = a.callStart[q]; k < a.callStart[q + 1]; k++) {
        const callee = a.callRule[k];
        out.add(callee);
        if (a.ruleMinBytes[callee] === 0 && !seen.has(a.callRet[k])) {
          seen.add(a.callRet[k]);
          work.push(a.callRet[k]);
        }
      }
    }
  }
  // Cycle search.
  const color = new Uint8Array(nRules);
  const path: number[] = [];
  const dfs = (r: number): number[] | null => {
    color[r] = 1;
    path.push(r);
    for (const s of leftCalls[r]) {
      if (color[s] === 1) return path.slice(path.indexOf(s));
      if (color[s] === 0) {
        const c = dfs(s);
        if (c) return c;
      }
    }
    path.pop();
    color[r] = 2;
    return null;
  };
  for (let r = 0; r < nRules; r++) {
    if (color[r] !== 0) continue;
    const cycle = dfs(r);
    if (cycle) {
      const names = cycle.map((i) => a.ruleNames[i]);
      throw new CompileError("left-recursion", `left recursion: ${[...names, names[0]].join(" → ")} can call itself again without reading any input`, {
        hint: `Rewrite it with repetition, e.g. "list ::= item (\\",\\" item)*" instead of "list ::= list \\",\\" item | item".`,
      });
    }
  }
}
