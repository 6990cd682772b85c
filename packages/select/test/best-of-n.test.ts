// bestOfN on the real tiny fixture model with ajv (@formwork/validate): each strategy's choice checked
// against its definition from the candidates' own recorded values and log-probabilities (the chosen
// one's recomputed independently by teacher forcing), validators, the free and free + repair paths,
// and the budgets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixtureModel, teacherForcedLogprobs, testThreads } from "@formwork/testkit";
import { loadModel, type LoadedModel } from "@formwork/llama";
import { resolveConstraint } from "@formwork/constraint";
import { createValidator } from "@formwork/validate";
import { bestOfN, type BestOfNResult, type Candidate } from "@formwork/select";
import { canonicalJson } from "@formwork/select/internal";

let model: LoadedModel;
beforeAll(async () => {
  const f = await buildFixtureModel({ tokenizer: "qwen3", size: "tiny" });
  model = await loadModel({ model: f.path, threads: testThreads(), gpu: false, contextSize: 1024 });
});
afterAll(async () => {
  await model?.dispose();
});

const schema = {
  type: "object",
  properties: { color: { enum: ["red", "green", "blue"] }, size: { type: "integer", minimum: 0, maximum: 99 }, ok: { type: "boolean" } },
  required: ["color", "size", "ok"],
  additionalProperties: false,
} as const;
const prompt = "A thing as JSON:";
const ajv = createValidator(schema);

/** The invariants every report keeps: valid exactly when the errors are none, and (with a schema) only when ajv agrees. */
function checkReport(r: BestOfNResult, n: number): void {
  expect(r.candidates).toHaveLength(n);
  for (const [i, c] of r.candidates.entries()) {
    expect(c.index).toBe(i);
    expect(c.valid).toBe(c.errors.length === 0);
    if (c.valid) expect(ajv(c.value).valid, JSON.stringify(c.value)).toBe(true);
    const sampled = c.logprobs.filter((_, j) => !c.forced[j]);
    expect(c.meanLogprob).toBeCloseTo(sampled.length ? sampled.reduce((s, x) => s + x, 0) / sampled.length : 0, 10);
    expect(c.sumLogprob).toBeCloseTo(c.logprobs.reduce((s, x) => s + x, 0), 10);
    expect(c.tokens).toBe(c.tokenIds.length);
  }
  expect(r.values).toEqual(r.candidates.filter((c) => c.valid).map((c) => c.value));
}

const valid = (r: BestOfNResult) => r.candidates.filter((c) => c.valid);

