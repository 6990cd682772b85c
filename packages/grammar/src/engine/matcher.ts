/**
 * The per-sequence matcher: a set of parser configurations over the
 * compiled automata, advanced byte by byte, with an undo history per token.
 */
import { ArgumentError, TokenMask, type TokenTrie, type Vocabulary } from "@formwork/core";
import type { Automaton } from "./automaton.js";
import { anyComplete, closure, ConfigBuffer, step, type RunContext } from "./configs.js";
import { describeExpected, expectedBytes } from "./expected.js";
import type { ResolvedEngineOptions } from "./options.js";
import { StackPool } from "./stack-pool.js";
import type { TokenCacheEntry } from "./token-cache.js";

/** What a matcher reads from its compiled grammar (`CompiledGrammar` is one). */
export interface MatcherSource {
  readonly automaton: Automaton;
  readonly vocabulary: Vocabulary;
  readonly trie: TokenTrie;
  readonly options: ResolvedEngineOptions;
  /** The token classification of automaton state `q`. */
  cacheEntry(q: number): TokenCacheEntry;
}

/** Where a text leaves the grammar (see `GrammarMatcher.findMismatch`). */
export interface Mismatch {
  /** Whether the whole text is a complete sentence. */
  accepted: boolean;
  /** Byte offset of the first byte the grammar cannot take, or the text's length when it is only too short. */
  offset: number;
  /** Whether the text so far is a valid prefix (the mismatch is only that it stops too early). */
  prefixOk: boolean;
  /** What the grammar expected at `offset`, for people (`'"' or '}'`). */
  expected: string;
}

interface Entry {
  configs: Int32Array;
  terminated: boolean;
}

/** Above this many tokens, an escape walk's result is kept as a bitset instead of a list of ids. */
const ESCAPE_LIST_LIMIT = 2048;
/** The tokens an escape walk found: a list of ids or, when many, a bitset over the vocabulary. */
interface EscapeTokens {
  ids: Uint32Array | null;
  bits: Uint32Array | null;
}
const NO_TOKENS: EscapeTokens = { ids: new Uint32Array(0), bits: null };

/**
 * An escape walk's result and the part of the stack it read: the return states of the `rets.length`
 * frames it popped (top first), whether the stack under them was empty, and how many frames above
 * the real stack's depth it pushed at most (the `maxStackDepth` check).
 */
interface EscapeResult {
  rets: Int32Array;
  bottomEmpty: boolean;
  rise: number;
  found: EscapeTokens;
}
/** Stack ids below this are memoised per pool with their entry's escape nodes as one number (escKey * STACK_KEY + stack). */
const STACK_KEY = 1 << 26;
/** Entries kept per stack pool before its memo starts over. */
const EXACT_MEMO_LIMIT = 4096;
const exactEscapeMemos = new WeakMap<StackPool, Map<number, EscapeTokens>>();

/** The per-pool memo of escape-walk results by (escKey, stack id), shared by forks. */
function exactEscapeMemo(pool: StackPool): Map<number, EscapeTokens> {
  let m = exactEscapeMemos.get(pool);
  if (!m) exactEscapeMemos.set(pool, (m = new Map()));
  return m;
}

/** escKeys below this fit with a return state or a stack id (below 2^26) in a double exactly (2^53). */
const ESC_KEY_LIMIT = 1 << 26;
const STATE_KEY = 1 << 26;
/** Results kept per grammar under one (escKey, top return state) before the oldest is dropped. */
const ESCAPE_CANDIDATES = 64;
/** Words (ids or bitset words) kept in a grammar's escape memo before it starts over (16 MB). */
const ESCAPE_MEMO_WORDS = 1 << 22;
interface EscapeMemo {
  map: Map<number, EscapeResult[]>;
  words: number;
}
const escapeMemos = new WeakMap<MatcherSource, EscapeMemo>();

/**
 * The per-grammar memo of escape-walk results, keyed by the escape nodes and the part of the stack
 * a walk read (see `EscapeResult`): equal for every matcher of the grammar and every stack that
 * agrees on those frames, so nested values of the same kind share one walk.
 */
function escapeMemo(g: MatcherSource): EscapeMemo {
  let m = escapeMemos.get(g);
  if (!m) escapeMemos.set(g, (m = { map: new Map(), words: 0 }));
  return m;
}

