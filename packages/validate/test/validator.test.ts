import { describe, expect, it } from "vitest";
import { CompileError } from "@formwork/core";
import { createValidator, draftOf, draftOfSchema, validate, type Draft } from "@formwork/validate";

const ok = (schema: unknown, value: unknown, options = {}) => validate(schema, value, options).valid;

// Each case is a keyword whose meaning differs between drafts: a value the draft accepts and one it rejects.
const BY_DRAFT: [string, Draft, Record<string, unknown>, unknown, unknown][] = [
  ["04: boolean exclusiveMaximum", 4, { type: "number", maximum: 5, exclusiveMaximum: true }, 4.5, 5],
  ["04: boolean exclusiveMinimum", 4, { minimum: 0, exclusiveMinimum: true }, 0.1, 0],
  ["04: false exclusive bound keeps the bound inclusive", 4, { maximum: 5, exclusiveMaximum: false }, 5, 6],
  ["04: id, not $id, names the resource", 4, { id: "http://example.com/root.json", definitions: { a: { type: "integer" } }, $ref: "http://example.com/root.json#/definitions/a" }, 3, "x"],
  ["06: numeric exclusiveMinimum", 6, { exclusiveMinimum: 0 }, 1, 0],
  ["06: const and contains", 6, { type: "array", contains: { const: 3 } }, [1, 3], [1, 2]],
  ["07: if / then / else", 7, { if: { type: "string" }, then: { minLength: 2 }, else: { type: "integer" } }, "ab", "a"],
  ["07: items as a tuple with additionalItems", 7, { items: [{ type: "integer" }], additionalItems: false }, [1], [1, 2]],
  ["2019-09: items as a tuple", 2019, { items: [{ type: "integer" }, { type: "string" }] }, [1, "a"], [1, 2]],
  ["2019-09: dependentRequired", 2019, { dependentRequired: { a: ["b"] } }, { a: 1, b: 2 }, { a: 1 }],
  ["2019-09: unevaluatedProperties", 2019, { properties: { a: {} }, unevaluatedProperties: false }, { a: 1 }, { a: 1, b: 2 }],
  ["2020-12: prefixItems and items", 2020, { prefixItems: [{ type: "integer" }], items: { type: "string" } }, [1, "a"], [1, 2]],
  ["2020-12: $dynamicRef", 2020, { $dynamicAnchor: "node", type: "object", properties: { kids: { type: "array", items: { $dynamicRef: "#node" } } }, required: ["v"] }, { v: 1, kids: [{ v: 2, kids: [] }] }, { v: 1, kids: [{}] }],
];

const URIS: Record<Draft, string> = {
  4: "http://json-schema.org/draft-04/schema#",
  6: "http://json-schema.org/draft-06/schema#",
  7: "http://json-schema.org/draft-07/schema#",
  2019: "https://json-schema.org/draft/2019-09/schema",
  2020: "https://json-schema.org/draft/2020-12/schema",
};

describe("createValidator", () => {
  it.each(BY_DRAFT)("%s, named by $schema", (_, draft, schema, good, bad) => {
    const s = { $schema: URIS[draft], ...schema };
    expect(ok(s, good)).toBe(true);
    expect(ok(s, bad)).toBe(false);
  });

  it.each(BY_DRAFT)("%s, chosen by the draft option", (_, draft, schema, good, bad) => {
    expect(ok(schema, good, { draft })).toBe(true);
    expect(ok(schema, bad, { draft })).toBe(false);
  });

  it("reads a schema without $schema as 2020-12, and $schema wins over the option", () => {
    const tuple = { items: [{ type: "integer" }] };
    // 2020-12 has no array form of items: ajv's 2020 validator refuses the schema.
    expect(() => createValidator(tuple)).toThrow(CompileError);
    expect(ok({ $schema: URIS[7], ...tuple }, [1], { draft: 2020 })).toBe(true);
    expect(draftOf(URIS[2019])).toBe(2019);
    expect(draftOf("http://example.com/other")).toBe(null);
    expect(draftOfSchema({}, 6)).toBe(6);
    expect(draftOfSchema(true)).toBe(2020);
  });

  it("asserts formats", () => {
    for (const [format, good, bad] of [
      ["email", "ada@example.com", "ada"],
      ["date-time", "2026-01-02T03:04:05Z", "2026-01-02"],
      ["ipv4", "10.0.0.1", "10.0.0.256"],
      ["uuid", "123e4567-e89b-12d3-a456-426614174000", "123"],
    ]) {
      for (const draft of [4, 6, 7, 2019, 2020] as Draft[]) {
        expect(ok({ format }, good, { draft }), `${format} ${draft}`).toBe(true);
        expect(ok({ format }, bad, { draft }), `${format} ${draft}`).toBe(false);
      }
    }
  });

  it("resolves $refs to remotes, and refuses a $ref to an unknown document", () => {
    const remotes = { "http://example.com/int.json": { type: "integer" } };
    const schema = { properties: { a: { $ref: "http://example.com/int.json" } } };
    expect(ok(schema, { a: 1 }, { remotes })).toBe(true);
    expect(ok(schema, { a: "1" }, { remotes })).toBe(false);
    expect(() => createValidator(schema)).toThrow(expect.objectContaining({ code: "invalid-schema" }));
  });

  it("reports issues with pointers and messages, all of them under allErrors", () => {
    const schema = { type: "object", properties: { a: { type: "integer" }, b: { type: "string" } }, required: ["c"] };
    const one = validate(schema, { a: "x", b: 1 });
    expect(one.valid).toBe(false);
    expect(one.errors).toHaveLength(1);
    const all = validate(schema, { a: "x", b: 1 }, { allErrors: true });
    expect(all.errors.map((e) => [e.instancePath, e.keyword]).sort()).toEqual([
      ["", "required"],
      ["/a", "type"],
      ["/b", "type"],
    ]);
    expect(all.errors.every((e) => e.message.length > 0 && e.schemaPath.startsWith("#"))).toBe(true);
  });

  it("handles boolean schemas, $async schemas and ids that repeat across schemas", () => {
    expect(ok(true, 1)).toBe(true);
    expect(validate(false, 1).errors[0].keyword).toBe("false schema");
    expect(ok({ $async: true, type: "integer" }, 1)).toBe(true);
    expect(ok({ $async: true, type: "integer" }, "1")).toBe(false);
    // Each validator has its own ajv: two schemas with one $id do not collide.
    expect(ok({ $id: "http://example.com/s", type: "integer" }, 1)).toBe(true);
    expect(ok({ $id: "http://example.com/s", type: "string" }, "1")).toBe(true);
  });

  it("refuses what is not a schema with invalid-schema", () => {
    for (const bad of [[1], 42, "x", null, { type: "nonsense" }, { type: 12 }]) {
      expect(() => createValidator(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ name: "CompileError", code: "invalid-schema" }));
    }
  });

  it("compiles a schema object once per options", () => {
    const schema = { type: "integer" };
    expect(createValidator(schema)).toBe(createValidator(schema));
    expect(createValidator(schema, { allErrors: true })).not.toBe(createValidator(schema));
    expect(createValidator(schema, { draft: 7 })).not.toBe(createValidator(schema));
  });

  it("runs pattern and patternProperties through the regExp engine it is given", () => {
    const seen: string[] = [];
    // A whole-string engine that refuses every text longer than 5 characters, so its verdicts differ from RegExp's.
    const regExp = (source: string, flags: string) => {
      seen.push(source);
      const re = new RegExp(source, flags);
      return { test: (text: string) => text.length <= 5 && re.test(text) };
    };
    const schema = { type: "object", properties: { a: { type: "string", pattern: "^a+$" } }, patternProperties: { "^x": { type: "integer" } } };
    expect(ok(schema, { a: "aaaaaaa" })).toBe(true);
    expect(ok(schema, { a: "aaaaaaa" }, { regExp })).toBe(false);
    expect(ok(schema, { a: "aaa", x1: 1 }, { regExp })).toBe(true);
    expect(seen).toEqual(expect.arrayContaining(["^a+$", "^x"]));
  });
});

