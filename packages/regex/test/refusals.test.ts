/** Refused constructs: the right error class, code and position; bad flags and options. */
import { describe, expect, it } from "vitest";
import { ArgumentError, CompileError, UnsupportedError, LimitError } from "@formwork/core";
import { compileRegex } from "@formwork/regex";

function thrown(fn: () => unknown): Error & { code?: string; location?: { kind: string; start?: number } } {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected an error");
}

describe("refused constructs", () => {
  const cases: [pattern: string, flags: string, code: string, start: number][] = [
    ["(a)\\1", "", "regex-backreference", 3],
    ["(?<n>a)b\\k<n>", "u", "regex-backreference", 8],
    ["a(?=b)", "", "regex-lookahead", 1],
    ["a(?!b)c", "u", "regex-lookahead", 1],
    ["x(?<=a)b", "", "regex-lookbehind", 1],
    ["(?<!a)b", "u", "regex-lookbehind", 0],
    ["\\bfoo", "", "regex-word-boundary", 0],
    ["ab\\B", "u", "regex-word-boundary", 2],
    ["^a", "m", "regex-multiline-anchor", 0],
    ["a$", "mu", "regex-multiline-anchor", 1],
    ["[\\q{abc}x]", "v", "regex-class-strings", 1],
    ["a\\p{RGI_Emoji}", "v", "regex-property-of-strings", 1],
    ["(?i:a)", "", "regex-modifiers", 2],
    ["a[\\p{Lu}]", "iv", "regex-v-ignorecase-property", 2],
  ];
  it.each(cases)("/%s/%s → %s at %i", (pattern, flags, code, start) => {
    const e = thrown(() => compileRegex(pattern, { flags }));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.code).toBe(code);
    expect(e.location).toMatchObject({ kind: "span", start, source: pattern });
    // The message carries a caret excerpt under the offending column.
    expect(e.message).toContain(`${pattern}\n${" ".repeat(start)}^`);
  });

  it("accepts what is close to a refused construct", () => {
    expect(compileRegex("a", { flags: "m" }).stateCount).toBe(2); // m without anchors changes nothing
    expect(compileRegex("\\p{Lu}", { flags: "iv" }).stateCount).toBeGreaterThan(1); // outside a class
    expect(compileRegex("[\\p{Lu}]", { flags: "v" }).stateCount).toBeGreaterThan(1); // without i
    // Without a group, legacy \1 is an octal escape (U+0001), not a backreference.
    expect(new RegExp("^a\\1$").test("a\u0001")).toBe(true);
    expect(compileRegex("a\\1").stateCount).toBe(3);
  });
});

describe("syntax errors, flags and options", () => {
  it("reports invalid syntax with its position", () => {
    const e = thrown(() => compileRegex("ab(c", { flags: "u" }));
    expect(e).toBeInstanceOf(CompileError);
    expect(e.code).toBe("regex-syntax");
    expect(e.location?.kind).toBe("span");
  });
  it.each(["x", "ii", "uv"])("refuses flags %j", (flags) => {
    const e = thrown(() => compileRegex("a", { flags }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.code).toBe("regex-flags");
  });
  it("refuses bad options", () => {
    expect(thrown(() => compileRegex("a", { maxDfaStates: 0 })).code).toBe("regex-option");
    expect(thrown(() => compileRegex("a", { mode: "fullmatch" as "whole" })).code).toBe("regex-option");
  });
});

describe("limits", () => {
  it("compiles large counted repetitions to their exact minimal size", () => {
    expect(compileRegex("\\d{1,1000}").stateCount).toBe(1001);
    expect(compileRegex("[a-z]{500}").stateCount).toBe(501);
    expect(compileRegex("(a|b){0,300}").stateCount).toBe(301);
    expect(compileRegex("\\d{1,1000}", { mode: "search" }).stateCount).toBeLessThan(20);
  });

  it("names maxRepetition when a count is too large", () => {
    const e = thrown(() => compileRegex("ab{10001}"));
    expect(e).toBeInstanceOf(LimitError);
    expect(e.code).toBe("regex-repetition-limit");
    expect(e.message).toContain("maxRepetition");
    expect(e.location).toMatchObject({ start: 2 });
    expect(compileRegex("ab{10001}", { maxRepetition: 10001 }).stateCount).toBe(10003);
  });

  it("names maxNfaStates", () => {
    const e = thrown(() => compileRegex("a{3000}", { maxNfaStates: 1000 }));
    expect(e).toBeInstanceOf(LimitError);
    expect(e.code).toBe("regex-nfa-limit");
    expect(e.message).toContain("maxNfaStates");
  });

  it("names maxDfaStates for exponential automata, and the exact size below the limit", () => {
    // (a|b)*a(a|b){n} needs 2^(n+1) states exactly.
    expect(compileRegex("(a|b)*a(a|b){8}").stateCount).toBe(512);
    const e = thrown(() => compileRegex("(a|b)*a(a|b){20}"));
    expect(e).toBeInstanceOf(LimitError);
    expect(e.code).toBe("regex-dfa-limit");
    expect(e.message).toContain("maxDfaStates");
    expect(thrown(() => compileRegex("(a|b)*a(a|b){8}", { maxDfaStates: 100 })).code).toBe("regex-dfa-limit");
  });

  it("bounds large Unicode classes under repetition", () => {
    let states = 0;
    try {
      states = compileRegex("\\p{L}{40}", { flags: "u" }).stateCount;
    } catch (e) {
      expect((e as LimitError).code).toBe("regex-dfa-limit");
    }
    expect(states === 0 || states < 20_000).toBe(true);
  });
});
