/**
 * Which bytes can come right after a call or a rule end, whatever the stack:
 * a stack-independent over-approximation that lets the token cache skip
 * escape points no continuation can use (an identifier's accepting states
 * have thousands of trie nodes below them, and only the few whose next byte
 * can follow an identifier need a run-time look at the stack).
 *
 * Only two kinds of sets are needed: FIRST of the states a rule can start or
 * return in (own bytes, plus what callees start with, plus what follows a
 * nullable callee or the end of the own rule), and FOLLOW of each rule (the
 * union of FIRST over its return states). They form a small system solved
 * with a worklist over 256-bit sets, computed at compile time.
 */
import type { Automaton } from "./automaton.js";

/** `escapeFirst[q * 8 .. q * 8 + 8)`: for an accepting state q, the 256-bit set of bytes that can follow the end of q's rule (whatever the stack); empty for other states. */
export function escapeFirstBytes(a: Automaton): Uint32Array {
  const n = a.stateCount, nRules = a.ruleStart.length;
  const { callStart, callRule, callRet, ruleStart, accepting, ruleMinBytes, runStart, runLo, runHi, classLo, classHi, ruleOf } = a;
  const nCalls = callStart[n];
  // Nodes: the rule starts and return states (slot[q] >= 0), then one FOLLOW node per rule.
  const slot = new Int32Array(n).fill(-1);
  const states: number[] = [];
  const need = (q: number): void => {
    if (slot[q] < 0) {
      slot[q] = states.length;
      states.push(q);
    }
  };
  for (let r = 0; r < nRules; r++) need(ruleStart[r]);
  for (let k = 0; k < nCalls; k++) need(callRet[k]);
  const m = states.length;
  const nodes = m + nRules;
  const val = new Uint32Array(nodes * 8);
  for (let i = 0; i < m; i++) {
    const q = states[i];
    for (let k = runStart[q]; k < runStart[q + 1]; k++) {
      for (let b = classLo[runLo[k]], e = classHi[runHi[k]]; b <= e; b++) val[i * 8 + (b >>> 5)] |= 1 << (b & 31);
    }
  }
  // Edges src → dst (dst ⊇ src), as CSR by src.
  const src: number[] = [];
  const dst: number[] = [];
  const edge = (s: number, d: number): void => {
    src.push(s);
    dst.push(d);
  };
  for (let i = 0; i < m; i++) {
    const q = states[i];
    for (let k = callStart[q]; k < callStart[q + 1]; k++) {
      const r = callRule[k];
      edge(slot[ruleStart[r]], i);
      if (ruleMinBytes[r] === 0) edge(slot[callRet[k]], i);
    }
    if (accepting[q]) edge(m + ruleOf[q], i);
  }
  for (let k = 0; k < nCalls; k++) edge(slot[callRet[k]], m + callRule[k]);
  const outStart = new Int32Array(nodes + 1);
  for (const s of src) outStart[s + 1]++;
  for (let i = 0; i < nodes; i++) outStart[i + 1] += outStart[i];
  const out = new Int32Array(src.length);
  {
    const at = outStart.slice(0, nodes);
    for (let e = 0; e < src.length; e++) out[at[src[e]]++] = dst[e];
  }
  // Worklist: propagate each changed set along its out-edges.
  const queued = new Uint8Array(nodes).fill(1);
  const work = new Int32Array(nodes);
  let head = 0, len = nodes;
  for (let i = 0; i < nodes; i++) work[i] = i;
  while (len > 0) {
    const s = work[head];
    head = head + 1 === nodes ? 0 : head + 1;
    len--;
    queued[s] = 0;
    const so = s * 8;
    for (let e = outStart[s]; e < outStart[s + 1]; e++) {
      const d = out[e];
      if (d === s) continue;
      const dof = d * 8;
      let changed = 0;
      for (let w = 0; w < 8; w++) {
        const v = (val[dof + w] | val[so + w]) >>> 0;
        if (v !== val[dof + w]) {
          val[dof + w] = v;
          changed = 1;
        }
      }
      if (changed && !queued[d]) {
        queued[d] = 1;
        let tail = head + len;
        if (tail >= nodes) tail -= nodes;
        work[tail] = d;
        len++;
      }
    }
  }
  // Bytes that can come right after q's rule ends (for accepting q), via the stack.
  const res = new Uint32Array(n * 8);
  for (let q = 0; q < n; q++) {
    if (!accepting[q]) continue;
    const f = (m + ruleOf[q]) * 8;
    for (let w = 0; w < 8; w++) res[q * 8 + w] = val[f + w];
  }
  return res;
}
