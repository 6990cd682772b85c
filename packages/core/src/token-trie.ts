import type { Vocabulary } from "./vocabulary.js";

/**
 * A byte trie over the text tokens of a `Vocabulary`, in typed arrays, built
 * once per vocabulary.
 *
 * Layout: nodes are numbered in depth-first preorder, children in ascending
 * byte order, node 0 is the root (the empty prefix). The subtree of node `n`
 * is the contiguous range `[n, next[n])`, so a walk that rejects node `n`
 * skips its whole subtree with `n = next[n]`, and a walk that accepts it goes
 * on to `n + 1`. `depth[n]` is the byte length of the prefix `n` stands for,
 * which tells a walker how many of its per-byte states to pop when it moves
 * on. Tokens whose bytes equal node `n`'s prefix are
 * `tokenIds[tokenStart[n] .. tokenStart[n + 1])` (more than one id can share
 * the same bytes, e.g. a byte-fallback token and a normal token).
 *
 * Only `vocabulary.isText(id)` tokens are in the trie: special and
 * end-of-generation tokens are never matched as bytes.
 */
export class TokenTrie {
  readonly vocabulary: Vocabulary;
  /** Number of nodes, the root included. */
  readonly nodeCount: number;
  /** The byte on the edge into node `n` (0 for the root). */
  readonly byte: Uint8Array;
  /** Byte length of node `n`'s prefix. */
  readonly depth: Uint16Array;
  /** First node after `n`'s subtree. */
  readonly next: Uint32Array;
  /** `tokenIds[tokenStart[n] .. tokenStart[n+1])` end at node `n`. Length nodeCount + 1. */
  readonly tokenStart: Uint32Array;
  readonly tokenIds: Uint32Array;
  /** Ids of the trie's tokens (text tokens), ascending. */
  readonly textTokenIds: Uint32Array;
  /** Greatest token byte length. */
  readonly maxDepth: number;
  /** Milliseconds the build took. */
  readonly buildMs: number;

  constructor(vocabulary: Vocabulary) {
    const t0 = performance.now();
    this.vocabulary = vocabulary;
    const { bytes, offsets } = vocabulary;
    const ids: number[] = [];
    let totalBytes = 0;
    for (let id = 0; id < vocabulary.size; id++) {
      if (vocabulary.isText(id)) {
        ids.push(id);
        totalBytes += offsets[id + 1] - offsets[id];
      }
    }
    this.textTokenIds = Uint32Array.from(ids);
    const sorted = Uint32Array.from(ids).sort((a, b) => compareTokens(bytes, offsets, a, b));

    // Upper bound on nodes: every byte a new node, plus the root.
    const cap = totalBytes + 1;
    const byte = new Uint8Array(cap);
    const depth = new Uint16Array(cap);
    const next = new Uint32Array(cap);
    const tokenCount = new Uint32Array(cap + 1);
    const tokenIds = new Uint32Array(sorted.length);

    // path[d] = node at depth d on the current path.
    const path: number[] = [0];
    let count = 1;
    let prev = -1;
    let maxDepth = 0;
    for (let k = 0; k < sorted.length; k++) {
      const id = sorted[k];
      const s = offsets[id], e = offsets[id + 1], len = e - s;
      // Common prefix with the previous token.
      let common = 0;
      if (prev >= 0) {
        const ps = offsets[prev], pl = offsets[prev + 1] - ps;
        const lim = Math.min(pl, len);
        while (common < lim && bytes[ps + common] === bytes[s + common]) common++;
      }
      // Close nodes deeper than the common prefix.
      while (path.length - 1 > common) next[path.pop()!] = count;
      for (let d = common; d < len; d++) {
        byte[count] = bytes[s + d];
        depth[count] = d + 1;
        path.push(count);
        count++;
      }
      if (len > maxDepth) maxDepth = len;
      tokenCount[path[path.length - 1]]++;
      tokenIds[k] = id;
      prev = id;
    }
    while (path.length > 0) next[path.pop()!] = count;

    this.nodeCount = count;
    this.byte = byte.slice(0, count);
    this.depth = depth.slice(0, count);
    this.next = next.slice(0, count);
    // Prefix sums: tokens are in sorted order, which is preorder of their end nodes.
    const tokenStart = new Uint32Array(count + 1);
    for (let n = 0; n < count; n++) tokenStart[n + 1] = tokenStart[n] + tokenCount[n];
    this.tokenStart = tokenStart;
    this.tokenIds = tokenIds;
    this.maxDepth = maxDepth;
    this.buildMs = performance.now() - t0;
  }

  /** Bytes held by the trie's typed arrays. */
  get memoryBytes(): number {
    return (
      this.byte.byteLength +
      this.depth.byteLength +
      this.next.byteLength +
      this.tokenStart.byteLength +
      this.tokenIds.byteLength +
      this.textTokenIds.byteLength
    );
  }

  /** The child of `node` along `byte`, or -1 (children are in ascending byte order). */
  child(node: number, byte: number): number {
    const { next, byte: edge } = this;
    const end = next[node];
    for (let c = node + 1; c < end; c = next[c]) {
      if (edge[c] === byte) return c;
      if (edge[c] > byte) return -1;
    }
    return -1;
  }

  /** The node whose prefix is exactly `bytes`, or -1. */
  lookup(bytes: Uint8Array): number {
    let n = 0;
    for (let i = 0; i < bytes.length && n >= 0; i++) n = this.child(n, bytes[i]);
    return n;
  }

  /**
   * Tokenizes `bytes` greedily by longest match over the trie's tokens
   * (taking the lowest id where several tokens share the bytes); null when
   * some position starts no token. Not the model's own tokenization: it is
   * the rule length-aware decoding uses to bound the tokens a completion needs.
   */
  greedyTokenize(bytes: Uint8Array): number[] | null {
    const { tokenStart, tokenIds } = this;
    const out: number[] = [];
    let i = 0;
    while (i < bytes.length) {
      let n = 0, bestLen = 0, bestNode = -1;
      for (let j = i; j < bytes.length; j++) {
        n = this.child(n, bytes[j]);
        if (n < 0) break;
        if (tokenStart[n + 1] > tokenStart[n]) {
          bestLen = j - i + 1;
          bestNode = n;
        }
      }
      if (bestNode < 0) return null;
      out.push(tokenIds[tokenStart[bestNode]]);
      i += bestLen;
    }
    return out;
  }

  /**
   * Depth-first walk of the trie. `enter(node, byte, depth)` returns whether
   * to descend into `node` (its prefix is still possible); `leave` is not
   * needed because `depth` says where the walker's stack stands. Calls
   * `onToken` for each token of each entered node.
   */
  walk(enter: (node: number, byte: number, depth: number) => boolean, onToken: (id: number) => void): void {
    const { next, byte, depth, tokenStart, tokenIds, nodeCount } = this;
    let n = 1;
    while (n < nodeCount) {
      if (enter(n, byte[n], depth[n])) {
        for (let k = tokenStart[n]; k < tokenStart[n + 1]; k++) onToken(tokenIds[k]);
        n++;
      } else {
        n = next[n];
      }
    }
  }
}

function compareTokens(bytes: Uint8Array, offsets: Uint32Array, a: number, b: number): number {
  const as = offsets[a], al = offsets[a + 1] - as;
  const bs = offsets[b], bl = offsets[b + 1] - bs;
  const lim = al < bl ? al : bl;
  for (let i = 0; i < lim; i++) {
    const d = bytes[as + i] - bytes[bs + i];
    if (d !== 0) return d;
  }
  return al - bl || a - b;
}
