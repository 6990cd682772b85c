import { describe, expect, it } from "vitest";
import { FormworkError } from "@formwork/core";
import { alt, grammar, literal, parseGbnf, ref, regex, seq, star } from "@formwork/grammar";
import { referenceMatch, referenceMatchBytes, referencePrefixOk, referencePrefixOkBytes } from "@formwork/grammar/testing";

const g = (text: string) => parseGbnf(text);

// [grammar, text, accepted, prefix]
const CASES: [string, string, boolean, boolean][] = [
  // Left recursion, direct and indirect.
  ['root ::= root "a" | "b"', "baaa", true, true],
  ['root ::= root "a" | "b"', "ab", false, false],
  ['root ::= x "c" | "d"\nx ::= root "e"', "decec", true, true],
  ['root ::= x "c" | "d"\nx ::= root "e"', "dece", false, true],
  // Hidden left recursion through a nullable prefix.
  ['root ::= e root "a" | "b"\ne ::= "" | "z"', "baa", true, true],
  ['root ::= e root "a" | "b"\ne ::= "" | "z"', "zbaa", true, true],
  // Epsilon rules: the classic case that a naive Earley completer misses.
  ['root ::= a a "x"\na ::= ""', "x", true, true],
  ['root ::= a b a "x"\na ::= b\nb ::= "" | "y"', "yyx", true, true],
  ['root ::= a b a "x"\na ::= b\nb ::= "" | "y"', "yyyyx", false, false],
  ['root ::= ""', "", true, true],
  ['root ::= ""', "a", false, false],
  ['root ::= ( "" )*', "", true, true],
  ['root ::= ( "a"? )* "b"', "aab", true, true],
  // Ambiguity.
  ['root ::= root root | "a" | ""', "aaaa", true, true],
  ['root ::= ( "a" | "a" "a" )+ "b"', "aaab", true, true],
  // Balanced parentheses (not regular).
  ['root ::= "(" root ")" root | ""', "(()())()", true, true],
  ['root ::= "(" root ")" root | ""', "(()", false, true],
  ['root ::= "(" root ")" root | ""', "())", false, false],
  // Bounded repetition.
  ['root ::= "a"{2,3}', "a", false, true],
  ['root ::= "a"{2,3}', "aaa", true, true],
  ['root ::= "a"{2,3}', "aaaa", false, false],
  ['root ::= "ab"{2}', "abab", true, true],
  ['root ::= [0-9]{2,}', "1234567", true, true],
  // Classes, negation, any, Unicode.
  ['root ::= [^a-c]+', "xyz😀", true, true],
  ['root ::= [^a-c]+', "xbz", false, false],
  ['root ::= .{3}', "é€😀", true, true],
  ['root ::= [\\U0001F600-\\U0001F64F]', "😀", true, true],
  ['root ::= "\\x41\\u00e9"', "Aé", true, true],
  // A rule that can never finish is pruned: its prefixes are not viable.
  ['root ::= "a" | "b" loop\nloop ::= "x" loop', "b", false, false],
  ['root ::= "a" | "b" loop\nloop ::= "x" loop', "a", true, true],
];