/** Scratch of `fillNextTokenMask` (never re-entered): the states whose entries it took, and those that are bitsets. */
const maskSeen: number[] = [];
const maskWide: number[] = [];

/** From this many bitset entries in one mask, their union is memoised (see `unionMemo`). */
const UNION_MIN = 3;
/** Unions kept per automaton before the memo starts over (a bitset each: 19 KB at 151k tokens). */
const UNION_MEMO_LIMIT = 64;
const unionMemos = new WeakMap<MatcherSource, Map<string, Uint32Array>>();

/**
 * The per-grammar memo of unions of cache entries, by the comma-joined states (shared by every
 * matcher of the grammar: entries never change once built).
 */
function unionMemo(g: MatcherSource): Map<string, Uint32Array> {
  let m = unionMemos.get(g);
  if (!m) unionMemos.set(g, (m = new Map()));
  return m;
}

/**
 * `w |= bits`, word by word. The mask's loops live in these two small functions rather than in
 * `fillNextTokenMask`: that big function is reoptimised each time a grammar takes a path it has
 * not taken before (a first escape walk, a first union), and while it runs unoptimised a loop
 * over 4,748 words (151k tokens) inside it cost 0.3-0.5 ms per mask; these stay optimised.
 */
function orBits(w: Uint32Array, bits: Uint32Array): void {
  for (let k = 0; k < bits.length; k++) w[k] |= bits[k];
}

/** Sets the bits of `ids` in `w`. */
function orIds(w: Uint32Array, ids: Uint32Array): void {
  for (let k = 0; k < ids.length; k++) w[ids[k] >>> 5] |= 1 << (ids[k] & 31);
}

/** Longest completion (bytes) that `minTokensToFinish` tokenizes; beyond it, it answers `minBytesToFinish()`. */
const MAX_COMPLETION = 1 << 16;

/** States and grammar-wide stack ids below this are memoised as one number (state * FINISH_KEY + stack). */
const FINISH_KEY = 1 << 26;
/** `minTokensToFinish` answers kept per grammar before that memo starts over. */
const FINISH_MEMO_LIMIT = 1 << 16;
/** Grammar-wide stacks kept before the whole memo starts over (the pools' ids into it with it). */
const FINISH_STACK_LIMIT = 1 << 16;
/**
 * Per grammar: `minTokensToFinish` by the configuration its shortest completion starts from (the
 * completion, hence its tokens, is a function of that state and its stack's return states alone),
 * with stacks numbered grammar-wide so that every matcher of the grammar shares the answers (each
 * matcher from `createMatcher` has a stack pool of its own, numbered in its own order).
 */
interface FinishMemo {
  tokens: Map<number, number>;
  /** Grammar-wide stack ids by (return state, parent's grammar-wide id); 0 is the empty stack. */
  stacks: Map<number, number>;
}
const finishMemos = new WeakMap<MatcherSource, FinishMemo>();
/** Per stack pool: `ids[f]` is frame f's grammar-wide stack id in `memo` plus one (0: not numbered yet). */
const poolFinishIds = new WeakMap<StackPool, { memo: FinishMemo; ids: Int32Array }>();

/**
 * Tracks one sequence through a compiled grammar. Every method is exact at
 * the byte level; tokens may split UTF-8 characters.
 */
export class GrammarMatcher {
  readonly compiled: MatcherSource;
  private readonly ctx: RunContext;
  private history: Entry[];
  private readonly a = new ConfigBuffer();
  private readonly b = new ConfigBuffer();
  private readonly walkBuf = new ConfigBuffer();
  private readonly levelStart: Int32Array;
  private readonly levelEnd: Int32Array;
  /** Scratch of the escape walks: a bitset (all zero between walks) and the ids newly set in it. */
  private escWords: Uint32Array | null = null;
  private escIds = new Uint32Array(256);
  private escCount = 0;
  /** The least and greatest stack depth of the configurations the current escape walk met. */
  private walkMin = 0;
  private walkMax = 0;

