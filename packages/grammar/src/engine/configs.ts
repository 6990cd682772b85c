/**
 * Sets of parser configurations `(state, stack)` and the two moves on them:
 * the closure (enter called rules, return from finished ones, no input) and
 * the byte step.
 */
import { LimitError } from "@formwork/core";
import { limitExceeded } from "@formwork/core/internal";
import { engineRaise } from "./options.js";
import { engineTuning } from "./tuning.js";
import type { Automaton } from "./automaton.js";
import type { StackPool } from "./stack-pool.js";

/** A growable list of configurations: `q[i]` is the state, `s[i]` the stack. */
export class ConfigBuffer {
  q = new Int32Array(64);
  s = new Int32Array(64);
  len = 0;

  push(q: number, s: number): void {
    if (this.len === this.q.length) {
      const q2 = new Int32Array(this.len * 2);
      q2.set(this.q);
      const s2 = new Int32Array(this.len * 2);
      s2.set(this.s);
      this.q = q2;
      this.s = s2;
    }
    this.q[this.len] = q;
    this.s[this.len] = s;
    this.len++;
  }

  /** A compact copy of configurations `[from, to)` as pairs `q0, s0, q1, s1, ...`. */
  snapshot(from = 0, to = this.len): Int32Array {
    const out = new Int32Array((to - from) * 2);
    for (let i = from; i < to; i++) {
      out[(i - from) * 2] = this.q[i];
      out[(i - from) * 2 + 1] = this.s[i];
    }
    return out;
  }

  /** Replaces the content with pairs from `snapshot`. */
  load(pairs: Int32Array): void {
    this.len = 0;
    for (let i = 0; i < pairs.length; i += 2) this.push(pairs[i], pairs[i + 1]);
  }
}

/** The run-time context of a matcher family: the automaton, its stack pool and limits. */
export interface RunContext {
  a: Automaton;
  pool: StackPool;
  maxStackDepth: number;
  maxConfigurations: number;
}

const work: number[] = [];

/** From this many configurations in the part of a buffer being deduplicated, membership goes through `OutIndex`. */
const INDEX_MIN = 16;

/**
 * A hash index of the configurations `out[start, out.len)` of a buffer being filled, so that
 * deduplicating a large set (the chain of an object's optional properties: 100-240
 * configurations) costs O(1) per configuration instead of a scan. Entries appended by anyone are
 * indexed on the next query. An index is valid for one `step` or one top-level `closure` call
 * (`out` null otherwise), while nothing else truncates the buffer.
 */
class OutIndex {
  out: ConfigBuffer | null = null;
  start = 0;
  private upTo = 0;
  private count = 0;
  private tq = new Int32Array(256);
  private ts = new Int32Array(256);
  private tg = new Int32Array(256);
  private gen = 1;

  reset(out: ConfigBuffer, start: number): void {
    this.out = out;
    this.start = start;
    this.upTo = start;
    this.count = 0;
    this.gen++;
  }

  /** Whether `(q, s)` is in `out[start, out.len)`. */
  has(q: number, s: number): boolean {
    const out = this.out!;
    while (this.upTo < out.len) {
      this.insert(out.q[this.upTo], out.s[this.upTo]);
      this.upTo++;
    }
    const mask = this.tq.length - 1;
    for (let h = hashPair(q, s) & mask; ; h = (h + 1) & mask) {
      if (this.tg[h] !== this.gen) return false;
      if (this.tq[h] === q && this.ts[h] === s) return true;
    }
  }

  private insert(q: number, s: number): void {
    if ((this.count + 1) * 2 > this.tq.length) this.grow();
    const mask = this.tq.length - 1;
    let h = hashPair(q, s) & mask;
    while (this.tg[h] === this.gen) {
      if (this.tq[h] === q && this.ts[h] === s) return;
      h = (h + 1) & mask;
    }
    this.tg[h] = this.gen;
    this.tq[h] = q;
    this.ts[h] = s;
    this.count++;
  }

  private grow(): void {
    const n = this.tq.length * 2;
    this.tq = new Int32Array(n);
    this.ts = new Int32Array(n);
    this.tg = new Int32Array(n);
    this.gen++;
    this.count = 0;
    const out = this.out!;
    for (let i = this.start; i < this.upTo; i++) this.insert(out.q[i], out.s[i]);
  }
}

function hashPair(q: number, s: number): number {
  return Math.imul(q, 0x9e3779b1) ^ Math.imul(s + 0x7f4a7c15, 0x85ebca6b);
}

/** The index of the part a `step` fills, and the one a closure into another part builds for itself. */
const stepIndex = new OutIndex();
const closureIndex = new OutIndex();

