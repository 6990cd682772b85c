// GrammarCompiler keeps the most recently used compiled grammars (LRU, `cacheSize`), so a
// long-running process that compiles many schemas does not grow without bound.
import { describe, expect, it } from "vitest";
import { Rng } from "@formwork/core";
import { GrammarCompiler, grammar, literal } from "@formwork/grammar";
import { syntheticVocabulary } from "./engine-support.js";

const g = (s: string) => grammar([["root", literal(s)]]);

describe("GrammarCompiler cache", () => {
  const vocab = syntheticVocabulary(new Rng(1), 200);

  it("returns the same compiled grammar while it is among the cacheSize most recently used", () => {
    const c = new GrammarCompiler(vocab, { cacheSize: 2 });
    const a = c.compile(g("a"));
    const b = c.compile(g("b"));
    expect(c.compile(g("a"))).toBe(a); // a is now the most recent
    c.compile(g("c")); // evicts b
    expect(c.cachedGrammars).toBe(2);
    expect(c.compile(g("a"))).toBe(a);
    expect(c.compile(g("b"))).not.toBe(b);
  });

  it("cacheSize 0 keeps nothing; a bad cacheSize is refused", () => {
    const c = new GrammarCompiler(vocab, { cacheSize: 0 });
    expect(c.compile(g("a"))).not.toBe(c.compile(g("a")));
    expect(c.cachedGrammars).toBe(0);
    expect(() => new GrammarCompiler(vocab, { cacheSize: -1 })).toThrow(/cacheSize must be a non-negative integer/);
  });
});
