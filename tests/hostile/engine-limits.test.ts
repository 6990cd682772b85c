// The grammar engine's limits (issue 17): maxNfaStates, maxDfaStates, maxStackDepth, maxConfigurations are set
// by the same `limits` object as the other limits, from the library (checkText, textCompiler, loadModel,
// generate) and from the command line (--limit NAME=N); each message names the option and the flag.
import { afterAll, describe, expect, it } from "vitest";
import { LIMIT_NAMES, LimitError } from "@formwork/core";
import { checkText, GrammarCompiler, parseGbnf, textCompiler } from "@formwork/grammar";
import { generate, loadModel } from "@formwork/llama";
import { cliError, formwork, scratch } from "./cli.js";
import { expectError, expectValue, outcome } from "./outcome.js";

const files = scratch("formwork-engine-limits-");
afterAll(() => files.done());

const nest = `root ::= v\nv ::= "[" v "]" | "0"\n`;
const deep = `${"[".repeat(1_500)}0${"]".repeat(1_500)}`;
/** A 3,000-byte literal: about 3,000 NFA states. */
const long = `root ::= "${"a".repeat(3_000)}"\n`;
/** 40 chained classes: one DFA state per position. */
const chain = `root ::= [a-z]{0,40}\n`;
/** After each "(" the closing bracket is open: one more configuration per level. */
const ambiguous = `root ::= v\nv ::= "(" v ")" | "(" v "]" | "x"\n`;

/** The raise instructions every engine limit error carries. */
function expectRaisable(e: unknown, name: string): void {
  expect(e).toBeInstanceOf(LimitError);
  expect((e as LimitError).limit).toBe(name);
  expect((e as LimitError).message).toContain(`limits: { ${name}: N }`);
  expect((e as LimitError).message).toContain(`GrammarCompiler option ${name}`);
  expect((e as LimitError).message).toContain(`--limit ${name}=N`);
}

describe("engine limits from the library", () => {
  it("the engine's limits are limit names (--limit takes them)", () => {
    expect(LIMIT_NAMES).toEqual(expect.arrayContaining(["maxNfaStates", "maxDfaStates", "maxStackDepth", "maxConfigurations"]));
  });

  it("maxStackDepth: past the default a valid text is max-stack-depth; raised, it is accepted", async () => {
    const g = parseGbnf(nest);
    expectRaisable(expectError(await outcome(() => checkText(g, deep)), "max-stack-depth"), "maxStackDepth");
    expect(checkText(g, deep, { limits: { maxStackDepth: 2_000 } })).toEqual({ accepted: true });
    expect(checkText(g, deep, { limits: { maxStackDepth: Infinity } })).toEqual({ accepted: true });
  });

  it("maxNfaStates, maxDfaStates, maxConfigurations: lowered they refuse, each naming how to raise it", async () => {
    const cases: [string, string, string, string][] = [
      [long, "a".repeat(3_000), "maxNfaStates", "max-nfa-states"],
      [chain, "abcdefghij", "maxDfaStates", "max-dfa-states"],
      [ambiguous, "((x)]", "maxConfigurations", "max-configurations"],
    ];
    for (const [gbnf, text, name, code] of cases) {
      const g = parseGbnf(gbnf);
      expect(checkText(g, text), name).toEqual({ accepted: true });
      expectRaisable(expectError(await outcome(() => checkText(g, text, { limits: { [name]: 1 } })), code), name);
    }
  });

  it("textCompiler(limits) and GrammarCompiler.withLimits: the same compiler when nothing changes, one per set otherwise", () => {
    const base = textCompiler();
    expect(textCompiler({})).toBe(base);
    expect(textCompiler({ maxThreads: 3, maxDepth: 10 })).toBe(base); // not engine limits (maxDepth only ever raises the engine's)
    const raised = textCompiler({ maxStackDepth: 5_000 });
    expect(raised).not.toBe(base);
    expect(raised.options.maxStackDepth).toBe(5_000);
    expect(raised.trie).toBe(base.trie);
    expect(textCompiler({ maxStackDepth: 5_000 })).toBe(raised);
    expect(textCompiler({ maxDepth: 5_000 }).options.maxDepth).toBe(5_000);
    expect(() => textCompiler({ maxStackDepth: -1 })).toThrow(expect.objectContaining({ code: "bad-limit" }));
    expect(new GrammarCompiler(base.vocabulary, { maxStackDepth: 7 }).withLimits({ maxNfaStates: 9 }).options).toMatchObject({ maxStackDepth: 7, maxNfaStates: 9 });
  });

  it("loadModel({ limits }) sets the model's compiler; generate({ limits }) sets one call's", async () => {
    const loaded = await loadModel({ threads: 1, limits: { maxNfaStates: 500 } });
    try {
      expect(loaded.compiler.options.maxNfaStates).toBe(500);
      const grammar = `root ::= "${"b".repeat(1_000)}"`;
      expectRaisable(expectError(await outcome(() => generate({ model: loaded, prompt: "x", grammar, maxTokens: 4 })), "max-nfa-states"), "maxNfaStates");
      const r = expectValue(await outcome(() => generate({ model: loaded, prompt: "x", grammar: 'root ::= "ok"', limits: { maxNfaStates: 10_000 }, maxTokens: 4 })));
      expect(r.text).toBe("ok");
      expectError(await outcome(() => generate({ model: loaded, prompt: "x", grammar, limits: { maxNfaStates: 600 }, maxTokens: 4 })), "max-nfa-states");
    } finally {
      await loaded.dispose();
    }
  });
});

describe("engine limits from the command line", () => {
  it("check --limit maxStackDepth=N raises the stack; without it the message names the flag", () => {
    const g = files.file("nest.gbnf", nest);
    const refused = formwork(["check", "--grammar", g, "--text", deep]);
    expect(refused.code).toBe(2);
    expect(cliError(refused, "max-stack-depth")).toContain("--limit maxStackDepth=N");
    const raised = formwork(["check", "--grammar", g, "--text", deep, "--limit", "maxStackDepth=2000"]);
    expect({ code: raised.code, out: raised.out }).toEqual({ code: 0, out: '{"accepted":true}\n' });
  });

  it("check --limit maxNfaStates / maxDfaStates / maxConfigurations reach the engine", () => {
    const cases: [string, string, string, string][] = [
      [long, "a".repeat(3_000), "maxNfaStates", "max-nfa-states"],
      [chain, "abcdefghij", "maxDfaStates", "max-dfa-states"],
      [ambiguous, "((x)]", "maxConfigurations", "max-configurations"],
    ];
    for (const [gbnf, text, name, code] of cases) {
      const g = files.file(`${name}.gbnf`, gbnf);
      const r = formwork(["check", "--grammar", g, "--text", text, "--limit", `${name}=1`]);
      expect(r.code, name).toBe(2);
      expect(cliError(r, code)).toContain(`--limit ${name}=N`);
      expect(formwork(["check", "--grammar", g, "--text", text, "--limit", `${name}=Infinity`]).code, name).toBe(0);
    }
  });

  it("an unknown engine limit name is bad-limit with the nearest", () => {
    const r = formwork(["check", "--regex", "a", "--text", "a", "--limit", "maxStackDept=5"]);
    expect(cliError(r, "bad-limit")).toContain("did you mean maxStackDepth?");
  });
});
