// Issue 17 item 2: every limit error's advice is true. The regex compiler's maxDfaStates, maxNfaStates
// and maxRepetition are limits (limits.maxRegexDfaStates, maxRegexNfaStates, maxRepetition; `--limit
// NAME=N`), and their errors say so. The regex compiler's maxDepth and the schema compiler's (unrolling)
// maxDepth are library options that `--limit NAME=N` does not reach, so their errors name the library
// option and say the command line cannot raise it, instead of advising a flag that would not help.
// maxAlternatives is a limit: `--limit maxAlternatives=N` (limits.maxAlternatives) raises it. Each: lowered it refuses with its code and that advice; raised through what the advice
// names it compiles (library, resolveConstraint, and on the CLI where a flag exists).
import { describe, expect, it } from "vitest";
import { LimitError } from "@formwork/core";
import { compileRegex, combineLanguages, rx } from "@formwork/regex";
import { compileSchema } from "@formwork/json-schema";
import { resolveConstraint } from "@formwork/constraint";
import { run } from "@formwork/cli";
import { captureCli } from "./capture.js";

const io = captureCli("formwork-limit-advice-");

function limitErrorOf(fn: () => unknown): LimitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LimitError);
    return e as LimitError;
  }
  throw new Error("expected a LimitError");
}

