/**
 * Subset construction, one DFA state at a time: the automaton asks for a
 * state's transitions the first time something reads them (`expand`), so a
 * grammar costs the states its texts and token walks reach, not all of
 * them. Call edges are letters of the alphabet like bytes: a DFA state may
 * call several rules, each with its own return state.
 *
 * A DFA state is identified by its rule and the *important* NFA states of
 * its closure (those with a byte or call edge, and rule ends; states that
 * cannot finish are left out): the epsilon-only states of the Thompson
 * construction decide nothing, and leaving them out keeps the sets short.
 * Sets live in one typed-array arena and are interned by hash; target lists
 * of a class (what a state reads on it, before the closure) are memoised
 * too, so that equal moves are closed only once.
 */
import { dedupSorted, grownI32, hashList, insertByLo, limitExceeded, ListTable, sortPrefix } from "@formwork/core/internal";
import { engineRaise } from "./options.js";
import { NFA_BYTES, NFA_CALLS, NFA_DISJOINT, NFA_IMPORTANT, type Nfa } from "./nfa.js";

/** Where the subset construction writes a new state's facts (the automaton). */
export interface DfaSink {
  stateCount: number;
  /** Makes room for state `q` (filled in by the caller). */
  addState(q: number, rule: number, accepting: boolean, minBytes: number, hasBytes: boolean, hasCalls: boolean, cacheKey: number): void;
  /** Sets `trans[q * nClasses + c]` for classes `lo..hi`. */
  setRow(q: number, lo: number, hi: number, to: number): void;
  /** Records the calls of q: `rules[i]` returning to `rets[i]`, i < n (the arrays are the caller's scratch: copy them). */
  setCalls(q: number, rules: Int32Array, rets: Int32Array, n: number): void;
}

/** The sets behind the DFA states, and the scratch of the construction. */
export class SubsetBuilder {
  private readonly nfa: Nfa;
  private readonly ends: readonly number[];
  private readonly ruleMin: Float64Array;
  private readonly maxStates: number;
  /** NFA sets of the DFA states (owner: the rule); ids are DFA state ids. */
  private readonly sets = new ListTable();
  /** Canonical sets (`Nfa.canon` of the members), for `cacheKey`. */
  private readonly canonSets = new ListTable();
  /** Target lists of a class → DFA state. */
  private readonly lists = new ListTable();
  private listState = new Int32Array(256);
  // Per NFA state (grown with the NFA): closure stamps (only increase) and the DFA state of a lone target.
  private mark = new Int32Array(0);
  private single = new Int32Array(0);
  private stamp = 0;
  private stack = new Int32Array(256);
  private cl = new Int32Array(256);
  private clLen = 0;
  private tmp = new Int32Array(256);
  private canonTmp = new Int32Array(256);
  private pairs = new Int32Array(64);
  /** Scratch of `expandCalls`: the rules called and their return states. */
  private callRules = new Int32Array(16);
  private callRets = new Int32Array(16);
  private eLo = new Int32Array(64);
  private eHi = new Int32Array(64);
  private eTo = new Int32Array(64);
  private head = new Int32Array(0);
  private touched = new Int32Array(0);
  private entVal = new Int32Array(256);
  private entNext = new Int32Array(256);

  constructor(nfa: Nfa, ends: readonly number[], ruleMin: Float64Array, maxStates: number) {
    this.nfa = nfa;
    this.ends = ends;
    this.ruleMin = ruleMin;
    this.maxStates = maxStates;
    this.head = new Int32Array(nfa.nClasses).fill(-1);
    this.touched = new Int32Array(nfa.nClasses);
    this.growNfa();
  }

  /** The DFA state of rule `rule` that starts at NFA state `s`. */
  start(out: DfaSink, s: number, rule: number): number {
    this.tmp[0] = s;
    this.closure(this.tmp, 1);
    return this.intern(out, rule);
  }

  /** Computes the transitions and calls of DFA state q (its targets are created, not expanded). */
  expand(out: DfaSink, q: number, rule: number): void {
    const { sets, nfa } = this;
    const nc = nfa.nClasses;
    const so = sets.off[q], se = sets.off[q + 1];
    out.setRow(q, 0, nc - 1, -1);
    const s0 = sets.data[so];
    if (se - so === 1 && nfa.flags[s0] & NFA_DISJOINT) {
      // One NFA state with disjoint edges (the most common case): its sorted edges are the runs.
      for (let k = nfa.edgeStart[s0], e = nfa.edgeStart[s0 + 1]; k < e; k++) {
        const t = this.moveOne(out, nfa.edgeTo[k], rule);
        if (t >= 0) out.setRow(q, nfa.edgeLo[k], nfa.edgeHi[k], t);
      }
    } else this.expandMany(out, q, so, se, rule);
    this.expandCalls(out, q, so, se, rule);
  }

