/**
 * Which bytes can come right after a rule ends, whatever the stack: a
 * stack-independent over-approximation that lets the token cache skip
 * escape points no continuation can use (an identifier's accepting states
 * have thousands of trie nodes below them, and only the few whose next byte
 * can follow an identifier need a run-time look at the stack).
 *
 * Computed on the NFA (built states and bodies of counted repetitions) the
 * first time a cache entry needs it. For every state: FIRST, the bytes it
 * can read next without leaving its rule (through epsilon edges, into
 * counters and on past a body's exit to the next copy and the counter's end,
 * into called rules and past nullable ones), and whether it can reach its
 * rule's end without a byte. Then FOLLOW(r) is the union, over the calls of
 * r, of FIRST of the return state, plus FOLLOW of the caller's rule when the
 * return state can reach its end. A callee's own FOLLOW never leaks into its
 * caller's FIRST. FIRST and reach are propagated only among the states the
 * return states depend on (about 5% of a big schema's NFA).
 */
import { NFA_BYTES, type Nfa } from "./nfa.js";

/** `out[r * 8 .. r * 8 + 8)`: the 256-bit set of bytes that can follow the end of rule r. */
export function followBytes(nfa: Nfa, starts: readonly number[], ends: readonly number[], ruleMin: Float64Array): Uint32Array {
  const n = nfa.baseCount, nRules = starts.length;
  const { dist, epsStart, epsTo, edgeStart, edgeLo, edgeHi, edgeTo, callStart, callRule, callRet, classLo, classHi } = nfa;
  const live = (s: number): boolean => dist[s] < Infinity;
  const callLive = (k: number): boolean => ruleMin[callRule[k]] < Infinity && live(callRet[k]);
  // The rule of every built state: rules were built in order, then the bodies.
  const ruleOf = new Int32Array(n);
  for (let r = 0; r < nRules; r++) ruleOf.fill(r, starts[r], r + 1 < nRules ? starts[r + 1] : n);
  for (let b = 0; b < nfa.bodyEntry.length; b++) ruleOf.fill(nfa.bodyRule[b], nfa.bodyEntry[b], nfa.bodyEnd[b]);
  // Inclusion edges src → dst (FIRST(dst) ⊇ FIRST(src), reach(dst) ⊇ reach(src)).
  const cap = epsStart[n] + 2 * callStart[n] + 2 * nfa.ctrBody.length;
  const src = new Int32Array(cap), dst = new Int32Array(cap);
  let m = 0;
  const edge = (from: number, into: number): void => {
    if (live(from) && live(into)) {
      src[m] = from;
      dst[m++] = into;
    }
  };
  for (let s = 0; s < n; s++) {
    for (let k = epsStart[s]; k < epsStart[s + 1]; k++) {
      const t = epsTo[k];
      if (t >= 0) edge(t, s);
      else edge(nfa.bodyEntry[nfa.ctrBody[nfa.linkCtr[-t - 1]]], s);
    }
    for (let k = callStart[s]; k < callStart[s + 1]; k++) {
      if (!callLive(k)) continue;
      edge(starts[callRule[k]], s);
      if (ruleMin[callRule[k]] === 0) edge(callRet[k], s);
    }
  }
  // A body's exit goes on to the next copy and to what follows its counters.
  for (let c = 0; c < nfa.ctrBody.length; c++) {
    const b = nfa.ctrBody[c];
    if (nfa.ctrEnd[c] >= n) continue;
    edge(nfa.bodyEntry[b], nfa.bodyExit[b]);
    edge(nfa.ctrEnd[c], nfa.bodyExit[b]);
  }
  // FOLLOW reads FIRST and reach of return states only: keep the states those depend on (what a
  // return state reaches through epsilon edges, counter links and rule entries: a few per call,
  // out of 50-150k states in a big schema's NFA) and the inclusions among them.
  const rets: number[] = [];
  for (let s = 0; s < n; s++) for (let k = callStart[s]; k < callStart[s + 1]; k++) if (callLive(k)) rets.push(callRet[k]);
  const need = dependencies(n, src, dst, m, rets);
  let kept = 0;
  for (let e = 0; e < m; e++) {
    if (need[dst[e]] === 0) continue;
    src[kept] = src[e];
    dst[kept++] = dst[e];
  }
  m = kept;
  const first = new Uint32Array(n * 8);
  const reach = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    if (!(nfa.flags[s] & NFA_BYTES) || need[s] === 0) continue;
    for (let k = edgeStart[s]; k < edgeStart[s + 1]; k++) {
      if (!live(edgeTo[k])) continue;
      setBits(first, s * 8, classLo[edgeLo[k]], classHi[edgeHi[k]]);
    }
  }
  for (const e of ends) reach[e] = 1;
  propagate(n, src, dst, m, first, reach, need);
  // FOLLOW per rule, by a fixpoint over the calls.
  const follow = new Uint32Array(nRules * 8);
  for (let changed = true; changed; ) {
    changed = false;
    for (let s = 0; s < n; s++) {
      for (let k = callStart[s]; k < callStart[s + 1]; k++) {
        if (!callLive(k)) continue;
        const r = callRule[k], ret = callRet[k], caller = ruleOf[s];
        for (let w = 0; w < 8; w++) {
          let v = follow[r * 8 + w] | first[ret * 8 + w];
          if (reach[ret]) v |= follow[caller * 8 + w];
          v >>>= 0;
          if (v !== follow[r * 8 + w]) {
            follow[r * 8 + w] = v;
            changed = true;
          }
        }
      }
    }
  }
  return follow;
}

