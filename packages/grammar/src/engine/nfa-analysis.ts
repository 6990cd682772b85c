/**
 * Analysis of a rule's NFA when it is built (`analyzeRule`: at compile for the
 * root, on first need for the other called rules): the shortest completion
 * of every state (what trims dead states and gives every DFA state its
 * `minBytes`) and the per-state flags the subset construction reads; and the
 * left-recursion check over every rule's NFA (`checkLeftRecursion`, run at
 * compile when the IR cannot rule it out: `rule-facts.ts`). The empty-language
 * check reads the root's shortest string, from the IR.
 *
 * Shortest completions: `dist[s]` = min(0 at the rule's end or a body exit,
 * dist[t] over epsilon edges, 1 + dist[t] over byte edges, ruleMin[r] +
 * dist[ret] over calls (ruleMin from the IR, so no other rule is read),
 * copies × bodyDist + dist[end] over links into a counter), by relaxation
 * sweeps over the rule's states in descending order (the builder numbers
 * states in reading order, so a sweep settles all but what lies behind a
 * loop's back edge: 2-4 sweeps on MaskBench-dev grammars), or past
 * `MAX_SWEEPS` by Knuth's generalisation of Dijkstra (a link edge is
 * evaluated once both states it depends on are final), which needs the
 * reversed graph but no sweeps.
 */
import { CompileError } from "@formwork/core";
import { NFA_BYTES, NFA_CALLS, NFA_DISJOINT, NFA_IMPORTANT, type Nfa } from "./nfa.js";

/** A binary min-heap of (cost, state) pairs; stale entries are skipped by the caller. */
class CostHeap {
  key = new Float64Array(64);
  val = new Int32Array(64);
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

  /** Removes the smallest entry; read it from `key[0]`/`val[0]` first. */
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

/** CSR lists from (key, value) pairs: `val[start[k] .. start[k + 1])` are the values of key k. */
function group(n: number, keys: ArrayLike<number>, vals: ArrayLike<number>, m: number): { start: Int32Array; val: Int32Array } {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < m; i++) start[keys[i] + 1]++;
  for (let k = 0; k < n; k++) start[k + 1] += start[k];
  const at = start.slice(0, n);
  const val = new Int32Array(m);
  for (let i = 0; i < m; i++) val[at[keys[i]]++] = vals[i];
  return { start, val };
}

/**
 * Computes `nfa.dist` and `nfa.flags` of the states `lo..hi` just built for
 * one rule (ending at `end`), and `nfa.bodyDist` of its bodies (`bodies..`):
 * every edge of those states stays among them, and a call counts its rule's
 * shortest string (`ruleMin`, from the IR), so no other rule's states are read.
 */
export function analyzeRule(nfa: Nfa, lo: number, hi: number, end: number, bodies: number, ruleMin: Float64Array): void {
  const d = shortestCompletions(nfa, lo, hi, end, bodies, nfa.bodyEntry.length, ruleMin);
  const dist = nfa.dist;
  dist.set(d, lo);
  for (let b = bodies; b < nfa.bodyEntry.length; b++) nfa.bodyDist[b] = dist[nfa.bodyEntry[b]];
  const { flags, edgeStart, edgeLo, edgeHi, edgeTo, callStart, callRule, callRet } = nfa;
  for (let s = lo; s < hi; s++) {
    let f = NFA_DISJOINT;
    for (let k = edgeStart[s]; k < edgeStart[s + 1]; k++) {
      if (dist[edgeTo[k]] < Infinity) f |= NFA_BYTES | NFA_IMPORTANT;
      if (k > edgeStart[s] && edgeLo[k] <= edgeHi[k - 1]) f &= ~NFA_DISJOINT;
    }
    for (let k = callStart[s]; k < callStart[s + 1]; k++) if (ruleMin[callRule[k]] < Infinity && dist[callRet[k]] < Infinity) f |= NFA_CALLS | NFA_IMPORTANT;
    flags[s] = f;
  }
  flags[end] |= NFA_IMPORTANT;
}

/** Sweeps `sweepCompletions` tries before it leaves the rest to the exact search (`dijkstraCompletions`). */
const MAX_SWEEPS = 8;