  /** Transitions of a state with several members (or overlapping edges): per class, the closure of every target. */
  private expandMany(out: DfaSink, q: number, so: number, se: number, rule: number): void {
    const nfa = this.nfa;
    let nE = 0;
    for (let i = so; i < se; i++) {
      const s = this.sets.data[i];
      const k0 = nfa.edgeStart[s], k1 = nfa.edgeStart[s + 1];
      if (nE + k1 - k0 > this.eTo.length) {
        const need = nE + k1 - k0;
        this.eLo = grownI32(this.eLo, need);
        this.eHi = grownI32(this.eHi, need);
        this.eTo = grownI32(this.eTo, need);
      }
      for (let k = k0; k < k1; k++) {
        if (nfa.dist[nfa.edgeTo[k]] === Infinity) continue;
        this.eLo[nE] = nfa.edgeLo[k];
        this.eHi[nE] = nfa.edgeHi[k];
        this.eTo[nE] = nfa.edgeTo[k];
        nE++;
      }
    }
    const { eLo, eHi, eTo } = this;
    // Usual case: the edges' class ranges are pairwise disjoint, so each range has one target.
    let disjoint = nE <= 32;
    if (disjoint) {
      for (let i = 1; i < nE; i++) insertByLo(eLo, eHi, eTo, 0, i, eLo[i], eHi[i], eTo[i]);
      for (let i = 1; i < nE; i++) {
        if (eLo[i] <= eHi[i - 1]) {
          disjoint = false;
          break;
        }
      }
    }
    if (disjoint) {
      for (let i = 0; i < nE; i++) out.setRow(q, eLo[i], eHi[i], this.moveOne(out, eTo[i], rule));
      return;
    }
    // Per class: the list of targets of every edge covering it.
    const { head, touched } = this;
    let nEnt = 0, nTouched = 0;
    for (let i = 0; i < nE; i++) {
      const t = eTo[i];
      for (let cc = eLo[i], c1 = eHi[i]; cc <= c1; cc++) {
        if (nEnt === this.entVal.length) {
          this.entVal = grownI32(this.entVal, nEnt + 1);
          this.entNext = grownI32(this.entNext, nEnt + 1);
        }
        this.entVal[nEnt] = t;
        const h = head[cc];
        if (h < 0) touched[nTouched++] = cc;
        this.entNext[nEnt] = h;
        head[cc] = nEnt++;
      }
    }
    // Touched classes in class order: sort a short list, else scan every class.
    const nc = this.nfa.nClasses;
    const scan = nTouched > 16;
    if (!scan) sortPrefix(touched, nTouched);
    for (let j = 0, jEnd = scan ? nc : nTouched; j < jEnd; j++) {
      const cc = scan ? j : touched[j];
      let p = head[cc];
      if (p < 0) continue;
      head[cc] = -1;
      let t: number;
      if (this.entNext[p] < 0) t = this.moveOne(out, this.entVal[p], rule);
      else {
        let n = 0;
        for (; p >= 0; p = this.entNext[p]) {
          if (n === this.tmp.length) this.tmp = grownI32(this.tmp, n + 1);
          this.tmp[n++] = this.entVal[p];
        }
        sortPrefix(this.tmp, n);
        n = dedupSorted(this.tmp, n);
        const h = hashList(this.tmp, 0, n, rule);
        const id = this.lists.find(this.tmp, n, rule, h);
        if (id >= 0) t = this.listState[id];
        else {
          this.closure(this.tmp, n);
          t = this.intern(out, rule);
          const nid = this.lists.add(this.tmp, n, rule, h);
          this.listState = grownI32(this.listState, nid + 1);
          this.listState[nid] = t;
        }
      }
      out.setRow(q, cc, cc, t);
    }
  }

  /** Calls of q, grouped by rule in rule order; each group's returns are closed together. */
  private expandCalls(out: DfaSink, q: number, so: number, se: number, rule: number): void {
    const nfa = this.nfa;
    let nPairs = 0;
    for (let i = so; i < se; i++) {
      const s = this.sets.data[i];
      if (!(nfa.flags[s] & NFA_CALLS)) continue;
      for (let k = nfa.callStart[s], e = nfa.callStart[s + 1]; k < e; k++) {
        const callee = nfa.callRule[k], ret = nfa.callRet[k];
        if (this.ruleMin[callee] === Infinity || nfa.dist[ret] === Infinity) continue;
        if (nPairs + 2 > this.pairs.length) this.pairs = grownI32(this.pairs, nPairs + 2);
        // Insertion by callee (stable).
        let j = nPairs - 2;
        while (j >= 0 && this.pairs[j] > callee) {
          this.pairs[j + 2] = this.pairs[j];
          this.pairs[j + 3] = this.pairs[j + 1];
          j -= 2;
        }
        this.pairs[j + 2] = callee;
        this.pairs[j + 3] = ret;
        nPairs += 2;
      }
    }
    // Scratch, copied by the sink (two arrays per expanded state before: 28% of the bytes masks
    // allocated on every 20th MaskBench-dev file, most of them for states that call nothing).
    if (this.callRules.length < nPairs >> 1) {
      this.callRules = new Int32Array(Math.max(nPairs >> 1, this.callRules.length * 2));
      this.callRets = new Int32Array(this.callRules.length);
    }
    const rules = this.callRules, rets = this.callRets;
    let m = 0;
    for (let i = 0; i < nPairs; ) {
      const callee = this.pairs[i];
      let n = 0;
      while (i < nPairs && this.pairs[i] === callee) {
        if (n === this.tmp.length) this.tmp = grownI32(this.tmp, n + 1);
        this.tmp[n++] = this.pairs[i + 1];
        i += 2;
      }
      this.closure(this.tmp, n);
      rules[m] = callee;
      rets[m] = this.intern(out, rule);
      m++;
    }
    out.setCalls(q, rules, rets, m);
  }

