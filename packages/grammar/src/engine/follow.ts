/**
 * Which bytes can come right after a rule ends, whatever the stack: a
 * stack-independent over-approximation that lets the token cache skip
 * escape points no continuation can use (an identifier's accepting states
 * have thousands of trie nodes below them, and only the few whose next byte
 * can follow an identifier need a run-time look at the stack).
 *
 * Computed on the NFA (the states built from the grammar) the first time a
 * cache entry needs it, when every rule is built by then; otherwise the
 * automaton computes the sets on the IR instead (`rule-facts.ts`
 * `irFollowBytes`), so that no mask builds every rule. For every state: FIRST, the bytes it
 * can read next without leaving its rule (through epsilon edges, into
 * counters and on past a body's exit to the next copy and the counter's end,
 * into called rules and past nullable ones), and whether it can reach its
 * rule's end without a byte. Then FOLLOW(r) is the union, over the calls of
 * r, of FIRST of the return state, plus FOLLOW of the caller's rule when the
 * return state can reach its end. A callee's own FOLLOW never leaks into its
 * caller's FIRST. FIRST and reach are propagated only among the states the
 * return states depend on (about 5% of a big schema's NFA), found by a walk
 * from the return states (no pass over every state's edges), and FOLLOW by a
 * worklist over the rules (no rounds over every call). A counter link the
 * subset construction has already patched to a copy counts as the link, so
 * the sets do not depend on how much of the automaton was built.
 */
import { NFA_BYTES, type Nfa } from "./nfa.js";

/** `out[r * 8 .. r * 8 + 8)`: the 256-bit set of bytes that can follow the end of rule r. */
export function followBytes(nfa: Nfa, starts: readonly number[], ends: readonly number[], ruleMin: Float64Array): Uint32Array {
  const n = nfa.count, nRules = starts.length;
  const { dist, epsStart, epsTo, edgeStart, edgeLo, edgeHi, edgeTo, callStart, callRule, callRet, classLo, classHi } = nfa;
  const { bodyEntry, bodyExit, ctrBody, ctrEnd, linkCtr } = nfa;
  const live = (s: number): boolean => dist[s] < Infinity;
  const callLive = (k: number): boolean => ruleMin[callRule[k]] < Infinity && live(callRet[k]);
  // The rule of every state built from the grammar (every rule is built); -1 for copies.
  const ruleOf = nfa.builtRuleOf();
  // A link into a counter stands for its body's entry. The subset construction patches the links
  // it follows to the entry of the copy it instantiated: map those back, so the sets do not depend
  // on how far the automaton was built.
  const copyCtr = new Map<number, number>();
  for (let c = 0; c < ctrBody.length; c++) nfa.ctrCopies[c]?.forEach((entry) => copyCtr.set(entry, c));
  // A body's exit goes on to the next copy and to what follows its counters: exit → counters.
  const exitCtrs = new Map<number, number[]>();
  for (let c = 0; c < ctrBody.length; c++) {
    if (ruleOf[ctrEnd[c]] < 0) continue;
    const x = bodyExit[ctrBody[c]], list = exitCtrs.get(x);
    if (list === undefined) exitCtrs.set(x, [c]);
    else list.push(c);
  }
  // FOLLOW reads FIRST and reach of return states only: walk from them to the states they depend
  // on (through epsilon edges, counter links and rule entries: a few per call, out of 50-150k
  // states in a big schema's NFA), numbering them densely, and record the inclusions
  // FIRST(x) ⊇ FIRST(y), reach(x) ⊇ reach(y) as (x, y) pairs of those numbers.
  const id = new Int32Array(n).fill(-1);
  const states: number[] = [];
  const incX: number[] = [], incY: number[] = [];
  const visit = (s: number): void => {
    if (id[s] >= 0) return;
    id[s] = states.length;
    states.push(s);
  };
  const calls: number[] = [];
  for (let s = 0; s < n; s++) {
    if (ruleOf[s] < 0) continue;
    for (let k = callStart[s]; k < callStart[s + 1]; k++) {
      if (!callLive(k)) continue;
      calls.push(k, s);
      visit(callRet[k]);
    }
  }
  for (let i = 0; i < states.length; i++) {
    const x = states[i];
    const dep = (y: number): void => {
      if (!live(y)) return;
      visit(y);
      incX.push(i);
      incY.push(id[y]);
    };
    for (let k = epsStart[x]; k < epsStart[x + 1]; k++) {
      const t = epsTo[k];
      if (t < 0) dep(bodyEntry[ctrBody[linkCtr[-t - 1]]]);
      else if (ruleOf[t] >= 0) dep(t);
      else {
        const c = copyCtr.get(t);
        if (c !== undefined) dep(bodyEntry[ctrBody[c]]);
      }
    }
    for (let k = callStart[x]; k < callStart[x + 1]; k++) {
      if (!callLive(k)) continue;
      dep(starts[callRule[k]]);
      if (ruleMin[callRule[k]] === 0) dep(callRet[k]);
    }
    const ctrs = exitCtrs.get(x);
    if (ctrs !== undefined) {
      for (const c of ctrs) {
        dep(bodyEntry[ctrBody[c]]);
        dep(ctrEnd[c]);
      }
    }
  }
  const count = states.length;
  const first = new Uint32Array(count * 8);
  const reach = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const s = states[i];
    if (!(nfa.flags[s] & NFA_BYTES)) continue;
    for (let k = edgeStart[s]; k < edgeStart[s + 1]; k++) {
      if (!live(edgeTo[k])) continue;
      setBits(first, i * 8, classLo[edgeLo[k]], classHi[edgeHi[k]]);
    }
  }
  for (const e of ends) if (e >= 0 && id[e] >= 0) reach[id[e]] = 1;
  propagate(count, incY, incX, first, reach);
  // FOLLOW per rule: what the return states of its calls read, and, through the calls whose return
  // state reaches its rule's end, the caller's FOLLOW: a worklist over the rules.
  const follow = new Uint32Array(nRules * 8);
  const fromRule: number[] = [], toRule: number[] = [];
  for (let j = 0; j < calls.length; j += 2) {
    const k = calls[j], r = callRule[k], ret = id[callRet[k]];
    for (let w = 0; w < 8; w++) follow[r * 8 + w] |= first[ret * 8 + w];
    if (reach[ret]) {
      fromRule.push(ruleOf[calls[j + 1]]);
      toRule.push(r);
    }
  }
  propagate(nRules, fromRule, toRule, follow, null);
  return follow;
}

