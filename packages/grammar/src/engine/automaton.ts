/**
 * The rule automata of a compiled grammar, built lazily: a DFA state exists
 * once something reached it, and its transitions and calls once something
 * read them (`expand`). Per-state facts (accepting, shortest completion,
 * whether it reads bytes or calls) are known from the moment it exists.
 *
 * Reading the tables: `trans[q * nClasses + c]` is the next state, -1 for
 * none, or -2 while q is not expanded (call `expand(q)` or use `next`); the
 * calls of q are `callRule[k], callRet[k]` for k in `[callStart[q],
 * callEnd[q])` once q is expanded. Creating states grows the arrays, so
 * code that keeps an array in a local must read it again after anything
 * that can expand a state.
 */
import type { ResolvedEngineOptions } from "./options.js";
import { SubsetBuilder, type DfaSink } from "./dfa.js";
import { followBytes } from "./follow.js";
import type { Nfa } from "./nfa.js";
import type { RuleBuilder } from "./nfa-build.js";

function grow<T extends Uint8Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(a: T, n: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  // Only the new part: the old one was just copied over.
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/** A lazily built automaton over byte classes, one sub-automaton per called rule. */
export class Automaton implements DfaSink {
  readonly ruleNames: readonly string[];
  readonly nfa: Nfa;
  /** Byte → byte class. Classes are contiguous byte ranges, numbered in byte order. */
  readonly classOf: Uint8Array;
  readonly nClasses: number;
  /** Smallest and largest byte of each class. */
  readonly classLo: Uint8Array;
  readonly classHi: Uint8Array;
  /** Fewest bytes of each rule's language (Infinity: the rule never finishes). */
  readonly ruleMinBytes: Float64Array;
  /**
   * Start state of each rule: -1 for a rule that never finishes, -2 while the rule is not built
   * (its NFA and start are built when a state that calls it is expanded: `expand`, `buildRules`).
   * A state's calls are read once it is expanded, so their rules' starts are there to read.
   */
  readonly ruleStart: Int32Array;
  /** States created so far. */
  stateCount = 0;
  /** `trans[q * nClasses + c]`: next state, -1 none, -2 q not expanded. */
  trans = new Int32Array(0);
  accepting = new Uint8Array(0);
  /** Rule of each state. */
  ruleOf = new Int32Array(0);
  /** Fewest bytes from state q to the end of its rule (calls counted by their rule's shortest string). */
  minBytes = new Float64Array(0);
  /** 1 when q can read a byte. */
  hasBytes = new Uint8Array(0);
  /** 1 when q calls a rule. */
  hasCalls = new Uint8Array(0);
  /** 1 when q calls a rule or ends its rule (a token walk from a cached state must look at the stack there). */
  escapes = new Uint8Array(0);
  /** Equal for states that read alike for as many bytes as the longest token (token-cache key; see `Nfa.canon`). */
  cacheKey = new Int32Array(0);
  /** Calls of an expanded state q: k in `[callStart[q], callEnd[q])`. */
  callStart = new Int32Array(0);
  callEnd = new Int32Array(0);
  callRule = new Int32Array(16);
  callRet = new Int32Array(16);
  private nCalls = 0;
  private capacity = 0;
  private readonly builder: SubsetBuilder;
  private best = new Int32Array(0);
  private follow: Uint32Array | null = null;
  private noFollow: Uint32Array | null = null;
  private readonly rules: RuleBuilder;
  private readonly starts: readonly number[];
  private readonly ends: readonly number[];
  private readonly rootReferenced: boolean;
  private readonly irFollow: () => Uint32Array;

  /**
   * The automaton of the rules `rules` builds; the root (rule 0) must be built. `rootReferenced`:
   * some rule refers to the root; `irFollow`: the follow sets computed on the IR (`rule-facts.ts`).
   */
  constructor(rules: RuleBuilder, rootReferenced: boolean, irFollow: () => Uint32Array, options: ResolvedEngineOptions) {
    const nfa = rules.nfa, ruleMin = rules.ruleMin;
    this.rules = rules;
    this.nfa = nfa;
    this.starts = rules.starts;
    this.ends = rules.ends;
    this.rootReferenced = rootReferenced;
    this.irFollow = irFollow;
    this.ruleNames = rules.ruleNames;
    this.classOf = nfa.classOf;
    this.nClasses = nfa.nClasses;
    this.classLo = nfa.classLo;
    this.classHi = nfa.classHi;
    this.ruleMinBytes = ruleMin;
    this.builder = new SubsetBuilder(nfa, rules.ends, ruleMin, options.maxDfaStates);
    // Room for a few states: a compile makes one (the root's start); masks grow the tables by doubling.
    this.reserve(8);
    const ruleStart = new Int32Array(ruleMin.length).fill(-2);
    for (let r = 0; r < ruleMin.length; r++) if (ruleMin[r] === Infinity) ruleStart[r] = -1;
    this.ruleStart = ruleStart;
    this.startRule(0);
  }

  /** Builds rule r's NFA (unless built) and its start state (no-op when there, or r never finishes). */
  private startRule(r: number): void {
    if (this.ruleStart[r] !== -2) return;
    this.rules.build(r);
    this.ruleStart[r] = this.builder.start(this, this.starts[r], r);
  }

  /** Builds every rule's NFA (rules that never finish too), then every start state (rule order); `materialize` and `warmUp` start here. */
  buildRules(): void {
    this.rules.buildAll();
    for (let r = 0; r < this.ruleStart.length; r++) this.startRule(r);
  }

  /**
   * Computes the transitions and calls of q (no-op when done). When the subset construction stops
   * part way (a target past `maxDfaStates`), q's row goes back to unexpanded: a half-filled row would
   * read as "no transition" and make later masks and accepts disagree.
   */
  expand(q: number): void {
    if (this.trans[q * this.nClasses] !== -2) return;
    try {
      this.builder.expand(this, q, this.ruleOf[q]);
      // The rules q calls, built on first need (a limit passed there is thrown from here).
      for (let k = this.callStart[q], e = this.callEnd[q]; k < e; k++) if (this.ruleStart[this.callRule[k]] === -2) this.startRule(this.callRule[k]);
    } catch (err) {
      this.trans.fill(-2, q * this.nClasses, (q + 1) * this.nClasses);
      throw err;
    }
  }

  /** The state after a byte of class c from q (-1 none), expanding q if needed. */
  next(q: number, c: number): number {
    const t = this.trans[q * this.nClasses + c];
    if (t !== -2) return t;
    this.expand(q);
    return this.trans[q * this.nClasses + c];
  }

  /** Whether q is expanded. */
  isExpanded(q: number): boolean {
    return this.trans[q * this.nClasses] !== -2;
  }

  /**
   * One move of a shortest completion from q: -1 = stop here (accepting),
   * `c < nClasses` = a byte of class c, `nClasses + k` = call k of q; -2 when
   * q cannot finish. Following moves reaches a stop: a byte move lowers
   * `minBytes`, a call of a rule that reads a byte too, and calls of
   * rules that may read nothing are taken only on a way to one of those.
   */
  bestMove(q: number): number {
    if (q < this.best.length && this.best[q] !== -3) return this.best[q];
    const m = this.findBestMove(q);
    if (this.best.length < this.stateCount) this.best = grow(this.best, Math.max(this.stateCount, this.best.length * 2), -3);
    this.best[q] = m;
    return m;
  }

  private findBestMove(q: number): number {
    const d = this.minBytes[q];
    if (d === Infinity) return -2;
    if (this.accepting[q]) return -1;
    const direct = this.progressMove(q);
    if (direct !== -2) return direct;
    // Only calls of rules that may read nothing attain d: search along such calls for a state with a progress move.
    const nc = this.nClasses;
    const from = new Map<number, number>([[q, -1]]);
    const firstMove = new Map<number, number>();
    const queue = [q];
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i];
      this.expand(p);
      for (let k = this.callStart[p]; k < this.callEnd[p]; k++) {
        const r = this.callRule[k], ret = this.callRet[k];
        if (this.ruleMinBytes[r] !== 0 || this.minBytes[ret] !== d || from.has(ret)) continue;
        from.set(ret, p);
        firstMove.set(ret, p === q ? nc + k : firstMove.get(p)!);
        if (this.accepting[ret] || this.progressMove(ret) !== -2) return firstMove.get(ret)!;
        queue.push(ret);
      }
    }
    return -2;
  }

  /** A byte move, or a call of a rule that reads at least one byte, attaining minBytes[q]; -2 if none. */
  private progressMove(q: number): number {
    const d = this.minBytes[q], nc = this.nClasses;
    this.expand(q);
    for (let c = 0; c < nc; c++) {
      const t = this.trans[q * nc + c];
      if (t >= 0 && 1 + this.minBytes[t] === d) return c;
    }
    for (let k = this.callStart[q]; k < this.callEnd[q]; k++) {
      const r = this.callRule[k];
      if (this.ruleMinBytes[r] > 0 && this.ruleMinBytes[r] + this.minBytes[this.callRet[k]] === d) return nc + k;
    }
    return -2;
  }

  /**
   * A table whose `[r * 8, r * 8 + 8)` is the set of bytes that can come right after rule r ends
   * (see `follow.ts`): computed on first use, unless no rule calls r (the root, usually: then the
   * set is empty and an empty table is returned). When every rule's NFA is built by then, the sets
   * are computed on the NFA (exact); otherwise on the IR (`irFollowBytes`: a superset, which the
   * token cache only reads to be more careful, so masks are the same), so that no mask builds the
   * rules no text has entered (the NFA sets read every call of a rule: building them all inside one
   * mask cost 0.4 s on a schema with 3,511 called rules).
   */
  followBytes(r: number): Uint32Array {
    if (this.follow !== null) return this.follow;
    // Every called rule but the root is referenced by a rule the builder builds, so it has a call edge.
    if (r === 0 && !this.rootReferenced) return (this.noFollow ??= new Uint32Array(this.ruleStart.length * 8));
    if (!this.rules.complete) return (this.follow = this.irFollow());
    return (this.follow = followBytes(this.nfa, this.starts, this.ends, this.ruleMinBytes));
  }

  /** Builds every rule, then creates and expands every reachable state (bounded by `maxDfaStates`); returns the state count. */
  materialize(): number {
    this.buildRules();
    for (let q = 0; q < this.stateCount; q++) this.expand(q);
    return this.stateCount;
  }

  /** Bytes held by the tables. */
  get memoryBytes(): number {
    return this.capacity * (this.nClasses * 4 + 1 + 4 + 8 + 1 + 1 + 1 + 4 + 8) + this.nCalls * 8;
  }

  // --- DfaSink: called by the subset construction ---

  addState(q: number, rule: number, accepting: boolean, minBytes: number, hasBytes: boolean, hasCalls: boolean, cacheKey: number): void {
    if (q >= this.capacity) this.reserve(Math.max(q + 1, this.capacity * 2));
    this.stateCount = q + 1;
    this.ruleOf[q] = rule;
    this.accepting[q] = accepting ? 1 : 0;
    this.minBytes[q] = minBytes;
    this.hasBytes[q] = hasBytes ? 1 : 0;
    this.hasCalls[q] = hasCalls ? 1 : 0;
    this.escapes[q] = accepting || hasCalls ? 1 : 0;
    this.cacheKey[q] = cacheKey;
  }

  setRow(q: number, lo: number, hi: number, to: number): void {
    const row = q * this.nClasses;
    if (lo === hi) this.trans[row + lo] = to;
    else this.trans.fill(to, row + lo, row + hi + 1);
  }

  setCalls(q: number, rules: Int32Array, rets: Int32Array, n: number): void {
    if (this.nCalls + n > this.callRule.length) {
      const m = Math.max(this.nCalls + n, this.callRule.length * 2);
      this.callRule = grow(this.callRule, m);
      this.callRet = grow(this.callRet, m);
    }
    this.callStart[q] = this.nCalls;
    for (let i = 0; i < n; i++) {
      this.callRule[this.nCalls] = rules[i];
      this.callRet[this.nCalls++] = rets[i];
    }
    this.callEnd[q] = this.nCalls;
  }

  private reserve(n: number): void {
    const nc = this.nClasses;
    this.trans = this.growTrans(n * nc);
    this.accepting = grow(this.accepting, n);
    this.ruleOf = grow(this.ruleOf, n);
    this.minBytes = grow(this.minBytes, n);
    this.hasBytes = grow(this.hasBytes, n);
    this.hasCalls = grow(this.hasCalls, n);
    this.escapes = grow(this.escapes, n);
    this.cacheKey = grow(this.cacheKey, n);
    this.callStart = grow(this.callStart, n);
    this.callEnd = grow(this.callEnd, n);
    this.capacity = n;
  }

  /**
   * The transition table grown to `len` entries (new ones -2). Past TRANS_PLAIN bytes it lives in a
   * resizable buffer that grows in place: copying a table of thousands of states times the byte classes into a new
   * buffer, and the collection the new external memory set off, took 35-75 ms of CPU in one mask
   * (o79409: 8,192 to 16,384 states of 179 classes). Past the reservation, a copy as before.
   */
  private growTrans(len: number): Int32Array<ArrayBuffer> {
    const old = this.trans.length;
    const buf = this.trans.buffer as ResizableBuffer;
    if (buf.resizable && len * 4 <= buf.maxByteLength) {
      buf.resize(len * 4);
      this.trans.fill(-2, old);
      return this.trans;
    }
    // Small tables stay in plain buffers: a reservation's pages are fresh (faulted in and zeroed as
    // they are first written), which cost a compile 70 µs more than a plain buffer for a first table
    // of 64 states of 180 classes; past TRANS_PLAIN bytes the table moves into a reservation once.
    if (len * 4 > TRANS_PLAIN && len * 4 <= TRANS_RESERVE) {
      let rab: ArrayBuffer | undefined;
      try {
        rab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(len * 4, { maxByteLength: TRANS_RESERVE });
      } catch {
        // No address space to reserve (a `ulimit -v`, a 32-bit build): plain buffers, copied as they grow.
        rab = undefined;
      }
      if (rab !== undefined) {
        const t = new Int32Array(rab);
        t.set(this.trans);
        t.fill(-2, old);
        return t;
      }
    }
    return grow(this.trans, len, -2);
  }
}

/** A resizable `ArrayBuffer` (ES2024; Node 20 has them). */
type ResizableBuffer = ArrayBuffer & { resizable?: boolean; maxByteLength: number; resize(n: number): void };

/** Bytes of address space a transition table reserves to grow in place (committed as it grows). */
const TRANS_RESERVE = 1 << 30;

/** Bytes up to which a transition table lives in a plain buffer (copied when it doubles). */
const TRANS_PLAIN = 1 << 20;
