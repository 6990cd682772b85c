// With topK in 1..64 and `candidates` not given, the decode loop reads the best 64 allowed tokens per
// step instead of 256 (`candidatesToRead`, native-logits.ts). The claim: the same draws as reading 256,
// only cheaper; each logprob is renormalised over the best 64 instead of 256, so it is at least the
// 256-read one, and equal at steps with at most 64 allowed tokens. Checked on the tiny fixture model
// through `generate` against the same calls with `candidates: 256` (the old read), over seeds,
// temperatures and top-p / min-p; constraints whose length budget never binds (every prefix can end,
// or a budget far above the output), so the budget fallback (applied over the candidates read) stays out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { candidateDecoder, generate, type LoadedModel } from "@formwork/llama";
import { candidatesToRead } from "@formwork/llama/internal";
import { tinyModel } from "./support.js";

let model: LoadedModel;
beforeAll(async () => {
  model = await tinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

describe("candidatesToRead", () => {
  it("reads 64 only when every topK is 1-64 and candidates is not given", () => {
    expect(candidatesToRead(undefined, [40])).toBe(64);
    expect(candidatesToRead(undefined, [1, 64])).toBe(64);
    expect(candidatesToRead(undefined, [0])).toBe(256);
    expect(candidatesToRead(undefined, [40, 0])).toBe(256);
    expect(candidatesToRead(undefined, [65])).toBe(256);
    expect(candidatesToRead(undefined, [1000])).toBe(1000);
    expect(candidatesToRead(256, [40])).toBe(256);
    expect(candidatesToRead(16, [40])).toBe(40);
    expect(candidatesToRead(Infinity, [40])).toBe(Infinity);
    expect(candidatesToRead(undefined, [])).toBe(256);
  });
});

const PROMPT = "Output:";
// Every prefix is a complete output, so every token fits any budget; thousands of tokens allowed per step.
const WORDS = "[a-z ,.]*";
const PERSON = {
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer" }, tags: { type: "array", items: { type: "string" }, maxItems: 3 } },
  required: ["name", "age", "tags"],
  additionalProperties: false,
};

describe("topK 1-64: the best 64 give the same draws as the best 256 (tiny model)", () => {
  // The schema case is slow (the tiny model writes long strings), so it runs fewer samplings and seeds.
  const cases: { name: string; constraint: { regex: string } | { schema: object }; maxTokens: number; samplings: number; seeds: number }[] = [
    { name: "regex, every prefix complete", constraint: { regex: WORDS }, maxTokens: 32, samplings: 5, seeds: 3 },
    { name: "schema, budget far above the output", constraint: { schema: PERSON }, maxTokens: 400, samplings: 2, seeds: 2 },
  ];
  const samplings = [
    { temperature: 0.8, topK: 40 },
    { temperature: 1.5, topK: 64 },
    { temperature: 1.2, topK: 50, topP: 0.9 },
    { temperature: 1, topK: 20, minP: 0.05 },
    { temperature: 0.5, topK: 5 },
  ];
  for (const c of cases) {
    it(`${c.name}: same tokens over seeds x samplings, logprobs >= the 256-read ones`, async () => {
      let tokens = 0, higher = 0;
      for (const s of samplings.slice(0, c.samplings)) {
        for (let seed = 1; seed <= c.seeds; seed++) {
          const o = { model, prompt: PROMPT, ...c.constraint, maxTokens: c.maxTokens, seed, ...s };
          const small = await generate(o);
          const wide = await generate({ ...o, candidates: 256 });
          expect(small.tokens).toEqual(wide.tokens);
          expect(small.text).toBe(wide.text);
          expect(small.stats.maskViolations).toBe(0);
          for (let i = 0; i < small.tokens.length; i++) {
            const a = small.logprobs[i], b = wide.logprobs[i];
            expect(a).toBeGreaterThanOrEqual(b - 1e-9);
            if (a > b + 1e-9) higher++;
          }
          tokens += small.tokens.length;
        }
      }
      // The reduced read did happen: the normaliser over fewer candidates raised logprobs.
      expect(tokens).toBeGreaterThan(50);
      expect(higher).toBeGreaterThan(0);
    }, 300_000);
  }

  it("candidateDecoder: N candidates with topK 40 decode the same tokens as with candidates: 256", async () => {
    const samplingsN = [1, 2, 3].map((seed) => ({ seed, temperature: 1, topK: 40 }));
    const run = async (candidates?: number) => {
      const decoder = await candidateDecoder({ model, prompt: PROMPT, regex: WORDS, candidates });
      const out: number[][] = [];
      for await (const e of decoder.decode({ candidates: samplingsN, maxTokens: 24 })) if (e.type === "end") out[e.candidate] = e.output.tokens;
      await decoder.dispose();
      return out;
    };
    const small = await run();
    const wide = await run(256);
    expect(small).toEqual(wide);
    expect(small.flat().length).toBeGreaterThan(30);
  }, 300_000);
});