/** Sets bits `lo..hi` (inclusive) of the 256-bit set at `set[base .. base + 8)`, a word at a time. */
export function setBits(set: Uint32Array, base: number, lo: number, hi: number): void {
  for (let w = lo >>> 5, last = hi >>> 5; w <= last; w++) {
    const from = w === lo >>> 5 ? lo & 31 : 0, to = w === last ? hi & 31 : 31;
    set[base + w] |= (to === 31 ? 0xffffffff : (1 << (to + 1)) - 1) & ~((1 << from) - 1);
  }
}

/**
 * Least fixpoint of `set(to[e]) ⊇ set(from[e])` (and the same for `flag`, when given) over items
 * `0..count`, the 256-bit sets at `set[i * 8 .. i * 8 + 8)`: a worklist, each item queued again
 * when its set grows.
 */
export function propagate(count: number, from: readonly number[], to: readonly number[], set: Uint32Array, flag: Uint8Array | null): void {
  const m = from.length;
  const start = new Int32Array(count + 1);
  for (let e = 0; e < m; e++) start[from[e] + 1]++;
  for (let i = 0; i < count; i++) start[i + 1] += start[i];
  const out = new Int32Array(m);
  const at = start.slice(0, count);
  for (let e = 0; e < m; e++) out[at[from[e]]++] = to[e];
  const queued = new Uint8Array(count).fill(1);
  const work = new Int32Array(count);
  for (let i = 0; i < count; i++) work[i] = i;
  let head = 0, len = count;
  while (len > 0) {
    const s = work[head];
    head = head + 1 === count ? 0 : head + 1;
    len--;
    queued[s] = 0;
    for (let e = start[s]; e < start[s + 1]; e++) {
      const d = out[e];
      if (d === s) continue;
      let changed = 0;
      for (let w = 0; w < 8; w++) {
        const v = (set[d * 8 + w] | set[s * 8 + w]) >>> 0;
        if (v !== set[d * 8 + w]) {
          set[d * 8 + w] = v;
          changed = 1;
        }
      }
      if (flag !== null && flag[s] && !flag[d]) {
        flag[d] = 1;
        changed = 1;
      }
      if (changed && !queued[d]) {
        queued[d] = 1;
        let tail = head + len;
        if (tail >= count) tail -= count;
        work[tail] = d;
        len++;
      }
    }
  }
}
