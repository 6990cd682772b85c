/**
 * The configuration sets a token walk meets, interned, with their moves
 * memoised: a DFA built lazily over sets of pushdown configurations
 * (automaton state, rule-local stack). A trie walk then costs one table
 * lookup per node however many configurations a level holds (expressions
 * that enter several rules at once hold dozens), and every cache entry of a
 * grammar shares the sets and moves the earlier ones found.
 *
 * Exactness: a set's move on a byte class is `step` (move every
 * configuration, close the result) on a byte of that class, computed once;
 * `step` depends on the byte only through its class. The per-set facts are
 * the ones the walk read from the configurations one by one before.
 */
import type { TokenTrie } from "@formwork/core";
import { closure, ConfigBuffer, step, type RunContext } from "./configs.js";
import { grownI32, grownU8, hashList, ListTable } from "@formwork/core/internal";
import { runLength, runsOf, type Slice } from "./slice.js";
import { engineTuning } from "./tuning.js";

/** Some configuration of the set can read a byte. */
export const SET_READS = 1;
/** Some configuration has an empty local stack in an accepting state: the walk may end the rule there (an escape). */
export const SET_ESCAPES = 2;
/** Some configuration is in a character run (see `slice.ts`). */
export const SET_RUNS = 4;
/** The set's runs are not computed yet (`jumps` computes them the first time a walk asks). */
export const SET_RUNS_PENDING = 8;

/** Past this many move-table entries (sets × byte classes) the sets start over (between two cache entries). */
const MAX_MOVES = 1 << 23;

/** Stack ids are below 2^31: `q * PAIR_SCALE + s` orders pairs as (q, s) and is exact in a double. */
const PAIR_SCALE = 2 ** 31;
/** States below this keep `q * PAIR_SCALE + s` under 2^52. */
const PAIR_Q_MAX = 2 ** 21;

/** Interned configuration sets of one compiled grammar's token walks. */
export class WalkSets {
  readonly ctx: RunContext;
  readonly trie: TokenTrie;
  readonly nc: number;
  /** `move[x * nc + c]`: the set after a byte of class c from set x; -1: none; -2: not computed yet. */
  move = new Int32Array(0);
  /** Per set: `SET_READS | SET_ESCAPES | SET_RUNS`. */
  flags = new Uint8Array(0);
  /** `escBytes[x * 8 .. x * 8 + 8)`: the bytes that can follow the rule end of some escaping configuration of x (see `follow.ts`). */
  escBytes = new Uint32Array(0);
  /** Run candidates of set x: `runLen[k]`, `runSlice[k]` for k in `[runAt[x], runAt[x] + runCount[x])`. */
  runAt = new Int32Array(0);
  runCount = new Uint8Array(0);
  runLen: number[] = [];
  runSlice: Slice[] = [];
  /** Number of resets so far (a walk must not hold set ids across one). */
  generation = 0;
  private table = new ListTable();
  private starts = new Int32Array(0);
  private readonly buf = new ConfigBuffer();
  private pairs = new Int32Array(64);
  private wide = new Float64Array(64);

  constructor(ctx: RunContext, trie: TokenTrie) {
    this.ctx = ctx;
    this.trie = trie;
    this.nc = ctx.a.nClasses;
    this.reset();
  }

  /** Number of sets interned. */
  get size(): number {
    return this.table.size;
  }

  /** Starts over when the tables have grown past their cap; call between walks only. */
  trim(): void {
    if (this.table.size * this.nc > MAX_MOVES) this.reset();
  }

  /** The set `closure(q, empty local stack)`: where a walk from state q starts. */
  start(q: number): number {
    if (q >= this.starts.length) {
      const s = new Int32Array(Math.max(q + 1, this.starts.length * 2)).fill(-1);
      s.set(this.starts);
      this.starts = s;
    }
    let x = this.starts[q];
    if (x < 0) {
      const buf = this.buf;
      buf.len = 0;
      closure(this.ctx, q, 0, buf, 0);
      x = this.intern(buf, 0, buf.len);
      this.starts[q] = x;
    }
    return x;
  }

  /** The set after byte class `c` from set `x` (-1 when no configuration reads it). */
  moveOf(x: number, c: number): number {
    const i = x * this.nc + c;
    const y = this.move[i];
    if (y !== -2) return y;
    const buf = this.buf;
    buf.len = 0;
    const { data, off } = this.table;
    for (let k = off[x], e = off[x + 1]; k < e; k += 2) buf.push(data[k], data[k + 1]);
    const n = buf.len;
    const added = step(this.ctx, buf, 0, n, this.ctx.a.classLo[c], buf);
    const z = added === 0 ? -1 : this.intern(buf, n, n + added);
    this.move[i] = z;
    return z;
  }

  /** Whether a configuration of set x in a run can read every continuation below trie node m (`maxSuffixChars` of m is `sfx`). */
  jumps(x: number, m: number, sfx: number): boolean {
    if (this.flags[x] & SET_RUNS_PENDING) this.describeRuns(x);
    for (let k = this.runAt[x], e = k + this.runCount[x]; k < e; k++) if (sfx <= this.runLen[k] && this.runSlice[k].okAt(m)) return true;
    return false;
  }

  /**
   * Whether some configuration of set x other than `(p, empty stack)` reads a byte of `set`
   * (256 bits) next.
   */
  othersRead(x: number, p: number, set: Uint32Array): boolean {
    const a = this.ctx.a, nc = this.nc;
    const { data, off } = this.table;
    for (let k = off[x], e = off[x + 1]; k < e; k += 2) {
      const r = data[k];
      if ((r === p && data[k + 1] === 0) || !a.hasBytes[r]) continue;
      for (let c = 0; c < nc; c++) {
        if (a.next(r, c) < 0) continue;
        for (let b = a.classLo[c]; b <= a.classHi[c]; b++) if (set[b >>> 5] & (1 << (b & 31))) return true;
      }
    }
    return false;
  }