describe("reference recognizer: hand-checked cases", () => {
  it.each(CASES)("%j on %j → accepted %s, prefix %s", (src, text, accepted, prefix) => {
    // The rule-that-never-finishes grammars are refused by parseGbnf; build those as IR.
    const grammarOf = src.includes("loop ::=")
      ? grammar([
          ["root", alt(literal("a"), seq(literal("b"), ref("loop")))],
          ["loop", seq(literal("x"), ref("loop"))],
        ])
      : g(src);
    const r = referenceMatch(grammarOf, text);
    expect(r.accepted).toBe(accepted);
    expect(r.complete).toBe(accepted);
    expect(r.prefix).toBe(prefix);
    expect(referencePrefixOk(grammarOf, text)).toBe(prefix);
  });

  it("reports the UTF-8 byte offset where the text leaves the grammar, and what was expected", () => {
    const json = g('root ::= "[" [0-9]+ ( "," [0-9]+ )* "]"');
    const r = referenceMatch(json, "[1,é2]");
    expect(r).toMatchObject({ accepted: false, prefix: false, offset: 3, found: '"é"' });
    expect(r.expected).toBe("[0-9]");
    const r2 = referenceMatch(g('root ::= "€" [a-c]'), "€€");
    expect(r2.offset).toBe(3);
    expect(r2.expected).toBe("[a-c]");
    const r3 = referenceMatch(json, "[1,2");
    expect(r3).toMatchObject({ accepted: false, prefix: true, offset: 4 });
    expect(r3.expected).toBe('",", "]" or [0-9]');
    // A literal shows whole from where the text stands in it.
    const lits = g('root ::= "true" | "null" | [0-9]+');
    expect(referenceMatch(lits, "").expected).toBe('"null", "true" or [0-9]');
    expect(referenceMatch(lits, "tx")).toMatchObject({ offset: 1, expected: '"rue"', found: '"x"' });
    const r4 = referenceMatch(g('root ::= "a" "b"?'), "a");
    expect(r4).toMatchObject({ accepted: true, offset: 1 });
    expect(r4.expected).toBe('"b" or the end of the text');
  });

  it("handles byte input with partial characters and invalid UTF-8", () => {
    const gr = g('root ::= "x" [é€]');
    expect(referencePrefixOkBytes(gr, new Uint8Array([0x78, 0xc3]))).toBe(true); // é = C3 A9
    expect(referencePrefixOkBytes(gr, new Uint8Array([0x78, 0xe2, 0x82]))).toBe(true); // € = E2 82 AC
    expect(referencePrefixOkBytes(gr, new Uint8Array([0x78, 0xe2, 0x81]))).toBe(false);
    expect(referencePrefixOkBytes(gr, new Uint8Array([0x78, 0xf0]))).toBe(false);
    const anyG = g("root ::= .*");
    expect(referencePrefixOkBytes(anyG, new Uint8Array([0xed, 0xa0]))).toBe(false); // a surrogate
    expect(referencePrefixOkBytes(anyG, new Uint8Array([0xed, 0x9f]))).toBe(true); // U+D7C0..U+D7FF
    expect(referencePrefixOkBytes(anyG, new Uint8Array([0xe0, 0x80]))).toBe(false); // overlong
    expect(referencePrefixOkBytes(anyG, new Uint8Array([0xf4, 0x90]))).toBe(false); // above U+10FFFF
    expect(referencePrefixOkBytes(anyG, new Uint8Array([0xc1]))).toBe(false);
    const bad = referenceMatchBytes(anyG, new Uint8Array([0x61, 0x62, 0xff, 0x63]));
    expect(bad).toMatchObject({ accepted: false, prefix: false, offset: 2 });
    expect(referenceMatchBytes(anyG, new Uint8Array([0x61, 0xe2, 0x82])).accepted).toBe(false);
  });

  it("never accepts a lone surrogate in a JS string", () => {
    expect(referenceMatch(g("root ::= .*"), "a\ud800").accepted).toBe(false);
    expect(referenceMatch(g("root ::= [^a]*"), "\udc00").offset).toBe(0);
  });

  it("accepts nothing when the root's language is empty", () => {
    const empty = grammar([["root", seq(literal("a"), ref("root"))]]);
    expect(referenceMatch(empty, "")).toMatchObject({ accepted: false, prefix: false, expected: "" });
    expect(referencePrefixOk(empty, "aaa")).toBe(false);
  });

  it("runs regex nodes through @formwork/regex, agreeing with RegExp", () => {
    const patterns: [string, string][] = [
      ["[a-z]+", ""],
      ["(ab|c)*d?", ""],
      ["[é€😀]{1,3}", "u"],
      ["[^a]", "u"],
      ["hello", "i"],
      [".{2}", "su"],
      ["\\d{2,4}-\\w+", ""],
    ];
    const texts = ["", "a", "abc", "ababcd", "d", "é€", "😀😀😀😀", "b", "\n\n", "HeLLo", "12-ab", "12345-x", "é", "ab"];
    for (const [p, flags] of patterns) {
      const gr = grammar([["root", seq(literal("<"), regex(p, flags), literal(">"))]]);
      const re = new RegExp(`^<(?:${p})>$`, flags);
      for (const t of texts) expect(referenceMatch(gr, `<${t}>`).accepted, `/${p}/${flags} on ${JSON.stringify(t)}`).toBe(re.test(`<${t}>`));
    }
  });

  it("passes on @formwork/regex's refusal of a pattern it cannot compile", () => {
    const gr = grammar([["root", star(regex("(a)\\1"))]]);
    expect(() => referenceMatch(gr, "aa")).toThrow(FormworkError);
  });

  it("checks a 10 KB JSON document in well under a second", async () => {
    const { readFileSync } = await import("node:fs");
    const { resolve } = await import("node:path");
    const json = parseGbnf(readFileSync(resolve(import.meta.dirname, "../../../grammars/json.gbnf"), "utf8"));
    const doc = JSON.stringify(Array.from({ length: 180 }, (_, i) => ({ id: i, name: `item ${i} é😀`, tags: ["a", "b"], ok: i % 2 === 0, score: -i * 1.5e-3 })));
    expect(doc.length).toBeGreaterThan(10_000);
    const r = referenceMatch(json, doc);
    expect(r.accepted).toBe(true);
  });
});
