/**
 * The byte NFA of a grammar, in typed arrays, with counted repetition that
 * is instantiated lazily.
 *
 * Edges of state s (CSR, `start[s] .. start[s + 1]`): epsilon edges
 * (`epsTo`, a negative entry is a *link*, see below), byte edges over byte
 * classes (`edgeLo..edgeHi → edgeTo`, sorted by class; the classes are
 * computed from every byte edge of the grammar, `classOf`), and calls
 * (`callRule`, returning to `callRet`).
 *
 * Counted repetition (`x{m,n}` with many copies, as in `maxLength: 32767`)
 * is not copied out when the grammar is built. The item is built once, as a
 * *body* (a range of states with an entry and an exit, never entered
 * directly); each use is a *counter* (a body, m, n and the state after the
 * repetition). Copy i of a counter is instantiated, as new states at the
 * end of the arrays, the first time the subset construction follows the
 * link into it (the epsilon entry `-(link + 1)`, patched to the copy's entry
 * once instantiated). A copy's exit links to copy i + 1 (while i + 1 < n)
 * and reaches the counter's end (once i + 1 >= m). A body's own counters
 * (nested repetition) become new counters in every copy. So the automaton of
 * `x{0,32767}` costs the states the text actually reaches, not 32767 copies.
 *
 * Called rules are built the same way, one at a time, when first needed
 * (`RuleBuilder` in nfa-build.ts): rule r's states and its bodies are the
 * range `ruleLo[r] .. ruleHi[r]`, appended after whatever was built before
 * (other rules, copies).
 *
 * Per state: `dist` (fewest bytes to the end of its rule, or for body states
 * to the body's exit; `Infinity` when it cannot finish), `flags`, and
 * `canon`, an id that equal for two states that read the same within the next
 * `clampDepth` bytes (a built state is its own id; a copy state gets a
 * negative id per body state and the counter's remaining copies, clamped;
 * the token cache shares entries between such states).
 */
import { grownI32, grownU8, insertByLo, limitExceeded } from "@formwork/core/internal";
import { engineRaise } from "./options.js";

/** The state has byte edges or calls, or ends a rule: a DFA state's identity depends on it. */
export const NFA_IMPORTANT = 1;
/** The state has a byte edge into a state that can finish. */
export const NFA_BYTES = 2;
/** The state has a call of a rule that can finish, returning to a state that can finish. */
export const NFA_CALLS = 4;
/** The state's byte edges cover pairwise disjoint classes. */
export const NFA_DISJOINT = 8;

