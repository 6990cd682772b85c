// oneOf is exact only where the branches are provably disjoint (or negatable). Proofs added for
// objects: a property one branch requires and the other forbids, and a property both require
// with disjoint types. Oracle: ajv on every instance, through the reference recognizer.
import { describe, expect, it } from "vitest";
import { referenceMatch } from "@formwork/grammar/testing";
import { compileSchema, createValidator } from "@formwork/json-schema";

const CASES: [string, Record<string, unknown>, unknown[]][] = [
  [
    "closed objects with different required properties",
    { oneOf: [
      { type: "object", properties: { start: { type: "integer" }, end: { type: "integer" } }, required: ["start", "end"], additionalProperties: false },
      { type: "object", properties: { custom: { type: "string" } }, required: ["custom"], additionalProperties: false },
    ] },
    [{ start: 1, end: 2 }, { custom: "x" }, { start: 1, end: 2, custom: "x" }, { start: 1 }, {}, { custom: 3 }, "x", 1],
  ],
  [
    "one branch closed without a property the other requires",
    { oneOf: [
      { type: "object", properties: { spider: { type: "string" }, args: { type: "array", items: { type: "string" } } }, required: ["spider", "args"], additionalProperties: false },
      { type: "object", properties: { spider: { type: "string" } }, required: ["spider"], additionalProperties: false },
    ] },
    [{ spider: "s" }, { spider: "s", args: [] }, { spider: "s", args: ["a"] }, { args: [] }, { spider: "s", other: 1 }],
  ],
  [
    "a property both require, with disjoint types (through allOf and $ref)",
    { $defs: { loc: { type: "array", items: { type: "string" } } }, oneOf: [
      { type: "object", properties: { location: { $ref: "#/$defs/loc" }, message: { type: "string" } }, required: ["message", "location"] },
      { type: "object", allOf: [{ properties: { location: { type: ["string", "null"] } } }], required: ["location"] },
    ] },
    [{ location: ["a"], message: "m" }, { location: "x" }, { location: null }, { location: "x", message: "m" }, { location: 1 }, { message: "m" }],
  ],
  [
    "forbidden by properties: false",
    { oneOf: [
      { type: "object", required: ["a"] },
      { type: "object", properties: { a: false } },
    ] },
    [{ a: 1 }, {}, { b: 2 }, { a: 1, b: 2 }, "x", 3, null],
  ],
];

describe("oneOf disjointness proofs for objects", () => {
  for (const [name, schema, values] of CASES) {
    it(`${name}: compiles and accepts exactly what ajv accepts`, () => {
      const g = compileSchema(schema).grammar;
      const ajv = createValidator(schema);
      let valid = 0, invalid = 0;
      for (const v of values) {
        const want = ajv(v).valid;
        if (want) valid++;
        else invalid++;
        for (const text of [JSON.stringify(v), JSON.stringify(v, null, 2)]) expect(referenceMatch(g, text).accepted, text).toBe(want);
      }
      expect(valid).toBeGreaterThan(0);
      expect(invalid).toBeGreaterThan(0);
    });
  }

  it("still refuses branches that overlap (no type: a string satisfies both)", () => {
    const schema = { oneOf: [
      { properties: { a: { type: "integer" } }, required: ["a"], additionalProperties: false },
      { properties: { b: { type: "integer" } }, required: ["b"], additionalProperties: false },
    ] };
    expect(() => compileSchema(schema)).toThrow(/oneOf branches that are not provably disjoint/);
  });

  it("still refuses objects that may satisfy both (a property both allow, same type)", () => {
    const schema = { oneOf: [
      { type: "object", properties: { a: { type: "integer" } }, required: ["a"], additionalProperties: { type: "integer" } },
      { type: "object", properties: { b: { type: "integer" } }, required: ["b"], additionalProperties: { type: "integer" } },
    ] };
    expect(() => compileSchema(schema)).toThrow(/oneOf branches that are not provably disjoint/);
  });
});