/**
 * Shortest completions of the states `lo..hi` of one rule (its end `end`, its
 * bodies `bodies..bodiesEnd`; entry i is state lo + i): relaxation sweeps over the
 * states in descending order (the builder numbers a construct's states in
 * reading order, so most edges go up and one sweep settles them; a loop's back
 * edge needs one more), until a sweep reads no value that changes after it
 * was read (then no edge improves any value). Each value is always the cost
 * of a real completion and, once no edge improves any, every value is the
 * least (the inequalities along a shortest completion bound it), so the
 * result is exact. A rule that needs more than `MAX_SWEEPS` sweeps goes to
 * the Dijkstra search, which needs the reversed graph but no sweeps.
 */
export function shortestCompletions(nfa: Nfa, lo: number, hi: number, end: number, bodies: number, bodiesEnd: number, ruleMin: Float64Array): Float64Array<ArrayBuffer> {
  const n = hi - lo;
  const { epsStart, epsTo, edgeStart, edgeTo, callStart, callRule, callRet, linkCtr, ctrBody, ctrEnd, ctrMin, bodyEntry } = nfa;
  const dist = new Float64Array(n).fill(Infinity);
  dist[end - lo] = 0;
  for (let b = bodies; b < bodiesEnd; b++) dist[nfa.bodyExit[b] - lo] = 0;
  // back[t]: some state above t reads t. A sweep reads states above the one it is at after their update
  // in the same sweep, states below it before theirs: when no state read that way changes, every value
  // read was final and the sweep ends the search (no sweep that only confirms it).
  const back = new Uint8Array(n);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let again = false;
    for (let i = n - 1; i >= 0; i--) {
      let d = dist[i];
      if (d === 0) continue;
      const s = i + lo;
      for (let k = epsStart[s], e = epsStart[s + 1]; k < e; k++) {
        const t = epsTo[k];
        let v: number;
        if (t >= 0) {
          const j = t - lo;
          if (j < i) back[j] = 1;
          v = dist[j];
        } else {
          const ctr = linkCtr[-t - 1];
          const a = bodyEntry[ctrBody[ctr]] - lo, b = ctrEnd[ctr] - lo;
          if (a < i) back[a] = 1;
          if (b < i) back[b] = 1;
          v = Math.max(1, ctrMin[ctr]) * dist[a] + dist[b];
        }
        if (v < d) d = v;
      }
      for (let k = edgeStart[s], e = edgeStart[s + 1]; k < e; k++) {
        const j = edgeTo[k] - lo;
        if (j < i) back[j] = 1;
        const v = dist[j] + 1;
        if (v < d) d = v;
      }
      for (let k = callStart[s], e = callStart[s + 1]; k < e; k++) {
        const b = callRet[k] - lo;
        if (b < i) back[b] = 1;
        const v = ruleMin[callRule[k]] + dist[b];
        if (v < d) d = v;
      }
      if (d < dist[i]) {
        dist[i] = d;
        if (back[i] === 1) again = true;
      }
    }
    if (!again) return dist;
  }
  return dijkstraCompletions(nfa, lo, hi, end, bodies, bodiesEnd, ruleMin);
}