  /** A matcher at the start of `compiled` (or, from `fork`, sharing a stack pool and history). */
  constructor(compiled: MatcherSource, shared?: { ctx: RunContext; history: Entry[] }) {
    this.compiled = compiled;
    const depth = compiled.trie.maxDepth + 2;
    this.levelStart = new Int32Array(depth);
    this.levelEnd = new Int32Array(depth);
    if (shared) {
      this.ctx = shared.ctx;
      this.history = shared.history.slice();
      return;
    }
    const a = compiled.automaton;
    this.ctx = {
      a,
      pool: new StackPool(a),
      maxStackDepth: compiled.options.maxStackDepth,
      maxConfigurations: compiled.options.maxConfigurations,
    };
    const buf = new ConfigBuffer();
    closure(this.ctx, a.ruleStart[0], 0, buf, 0);
    this.history = [{ configs: buf.snapshot(), terminated: false }];
  }

  private get top(): Entry {
    return this.history[this.history.length - 1];
  }

  /** Number of accepted steps (tokens or `acceptBytes` calls) that `rollback` can undo. */
  get stepCount(): number {
    return this.history.length - 1;
  }

  /** Whether the input so far is a complete sentence (end-of-generation tokens are allowed exactly then). */
  isComplete(): boolean {
    const e = this.top;
    if (e.terminated) return true;
    const c = e.configs, acc = this.compiled.automaton.accepting;
    for (let i = 0; i < c.length; i += 2) if (c[i + 1] === 0 && acc[c[i]]) return true;
    return false;
  }

  /** Whether an end-of-generation token was accepted; nothing more is allowed. */
  isTerminated(): boolean {
    return this.top.terminated;
  }

  /**
   * Sets `mask` to the tokens allowed next: a text token iff its bytes are a
   * prefix of some continuation that completes a sentence; end-of-generation
   * tokens iff `isComplete()`; other special tokens never. `mask.size` must
   * be the vocabulary size.
   */
  fillNextTokenMask(mask: TokenMask): void {
    const vocab = this.compiled.vocabulary;
    if (mask.size !== vocab.size) throw new ArgumentError("mask-size", `the mask has ${mask.size} ids but the vocabulary has ${vocab.size}`, { hint: "Allocate the mask with new TokenMask(vocabulary.size)." });
    const w = mask.words;
    w.fill(0);
    const e = this.top;
    if (e.terminated) return;
    const c = e.configs;
    const a = this.compiled.automaton;
    const seen = maskSeen;
    seen.length = 0;
    // States whose entries are bitsets: OR-ed after the loop, their union memoised when there are many.
    const wide = maskWide;
    wide.length = 0;
    const pool = this.ctx.pool;
    for (let i = 0; i < c.length; i += 2) {
      const q = c[i], st = c[i + 1];
      if (!a.hasBytes[q] && !a.hasCalls[q]) continue;
      // A configuration entered by a call from another one in the set is covered by the caller's cache entry.
      if (st !== 0 && q === a.ruleStart[a.ruleOf[q]] && this.calledFromSet(c, q, st)) continue;
      const entry = this.compiled.cacheEntry(q);
      if (!seen.includes(q)) {
        seen.push(q);
        if (entry.bits) wide.push(q);
        else orIds(w, entry.ids!);
      }
      const n = entry.escNodes.length;
      if (n === 0 || st === 0) continue;
      // Past the end of q's rule: continue from the caller's frame. The tokens found depend on the
      // escape nodes and on the frames the walk popped only, so they are kept per grammar under
      // those (inside a string the state and the stack stay the same from token to token; the
      // states of a counted string have the same escape nodes; nested values of one kind read the
      // same few frames).
      const found = this.escapeTokens(entry.escNodes, entry.escKey, st);
      if (found.bits !== null) orBits(w, found.bits);
      else orIds(w, found.ids!);
    }
    if (wide.length >= UNION_MIN) {
      // Many wide entries (an object's optional properties: one per rule of the chain): their union
      // is the same whenever the same states meet, so it is kept per grammar, keyed by the states.
      const memo = unionMemo(this.compiled);
      const key = wide.join(",");
      let u = memo.get(key);
      if (u === undefined) {
        u = new Uint32Array(w.length);
        for (const q of wide) orBits(u, this.compiled.cacheEntry(q).bits!);
        if (memo.size >= UNION_MEMO_LIMIT) memo.clear();
        memo.set(key, u);
      }
      orBits(w, u);
    } else {
      for (const q of wide) orBits(w, this.compiled.cacheEntry(q).bits!);
    }
    if (this.isComplete()) for (const id of vocab.eogIds) w[id >>> 5] |= 1 << (id & 31);
  }

