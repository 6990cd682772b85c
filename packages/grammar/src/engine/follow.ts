/**
 * Which bytes can come right after a call or a rule end, whatever the stack:
 * a stack-independent over-approximation that lets the token cache skip
 * escape points no continuation can use (an identifier's accepting states
 * have thousands of trie nodes below them, and only the few whose next byte
 * can follow an identifier need a run-time look at the stack).
 */
import type { Automaton } from "./automaton.js";

/** `escapeFirst[q * 8 .. q * 8 + 8)`: for an accepting state q, the 256-bit set of bytes that can follow the end of q's rule (whatever the stack); empty for other states. */
export function escapeFirstBytes(a: Automaton): Uint32Array {
  const n = a.stateCount, nc = a.nClasses, nRules = a.ruleStart.length;
  // first[q]: bytes readable from configuration q (own edges, calls, returns).
  const first = new Uint32Array(n * 8);
  const follow = new Uint32Array(nRules * 8);
  const own = new Uint32Array(n * 8);
  for (let q = 0; q < n; q++) {
    for (let c = 0; c < nc; c++) {
      if (a.trans[q * nc + c] < 0) continue;
      for (let b = a.classLo[c]; b <= a.classHi[c]; b++) own[q * 8 + (b >>> 5)] |= 1 << (b & 31);
    }
  }
  first.set(own);
  const or = (dst: Uint32Array, di: number, src: Uint32Array, si: number): boolean => {
    let changed = false;
    for (let k = 0; k < 8; k++) {
      const v = (dst[di + k] | src[si + k]) >>> 0;
      if (v !== dst[di + k]) {
        dst[di + k] = v;
        changed = true;
      }
    }
    return changed;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let q = n - 1; q >= 0; q--) {
      for (let k = a.callStart[q]; k < a.callStart[q + 1]; k++) {
        const r = a.callRule[k], ret = a.callRet[k];
        if (or(first, q * 8, first, a.ruleStart[r] * 8)) changed = true;
        if (a.ruleMinBytes[r] === 0 && or(first, q * 8, first, ret * 8)) changed = true;
        // What can follow rule r: what the return state reads.
        if (or(follow, r * 8, first, ret * 8)) changed = true;
      }
      if (a.accepting[q] && or(first, q * 8, follow, a.ruleOf[q] * 8)) changed = true;
    }
  }
  // Bytes that can come right after q's rule ends (for accepting q), via the stack.
  const out = new Uint32Array(n * 8);
  for (let q = 0; q < n; q++) if (a.accepting[q]) or(out, q * 8, follow, a.ruleOf[q] * 8);
  return out;
}