/** Sets bits `lo..hi` (inclusive) of the 256-bit set at `set[base .. base + 8)`, a word at a time. */
function setBits(set: Uint32Array, base: number, lo: number, hi: number): void {
  for (let w = lo >>> 5, last = hi >>> 5; w <= last; w++) {
    const from = w === lo >>> 5 ? lo & 31 : 0, to = w === last ? hi & 31 : 31;
    set[base + w] |= (to === 31 ? 0xffffffff : (1 << (to + 1)) - 1) & ~((1 << from) - 1);
  }
}

/** The edges `from[e] → to[e]` (e < m) as CSR lists over states `0..n`: `list[start[s] .. start[s + 1])` are the `to` of s. */
function adjacency(n: number, from: Int32Array, to: Int32Array, m: number): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) start[from[e] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const list = new Int32Array(m);
  const at = start.slice(0, n);
  for (let e = 0; e < m; e++) list[at[from[e]]++] = to[e];
  return { start, list };
}

/** Per state, 1 when some state of `from` depends on it: reachable from `from` along `dst → src` of the inclusions. */
function dependencies(n: number, src: Int32Array, dst: Int32Array, m: number, from: readonly number[]): Uint8Array {
  const { start: inStart, list: ins } = adjacency(n, dst, src, m);
  const need = new Uint8Array(n);
  const stack: number[] = [];
  for (const s of from) {
    if (need[s]) continue;
    need[s] = 1;
    stack.push(s);
    while (stack.length > 0) {
      const x = stack.pop()!;
      for (let e = inStart[x]; e < inStart[x + 1]; e++) {
        const y = ins[e];
        if (need[y] === 0) {
          need[y] = 1;
          stack.push(y);
        }
      }
    }
  }
  return need;
}

/** Propagates FIRST sets and reach flags along `src → dst` inclusions (among the states `need` marks) until nothing changes. */
function propagate(n: number, src: Int32Array, dst: Int32Array, m: number, first: Uint32Array, reach: Uint8Array, need: Uint8Array): void {
  const { start: outStart, list: out } = adjacency(n, src, dst, m);
  const queued = new Uint8Array(n);
  const work = new Int32Array(n);
  let head = 0, len = 0;
  for (let i = 0; i < n; i++) {
    if (need[i] === 0) continue;
    queued[i] = 1;
    work[len++] = i;
  }
  while (len > 0) {
    const s = work[head];
    head = head + 1 === n ? 0 : head + 1;
    len--;
    queued[s] = 0;
    for (let e = outStart[s]; e < outStart[s + 1]; e++) {
      const d = out[e];
      if (d === s) continue;
      let changed = 0;
      for (let w = 0; w < 8; w++) {
        const v = (first[d * 8 + w] | first[s * 8 + w]) >>> 0;
        if (v !== first[d * 8 + w]) {
          first[d * 8 + w] = v;
          changed = 1;
        }
      }
      if (reach[s] && !reach[d]) {
        reach[d] = 1;
        changed = 1;
      }
      if (changed && !queued[d]) {
        queued[d] = 1;
        let tail = head + len;
        if (tail >= n) tail -= n;
        work[tail] = d;
        len++;
      }
    }
  }
}