/** `shortestCompletions` by Knuth's generalisation of Dijkstra's search (same arguments and result). */
export function dijkstraCompletions(nfa: Nfa, lo: number, hi: number, end: number, bodies: number, bodiesEnd: number, ruleMin: Float64Array): Float64Array<ArrayBuffer> {
  const n = hi - lo;
  const { epsStart, epsTo, edgeStart, edgeTo, callStart, callRule, callRet } = nfa;
  const dist = new Float64Array(n).fill(Infinity);
  // Reverse epsilon and byte edges (local numbers: state lo + i is i).
  const nEps = epsStart[hi] - epsStart[lo], nEdges = edgeStart[hi] - edgeStart[lo], nCalls = callStart[hi] - callStart[lo];
  const eFrom = new Int32Array(nEps), eTo = new Int32Array(nEps);
  // Binary edges: dist[from] <= k * dist[a] + dist[b] + c (calls: no a, c = the callee's shortest string,
  // b = the return state; links: a = the body's entry, b = the counter's end, k = max(1, copies required)).
  const m = nEps + nCalls;
  const bFrom = new Int32Array(m), bA = new Int32Array(m), bB = new Int32Array(m), bK = new Float64Array(m), bC = new Float64Array(m);
  let ne = 0, nb = 0;
  for (let i = 0; i < n; i++) {
    const s = i + lo;
    for (let k = epsStart[s]; k < epsStart[s + 1]; k++) {
      const t = epsTo[k];
      if (t >= 0) {
        eFrom[ne] = i;
        eTo[ne++] = t - lo;
      } else {
        const ctr = nfa.linkCtr[-t - 1];
        bFrom[nb] = i;
        bA[nb] = nfa.bodyEntry[nfa.ctrBody[ctr]] - lo;
        bB[nb] = nfa.ctrEnd[ctr] - lo;
        bK[nb++] = Math.max(1, nfa.ctrMin[ctr]);
      }
    }
    for (let k = callStart[s]; k < callStart[s + 1]; k++) {
      if (ruleMin[callRule[k]] === Infinity) continue;
      bFrom[nb] = i;
      bA[nb] = -1;
      bB[nb] = callRet[k] - lo;
      bC[nb++] = ruleMin[callRule[k]];
    }
  }
  const rev0 = group(n, eTo, eFrom, ne);
  const k0 = edgeStart[lo];
  const edgeFrom = new Int32Array(nEdges), edgeLocal = new Int32Array(nEdges);
  for (let i = 0; i < n; i++) for (let k = edgeStart[i + lo]; k < edgeStart[i + lo + 1]; k++) edgeFrom[k - k0] = i;
  for (let k = 0; k < nEdges; k++) edgeLocal[k] = edgeTo[k + k0] - lo;
  const rev1 = group(n, edgeLocal, edgeFrom, nEdges);
  // A loop, not Int32Array.from({ length }, map): that calls the map per element through the generic array-like path (~0.2 ms per 1,000).
  const ids = new Int32Array(nb);
  let nA = 0;
  const aKeys = new Int32Array(nb), aIds = new Int32Array(nb);
  for (let i = 0; i < nb; i++) {
    ids[i] = i;
    if (bA[i] >= 0) {
      aKeys[nA] = bA[i];
      aIds[nA++] = i;
    }
  }
  const byA = group(n, aKeys, aIds, nA);
  const byB = group(n, bB, ids, nb);
  // Cost-0 and cost-1 relaxations come in cost order: two FIFOs; binary edges go to a heap.
  const zq = new Int32Array(ne + n), zc = new Float64Array(ne + n);
  const uq = new Int32Array(nEdges + 1), uc = new Float64Array(nEdges + 1);
  let zh = 0, zt = 0, uh = 0, ut = 0;
  const heap = new CostHeap();
  const done = new Uint8Array(n);
  const source = (s: number): void => {
    if (dist[s] === 0) return;
    dist[s] = 0;
    zq[zt] = s;
    zc[zt++] = 0;
  };
  source(end - lo);
  for (let b = bodies; b < bodiesEnd; b++) source(nfa.bodyExit[b] - lo);
  const relaxBinary = (i: number): void => {
    const a = bA[i], b = bB[i], from = bFrom[i];
    if ((a >= 0 && done[a] === 0) || done[b] === 0 || done[from] === 1) return;
    const v = (a >= 0 ? bK[i] * dist[a] : 0) + dist[b] + bC[i];
    if (v < dist[from]) {
      dist[from] = v;
      heap.push(v, from);
    }
  };
  for (;;) {
    let d: number, x: number;
    const zd = zh < zt ? zc[zh] : Infinity, ud = uh < ut ? uc[uh] : Infinity, hd = heap.size > 0 ? heap.key[0] : Infinity;
    if (zd === Infinity && ud === Infinity && hd === Infinity) break;
    if (zd <= ud && zd <= hd) {
      d = zd;
      x = zq[zh++];
    } else if (ud <= hd) {
      d = ud;
      x = uq[uh++];
    } else {
      d = hd;
      x = heap.val[0];
      heap.pop();
    }
    if (done[x] === 1 || d > dist[x]) continue;
    done[x] = 1;
    for (let k = rev0.start[x]; k < rev0.start[x + 1]; k++) {
      const p = rev0.val[k];
      if (done[p] === 0 && d < dist[p]) {
        dist[p] = d;
        zq[zt] = p;
        zc[zt++] = d;
      }
    }
    const d1 = d + 1;
    for (let k = rev1.start[x]; k < rev1.start[x + 1]; k++) {
      const p = rev1.val[k];
      if (done[p] === 0 && d1 < dist[p]) {
        dist[p] = d1;
        uq[ut] = p;
        uc[ut++] = d1;
      }
    }
    for (let k = byA.start[x]; k < byA.start[x + 1]; k++) relaxBinary(byA.val[k]);
    for (let k = byB.start[x]; k < byB.start[x + 1]; k++) relaxBinary(byB.val[k]);
  }
  return dist;
}

