// Schemas as users write them: zod (any Standard Schema with JSON Schema output), JSON Schema objects and text;
// everything else refused; unknown keywords warned about with a did-you-mean, or refused under strict.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkText } from "@formwork/grammar";
import { choice, resolveConstraint } from "@formwork/constraint";
import { unknownKeywords } from "@formwork/constraint/internal";

const person = z.object({ name: z.string().max(12), age: z.number().int().min(0).max(130), role: z.enum(["admin", "user"]).optional() });

describe("zod schemas", () => {
  it("give the same grammar as their JSON Schema", () => {
    const fromZod = resolveConstraint({ schema: person })!;
    const fromJson = resolveConstraint({ schema: z.toJSONSchema(person, { io: "input" }) })!;
    expect(fromZod.grammar).toEqual(fromJson.grammar);
    expect(fromZod.schema).toEqual(z.toJSONSchema(person, { io: "input" }));
    expect(checkText(fromZod.grammar, '{"name": "Ada", "age": 36}').accepted).toBe(true);
    expect(checkText(fromZod.grammar, '{"name": "Ada", "age": 36.5}').accepted).toBe(false);
    expect(checkText(fromZod.grammar, '{"name": "Ada", "age": 36, "role": "root"}').accepted).toBe(false);
  });

  it("read their value through zod: defaults filled, refinements checked", () => {
    const withDefault = resolveConstraint({ schema: z.object({ n: z.number().int().default(3) }) })!;
    expect(withDefault.valueOf("{}")).toEqual({ n: 3 });
    const refined = resolveConstraint({ schema: z.object({ lo: z.number(), hi: z.number() }).refine((v) => v.lo <= v.hi) })!;
    // The refinement is not JSON Schema: the grammar allows both, zod's own parse decides the value.
    expect(checkText(refined.grammar, '{"lo": 2, "hi": 1}').accepted).toBe(true);
    expect(refined.valueOf('{"lo": 1, "hi": 2}')).toEqual({ lo: 1, hi: 2 });
    expect(refined.valueOf('{"lo": 2, "hi": 1}')).toBeUndefined();
  });

  it("a zod type JSON Schema cannot express is refused, not read as {}", () => {
    expect(() => resolveConstraint({ schema: z.object({ when: z.date() }) })).toThrow(expect.objectContaining({ code: "invalid-schema" }));
  });
});

describe("non-schemas are refused", () => {
  class Thing {
    type = "object";
  }
  const standardWithoutJson = { "~standard": { version: 1, vendor: "acme", validate: (v: unknown) => ({ value: v }) } };
  it.each([
    ["a Date", new Date()],
    ["a class instance", new Thing()],
    ["a Map", new Map([["type", "string"]])],
    ["an array", [{ type: "string" }]],
    ["a number", 42],
    ["null", null],
    ["a function inside", { type: "object", properties: { a: () => 1 } }],
    ["a Standard Schema that cannot give JSON Schema", standardWithoutJson],
  ])("%s", (_, schema) => {
    expect(() => resolveConstraint({ schema })).toThrow(expect.objectContaining({ code: "invalid-schema" }));
  });
  it("while JSON Schema objects, booleans and JSON text are accepted", () => {
    expect(resolveConstraint({ schema: { type: "string", maxLength: 3 } })!.kind).toBe("schema");
    expect(resolveConstraint({ schema: true })!.kind).toBe("schema");
    expect(resolveConstraint({ schema: '{"type": "integer"}' })!.kind).toBe("schema");
    expect(resolveConstraint({ schema: Object.assign(Object.create(null), { type: "null" }) })!.kind).toBe("schema");
  });
});

describe("unknown keywords", () => {
  const typo = { type: "object", propertes: { a: { type: "string" } }, properties: { b: { type: "string", maxLenght: 3, enum: ["x"], default: { propertes: 1 } } }, "x-vendor": 1 };
  it("are warned about with a did-you-mean, where they are", () => {
    const c = resolveConstraint({ schema: typo })!;
    const unknown = c.warnings.filter((w) => w.code === "unknown-keyword");
    expect(unknown.map((w) => ("pointer" in w ? w.pointer : ""))).toEqual(["/propertes", "/properties/b/maxLenght"]);
    expect(unknown[0].message).toMatch(/"propertes" is not a JSON Schema keyword \(did you mean "properties"\?\); it is ignored/);
    expect(unknown[1].message).toMatch(/did you mean "maxLength"/);
  });
  it("are refused under strict", () => {
    expect(() => resolveConstraint({ schema: typo, strict: true })).toThrow(expect.objectContaining({ code: "unknown-keyword", message: expect.stringMatching(/"propertes".*did you mean "properties".*\/propertes/) }));
    expect(resolveConstraint({ schema: { type: "object", properties: { a: { type: "string" } } }, strict: true })!.warnings).toEqual([]);
  });
  it("are found in every subschema position and nowhere else", () => {
    const found = unknownKeywords({
      $defs: { d: { tpye: "string" } },
      anyOf: [{ minimun: 1 }, { const: { tpye: 1 } }],
      items: { uniqeItems: true },
      dependencies: { a: ["b"], c: { requird: ["d"] } },
      examples: [{ anything: 1 }],
      nullable: true,
    });
    expect(found.map((k) => [k.pointer, k.didYouMean])).toEqual([
      ["/$defs/d/tpye", "type"],
      ["/anyOf/0/minimun", "minimum"],
      ["/items/uniqeItems", "uniqueItems"],
      ["/dependencies/c/requird", "required"],
      ["/nullable", undefined],
    ]);
  });
  it("strict goes with a schema only", () => {
    expect(() => resolveConstraint({ regex: "a", strict: true })).toThrow(expect.objectContaining({ code: "bad-option" }));
  });
});

describe("choice", () => {
  it("is the enum schema of its values", () => {
    const c = resolveConstraint({ schema: choice(["yes", "no", 3, null]) })!;
    for (const t of ['"yes"', '"no"', "3", "null"]) expect(checkText(c.grammar, t).accepted).toBe(true);
    expect(checkText(c.grammar, '"maybe"').accepted).toBe(false);
  });
  it("refuses an empty list and values that are not JSON literals", () => {
    expect(() => choice([] as unknown as ["a"])).toThrow(expect.objectContaining({ code: "bad-option" }));
    expect(() => choice([{}] as unknown as ["a"])).toThrow(expect.objectContaining({ code: "bad-option" }));
    expect(() => choice([Number.NaN])).toThrow(expect.objectContaining({ code: "bad-option" }));
  });
});