describe("hostile schemas and values (issue 17)", () => {
  it("runs patterns in linear time by default: ^(a+)+$ against 35 a's and a '!'", () => {
    const schema = { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } };
    // RegExp takes minutes on the first (past the test's timeout); the DFA reads each byte once.
    expect(ok(schema, { s: `${"a".repeat(35)}!` })).toBe(false);
    expect(ok(schema, { s: "a".repeat(100_000) })).toBe(true);
  });

  it("agrees with RegExp on search semantics (unanchored, anchored, Unicode)", () => {
    for (const [pattern, texts] of [
      ["a+", ["", "xax", "bbb"]],
      ["^ab", ["abc", "cab"]],
      ["c$", ["abc", "cab"]],
      ["^\\p{L}+$", ["héllo", "h3llo", ""]],
      ["[0-9]{2,3}", ["a1", "a12b", "1234"]],
    ] as const) {
      for (const text of texts) {
        const schema = { type: "string", pattern };
        expect(ok(schema, text), `${pattern} on ${JSON.stringify(text)}`).toBe(new RegExp(pattern, "u").test(text));
      }
    }
  });

  it("refuses a pattern the linear engine cannot run (unsupported-pattern), unless told to backtrack", () => {
    const schema = { type: "string", pattern: "^(?=.*[0-9])[a-z0-9]+$" };
    expect(() => createValidator(schema)).toThrow(expect.objectContaining({ name: "UnsupportedError", code: "unsupported-pattern" }));
    expect(ok(schema, "abc1", { regExp: "backtracking" })).toBe(true);
    expect(ok(schema, "abc", { regExp: "backtracking" })).toBe(false);
  });

  it("refuses a schema nested past limits.maxDepth before ajv recurses into it", () => {
    let schema: Record<string, unknown> = { type: "integer" };
    for (let i = 0; i < 2_000; i++) schema = { allOf: [schema] };
    expect(() => createValidator(schema)).toThrow(expect.objectContaining({ name: "LimitError", code: "max-depth", limit: "maxDepth" }));
  });

  it("a schema that calls itself without reading into the value: invalid-schema, not a stack overflow", () => {
    const v = createValidator({ allOf: [{ anyOf: [{ $ref: "#" }] }] });
    expect(() => v([])).toThrow(expect.objectContaining({ name: "CompileError", code: "invalid-schema" }));
  });

  it("refuses a value nested past limits.maxDepth (a 10,000-deep array under a recursive schema), and takes a raised limit", () => {
    const schema = { $defs: { a: { type: "array", items: { $ref: "#/$defs/a" } } }, $ref: "#/$defs/a" };
    let deep: unknown[] = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const v = createValidator(schema);
    expect(() => v(deep)).toThrow(expect.objectContaining({ name: "LimitError", code: "max-depth" }));
    let ok1000: unknown[] = [];
    for (let i = 0; i < 999; i++) ok1000 = [ok1000];
    expect(createValidator(schema, { limits: { maxDepth: 1_000 } })(ok1000).valid).toBe(true);
  });
});
