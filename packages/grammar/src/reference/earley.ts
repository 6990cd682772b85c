/**
 * An Earley recognizer over code points, fed one code point at a time.
 *
 * Items are (production, dot, origin). Epsilon rules use Aycock and
 * Horspool's fix: predicting a nullable nonterminal also moves the dot over
 * it at once, so a completion never misses an item added to the same set
 * later. Left recursion and ambiguity need nothing special. Speed is not the
 * goal: this is the oracle that the fast engine is tested against.
 */
import { hasChar } from "@formwork/regex/internal";
import type { Cfg } from "./cfg.js";

interface EarleySet {
  /** Flat `(dotPosition, origin)` pairs, in insertion order. */
  items: number[];
  seen: Set<number>;
  /** Where this set's waiting items start in the recognizer's shared waiting arrays. */
  waitStart: number;
  /** Flat `(dotPosition, origin)` pairs whose dot is before a terminal. */
  scans: number[];
}

/** Whether the flat sorted ranges contain some code point in `[lo, hi]`. */
export function rangesIntersect(ranges: readonly number[], lo: number, hi: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) if (ranges[i] <= hi && ranges[i + 1] >= lo) return true;
  return false;
}

/** The recognizer's state after some code points; {@link feed} adds one more. */
export class EarleyRecognizer {
  private readonly sets: EarleySet[] = [];
  /** First dot position of each production. */
  private readonly base: number[] = [];
  /** Per dot position: its production, and the symbol after the dot (or `END`). */
  private readonly dotProd: number[] = [];
  private readonly dotSym: number[] = [];
  private readonly mult: number;
  private dead = false;
  /**
   * Items whose dot is before a nonterminal, for every set, as parallel
   * arrays (nonterminal, dot position, origin); set k's entries are the
   * contiguous range from its `waitStart` to the next set's. Plain number
   * arrays keep the garbage collector out of long inputs.
   */
  private readonly wSym: number[] = [];
  private readonly wPos: number[] = [];
  private readonly wOrig: number[] = [];

  constructor(private readonly cfg: Cfg) {
    for (let p = 0; p < cfg.rhs.length; p++) {
      this.base.push(this.dotProd.length);
      for (let d = 0; d <= cfg.rhs[p].length; d++) {
        this.dotProd.push(p);
        this.dotSym.push(d < cfg.rhs[p].length ? cfg.rhs[p][d] : END);
      }
    }
    this.mult = this.dotProd.length + 1;
    const first = newSet(0);
    this.sets.push(first);
    if (cfg.productive && cfg.startProd >= 0) {
      this.add(first, this.base[cfg.startProd], 0);
      this.close(0);
    } else {
      this.dead = true;
    }
  }

  /** How many code points have been fed. */
  get length(): number {
    return this.sets.length - 1;
  }

  /** False once a code point could not be scanned (or the grammar has an empty language). */
  get alive(): boolean {
    return !this.dead;
  }

  /** Whether the code points fed so far form a whole sentence. */
  isComplete(): boolean {
    if (this.dead) return false;
    const last = this.sets[this.sets.length - 1];
    // The start production `<start> → root •` with origin 0 (key = origin * mult + pos).
    return last.seen.has(this.base[this.cfg.startProd] + 1);
  }

  /** The terminals that can be scanned next (indices into `cfg.terminals`), deduplicated. */
  nextTerminals(): number[] {
    if (this.dead) return [];
    const s = this.sets[this.sets.length - 1];
    const out = new Set<number>();
    for (let i = 0; i < s.scans.length; i += 2) out.add(-1 - this.dotSym[s.scans[i]]);
    return [...out];
  }

  /** A point to come back to with {@link restore} (valid while only `feed(cp, false)` is used after it). */
  mark(): number {
    return this.sets.length;
  }

  /** Forgets every code point fed since `mark` was taken. */
  restore(mark: number): void {
    if (mark >= this.sets.length) return;
    const w = this.sets[mark].waitStart;
    this.sets.length = mark;
    this.wSym.length = w;
    this.wPos.length = w;
    this.wOrig.length = w;
  }

  /** The items that can scan next, as `[production, dot]` pairs (duplicates possible). */
  scanItems(): [number, number][] {
    if (this.dead) return [];
    const s = this.sets[this.sets.length - 1];
    const out: [number, number][] = [];
    for (let i = 0; i < s.scans.length; i += 2) {
      const pos = s.scans[i];
      const p = this.dotProd[pos];
      out.push([p, pos - this.base[p]]);
    }
    return out;
  }

  /**
   * Scans one code point; returns false (and stays unchanged) when no item
   * can scan it. With `release` (the default) the finished set's scratch
   * data is freed, which makes {@link restore} to before it impossible.
   */
  feed(cp: number, release = true): boolean {
    if (this.dead) return false;
    const cur = this.sets[this.sets.length - 1];
    const next = newSet(-1);
    const memo = new Map<number, boolean>();
    for (let i = 0; i < cur.scans.length; i += 2) {
      const pos = cur.scans[i];
      const t = -1 - this.dotSym[pos];
      let ok = memo.get(t);
      if (ok === undefined) {
        ok = hasChar(this.cfg.terminals[t].ranges, cp);
        memo.set(t, ok);
      }
      if (ok) this.add(next, pos + 1, cur.scans[i + 1]);
    }
    if (next.items.length === 0) return false;
    if (release) {
      // Only the waiting lists of a finished set are read again (by completions); free the rest.
      cur.items = RELEASED;
      cur.scans = RELEASED;
      cur.seen = RELEASED_SEEN;
    }
    next.waitStart = this.wSym.length;
    this.sets.push(next);
    this.close(this.sets.length - 1);
    return true;
  }

  private add(set: EarleySet, pos: number, origin: number): void {
    const key = origin * this.mult + pos;
    if (set.seen.has(key)) return;
    set.seen.add(key);
    set.items.push(pos, origin);
  }

  /** Predicts and completes set `k` until nothing changes. */
  private close(k: number): void {
    const set = this.sets[k];
    const { cfg } = this;
    for (let i = 0; i < set.items.length; i += 2) {
      const pos = set.items[i];
      const origin = set.items[i + 1];
      const sym = this.dotSym[pos];
      if (sym === END) {
        const a = cfg.lhs[this.dotProd[pos]];
        const from = this.sets[origin].waitStart;
        const to = origin + 1 < this.sets.length ? this.sets[origin + 1].waitStart : this.wSym.length;
        // For origin === k the range keeps growing; entries added later are covered by the nullable fix.
        for (let j = from; j < (origin === k ? this.wSym.length : to); j++) if (this.wSym[j] === a) this.add(set, this.wPos[j] + 1, this.wOrig[j]);
      } else if (sym >= 0) {
        this.wSym.push(sym);
        this.wPos.push(pos);
        this.wOrig.push(origin);
        for (const q of cfg.byLhs[sym]) this.add(set, this.base[q], k);
        if (cfg.nullable[sym]) this.add(set, pos + 1, origin);
      } else {
        set.scans.push(pos, origin);
      }
    }
  }
}

const END = 0x7fffffff;
const RELEASED: number[] = [];
const RELEASED_SEEN = new Set<number>();

function newSet(waitStart: number): EarleySet {
  return { items: [], seen: new Set(), waitStart, scans: [] };
}
