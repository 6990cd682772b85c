// Bad schemas give clear errors (code, JSON pointer, a hint), never a crash or
// a hang; refused keywords name their pointer; lenient mode turns refusals
// into warnings whose approximations ajv still agrees with.
import { describe, expect, it } from "vitest";
import { CompileError, FormworkError, LimitError, UnsupportedError } from "@formwork/core";
import { compileSchema, createValidator } from "@formwork/json-schema";
import { referenceMatch } from "@formwork/grammar/testing";
import { IrSampler, rng } from "./ir-sample.js";

function errorOf(schema: unknown, opts = {}): FormworkError {
  try {
    compileSchema(schema, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(FormworkError);
    return e as FormworkError;
  }
  throw new Error(`compiled: ${JSON.stringify(schema)}`);
}

const pointerOf = (e: FormworkError) => (e.location?.kind === "pointer" ? e.location.pointer : undefined);

describe("bad schemas", () => {
  const cases: [string, unknown, string, string | undefined][] = [
    ["not JSON", '{"type": ', "invalid-schema", ""],
    ["an array", [1, 2], "invalid-schema", ""],
    ["a number", 42, "invalid-schema", ""],
    ["a non-schema subschema", { properties: { a: 5 } }, "invalid-schema", "/properties/a"],
    ["an unknown type", { type: "str" }, "invalid-schema", "/type"],
    ["a dangling $ref", { $ref: "#/$defs/missing" }, "unresolved-ref", "/$ref"],
    ["a dangling anchor", { properties: { a: { $ref: "#nowhere" } } }, "unresolved-ref", "/properties/a/$ref"],
    ["a remote nobody loaded", { $ref: "http://example.com/s.json" }, "unresolved-ref", "/$ref"],
    ["minimum above maximum", { type: "integer", minimum: 5, maximum: 4 }, "empty-schema", ""],
    ["a required property that is false", { type: "object", properties: { a: false }, required: ["a"] }, "empty-schema", ""],
    ["minLength above maxLength", { type: "string", minLength: 3, maxLength: 2 }, "empty-schema", ""],
    ["false", false, "empty-schema", ""],
    ["contradictory types", { allOf: [{ type: "string" }, { type: "number" }] }, "empty-schema", ""],
    ["required recursion with no base case", { $defs: { n: { type: "object", properties: { next: { $ref: "#/$defs/n" } }, required: ["next"] } }, $ref: "#/$defs/n" }, "empty-schema", ""],
    ["a bad pattern", { type: "string", pattern: "(" }, "invalid-pattern", undefined],
    ["negative multipleOf", { multipleOf: -2 }, "invalid-schema", "/multipleOf"],
  ];
  for (const [name, schema, code, pointer] of cases) {
    it(name, () => {
      const e = errorOf(schema);
      expect(e.code).toBe(code);
      if (pointer !== undefined) expect(pointerOf(e)).toBe(pointer);
      expect(e.message.length).toBeGreaterThan(20);
    });
  }
  it("self-referencing $ref with siblings does not hang", () => {
    const e = errorOf({ $ref: "#", minimum: 1 });
    expect(["unsupported-keyword", "empty-schema"]).toContain(e.code);
  });
  it("a bad option is an ArgumentError", () => {
    expect(() => compileSchema({}, { whitespace: "wide" as never })).toThrow(/whitespace must be/);
  });
  it("too many alternatives is a LimitError naming the option", () => {
    const branches = Array.from({ length: 10 }, (_, i) => ({ anyOf: [{ minimum: i }, { maximum: -i }] }));
    const e = errorOf({ allOf: branches }, { maxAlternatives: 64 });
    expect(e).toBeInstanceOf(LimitError);
    expect(e.message).toMatch(/maxAlternatives/);
  });
});

describe("refusals name the keyword", () => {
  const cases: [string, unknown, string][] = [
    ["a backreference", { type: "string", pattern: "(a)\\1" }, "unsupported-keyword"],
    ["a lookahead", { type: "string", pattern: "^(?=a)" }, "unsupported-keyword"],
    ["a decimal multipleOf", { type: "number", multipleOf: 0.01 }, "unsupported-keyword"],
    ["an unknown format", { type: "string", format: "idn-email" }, "unsupported-keyword"],
    ["an automaton beyond its state limit", { type: "string", pattern: "(a|b)*a(a|b){14}$", maxLength: 3000 }, "unsupported-keyword"],
    ["uniqueItems over strings", { type: "array", items: { type: "string" }, uniqueItems: true }, "unsupported-keyword"],
    ["not with a format", { type: "string", not: { format: "email" } }, "unsupported-keyword"],
  ];
  for (const [name, schema, code] of cases) {
    it(name, () => {
      const e = errorOf(schema);
      expect(e).toBeInstanceOf(CompileError);
      expect(e.code).toBe(code);
      if (e.code === "unsupported-keyword") {
        expect(e).toBeInstanceOf(UnsupportedError);
        expect(pointerOf(e)).toMatch(/^\//);
        expect(e.message).toMatch(/lenient/);
      }
    });
  }
});

describe("lenient approximations that restrict stay valid", () => {
  const schemas: unknown[] = [
    { type: "array", items: { type: "string", maxLength: 3 }, uniqueItems: true, maxItems: 4 },
    { type: "object", patternProperties: { "^a": {}, "^b": {}, "^c": {}, "^d": {}, "^e": { type: "integer" } } },
    { type: "array", contains: { type: "string", format: "email" }, maxContains: 1 },
    { type: "array", items: { type: "object", properties: { a: { type: "integer" } } }, uniqueItems: true },
  ];
  for (const [i, schema] of schemas.entries()) {
    it(`schema ${i}`, () => {
      const { grammar, warnings } = compileSchema(schema, { lenient: true, whitespace: "compact" });
      expect(warnings.length).toBeGreaterThan(0);
      for (const w of warnings) expect(w.pointer).toMatch(/^(\/|$)/);
      if (warnings.some((w) => w.effect === "relaxes")) return;
      const validate = createValidator(schema);
      const sampler = new IrSampler(grammar);
      const rand = rng(99 + i);
      for (let k = 0; k < 40; k++) {
        const text = sampler.sample(rand);
        if (text === null) continue;
        expect(validate(JSON.parse(text)).valid, `${JSON.stringify(schema)}: ${text}`).toBe(true);
        expect(referenceMatch(grammar, text).accepted).toBe(true);
      }
    });
  }
});

describe("warnings are listed once per keyword", () => {
  it("a definition used along many paths gives its warning once, not once per path", () => {
    // d_i has two properties that are d_{i-1}: 2^12 paths reach d0's format. Before warnings were
    // deduplicated this listed 8,191 warnings (each replay of a compiled definition repeated them).
    const definitions: Record<string, unknown> = { d0: { type: "string", format: "uri-reference" } };
    for (let i = 1; i <= 12; i++) {
      definitions[`d${i}`] = {
        type: "object",
        properties: { a: { $ref: `#/definitions/d${i - 1}` }, b: { $ref: `#/definitions/d${i - 1}` }, c: { type: "string", format: "uri-reference" } },
      };
    }
    const { warnings } = compileSchema({ definitions, $ref: "#/definitions/d12" });
    const expected = ["/definitions/d0/format", ...Array.from({ length: 12 }, (_, i) => `/definitions/d${i + 1}/properties/c/format`)];
    expect(warnings.map((w) => w.pointer).sort()).toEqual(expected.sort());
    expect(new Set(warnings.map((w) => w.code))).toEqual(new Set(["format-subset"]));
  });

  it("a subschema compiled once keeps a warning at each place it is written", () => {
    // x and y are the same subschema (one compile, replayed for y): both pointers are listed.
    const s = { type: "string", format: "uri-reference" };
    const { warnings } = compileSchema({ type: "object", properties: { x: s, y: { ...s }, z: { type: "array", items: { ...s } } } });
    expect(warnings.map((w) => w.pointer).sort()).toEqual(["/properties/x/format", "/properties/y/format", "/properties/z/items/format"]);
  });
});