  /**
   * The tokens that continue below escape nodes `nodes` (key `escKey`) once the rule ends on stack
   * `st`: from the memo when a walk read the same frames before, else walked. A walk reads the
   * stack only by popping frames (their return states; a configuration on the empty stack does not
   * pop) and checks `maxStackDepth` against the depth of what it pushes, so its result holds for
   * every stack with the same return states in the frames it popped, the same emptiness below
   * them, and room for the same pushes.
   */
  private escapeTokens(nodes: Int32Array, escKey: number, st: number): EscapeTokens {
    const pool = this.ctx.pool;
    // First the pool's memo by (escKey, stack id): one lookup, whatever the stack.
    const exact = exactEscapeMemo(pool);
    const exactKey = st < STACK_KEY && escKey < ESC_KEY_LIMIT ? escKey * STACK_KEY + st : -1;
    let found = exactKey >= 0 ? exact.get(exactKey) : undefined;
    if (found === undefined) {
      found = this.escapeTokensByFrames(nodes, escKey, st);
      if (exactKey >= 0) {
        if (exact.size >= EXACT_MEMO_LIMIT) exact.clear();
        exact.set(exactKey, found);
      }
    }
    return found;
  }

  /** `escapeTokens` past the pool's memo: the grammar's memo by the frames a walk popped, or a walk. */
  private escapeTokensByFrames(nodes: Int32Array, escKey: number, st: number): EscapeTokens {
    const pool = this.ctx.pool;
    const top = pool.state[st];
    const memo = escapeMemo(this.compiled);
    const key = escKey < ESC_KEY_LIMIT && top < STATE_KEY ? escKey * STATE_KEY + top : -1;
    const list = key >= 0 ? memo.map.get(key) : undefined;
    if (list !== undefined) {
      const depth = pool.depth[st];
      for (let i = list.length - 1; i >= 0; i--) {
        const r = list[i];
        if (depth + r.rise >= this.ctx.maxStackDepth) continue;
        const rets = r.rets;
        let f = st, k = 0;
        for (; k < rets.length && f !== 0 && pool.state[f] === rets[k]; k++) f = pool.parent[f];
        if (k === rets.length && (f === 0) === r.bottomEmpty) return r.found;
      }
    }
    const depth = pool.depth[st];
    this.walkMin = depth;
    this.walkMax = depth;
    const popped = this.popConfigs(top, pool.parent[st]);
    let found: EscapeTokens;
    if (!popped) found = NO_TOKENS;
    else {
      const tmp = (this.escWords ??= new Uint32Array(this.compiled.vocabulary.size + 31 >>> 5));
      if (this.escCount !== 0) {
        // A walk that threw (a limit) left its marks.
        tmp.fill(0);
        this.escCount = 0;
      }
      for (let j = 0; j < nodes.length; j++) this.walkSubtree(nodes[j], popped, tmp);
      found = this.takeEscapeTokens(tmp);
    }
    if (key >= 0) {
      const k = depth - this.walkMin;
      const rets = new Int32Array(k);
      let f = st;
      for (let i = 0; i < k; i++) {
        rets[i] = pool.state[f];
        f = pool.parent[f];
      }
      const words = k + (found.bits ? found.bits.length : found.ids!.length);
      if (memo.words + words > ESCAPE_MEMO_WORDS) {
        memo.map.clear();
        memo.words = 0;
      }
      let l = memo.map.get(key);
      if (l === undefined) memo.map.set(key, (l = []));
      if (l.length >= ESCAPE_CANDIDATES) l.shift();
      l.push({ rets, bottomEmpty: f === 0, rise: this.walkMax - depth, found });
      memo.words += words;
    }
    return found;
  }

  /** The closure of `(q, st)` (a return state and its stack), or null when no configuration in it reads a byte. */
  private popConfigs(q: number, st: number): Int32Array | null {
    const buf = this.walkBuf;
    buf.len = 0;
    closure(this.ctx, q, st, buf, 0);
    this.noteDepths(buf, 0, buf.len);
    const hasBytes = this.compiled.automaton.hasBytes;
    for (let i = 0; i < buf.len; i++) if (hasBytes[buf.q[i]]) return buf.snapshot();
    return null;
  }

