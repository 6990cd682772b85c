// The regex compiler's limits are limits of the one `limits` object (issue 17 item 2): maxRegexDfaStates,
// maxRegexNfaStates and maxRepetition, reachable from `--limit NAME=N` and from every entry point that
// compiles a user's pattern (`--regex`, a schema's `pattern` in the compiler and in the validator, a
// grammar's regex nodes). For each: the default refuses with the code and the limit's name, a raised limit
// makes the same input give a real result (checked), a lowered one refuses a small input. The caches keyed
// by pattern (the engine's regex DFAs, the validator's matchers, the schema compiler's pattern ASTs, the
// analyses' regex facts) must not hand a result compiled under other limits to a later call.
import { afterAll, describe, expect, it } from "vitest";
import { LimitError, UnsupportedError, type Limits } from "@formwork/core";
import { compileMatcher, compileRegex, matchesText } from "@formwork/regex";
import { checkText, regex as regexNode, grammar as makeGrammar, textCompiler, printGbnf, seq, literal, ref } from "@formwork/grammar";
import { resolveConstraint } from "@formwork/constraint";
import { compileSchema } from "@formwork/json-schema";
import { createValidator } from "@formwork/validate";
import { cliError, formwork, scratch } from "./cli.js";

const files = scratch("formwork-regex-limits-");
afterAll(() => files.done());

/** 21,001 DFA states (a chain), few NFA states per state: past the default maxRegexDfaStates (20,000). */
const DFA_HEAVY = "(?:[a-z]{100}){210}";
/** 60 branches of 5,000 characters: ~300,000 NFA states (past the default 250,000), a 5,001-state DFA. */
const NFA_HEAVY = `(?:${Array.from({ length: 60 }, (_, i) => `a{4999}${String.fromCharCode(98 + (i % 20))}`).join("|")})`;
/** Past the default maxRepetition (10,000), 12,001 DFA states. */
const REP_HEAVY = "a{12000}";

function limitErrorOf(fn: () => unknown): LimitError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LimitError) return e;
    throw e;
  }
  throw new Error("expected a LimitError");
}

function unsupportedOf(fn: () => unknown): UnsupportedError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UnsupportedError && e.code === "unsupported-keyword") return e;
    throw e;
  }
  throw new Error("expected an UnsupportedError");
}

/** The error's code, limit and value, and advice naming `--limit NAME=N` and `limits: { NAME: N }`. */
function expectLimit(e: LimitError, code: string, name: keyof Limits, value: number): void {
  expect(e.code).toBe(code);
  expect(e.limit).toBe(name);
  expect(e.limitValue).toBe(value);
  expect(e.hint).toContain(`limits: { ${name}: N }`);
  expect(e.hint).toContain(`--limit ${name}=N`);
}

