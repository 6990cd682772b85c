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
import { popcount32, type TokenTrie } from "@formwork/core";
import type { Automaton } from "./automaton.js";
import { closure, ConfigBuffer, step, type RunContext } from "./configs.js";
import { closedOn, funnelOf, maxSuffixChars, runFollowClashes, runLength, sliceLengths, runsOf, runStateAfter, RUN_FOREVER, sliceTuning } from "./slice.js";

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
  /** Trie nodes visited to build the entry. */
  visited: number;
  /** The slice the entry started from, if any. */
  slice: string | null;
}

/** Above this many accepted tokens, a cache entry stores a bitset instead of a list. */
const LIST_LIMIT = 2048;

/**
 * Walks the trie from state `q` and classifies every token. `local` is a run
 * context whose stack pool holds only rule-local frames; `escFirst` (see
 * `follow.ts`) filters escape points no caller could continue.
 */
export function buildCacheEntry(a: Automaton, trie: TokenTrie, q: number, vocabSize: number, escFirst: Uint32Array, local: RunContext): TokenCacheEntry {
  const { nodeCount, next, byte, depth, tokenStart, tokenIds } = trie;
  const { trans, classOf, escapes, accepting, hasBytes } = a;
  const nc = a.nClasses;
  const runs = runsOf(a);
  const useRuns = sliceTuning.enabled;
  let slice = useRuns && runLength(a, trie, q) === RUN_FOREVER ? runs.slice[q] : null;
  const funnel = useRuns && slice === null ? funnelOf(a, trie, q) : null;
  if (funnel) slice = funnel.slice;
  // The shortcut below finds escape points only above exits; not valid when the rule can end inside the run and a byte of the set follow.
  if (slice !== null && runFollowClashes(a, runs, funnel ? runs.target[q] : q, slice.key, escFirst)) slice = null;
  // A bounded run (at most r more characters of the set, as in maxLength) whose end reads none of them.
  let bounded = Infinity;
  if (useRuns && slice === null) {
    const r = runLength(a, trie, q);
    if (r >= 1 && r !== RUN_FOREVER) {
      const sl = runs.slice[q]!;
      if ((r > trie.maxDepth || closedOn(a, runStateAfter(runs, q, r), sl.key)) && !runFollowClashes(a, runs, q, sl.key, escFirst)) {
        slice = sl;
        bounded = r;
      }
    }
  }
  const except = slice !== null ? (funnel?.except ?? null) : null;
  const key = slice?.key ?? null;
  const runLen = runs.len, runSlice = runs.slice;
  const sfx = useRuns ? maxSuffixChars(trie) : null;
  const bits = new Uint32Array((vocabSize + 31) >>> 5);
  let count = 0;
  const buf = new ConfigBuffer();
  const ls = new Int32Array(trie.maxDepth + 2);
  const le = new Int32Array(trie.maxDepth + 2);
  const esc: number[] = [];
  let visited = 0;
  // Marks the token ids tokenIds[from, to) (a node's own tokens, or a whole subtree's) as accepted.
  const addTokens = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      const id = tokenIds[k];
      const bit = 1 << (id & 31);
      if ((bits[id >>> 5] & bit) === 0) {
        bits[id >>> 5] |= bit;
        count++;
      }
    }
  };
  // Walks the nodes [from, to) (a subtree or the whole trie) from the configurations at level depth[from] - 1.
  const walk = (from: number, to: number): void => {
    let m = from;
    while (m < to) {
      visited++;
      const d = depth[m];
      const ps = ls[d - 1], pe = le[d - 1];
      buf.len = pe;
      let added: number;
      // Fast path: one configuration with an empty local stack, into a plain state.
      if (pe - ps === 1 && buf.s[ps] === 0) {
        const q2 = trans[buf.q[ps] * nc + classOf[byte[m]]];
        if (q2 < 0) added = 0;
        else if (!escapes[q2]) {
          buf.push(q2, 0);
          added = 1;
        } else added = step(local, buf, ps, pe, byte[m], buf);
      } else {
        added = step(local, buf, ps, pe, byte[m], buf);
      }
      if (added === 0) {
        m = next[m];
        continue;
      }
      ls[d] = pe;
      le[d] = pe + added;
      addTokens(tokenStart[m], tokenStart[m + 1]);
      const hasChildren = next[m] > m + 1;
      if (!hasChildren) {
        m++;
        continue;
      }
      if (sfx !== null) {
        // A configuration in a character run that can read every continuation below m: take the subtree whole.
        let jump = false;
        for (let i = pe; i < pe + added; i++) {
          const p = buf.q[i];
          let r = runLen[p];
          if (r === -2) r = runLength(a, trie, p);
          if (r >= 0 && sfx[m] <= r && runSlice[p]!.ok[m] & 1) {
            jump = true;
            break;
          }
        }
        if (jump) {
          addTokens(tokenStart[m + 1], tokenStart[next[m]]);
          m = next[m];
          continue;
        }
      }
      let readsMore = false;
      let escaped = false;
      for (let i = pe; i < pe + added; i++) {
        const p = buf.q[i];
        if (hasBytes[p]) readsMore = true;
        if (!escaped && buf.s[i] === 0 && accepting[p] && childCanEscape(trie, m, escFirst, p)) escaped = true;
      }
      if (escaped) esc.push(m);
      m = readsMore ? m + 1 : next[m];
    }
  };
  if (slice !== null) {
    // An endless run: every token of whole characters of the set, every token ending inside such
    // a character, and whatever the subtrees where a token first leaves the set allow.
    if (bounded === Infinity) {
      bits.set(slice.bits);
      for (let w = 0; w < bits.length; w++) bits[w] |= slice.partialBits[w];
      count = slice.count + slice.partialCount;
    } else {
      // At most `bounded` characters of the set: the slice's tokens (and partial ones) that short.
      const lens = sliceLengths(trie, slice);
      bits.set(lens.upTo[Math.min(bounded, lens.upTo.length - 1)]);
      for (let i = 0; i < lens.longIds.length; i++) if (lens.longChars[i] <= bounded) bits[lens.longIds[i] >>> 5] |= 1 << (lens.longIds[i] & 31);
      for (let i = 0; i < lens.partialIds.length; i++) if (lens.partialChars[i] <= bounded) bits[lens.partialIds[i] >>> 5] |= 1 << (lens.partialIds[i] & 31);
    }
    const { exits, exitChars, exitTop } = slice;
    if (except !== null) {
      // A funnel: the first bytes in `except` lead elsewhere than the run; walk those subtrees from q.
      for (let c = 1; c < nodeCount; c = next[c]) {
        const b = byte[c];
        if ((except[b >>> 5] & (1 << (b & 31))) === 0) continue;
        for (let k = tokenStart[c]; k < tokenStart[next[c]]; k++) bits[tokenIds[k] >>> 5] &= ~(1 << (tokenIds[k] & 31));
        buf.len = 0;
        step0(local, q, buf);
        ls[0] = 0;
        le[0] = buf.len;
        walk(c, next[c]);
      }
    }
    const { exitParent, exitPre } = slice;
    for (let i = 0; i < exits.length; i++) {
      const e = exits[i];
      if (except !== null && except[exitTop[i] >>> 5] & (1 << (exitTop[i] & 31))) continue;
      if (exitChars[i] > bounded) continue;
      const p = runStateAfter(runs, q, exitChars[i]);
      buf.len = 0;
      step0(local, p, buf);
      let from = 0;
      if (exitPre[i] === 2) {
        // U+2028/9 under a `.` set: read the character's first two bytes (E2 80) from p, then walk.
        const mid = buf.len;
        if (step(local, buf, 0, mid, 0xe2, buf) === 0) continue;
        const end1 = buf.len;
        if (step(local, buf, mid, end1, 0x80, buf) === 0) continue;
        from = end1;
      } else {
        // Where the run's rule can end, a token may go on after it through the caller: the exit's
        // parent is an escape point when the exit's byte can follow the rule (the walk skipped it).
        const b = byte[e];
        if (accepting[p] && exitParent[i] > 0 && escFirst[p * 8 + (b >>> 5)] & (1 << (b & 31))) esc.push(exitParent[i]);
      }
      ls[depth[e] - 1] = from;
      le[depth[e] - 1] = buf.len;
      walk(e, next[e]);
    }
    if (except !== null || bounded !== Infinity) {
      count = 0;
      for (let w = 0; w < bits.length; w++) count += popcount32(bits[w]);
    }
  } else {
    // Level 0: q with an empty local stack, calls entered.
    step0(local, q, buf);
    ls[0] = 0;
    le[0] = buf.len;
    walk(1, nodeCount);
  }
  const escNodes = slice !== null ? Int32Array.from(new Set(esc)).sort() : Int32Array.from(esc);
  if (count > LIST_LIMIT || slice) return { bits, ids: null, count, escNodes, visited, slice: key };
  const ids = new Uint32Array(count);
  let k = 0;
  for (let w = 0; w < bits.length; w++) {
    let x = bits[w];
    while (x !== 0) {
      const low = x & -x;
      ids[k++] = (w << 5) + (31 - Math.clz32(low));
      x ^= low;
    }
  }
  return { bits: null, ids, count, escNodes, visited, slice: key };
}

/** Level 0 of the walk: the closure of `(q, empty local stack)`. */
function step0(local: RunContext, q: number, out: ConfigBuffer): void {
  closure(local, q, 0, out, 0);
}

/** Whether some child byte of trie node m can follow the end of accepting state p's rule. */
function childCanEscape(trie: TokenTrie, m: number, escFirst: Uint32Array, p: number): boolean {
  const { next, byte } = trie;
  const base = p * 8;
  for (let c = m + 1; c < next[m]; c = next[c]) {
    const b = byte[c];
    if (escFirst[base + (b >>> 5)] & (1 << (b & 31))) return true;
  }
  return false;
}

/** Bytes held by a cache entry. */
export function entryBytes(e: TokenCacheEntry): number {
  return (e.bits?.byteLength ?? 0) + (e.ids?.byteLength ?? 0) + e.escNodes.byteLength + 64;
}