  /** Widens `walkMin`/`walkMax` to the stack depths of configurations `buf[from, to)`. */
  private noteDepths(buf: ConfigBuffer, from: number, to: number): void {
    const depth = this.ctx.pool.depth;
    let lo = this.walkMin, hi = this.walkMax;
    for (let i = from; i < to; i++) {
      const d = depth[buf.s[i]];
      if (d < lo) lo = d;
      else if (d > hi) hi = d;
    }
    this.walkMin = lo;
    this.walkMax = hi;
  }

  /** Whether `(start, st)` is the entry of a call made by a configuration `(x, parent(st))` of the set `c`. */
  private calledFromSet(c: Int32Array, start: number, st: number): boolean {
    const a = this.compiled.automaton, pool = this.ctx.pool;
    const parent = pool.parent[st], ret = pool.state[st], rule = a.ruleOf[start];
    for (let i = 0; i < c.length; i += 2) {
      if (c[i + 1] !== parent) continue;
      const x = c[i];
      if (!a.hasCalls[x]) continue;
      a.expand(x);
      for (let k = a.callStart[x]; k < a.callEnd[x]; k++) if (a.callRule[k] === rule && a.callRet[k] === ret) return true;
    }
    return false;
  }

  /** Marks the tokens strictly below trie node `node` that configurations `start` accept. */
  private walkSubtree(node: number, start: Int32Array, w: Uint32Array): void {
    const { next, depth, byte, tokenStart, tokenIds } = this.compiled.trie;
    const buf = this.walkBuf;
    buf.load(start);
    const ls = this.levelStart, le = this.levelEnd;
    const d0 = depth[node];
    ls[d0] = 0;
    le[d0] = buf.len;
    const end = next[node];
    let m = node + 1;
    while (m < end) {
      const d = depth[m];
      const ps = ls[d - 1], pe = le[d - 1];
      buf.len = pe;
      const added = step(this.ctx, buf, ps, pe, byte[m], buf);
      if (added === 0) {
        m = next[m];
        continue;
      }
      ls[d] = pe;
      le[d] = pe + added;
      this.noteDepths(buf, pe, pe + added);
      const t1 = tokenStart[m + 1];
      for (let k = tokenStart[m]; k < t1; k++) {
        const id = tokenIds[k], bit = 1 << (id & 31);
        if (w[id >>> 5] & bit) continue;
        w[id >>> 5] |= bit;
        if (this.escCount === this.escIds.length) {
          const grown = new Uint32Array(this.escIds.length * 2);
          grown.set(this.escIds);
          this.escIds = grown;
        }
        this.escIds[this.escCount++] = id;
      }
      m++;
    }
  }

  /** The tokens the escape walks marked in `w` (a list, or a copy of the bitset when many), and `w` cleared. */
  private takeEscapeTokens(w: Uint32Array): EscapeTokens {
    const n = this.escCount, ids = this.escIds;
    let out: EscapeTokens;
    if (n > ESCAPE_LIST_LIMIT) {
      out = { ids: null, bits: w.slice() };
      w.fill(0);
    } else {
      out = { ids: ids.slice(0, n), bits: null };
      for (let k = 0; k < n; k++) w[ids[k] >>> 5] = 0;
    }
    this.escCount = 0;
    return out;
  }

  /** Configurations after `bytes` from `configs`, or null when some byte is refused. */
  private advance(configs: Int32Array, bytes: Uint8Array): Int32Array | null {
    let src = this.a, dst = this.b;
    src.load(configs);
    for (let i = 0; i < bytes.length; i++) {
      dst.len = 0;
      if (step(this.ctx, src, 0, src.len, bytes[i], dst) === 0) return null;
      const t = src;
      src = dst;
      dst = t;
    }
    return src.snapshot();
  }

  /**
   * Accepts token `id` if the grammar allows it (exactly when the mask would
   * hold it); returns false and leaves the state unchanged otherwise. An
   * end-of-generation token is accepted only when `isComplete()`, and then
   * terminates the matcher.
   */
  acceptToken(id: number): boolean {
    const e = this.top;
    const vocab = this.compiled.vocabulary;
    if (e.terminated || !Number.isInteger(id) || id < 0 || id >= vocab.size) return false;
    if (vocab.isEog(id)) {
      if (!this.isComplete()) return false;
      this.history.push({ configs: e.configs, terminated: true });
      return true;
    }
    if (!vocab.isText(id)) return false;
    const next = this.advance(e.configs, vocab.bytesOf(id));
    if (!next) return false;
    this.history.push({ configs: next, terminated: false });
    return true;
  }

