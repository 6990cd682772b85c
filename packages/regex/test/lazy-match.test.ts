/**
 * `compileMatcher` (the lazily determinised, linear-time matcher) agrees with
 * JavaScript's RegExp on random patterns and strings, in both modes, with the
 * flags the DFA oracle test uses; and it stays linear where RegExp backtracks.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compileMatcher } from "@formwork/regex";
import { type GenMode, patternArb, stringArb } from "./regex-gen.js";

const FLAG_SETS: Record<GenMode, string[]> = {
  legacy: ["", "i", "s", "is", "y"],
  u: ["u", "iu", "su", "uy"],
  v: ["v", "iv", "sv"],
};

describe.each(["whole", "search"] as const)("compileMatcher agrees with RegExp (%s mode)", (mode) => {
  for (const gen of ["legacy", "u", "v"] as const) {
    it(`random ${gen} patterns`, () => {
      fc.assert(
        fc.property(patternArb(gen), fc.constantFrom(...FLAG_SETS[gen]), fc.array(stringArb, { minLength: 20, maxLength: 20 }), (pattern, flags, strings) => {
          let m;
          try {
            m = compileMatcher(pattern, { flags, mode });
          } catch (e) {
            if ((e as { code?: string }).code === "regex-v-ignorecase-property") return;
            throw e;
          }
          const re = mode === "whole" ? new RegExp(`^(?:${pattern})$`, flags) : new RegExp(pattern, flags);
          for (const s of [...strings, "\uD800", "a\uDC00b"]) {
            re.lastIndex = 0;
            expect(m.test(s), `/${pattern}/${flags} (${mode}) on ${JSON.stringify(s)}`).toBe(re.test(s));
          }
        }),
        { seed: 31, numRuns: 250 },
      );
    });
  }
});

describe("compileMatcher on patterns that make RegExp backtrack or a DFA blow up", () => {
  it("^(a+)+$ and (x+x+)+y on long non-matching texts", () => {
    expect(compileMatcher("^(a+)+$", { flags: "u", mode: "search" }).test(`${"a".repeat(35)}!`)).toBe(false);
    expect(compileMatcher("(x+x+)+y", { flags: "u", mode: "search" }).test("x".repeat(100_000))).toBe(false);
  });
  it("a counted repetition in search mode, whose full DFA is large, over a megabyte", () => {
    const m = compileMatcher("[a-z]{10,50}[0-9]{20}x", { flags: "u", mode: "search" });
    expect(m.test("ab".repeat(500_000))).toBe(false);
    expect(m.test(`${"ab".repeat(500_000)}${"1".repeat(20)}x`)).toBe(true);
  });
});
