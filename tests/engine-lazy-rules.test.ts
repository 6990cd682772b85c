// A called rule's NFA is built when the automaton first needs it (a state that calls it is
// expanded), not at compile (packages/grammar/src/engine/nfa-build.ts, rule-facts.ts). These tests
// fail if compile builds a rule it need not build, and check that what compile reported when it
// built every rule (empty language, left recursion, a refused pattern) is still reported by
// compile, with the same code and message, while a limit passed in a rule built later is a
// LimitError from whatever built it, every time it is asked again.
import { describe, expect, it } from "vitest";
import { FormworkError, LimitError, Rng, TokenMask } from "@formwork/core";
import { alt, grammar, GrammarCompiler, literal, ref, regex, seq, type CompiledGrammar, type Grammar, type Node } from "@formwork/grammar";
import { compileSchema } from "@formwork/json-schema";
import { syntheticVocabulary } from "../packages/grammar/test/engine-support.js";

interface Inside {
  nfa: { count: number; baseCount: number; ruleLo: number[] };
  ruleNames: readonly string[];
  ruleStart: Int32Array;
  buildRules(): void;
  materialize(): number;
}

const inside = (cg: CompiledGrammar): Inside => cg.automaton as unknown as Inside;
const built = (cg: CompiledGrammar): string[] => inside(cg).ruleNames.filter((_, r) => inside(cg).nfa.ruleLo[r] >= 0);

/** What `f` throws: its class, code and message (or null). */
function thrown(f: () => unknown): { kind: string; code: string; message: string } | null {
  try {
    f();
    return null;
  } catch (e) {
    if (!(e instanceof FormworkError)) throw e;
    return { kind: e.constructor.name, code: e.code, message: e.message };
  }
}

/** 300 words: a rule big enough to be called when used twice. */
const words: Node = alt(...Array.from({ length: 300 }, (_, i) => literal(`word${i}x`)));

