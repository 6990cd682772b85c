// Counted repetition (nfa.ts): a repetition of many copies is built once, its copies are
// instantiated as the text reaches them, and copies further from the repetition's ends than the
// longest token share their token-cache entries. Oracles: the reference recognizer (brute force
// over the whole vocabulary at every step) and the same grammar with every repetition copied
// out (engineTuning.countedRepeatMin = Infinity), on random grammars whose repetitions are long.
import { afterEach, describe, expect, it } from "vitest";
import { FormworkError, Rng, TokenMask } from "@formwork/core";
import { alt, charClass, grammar, literal, ref, repeat, seq, GrammarCompiler, type CompiledGrammar, type Grammar, type Node } from "@formwork/grammar";
import { referenceMatchBytes } from "@formwork/grammar/testing";
import { concat, int, maskDiff, randomGrammar, syntheticVocabulary } from "./engine-support.js";
import { engineTuning } from "../src/engine/tuning.js";

const DEFAULT = engineTuning.countedRepeatMin;
const enc = new TextEncoder();

/** `g` with every repetition's bounds scaled up (so that copies outnumber the longest token). */
function longRepeats(g: Grammar, rng: Rng): Grammar {
  const scale = (n: Node): Node => {
    switch (n.type) {
      case "seq":
      case "alt":
        return { ...n, items: n.items.map(scale) };
      case "lexeme":
        return { ...n, item: scale(n.item) };
      case "repeat": {
        const min = n.min * int(rng, 1, 6);
        const max = n.max === Infinity ? Infinity : min + (n.max - n.min) * int(rng, 3, 25) + int(rng, 0, 3);
        return { ...n, item: scale(n.item), min, max };
      }
      default:
        return n;
    }
  };
  return { ...g, rules: new Map([...g.rules].map(([k, v]) => [k, scale(v)])) };
}

function compileOrNull(compiler: GrammarCompiler, g: Grammar) {
  try {
    return compiler.compile(g);
  } catch (e) {
    if (e instanceof FormworkError && ["left-recursion", "empty-language"].includes(e.code)) return null;
    throw e;
  }
}

/** A random walk of 24 tokens (long ones preferred); masks against brute force and the copied-out automaton. Returns whether it went the whole way. */
function walk(g: Grammar, cg: CompiledGrammar, plain: CompiledGrammar | null, rng: Rng): boolean {
  const vocab = cg.vocabulary;
  const mask = new TokenMask(vocab.size), copied = new TokenMask(vocab.size);
  const m = cg.createMatcher(), p = plain?.createMatcher();
  let prefix: Uint8Array = new Uint8Array(0);
  for (let step = 0; step < 24; step++) {
    // Brute force on every 4th step (the reference is slow); the copied-out automaton on every step.
    if (step % 4 === 0) expect(maskDiff(g, m, prefix), `step ${step}`).toEqual([]);
    m.fillNextTokenMask(mask);
    if (p) {
      p.fillNextTokenMask(copied);
      expect(mask.equals(copied), `step ${step}: counted vs copied`).toBe(true);
    }
    const allowed = mask.toArray().filter((id) => !vocab.isEog(id));
    if (allowed.length === 0) return false;
    // Prefer long tokens so that walks go deep into the repetitions.
    allowed.sort((x, y) => vocab.bytesOf(y).length - vocab.bytesOf(x).length);
    const id = allowed[Math.floor(rng.next() * rng.next() * allowed.length)];
    expect(m.acceptToken(id)).toBe(true);
    if (p) expect(p.acceptToken(id)).toBe(true);
    prefix = concat(prefix, vocab.bytesOf(id));
    expect(m.isComplete()).toBe(referenceMatchBytes(g, prefix).complete);
  }
  return true;
}

