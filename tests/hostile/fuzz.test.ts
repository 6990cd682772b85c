// Fast-check over the entry points (issue 17): on any input each returns a result or throws a documented
// FormworkError, never anything else (a RangeError from a stack overflow, a TypeError, a hang past the test's timeout).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { valueDepth } from "@formwork/core/internal";
import { checkText, parseGbnf, textCompiler } from "@formwork/grammar";
import { compileRegex, matchesText } from "@formwork/regex";
import { createValidator } from "@formwork/validate";
import { outcome } from "./outcome.js";

/** A run of `piece` repeated 1 to `max` times: deep nesting comes from runs, not from luck. */
const run = (piece: string, max: number) => fc.integer({ min: 1, max }).map((n) => piece.repeat(n));

describe("fuzz: documented errors only", () => {
  it("parseGbnf, the compiler and checkText", async () => {
    const piece = fc.oneof(
      fc.constantFrom("root ::= ", "x ::= ", "\n", '"a"', '"\\"', "[a-z]", "[^", ".", "x", "root", "|", "*", "+", "?", "{2,3}", "{99999999}", "(", ")", " ", "#c\n", "\\", '"'),
      run("(", 400),
      run(")", 400),
      run("?", 1_200),
      run("a", 5_000).map((s) => `"${s}"`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 12 }), fc.string({ maxLength: 20 }), async (parts, text) => {
        const parsed = await outcome(() => parseGbnf(parts.join("")));
        if (!parsed.ok) return;
        await outcome(() => checkText(textCompiler().compile(parsed.value), text));
      }),
      { seed: 17, numRuns: 400 },
    );
  });

  it("compileRegex and matching", async () => {
    const piece = fc.oneof(
      fc.constantFrom("a", "b", ".", "|", "*", "+", "?", "{2,5}", "{0,100000}", "(", ")", "(?:", "(?=", "(?<n>", "\\1", "\\b", "[", "]", "[^", "-", "^", "$", "\\", "\\p{L}", "\\u{1F600}"),
      run("(", 1_500),
      run(")", 1_500),
      run("(?:a*)*", 300),
      run("[", 600),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 10 }), fc.constantFrom("", "u", "v", "i", "s"), fc.string({ maxLength: 30 }), async (parts, flags, text) => {
        const compiled = await outcome(() => compileRegex(parts.join(""), { flags, mode: "search" }));
        if (compiled.ok) matchesText(compiled.value, text);
      }),
      { seed: 18, numRuns: 500 },
    );
  });

  it("createValidator and validation, with catastrophic patterns and deep values", async () => {
    const pattern = fc.constantFrom("^(a+)+$", "(a|aa)*b", "^(\\w+\\s?)*$", "(?=a)a", "\\1(a)", "[", "^[a-z]{2,}$", "(x+x+)+y");
    const schema = fc.letrec<{ s: unknown }>((tie) => ({
      s: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom({ type: "string" }, { type: "integer" }, true, false, { $ref: "#" }, { format: "email" }, { format: "date-time" }),
        pattern.map((p) => ({ type: "string", pattern: p })),
        fc.record({ type: fc.constant("array"), items: tie("s") }),
        fc.record({ type: fc.constant("object"), properties: fc.dictionary(fc.constantFrom("a", "b"), tie("s")), patternProperties: fc.dictionary(pattern, tie("s"), { maxKeys: 1 }) }),
        fc.record({ allOf: fc.array(tie("s"), { maxLength: 2 }) }),
        fc.record({ anyOf: fc.array(tie("s"), { minLength: 1, maxLength: 2 }) }),
      ),
    })).s;
    const deep = fc.integer({ min: 0, max: 20_000 }).map((n) => {
      let v: unknown = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
      for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
      return v;
    });
    const value = fc.oneof(fc.jsonValue({ maxDepth: 4 }), deep, fc.constant(`${"a".repeat(40)}!`));
    await fc.assert(
      fc.asyncProperty(schema, value, async (s, v) => {
        const compiled = await outcome(() => createValidator(s));
        if (compiled.ok) await outcome(() => compiled.value(v));
      }),
      { seed: 19, numRuns: 400 },
    );
  });

  it("valueDepth agrees with a recursive count on shallow values", () => {
    const depth = (v: unknown): number => (typeof v === "object" && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
        expect(valueDepth(v).depth).toBe(depth(v));
      }),
      { seed: 20, numRuns: 1_000 },
    );
  });
});