describe("called rules are built on first need", () => {
  const vocab = syntheticVocabulary(new Rng(3), 200);

  it("compile builds the root only; a rule is built when a text enters it; materialize builds every rule", () => {
    const compiler = new GrammarCompiler(vocab, { cacheSize: 0 });
    const g = grammar([
      ["root", alt(literal("a"), seq(literal("{"), ref("key"), literal(":"), ref("key"), literal("}")))],
      ["key", words],
    ]);
    const cg = compiler.compile(g);
    expect(cg.stats.calledRules).toEqual(["root", "key"]);
    expect(built(cg)).toEqual(["root"]);
    expect(inside(cg).ruleStart[1]).toBe(-2);
    const atCompile = inside(cg).nfa.count;
    const m = cg.createMatcher();
    expect(m.acceptBytes("a")).toBe(true);
    expect(m.isComplete()).toBe(true);
    expect(built(cg)).toEqual(["root"]);
    const m2 = cg.createMatcher();
    expect(m2.acceptBytes("{word12x:word299x}")).toBe(true);
    expect(m2.isComplete()).toBe(true);
    expect(built(cg)).toEqual(["root", "key"]);
    inside(cg).materialize();
    expect(inside(cg).nfa.count).toBeGreaterThan(20 * atCompile);
  });

  it("a schema's rules: only the root at compile, every called rule after materialize, same masks either way", () => {
    const schema = {
      type: "object",
      properties: { name: { type: "string", maxLength: 40 }, tags: { type: "array", items: { type: "string", format: "email" } }, id: { type: "integer" } },
      required: ["name"],
      additionalProperties: { type: "object", additionalProperties: { type: "number" } },
    };
    const g = compileSchema(schema as never).grammar;
    const compiler = new GrammarCompiler(vocab, { cacheSize: 0 });
    const lazy = compiler.compile(g);
    expect(lazy.stats.calledRules.length).toBeGreaterThan(1);
    // Fails if compile builds any rule but the root (the root's start needs no other rule).
    expect(built(lazy)).toEqual([lazy.stats.calledRules[0]]);
    expect(lazy.stats.nfaStates).toBe(inside(lazy).nfa.baseCount);
    const eager = compiler.compile(g);
    inside(eager).buildRules();
    expect(built(eager)).toEqual(eager.stats.calledRules);
    expect(inside(eager).nfa.baseCount).toBeGreaterThan(lazy.stats.nfaStates);
    // The same text through both: equal masks at every step.
    const text = '{"name":"Ann","tags":["a@b.cd"],"id":7,"x-extra":{"a":1.5}}';
    const ml = lazy.createMatcher(), me = eager.createMatcher();
    const a = new TokenMask(vocab.size), b = new TokenMask(vocab.size);
    for (const ch of text) {
      ml.fillNextTokenMask(a);
      me.fillNextTokenMask(b);
      expect(Array.from(a.words)).toEqual(Array.from(b.words));
      expect(ml.acceptBytes(ch)).toBe(true);
      expect(me.acceptBytes(ch)).toBe(true);
    }
    expect(ml.isComplete()).toBe(true);
  });

  it("masks inside a called rule build no rule a text has not entered, and equal the fully built grammar's on random walks", () => {
    // A called rule the text enters (person, used twice) and rules it never does (the undeclared keys').
    const schema = {
      $defs: {
        person: {
          type: "object",
          properties: { first: { type: "string", maxLength: 12 }, last: { type: "string", maxLength: 12 }, email: { type: "string", format: "email" }, age: { type: "integer" } },
          required: ["first", "last"],
          additionalProperties: { type: "string", format: "date" },
        },
      },
      type: "object",
      properties: { a: { $ref: "#/$defs/person" }, b: { $ref: "#/$defs/person" }, n: { type: "integer" } },
      required: ["a", "b", "n"],
      additionalProperties: { type: "array", items: { type: "string", format: "uuid" } },
    };
    const g = compileSchema(schema as never).grammar;
    const compiler = new GrammarCompiler(vocab, { cacheSize: 0 });
    const eager = compiler.compile(g);
    inside(eager).materialize();
    const all = eager.stats.calledRules.length;
    expect(all).toBeGreaterThan(2);
    const a = new TokenMask(vocab.size), b = new TokenMask(vocab.size);
    // Masks inside a called rule read its follow set: no mask may build a rule no walk entered (a branch
    // behind a literal longer than any token), as the NFA's sets, which read every call, would.
    const g2 = grammar([
      ["root", alt(seq(literal("{"), ref("key"), literal(":"), ref("key"), literal("}")), seq(literal("z".repeat(40)), ref("other"), literal(","), ref("other")))],
      ["key", words],
      ["other", alt(...Array.from({ length: 300 }, (_, i) => literal(`other${i}y`)))],
    ]);
    const lazy = compiler.compile(g2);
    expect([...lazy.stats.calledRules].sort()).toEqual(["key", "other", "root"]);
    const m = lazy.createMatcher();
    for (const ch of "{word12x:word299x}") {
      m.fillNextTokenMask(a);
      expect(m.acceptBytes(ch)).toBe(true);
    }
    expect(m.isComplete()).toBe(true);
    expect(built(lazy)).toEqual(["root", "key"]);
    // Random walks over the allowed tokens: the lazily built grammar (follow sets on the IR) and the fully
    // built one (follow sets on the NFA) give equal masks at every step.
    const rng = new Rng(17);
    let steps = 0;
    for (let walk = 0; walk < 30; walk++) {
      const fresh = compiler.compile(g);
      const ml = fresh.createMatcher(), me = eager.createMatcher();
      for (let i = 0; i < 40 && !ml.isComplete(); i++) {
        ml.fillNextTokenMask(a);
        me.fillNextTokenMask(b);
        expect(Array.from(a.words), `walk ${walk}, step ${i}`).toEqual(Array.from(b.words));
        const ids = a.toArray();
        if (ids.length === 0) break;
        const id = ids[Math.floor(rng.next() * ids.length)];
        expect(ml.acceptToken(id)).toBe(true);
        expect(me.acceptToken(id)).toBe(true);
        steps++;
      }
    }
    expect(steps).toBeGreaterThan(300);
  });
});

