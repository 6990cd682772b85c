import { describe, expect, it } from "vitest";
import { CompileError } from "@formwork/core";
import { analyzeGrammar, findLeftRecursion, grammar, literal, parseGbnf, ref, seq, type Grammar, type Node } from "@formwork/grammar";
import { nullableRules, productiveRules, reachableRules } from "@formwork/grammar/internal";

/** Builds a grammar from GBNF text without parseGbnf's checks (analysis is what is under test). */
function raw(text: string): Grammar {
  try {
    return parseGbnf(text);
  } catch (e) {
    throw new Error(`test grammar does not parse: ${(e as Error).message}`);
  }
}

describe("findLeftRecursion", () => {
  const cases: [string, string[][]][] = [
    ['root ::= "a" root | "b"', []],
    ['root ::= root "a" | "b"', [["root"]]],
    ['root ::= x "c" | "d"\nx ::= root "e"', [["root", "x"]]],
    ['root ::= e root "a" | "b"\ne ::= "" | "z"', [["root"]]],
    ['root ::= "z"? root "a" | "b"', [["root"]]],
    ['root ::= ( root "a" )* "b"', [["root"]]],
    ['root ::= ( root "a" ){0} "b"', []],
    ['root ::= x | y\nx ::= y "1" | "x"\ny ::= x "2" | "y"', [["x", "y"]]],
    ['root ::= a\na ::= a "1" | "a"\nb ::= b "2" | "b" | a', [["a"], ["b"]]],
  ];
  it.each(cases)("%j", (text, want) => {
    const got = findLeftRecursion(raw(text)).map((g) => [...g].sort());
    expect(got.sort()).toEqual(want.map((g) => [...g].sort()).sort());
  });
});

describe("analyzeGrammar", () => {
  it("computes nullable, productive and reachable rules", () => {
    const g = grammar([
      ["root", seq(ref("a"), ref("b"))],
      ["a", literal("")],
      ["b", seq(literal("x"), ref("b"))],
      ["c", ref("a")],
    ]);
    expect([...nullableRules(g)].sort()).toEqual(["a", "c"]);
    expect([...productiveRules(g)].sort()).toEqual(["a", "c"]);
    expect([...reachableRules(g)].sort()).toEqual(["a", "b", "root"]);
    const a = analyzeGrammar(g);
    expect(a.errors.map((e) => e.code)).toEqual(["grammar-empty-language", "grammar-rule-never-finishes"]);
    expect(a.errors[1].message).toContain('"b"');
    expect(a.warnings.map((w) => [w.code, w.rule])).toEqual([["grammar-unused-rule", "c"]]);
  });

  it("reports undefined rules and a missing root for IR without source text", () => {
    const g = grammar([["start", ref("nowhere")]], "main");
    const a = analyzeGrammar(g);
    expect(a.errors.map((e) => e.code)).toEqual(["grammar-no-root", "grammar-undefined-rule"]);
    expect(a.errors.every((e) => e instanceof CompileError)).toBe(true);
    expect(a.errors[1].message).toContain('"nowhere"');
  });

  it("reports bad repetition bounds built outside the builders", () => {
    const bad: Node = { type: "repeat", item: literal("a"), min: 3, max: 2 };
    const frac: Node = { type: "repeat", item: literal("a"), min: 0.5, max: 2 };
    const a = analyzeGrammar(grammar([["root", seq(bad, frac)]]), { codePrefix: "schema" });
    expect(a.errors.map((e) => e.code)).toEqual(["schema-bad-repetition", "schema-bad-repetition"]);
  });

  it("finds nothing wrong in a sound grammar and reports its left recursion", () => {
    const a = analyzeGrammar(raw('root ::= root "+" n | n\nn ::= [0-9]+'));
    expect(a.errors).toEqual([]);
    expect(a.warnings).toEqual([]);
    expect(a.leftRecursion).toEqual([["root"]]);
  });

  it("treats a regex node as nullable exactly when its pattern matches the empty string", () => {
    const g = grammar([
      ["root", { type: "regex", pattern: "a*", flags: "" }],
      ["x", { type: "regex", pattern: "a+", flags: "" }],
    ]);
    expect([...nullableRules(g)]).toEqual(["root"]);
  });
});

describe("nullableRules and productiveRules on long chains", () => {
  // r0 ends, e0 is empty; each r(i) needs r(i-1), each e(i) e(i-1); "dead" needs itself. Listed callees
  // first, a sweep from the last rule settles one rule at a time (past the sweeps, the worklist
  // finishes); listed callers first, one sweep settles them all.
  const chain = (n: number, calleesFirst: boolean): Grammar => {
    const rules: [string, Node][] = [["r0", literal("x")], ["e0", literal("")]];
    for (let i = 1; i < n; i++) rules.push([`r${i}`, seq(literal("x"), ref(`r${i - 1}`))], [`e${i}`, seq(ref(`e${i - 1}`), literal(""))]);
    rules.push(["dead", seq(literal("x"), ref("dead"))]);
    return grammar(calleesFirst ? rules : rules.reverse(), `r${n - 1}`);
  };
  it.each([true, false])("finds every productive and every nullable rule of 40-rule chains (callees first: %s)", (calleesFirst) => {
    const g = chain(40, calleesFirst);
    const names = [...g.rules.keys()];
    expect([...productiveRules(g)].sort()).toEqual(names.filter((r) => r !== "dead").sort());
    expect([...nullableRules(g)].sort()).toEqual(names.filter((r) => r.startsWith("e")).sort());
  });
});

describe("findLeftRecursion on deep grammars", () => {
  it("handles a 50,000-rule left-recursive chain without overflowing the call stack", () => {
    const n = 50_000;
    const rules: [string, Node][] = [];
    for (let i = 0; i < n; i++) rules.push([`r${i}`, ref(`r${(i + 1) % n}`)]);
    const groups = findLeftRecursion(grammar(rules, "r0"));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toHaveLength(n);
    expect(groups[0][0]).toBe("r0");
  });
});
