import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CompileError, UnsupportedError } from "@formwork/core";
import { parseGbnf, parseGbnfWithWarnings, type Node } from "@formwork/grammar";

/** A compact S-expression of a node, for readable expectations. */
function sx(n: Node): string {
  switch (n.type) {
    case "literal":
      return JSON.stringify(n.value);
    case "class": {
      const parts: string[] = [];
      for (let i = 0; i < n.ranges.length; i += 2) parts.push(n.ranges[i] === n.ranges[i + 1] ? hex(n.ranges[i]) : `${hex(n.ranges[i])}-${hex(n.ranges[i + 1])}`);
      return `[${n.negated ? "^" : ""}${parts.join(" ")}]`;
    }
    case "any":
      return ".";
    case "ref":
      return n.name;
    case "seq":
      return `(seq${n.items.map((i) => ` ${sx(i)}`).join("")})`;
    case "alt":
      return `(alt${n.items.map((i) => ` ${sx(i)}`).join("")})`;
    case "repeat":
      return `(rep ${n.min} ${n.max === Infinity ? "inf" : n.max} ${sx(n.item)})`;
    case "regex":
      return `/${n.pattern}/`;
    case "lexeme":
      return `(lexeme ${sx(n.item)})`;
  }
}
const hex = (c: number) => c.toString(16);
const body = (text: string, rule = "root") => sx(parseGbnf(text).rules.get(rule)!);

// [GBNF text, S-expression of the root rule]
const CONSTRUCTS: [string, string][] = [
  ['root ::= "abc"', '"abc"'],
  ['root ::= ""', '""'],
  ['root ::= "a" "b"', '(seq "a" "b")'],
  ['root ::= "a" | "b" | ', '(alt "a" "b" (seq))'],
  ['root ::= x\nx ::= "1"', "x"],
  ['root ::= ( "a" | "b" ) "c"', '(seq (alt "a" "b") "c")'],
  ['root ::= ("a")', '"a"'],
  ['root ::= ()', "(seq)"],
  ['root ::= .', "."],
  ['root ::= [a-z0-9_]', "[30-39 5f 61-7a]"],
  ['root ::= [^"\\\\]', "[^22 5c]"],
  ['root ::= [-a]', "[2d 61]"],
  ['root ::= [a-]', "[2d 61]"],
  ['root ::= [a\\-z]', "[2d 61 7a]"],
  ['root ::= [\\]\\[]', "[5b 5d]"],
  ['root ::= "a" | []', '(alt "a" [])'],
  ['root ::= [^]', "[^]"],
  ['root ::= [\\x00-\\x1F\\u00e9\\U0001F600]', "[0-1f e9 1f600]"],
  ['root ::= [\\uD000-\\uE000]', "[d000-d7ff e000]"],
  ['root ::= "\\t\\n\\r\\\\\\"\\[\\]\\-"', JSON.stringify('\t\n\r\\"[]-')],
  ['root ::= "\\x41\\u00E9\\U0001F600"', JSON.stringify("Aé😀")],
  ['root ::= "é😀"', JSON.stringify("é😀")],
  ['root ::= "a\nb"', JSON.stringify("a\nb")],
  ['root ::= "a"*', '(rep 0 inf "a")'],
  ['root ::= "ab"+', '(rep 1 inf "ab")'],
  ['root ::= [a]?', "(rep 0 1 [61])"],
  ['root ::= "a"{3}', '(rep 3 3 "a")'],
  ['root ::= "a"{3,}', '(rep 3 inf "a")'],
  ['root ::= "a"{2,5}', '(rep 2 5 "a")'],
  ['root ::= "a"{ 2 , 5 }', '(rep 2 5 "a")'],
  ['root ::= "a"{0}', '(rep 0 0 "a")'],
  ['root ::= "a"*?', '(rep 0 1 (rep 0 inf "a"))'],
  ['root ::= ("a" "b")+ "c"', '(seq (rep 1 inf (seq "a" "b")) "c")'],
  ['root ::= a-b-1\na-b-1 ::= "x"', "a-b-1"],
  ['root ::= 9lives\n9lives ::= "x"', "9lives"],
  // Comments and spacing.
  ['# a comment\nroot ::= "a" # trailing\n# last', '"a"'],
  ['\n\n  root   ::=   "a"  \n\n', '"a"'],
  ['root ::= "a" \t "b"', '(seq "a" "b")'],
  // Newlines: after ::=, after |, and anywhere inside parentheses.
  ['root ::=\n  "a"', '"a"'],
  ['root ::= "a" |\n  "b"', '(alt "a" "b")'],
  ['root ::= (\n  "a"\n  | "b"\n)\n', '(alt "a" "b")'],
  ['root ::= ( "a" # comment\n "b" )', '(seq "a" "b")'],
  ['root ::= "a"\r\nx ::= "b"', '"a"'],
  ['root ::= "a"\rx ::= "b"', '"a"'],
];