/** The advice of a library-only limit: names the option, says the CLI cannot raise it, never advises --limit. */
function expectLibraryAdvice(e: LimitError, option: string, owner: string): void {
  expect(e.hint).toContain(`option ${option} of ${owner}`);
  expect(e.hint).toMatch(/command line cannot raise it/i);
  expect(e.hint ?? "").not.toMatch(new RegExp(`--limit ${option}=N\\)`));
  expect(`${e.message} ${e.hint}`).not.toMatch(/\(CLI: --limit/);
}

describe("regex compiler limits (limits maxRegexDfaStates, maxRegexNfaStates, maxRepetition; options of compileRegex)", () => {
  const cases: [option: "maxDfaStates" | "maxNfaStates" | "maxRepetition", name: string, pattern: string, low: number, high: number, code: string][] = [
    ["maxDfaStates", "maxRegexDfaStates", "(a|b)*a(a|b){6}", 50, 1000, "regex-dfa-limit"],
    ["maxNfaStates", "maxRegexNfaStates", "(abc){30}", 20, 1000, "regex-nfa-limit"],
    ["maxRepetition", "maxRepetition", "a{300}", 100, 1000, "regex-repetition-limit"],
  ];
  for (const [option, name, pattern, low, high, code] of cases) {
    it(`${name} (option ${option}): lowered to ${low} refuses ${pattern} with ${code} and advice that works; raised to ${high} compiles it`, () => {
      for (const options of [{ [option]: low }, { limits: { [name]: low } }]) {
        const e = limitErrorOf(() => compileRegex(pattern, options));
        expect(e.code).toBe(code);
        expect(e.limit).toBe(name);
        expect(e.limitValue).toBe(low);
        expect(e.message).toContain(`past the limit ${name} = ${low}`);
        expect(e.hint).toContain(`limits: { ${name}: N }`);
        expect(e.hint).toContain(`(CLI: --limit ${name}=N)`);
        expect(e.hint).not.toMatch(/command line cannot raise it/);
      }
      expect(compileRegex(pattern, { [option]: high }).accepting.length).toBeGreaterThan(0);
      expect(compileRegex(pattern, { limits: { [name]: high } }).accepting.length).toBeGreaterThan(0);
      // The option by its own name wins over limits.
      expect(() => compileRegex(pattern, { [option]: high, limits: { [name]: low } })).not.toThrow();
      expect(limitErrorOf(() => compileRegex(pattern, { [option]: low, limits: { [name]: high } })).code).toBe(code);
    });
  }
  it("maxDepth: lowered refuses with max-depth and the compileRegex option, not --limit; raised compiles", () => {
    const pattern = `${"(".repeat(5)}a${")".repeat(5)}`;
    const e = limitErrorOf(() => compileRegex(pattern, { maxDepth: 3 }));
    expect(e.code).toBe("max-depth");
    expect(e.hint).toContain("the option maxDepth of compileRegex");
    expect(e.hint).toMatch(/command line cannot raise it/);
    expect(e.hint).not.toContain("--limit maxDepth=N");
    // limits.maxDepth (grammars and schemas) does not reach it: the advice is right not to name it.
    expect(limitErrorOf(() => compileRegex(pattern, { maxDepth: 3, limits: { maxDepth: 1000 } })).code).toBe("max-depth");
    expect(() => compileRegex(pattern, { maxDepth: 5 })).not.toThrow();
  });
  it("combineLanguages: maxDfaStates or limits.maxRegexDfaStates lowered refuses with regex-dfa-limit and its advice; raised combines", () => {
    const spec = { all: [rx.star(rx.any), compileRegex("[a-z]*b[a-z]*")], minLength: 40, maxLength: 60 };
    for (const e of [limitErrorOf(() => combineLanguages(spec, { maxDfaStates: 20 })), limitErrorOf(() => combineLanguages(spec, { limits: { maxRegexDfaStates: 20 } }))]) {
      expect(e.code).toBe("regex-dfa-limit");
      expect(e.limit).toBe("maxRegexDfaStates");
      expect(e.hint).toContain("(CLI: --limit maxRegexDfaStates=N)");
    }
    expect(() => combineLanguages(spec, { maxDfaStates: 20_000 })).not.toThrow();
  });
  it("a bad limits value is bad-limit, a bad option regex-option", () => {
    expect(() => compileRegex("a", { limits: { maxRepetition: 0 } })).toThrow(/limits.maxRepetition must be a positive integer/);
    expect(() => compileRegex("a", { maxRepetition: 1.5 })).toThrow(/maxRepetition must be a positive integer or Infinity/);
    expect(compileRegex("a{20000}", { limits: { maxRepetition: Infinity, maxRegexDfaStates: Infinity } }).stateCount).toBe(20_001);
  });
});

describe("schema compiler options maxAlternatives and maxDepth", () => {
  // 2^10 = 1,024 alternatives.
  const alternatives = { allOf: Array.from({ length: 10 }, (_, i) => ({ anyOf: [{ minimum: i }, { maximum: -i }] })) };
  // Arrays nested 6 deep under a non-recursive schema: the unrolling maxDepth counts them.
  let deep: Record<string, unknown> = { type: "integer" };
  for (let i = 0; i < 6; i++) deep = { type: "array", items: deep };

  it("maxAlternatives (a limit, --limit maxAlternatives=N): lowered refuses with too-many-alternatives and the advice; raised compiles (option, limits, resolveConstraint)", () => {
    const e = limitErrorOf(() => compileSchema(alternatives, { maxAlternatives: 64 }));
    expect(e.code).toBe("too-many-alternatives");
    expect(e.limit).toBe("maxAlternatives");
    expect(e.limitValue).toBe(64);
    expect(e.hint).toContain("the option maxAlternatives of compileSchema or limits: { maxAlternatives: N } (CLI: --limit maxAlternatives=N)");
    expect(limitErrorOf(() => compileSchema(alternatives)).limitValue).toBe(512); // the default
    expect(limitErrorOf(() => compileSchema(alternatives, { limits: { maxAlternatives: 100 } })).limitValue).toBe(100);
    expect(() => compileSchema(alternatives, { maxAlternatives: 2048 })).not.toThrow();
    expect(() => compileSchema(alternatives, { limits: { maxAlternatives: 2048 } })).not.toThrow();
    expect(() => resolveConstraint({ schema: alternatives, limits: { maxAlternatives: 2048 } })).not.toThrow();
    expect(() => compileSchema(alternatives, { limits: { maxAlternatives: 0 } })).toThrow(/maxAlternatives must be a positive integer/);
  });
  it("maxDepth: lowered refuses with max-depth naming compileSchema's option, not limits.maxDepth; raised compiles", () => {
    const e = limitErrorOf(() => compileSchema(deep, { maxDepth: 3 }));
    expect(e.code).toBe("max-depth");
    expectLibraryAdvice(e, "maxDepth", "compileSchema");
    expect(e.hint).toContain("not limits.maxDepth");
    // limits.maxDepth (what --limit maxDepth sets) does not raise it: the advice is right not to name it.
    expect(limitErrorOf(() => compileSchema(deep, { maxDepth: 3, limits: { maxDepth: 1000 } })).code).toBe("max-depth");
    expect(() => compileSchema(deep, { maxDepth: 6 })).not.toThrow();
    expect(() => resolveConstraint({ schema: deep, schemaOptions: { maxDepth: 6 } })).not.toThrow();
  });
});

describe("on the CLI: the code, and only advice that works", () => {
  it("check --regex past the regex DFA limit: error [regex-dfa-limit] advising --limit maxRegexDfaStates=N, which then accepts; --limit maxDfaStates (the engine's) does not", async () => {
    const pattern = "(?:[a-z]{100}){210}"; // 21,001 DFA states
    expect(await run(["check", "--regex", pattern, "--text", "a"])).toBe(2);
    expect(io.err).toContain("[regex-dfa-limit]");
    expect(io.err).toContain("past the limit maxRegexDfaStates = 20000");
    expect(io.err).toContain("--limit maxRegexDfaStates=N");
    io.err = "";
    expect(await run(["check", "--regex", pattern, "--text", "a", "--limit", "maxDfaStates=1000000"])).toBe(2);
    expect(io.err).toContain("[regex-dfa-limit]");
    io.err = "";
    const text = "q".repeat(21_000);
    expect(await run(["check", "--regex", pattern, "--text", text, "--limit", "maxRegexDfaStates=30000"])).toBe(0);
    expect(io.out).toBe('{"accepted":true}\n');
    io.out = "";
    expect(await run(["check", "--regex", pattern, "--text", text.slice(1), "--limit", "maxRegexDfaStates=30000"])).toBe(1);
    expect(io.out).toContain('"accepted":false');
  });
  it("check --schema past maxAlternatives: error [too-many-alternatives] advising --limit maxAlternatives=N, which then accepts", async () => {
    const schema = io.file("alternatives.json", JSON.stringify({ allOf: Array.from({ length: 10 }, (_, i) => ({ anyOf: [{ minimum: i }, { maximum: -i }] })) }));
    expect(await run(["check", "--schema", schema, "--text", "1"])).not.toBe(0);
    expect(io.err).toContain("[too-many-alternatives]");
    expect(io.err).toContain("--limit maxAlternatives=N");
    io.err = "";
    io.out = "";
    expect(await run(["check", "--schema", schema, "--text", "10", "--limit", "maxAlternatives=2048"])).toBe(0); // 10 meets every anyOf
    expect(io.out).toContain("true");
    expect(io.err).toBe("");
  });
});
