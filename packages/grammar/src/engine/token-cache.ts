/**
 * The adaptive token-mask cache: for one automaton state, which tokens the
 * state's own DFA accepts whatever the stack is, and where the walk reaches
 * a call or the end of the rule (the only places where the stack matters).
 *
 * Invariant: every state left after trimming can finish its rule, and every
 * return state on a stack can finish its caller, so a token whose bytes stay
 * inside the DFA from state q is a valid prefix from any configuration
 * `(q, stack)`. A token that leaves the DFA does so at an escape state
 * (a call or an accepting state), recorded with its trie node; the matcher
 * continues those few from the stack at run time.
 */
import type { TokenTrie } from "@formwork/core";
import type { Automaton } from "./automaton.js";
import { getSlice, sliceKeyOf } from "./slice.js";

/** Above this many accepted tokens, a cache entry stores a bitset instead of a list. */
const LIST_LIMIT = 2048;

/** The classification of every token from one automaton state. */
export interface TokenCacheEntry {
  /** Accepted tokens as a bitset over the vocabulary (wide states), or null. */
  bits: Uint32Array | null;
  /** Accepted tokens as a list (narrow states), or null. */
  ids: Uint32Array | null;
  /** Number of accepted tokens. */
  count: number;
  /** Trie nodes where the walk reaches an escape state (call or rule end) with children below. */
  escNodes: Int32Array;
  /** The escape state reached at each of `escNodes`. */
  escStates: Int32Array;
  /** Trie nodes visited to build the entry. */
  visited: number;
  /** The slice the entry started from, if any. */
  slice: string | null;
}

/** Walks the whole trie from state `q` inside its DFA and classifies every token. */
export function buildCacheEntry(a: Automaton, trie: TokenTrie, q: number, vocabSize: number, escFirst: Uint32Array): TokenCacheEntry {
  const key = sliceKeyOf(a, q);
  if (key !== null) return buildFromSlice(a, trie, q, key, escFirst);
  const { nodeCount, next, byte, depth, tokenStart, tokenIds } = trie;
  const { trans, classOf, escapes, hasBytes } = a;
  const nc = a.nClasses;
  const states = new Int32Array(trie.maxDepth + 1);
  states[0] = q;
  let ids = new Uint32Array(256);
  let count = 0;
  const esc: number[] = [];
  let visited = 0;
  let m = 1;
  while (m < nodeCount) {
    visited++;
    const d = depth[m];
    const q2 = trans[states[d - 1] * nc + classOf[byte[m]]];
    if (q2 < 0) {
      m = next[m];
      continue;
    }
    states[d] = q2;
    const t1 = tokenStart[m + 1];
    for (let k = tokenStart[m]; k < t1; k++) {
      if (count === ids.length) {
        const g = new Uint32Array(count * 2);
        g.set(ids);
        ids = g;
      }
      ids[count++] = tokenIds[k];
    }
    const hasChildren = next[m] > m + 1;
    if (escapes[q2] && hasChildren && childCanEscape(trie, m, escFirst, q2)) esc.push(m, q2);
    m = hasBytes[q2] && hasChildren ? m + 1 : next[m];
  }
  const escNodes = new Int32Array(esc.length / 2);
  const escStates = new Int32Array(esc.length / 2);
  for (let i = 0; i < esc.length; i += 2) {
    escNodes[i / 2] = esc[i];
    escStates[i / 2] = esc[i + 1];
  }
  if (count > LIST_LIMIT) {
    const bits = new Uint32Array((vocabSize + 31) >>> 5);
    for (let i = 0; i < count; i++) bits[ids[i] >>> 5] |= 1 << (ids[i] & 31);
    return { bits, ids: null, count, escNodes, escStates, visited, slice: null };
  }
  return { bits: null, ids: ids.slice(0, count), count, escNodes, escStates, visited, slice: null };
}

/** Like `buildCacheEntry` for a state that loops on a slice: start from its bitset, skip its full subtrees. */
function buildFromSlice(a: Automaton, trie: TokenTrie, q: number, key: string, escFirst: Uint32Array): TokenCacheEntry {
  const slice = getSlice(trie, key);
  const { nodeCount, next, byte, depth, tokenStart, tokenIds } = trie;
  const { trans, classOf, escapes, hasBytes } = a;
  const nc = a.nClasses;
  const full = slice.full;
  const bits = slice.bits.slice();
  let count = slice.count;
  const states = new Int32Array(trie.maxDepth + 1);
  states[0] = q;
  const esc: number[] = [];
  let visited = 0;
  let m = 1;
  while (m < nodeCount) {
    visited++;
    if (full[m]) {
      m = next[m];
      continue;
    }
    const d = depth[m];
    const q2 = trans[states[d - 1] * nc + classOf[byte[m]]];
    if (q2 < 0) {
      m = next[m];
      continue;
    }
    states[d] = q2;
    const t1 = tokenStart[m + 1];
    for (let k = tokenStart[m]; k < t1; k++) {
      const id = tokenIds[k];
      const bit = 1 << (id & 31);
      if ((bits[id >>> 5] & bit) === 0) {
        bits[id >>> 5] |= bit;
        count++;
      }
    }
    const hasChildren = next[m] > m + 1;
    if (escapes[q2] && hasChildren && childCanEscape(trie, m, escFirst, q2)) esc.push(m, q2);
    m = hasBytes[q2] && hasChildren ? m + 1 : next[m];
  }
  const escNodes = new Int32Array(esc.length / 2);
  const escStates = new Int32Array(esc.length / 2);
  for (let i = 0; i < esc.length; i += 2) {
    escNodes[i / 2] = esc[i];
    escStates[i / 2] = esc[i + 1];
  }
  return { bits, ids: null, count, escNodes, escStates, visited, slice: key };
}

/** Whether some child byte of trie node m can be read after escaping from q2 (calls or returns). */
function childCanEscape(trie: TokenTrie, m: number, escFirst: Uint32Array, q2: number): boolean {
  const { next, byte } = trie;
  const base = q2 * 8;
  for (let c = m + 1; c < next[m]; c = next[c]) {
    const b = byte[c];
    if (escFirst[base + (b >>> 5)] & (1 << (b & 31))) return true;
  }
  return false;
}

/** Bytes held by a cache entry. */
export function entryBytes(e: TokenCacheEntry): number {
  return (e.bits?.byteLength ?? 0) + (e.ids?.byteLength ?? 0) + e.escNodes.byteLength + e.escStates.byteLength + 64;
}
