/**
 * Token slices (after llguidance's slicer): per vocabulary, the tokens made
 * only of whole characters from a set C. When an automaton state q loops
 * back to itself on every character of C without passing a call or a rule
 * end (inside a JSON string: every character but `"`, `\` and controls),
 * every slice token is accepted from q, so q's cache entry starts from the
 * slice's bitset and walks only the trie nodes whose subtree holds some
 * token outside the slice. Slices are built once per vocabulary and shared
 * by every grammar.
 */
import type { TokenTrie } from "@formwork/core";
import { utf8Sequences } from "@formwork/regex";
import type { Automaton } from "./automaton.js";

/** The tokens of one character set, over one token trie. */
export interface Slice {
  key: string;
  /** Bitset over the vocabulary: the slice's tokens. */
  bits: Uint32Array;
  /** Per trie node: 1 when every token in its subtree is in the slice (and its prefix too), so a walk can skip it. */
  full: Uint8Array;
  count: number;
  buildMs: number;
}

const slices = new WeakMap<TokenTrie, Map<string, Slice>>();

/** Fewest ASCII bytes a state must loop on before a slice is worth it. */
const MIN_ASCII = 32;

/**
 * The slice key of state q, or null. q qualifies when every character of
 * some set C (at least 32 ASCII bytes, optionally all non-ASCII characters)
 * leads from q to one state p that loops on C, without passing a call or a
 * rule end (p = q inside a string; q = the state right after the opening
 * quote otherwise). Then every token made of whole characters of C is
 * accepted from q, and its path never leaves those states.
 */
export function sliceKeyOf(a: Automaton, q: number): string | null {
  if (a.escapes[q]) return null;
  const nc = a.nClasses;
  const ascii = new Uint32Array(4);
  let n = 0;
  let p = -1;
  // p: the target of the most common ASCII byte from q that loops there.
  for (let b = 0x20; b < 0x80 && p < 0; b++) {
    const t = a.trans[q * nc + a.classOf[b]];
    if (t >= 0 && !a.escapes[t] && a.trans[t * nc + a.classOf[b]] === t) p = t;
  }
  if (p < 0) return null;
  for (let b = 0; b < 0x80; b++) {
    const c = a.classOf[b];
    if (a.trans[q * nc + c] === p && a.trans[p * nc + c] === p) {
      ascii[b >>> 5] |= 1 << (b & 31);
      n++;
    }
  }
  if (n < MIN_ASCII) return null;
  // A byte of C that leads elsewhere from q than from p would break the slice: C is what both agree on.
  return sliceKey(ascii, nonAsciiLoops(a, q, p) && nonAsciiLoops(a, p, p));
}

/** The key of the slice with ASCII bytes `ascii` (128-bit set) and, when `nonAscii`, every non-ASCII scalar value. */
export function sliceKey(ascii: Uint32Array, nonAscii: boolean): string {
  return `${Array.from(ascii, (w) => (w >>> 0).toString(16).padStart(8, "0")).join("")}${nonAscii ? "+u" : ""}`;
}

/** Whether reading any non-ASCII character from q leads to p through states that neither call nor end the rule. */
function nonAsciiLoops(a: Automaton, q: number, p: number): boolean {
  const nc = a.nClasses;
  for (const seq of utf8Sequences(0x80, 0x10ffff)) {
    let set = [q];
    for (let i = 0; i < seq.length; i++) {
      const next = new Set<number>();
      for (const s of set) {
        for (let c = a.classOf[seq[i][0]]; c <= a.classOf[seq[i][1]]; c++) {
          const to = a.trans[s * nc + c];
          if (to < 0) return false;
          if (i < seq.length - 1 && a.escapes[to]) return false;
          next.add(to);
        }
      }
      set = [...next];
    }
    if (set.length !== 1 || set[0] !== p) return false;
  }
  return true;
}

// UTF-8 validation states: 0 between characters, 1..3 continuation bytes left,
// 4..7 the constrained second byte after E0, ED, F0, F4; -1 invalid.
function utf8Next(s: number, b: number, ascii: Uint32Array, nonAscii: boolean): number {
  switch (s) {
    case 0:
      if (b < 0x80) return ascii[b >>> 5] & (1 << (b & 31)) ? 0 : -1;
      if (!nonAscii) return -1;
      if (b >= 0xc2 && b <= 0xdf) return 1;
      if (b === 0xe0) return 4;
      if (b === 0xed) return 5;
      if (b >= 0xe1 && b <= 0xef) return 2;
      if (b === 0xf0) return 6;
      if (b >= 0xf1 && b <= 0xf3) return 3;
      if (b === 0xf4) return 7;
      return -1;
    case 1:
    case 2:
    case 3:
      return b >= 0x80 && b <= 0xbf ? s - 1 : -1;
    case 4:
      return b >= 0xa0 && b <= 0xbf ? 1 : -1;
    case 5:
      return b >= 0x80 && b <= 0x9f ? 1 : -1;
    case 6:
      return b >= 0x90 && b <= 0xbf ? 2 : -1;
    case 7:
      return b >= 0x80 && b <= 0x8f ? 2 : -1;
    default:
      return -1;
  }
}

/** The slice with `key` over `trie`, built on first use (one pass over the trie) and kept for the trie's lifetime. */
export function getSlice(trie: TokenTrie, key: string): Slice {
  let byKey = slices.get(trie);
  if (!byKey) slices.set(trie, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit) return hit;
  const t0 = performance.now();
  const ascii = new Uint32Array(4);
  for (let i = 0; i < 4; i++) ascii[i] = parseInt(key.slice(i * 8, i * 8 + 8), 16);
  const nonAscii = key.endsWith("+u");
  const { nodeCount, next, byte, depth, tokenStart, tokenIds } = trie;
  const state = new Int8Array(nodeCount);
  const bits = new Uint32Array((trie.vocabulary.size + 31) >>> 5);
  const perDepth = new Int8Array(trie.maxDepth + 1);
  let count = 0;
  for (let m = 1; m < nodeCount; m++) {
    const d = depth[m];
    const s = perDepth[d - 1] < 0 ? -1 : utf8Next(perDepth[d - 1], byte[m], ascii, nonAscii);
    perDepth[d] = s;
    state[m] = s;
    if (s === 0) {
      for (let k = tokenStart[m]; k < tokenStart[m + 1]; k++) {
        bits[tokenIds[k] >>> 5] |= 1 << (tokenIds[k] & 31);
        count++;
      }
    }
  }
  // full[n]: n's prefix is viable, its tokens are slice tokens, and so are all its children (reverse preorder = children first).
  const full = new Uint8Array(nodeCount);
  for (let m = nodeCount - 1; m >= 1; m--) {
    if (state[m] < 0) continue;
    if (state[m] !== 0 && tokenStart[m + 1] > tokenStart[m]) continue;
    let ok = 1;
    for (let c = m + 1; c < next[m]; c = next[c]) {
      if (!full[c]) {
        ok = 0;
        break;
      }
    }
    full[m] = ok;
  }
  const slice: Slice = { key, bits, full, count, buildMs: performance.now() - t0 };
  byKey.set(key, slice);
  return slice;
}

/** The slice of JSON string bodies: `[^"\\\x00-\x1F]` (every non-ASCII character included). */
export function jsonStringSliceKey(): string {
  const ascii = new Uint32Array(4);
  for (let b = 0x20; b < 0x80; b++) if (b !== 0x22 && b !== 0x5c) ascii[b >>> 5] |= 1 << (b & 31);
  return sliceKey(ascii, true);
}