describe("counted repetition", () => {
  afterEach(() => {
    engineTuning.countedRepeatMin = DEFAULT;
  });

  it("random grammars with long repetitions: masks equal brute force along random walks, and equal the copied-out automaton's", () => {
    const vocab = syntheticVocabulary(new Rng(17), 300);
    let checked = 0, withCounters = 0, deep = 0;
    for (let seed = 1; seed <= 90; seed++) {
      const rng = new Rng(seed);
      const g = longRepeats(randomGrammar(rng), rng);
      engineTuning.countedRepeatMin = 2;
      const cg = compileOrNull(new GrammarCompiler(vocab), g);
      engineTuning.countedRepeatMin = Infinity;
      let plain;
      try {
        plain = compileOrNull(new GrammarCompiler(vocab), g);
      } catch (e) {
        // Copied out, a long nested repetition may pass the limits; the counted build must not.
        if (e instanceof FormworkError && e.code.startsWith("max-")) plain = null;
        else throw e;
      }
      engineTuning.countedRepeatMin = DEFAULT;
      if (!cg) continue;
      checked++;
      if (cg.stats.counters > 0) withCounters++;
      try {
        if (walk(g, cg, plain, rng)) deep++;
      } catch (e) {
        // Very ambiguous random grammars pass maxConfigurations (copied out or counted alike).
        if (e instanceof FormworkError && e.code === "max-configurations") continue;
        throw e;
      }
    }
    expect(checked).toBeGreaterThan(45);
    expect(withCounters).toBeGreaterThan(25);
    expect(deep).toBeGreaterThan(8);
  }, 300_000);

  it("nested counters, bounds far beyond the longest token: whole texts and masks equal the reference", () => {
    const vocab = syntheticVocabulary(new Rng(5), 250, ["aaaa", "a,", "aa,a", ",", "b"]);
    // (a{0,40} ","){3,30} b: 30 × 40 copies of a, entered lazily; the longest token is ~16 bytes.
    const g = grammar([["root", seq(repeat(seq(repeat(literal("a"), 0, 40), literal(",")), 3, 30), ref("tail"))], ["tail", alt(literal("b"), seq(charClass([[0x30, 0x39]]), ref("tail")))]]);
    const cg = new GrammarCompiler(vocab).compile(g);
    expect(cg.stats.counters).toBe(2);
    for (const text of ["a,a,a,b", ",,,b", `${"a".repeat(40)},`.repeat(30) + "b", `${"a".repeat(41)},,,b`, ",".repeat(31) + "b", `${"a".repeat(39)},`.repeat(3) + "12b"]) {
      const b = enc.encode(text);
      const m = cg.createMatcher();
      const ok = m.acceptBytes(b) && m.isComplete();
      expect(ok, text.slice(0, 60)).toBe(referenceMatchBytes(g, b).complete);
    }
    // Masks along a long text, deep in both counters.
    const text = enc.encode(`${"a".repeat(37)},${"a".repeat(40)},,a,`);
    const m = cg.createMatcher();
    for (let i = 0; i < text.length; i++) {
      if (i % 3 === 0 || i > 75) expect(maskDiff(g, m, text.subarray(0, i)), `at ${i}`).toEqual([]);
      expect(m.acceptBytes(text.subarray(i, i + 1))).toBe(true);
    }
    // Cache entries are shared between copies that read alike: far fewer entries than states.
    expect(cg.memory().cachedStates).toBeLessThan(cg.memory().dfaStates);
  });

  it("a string of at most 32767 characters compiles without its copies", () => {
    const vocab = syntheticVocabulary(new Rng(9), 120);
    const ch = alt(charClass([[0x20, 0x21], [0x23, 0x5b], [0x5d, 0x10ffff]]), seq(literal("\\"), charClass([[0x22, 0x22], [0x5c, 0x5c], [0x6e, 0x6e]])));
    const g = grammar([["root", seq(literal('"'), repeat(ch, 0, 32767), literal('"'))]]);
    const cg = new GrammarCompiler(vocab).compile(g);
    expect(cg.stats.nfaStates).toBeLessThan(100);
    const m = cg.createMatcher();
    expect(m.acceptBytes(`"${"x\\n".repeat(500)}"`)).toBe(true);
    expect(m.isComplete()).toBe(true);
    expect(cg.memory().nfaStates).toBeLessThan(20_000);
  });
});
