// One validator for every package: repair, `check --schema` (checkJsonText), the constraint resolver and
// @formwork/validate give the same verdict on the same schema and value, in every draft.
import { describe, expect, it } from "vitest";
import { resolveConstraint } from "@formwork/constraint";
import { checkJsonText } from "@formwork/json-schema";
import { repairJson, repairYaml } from "@formwork/repair";
import { validate } from "@formwork/validate";

const DRAFT_URI = {
  4: "http://json-schema.org/draft-04/schema#",
  6: "http://json-schema.org/draft-06/schema#",
  7: "http://json-schema.org/draft-07/schema#",
  2019: "https://json-schema.org/draft/2019-09/schema",
  2020: "https://json-schema.org/draft/2020-12/schema",
} as const;

// Schemas whose verdict depends on the draft they are read in, with values on both sides.
const CASES: [keyof typeof DRAFT_URI, Record<string, unknown>, unknown[]][] = [
  [4, { type: "object", properties: { n: { type: "number", maximum: 5, exclusiveMaximum: true } }, required: ["n"] }, [{ n: 4 }, { n: 5 }, { n: 6 }]],
  [4, { type: "object", properties: { n: { type: "integer", minimum: 0, exclusiveMinimum: true } } }, [{ n: 1 }, { n: 0 }]],
  [6, { type: "object", properties: { n: { type: "number", exclusiveMinimum: 0 } } }, [{ n: 1 }, { n: 0 }]],
  [7, { type: "object", properties: { a: { type: "string" } }, if: { required: ["a"] }, then: { required: ["b"] } }, [{ a: "x", b: 1 }, { a: "x" }, {}]],
  [7, { type: "array", items: [{ type: "integer" }], additionalItems: false }, [[1], [1, 2]]],
  [2019, { type: "array", items: [{ type: "integer" }, { type: "string" }], additionalItems: false }, [[1, "a"], [1, "a", 3]]],
  [2019, { type: "object", properties: { a: {} }, dependentRequired: { a: ["b"] } }, [{ a: 1, b: 2 }, { a: 1 }]],
  [2020, { type: "array", prefixItems: [{ type: "integer" }], items: false }, [[1], [1, 2]]],
  [2020, { type: "object", properties: { email: { type: "string", format: "email" } } }, [{ email: "ada@example.com" }, { email: "ada" }]],
];

describe("repair, check, the resolver and the validator agree", () => {
  it.each(CASES)("draft %s: %j", (draft, body, values) => {
    const schema = { $schema: DRAFT_URI[draft], ...body };
    const constraint = resolveConstraint({ schema, schemaOptions: { lenient: true } });
    let sawValid = false;
    let sawInvalid = false;
    for (const value of values) {
      const valid = validate(schema, value).valid;
      if (valid) sawValid = true;
      else sawInvalid = true;
      const text = JSON.stringify(value);
      expect(constraint!.validate(value).valid, `resolver: ${text}`).toBe(valid);
      expect(checkJsonText(schema, text, { lenient: true }).valid, `check: ${text}`).toBe(valid);
      // Repair leaves a valid value alone; an invalid one is either refused or changed (and then valid).
      for (const r of [repairJson(text, { schema }), repairYaml(text, { schema })]) {
        expect(r.ok && r.edits.every((e) => e.kind === "json-in-yaml"), `repair: ${text} -> ${JSON.stringify(r)}`).toBe(valid);
        if (r.ok) expect(validate(schema, r.value).valid).toBe(true);
        else expect(r.errors.length).toBeGreaterThan(0);
      }
    }
    expect(sawValid && sawInvalid).toBe(true);
  });
});
