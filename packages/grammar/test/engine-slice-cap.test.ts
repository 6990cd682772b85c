// Slices are built per trie and character set, and at most MAX_SLICES (64) on-demand ones per
// family are kept in the per-trie map, least recently asked for dropped first: the YAML-scalar
// sets (mode `+y`) have their own budget, so a process that compiled many JSON grammars (one slice
// per `pattern` set) does not push its YAML grammars' slices out, and the precomputed JSON-string
// slice is never dropped. A set past the budget still gets a slice (before, it got none, and every
// later grammar with a new set walked the whole trie). Mask exactness does not depend on slices:
// the last test checks masks against brute force after the budget is spent and slices were dropped.
import { describe, expect, it } from "vitest";
import { Rng, TokenMask, TokenTrie } from "@formwork/core";
import { GrammarCompiler, parseGbnf } from "@formwork/grammar";
import { demandSlice, getSlice, jsonStringSliceKey, sliceCount, sliceKey } from "../src/engine/slice.js";
import { syntheticVocabulary } from "./engine-support.js";

/** The key of the ASCII set 0x20..0x7E without byte 0x21 + `skip`, in mode `mode`. */
function keyOf(skip: number, mode: boolean | "yaml"): string {
  const ascii = new Uint32Array(4);
  for (let b = 0x20; b < 0x7f; b++) if (b !== 0x21 + skip) ascii[b >>> 5] |= 1 << (b & 31);
  return sliceKey(ascii, mode);
}

describe("slice budget", () => {
  it("drops the least recently asked for slice of a family past 64, never a precomputed one", () => {
    const vocab = syntheticVocabulary(new Rng(3), 300);
    const trie = new TokenTrie(vocab);
    new GrammarCompiler(vocab, {}, trie); // precomputes the JSON-string slice
    const json = getSlice(trie, jsonStringSliceKey());
    expect(sliceCount(trie)).toBe(1);
    const first = [];
    for (let i = 0; i < 64; i++) first.push(demandSlice(trie, keyOf(i, false)));
    expect(sliceCount(trie)).toBe(65);
    // Asking again gives the same object, and makes it the most recently asked for.
    expect(demandSlice(trie, keyOf(0, false))).toBe(first[0]);
    // A new set past the budget gets a slice; the least recently asked for (set 1) is dropped.
    const extra = demandSlice(trie, keyOf(70, false));
    expect(extra.key).toBe(keyOf(70, false));
    expect(sliceCount(trie)).toBe(65);
    expect(demandSlice(trie, keyOf(0, false))).toBe(first[0]);
    const again = demandSlice(trie, keyOf(1, false)); // dropped: built again (set 2 goes now)
    expect(again).not.toBe(first[1]);
    expect(again.key).toBe(first[1].key);
    expect(again.count).toBe(first[1].count);
    expect(Array.from(again.exits)).toEqual(Array.from(first[1].exits));
    expect(demandSlice(trie, keyOf(3, false))).toBe(first[3]);
    // The precomputed slice is neither counted nor dropped.
    expect(demandSlice(trie, jsonStringSliceKey())).toBe(json);
    // YAML-scalar sets have their own 64 and push no other slice out.
    for (let i = 0; i < 70; i++) demandSlice(trie, keyOf(i, "yaml"));
    expect(sliceCount(trie)).toBe(129);
    expect(demandSlice(trie, keyOf(0, false))).toBe(first[0]);
    expect(getSlice(trie, jsonStringSliceKey())).toBe(json);
  });

  it("keeps masks exact when the grammars' slices were dropped and built again", () => {
    const rng = new Rng(11);
    const vocab = syntheticVocabulary(rng, 400);
    const trie = new TokenTrie(vocab);
    const compiler = new GrammarCompiler(vocab, {}, trie);
    // Strings over many different character sets: each grammar's runs take slices, more than the budget.
    const chars = "abcdefghijklmnopqrstuvwxyz0123456789";
    const grammars = [];
    for (let i = 0; i < 80; i++) {
      // 80 different sets: pairs of dropped characters (i mod 36, 10 + i div 36), distinct for every i.
      const drop = chars[i % 36] + chars[10 + Math.floor(i / 36)];
      const set = `[^"\\\\${drop}\\x00-\\x1f]`;
      grammars.push(compiler.compile(parseGbnf(`root ::= "\\"" ${set}* "\\"" ( "," "\\"" ${set}{0,5} "\\"" )*`)));
    }
    // Two passes over all grammars: the first spends the budget (the earliest grammars' slices are
    // dropped from the per-trie map), the second reaches new states of grammars that hold dropped
    // slices while new ones are built for the same sets.
    const mask = new TokenMask(vocab.size);
    for (let pass = 0; pass < 2; pass++) {
      for (const [i, cg] of grammars.entries()) {
        const text = pass === 0 ? `"${"xyz lmn".slice(0, 2 + (i % 5))}","ab"` : `"q r","${"stuvw".slice(0, 1 + (i % 4))}"`;
        const m = cg.createMatcher();
        for (const b of new TextEncoder().encode(text)) {
          m.fillNextTokenMask(mask);
          for (let id = 0; id < vocab.size; id++) {
            if (!vocab.isText(id)) continue;
            expect(mask.has(id), `pass ${pass} grammar ${i} token ${id}`).toBe(m.fork().acceptToken(id));
          }
          if (!m.acceptBytes(new Uint8Array([b]))) break;
        }
      }
      if (pass === 0) expect(sliceCount(trie)).toBe(65);
    }
  });
});
