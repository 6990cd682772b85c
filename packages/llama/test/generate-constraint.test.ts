// generate() takes a constraint resolved once (@formwork/constraint) and compiles nothing again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConstraint } from "@formwork/constraint";
import { generate, type LoadedModel } from "@formwork/llama";
import { tinyModel } from "./support.js";

let model: LoadedModel;
beforeAll(async () => {
  model = await tinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

describe("generate with a resolved constraint", () => {
  it("reads the schema once per resolve, however many generations use it", async () => {
    let reads = 0;
    const schema = new Proxy(
      { type: "object", properties: { n: { type: "integer", minimum: 0, maximum: 99 } }, required: ["n"], additionalProperties: false },
      {
        get(target, key, receiver) {
          if (key === "properties") reads++;
          return Reflect.get(target, key, receiver);
        },
      },
    );
    const constraint = resolveConstraint({ schema, schemaOptions: { whitespace: "compact" } })!;
    const perCompile = reads;
    expect(perCompile).toBeGreaterThan(0);
    const values: unknown[] = [];
    for (const seed of [1, 2]) {
      const r = await generate({ model, prompt: "Number:", constraint, seed, maxTokens: 24 });
      expect(r.complete).toBe(true);
      expect(r.value).toEqual(JSON.parse(r.text));
      values.push(r.value);
    }
    expect(reads).toBe(perCompile);
    // The same schema given as an option: resolved before with these options (resolveConstraint keeps
    // equal plain schemas), so read once for its cache key and not compiled again.
    await generate({ model, prompt: "Number:", schema, schemaOptions: { whitespace: "compact" }, maxTokens: 24 });
    const keyReads = reads - perCompile;
    expect(keyReads).toBeLessThanOrEqual(2);
    // With other options: compiled by that call, once (plus its key).
    await generate({ model, prompt: "Number:", schema, schemaOptions: { whitespace: "flexible" }, maxTokens: 24 });
    expect(reads).toBe(2 * perCompile + keyReads);
    // ajv compiles the schema on the first validation only.
    for (const v of values) expect(constraint.validate(v).valid).toBe(true);
  });

  it("returns the constraint's warnings and refuses a constraint beside a schema", async () => {
    const constraint = resolveConstraint({ schema: { type: "array", items: { enum: ["a", "b"] }, uniqueItems: true, maxItems: 2 }, schemaOptions: { lenient: true } })!;
    const r = await generate({ model, prompt: "List:", constraint, maxTokens: 24 });
    expect(r.warnings).toBe(constraint.warnings);
    await expect(generate({ model, prompt: "x", constraint, schema: {} })).rejects.toMatchObject({ code: "constraint-conflict" });
  });
});