  /** Accepts raw bytes as one step (one `rollback` undoes it); false and no change when refused. */
  acceptBytes(bytes: Uint8Array | string): boolean {
    const e = this.top;
    if (e.terminated) return false;
    const b = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    const next = this.advance(e.configs, b);
    if (!next) return false;
    this.history.push({ configs: next, terminated: false });
    return true;
  }

  /** Undoes the last `n` accepted steps. */
  rollback(n = 1): void {
    if (!Number.isInteger(n) || n < 0 || n > this.history.length - 1) {
      throw new ArgumentError("bad-rollback", `cannot roll back ${n} steps: only ${this.history.length - 1} were accepted`, { hint: "Pass a count between 0 and stepCount." });
    }
    this.history.length -= n;
  }

  /** An independent matcher in the same state (shares the immutable history and the stack pool). */
  fork(): GrammarMatcher {
    return new GrammarMatcher(this.compiled, { ctx: this.ctx, history: this.history });
  }

  /** Back to the start of the grammar. */
  reset(): void {
    this.history.length = 1;
  }

  /**
   * The bytes every continuation must start with (empty when the sentence
   * may end here or two bytes are possible next), up to `limit` bytes: what
   * a decoder can fast-forward without sampling.
   */
  forcedBytes(limit = 4096): Uint8Array {
    const a = this.compiled.automaton;
    const out: number[] = [];
    if (this.top.terminated) return new Uint8Array(0);
    let src = this.a, dst = this.b;
    src.load(this.top.configs);
    while (out.length < limit && !anyComplete(a, src, 0, src.len)) {
      const ranges = expectedBytes(a, src.q.subarray(0, src.len));
      if (ranges.length !== 2 || ranges[0] !== ranges[1]) break;
      const byte = ranges[0];
      dst.len = 0;
      if (step(this.ctx, src, 0, src.len, byte, dst) === 0) break;
      out.push(byte);
      const t = src;
      src = dst;
      dst = t;
    }
    return Uint8Array.from(out);
  }

  /** Fewest bytes that complete a sentence from here (0 when complete). */
  minBytesToFinish(): number {
    if (this.top.terminated) return 0;
    const c = this.top.configs, a = this.compiled.automaton, cost = this.ctx.pool.cost;
    let best = Infinity;
    for (let i = 0; i < c.length; i += 2) best = Math.min(best, a.minBytes[c[i]] + cost[c[i + 1]]);
    return best;
  }

  /**
   * An achievable upper bound on the tokens needed to complete a sentence
   * from here: the shortest completion (in bytes) tokenized greedily by
   * longest match over the vocabulary's text tokens. Every one of those
   * tokens is allowed by the mask in turn, so the bound is safe for
   * length-aware decoding. It equals `minBytesToFinish()` or less when every
   * byte is a token. `Infinity` when some byte of the completion starts no
   * token; `minBytesToFinish()` when the completion exceeds 65,536 bytes.
   */
  minTokensToFinish(): number {
    const trie = this.compiled.trie;
    if (this.top.terminated) return trie.greedyTokenize(new Uint8Array(0))?.length ?? Infinity;
    const c = this.top.configs;
    const bi = this.bestConfig(c);
    const best = bi < 0 ? Infinity : this.compiled.automaton.minBytes[c[bi]] + this.ctx.pool.cost[c[bi + 1]];
    if (best > MAX_COMPLETION) return best;
    // Memoised per grammar by the configuration the completion starts from (see `FinishMemo`).
    const key = this.finishKey(c[bi], c[bi + 1]);
    const memo = key >= 0 ? finishMemos.get(this.compiled)!.tokens : null;
    const hit = memo?.get(key);
    if (hit !== undefined) return hit;
    const n = trie.greedyTokenize(this.completionFrom(c[bi], c[bi + 1]))?.length ?? Infinity;
    if (memo) {
      if (memo.size >= FINISH_MEMO_LIMIT) memo.clear();
      memo.set(key, n);
    }
    return n;
  }