describe("the library: default, raised, lowered", () => {
  it("maxRegexDfaStates through compileRegex", () => {
    expectLimit(limitErrorOf(() => compileRegex(DFA_HEAVY)), "regex-dfa-limit", "maxRegexDfaStates", 20_000);
    const dfa = compileRegex(DFA_HEAVY, { limits: { maxRegexDfaStates: 30_000 } });
    expect(dfa.stateCount).toBe(21_001);
    expect(matchesText(dfa, "k".repeat(21_000))).toBe(true);
    expect(matchesText(dfa, "k".repeat(20_999))).toBe(false);
    expectLimit(limitErrorOf(() => compileRegex("[a-z]{10}", { limits: { maxRegexDfaStates: 5 } })), "regex-dfa-limit", "maxRegexDfaStates", 5);
  });
  it("maxRegexNfaStates through compileRegex and compileMatcher", () => {
    expectLimit(limitErrorOf(() => compileRegex(NFA_HEAVY)), "regex-nfa-limit", "maxRegexNfaStates", 250_000);
    // Anchored: in search mode an unanchored counted repetition keeps a copy alive per start offset.
    expectLimit(limitErrorOf(() => compileMatcher(`^${NFA_HEAVY}$`, { mode: "search" })), "regex-nfa-limit", "maxRegexNfaStates", 250_000);
    const dfa = compileRegex(NFA_HEAVY, { limits: { maxRegexNfaStates: 400_000 } });
    expect(matchesText(dfa, `${"a".repeat(4999)}c`)).toBe(true);
    expect(matchesText(dfa, `${"a".repeat(4998)}c`)).toBe(false);
    const m = compileMatcher(`^${NFA_HEAVY}$`, { mode: "search", limits: { maxRegexNfaStates: 400_000 } });
    expect(m.test(`${"a".repeat(4999)}d`)).toBe(true);
    expect(m.test(`${"a".repeat(4998)}d`)).toBe(false);
    expect(m.test(`x${"a".repeat(4999)}d`)).toBe(false);
    expectLimit(limitErrorOf(() => compileMatcher("abcdefghijklmnop", { limits: { maxRegexNfaStates: 8 } })), "regex-nfa-limit", "maxRegexNfaStates", 8);
  });
  it("maxRepetition through compileRegex", () => {
    expectLimit(limitErrorOf(() => compileRegex(REP_HEAVY)), "regex-repetition-limit", "maxRepetition", 10_000);
    const dfa = compileRegex(REP_HEAVY, { limits: { maxRepetition: 12_000 } });
    expect(matchesText(dfa, "a".repeat(12_000))).toBe(true);
    expect(matchesText(dfa, "a".repeat(11_999))).toBe(false);
    expectLimit(limitErrorOf(() => compileRegex("a{5}", { limits: { maxRepetition: 4 } })), "regex-repetition-limit", "maxRepetition", 4);
  });
  it("resolveConstraint({ regex, limits }) and checkText with textCompiler(limits): the engine compiles the regex node under the same limits", () => {
    expectLimit(limitErrorOf(() => resolveConstraint({ regex: REP_HEAVY })), "regex-repetition-limit", "maxRepetition", 10_000);
    const limits = { maxRepetition: 12_000 };
    const c = resolveConstraint({ regex: REP_HEAVY, limits })!;
    const compiled = textCompiler(limits).compile(c.grammar);
    expect(checkText(compiled, "a".repeat(12_000)).accepted).toBe(true);
    expect(checkText(compiled, "a".repeat(12_001)).accepted).toBe(false);
    // Lowered: a small regex node refuses, in the engine as in resolveConstraint.
    const small = makeGrammar([["root", regexNode("a{5}", "")]]);
    expectLimit(limitErrorOf(() => textCompiler({ maxRepetition: 4 }).compile(small)), "regex-repetition-limit", "maxRepetition", 4);
    expectLimit(limitErrorOf(() => resolveConstraint({ regex: "a{5}", limits: { maxRepetition: 4 } })), "regex-repetition-limit", "maxRepetition", 4);
  });
  it("printGbnf takes the regex limits for a grammar's regex nodes", () => {
    const g = makeGrammar([["root", seq(literal("x"), ref("r"))], ["r", regexNode("b{10001}", "")]]);
    expectLimit(limitErrorOf(() => printGbnf(g)), "regex-repetition-limit", "maxRepetition", 10_000);
    expect(printGbnf(g, { limits: { maxRepetition: 10_001 } })).toContain("root ::=");
  });
  it("a schema pattern, in the compiler and in the validator", () => {
    const schema = { type: "string", pattern: `^${REP_HEAVY}$` };
    const e = limitErrorOf(() => compileSchema(schema));
    expectLimit(e, "regex-repetition-limit", "maxRepetition", 10_000);
    expect(e.location).toMatchObject({ kind: "pointer", pointer: "/pattern" });
    expectLimit(limitErrorOf(() => createValidator(schema)), "regex-repetition-limit", "maxRepetition", 10_000);
    const limits = { maxRepetition: 12_000 };
    const compiled = textCompiler(limits).compile(compileSchema(schema, { limits }).grammar);
    expect(checkText(compiled, `"${"a".repeat(12_000)}"`).accepted).toBe(true);
    expect(checkText(compiled, `"${"a".repeat(11_999)}"`).accepted).toBe(false);
    const v = createValidator(schema, { limits });
    expect(v("a".repeat(12_000)).valid).toBe(true);
    expect(v("a".repeat(12_001)).valid).toBe(false);
    // Lowered.
    expectLimit(limitErrorOf(() => compileSchema({ type: "string", pattern: "a{5}" }, { limits: { maxRepetition: 4 } })), "regex-repetition-limit", "maxRepetition", 4);
    expectLimit(limitErrorOf(() => createValidator({ type: "string", pattern: "a{5}" }, { limits: { maxRepetition: 4 } })), "regex-repetition-limit", "maxRepetition", 4);
  });
  it("a schema's string product (two patterns) is bounded by maxRegexDfaStates (default 4,000 for the schema compiler): unsupported-keyword advising the limit", () => {
    const schema = { type: "string", pattern: "^[a-z]{4500}$", allOf: [{ pattern: "^m" }] }; // 4,502 states
    const e = unsupportedOf(() => compileSchema(schema));
    expect(e.message).toContain("past the limit maxRegexDfaStates = 4000");
    expect(e.hint).toContain("limits: { maxRegexDfaStates: N } (CLI: --limit maxRegexDfaStates=N)");
    expect(e.location).toMatchObject({ kind: "pointer" });
    const limits = { maxRegexDfaStates: 5_000 };
    const compiled = textCompiler(limits).compile(compileSchema(schema, { limits }).grammar);
    expect(checkText(compiled, `"m${"z".repeat(4499)}"`).accepted).toBe(true);
    expect(checkText(compiled, `"z${"z".repeat(4499)}"`).accepted).toBe(false); // not ^m
    expect(checkText(compiled, `"m${"z".repeat(4498)}"`).accepted).toBe(false);
    expect(unsupportedOf(() => compileSchema({ type: "string", pattern: "^[a-z]{10}$", allOf: [{ pattern: "^m" }] }, { limits: { maxRegexDfaStates: 5 } })).message).toContain("past the limit maxRegexDfaStates = 5");
    // Under lenient it is approximated with a warning, as before.
    expect(compileSchema(schema, { lenient: true }).warnings.some((w) => w.code === "unsupported-keyword")).toBe(true);
  });
});