/** Whether `(q, s)` is in `out[from, out.len)`: a scan, or an index for large parts. */
function contains(out: ConfigBuffer, from: number, q: number, s: number): boolean {
  if (out.len - from >= INDEX_MIN) {
    if (stepIndex.out === out && stepIndex.start === from) return stepIndex.has(q, s);
    if (closureIndex.out === out && closureIndex.start === from) return closureIndex.has(q, s);
  }
  const oq = out.q, os = out.s;
  for (let i = from; i < out.len; i++) if (oq[i] === q && os[i] === s) return true;
  return false;
}

/**
 * Adds `(q, st)` and every configuration reachable from it without input
 * (calls into rules, returns from finished rules) to `out`, skipping any
 * already in `out[from..]`.
 */
export function closure(ctx: RunContext, q: number, st: number, out: ConfigBuffer, from: number): void {
  // A closure into a part that is not the current step's gets an index of its own once large.
  const own = !(stepIndex.out === out && stepIndex.start === from);
  try {
    closeInto(ctx, q, st, out, from, own);
  } finally {
    if (own) closureIndex.out = null;
  }
}

function closeInto(ctx: RunContext, q: number, st: number, out: ConfigBuffer, from: number, own: boolean): void {
  const { a, pool } = ctx;
  const base = work.length;
  work.push(q, st);
  while (work.length > base) {
    const s = work.pop()!;
    const p = work.pop()!;
    if (own && out.len - from >= INDEX_MIN && closureIndex.out === null) closureIndex.reset(out, from);
    if (contains(out, from, p, s)) continue;
    if (out.len - from >= ctx.maxConfigurations) {
      work.length = base;
      throw limitExceeded("maxConfigurations", ctx.maxConfigurations, undefined, {
        what: "the grammar is too ambiguous here: it",
        advice: "Make alternatives that start alike differ earlier.",
        raise: engineRaise("maxConfigurations"),
      });
    }
    out.push(p, s);
    if (a.accepting[p] && s !== 0) work.push(pool.state[s], pool.parent[s]);
    if (a.hasCalls[p] === 0) continue;
    if (pool.depth[s] >= ctx.maxStackDepth) {
      // Leaving the calls out would silently drop every deeper continuation from masks and texts.
      work.length = base;
      throw stackDepthExceeded(ctx.maxStackDepth);
    }
    a.expand(p);
    for (let k = a.callStart[p], k1 = a.callEnd[p]; k < k1; k++) work.push(a.ruleStart[a.callRule[k]], pool.push(a.callRet[k], s));
  }
}

/** The error for a text that nests rule calls deeper than `maxStackDepth`. */
function stackDepthExceeded(limit: number): LimitError {
  return limitExceeded("maxStackDepth", limit, undefined, { what: "the text (a recursive rule such as nested brackets)", raise: engineRaise("maxStackDepth") });
}

/**
 * The memoised closures of one stack pool, by (state, stack): an open-addressing table over int
 * keys (a Map keyed by `q * 2^26 + s` boxed a heap number per lookup past 32 states), emptied
 * when it holds `engineTuning.closureMemoLimit` closures.
 */
class ClosureMemo {
  // Small at first (a pool per matcher; most see few calling states), doubled up to twice the limit.
  private kq = new Int32Array(64);
  private ks = new Int32Array(64);
  /** Generation of each slot: a slot is taken when equal to `gen`. */
  private kg = new Int32Array(64);
  private vals: (Int32Array | null)[] = new Array<Int32Array | null>(64).fill(null);
  private gen = 1;
  private size = 0;
  private slot = 0;

  /** The closure of `(q, s)` as pairs, or null (then `set` stores it at the slot this call found). */
  get(q: number, s: number): Int32Array | null {
    const mask = this.kq.length - 1;
    for (let h = hashPair(q, s) & mask; ; h = (h + 1) & mask) {
      if (this.kg[h] !== this.gen) {
        this.slot = h;
        return null;
      }
      if (this.kq[h] === q && this.ks[h] === s) return this.vals[h];
    }
  }

  /** Stores the closure of `(q, s)`, which the last `get` did not find (nothing stored in between). */
  set(q: number, s: number, pairs: Int32Array): void {
    if (this.size >= engineTuning.closureMemoLimit) {
      // Full: start over.
      this.gen++;
      this.size = 0;
      this.vals.fill(null);
      this.get(q, s);
    } else if ((this.size + 1) * 2 > this.kq.length) {
      // At most twice the limit (a limit changed later only shortens the memo's life).
      this.grow();
      this.get(q, s);
    }
    const h = this.slot;
    this.kg[h] = this.gen;
    this.kq[h] = q;
    this.ks[h] = s;
    this.vals[h] = pairs;
    this.size++;
  }

