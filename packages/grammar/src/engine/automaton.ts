/**
 * Analysis of the rule DFAs: which states can still finish (the others are
 * cut), the shortest completion from every state, nullable rules, and the
 * left-recursion check.
 */
import { CompileError } from "@formwork/core";
import type { DfaTables } from "./dfa.js";

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
}

/** Trims dead states and computes the analysis; throws on an empty root language or left recursion. */
export function analyze(t: DfaTables, ruleNames: readonly string[], rootIndex: number): Automaton {
  const n = t.stateCount, nc = t.nClasses, nRules = t.ruleStart.length;
  const minBytes = new Float64Array(n).fill(Infinity);
  const ruleMin = new Float64Array(nRules).fill(Infinity);
  const bestMove = new Int32Array(n).fill(-2);
  // Fixed point of cost[q] = min(0 if accepting, 1 + cost[trans], ruleMin + cost[ret]).
  for (let changed = true; changed; ) {
    changed = false;
    for (let q = n - 1; q >= 0; q--) {
      let best = minBytes[q];
      let move = bestMove[q];
      if (t.accepting[q] && best > 0) {
        best = 0;
        move = -1;
      }
      if (best > 0) {
        const row = q * nc;
        for (let c = 0; c < nc; c++) {
          const to = t.trans[row + c];
          if (to >= 0 && 1 + minBytes[to] < best) {
            best = 1 + minBytes[to];
            move = c;
          }
        }
        for (let k = t.callStart[q]; k < t.callStart[q + 1]; k++) {
          const v = ruleMin[t.callRule[k]] + minBytes[t.callRet[k]];
          if (v < best) {
            best = v;
            move = nc + k;
          }
        }
      }
      if (best < minBytes[q]) {
        minBytes[q] = best;
        bestMove[q] = move;
        changed = true;
        const r = t.ruleOf[q];
        if (t.ruleStart[r] === q) ruleMin[r] = best;
      }
    }
  }
  if (ruleMin[rootIndex] === Infinity) {
    throw new CompileError("empty-language", `the start rule "${ruleNames[rootIndex]}" matches no string at all (every path runs into a rule that never finishes)`, {
      hint: "Give every recursive rule an alternative that ends without recursing.",
    });
  }

  // Cut transitions into dead states and calls of rules that never finish.
  const trans = t.trans.slice();
  for (let i = 0; i < trans.length; i++) if (trans[i] >= 0 && minBytes[trans[i]] === Infinity) trans[i] = -1;
  const callStart = new Int32Array(n + 1);
  const rules: number[] = [];
  const rets: number[] = [];
  for (let q = 0; q < n; q++) {
    for (let k = t.callStart[q]; k < t.callStart[q + 1]; k++) {
      if (ruleMin[t.callRule[k]] < Infinity && minBytes[t.callRet[k]] < Infinity) {
        rules.push(t.callRule[k]);
        rets.push(t.callRet[k]);
      }
    }
    callStart[q + 1] = rules.length;
  }
  // Re-index best moves that were calls.
  for (let q = 0; q < n; q++) {
    const m = bestMove[q];
    if (m >= nc) {
      const oldK = m - nc;
      const rule = t.callRule[oldK], ret = t.callRet[oldK];
      for (let k = callStart[q]; k < callStart[q + 1]; k++) if (rules[k] === rule && rets[k] === ret) bestMove[q] = nc + k;
    }
  }
  const hasBytes = new Uint8Array(n);
  const escapes = new Uint8Array(n);
  for (let q = 0; q < n; q++) {
    for (let c = 0; c < nc; c++) if (trans[q * nc + c] >= 0) {
      hasBytes[q] = 1;
      break;
    }
    escapes[q] = t.accepting[q] || callStart[q + 1] > callStart[q] ? 1 : 0;
  }
  const a: Automaton = {
    ...t,
    trans,
    callStart,
    callRule: Int32Array.from(rules),
    callRet: Int32Array.from(rets),
    ruleNames,
    minBytes,
    ruleMinBytes: ruleMin,
    bestMove,
    hasBytes,
    escapes,
  };
  checkLeftRecursion(a);
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
