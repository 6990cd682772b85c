import { describe, expect, test } from "vitest";
import { FormworkError } from "@formwork/core";
import { repairJson, repairYaml } from "@formwork/repair";
import { ajvAccepts } from "./oracle.js";

const person = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    name: { type: "string" },
    age: { type: "integer" },
    member: { type: "boolean" },
    zip: { type: "string" },
    status: { enum: ["active", "inactive", "pending_review"] },
    role: { type: "string", default: "user" },
    tags: { type: "array", items: { type: "string" } },
  },
  required: ["name", "age", "role"],
  additionalProperties: false,
};

describe("schema-aware repair", () => {
  test.each([
    ['{"name": "A", "age": "42", "role": "x"}', { name: "A", age: 42, role: "x" }, "coerce-type"],
    ['{"name": "A", "age": 1, "member": "true", "role": "x"}', { name: "A", age: 1, member: true, role: "x" }, "coerce-type"],
    ['{"name": "A", "age": 1, "zip": 12345, "role": "x"}', { name: "A", age: 1, zip: "12345", role: "x" }, "coerce-type"],
    ['{"name": "A", "age": 1, "status": "Active ", "role": "x"}', { name: "A", age: 1, status: "active", role: "x" }, "match-enum"],
    ['{"name": "A", "age": 1, "status": "pending review", "role": "x"}', { name: "A", age: 1, status: "pending_review", role: "x" }, "match-enum"],
    ['{"name": "A", "age": 1, "status": "inactve", "role": "x"}', { name: "A", age: 1, status: "inactive", role: "x" }, "match-enum"],
    ['{"name": "A", "age": 1, "extra": true, "role": "x"}', { name: "A", age: 1, role: "x" }, "drop-property"],
    ['{"name": "A", "age": 1}', { name: "A", age: 1, role: "user" }, "fill-default"],
    ['{"name": "A", "age": 1, "role": "x", "tags": [1, true]}', { name: "A", age: 1, role: "x", tags: ["1", "true"] }, "coerce-type"],
    ['{"name": "A", "age": 1, "role": "x", "tags": "[\\"a\\", \\"b\\"]"}', { name: "A", age: 1, role: "x", tags: ["a", "b"] }, "coerce-type"],
  ])("%s", (input, value, kind) => {
    const r = repairJson(input, { schema: person });
    expect(r.ok, JSON.stringify(r.errors)).toBe(true);
    expect(r.value).toEqual(value);
    expect(r.edits.map((e) => e.kind)).toContain(kind);
    expect(ajvAccepts(person, r.value)).toBe(true);
    const e = r.edits.find((x) => x.kind === kind)!;
    expect(e.path).toBeDefined();
  });

  test("never invents a value: a missing required property without default fails with ajv's errors", () => {
    const r = repairJson('{"age": 3}', { schema: person });
    expect(r.ok).toBe(false);
    expect(r.errors.some((e) => e.keyword === "required")).toBe(true);
  });

  test("an ambiguous enum typo is left alone", () => {
    const r = repairJson('{"v": "cot"}', { schema: { type: "object", properties: { v: { enum: ["cat", "cut"] } } } });
    expect(r.ok).toBe(false);
  });

  test("chooses the candidate that validates", () => {
    const schema = { type: "object", required: ["answer"], properties: { answer: { type: "integer" } } };
    const r = repairJson('First try: {"guess": 1}. Final: {"answer": 42}', { schema });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({ answer: 42 });
    expect(r.edits.map((e) => e.kind)).toContain("choose-candidate");
  });

  test("truncation: drops the incomplete item so the value validates", () => {
    const schema = { type: "object", properties: { items: { type: "array", items: { type: "object", required: ["id", "name"] } } }, required: ["items"] };
    const r = repairJson('{"items": [{"id": 1, "name": "a"}, {"id": 2, "na', { schema });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({ items: [{ id: 1, name: "a" }] });
    expect(r.edits.map((e) => e.kind)).toContain("drop-incomplete");
  });

  test("$ref, allOf and anyOf are followed", () => {
    const schema = {
      $defs: { n: { type: "integer" } },
      type: "object",
      properties: { a: { $ref: "#/$defs/n" }, b: { anyOf: [{ type: "boolean" }, { type: "null" }] }, c: { allOf: [{ type: "number" }] } },
    };
    const r = repairJson('{"a": "5", "b": "false", "c": "2.5"}', { schema });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({ a: 5, b: false, c: 2.5 });
  });

  test("draft-07 schemas by $schema", () => {
    const schema = { $schema: "http://json-schema.org/draft-07/schema#", type: "array", items: [{ type: "integer" }], additionalItems: { type: "string" } };
    const r = repairJson('["1", 2]', { schema });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual([1, "2"]);
  });

  test("an invalid schema is an ArgumentError with code invalid-schema", () => {
    expect(() => repairJson("{}", { schema: { type: "nonsense" } })).toThrow(FormworkError);
    try {
      repairJson("{}", { schema: { type: 12 } });
    } catch (e) {
      expect((e as FormworkError).code).toBe("invalid-schema");
    }
  });

  test("YAML values are repaired against the schema too", () => {
    const r = repairYaml("name: A\nage: '42'\nrole: x\n", { schema: person });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({ name: "A", age: 42, role: "x" });
  });
});