describe("bestOfN strategies on the fixture model", () => {
  it("mean-logprob and sum-logprob choose the highest among the valid candidates; the chosen one's logprobs recomputed independently", async () => {
    for (const select of ["mean-logprob", "sum-logprob"] as const) {
      const r = await bestOfN({ model, prompt, schema, n: 4, select, seed: 10, temperature: 1, maxTokens: 96 });
      checkReport(r, 4);
      expect(r.stopped).toBe("done");
      expect(valid(r)).toHaveLength(4);
      const metric = (c: Candidate) => (select === "mean-logprob" ? c.meanLogprob : c.sumLogprob);
      const top = Math.max(...valid(r).map(metric));
      expect(metric(r.chosen!)).toBe(top);
      expect(r.value).toEqual(r.chosen!.value);
      expect(r.chosen!.valid).toBe(true);
      const promptIds = model.model.tokenize(prompt, false) as number[];
      const matcher = model.compiler.compile(resolveConstraint({ schema })!.grammar).createMatcher();
      const lps = await teacherForcedLogprobs(model.model, { threads: model.threads, vocabSize: model.vocabulary.size, prompt: promptIds, tokens: r.chosen!.tokenIds, forced: r.chosen!.forced, matcher });
      const sampled = lps.filter((_, j) => !r.chosen!.forced[j]);
      const mean = sampled.reduce((s, x) => s + x, 0) / sampled.length;
      // Batch shapes differ between the run and the oracle: llama.cpp rounds ~1e-3 differently.
      expect(Math.abs(mean - r.chosen!.meanLogprob)).toBeLessThan(1e-2);
    }
  });

  it("vote: N = 16 on a small enum at high temperature; the winner is the modal value, and an early stop could not have changed it", async () => {
    const enumSchema = { enum: ["alpha", "beta", "gamma"] };
    const r = await bestOfN({ model, prompt: "Pick one:", schema: enumSchema, n: 16, select: "vote", seed: 1, temperature: 3 });
    expect(r.candidates).toHaveLength(16);
    const counts = new Map<string, number>();
    for (const c of valid(r)) counts.set(canonicalJson(c.value), (counts.get(canonicalJson(c.value)) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    expect(counts.get(canonicalJson(r.value))).toBe(sorted[0]);
    expect(counts.size, "high temperature spreads the votes").toBeGreaterThan(1);
    const unfinished = r.candidates.filter((c) => c.stopReason === "abort").length;
    if (r.stopped === "vote-decided") expect(sorted[0]).toBeGreaterThan((sorted[1] ?? 0) + unfinished);
    else expect(unfinished).toBe(0);
    // The winner of the groups with the modal count: ties broken by the best mean logprob; in the group, the best mean logprob.
    const group = valid(r).filter((c) => canonicalJson(c.value) === canonicalJson(r.value));
    expect(r.chosen!.meanLogprob).toBe(Math.max(...group.map((c) => c.meanLogprob)));
    expect(r.votes![0].count).toBe(sorted[0]);
  });

  it("vote on a key path: candidates agreeing on the key are one group", async () => {
    const r = await bestOfN({ model, prompt, schema, n: 6, select: "vote", voteKey: "/color", seed: 3, temperature: 2, maxTokens: 96 });
    checkReport(r, 6);
    const colors = valid(r).map((c) => (c.value as { color: string }).color);
    const modal = Math.max(...colors.map((x) => colors.filter((y) => y === x).length));
    expect(colors.filter((x) => x === (r.value as { color: string }).color)).toHaveLength(modal);
    for (const c of valid(r)) expect(c.voteKey).toBe(JSON.stringify((c.value as { color: string }).color));
  });

  it("first-valid returns the first candidate to finish valid and stops the rest", async () => {
    const order: number[] = [];
    const r = await bestOfN({ model, prompt, schema: { type: "array", items: { type: "integer" }, maxItems: 40 }, n: 4, select: "first-valid", seed: 5, temperature: 1, maxTokens: 128, onCandidate: (c) => order.push(c.index) });
    expect(r.chosen).toBeDefined();
    expect(order[0]).toBe(r.chosen!.index);
    expect(r.stopped === "first-valid" || order.length === 4).toBe(true);
    const firstValid = r.candidates.filter((c) => c.valid).sort((a, b) => a.validatedMs - b.validatedMs)[0];
    expect(firstValid.index).toBe(r.chosen!.index);
    expect(r.timings.firstValidMs).toBe(r.chosen!.validatedMs);
    if (r.stopped === "first-valid") for (const c of r.candidates) if (c.index !== r.chosen!.index) expect(c.stopReason === "abort" || c.validatedMs >= r.chosen!.validatedMs).toBe(true);
  });

  it("score (async) chooses the highest score among the valid ones; all chooses none and keeps every candidate", async () => {
    const r = await bestOfN({ model, prompt, schema, n: 4, select: "score", seed: 20, maxTokens: 96, score: async (c) => -c.tokens });
    checkReport(r, 4);
    expect(r.chosen!.score).toBe(Math.max(...valid(r).map((c) => -c.tokens)));
    const all = await bestOfN({ model, prompt, schema, n: 3, select: "all", seed: 20, maxTokens: 96 });
    expect(all.chosen).toBeUndefined();
    expect(all.value).toBeUndefined();
    expect(all.values).toHaveLength(3);
  });
});

describe("bestOfN validators", () => {
  it("a failing validator makes a candidate invalid with its errors; a throwing async one is that candidate's error, not the run's", async () => {
    const r = await bestOfN({
      model,
      prompt,
      schema,
      n: 4,
      seed: 30,
      maxTokens: 96,
      validators: [
        (v: { size: number }) => (v.size % 2 === 0 ? true : [`size ${v.size} is odd`]),
        async (_v: unknown, c: Candidate) => {
          await new Promise((res) => setTimeout(res, 1));
          if (c.index === 1) throw new Error("the tool is down");
          return { ok: true };
        },
      ],
    });
    checkReport(r, 4);
    for (const c of r.candidates) {
      const odd = (c.value as { size: number }).size % 2 === 1;
      expect(c.valid).toBe(!odd && c.index !== 1);
      if (odd) expect(c.errors).toContainEqual({ source: "validator", validator: 0, message: `size ${(c.value as { size: number }).size} is odd` });
      if (c.index === 1) expect(c.errors).toContainEqual({ source: "validator", validator: 1, message: "validator 1 threw: the tool is down" });
    }
    if (r.chosen) expect(r.chosen.valid).toBe(true);
    else expect(valid(r)).toHaveLength(0);
  });
  it("a slow async validator does not pause decoding: the other candidates finish and are judged while it waits", async () => {
    // The first candidate judged holds its verdict until another candidate's verdict arrives (or 30 s pass).
    // Judged between decode steps, this would wait the 30 s and the others would come after it.
    let release: (() => void) | undefined;
    let heldIndex = -1;
    let releasedBy: "verdict" | "timeout" | undefined;
    const order: number[] = [];
    const r = await bestOfN({
      model,
      prompt,
      schema,
      n: 4,
      seed: 40,
      maxTokens: 96,
      select: "all",
      validators: [
        async (_v: unknown, c: Candidate) => {
          if (heldIndex >= 0) return true;
          heldIndex = c.index;
          await new Promise<void>((res) => {
            const t = setTimeout(() => ((releasedBy ??= "timeout"), res()), 30_000);
            release = () => (clearTimeout(t), (releasedBy ??= "verdict"), res());
          });
          return "held, then refused";
        },
      ],
      onCandidate: (c) => {
        order.push(c.index);
        if (c.index !== heldIndex) release?.();
      },
    });
    checkReport(r, 4);
    expect(releasedBy).toBe("verdict");
    expect(heldIndex).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(heldIndex)).toBeGreaterThan(0);
    expect(r.candidates[heldIndex].errors).toContainEqual({ source: "validator", validator: 0, message: "held, then refused" });
  });
});

describe("bestOfN without a constraint", () => {
  it("free text, with and without repair: valid exactly when ajv accepts the (repaired) value", async () => {
    for (const repair of [true, false]) {
      const r = await bestOfN({ model, prompt, schema, n: 3, constrain: false, repair, seed: 40, maxTokens: 24 });
      checkReport(r, 3);
      for (const c of r.candidates) {
        expect(c.complete).toBe(true);
        if (repair) expect(c.edits).toBeDefined();
        else expect(c.edits).toBeUndefined();
        if (!c.valid) expect(c.errors.length).toBeGreaterThan(0);
        if (!repair && c.valid) expect(ajv(JSON.parse(c.text)).valid).toBe(true);
      }
    }
  });
});

describe("bestOfN budgets and bad input", () => {
  it("maxTotalTokens stops every candidate once the total is spent", async () => {
    const r = await bestOfN({ model, prompt, schema: { type: "array", items: { type: "string" } }, n: 4, seed: 50, maxTokens: 200, maxTotalTokens: 40 });
    expect(r.stopped).toBe("max-total-tokens");
    const total = r.candidates.reduce((s, c) => s + c.tokens, 0);
    expect(total).toBeGreaterThanOrEqual(40);
    // The step in flight when the budget ran out may add forced tokens; a few past the budget at most.
    expect(total).toBeLessThan(40 + 4 * 8);
    expect(r.stats.tokens).toBe(total);
  });

  it("timeoutMs and an AbortSignal stop the run; the report says why", async () => {
    const t = await bestOfN({ model, prompt, schema: { type: "array", items: { type: "string" } }, n: 2, seed: 51, maxTokens: 400, timeoutMs: 30 });
    expect(t.stopped).toBe("timeout");
    expect(t.candidates.every((c) => c.stopReason === "abort" || c.stopReason === "eog")).toBe(true);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 30);
    const a = await bestOfN({ model, prompt, schema: { type: "array", items: { type: "string" } }, n: 2, seed: 52, maxTokens: 400, signal: stop.signal });
    expect(a.stopped).toBe("abort");
    expect(a.candidates.some((c) => c.stopReason === "abort")).toBe(true);
    const b = await bestOfN({ model, prompt, schema, n: 2, seed: 52, signal: stop.signal });
    expect(b.stopped).toBe("abort");
    expect(b.candidates.every((c) => c.stopReason === "abort" && !c.valid)).toBe(true);
  });

  it("refuses bad options before decoding", async () => {
    await expect(bestOfN({ model, prompt, schema, n: 0 })).rejects.toThrow(/n must be an integer >= 1/);
    await expect(bestOfN({ model, prompt, schema, select: "best" as never })).rejects.toThrow(/unknown selection strategy "best"/);
    await expect(bestOfN({ model, prompt, schema, select: "score" })).rejects.toThrow(/needs a score function/);
    await expect(bestOfN({ model, prompt, schema, maxTotalTokens: -1 })).rejects.toThrow(/maxTotalTokens must be a positive number/);
    await expect(bestOfN({ model, prompt, schema, temperature: [] })).rejects.toThrow(/temperature is an empty list/);
  });
});
