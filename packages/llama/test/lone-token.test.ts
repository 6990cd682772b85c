// A token the mask allows alone (fast-forward on) is taken without a native step and evaluated with the
// next batch (`SequenceDecoder.takeLone`). Checked on the tiny fixture model against a fresh matcher
// replaying each output: the lone tokens are exactly the sampled (not forced) tokens at positions where
// the mask allowed one token, each with logprob 0; outputs stay valid (ajv) and repeatable by seed;
// with fast-forward off no token is taken that way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenMask } from "@formwork/core";
import { resolveConstraint } from "@formwork/constraint";
import { createValidator } from "@formwork/json-schema";
import { generate, type LoadedModel } from "@formwork/llama";
import { tinyModel } from "./support.js";

let model: LoadedModel;
beforeAll(async () => {
  model = await tinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

// Keys and enum values that leave one token at a time after their first bytes (":" after a key, say).
const SCHEMA = {
  type: "object",
  properties: {
    ok: { type: "boolean" },
    count: { type: "integer", minimum: 0, maximum: 9 },
    colour: { enum: ["red", "green"] },
    notes: { type: "array", items: { type: "string", maxLength: 6 }, maxItems: 2 },
  },
  required: ["ok", "count", "colour", "notes"],
  additionalProperties: false,
};

describe("tokens the mask leaves alone (tiny model)", () => {
  it("are taken without a native step exactly where one token is allowed, logprob 0; outputs valid and repeatable", async () => {
    const valid = createValidator(SCHEMA);
    const compiled = model.compiler.compile(resolveConstraint({ schema: SCHEMA })!.grammar);
    let lone = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const o = { model, prompt: "Output JSON:", schema: SCHEMA, maxTokens: 64, temperature: 0.8, seed, topK: 40, topP: 0.95 };
      const r = await generate(o);
      const again = await generate(o);
      expect(again.tokens).toEqual(r.tokens);
      expect(r.stats.maskViolations).toBe(0);
      if (r.stopReason === "eog") expect(valid(r.value).valid).toBe(true);
      // Replay: sampled tokens at positions where the mask allowed exactly one token.
      const m = compiled.createMatcher();
      const mask = new TokenMask(model.vocabulary.size);
      let single = 0;
      for (let i = 0; i < r.tokens.length; i++) {
        m.fillNextTokenMask(mask);
        expect(mask.has(r.tokens[i])).toBe(true);
        if (mask.count() === 1 && !r.forced[i]) {
          single++;
          expect(r.logprobs[i]).toBe(0);
        }
        expect(m.acceptToken(r.tokens[i])).toBe(true);
      }
      expect(r.stats.loneTokens).toBe(single);
      lone += r.stats.loneTokens;
      // Each lone token saved a native step: steps = sampled tokens - lone tokens (+ 1 for the end token's step when it ended on one).
      const sampled = r.forced.filter((f) => !f).length;
      expect(r.stats.steps).toBeLessThanOrEqual(sampled - r.stats.loneTokens + 1);
    }
    expect(lone).toBeGreaterThan(0);
  }, 300_000);

  it("fast-forward off: every token gets its native step", async () => {
    const r = await generate({ model, prompt: "Output JSON:", schema: SCHEMA, maxTokens: 64, temperature: 0.8, seed: 1, topK: 40, fastForward: false });
    expect(r.stats.loneTokens).toBe(0);
    expect(r.stats.forcedTokens).toBe(0);
  }, 300_000);
});