function grownF64(a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** The NFA of a grammar (see the module comment). */
export class Nfa {
  /** States, instantiated copies included. */
  count = 0;
  /**
   * States built from the grammar so far (rules and the bodies of their counted repetitions). A
   * called rule is built when the subset construction first needs it (`Automaton`), so its states
   * come after whatever was built before: rules, bodies and copies interleave; `ruleLo`/`ruleHi`
   * say which states are a rule's.
   */
  baseCount = 0;
  /** States `ruleLo[r] .. ruleHi[r]` are rule r's and its bodies' (-1 while r is not built). */
  ruleLo: number[] = [];
  ruleHi: number[] = [];
  readonly limit: number;
  /** Byte → byte class; classes are contiguous byte ranges in byte order. */
  classOf = new Uint8Array(256);
  nClasses = 0;
  classLo = new Uint8Array(0);
  classHi = new Uint8Array(0);

  epsStart = new Int32Array(1);
  epsTo = new Int32Array(0);
  edgeStart = new Int32Array(1);
  edgeLo = new Uint8Array(0);
  edgeHi = new Uint8Array(0);
  edgeTo = new Int32Array(0);
  callStart = new Int32Array(1);
  callRule = new Int32Array(0);
  callRet = new Int32Array(0);

  /** Per state: fewest bytes to the end of its rule (body states: to the body's exit). */
  dist = new Float64Array(0);
  /** Per state: `NFA_IMPORTANT | NFA_BYTES | NFA_CALLS`. */
  flags = new Uint8Array(0);
  /** Per state: equal for states that read alike for `clampDepth` bytes. */
  canon = new Int32Array(0);

  /** Bodies: entry, exit, first state after the body's range, rule it occurs in, shortest pass (entry's `dist`). */
  bodyEntry: number[] = [];
  bodyExit: number[] = [];
  bodyEnd: number[] = [];
  bodyRule: number[] = [];
  bodyDist: number[] = [];
  /** Counters: body, copies required and allowed, the state after the repetition, the copies instantiated so far (copy → first state). */
  ctrBody: number[] = [];
  ctrMin: number[] = [];
  ctrMax: number[] = [];
  ctrEnd: number[] = [];
  ctrCopies: (Map<number, number> | null)[] = [];
  /** Links: the counter and copy an epsilon entry `-(link + 1)` leads into. */
  linkCtr: number[] = [];
  linkCopy: number[] = [];
  /** Copies with more than this many copies left count as this many (see `canon`). */
  clampDepth = 0;
  /** Canonical ids of copy states, by (end's canonical id) then (body state, left, need); see `canonOf`. */
  private canonIds = new Map<number, Map<number, number>>();
  private canonCount = 0;
  private nEps = 0;
  private nEdges = 0;
  private nCalls = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Throws `max-nfa-states` unless `n` more states fit. */
  reserve(n: number): void {
    if (this.count + n > this.limit) {
      throw limitExceeded("maxNfaStates", this.limit, undefined, {
        what: "the grammar",
        advice: "Lower big repetition counts ({m,n}) or split huge alternations into rules.",
        raise: engineRaise("maxNfaStates"),
      });
    }
  }

  /** A new counter of `body` (`min..max` copies, then `end`); returns its id. */
  addCounter(body: number, min: number, max: number, end: number): number {
    this.ctrBody.push(body);
    this.ctrMin.push(min);
    this.ctrMax.push(max);
    this.ctrEnd.push(end);
    this.ctrCopies.push(null);
    return this.ctrBody.length - 1;
  }

  /** A new link into copy `copy` of counter `ctr`; returns its epsilon entry (negative). */
  addLink(ctr: number, copy: number): number {
    this.linkCtr.push(ctr);
    this.linkCopy.push(copy);
    return -this.linkCtr.length;
  }

  /** Sets the byte classes (computed from the grammar before any state is built: `rule-facts.ts`). */
  setClasses(classOf: Uint8Array<ArrayBuffer>, lo: Uint8Array<ArrayBuffer>, hi: Uint8Array<ArrayBuffer>): void {
    this.classOf = classOf;
    this.nClasses = lo.length;
    this.classLo = lo;
    this.classHi = hi;
  }

  /**
   * Takes the edges of the states `from..count` just built (flat `from, to` pairs in `eb`, `from,
   * lo, hi, to` byte edges over bytes in `bb`, `from, rule, ret` calls in `cb`, every `from` in that
   * range) into the CSR lists, byte edges as sorted class ranges; new states get their own
   * canonical id. Their `dist` and `flags` are the analysis's to fill.
   */
  appendBuilt(from: number, eb: Int32Array, ne: number, bb: Int32Array, nb: number, cb: Int32Array, ncall: number): void {
    const n = this.count, m = n - from;
    this.growStates(n);
    const at = new Int32Array(m + 1);
    // Epsilon edges, in the order added per state.
    for (let i = 0; i < ne; i += 2) at[eb[i] - from + 1]++;
    this.epsStart[from] = this.nEps;
    for (let j = 0; j < m; j++) this.epsStart[from + j + 1] = this.epsStart[from + j] + at[j + 1];
    this.epsTo = grownI32(this.epsTo, this.nEps + (ne >>> 1));
    for (let j = 0; j < m; j++) at[j] = this.epsStart[from + j];
    for (let i = 0; i < ne; i += 2) this.epsTo[at[eb[i] - from]++] = eb[i + 1];
    this.nEps += ne >>> 1;
    // Byte edges, each state's list sorted by class.
    at.fill(0);
    for (let i = 0; i < nb; i += 4) at[bb[i] - from + 1]++;
    this.edgeStart[from] = this.nEdges;
    for (let j = 0; j < m; j++) this.edgeStart[from + j + 1] = this.edgeStart[from + j] + at[j + 1];
    const need = this.nEdges + (nb >>> 2);
    if (need > this.edgeTo.length) {
      this.edgeTo = grownI32(this.edgeTo, need);
      this.edgeLo = grownU8(this.edgeLo, need);
      this.edgeHi = grownU8(this.edgeHi, need);
    }
    for (let j = 0; j < m; j++) at[j] = this.edgeStart[from + j];
    const classOf = this.classOf;
    for (let i = 0; i < nb; i += 4) {
      const s = bb[i] - from;
      insertByLo(this.edgeLo, this.edgeHi, this.edgeTo, this.edgeStart[from + s], at[s]++, classOf[bb[i + 1]], classOf[bb[i + 2]], bb[i + 3]);
    }
    this.nEdges = need;
    // Calls, in the order added per state.
    at.fill(0);
    for (let i = 0; i < ncall; i += 3) at[cb[i] - from + 1]++;
    this.callStart[from] = this.nCalls;
    for (let j = 0; j < m; j++) this.callStart[from + j + 1] = this.callStart[from + j] + at[j + 1];
    const needCalls = this.nCalls + ncall / 3;
    if (needCalls > this.callRule.length) {
      this.callRule = grownI32(this.callRule, needCalls);
      this.callRet = grownI32(this.callRet, needCalls);
    }
    for (let j = 0; j < m; j++) at[j] = this.callStart[from + j];
    for (let i = 0; i < ncall; i += 3) {
      const k = at[cb[i] - from]++;
      this.callRule[k] = cb[i + 1];
      this.callRet[k] = cb[i + 2];
    }
    this.nCalls = needCalls;
    for (let s = from; s < n; s++) this.canon[s] = s;
    this.baseCount += m;
  }

  /** The rule of every state built from the grammar (bodies: the rule they occur in); -1 for copies of counted repetitions and states of rules not built. */
  builtRuleOf(): Int32Array {
    const out = new Int32Array(this.count).fill(-1);
    for (let r = 0; r < this.ruleLo.length; r++) if (this.ruleLo[r] >= 0) out.fill(r, this.ruleLo[r], this.ruleHi[r]);
    return out;
  }

  /**
   * The first state of copy `copy` of counter `ctr`, instantiated now if
   * needed; -1 when the copy cannot finish (its body, or what follows the
   * repetition, never ends).
   */
  enterLink(link: number): number {
    const ctr = this.linkCtr[link], copy = this.linkCopy[link];
    const body = this.ctrBody[ctr];
    if (this.bodyDist[body] === Infinity || this.dist[this.ctrEnd[ctr]] === Infinity) return -1;
    let copies = this.ctrCopies[ctr];
    if (copies === null) this.ctrCopies[ctr] = copies = new Map();
    const hit = copies.get(copy);
    if (hit !== undefined) return hit;
    const base = this.instantiate(ctr, copy);
    copies.set(copy, base);
    return base;
  }

  /** Grows the per-state arrays (CSR starts, `dist`, `flags`, `canon`) to hold n states. */
  private growStates(n: number): void {
    this.epsStart = grownI32(this.epsStart, n + 1);
    this.edgeStart = grownI32(this.edgeStart, n + 1);
    this.callStart = grownI32(this.callStart, n + 1);
    this.dist = grownF64(this.dist, n);
    this.flags = grownU8(this.flags, n);
    this.canon = grownI32(this.canon, n);
  }

  /** Appends copy `i` of counter `ctr` (states, edges, analysis); returns its entry state. */
  private instantiate(ctr: number, i: number): number {
    const body = this.ctrBody[ctr], min = this.ctrMin[ctr], max = this.ctrMax[ctr], end = this.ctrEnd[ctr];
    const b0 = this.bodyEntry[body], b1 = this.bodyEnd[body], exit = this.bodyExit[body];
    const len = b1 - b0;
    this.reserve(len);
    const base = this.count;
    const shift = base - b0;
    const n = base + len;
    this.growStates(n);
    const offset = Math.max(0, min - i - 1) * this.bodyDist[body] + this.dist[end];
    const left = this.clamp(max - i - 1), need = this.clamp(Math.max(0, min - i - 1));
    const endCanon = this.canon[end];
    for (let s = b0; s < b1; s++) {
      const t = s + shift;
      // Epsilon edges: inside the body (shifted), or links into nested counters (a new counter per copy).
      for (let k = this.epsStart[s], e = this.epsStart[s + 1]; k < e; k++) {
        const to = this.epsTo[k];
        if (to >= 0) this.pushEps(to + shift);
        else {
          const inner = this.linkCtr[-to - 1];
          const c = this.addCounter(this.ctrBody[inner], this.ctrMin[inner], this.ctrMax[inner], this.ctrEnd[inner] + shift);
          this.pushEps(this.addLink(c, 0));
        }
      }
      if (s === exit) {
        if (i + 1 < max) this.pushEps(this.addLink(ctr, i + 1));
        if (i + 1 >= min) this.pushEps(end);
      }
      this.epsStart[t + 1] = this.nEps;
      for (let k = this.edgeStart[s], e = this.edgeStart[s + 1]; k < e; k++) this.pushEdge(this.edgeLo[k], this.edgeHi[k], this.edgeTo[k] + shift);
      this.edgeStart[t + 1] = this.nEdges;
      for (let k = this.callStart[s], e = this.callStart[s + 1]; k < e; k++) this.pushCall(this.callRule[k], this.callRet[k] + shift);
      this.callStart[t + 1] = this.nCalls;
      this.dist[t] = this.dist[s] + offset;
      this.flags[t] = this.flags[s];
      this.canon[t] = this.canonOf(s, left, need, endCanon);
    }
    this.count = n;
    return b0 + shift;
  }

  private clamp(k: number): number {
    return Math.min(k, this.clampDepth);
  }

  private canonOf(s: number, left: number, need: number, end: number): number {
    // left and need are at most clampDepth: (s, left, need) is one exact double while s * w * w < 2^53.
    const w = this.clampDepth + 1;
    const key = (s * w + left) * w + need;
    let byEnd = this.canonIds.get(end);
    if (byEnd === undefined) this.canonIds.set(end, (byEnd = new Map()));
    let id = byEnd.get(key);
    // Negative: built states are their own id (rules are built at any time, so no range above them is free).
    if (id === undefined) byEnd.set(key, (id = -1 - this.canonCount++));
    return id;
  }

  private pushEps(to: number): void {
    if (this.nEps === this.epsTo.length) this.epsTo = grownI32(this.epsTo, this.nEps + 1);
    this.epsTo[this.nEps++] = to;
  }

  private pushEdge(lo: number, hi: number, to: number): void {
    if (this.nEdges === this.edgeTo.length) {
      this.edgeTo = grownI32(this.edgeTo, this.nEdges + 1);
      this.edgeLo = grownU8(this.edgeLo, this.nEdges + 1);
      this.edgeHi = grownU8(this.edgeHi, this.nEdges + 1);
    }
    this.edgeLo[this.nEdges] = lo;
    this.edgeHi[this.nEdges] = hi;
    this.edgeTo[this.nEdges++] = to;
  }

  private pushCall(rule: number, ret: number): void {
    if (this.nCalls === this.callRule.length) {
      this.callRule = grownI32(this.callRule, this.nCalls + 1);
      this.callRet = grownI32(this.callRet, this.nCalls + 1);
    }
    this.callRule[this.nCalls] = rule;
    this.callRet[this.nCalls++] = ret;
  }
}