describe("no stale result from a cache keyed by pattern after the limits change (same process)", () => {
  it("the engine's regex DFAs and analyses: accepted under a raised limit, refused again under the default, accepted again", () => {
    const g = makeGrammar([["root", regexNode("c{10500}", "")]]);
    const text = "c".repeat(10_500);
    expect(limitErrorOf(() => textCompiler().compile(g)).code).toBe("regex-repetition-limit"); // a refusal first: not cached
    expect(checkText(textCompiler({ maxRepetition: 11_000 }).compile(g), text).accepted).toBe(true);
    expect(limitErrorOf(() => textCompiler().compile(g)).code).toBe("regex-repetition-limit");
    expect(limitErrorOf(() => textCompiler({ maxRepetition: 10_499 }).compile(g)).limitValue).toBe(10_499);
    expect(checkText(textCompiler({ maxRepetition: 10_500 }).compile(g), text).accepted).toBe(true);
  });
  it("the validator's matchers: refused by default, valid under the raised limit, refused again by default", () => {
    const schema = { type: "string", pattern: "^e{10700}$" };
    expect(limitErrorOf(() => createValidator({ ...schema })).code).toBe("regex-repetition-limit");
    expect(createValidator({ ...schema }, { limits: { maxRepetition: 11_000 } })("e".repeat(10_700)).valid).toBe(true);
    expect(limitErrorOf(() => createValidator({ ...schema })).code).toBe("regex-repetition-limit");
    // The same schema object: the validator cache is keyed by the limits too.
    expect(limitErrorOf(() => createValidator(schema)).code).toBe("regex-repetition-limit");
    expect(createValidator(schema, { limits: { maxRepetition: 11_000 } })("e".repeat(10_700)).valid).toBe(true);
    expect(limitErrorOf(() => createValidator(schema)).code).toBe("regex-repetition-limit");
  });
  it("the schema compiler's pattern ASTs and string products", () => {
    const schema = { type: "string", pattern: "^f{10600}$" };
    expect(() => compileSchema(schema, { limits: { maxRepetition: 11_000 } })).not.toThrow();
    expect(limitErrorOf(() => compileSchema(schema)).code).toBe("regex-repetition-limit");
    const product = { type: "string", pattern: "^[a-z]{4500}$", allOf: [{ pattern: "^m" }] };
    expect(() => compileSchema(product, { limits: { maxRegexDfaStates: 5_000 } })).not.toThrow();
    expect(unsupportedOf(() => compileSchema(product)).message).toContain("maxRegexDfaStates = 4000");
  });
});

