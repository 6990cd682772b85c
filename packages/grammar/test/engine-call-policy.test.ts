/**
 * The call policy for small rules used everywhere (the JSON whitespace) and
 * for rules repeated by a counted repetition (grammars/list.gbnf's item{1,10}):
 * such a rule gets its own automaton, and masks stay exact (brute force over
 * the whole vocabulary).
 */
import { describe, expect, it } from "vitest";
import { Rng } from "@formwork/core";
import { alt, charClass, grammar, literal, ref, repeat, seq, GrammarCompiler, type CompiledGrammar, type Grammar, type Node } from "@formwork/grammar";
import { referenceMatchBytes } from "@formwork/grammar/testing";
import { maskDiff, syntheticVocabulary } from "./engine-support.js";
import { nullableRules } from "../src/analyze.js";
import { calledRules, estimateSizes, ruleGraph } from "../src/engine/rule-graph.js";

const enc = new TextEncoder();

/** `estimateSizes`' size of rule `name` with only the root called. */
function sizeWithRootCalled(g: Grammar, name: string): number {
  const graph = ruleGraph(g);
  const called = new Uint8Array(graph.names.length);
  called[graph.ids.get(g.root)!] = 1;
  return estimateSizes(g, graph, called)[graph.ids.get(name)!];
}

/** ws ::= "" | "\n" [ \t]{0,32}: an estimate a little over 500, far below inlineLimit. */
const ws: Node = alt(literal(""), seq(literal("\n"), repeat(charClass([[0x20, 0x20], [0x09, 0x09]]), 0, 32)));

/** A list of `n` digits between whitespace everywhere: 2n + 1 uses of ws. */
function list(n: number) {
  const items: Node[] = [ref("ws"), literal("[")];
  for (let i = 0; i < n; i++) items.push(ref("ws"), charClass([[0x30, 0x39]]), ref("ws"), literal(i + 1 < n ? "," : "]"));
  items.push(ref("ws"));
  return grammar([
    ["root", seq(...items)],
    ["ws", ws],
  ]);
}

/** Whether each whole text is accepted equals the reference recognizer's answer. */
function wholeStringsEqualReference(g: Grammar, cg: CompiledGrammar, texts: string[]): void {
  for (const t of texts) {
    const m = cg.createMatcher();
    const b = enc.encode(t);
    expect(m.acceptBytes(b) && m.isComplete(), JSON.stringify(t)).toBe(referenceMatchBytes(g, b).accepted);
  }
}

/** The mask after every prefix of each accepted text equals brute force over the vocabulary. */
function masksEqualReference(g: Grammar, cg: CompiledGrammar, texts: string[]): void {
  for (const t of texts) {
    const b = enc.encode(t);
    for (let i = 0; i <= b.length; i++) {
      const prefix = b.subarray(0, i);
      const m = cg.createMatcher();
      expect(m.acceptBytes(prefix)).toBe(true);
      expect(maskDiff(g, m, prefix), `${JSON.stringify(t)} at ${i}`).toEqual([]);
    }
  }
}

describe("engine: calling small rules used everywhere", () => {
  it("calls ws when its copies add up, inlines it when used rarely", () => {
    const g = list(4);
    const size = sizeWithRootCalled(g, "ws");
    expect(size).toBeGreaterThanOrEqual(500);
    expect(size).toBeLessThan(4000);
    expect(calledRules(g, 4000).has("ws")).toBe(true);
    expect(calledRules(list(1), 4000).has("ws")).toBe(false);
    expect(nullableRules(g)).toEqual(new Set(["ws"]));
  });

  it("masks and whole strings equal the reference with ws called", () => {
    const vocab = syntheticVocabulary(new Rng(11), 300, ["[", "]", ",", "\n", "\n  ", " ", "\t", "1,", "2]", "]\n", ",\n ", "[\n"]);
    const g = list(4);
    const cg = new GrammarCompiler(vocab).compile(g);
    expect(cg.stats.calledRules).toContain("ws");
    wholeStringsEqualReference(g, cg, ["[1,2,3,4]", "\n[\n 1\n\t,2,\n3\n  ,4]\n", "[1,2,3]", "[1 ,2,3,4]", "[1,2,3,4]\n\n", "\n \n[1,2,3,4]"]);
    masksEqualReference(g, cg, ["\n[\n 1\n\t,2,\n3\n  ,4]\n", "[1,\n2\n,3,4]"]);
  });
});

/** items ::= item{1,n}, item ::= "- " [^ \n] [^\n]{0,40} "\n": one reference, n copies. */
function bullets(n: number) {
  const text = seq(charClass([[0x21, 0x10ffff], [0x0b, 0x1f], [0x00, 0x09]]), repeat(charClass([[0x00, 0x09], [0x0b, 0x10ffff]]), 0, 40));
  return grammar([
    ["root", repeat(ref("item"), 1, n)],
    ["item", seq(literal("- "), text, literal("\n"))],
  ]);
}

describe("engine: calling a rule a counted repetition copies", () => {
  it("counts each copy as a use: called when the copies add up, inlined when there are few", () => {
    const size = sizeWithRootCalled(bullets(8), "item");
    expect(size).toBeGreaterThanOrEqual(500);
    expect(size * 7).toBeGreaterThan(4000);
    expect(calledRules(bullets(8), 4000).has("item")).toBe(true);
    expect(calledRules(bullets(1), 4000).has("item")).toBe(false);
  });

  it("masks and whole strings equal the reference with item called", () => {
    const vocab = syntheticVocabulary(new Rng(12), 300, ["- ", "-", " ", "\n", "\n-", "\n- ", "a", "ab c", " x", "é", "- a", "b\n", "c\n- d"]);
    const g = bullets(8);
    const cg = new GrammarCompiler(vocab).compile(g);
    expect(cg.stats.calledRules).toContain("item");
    wholeStringsEqualReference(g, cg, ["- a\n", "- ab c\n- x\n", "- é\n".repeat(8), "- a\n".repeat(9), "-  a\n", "- a", "- " + "b".repeat(41) + "\n", "- " + "b".repeat(42) + "\n"]);
    masksEqualReference(g, cg, ["- ab c\n- x y\n- é\n", "- " + "q".repeat(40) + "\n- r\n"]);
  });
});