describe("compile-time errors stay at compile time", () => {
  const vocab = syntheticVocabulary(new Rng(4), 100);
  const compiler = new GrammarCompiler(vocab, { cacheSize: 0 });

  it("empty language through a called rule: empty-language from compile", () => {
    const e = thrown(() => compiler.compile(grammar([["root", seq(literal("("), ref("a"), literal(")"))], ["a", seq(literal("x"), ref("a"))]])));
    // The message as compile gave it when it built every rule (4fdf687).
    expect(e).toEqual({
      kind: "CompileError",
      code: "empty-language",
      message: 'the start rule "root" matches no string at all (every path runs into a rule that never finishes). Give every recursive rule an alternative that ends without recursing.',
    });
  });

  it("left recursion among called rules: left-recursion from compile, the cycle named as before", () => {
    const g = grammar([
      ["root", seq(literal("("), ref("e"), literal(")"))],
      ["e", alt(seq(ref("e"), literal("+"), ref("t")), ref("t"))],
      ["t", alt(literal("x"), seq(literal("("), ref("e"), literal(")")))],
    ]);
    // The messages as compile gave them when it built every rule (4fdf687).
    const hint = ' Rewrite it with repetition, e.g. "list ::= item (\\",\\" item)*" instead of "list ::= list \\",\\" item | item".';
    expect(thrown(() => compiler.compile(g))).toEqual({ kind: "CompileError", code: "left-recursion", message: `left recursion: e → e can call itself again without reading any input.${hint}` });
    // Through a nullable rule and an inlined one.
    const g2 = grammar([
      ["root", seq(ref("a"), literal(";"))],
      ["a", alt(seq(ref("n"), ref("b"), literal("x")), literal("y"))],
      ["b", seq(ref("n"), ref("c"))],
      ["c", alt(seq(ref("a"), literal("z")), literal("w"))],
      ["n", alt(literal(""), seq(literal("-"), ref("n")))],
    ]);
    expect(thrown(() => compiler.compile(g2))).toEqual({ kind: "CompileError", code: "left-recursion", message: `left recursion: a → b → c → a can call itself again without reading any input.${hint}` });
  });

  it("a refused pattern in a called rule no text enters: the same error from compile as in the root", () => {
    const bad = regex("(a)\\1");
    const inRoot = thrown(() => compiler.compile(grammar([["root", bad]])));
    expect(inRoot).not.toBeNull();
    const inCalled = thrown(() => compiler.compile(grammar([["root", alt(literal("a"), seq(ref("k"), literal(","), ref("k")))], ["k", alt(words, bad)]])));
    expect(inCalled).toEqual(inRoot);
    expect(inCalled?.code).toBe("regex-backreference");
  });

  it("maxNfaStates passed by a rule built later: a LimitError from what builds it, again on every attempt, none at compile", () => {
    const small = new GrammarCompiler(vocab, { cacheSize: 0, maxNfaStates: 1000 });
    const g: Grammar = grammar([
      ["root", alt(literal("a"), seq(literal("{"), ref("key"), literal(":"), ref("key"), literal("}")))],
      ["key", words],
    ]);
    const cg = small.compile(g);
    expect(cg.createMatcher().acceptBytes("a")).toBe(true);
    for (let i = 0; i < 2; i++) {
      const m = cg.createMatcher();
      const e = thrown(() => m.acceptBytes("{word1x"));
      expect(e?.kind).toBe("LimitError");
      expect(e?.code).toBe("max-nfa-states");
    }
    expect(() => inside(cg).materialize()).toThrow(LimitError);
    // The rule that passed the limit left nothing behind: the NFA holds the root alone.
    expect(built(cg)).toEqual(["root"]);
    // Under the default limit the same grammar builds it.
    expect(compiler.compile(g).createMatcher().acceptBytes("{word1x:word2x}")).toBe(true);
  });
});

