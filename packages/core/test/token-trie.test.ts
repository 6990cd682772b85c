import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TokenKind, TokenTrie, Vocabulary } from "@formwork/core";

function vocabOf(tokens: Uint8Array[], kinds?: number[], eog: number[] = []) {
  return new Vocabulary({ tokens, kinds, eog, name: "test" });
}

describe("TokenTrie", () => {
  it("holds exactly the text tokens, each at the node of its bytes, in preorder with skip pointers", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 6, max: 3 }), { minLength: 1, maxLength: 80 }),
        fc.array(fc.constantFrom(TokenKind.Normal, TokenKind.Control, TokenKind.Byte, TokenKind.UserDefined), { minLength: 80, maxLength: 80 }),
        (tokens, kinds) => {
          const ks = tokens.map((_, i) => kinds[i]);
          const vocab = vocabOf(tokens, ks, [0]);
          const trie = new TokenTrie(vocab);
          // Reconstruct each node's prefix by a walk and check tokens sit at the right node.
          const prefix: number[] = [];
          const seen = new Map<number, string>();
          trie.walk(
            (_node, byte, depth) => {
              prefix.length = depth - 1;
              prefix.push(byte);
              return true;
            },
            (id) => seen.set(id, prefix.join(",")),
          );
          const expected = new Map<number, string>();
          tokens.forEach((t, id) => {
            if (vocab.isText(id)) expected.set(id, [...t].join(","));
          });
          expect(seen).toEqual(expected);
          // Preorder invariants.
          for (let n = 0; n < trie.nodeCount; n++) {
            expect(trie.next[n]).toBeGreaterThan(n);
            for (let c = n + 1; c < trie.next[n]; c++) expect(trie.depth[c]).toBeGreaterThan(trie.depth[n]);
            if (trie.next[n] < trie.nodeCount) expect(trie.depth[trie.next[n]]).toBeLessThanOrEqual(trie.depth[n]);
          }
          for (const [id, key] of expected) {
            const node = trie.lookup(Uint8Array.from(key === "" ? [] : key.split(",").map(Number)));
            expect(node).toBeGreaterThan(0);
            const ids = [...trie.tokenIds.subarray(trie.tokenStart[node], trie.tokenStart[node + 1])];
            expect(ids).toContain(id);
          }
        },
      ),
      { numRuns: 150, seed: 11 },
    );
  });

  it("skipping a node skips exactly the tokens that start with its prefix", () => {
    const enc = new TextEncoder();
    const words = ["a", "ab", "abc", "abd", "b", "ba", "", "\u00e9", "\u00e9t\u00e9"];
    const vocab = vocabOf(words.map((w) => enc.encode(w)));
    const trie = new TokenTrie(vocab);
    const got: number[] = [];
    // Reject the prefix "ab": tokens ab, abc, abd must not be visited.
    const path: number[] = [];
    trie.walk(
      (_n, byte, depth) => {
        path.length = depth - 1;
        path.push(byte);
        return !(path.length === 2 && path[0] === 97 && path[1] === 98);
      },
      (id) => got.push(id),
    );
    expect(got.sort()).toEqual([0, 4, 5, 7, 8]);
    expect(trie.textTokenIds.length).toBe(8); // the empty token is not text
  });

  it("greedyTokenize takes the longest token at each position, like a brute-force scan", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 4, max: 3 }), { minLength: 1, maxLength: 40 }),
        fc.uint8Array({ maxLength: 20, max: 3 }),
        (tokens, text) => {
          const trie = new TokenTrie(vocabOf(tokens));
          const key = (b: Uint8Array) => [...b].join(",");
          const byBytes = new Map<string, number>();
          tokens.forEach((t, id) => {
            if (!byBytes.has(key(t))) byBytes.set(key(t), id);
          });
          // Brute force: at each position, the longest token that matches.
          const want: number[] = [];
          let i = 0;
          let ok = true;
          while (i < text.length) {
            let best = 0;
            for (let len = 1; i + len <= text.length; len++) if (byBytes.has(key(text.subarray(i, i + len)))) best = len;
            if (best === 0) {
              ok = false;
              break;
            }
            want.push(byBytes.get(key(text.subarray(i, i + best)))!);
            i += best;
          }
          expect(trie.greedyTokenize(text)).toEqual(ok ? want : null);
          for (const t of tokens) expect(trie.lookup(t)).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});
