// Slices are built lazily (slice.ts): the token bitsets and exits on first read, `ok` per subtree as
// walks ask (`Slice.okAt`). Whatever the order of the questions, every answer must be the
// definition's: `ok` at node n iff every token strictly below n continues, after n's bytes, with
// whole characters of the set only; a token is in `bits` iff it is whole characters of the set.
import { describe, expect, it } from "vitest";
import { Rng, TokenTrie } from "@formwork/core";
import { getSlice, sliceKey, type NonAsciiMode } from "../src/engine/slice.js";
import { syntheticVocabulary } from "./engine-support.js";

const EXTRA = ["a\u2028b", "x\u2029", "\u0085c", "\u00a0\u00e9", "\ufeff1", "\uffff\ufffe", "\u2027\u202a", "é中😀"];

/** Whether code point c is in the set: ASCII by `ascii`, others by the mode (see `modeOf` in slice.ts). */
function inSet(c: number, ascii: Uint32Array, mode: NonAsciiMode): boolean {
  if (c < 0x80) return (ascii[c >>> 5] & (1 << (c & 31))) !== 0;
  if (mode === false) return false;
  if (mode === true) return true;
  if (c === 0x2028 || c === 0x2029) return false;
  if (mode === "dot") return true;
  return !(c <= 0x9f || c === 0xfeff || c === 0xfffe || c === 0xffff);
}

/** Whether `b` decodes as whole characters of the set (strict UTF-8). */
function wholeChars(b: Uint8Array, ascii: Uint32Array, mode: NonAsciiMode): boolean {
  let s: string;
  try {
    s = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(b);
  } catch {
    return false;
  }
  for (const ch of s) if (!inSet(ch.codePointAt(0)!, ascii, mode)) return false;
  return true;
}

function asciiSet(f: (b: number) => boolean): Uint32Array {
  const a = new Uint32Array(4);
  for (let b = 0; b < 0x80; b++) if (f(b)) a[b >>> 5] |= 1 << (b & 31);
  return a;
}

const SETS: [string, Uint32Array][] = [
  ["letters and digits", asciiSet((b) => (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a))],
  ["JSON string body", asciiSet((b) => b >= 0x20 && b !== 0x22 && b !== 0x5c)],
  ["no x", asciiSet((b) => b >= 0x20 && b !== 0x78)],
];

describe("lazy slices", () => {
  for (const [name, ascii] of SETS) {
    for (const mode of [false, true, "dot", "yaml"] as NonAsciiMode[]) {
      it(`ok and bits by definition, any question order (${name}, mode ${String(mode)})`, () => {
        const rng = new Rng(name.length * 7 + String(mode).length);
        const vocab = syntheticVocabulary(rng, 1500, EXTRA);
        const key = sliceKey(ascii, mode);
        const trie = new TokenTrie(vocab);
        const { nodeCount, next, depth, tokenStart, tokenIds } = trie;
        const tokenBytes = (id: number) => vocab.bytes.subarray(vocab.offsets[id], vocab.offsets[id + 1]);
        const want = (n: number) => {
          for (let k = tokenStart[n + 1]; k < tokenStart[next[n]]; k++) if (!wholeChars(tokenBytes(tokenIds[k]).subarray(depth[n]), ascii, mode)) return false;
          return true;
        };
        const expected = Array.from({ length: nodeCount }, (_, n) => want(n));
        // Questions in a random order (descendants before ancestors too), then all of them.
        const lazy = getSlice(trie, key);
        for (let i = 0; i < 200; i++) {
          const n = Math.floor(rng.next() * nodeCount);
          expect(lazy.okAt(n), `node ${n}`).toBe(expected[n]);
        }
        for (let n = nodeCount - 1; n >= 0; n--) expect(lazy.okAt(n), `node ${n}`).toBe(expected[n]);
        // Built whole up front: the same answers.
        const whole = getSlice(new TokenTrie(vocab), key);
        whole.complete();
        for (let n = 0; n < nodeCount; n++) expect(whole.okAt(n), `node ${n}`).toBe(expected[n]);
        // Tokens: whole characters of the set.
        let count = 0;
        for (const id of trie.textTokenIds) {
          const b = tokenBytes(id);
          const has = (lazy.bits[id >>> 5] & (1 << (id & 31))) !== 0;
          expect(has, `token ${id}`).toBe(b.length > 0 && wholeChars(b, ascii, mode));
          if (has) count++;
        }
        expect(lazy.count).toBe(count);
        // Exits at a character boundary: the bytes above are whole characters of the set and the
        // node's byte starts none of them.
        const path: number[] = [];
        const wantExits: number[] = [];
        for (let n = 1; n < nodeCount; n++) {
          path.length = depth[n] - 1;
          const b = trie.byte[n];
          const starts = b < 0x80 ? (ascii[b >>> 5] & (1 << (b & 31))) !== 0 : mode !== false && b >= 0xc2 && b <= 0xf4;
          if (!starts && wholeChars(Uint8Array.from(path), ascii, mode)) wantExits.push(n);
          path.push(b);
        }
        const gotExits = Array.from(lazy.exits).filter((_, i) => lazy.exitPre[i] === 0);
        expect(gotExits).toEqual(wantExits);
        expect(Array.from(whole.exits)).toEqual(Array.from(lazy.exits));
        expect(Array.from(whole.partialBits)).toEqual(Array.from(lazy.partialBits));
      });
    }
  }
});
