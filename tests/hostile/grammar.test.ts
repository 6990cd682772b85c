// Hostile GBNF grammars (issue 17): each ends in the right verdict or a documented error, never a crash.
import { describe, expect, it } from "vitest";
import { checkText, grammar, parseGbnf, GrammarCompiler, textCompiler, literal, type Node } from "@formwork/grammar";
import { Vocabulary } from "@formwork/core";
import { longLiteral, nestedParens, ruleChain } from "./inputs.js";
import { expectError, expectValue, outcome } from "./outcome.js";

describe("hostile GBNF", () => {
  it("400 nested parentheses: max-depth, with line and column", async () => {
    const e = expectError(await outcome(() => parseGbnf(nestedParens(400))), "max-depth");
    expect(e.location).toMatchObject({ kind: "span", line: 1, column: 10 + 200 });
  });

  it("200 nested parentheses (the default maxDepth) parse, compile and check", async () => {
    const g = parseGbnf(nestedParens(200));
    expect(checkText(g, "a")).toEqual({ accepted: true });
    expect(checkText(g, "b").accepted).toBe(false);
  });

  it("maxDepth can be raised", async () => {
    expect(expectValue(await outcome(() => parseGbnf(nestedParens(250), { limits: { maxDepth: 300 } }))).rules.size).toBe(1);
  });

  it("10,000 repetition operators on one item: max-depth", async () => {
    expectError(await outcome(() => parseGbnf(`root ::= "a"${"?".repeat(10_000)}`)), "max-depth");
  });

  it("a 10 MB literal: max-input-bytes; a 4 MB literal lexes (the lexer does not backtrack)", async () => {
    expectError(await outcome(() => parseGbnf(longLiteral(10_000_000))), "max-input-bytes");
    const g = parseGbnf(longLiteral(4_000_000));
    expect((g.rules.get("root") as { value: string }).value.length).toBe(4_000_000);
    // The engine refuses it by its NFA limit (one state per byte), clearly.
    expectError(await outcome(() => textCompiler().compile(g)), "max-nfa-states");
  });

  it("a 4 MB comment and a 4 MB character class lex", () => {
    expect(parseGbnf(`# ${"x".repeat(4_000_000)}\nroot ::= "a"`).rules.size).toBe(1);
    expect(() => parseGbnf(`root ::= [${"a".repeat(4_000_000)}`)).toThrow(expect.objectContaining({ code: "gbnf-unterminated-class" }));
  });

  it("a chain of 2,000 rules compiles and checks (no recursion per rule)", () => {
    const g = parseGbnf(ruleChain(2_000));
    expect(checkText(g, `${"a".repeat(2_000)}b`)).toEqual({ accepted: true });
    expect(checkText(g, `${"a".repeat(1_999)}b`)).toMatchObject({ accepted: false, offset: 1_999 });
  });

  it("a chain of 50,000 rules checks a 50,001-byte text (linear in rules)", () => {
    const g = parseGbnf(ruleChain(50_000));
    expect(checkText(g, `${"a".repeat(50_000)}b`)).toEqual({ accepted: true });
    expect(checkText(g, "aab")).toMatchObject({ accepted: false, offset: 2 });
  });

  it("more rules than maxRules: max-rules", async () => {
    expectError(await outcome(() => parseGbnf(ruleChain(20), { limits: { maxRules: 10 } })), "max-rules");
  });

  it("IR nested 5,000 deep given to the compiler: max-depth (not a stack overflow)", async () => {
    let node: Node = literal("a");
    for (let i = 0; i < 5_000; i++) node = { type: "alt", items: [node, literal("c")] };
    const tokens = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
    const compiler = new GrammarCompiler(new Vocabulary({ tokens, eog: [], name: "bytes" }), { precomputeSlices: false });
    expectError(await outcome(() => compiler.compile(grammar([["root", node]]))), "max-depth");
  });
});
