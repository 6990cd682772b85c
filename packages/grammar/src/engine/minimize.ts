/**
 * DFA minimisation (Moore's partition refinement) over all rules at once,
 * then a canonical renumbering: rule by rule, each rule's states in
 * breadth-first order from its start, unreachable states dropped. Fewer
 * states means fewer token-cache entries to fill; the canonical order lets
 * equal rules of different grammars share cache entries.
 */
import type { DfaTables } from "./dfa.js";

/** The minimal equivalent tables (states that no input can tell apart are merged; calls must agree too). */
export function minimize(t: DfaTables): DfaTables {
  const n = t.stateCount, nc = t.nClasses;
  let cls = new Int32Array(n);
  let count = 0;
  {
    const ids = new Map<string, number>();
    for (let q = 0; q < n; q++) {
      const key = `${t.ruleOf[q]}:${t.accepting[q]}`;
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      cls[q] = id;
    }
    count = ids.size;
  }
  for (;;) {
    const ids = new Map<string, number>();
    const next = new Int32Array(n);
    for (let q = 0; q < n; q++) {
      let key = `${cls[q]}`;
      const row = q * nc;
      for (let c = 0; c < nc; c++) {
        const to = t.trans[row + c];
        key += `,${to < 0 ? -1 : cls[to]}`;
      }
      for (let k = t.callStart[q]; k < t.callStart[q + 1]; k++) key += `;${t.callRule[k]}>${cls[t.callRet[k]]}`;
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      next[q] = id;
    }
    cls = next;
    if (ids.size === count) break;
    count = ids.size;
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
  };
}