  /** The index in `c` of its first configuration with the fewest bytes to finish (-1 when `c` is empty). */
  private bestConfig(c: Int32Array): number {
    const a = this.compiled.automaton, cost = this.ctx.pool.cost;
    let bi = -1, best = Infinity;
    for (let i = 0; i < c.length; i += 2) {
      const v = a.minBytes[c[i]] + cost[c[i + 1]];
      if (bi < 0 || v < best) {
        best = v;
        bi = i;
      }
    }
    return bi;
  }

  /** The memo key of configuration `(q, st)` (its state and grammar-wide stack id), or -1 when either is too large. */
  private finishKey(q: number, st: number): number {
    let memo = finishMemos.get(this.compiled);
    if (memo === undefined || memo.stacks.size >= FINISH_STACK_LIMIT) finishMemos.set(this.compiled, (memo = { tokens: new Map(), stacks: new Map() }));
    const pool = this.ctx.pool;
    let own = poolFinishIds.get(pool);
    if (own === undefined || own.memo !== memo) poolFinishIds.set(pool, (own = { memo, ids: new Int32Array(Math.max(64, pool.count)) }));
    if (own.ids.length < pool.count) {
      const grown = new Int32Array(Math.max(pool.count, own.ids.length * 2));
      grown.set(own.ids);
      own.ids = grown;
    }
    const g = this.globalStack(st, memo, own.ids);
    return q < FINISH_KEY && g < FINISH_KEY ? q * FINISH_KEY + g : -1;
  }

  /** Frame `st`'s grammar-wide stack id in `memo` (`ids`: the pool's numbering, filled as needed). */
  private globalStack(st: number, memo: FinishMemo, ids: Int32Array): number {
    if (st === 0) return 0;
    if (ids[st] > 0) return ids[st] - 1;
    const pool = this.ctx.pool;
    const parent = this.globalStack(pool.parent[st], memo, ids);
    const k = pool.state[st] * 4294967296 + parent;
    let g = memo.stacks.get(k);
    if (g === undefined) memo.stacks.set(k, (g = memo.stacks.size + 1));
    ids[st] = g + 1;
    return g;
  }

  /** The bytes of one shortest completion, or null when longer than the cap. */
  shortestCompletion(): Uint8Array | null {
    if (this.top.terminated) return new Uint8Array(0);
    const c = this.top.configs;
    const bi = this.bestConfig(c);
    if (bi < 0 || this.compiled.automaton.minBytes[c[bi]] + this.ctx.pool.cost[c[bi + 1]] > MAX_COMPLETION) return null;
    return this.completionFrom(c[bi], c[bi + 1]);
  }

  /** The bytes of the shortest completion from configuration `(q, st)` (finishing `q`'s rule, then each caller's). */
  private completionFrom(q0: number, st0: number): Uint8Array {
    const a = this.compiled.automaton, pool = this.ctx.pool;
    const out: number[] = [];
    const finishRule = (start: number): void => {
      let q = start;
      for (;;) {
        const m = a.bestMove(q);
        if (m < 0) return;
        if (m < a.nClasses) {
          out.push(a.classLo[m]);
          q = a.next(q, m);
        } else {
          const k = m - a.nClasses;
          finishRule(a.ruleStart[a.callRule[k]]);
          q = a.callRet[k];
        }
      }
    };
    finishRule(q0);
    for (let st = st0; st !== 0; st = pool.parent[st]) finishRule(pool.state[st]);
    return Uint8Array.from(out);
  }

  /**
   * Runs `bytes` from the current state without changing it and says where
   * they leave the grammar (for `formwork check`).
   */
  findMismatch(bytes: Uint8Array | string): Mismatch {
    const b = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    const a = this.compiled.automaton;
    let src = this.a, dst = this.b;
    src.load(this.top.configs);
    for (let i = 0; i < b.length; i++) {
      dst.len = 0;
      if (step(this.ctx, src, 0, src.len, b[i], dst) === 0) {
        return { accepted: false, offset: i, prefixOk: false, expected: describeExpected(a, src.q.subarray(0, src.len), anyComplete(a, src, 0, src.len)) };
      }
      const t = src;
      src = dst;
      dst = t;
    }
    const complete = anyComplete(a, src, 0, src.len);
    return complete
      ? { accepted: true, offset: b.length, prefixOk: true, expected: "" }
      : { accepted: false, offset: b.length, prefixOk: true, expected: describeExpected(a, src.q.subarray(0, src.len), false) };
  }
}
