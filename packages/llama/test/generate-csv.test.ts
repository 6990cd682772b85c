// End to end on the real tiny fixture model, CSV syntax (issue 13): table schemas x dialects x seeds x
// temperatures, also under tight budgets: every output is complete, csv-parse (parseCsv) reads it into the
// records `value` holds, ajv accepts them, and the row count stays within minItems/maxItems.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv, type CsvOptions } from "@formwork/csv";
import { columns, resolveConstraint } from "@formwork/constraint";
import { createValidator } from "@formwork/json-schema";
import { generate, type GenerateResult, type LoadedModel } from "@formwork/llama";
import { tinyModel } from "./support.js";

let model: LoadedModel;
beforeAll(async () => {
  model = await tinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

const TABLES: [string, Record<string, unknown>, CsvOptions][] = [
  ["people", columns("name:string<=12,age:integer>=0<=120,email?:email,status:active|inactive", { minRows: 1, maxRows: 3 }), {}],
  [
    "mixed",
    {
      type: "array",
      minItems: 2,
      maxItems: 4,
      items: {
        type: "object",
        properties: {
          code: { type: "string", pattern: "^[A-Z]{2}-[0-9]{2}$" },
          price: { type: "number", minimum: 0, maximum: 1000 },
          // Bounded: an unbounded multipleOf lets integers past 2^53 through, which ajv checks in floating point (as in JSON output).
          qty: { type: ["integer", "null"], multipleOf: 5, minimum: -1000, maximum: 1000 },
          note: { type: "string", maxLength: 8 },
          ok: { type: "boolean" },
          kind: { anyOf: [{ type: "integer", maximum: 9 }, { enum: ["a,b", 'q"q', "12"] }] },
        },
        required: ["code", "price", "ok"],
      },
    },
    { delimiter: ";", lineEnding: "\r\n", nullText: "NULL" },
  ],
  ["headless", columns("x:integer,y?:string|null", { maxRows: 2 }), { header: false, quoting: "strings", delimiter: "\t" }],
];

function checkOutput(where: string, schema: Record<string, unknown>, csv: CsvOptions, r: GenerateResult): void {
  const at = `${where}: ${JSON.stringify(r.text)} (${r.stopReason})`;
  expect(r.stats.maskViolations, at).toBe(0);
  expect(r.complete, at).toBe(true);
  const table = resolveConstraint({ schema, syntax: "csv", schemaOptions: { csv } })!.table!;
  const records = parseCsv(r.text, table);
  expect(r.value, at).toEqual(records);
  const check = createValidator(schema)(records);
  expect(check.valid, `${at}: ${JSON.stringify(check.errors)}`).toBe(true);
  expect(records.length, at).toBeGreaterThanOrEqual((schema.minItems as number | undefined) ?? 0);
  expect(records.length, at).toBeLessThanOrEqual((schema.maxItems as number | undefined) ?? Infinity);
}

describe("CSV tables on the fixture model", () => {
  for (const [name, schema, csv] of TABLES) {
    it(`${name}: seeds x temperatures`, async () => {
      for (const temperature of [0, 0.7, 1.5]) {
        for (const seed of [1, 2]) {
          const r = await generate({ model, prompt: "CSV:", schema, syntax: "csv", schemaOptions: { csv }, temperature, seed, maxTokens: 160 });
          checkOutput(`${name} T=${temperature} seed=${seed}`, schema, csv, r);
        }
      }
    });
  }

  it("tight budgets finish complete and valid", async () => {
    for (const [name, schema, csv] of TABLES) {
      const c = resolveConstraint({ schema, syntax: "csv", schemaOptions: { csv } })!;
      const min = model.compiler.compile(c.grammar).createMatcher().minTokensToFinish();
      for (const extra of [0, 1, 4]) {
        const budget = Math.max(1, min + extra);
        const r = await generate({ model, prompt: "CSV:", constraint: c, temperature: 1.5, seed: 3 + extra, maxTokens: budget });
        expect(r.tokens.length).toBeLessThanOrEqual(budget);
        checkOutput(`${name} maxTokens=${min + extra}`, schema, csv, r);
      }
    }
  });
});
