/**
 * The adaptive token-mask cache: for one automaton state q, which tokens are
 * accepted whatever the stack below q's rule is, and where a token can only
 * go on by ending q's rule (the only places where the real stack matters).
 *
 * The walk follows the trie with sets of configurations over a rule-local
 * stack: calls into other rules are followed inside the cache (their frames
 * live in a local pool), returns to those local frames too. Only reaching an
 * accepting state of q's own rule with an empty local stack is an *escape*:
 * the token may continue after the rule ends, which depends on the caller.
 *
 * Invariant: every state left after trimming can finish its rule and every
 * return state can finish its caller, so a token read without popping below
 * q's frame is a valid prefix from any configuration `(q, stack)`.
 */
import { type TokenTrie } from "@formwork/core";
import type { Automaton } from "./automaton.js";
import type { RunContext } from "./configs.js";
import { grownI32 } from "@formwork/core/internal";
import { closedOn, funnelOf, keyBytes, maxSuffixChars, runFollowClashes, runLength, runsOf, startBits, runStateAfter, RUN_FOREVER, sliceTuning } from "./slice.js";
import { SET_ESCAPES, SET_READS, SET_RUNS, SET_RUNS_PENDING, WalkSets } from "./walk-sets.js";

/** The classification of every token from one automaton state. */
export interface TokenCacheEntry {
  /** Accepted tokens as a bitset over the vocabulary (wide states), or null. */
  bits: Uint32Array | null;
  /** Accepted tokens as a list (narrow states), or null. */
  ids: Uint32Array | null;
  /** Number of accepted tokens. */
  count: number;
  /** Trie nodes where the walk ends q's rule (local stack empty, accepting) with children that may follow. */
  escNodes: Int32Array;
  /**
   * Equal (and at least 1) for the entries of one grammar with the same `escNodes`, 0 when there
   * are none: the tokens past the rule's end depend on the nodes and the stack only, so the
   * matcher keeps them per (escKey, stack) (the states of a counted string share them).
   */
  escKey: number;
  /** Trie nodes visited to build the entry. */
  visited: number;
  /** The slice the entry started from, if any. */
  slice: string | null;
}

/** Above this many accepted tokens, a cache entry stores a bitset instead of a list. */
const LIST_LIMIT = 2048;

/** A depth-1 subtree walked at least this many nodes deep is remembered for the next entries. */
const MEMO_MIN_VISITED = 16;
/**
 * Below the root's children, the subtrees of nodes down to this depth are remembered per
 * configuration set too: states that differ only in what they read first (a bounded whitespace
 * counted down, `[ \t\n]{0,8}`, before an identifier) reach the same set one byte later, below a
 * depth-1 node whose set differs (Qwen's tokens that start with a space).
 */
const MEMO_DEPTH = 3;
/** Ints kept in the subtree memo before it starts over. */
const MEMO_MAX_INTS = 1 << 22;

/** What the walk found below one child of the trie root from one configuration set. */
interface SubtreeResult {
  /** Accepted tokens as half-open ranges of `TokenTrie.tokenIds` indices (trie order). */
  ranges: Int32Array;
  escNodes: Int32Array;
  visited: number;
}

/**
 * Builds the cache entries of one compiled grammar. The walks share the
 * grammar's configuration sets (`WalkSets`) and a memo of depth-1 subtrees
 * per configuration set: states that lead into the same sets on a first byte
 * (an expression start in many contexts) walk those subtrees once.
 *
 * Accepted tokens are collected as ranges of trie-ordered token indices (a
 * subtree's tokens are one contiguous range, and a preorder walk accepts
 * neighbours in a row), turned into ids or a bitset at the end.
 */
export class TokenWalker {
  readonly sets: WalkSets;
  private readonly a: Automaton;
  private readonly trie: TokenTrie;
  private readonly vocabSize: number;
  private memo = new Map<number, SubtreeResult>();
  /** Subtrees strictly below nodes of depth 2 to MEMO_DEPTH, by (set, node); cleared with `memo`. */
  private deep = new Map<number, SubtreeResult>();
  private memoInts = 0;
  private memoGeneration = -1;
  private ranges = new Int32Array(1024);
  private nRanges = 0;
  /** Ranges before this index belong to an enclosing record and are never extended. */
  private floor = 0;
  private readonly esc: number[] = [];
  private readonly level: Int32Array;
  /** Scratch of a slice entry: the walk's start set after k characters of the run (-1: not yet). */
  private readonly startAt: Int32Array;
  private visited = 0;
  private useRuns = true;
  private sfx: Uint16Array | null = null;
  /** `escKey` of every distinct list of escape nodes so far, by its contents. */
  private readonly escKeys = new Map<string, number>();