describe("the command line (built formwork, one process per run)", () => {
  const stateText = "k".repeat(21_000);
  it("maxRegexDfaStates: check --regex refuses by default, --limit maxRegexDfaStates raises it, a low value refuses a small pattern", () => {
    const line = cliError(formwork(["check", "--regex", DFA_HEAVY, "--text", "a"]), "regex-dfa-limit");
    expect(line).toContain("maxRegexDfaStates = 20000");
    expect(line).toContain("--limit maxRegexDfaStates=N");
    expect(formwork(["check", "--regex", DFA_HEAVY, "--text", stateText, "--limit", "maxRegexDfaStates=30000"])).toMatchObject({ code: 0, out: '{"accepted":true}\n' });
    expect(formwork(["check", "--regex", DFA_HEAVY, "--text", stateText.slice(1), "--limit", "maxRegexDfaStates=30000"]).code).toBe(1);
    cliError(formwork(["check", "--regex", "[a-z]{10}", "--text", "a", "--limit", "maxRegexDfaStates=5"]), "regex-dfa-limit");
  });
  it("maxRegexNfaStates: validate with a schema pattern refuses by default, --limit maxRegexNfaStates raises it; check --regex a low value refuses", () => {
    const schema = files.file("nfa.json", JSON.stringify({ type: "string", pattern: `^${NFA_HEAVY}$` }));
    expect(cliError(formwork(["validate", "--schema", schema, "--value", '"x"']), "regex-nfa-limit")).toContain("--limit maxRegexNfaStates=N");
    const ok = formwork(["validate", "--schema", schema, "--value", JSON.stringify(`${"a".repeat(4999)}e`), "--limit", "maxRegexNfaStates=400000"]);
    expect(ok).toMatchObject({ code: 0, out: '{"valid":true}\n' });
    expect(formwork(["validate", "--schema", schema, "--value", JSON.stringify(`${"a".repeat(4998)}e`), "--limit", "maxRegexNfaStates=400000"]).code).toBe(1);
    cliError(formwork(["check", "--regex", "abcdefghijklmnop", "--text", "a", "--limit", "maxRegexNfaStates=8"]), "regex-nfa-limit");
  });
  it("maxRepetition: check --regex and check --schema refuse by default, --limit maxRepetition raises it; a low value refuses a{5}", () => {
    expect(cliError(formwork(["check", "--regex", REP_HEAVY, "--text", "a"]), "regex-repetition-limit")).toContain("maxRepetition = 10000");
    expect(formwork(["check", "--regex", REP_HEAVY, "--text", "a".repeat(12_000), "--limit", "maxRepetition=12000"])).toMatchObject({ code: 0, out: '{"accepted":true}\n' });
    const schema = files.file("rep.json", JSON.stringify({ type: "string", pattern: `^${REP_HEAVY}$` }));
    cliError(formwork(["check", "--schema", schema, "--text", "1"]), "regex-repetition-limit");
    expect(formwork(["check", "--schema", schema, "--text", JSON.stringify("a".repeat(12_000)), "--limit", "maxRepetition=12000"])).toMatchObject({ code: 0, out: '{"accepted":true}\n' });
    cliError(formwork(["check", "--regex", "a{5}", "--text", "aaaaa", "--limit", "maxRepetition=4"]), "regex-repetition-limit");
  });
});
