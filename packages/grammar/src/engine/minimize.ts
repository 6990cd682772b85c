/**
 * DFA minimisation (Moore's partition refinement) over all rules at once,
 * then a canonical renumbering: rule by rule, each rule's states in
 * breadth-first order from its start, unreachable states dropped. Fewer
 * states means fewer token-cache entries to fill; the canonical order lets
 * equal rules of different grammars share cache entries.
 */
import { runsOf, type DfaTables } from "./dfa.js";

/** The minimal equivalent tables (states that no input can tell apart are merged; calls must agree too). */
export function minimize(t: DfaTables): DfaTables {
  const n = t.stateCount, nc = t.nClasses;
  const { trans: tTrans, callStart: tCallStart, callRule: tCallRule, callRet: tCallRet } = t;
  let cls = new Int32Array(n);
  let count = 0;
  {
    const ids = new Map<number, number>();
    for (let q = 0; q < n; q++) {
      const key = t.ruleOf[q] * 2 + t.accepting[q];
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      cls[q] = id;
    }
    count = ids.size;
  }
  // Refine until stable: states stay together iff their classes, the classes
  // of their targets and their calls agree. Buckets by a hash, then exact compare.
  const same = (a: number, b: number, c: Int32Array): boolean => {
    if (c[a] !== c[b]) return false;
    const ra = a * nc, rb = b * nc;
    for (let k = 0; k < nc; k++) {
      const x = tTrans[ra + k], y = tTrans[rb + k];
      if (x < 0 || y < 0 ? x !== y : c[x] !== c[y]) return false;
    }
    const ka = tCallStart[a], kb = tCallStart[b], la = tCallStart[a + 1] - ka;
    if (la !== tCallStart[b + 1] - kb) return false;
    for (let k = 0; k < la; k++) if (tCallRule[ka + k] !== tCallRule[kb + k] || c[tCallRet[ka + k]] !== c[tCallRet[kb + k]]) return false;
    return true;
  };
  for (;;) {
    const buckets = new Map<number, number[]>();
    const next = new Int32Array(n);
    const reps: number[] = [];
    for (let q = 0; q < n; q++) {
      let h = cls[q] + 1;
      const row = q * nc;
      for (let k = 0; k < nc; k++) {
        const to = tTrans[row + k];
        h = Math.imul(h ^ (to < 0 ? -1 : cls[to]), 0x9e3779b1) + k;
      }
      for (let k = tCallStart[q]; k < tCallStart[q + 1]; k++) h = Math.imul(h ^ (tCallRule[k] * 65599 + cls[tCallRet[k]]), 0x85ebca6b);
      let list = buckets.get(h);
      if (!list) buckets.set(h, (list = []));
      let id = -1;
      for (const c of list) {
        if (same(q, reps[c], cls)) {
          id = c;
          break;
        }
      }
      if (id < 0) {
        id = reps.length;
        reps.push(q);
        list.push(id);
      }
      next[q] = id;
    }
    cls = next;
    if (reps.length === count) break;
    count = reps.length;
  }
  // One representative old state per class.
  const rep = new Int32Array(count).fill(-1);
  for (let q = 0; q < n; q++) if (rep[cls[q]] < 0) rep[cls[q]] = q;

  // Canonical numbering: rules in order, BFS from each rule's start over byte edges then call returns.
  const nRules = t.ruleStart.length;
  const newId = new Int32Array(count).fill(-1);
  const order: number[] = [];
  const ruleStart = new Int32Array(nRules);
  const ruleOf: number[] = [];
  for (let r = 0; r < nRules; r++) {
    const s = cls[t.ruleStart[r]];
    newId[s] = order.length;
    ruleStart[r] = order.length;
    order.push(s);
    ruleOf.push(r);
    for (let i = ruleStart[r]; i < order.length; i++) {
      const q = rep[order[i]];
      const row = q * nc;
      const visit = (to: number) => {
        const c = cls[to];
        if (newId[c] < 0) {
          newId[c] = order.length;
          order.push(c);
          ruleOf.push(r);
        }
      };
      for (let c = 0; c < nc; c++) if (t.trans[row + c] >= 0) visit(t.trans[row + c]);
      for (let k = t.callStart[q]; k < t.callStart[q + 1]; k++) visit(t.callRet[k]);
    }
  }
  const m = order.length;
  const trans = new Int32Array(m * nc).fill(-1);
  const accepting = new Uint8Array(m);
  const callStart = new Int32Array(m + 1);
  const callRule: number[] = [];
  const callRet: number[] = [];
  for (let i = 0; i < m; i++) {
    const q = rep[order[i]];
    accepting[i] = t.accepting[q];
    for (let c = 0; c < nc; c++) {
      const to = t.trans[q * nc + c];
      if (to >= 0) trans[i * nc + c] = newId[cls[to]];
    }
    for (let k = t.callStart[q]; k < t.callStart[q + 1]; k++) {
      callRule.push(t.callRule[k]);
      callRet.push(newId[cls[t.callRet[k]]]);
    }
    callStart[i + 1] = callRule.length;
  }
  return {
    stateCount: m,
    classOf: t.classOf,
    nClasses: nc,
    classLo: t.classLo,
    classHi: t.classHi,
    trans,
    accepting,
    callStart,
    callRule: Int32Array.from(callRule),
    callRet: Int32Array.from(callRet),
    ruleOf: Int32Array.from(ruleOf),
    ruleStart,
    ...runsOf(trans, m, nc),
  };
}