describe("parseGbnf: constructs", () => {
  it.each(CONSTRUCTS)("%j", (text, want) => {
    expect(body(text)).toBe(want);
  });

  it("parses a multi-rule grammar, keeping definition order, spans and the source", () => {
    const text = 'root ::= greeting " " name\ngreeting ::= "hi" | "hello"\nname ::= [A-Z] [a-z]*\n';
    const g = parseGbnf(text);
    expect([...g.rules.keys()]).toEqual(["root", "greeting", "name"]);
    expect(g.root).toBe("root");
    expect(g.source).toBe(text);
    const span = g.ruleSpans!.get("greeting")!;
    expect(text.slice(span.start, span.end)).toBe('greeting ::= "hi" | "hello"');
    const ref = g.rules.get("root")!;
    expect(ref.type).toBe("seq");
    if (ref.type === "seq") expect(text.slice(ref.items[2].span!.start, ref.items[2].span!.end)).toBe("name");
  });

  it("takes another root rule when asked", () => {
    const g = parseGbnf('a ::= "x" b\nb ::= "y"', { root: "a" });
    expect(g.root).toBe("a");
  });

  it("warns about unused rules without failing", () => {
    const { grammar, warnings } = parseGbnfWithWarnings('root ::= "a"\nspare ::= "b"\n');
    expect(grammar.rules.size).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: "gbnf-unused-rule", rule: "spare" });
  });

  it("accepts left recursion (the reference recognizer supports it; the engine decides for itself)", () => {
    expect(body('root ::= root "a" | "b"')).toBe('(alt (seq root "a") "b")');
  });
});

// [GBNF text, error code, line, column, message fragment]
const ERRORS: [string, string, number, number, string][] = [
  ['root ::= "a"\n | "b"', "gbnf-syntax", 2, 2, "'|' cannot start a line"],
  ['root ::= * "a"', "gbnf-syntax", 1, 10, "must follow the item it repeats"],
  ['root ::= "a" {,3}', "gbnf-syntax", 1, 15, "{0,n}"],
  ['root ::= "a" {x}', "gbnf-syntax", 1, 15, "expected an integer"],
  ['root ::= "a" {2', "gbnf-syntax", 1, 16, "expected"],
  ['root ::= "a" {2,3', "gbnf-syntax", 1, 18, "expected"],
  ['root ::= "a" {3,2}', "gbnf-bad-repetition", 1, 14, "maximum below its minimum"],
  ['root ::= "a"{99999999999999999999}', "gbnf-bad-repetition", 1, 14, "too large"],
  ['root ::= foo', "gbnf-undefined-rule", 1, 10, 'the rule "foo"'],
  ['root ::= "a"\nx ::= root Foo', "gbnf-undefined-rule", 2, 12, '"Foo"'],
  ['root ::= "\\q"', "gbnf-bad-escape", 1, 11, "unknown escape"],
  ['root ::= "\\x4"', "gbnf-bad-escape", 1, 11, "exactly 2 hexadecimal digits"],
  ['root ::= "\\u12G4"', "gbnf-bad-escape", 1, 11, "exactly 4"],
  ['root ::= "\\U00110000"', "gbnf-bad-escape", 1, 11, "not a Unicode scalar value"],
  ['root ::= "\\uD800"', "gbnf-bad-escape", 1, 11, "not a Unicode scalar value"],
  ['root ::= [\\uDC00]', "gbnf-bad-escape", 1, 11, "surrogate"],
  ['root ::= [z-a]', "gbnf-bad-class-range", 1, 11, "reversed"],
  ['root ::= "abc', "gbnf-unterminated-literal", 1, 10, "never closed"],
  ['root ::= [abc', "gbnf-unterminated-class", 1, 10, "never closed"],
  ['root ::= ("a"', "gbnf-syntax", 1, 14, "expected ')'"],
  ['root ::= "a")', "gbnf-syntax", 1, 13, "')'"],
  ['root ::= a_b', "gbnf-syntax", 1, 11, "cannot contain '_'"],
  ["root ::= 'a'", "gbnf-syntax", 1, 10, "double quotes"],
  ['root = "a"', "gbnf-syntax", 1, 6, "unexpected character '='"],
  ['root "a"', "gbnf-syntax", 1, 6, "expected '::='"],
  ['::= "a"', "gbnf-syntax", 1, 1, "expected a new rule"],
  ['root ::= "a" b ::= "c"\nb ::= "d"', "gbnf-syntax", 1, 16, "own line"],
  ['root ::= "a"\nroot ::= "b"', "gbnf-duplicate-rule", 2, 1, "defined twice"],
  ['root ::= <[12]>', "gbnf-token-reference", 1, 10, "not supported"],
  ['root ::= !<think>', "gbnf-token-reference", 1, 10, "not supported"],
  ['x ::= "a"', "gbnf-no-root", 1, 1, 'no rule named "root"'],
  ["", "gbnf-no-root", 1, 1, "The grammar is empty"],
  ["# only a comment\n", "gbnf-no-root", 1, 1, "no rule"],
  ['root ::= "x" root', "gbnf-empty-language", 1, 1, "can never finish"],
  ['root ::= "a" | a\na ::= "x" a', "gbnf-rule-never-finishes", 2, 1, 'the rule "a" can never finish'],
  ['root ::= [] "a"', "gbnf-empty-language", 1, 1, "can never finish"],
  ['root ::= (\n"a"\n', "gbnf-syntax", 3, 1, "expected ')'"],
];