  private reset(): void {
    this.generation++;
    this.table = new ListTable();
    this.move = new Int32Array(256 * this.nc).fill(-2);
    this.flags = new Uint8Array(256);
    this.escBytes = new Uint32Array(256 * 8);
    this.runAt = new Int32Array(256);
    this.runCount = new Uint8Array(256);
    this.runLen = [];
    this.runSlice = [];
    this.starts = new Int32Array(this.ctx.a.stateCount).fill(-1);
  }

  /** The id of the set `buf[from, to)` (order and duplicates do not matter). */
  private intern(buf: ConfigBuffer, from: number, to: number): number {
    const n = (to - from) * 2;
    if (this.pairs.length < n) this.pairs = new Int32Array(n * 2);
    const p = this.pairs;
    let len = to - from > engineTuning.internSortMin ? this.sortLarge(buf, from, to) : -1;
    if (len < 0) len = this.sortSmall(buf, from, to);
    const h = hashList(p, 0, len, 0);
    const hit = this.table.find(p, len, 0, h);
    if (hit >= 0) return hit;
    const x = this.table.add(p, len, 0, h);
    this.describe(x, p, len);
    return x;
  }

  /** `intern`'s sort: insertion of each (q, s) pair into `pairs`, duplicates dropped; returns the ints written. */
  private sortSmall(buf: ConfigBuffer, from: number, to: number): number {
    const p = this.pairs;
    let len = 0;
    for (let i = from; i < to; i++) {
      const q = buf.q[i], s = buf.s[i];
      let j = len - 2;
      while (j >= 0 && (p[j] > q || (p[j] === q && p[j + 1] > s))) j -= 2;
      if (j >= 0 && p[j] === q && p[j + 1] === s) continue;
      for (let k = len - 2; k > j; k -= 2) {
        p[k + 2] = p[k];
        p[k + 3] = p[k + 1];
      }
      p[j + 2] = q;
      p[j + 3] = s;
      len += 2;
    }
    return len;
  }

  /**
   * `intern`'s sort for a large set (the chain of an object's optional properties: 100-240
   * configurations, where insertion sort costs quadratic time): each pair as one number
   * `q * 2^31 + s` (exact in a double), sorted natively, duplicates dropped, into `pairs`; -1
   * (nothing done) when a state is too large for that.
   */
  private sortLarge(buf: ConfigBuffer, from: number, to: number): number {
    const n = to - from;
    if (this.wide.length < n) this.wide = new Float64Array(n * 2);
    const w = this.wide.subarray(0, n);
    for (let i = 0; i < n; i++) {
      const q = buf.q[from + i];
      // Past 2^21 states the number would not be exact: insertion sort instead.
      if (q >= PAIR_Q_MAX) return -1;
      w[i] = q * PAIR_SCALE + buf.s[from + i];
    }
    w.sort();
    const p = this.pairs;
    let len = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0 && w[i] === w[i - 1]) continue;
      const q = Math.floor(w[i] / PAIR_SCALE);
      p[len] = q;
      p[len + 1] = w[i] - q * PAIR_SCALE;
      len += 2;
    }
    return len;
  }

  /** Fills the per-set facts of new set x from its pairs `p[0..len)`. */
  private describe(x: number, p: Int32Array, len: number): void {
    const nc = this.nc;
    if ((x + 1) * nc > this.move.length) {
      const m = new Int32Array(Math.max((x + 1) * nc, this.move.length * 2));
      m.set(this.move);
      m.fill(-2, this.move.length);
      this.move = m;
    }
    this.flags = grownU8(this.flags, x + 1);
    this.runAt = grownI32(this.runAt, x + 1);
    this.runCount = grownU8(this.runCount, x + 1);
    if ((x + 1) * 8 > this.escBytes.length) {
      const e = new Uint32Array(Math.max((x + 1) * 8, this.escBytes.length * 2));
      e.set(this.escBytes);
      this.escBytes = e;
    }
    const a = this.ctx.a;
    // Runs are found when a walk first asks (at a node with children): many sets sit only at
    // leaves, and finding a state's run builds the states of its chain.
    let f = SET_RUNS_PENDING;
    for (let i = 0; i < len; i += 2) {
      const q = p[i], s = p[i + 1];
      if (a.hasBytes[q]) f |= SET_READS;
      if (s === 0 && a.accepting[q]) {
        f |= SET_ESCAPES;
        const r = a.ruleOf[q], follow = a.followBytes(r);
        for (let w = 0; w < 8; w++) this.escBytes[x * 8 + w] |= follow[r * 8 + w];
      }
    }
    this.flags[x] = f;
  }

  /** Fills the run candidates of set x (see `runAt`). */
  private describeRuns(x: number): void {
    const a = this.ctx.a;
    const { data, off } = this.table;
    this.runAt[x] = this.runLen.length;
    let nRuns = 0;
    // runLength creates states: the run table grows in place (its arrays are read through `runs`).
    const runs = runsOf(a);
    for (let k = off[x], e = off[x + 1]; k < e; k += 2) {
      const q = data[k];
      if (runs.len.length < a.stateCount) runsOf(a);
      let r = runs.len[q];
      if (r === -2) r = runLength(a, this.trie, q);
      if (r >= 0 && nRuns < 255) {
        this.runLen.push(r);
        this.runSlice.push(runs.slice[q]!);
        nRuns++;
      }
    }
    this.runCount[x] = nRuns;
    this.flags[x] = (this.flags[x] & ~SET_RUNS_PENDING) | (nRuns > 0 ? SET_RUNS : 0);
  }
}
