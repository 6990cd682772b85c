// End to end on the real tiny fixture model: schemas × seeds × temperatures, every output
// parses and ajv accepts it, also under tight budgets; the native top candidates never hold a
// refused token; same seed, same output.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSchema, createValidator } from "@formwork/json-schema";
import { generate, type GenerateResult, type LoadedModel } from "@formwork/llama";
import { hasSharedData, sharedData, tinyModel } from "./support.js";

let model: LoadedModel;
beforeAll(async () => {
  model = await tinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

const OWN_SCHEMAS: Record<string, unknown> = {
  person: {
    type: "object",
    properties: {
      name: { type: "string", minLength: 1, maxLength: 12 },
      age: { type: "integer", minimum: 0, maximum: 120 },
      email: { type: "string", format: "email" },
      tags: { type: "array", items: { enum: ["red", "green", "blue"] }, maxItems: 3, uniqueItems: true },
    },
    required: ["name", "age", "tags"],
    additionalProperties: false,
  },
  // Recursive: a tree of named nodes.
  tree: {
    $defs: { node: { type: "object", properties: { id: { type: "integer" }, children: { type: "array", items: { $ref: "#/$defs/node" }, maxItems: 2 } }, required: ["id", "children"], additionalProperties: false } },
    $ref: "#/$defs/node",
  },
  numbers: { type: "array", items: { type: "number", minimum: -5, exclusiveMaximum: 100 }, minItems: 2, maxItems: 5 },
  choice: { anyOf: [{ type: "boolean" }, { type: "null" }, { type: "string", pattern: "^[a-z]{2,6}-[0-9]{2}$" }] },
  order: {
    type: "object",
    properties: {
      id: { type: "string", pattern: "^ORD-[0-9]{4}$" },
      status: { enum: ["new", "paid", "shipped"] },
      lines: { type: "array", minItems: 1, maxItems: 2, items: { type: "object", properties: { sku: { type: "string", maxLength: 8 }, qty: { type: "integer", minimum: 1, maximum: 9 } }, required: ["sku", "qty"], additionalProperties: false } },
      note: { type: ["string", "null"], maxLength: 10 },
    },
    required: ["id", "status", "lines", "note"],
    additionalProperties: false,
  },
};

const TEMPERATURES = [0, 0.7, 1.5];
const SEEDS = [1, 2];

function checkOutput(name: string, schema: unknown, r: GenerateResult): void {
  const where = `${name}: ${JSON.stringify(r.text)} (${r.stopReason})`;
  expect(r.stats.maskViolations, where).toBe(0);
  expect(r.complete, where).toBe(true);
  expect(r.stopReason === "eog" || r.stopReason === "max-tokens", where).toBe(true);
  const parsed: unknown = JSON.parse(r.text);
  expect(r.value, where).toEqual(parsed);
  const check = createValidator(schema)(parsed);
  expect(check.valid, `${where}: ${JSON.stringify(check.errors)}`).toBe(true);
  expect(r.logprobs.length).toBe(r.tokens.length);
  for (const lp of r.logprobs) expect(lp <= 1e-9 && Number.isFinite(lp), where).toBe(true);
}

describe("own schemas × seeds × temperatures", () => {
  for (const [name, schema] of Object.entries(OWN_SCHEMAS)) {
    it(name, async () => {
      for (const temperature of TEMPERATURES) {
        for (const seed of SEEDS) {
          const r = await generate({ model, prompt: "JSON:", schema, temperature, seed, maxTokens: 96 });
          checkOutput(`${name} T=${temperature} seed=${seed}`, schema, r);
        }
      }
    });
  }

  it("tight budgets finish complete and valid (length-aware)", async () => {
    for (const [name, schema] of Object.entries(OWN_SCHEMAS)) {
      const matcher = model.compiler.compile(compileSchema(schema).grammar).createMatcher();
      const min = matcher.minTokensToFinish();
      for (const extra of [0, 1, 3, 8]) {
        const r = await generate({ model, prompt: "JSON:", schema, temperature: 1.5, seed: 7 + extra, maxTokens: min + extra });
        expect(r.tokens.length).toBeLessThanOrEqual(min + extra);
        checkOutput(`${name} maxTokens=${min + extra}`, schema, r);
      }
    }
  });

  it("a budget below the grammar's minimum is an error before generation", async () => {
    const schema = OWN_SCHEMAS.order;
    const min = model.compiler.compile(compileSchema(schema).grammar).createMatcher().minTokensToFinish();
    await expect(generate({ model, prompt: "JSON:", schema, maxTokens: min - 1 })).rejects.toMatchObject({ code: "budget-too-small" });
  });

  it("the same seed gives the same output; another seed usually does not", async () => {
    const schema = OWN_SCHEMAS.person;
    const a = await generate({ model, prompt: "JSON:", schema, temperature: 1, seed: 42, maxTokens: 64 });
    const b = await generate({ model, prompt: "JSON:", schema, temperature: 1, seed: 42, maxTokens: 64 });
    expect(b.tokens).toEqual(a.tokens);
    expect(b.logprobs).toEqual(a.logprobs);
    const others = await Promise.all([43, 44, 45].map(async (seed) => (await generate({ model, prompt: "JSON:", schema, temperature: 1, seed, maxTokens: 64 })).text));
    expect(others.some((t) => t !== a.text)).toBe(true);
  });

  it("an equal schema is resolved and compiled once across calls; a grammar IR is compiled (looked up) each call", async () => {
    const compiler = model.compiler;
    const compile = compiler.compile.bind(compiler);
    let compiles = 0;
    compiler.compile = (g) => {
      compiles++;
      return compile(g);
    };
    try {
      const schema = { type: "array", items: { type: "integer", minimum: 0, maximum: 9 }, maxItems: 2, description: "compiled once" };
      const a = await generate({ model, prompt: "JSON:", schema, temperature: 1, seed: 7, maxTokens: 24 });
      expect(compiles).toBe(1);
      // A copy: resolved from the cache, compiled grammar kept with it; same draw.
      const b = await generate({ model, prompt: "JSON:", schema: structuredClone(schema), temperature: 1, seed: 7, maxTokens: 24 });
      expect(compiles).toBe(1);
      expect(b.tokens).toEqual(a.tokens);
      expect(b.logprobs).toEqual(a.logprobs);
      // Another schema: compiled.
      await generate({ model, prompt: "JSON:", schema: { ...schema, maxItems: 1 }, temperature: 1, seed: 7, maxTokens: 24 });
      expect(compiles).toBe(2);
      const grammar = "root ::= [0-9]";
      await generate({ model, prompt: "JSON:", grammar, maxTokens: 4 });
      await generate({ model, prompt: "JSON:", grammar, maxTokens: 4 });
      expect(compiles).toBe(4);
    } finally {
      compiler.compile = compile;
    }
  });
});

describe.skipIf(!hasSharedData("maskbench-dev"))("a sample of MaskBench schemas", () => {
  it("outputs parse and validate", async () => {
    const dir = join(sharedData(), "maskbench-dev");
    const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
    const picked: { file: string; schema: unknown }[] = [];
    for (let i = 0; i < files.length && picked.length < 10; i += 397) {
      const doc = JSON.parse(readFileSync(join(dir, files[i]), "utf8")) as { schema: unknown };
      try {
        const matcher = model.compiler.compile(compileSchema(doc.schema).grammar).createMatcher();
        if (matcher.minTokensToFinish() > 60) continue;
        createValidator(doc.schema);
      } catch {
        continue; // refused by the schema compiler: out of scope here
      }
      picked.push({ file: files[i], schema: doc.schema });
    }
    expect(picked.length).toBeGreaterThanOrEqual(8);
    for (const { file, schema } of picked) {
      for (const temperature of TEMPERATURES) {
        const r = await generate({ model, prompt: "JSON:", schema, temperature, seed: 5, maxTokens: 120 });
        checkOutput(`${file} T=${temperature}`, schema, r);
      }
    }
  });
});