describe("parseGbnf: errors name the line and column", () => {
  it.each(ERRORS)("%j → %s at %i:%i", (text, code, line, column, fragment) => {
    let caught: unknown;
    try {
      parseGbnf(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CompileError);
    const err = caught as CompileError;
    expect(err.code).toBe(code);
    expect(err.location).toMatchObject({ kind: "span", line, column });
    expect(err.message).toContain(fragment);
    expect(err.message).toContain(`line ${line}, column ${column}`);
    // The caret excerpt points at the column.
    const lines = err.message.split("\n");
    expect(lines[lines.length - 1]).toBe(`${" ".repeat(column - 1)}^`);
  });

  it("uses UnsupportedError for token references", () => {
    expect(() => parseGbnf("root ::= <[1]>")).toThrow(UnsupportedError);
  });
});

describe("parseGbnf: robustness", () => {
  it("either parses or throws a located CompileError on any text made of GBNF's characters", () => {
    const pieces = ["root", " ::= ", "::=", "a", "b-c", "9", '"', '"x"', "[", "]", "[a-z]", "[^", "\\", "\\x4", "\\u00e9", "(", ")", "|", "*", "+", "?", "{", "}", "{2,3}", ",", ".", "#c", "\n", "\r\n", " ", "\t", "é", "<[1]>", "_", "'"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 25 }), (parts) => {
        const text = parts.join("");
        try {
          const g = parseGbnf(text);
          expect(g.rules.has("root")).toBe(true);
        } catch (e) {
          if (!(e instanceof CompileError)) throw e;
          const loc = e.location;
          if (loc?.kind !== "span" || loc.line === undefined || loc.column === undefined) throw new Error(`no line/column for ${JSON.stringify(text)}: ${e.message}`);
          expect(e.code).toMatch(/^gbnf-[a-z-]+$/);
        }
      }),
      { seed: 1234, numRuns: 3000 },
    );
  });

  it("parses sensible random grammars built from the same pieces with prefix 'root ::= '", () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom('"x"', "[a-z]", ".", "(", ")", "|", "*", "+", "?", "{2,3}", " "), { maxLength: 12 }), (parts) => {
        try {
          parseGbnf(`root ::= ${parts.join("")}`);
          parsed++;
        } catch (e) {
          if (!(e instanceof CompileError)) throw e;
        }
      }),
      { seed: 99, numRuns: 1000 },
    );
    expect(parsed).toBeGreaterThan(100);
  });
});

describe("chevrotain runtime", () => {
  it("comes from chevrotain's one-file bundle, not its per-file entry (which loads lodash-es module by module: ~1 s of start-up)", async () => {
    const { bundleSpecifier } = await import("../src/gbnf/chevrotain.js");
    expect(bundleSpecifier()).toMatch(/^file:\/\/.*\/chevrotain\/lib\/chevrotain\.mjs$/);
  });
});
