// GrammarCompiler keeps the most recently used compiled grammars (LRU, `cacheSize`), so a
// long-running process that compiles many schemas does not grow without bound.
import { describe, expect, it } from "vitest";
import { Rng } from "@formwork/core";
import { GrammarCompiler, alt, charClass, grammar, literal, ref, repeat, seq, type Grammar } from "@formwork/grammar";
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

  it("hits only for the same rules and root: a grammar changed after its compile, a shared subtree written out, other bounds or ranges", () => {
    const c = new GrammarCompiler(vocab, { cacheSize: 8 });
    const m = grammar([["root", literal("a")]]);
    const a = c.compile(m);
    m.rules.set("root", literal("b"));
    const b = c.compile(m);
    expect(b).not.toBe(a);
    const mb = b.createMatcher();
    expect(mb.acceptBytes("b") && mb.isComplete()).toBe(true);
    // One object used twice reads as its two copies.
    const x = seq(literal("x"), charClass([[48, 57]]));
    const shared = c.compile(grammar([["root", alt(x, seq(x, x))]]));
    expect(c.compile(grammar([["root", alt(seq(literal("x"), charClass([[48, 57]])), seq(seq(literal("x"), charClass([[48, 57]])), seq(literal("x"), charClass([[48, 57]]))))]]))).toBe(shared);
    const rep = (min: number, max: number): Grammar => grammar([["root", repeat(ref("d"), min, max)], ["d", charClass([[48, 57]])]]);
    const r1 = c.compile(rep(1, 3));
    expect(c.compile(rep(1, 3))).toBe(r1);
    for (const other of [rep(1, 4), rep(1, Infinity), rep(0, 3), rep(1, 2 ** 40)]) expect(c.compile(other)).not.toBe(r1);
    const cls = c.compile(grammar([["root", charClass([[48, 57]])]]));
    expect(c.compile(grammar([["root", charClass([[48, 56]])]]))).not.toBe(cls);
    expect(c.compile(grammar([["root", charClass([[48, 57]], true)]]))).not.toBe(cls);
    // Rule names and the root are part of the key.
    const named = c.compile(grammar([["root", ref("y")], ["y", literal("a")]]));
    expect(c.compile(grammar([["root", ref("z")], ["z", literal("a")]]))).not.toBe(named);
  });

  it("cacheSize 0 keeps nothing; a bad cacheSize is refused", () => {
    const c = new GrammarCompiler(vocab, { cacheSize: 0 });
    expect(c.compile(g("a"))).not.toBe(c.compile(g("a")));
    expect(c.cachedGrammars).toBe(0);
    expect(() => new GrammarCompiler(vocab, { cacheSize: -1 })).toThrow(/cacheSize must be a non-negative integer/);
  });
});