  private grow(): void {
    const { kq, ks, kg, vals, gen } = this;
    const n = kq.length * 2;
    this.kq = new Int32Array(n);
    this.ks = new Int32Array(n);
    this.kg = new Int32Array(n);
    this.vals = new Array<Int32Array | null>(n).fill(null);
    this.gen = 1;
    for (let i = 0; i < kq.length; i++) {
      if (kg[i] !== gen) continue;
      this.get(kq[i], ks[i]);
      const h = this.slot;
      this.kg[h] = 1;
      this.kq[h] = kq[i];
      this.ks[h] = ks[i];
      this.vals[h] = vals[i];
    }
  }
}

const closureMemos = new WeakMap<StackPool, ClosureMemo>();
/** The last pool `stepAll` memoised for, and its memo (one WeakMap lookup per pool change, not per configuration). */
let memoPool: StackPool | null = null;
let memoOfPool: ClosureMemo | null = null;

/** Appends `(q, s)` to `out` unless it is in `out[start..]`; throws past the configuration limit as `closure` does. */
function addPlain(ctx: RunContext, q: number, s: number, out: ConfigBuffer, start: number): void {
  if (contains(out, start, q, s)) return;
  if (out.len - start >= ctx.maxConfigurations) closure(ctx, q, s, out, start);
  else out.push(q, s);
}

/**
 * Moves every configuration of `src[from, to)` over byte `b` and closes the
 * result into `out` (appended). Returns how many configurations were added.
 *
 * Two shortcuts, both exact: a state that neither accepts nor calls closes to
 * itself alone; the closure of a state that calls is the same set for the same
 * (state, stack) as long as the pool lives (frames are interned and never
 * change), so it is computed once per pair and appended from the memo. The
 * union of closures is one set whatever the order they are added in, and the
 * configuration limit is checked on each new configuration as before.
 */
export function step(ctx: RunContext, src: ConfigBuffer, from: number, to: number, b: number, out: ConfigBuffer): number {
  const a = ctx.a;
  const nc = a.nClasses, c = a.classOf[b];
  const start = out.len;
  // Once the new part is large, deduplication goes through the index (the memoised closures below
  // are built in a buffer of their own and scan).
  stepIndex.reset(out, start);
  try {
    stepAll(ctx, src, from, to, c, out, start);
  } finally {
    stepIndex.out = null;
  }
  return out.len - start;
}

function stepAll(ctx: RunContext, src: ConfigBuffer, from: number, to: number, c: number, out: ConfigBuffer, start: number): void {
  const a = ctx.a;
  const nc = a.nClasses;
  for (let i = from; i < to; i++) {
    // The tables grow as states are created: read them from the automaton each time.
    let q2 = a.trans[src.q[i] * nc + c];
    if (q2 === -2) q2 = a.next(src.q[i], c);
    if (q2 < 0) continue;
    const s = src.s[i];
    if (a.escapes[q2] === 0) {
      addPlain(ctx, q2, s, out, start);
      continue;
    }
    if (a.hasCalls[q2] === 0) {
      closure(ctx, q2, s, out, start);
      continue;
    }
    if (memoPool !== ctx.pool) {
      let m = closureMemos.get(ctx.pool);
      if (m === undefined) closureMemos.set(ctx.pool, (m = new ClosureMemo()));
      memoPool = ctx.pool;
      memoOfPool = m;
    }
    const memo = memoOfPool!;
    let pairs = memo.get(q2, s);
    if (pairs === null) {
      const tmp = memoBuf;
      tmp.len = 0;
      closure(ctx, q2, s, tmp, 0);
      pairs = tmp.snapshot();
      memo.get(q2, s);
      memo.set(q2, s, pairs);
    }
    if (out.len === start) {
      // Nothing to deduplicate against.
      if (pairs.length >> 1 > ctx.maxConfigurations) closure(ctx, q2, s, out, start);
      else for (let k = 0; k < pairs.length; k += 2) out.push(pairs[k], pairs[k + 1]);
    } else {
      for (let k = 0; k < pairs.length; k += 2) addPlain(ctx, pairs[k], pairs[k + 1], out, start);
    }
  }
}

const memoBuf = new ConfigBuffer();

/** Whether some configuration of `buf[from, to)` is a finished sentence (root rule ended, empty stack). */
export function anyComplete(a: Automaton, buf: ConfigBuffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf.s[i] === 0 && a.accepting[buf.q[i]]) return true;
  return false;
}