/** Throws `left-recursion` when a rule can call itself again before reading a byte (every rule built). */
export function checkLeftRecursion(nfa: Nfa, starts: readonly number[], ruleMin: Float64Array, ruleNames: readonly string[]): void {
  const nRules = starts.length;
  const { dist, epsStart, epsTo, callStart, callRule, callRet } = nfa;
  const leftCalls: Set<number>[] = [];
  // seen[s] === r + 1: s was reached from rule r's start (no clearing between rules).
  const seen = new Int32Array(nfa.count);
  for (let r = 0; r < nRules; r++) {
    const out = new Set<number>();
    leftCalls.push(out);
    if (ruleMin[r] === Infinity) continue;
    const mark = r + 1;
    const work = [starts[r]];
    seen[starts[r]] = mark;
    const visit = (t: number): void => {
      if (dist[t] < Infinity && seen[t] !== mark) {
        seen[t] = mark;
        work.push(t);
      }
    };
    while (work.length > 0) {
      const s = work.pop()!;
      for (let k = epsStart[s]; k < epsStart[s + 1]; k++) {
        const t = epsTo[k];
        if (t >= 0) visit(t);
        else {
          // Into a counter: its body, and past it when the body can be empty.
          const ctr = nfa.linkCtr[-t - 1], body = nfa.ctrBody[ctr];
          visit(nfa.bodyEntry[body]);
          if (nfa.bodyDist[body] === 0) visit(nfa.ctrEnd[ctr]);
        }
      }
      for (let k = callStart[s]; k < callStart[s + 1]; k++) {
        const callee = callRule[k];
        if (ruleMin[callee] === Infinity) continue;
        out.add(callee);
        if (ruleMin[callee] === 0) visit(callRet[k]);
      }
    }
  }
  // Cycle search.
  const color = new Uint8Array(nRules);
  // Depth first with an explicit stack (a chain of thousands of rules, each calling the next
  // before reading anything, overflowed a recursive search): `path` holds the rules on the stack,
  // `its` their callee iterators.
  const dfs = (root: number): number[] | null => {
    const path: number[] = [root];
    const its: Iterator<number>[] = [leftCalls[root][Symbol.iterator]()];
    color[root] = 1;
    while (path.length > 0) {
      const step = its[its.length - 1].next();
      if (step.done) {
        color[path.pop()!] = 2;
        its.pop();
        continue;
      }
      const s = step.value;
      if (color[s] === 1) return path.slice(path.indexOf(s));
      if (color[s] === 0) {
        color[s] = 1;
        path.push(s);
        its.push(leftCalls[s][Symbol.iterator]());
      }
    }
    return null;
  };
  for (let r = 0; r < nRules; r++) {
    if (color[r] !== 0) continue;
    const cycle = dfs(r);
    if (cycle) {
      const names = cycle.map((i) => ruleNames[i]);
      throw new CompileError("left-recursion", `left recursion: ${[...names, names[0]].join(" → ")} can call itself again without reading any input`, {
        hint: `Rewrite it with repetition, e.g. "list ::= item (\\",\\" item)*" instead of "list ::= list \\",\\" item | item".`,
      });
    }
  }
}
