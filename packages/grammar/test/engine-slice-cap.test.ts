// Slices are built per trie and character set, at most MAX_SLICES (64) on demand per family:
// the YAML-scalar sets (mode `+y`) have their own budget, so a process that compiled many JSON
// grammars (one slice per `pattern` set) still gives its YAML grammars slices, and the
// precomputed JSON-string slice does not count. Mask exactness does not depend on slices (the
// other engine tests check masks against the brute-force oracle with slices on).
import { describe, expect, it } from "vitest";
import { Rng, TokenTrie } from "@formwork/core";
import { GrammarCompiler } from "@formwork/grammar";
import { jsonStringSliceKey, sliceCount, sliceIfRoom, sliceKey } from "../src/engine/slice.js";
import { syntheticVocabulary } from "./engine-support.js";

/** The key of the ASCII set 0x20..0x7E without byte 0x21 + `skip`, in mode `mode`. */
function keyOf(skip: number, mode: boolean | "yaml"): string {
  const ascii = new Uint32Array(4);
  for (let b = 0x20; b < 0x7f; b++) if (b !== 0x21 + skip) ascii[b >>> 5] |= 1 << (b & 31);
  return sliceKey(ascii, mode);
}

describe("slice budget", () => {
  it("keeps room for YAML-scalar slices after 64 other sets, and does not count precomputed slices", () => {
    const vocab = syntheticVocabulary(new Rng(3), 300);
    const trie = new TokenTrie(vocab);
    new GrammarCompiler(vocab, {}, trie); // precomputes the JSON-string slice
    expect(sliceCount(trie)).toBe(1);
    for (let i = 0; i < 64; i++) expect(sliceIfRoom(trie, keyOf(i, false))).not.toBeNull();
    expect(sliceCount(trie)).toBe(65);
    // The other family's budget is spent: a new set gets none, known ones still do.
    expect(sliceIfRoom(trie, keyOf(70, false))).toBeNull();
    expect(sliceIfRoom(trie, keyOf(3, false))).not.toBeNull();
    expect(sliceIfRoom(trie, jsonStringSliceKey())).not.toBeNull();
    // YAML-scalar sets have their own 64.
    for (let i = 0; i < 64; i++) expect(sliceIfRoom(trie, keyOf(i, "yaml"))).not.toBeNull();
    expect(sliceIfRoom(trie, keyOf(70, "yaml"))).toBeNull();
    expect(sliceCount(trie)).toBe(129);
  });
});