  constructor(local: RunContext, trie: TokenTrie, vocabSize: number) {
    this.a = local.a;
    this.trie = trie;
    this.vocabSize = vocabSize;
    this.sets = new WalkSets(local, trie);
    this.level = new Int32Array(trie.maxDepth + 2);
    this.startAt = new Int32Array(trie.maxDepth + 2);
  }

  /** Walks the trie from state `q` and classifies every token. */
  build(q: number): TokenCacheEntry {
    const { a, trie, sets } = this;
    sets.trim();
    if (this.memoGeneration !== sets.generation) {
      this.memo.clear();
      this.deep.clear();
      this.memoInts = 0;
      this.memoGeneration = sets.generation;
    }
    const { nodeCount, next, byte, depth, tokenStart, tokenIds } = trie;
    const classOf = a.classOf;
    const follow = a.followBytes(a.ruleOf[q]);
    const runs = runsOf(a);
    const useRuns = (this.useRuns = sliceTuning.enabled);
    this.sfx = useRuns ? maxSuffixChars(trie) : null;
    this.nRanges = 0;
    this.floor = 0;
    this.esc.length = 0;
    this.visited = 0;
    let slice = useRuns && runLength(a, trie, q) === RUN_FOREVER ? runs.slice[q] : null;
    const funnel = useRuns && slice === null ? funnelOf(a, trie, q) : null;
    if (funnel) slice = funnel.slice;
    // The shortcut below finds escape points only above exits; not valid when the rule can end inside the run and a byte of the set follow.
    if (slice !== null && runFollowClashes(a, runs, funnel ? runs.target[q] : q, slice.key, follow)) slice = null;
    if (slice !== null && !this.callsStayOff(funnel ? q : -1, funnel ? runs.target[q] : q, slice.key, Infinity)) slice = null;
    // A bounded run (at most r more characters of the set, as in maxLength) whose end reads none of them.
    let bounded = Infinity;
    if (useRuns && slice === null) {
      const r = runLength(a, trie, q);
      if (r >= 1 && r !== RUN_FOREVER) {
        const sl = runs.slice[q]!;
        if ((r > trie.maxDepth || closedOn(a, runStateAfter(runs, q, r), sl.key)) && !runFollowClashes(a, runs, q, sl.key, follow) && this.callsStayOff(-1, q, sl.key, r)) {
          slice = sl;
          bounded = r;
        }
      }
    }
    if (slice === null) {
      // Level 0: q with an empty local stack, calls entered; then every child of the root.
      this.level[0] = sets.start(q);
      for (let c = 1; c < nodeCount; c = next[c]) this.walkChild(c);
      let count = 0;
      const rs = this.ranges;
      for (let i = 0; i < this.nRanges; i += 2) count += rs[i + 1] - rs[i];
      const escNodes = Int32Array.from(this.esc);
      if (count > LIST_LIMIT) {
        const bits = new Uint32Array((this.vocabSize + 31) >>> 5);
        this.addRanges(bits);
        return { bits, ids: null, count, escNodes, escKey: this.escKeyOf(escNodes), visited: this.visited, slice: null };
      }
      const ids = new Uint32Array(count);
      let k = 0;
      for (let i = 0; i < this.nRanges; i += 2) for (let t = rs[i], e = rs[i + 1]; t < e; t++) ids[k++] = tokenIds[t];
      return { bits: null, ids, count, escNodes, escKey: this.escKeyOf(escNodes), visited: this.visited, slice: null };
    }
    const except = funnel?.except ?? null;
    // The run's tokens (the whole set, or those of at most `bounded` characters), copied from the
    // slice's shared start bitset; `count` follows every bit set or cleared below.
    const start = startBits(trie, slice, bounded);
    const bits = start.bits.slice();
    let count = start.count;
    const { exits, exitChars, exitTop, exitParent, exitPre, exitLead } = slice;
    const startAt = this.startAt.fill(-1);
    if (except !== null) {
      // A funnel: the first bytes in `except` lead elsewhere than the run; walk those subtrees from q.
      this.level[0] = sets.start(q);
      for (let c = 1; c < nodeCount; c = next[c]) {
        const b = byte[c];
        if ((except[b >>> 5] & (1 << (b & 31))) === 0) continue;
        for (let k = tokenStart[c]; k < tokenStart[next[c]]; k++) {
          const w = tokenIds[k] >>> 5, bit = 1 << (tokenIds[k] & 31);
          if (bits[w] & bit) {
            bits[w] &= ~bit;
            count--;
          }
        }
        this.walkChild(c);
      }
    }
    for (let i = 0; i < exits.length; i++) {
      const e = exits[i];
      if (except !== null && except[exitTop[i] >>> 5] & (1 << (exitTop[i] & 31))) continue;
      if (exitChars[i] > bounded) continue;
      // Exits share their start sets: one per number of characters read before the exit (the
      // run's state after them), instead of following the chain and looking the set up per exit.
      const k = exitChars[i];
      let x = startAt[k];
      if (x < 0) x = startAt[k] = sets.start(runStateAfter(runs, q, k));
      if (exitPre[i] !== 0) {
        // A character outside the set that begins like ones inside it (U+2028/9 under a `.`): read
        // its first bytes from p, then walk.
        for (let k = 0; k < exitPre[i] && x >= 0; k++) x = sets.moveOf(x, classOf[(exitLead[i] >>> (8 * k)) & 0xff]);
        if (x < 0) continue;
      } else {
        // Where the run's rule can end (p accepts, or a rule p calls can end it), a token may go on
        // after it through the caller: the exit's parent is an escape point when the exit's byte can
        // follow the rule (the walk skipped it).
        const b = byte[e];
        if (exitParent[i] > 0 && sets.flags[x] & SET_ESCAPES && sets.escBytes[x * 8 + (b >>> 5)] & (1 << (b & 31))) this.esc.push(exitParent[i]);
      }
      // Most exits are refused at their own byte (a raw newline in a JSON string: 1,123 of Qwen's
      // 1,491): look that move up here rather than enter a walk for one node.
      const c = classOf[byte[e]];
      let y = sets.move[x * sets.nc + c];
      if (y === -2) y = sets.moveOf(x, c);
      if (y < 0) {
        this.visited++;
        continue;
      }
      this.level[depth[e] - 1] = x;
      this.walk(e, next[e]);
    }
    count += this.addRanges(bits);
    const escNodes = Int32Array.from(new Set(this.esc)).sort();
    return { bits, ids: null, count, escNodes, escKey: this.escKeyOf(escNodes), visited: this.visited, slice: slice.key };
  }

