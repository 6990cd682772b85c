// Fast-check over the entry points (issue 17): on any input each returns a result or throws a documented
// FormworkError, never anything else (a RangeError from a stack overflow, a TypeError, a hang past the test's timeout).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { valueDepth } from "@formwork/core/internal";
import { checkText, parseGbnf, textCompiler } from "@formwork/grammar";
import { compileRegex, matchesText } from "@formwork/regex";
import { createValidator } from "@formwork/validate";
import { compileSchema } from "@formwork/json-schema";
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

  it("compileSchema and checkText, on random, wide and deep schemas", async () => {
    const leaf = fc.constantFrom<unknown>({ type: "string" }, { type: "integer" }, { type: "number", multipleOf: 0.5 }, true, false, { $ref: "#" }, { $ref: "#/$defs/x" }, { format: "email" }, { type: "string", pattern: "^(a+)+$" }, { enum: [1, "a", null] }, { const: { a: [1] } }, { minimum: 5, maximum: 1 });
    const schema = fc.letrec<{ s: unknown }>((tie) => ({
      s: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.record({ type: fc.constant("array"), items: tie("s"), minItems: fc.nat(3), maxItems: fc.constantFrom(undefined, 2, 1e9), uniqueItems: fc.boolean() }, { requiredKeys: ["type", "items"] }),
        fc.record({ type: fc.constant("array"), contains: tie("s"), minContains: fc.constantFrom(0, 2, 1_000), maxContains: fc.constantFrom(3, 2_000) }, { requiredKeys: ["type", "contains"] }),
        fc.record({ type: fc.constant("object"), properties: fc.dictionary(fc.constantFrom("a", "b", "c"), tie("s")), required: fc.constantFrom([], ["a"], ["a", "b"]), additionalProperties: fc.oneof(fc.boolean(), tie("s")), minProperties: fc.constantFrom(undefined, 1, 50), maxProperties: fc.constantFrom(undefined, 2) }, { requiredKeys: ["type", "properties"] }),
        fc.record({ allOf: fc.array(tie("s"), { maxLength: 2 }) }),
        fc.record({ anyOf: fc.array(tie("s"), { minLength: 1, maxLength: 3 }) }),
        fc.record({ oneOf: fc.array(tie("s"), { minLength: 1, maxLength: 3 }) }),
        fc.record({ not: tie("s") }),
        fc.record({ if: tie("s"), then: tie("s"), else: tie("s") }),
      ),
    })).s;
    // Wide and deep variants: a run of properties, an allOf chain, a $defs chain.
    const shaped = fc.oneof(
      schema.map((s) => ({ $defs: { x: s }, $ref: "#/$defs/x" })),
      fc.tuple(fc.integer({ min: 1, max: 3_000 }), fc.nat(3_000)).map(([n, req]) => ({ type: "object", properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: "integer" }])), required: Array.from({ length: Math.min(n, req) }, (_, i) => `p${i}`) })),
      fc.integer({ min: 1, max: 3_000 }).map((d) => {
        let s: unknown = { type: "integer" };
        for (let i = 0; i < d; i++) s = i % 3 === 0 ? { allOf: [s] } : i % 3 === 1 ? { type: "array", items: s } : { type: "object", properties: { a: s } };
        return s;
      }),
      schema,
    );
    await fc.assert(
      fc.asyncProperty(shaped, fc.constantFrom<Record<string, unknown>>({}, { lenient: true }, { whitespace: "compact" }, { propertyOrder: "any" }), fc.string({ maxLength: 30 }), async (s, options, text) => {
        const compiled = await outcome(() => compileSchema(s, options));
        if (compiled.ok) await outcome(() => checkText(textCompiler().compile(compiled.value.grammar), text));
      }),
      { seed: 22, numRuns: 60 },
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