  /** The DFA state reached by reading into NFA state s alone (-1 when s cannot finish). */
  private moveOne(out: DfaSink, s: number, rule: number): number {
    if (this.nfa.dist[s] === Infinity) return -1;
    if (s >= this.single.length) this.growNfa();
    let t = this.single[s];
    if (t < 0) {
      this.tmp[0] = s;
      this.closure(this.tmp, 1);
      t = this.intern(out, rule);
      this.single[s] = t;
    }
    return t;
  }

  private growNfa(): void {
    const n = Math.max(this.nfa.count, 64);
    if (this.single.length >= n) return;
    const cap = Math.max(n, this.single.length * 2);
    this.single = grownI32(this.single, cap, -1);
    // Grown with their contents: a closure in progress keeps its stack and members.
    this.mark = grownI32(this.mark, this.single.length);
    this.stack = grownI32(this.stack, this.single.length);
    this.cl = grownI32(this.cl, this.single.length);
  }

  /**
   * Epsilon closure of seeds[0..n) into `cl[0..clLen)`, sorted, important live states only.
   * Links into counters are entered here (instantiating the copy) and patched to the copy's entry.
   */
  private closure(seeds: Int32Array, n: number): void {
    const nfa = this.nfa;
    if (nfa.count > this.single.length) this.growNfa();
    const stamp = ++this.stamp;
    let mark = this.mark, stack = this.stack;
    let sp = 0;
    for (let i = 0; i < n; i++) {
      const s = seeds[i];
      if (mark[s] !== stamp) {
        mark[s] = stamp;
        stack[sp++] = s;
      }
    }
    let len = 0;
    while (sp > 0) {
      const s = stack[--sp];
      if (nfa.flags[s] & NFA_IMPORTANT) this.cl[len++] = s;
      for (let k = nfa.epsStart[s], e = nfa.epsStart[s + 1]; k < e; k++) {
        let t = nfa.epsTo[k];
        if (t < 0) {
          t = nfa.enterLink(-t - 1);
          if (t < 0) continue;
          nfa.epsTo[k] = t;
          if (nfa.count > this.single.length) {
            this.growNfa();
            mark = this.mark;
            stack = this.stack;
          }
        }
        if (mark[t] !== stamp && nfa.dist[t] < Infinity) {
          mark[t] = stamp;
          stack[sp++] = t;
        }
      }
    }
    sortPrefix(this.cl, len);
    this.clLen = len;
  }

  /** Interns `cl[0..clLen)` as a state of `rule` (creating it with its facts when new). */
  private intern(out: DfaSink, rule: number): number {
    const { cl, clLen, nfa } = this;
    const h = hashList(cl, 0, clLen, rule);
    let id = this.sets.find(cl, clLen, rule, h);
    if (id >= 0) return id;
    id = this.sets.size;
    if (id >= this.maxStates) {
      throw limitExceeded("maxDfaStates", this.maxStates, undefined, {
        what: "the grammar's automata",
        advice: "Simplify ambiguous repetitions or lower repetition counts.",
        raise: engineRaise("maxDfaStates"),
      });
    }
    this.sets.add(cl, clLen, rule, h);
    const end = this.ends[rule];
    let accepting = false, hasBytes = false, hasCalls = false, min = Infinity;
    if (this.canonTmp.length < clLen) this.canonTmp = new Int32Array(clLen * 2);
    const canon = this.canonTmp;
    for (let i = 0; i < clLen; i++) {
      const s = cl[i], f = nfa.flags[s];
      if (s === end) accepting = true;
      if (f & NFA_BYTES) hasBytes = true;
      if (f & NFA_CALLS) hasCalls = true;
      if (nfa.dist[s] < min) min = nfa.dist[s];
      canon[i] = nfa.canon[s];
    }
    sortPrefix(canon, clLen);
    const ch = hashList(canon, 0, clLen, rule);
    let key = this.canonSets.find(canon, clLen, rule, ch);
    if (key < 0) key = this.canonSets.add(canon, clLen, rule, ch);
    out.addState(id, rule, accepting, min, hasBytes, hasCalls, key);
    return id;
  }
}