  /**
   * Whether a cache entry may start from the slice of `key` when states of the run call rules:
   * from each state p of the run from `from` (the first `steps` characters; and the funnel state
   * `funnelQ`, with its own set) that calls, no configuration the calls add to the walk's start set
   * reads a byte of the set (they leave the run at exits only, where the walk starts from them all)
   * and no configuration that ends the rule there can be followed by one (escapes at exits only).
   */
  private callsStayOff(funnelQ: number, from: number, key: string, steps: number): boolean {
    const a = this.a, runs = runsOf(a);
    if (funnelQ >= 0 && a.hasCalls[funnelQ] && !this.quietAt(funnelQ, runs.key[funnelQ]!)) return false;
    const cap = Math.min(steps, this.trie.maxDepth + 1);
    let x = from;
    for (let k = 0; ; k++) {
      if (a.hasCalls[x] && !this.quietAt(x, key)) return false;
      if (k >= cap) return true;
      const t = runs.target[x];
      if (t === x) return true;
      if (t < 0) return k >= steps;
      x = t;
    }
  }

  /** See `callsStayOff`: the walk's start set at p against the 256-bit byte set of `key`. */
  private quietAt(p: number, key: string): boolean {
    const sets = this.sets, x = sets.start(p), set = keyBytes(key);
    if (sets.flags[x] & SET_ESCAPES) for (let w = 0; w < 8; w++) if (sets.escBytes[x * 8 + w] & set[w]) return false;
    return !sets.othersRead(x, p, set);
  }

  /** The `escKey` of an entry with escape nodes `nodes`. */
  private escKeyOf(nodes: Int32Array): number {
    if (nodes.length === 0) return 0;
    const k = nodes.join(",");
    let id = this.escKeys.get(k);
    if (id === undefined) this.escKeys.set(k, (id = this.escKeys.size + 1));
    return id;
  }

  /** Sets the bits of every token in the collected ranges; returns how many were not set before. */
  private addRanges(bits: Uint32Array): number {
    const rs = this.ranges, tokenIds = this.trie.tokenIds;
    let added = 0;
    for (let i = 0; i < this.nRanges; i += 2) {
      for (let t = rs[i], e = rs[i + 1]; t < e; t++) {
        const id = tokenIds[t], w = id >>> 5, bit = 1 << (id & 31);
        if ((bits[w] & bit) === 0) {
          bits[w] |= bit;
          added++;
        }
      }
    }
    return added;
  }

  /** Accepts the tokens with trie indices `[from, to)`. */
  private accept(from: number, to: number): void {
    if (to <= from) return;
    const n = this.nRanges;
    if (n > this.floor && this.ranges[n - 1] === from) {
      this.ranges[n - 1] = to;
      return;
    }
    if (n + 2 > this.ranges.length) this.ranges = grownI32(this.ranges, n + 2);
    this.ranges[n] = from;
    this.ranges[n + 1] = to;
    this.nRanges = n + 2;
  }

  /** Walks the subtree of root child c from the set at level 0, through the memo. */
  private walkChild(c: number): void {
    const { sets, trie } = this;
    const b = trie.byte[c];
    const y = sets.moveOf(this.level[0], this.a.classOf[b]);
    if (y < 0) {
      this.visited++;
      return;
    }
    this.walkMemo(this.memo, ((y * 256 + b) * 2) + (this.useRuns ? 1 : 0), c, trie.next[c]);
  }

  /**
   * Walks the nodes `[from, to)` through `memo`: a hit replays the ranges and escape nodes kept
   * under `key`; a miss walks them and keeps what it collected when the walk was long enough.
   */
  private walkMemo(memo: Map<number, SubtreeResult>, key: number, from: number, to: number): void {
    const hit = memo.get(key);
    if (hit !== undefined) {
      this.visited++;
      const r = hit.ranges;
      for (let i = 0; i < r.length; i += 2) this.accept(r[i], r[i + 1]);
      for (let i = 0; i < hit.escNodes.length; i++) this.esc.push(hit.escNodes[i]);
      return;
    }
    const r0 = this.nRanges, e0 = this.esc.length, v0 = this.visited, floor = this.floor;
    this.floor = r0;
    this.walk(from, to);
    this.floor = floor;
    const visited = this.visited - v0;
    if (visited >= MEMO_MIN_VISITED) this.remember(memo, key, r0, e0, visited);
  }

  /** Keeps what the walk collected since range `r0` and escape `e0` in `memo` under `key`. */
  private remember(memo: Map<number, SubtreeResult>, key: number, r0: number, e0: number, visited: number): void {
    const ranges = this.ranges.slice(r0, this.nRanges);
    const escNodes = new Int32Array(this.esc.length - e0);
    for (let i = e0; i < this.esc.length; i++) escNodes[i - e0] = this.esc[i];
    this.memoInts += ranges.length + escNodes.length + 8;
    if (this.memoInts > MEMO_MAX_INTS) {
      this.memo.clear();
      this.deep.clear();
      this.memoInts = ranges.length + escNodes.length + 8;
    }
    memo.set(key, { ranges, escNodes, visited });
  }

  /** The children of node m (depth 2 to MEMO_DEPTH) from set y (`level[depth[m]]`), through the deep memo. */
  private walkBelow(m: number, y: number): void {
    this.walkMemo(this.deep, (y * this.trie.nodeCount + m) * 2 + (this.useRuns ? 1 : 0), m + 1, this.trie.next[m]);
  }

  /** Walks the nodes `[from, to)` (a subtree) from the set at level `depth[from] - 1`. */
  private walk(from: number, to: number): void {
    const { sets, trie, level, sfx } = this;
    const { next, byte, depth, tokenStart } = trie;
    const classOf = this.a.classOf;
    const nc = sets.nc;
    const useRuns = this.useRuns && sfx !== null;
    let move = sets.move, flags = sets.flags;
    let m = from;
    while (m < to) {
      this.visited++;
      const d = depth[m];
      const x = level[d - 1];
      const c = classOf[byte[m]];
      let y = move[x * nc + c];
      if (y === -2) {
        y = sets.moveOf(x, c);
        move = sets.move;
        flags = sets.flags;
      }
      if (y < 0) {
        m = next[m];
        continue;
      }
      level[d] = y;
      this.accept(tokenStart[m], tokenStart[m + 1]);
      const end = next[m];
      if (end === m + 1) {
        m++;
        continue;
      }
      const f = flags[y];
      // A configuration in a character run that can read every continuation below m: take the subtree whole.
      if (f & (SET_RUNS | SET_RUNS_PENDING) && useRuns && sets.jumps(y, m, sfx![m])) {
        this.accept(tokenStart[m + 1], tokenStart[end]);
        m = end;
        continue;
      }
      if (f & SET_ESCAPES && childCanEscape(trie, m, sets.escBytes, y * 8)) this.esc.push(m);
      if ((f & SET_READS) === 0) m = end;
      else if (d >= 2 && d <= MEMO_DEPTH) {
        this.walkBelow(m, y);
        move = sets.move;
        flags = sets.flags;
        m = end;
      } else m++;
    }
  }
}

/** Whether some child byte of trie node m is in the 256-bit set `set[base .. base + 8)`. */
function childCanEscape(trie: TokenTrie, m: number, set: Uint32Array, base: number): boolean {
  const { next, byte } = trie;
  for (let c = m + 1; c < next[m]; c = next[c]) {
    const b = byte[c];
    if (set[base + (b >>> 5)] & (1 << (b & 31))) return true;
  }
  return false;
}

/** Bytes held by a cache entry. */
export function entryBytes(e: TokenCacheEntry): number {
  return (e.bits?.byteLength ?? 0) + (e.ids?.byteLength ?? 0) + e.escNodes.byteLength + 64;
}
