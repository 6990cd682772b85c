// `formwork generate --n N ...` (best-of-N) in process on the tiny fixture model.
import { describe, expect, it } from "vitest";
import { run } from "@formwork/cli";
import { createValidator } from "@formwork/validate";
import { testThreads } from "@formwork/testkit";
import { captureCli } from "./capture.js";

const io = captureCli("formwork-best-of-n-");
const file = io.file;
const gen = (...args: string[]) => run(["generate", "--threads", String(testThreads()), "--prompt", "A record:", ...args]);

const SCHEMA = {
  type: "object",
  properties: { kind: { enum: ["cat", "dog", "fox"] }, legs: { type: "integer", minimum: 0, maximum: 8 } },
  required: ["kind", "legs"],
  additionalProperties: false,
};
const ajv = createValidator(SCHEMA);

interface Report {
  value: unknown;
  chosen: number | null;
  strategy: string;
  stopped: string;
  votes?: { key: string; count: number; members: number[] }[];
  candidates: { index: number; seed: number; text: string; value: unknown; valid: boolean; errors: { source: string; message: string }[]; meanLogprob: number; sumLogprob: number; tokens: number; stopReason: string; ms: number }[];
  timings: { promptTokensEvaluated: number; batches: number; sequenceSteps: number };
}

describe("formwork generate --n", () => {
  it("--n 4: the chosen value on stdout (the valid candidate with the best mean logprob), a progress line per candidate on stderr", async () => {
    const schema = file("s.json", JSON.stringify(SCHEMA));
    expect(await gen("--schema", schema, "--n", "4", "--seed", "7", "--max-tokens", "60")).toBe(0);
    const value: unknown = JSON.parse(io.out);
    expect(ajv(value).valid).toBe(true);
    expect(io.err.match(/^formwork: candidate \d \(seed \d+\) \d\/4: valid/gm)).toHaveLength(4);
    expect(io.err).toMatch(/4\/4 candidates valid; chose candidate \d \(mean-logprob\)/);
    // The same run with --json: every candidate, the chosen one the best mean logprob, its value the one printed.
    io.out = "";
    expect(await gen("--schema", schema, "--n", "4", "--seed", "7", "--max-tokens", "60", "--json")).toBe(0);
    const r = JSON.parse(io.out) as Report;
    expect(r.candidates).toHaveLength(4);
    expect(r.candidates.map((c) => c.seed)).toEqual([7, 8, 9, 10]);
    const best = Math.max(...r.candidates.filter((c) => c.valid).map((c) => c.meanLogprob));
    expect(r.candidates[r.chosen!].meanLogprob).toBe(best);
    expect(r.value).toEqual(value);
    expect(r.timings.sequenceSteps).toBeGreaterThan(r.timings.batches);
  });

  it("--select vote --vote-key: the modal key wins; --select all prints every valid value", async () => {
    const schema = file("v.json", JSON.stringify(SCHEMA));
    expect(await gen("--schema", schema, "--n", "6", "--select", "vote", "--vote-key", "/kind", "--temperature", "2", "--json", "--max-tokens", "60")).toBe(0);
    const r = JSON.parse(io.out) as Report;
    const kinds = r.candidates.filter((c) => c.valid).map((c) => (c.value as { kind: string }).kind);
    const count = (k: string) => kinds.filter((x) => x === k).length;
    expect(count((r.value as { kind: string }).kind)).toBe(Math.max(...kinds.map(count)));
    expect(r.votes![0].key).toBe(JSON.stringify((r.value as { kind: string }).kind));
    io.out = "";
    expect(await gen("--schema", schema, "--n", "3", "--select", "all", "--max-tokens", "60")).toBe(0);
    const lines = io.out.trim().split("\n");
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(ajv(JSON.parse(l)).valid).toBe(true);
  });

  it("--no-constrain with and without --no-repair: free text judged by repair + ajv; exit 1 when none is valid", async () => {
    const schema = file("f.json", JSON.stringify(SCHEMA));
    for (const extra of [[], ["--no-repair"]]) {
      io.out = "";
      io.err = "";
      const code = await gen("--schema", schema, "--n", "2", "--no-constrain", ...extra, "--max-tokens", "16", "--json");
      const r = JSON.parse(io.out) as Report;
      const valid = r.candidates.filter((c) => c.valid);
      expect(code).toBe(valid.length > 0 ? 0 : 1);
      if (valid.length === 0) expect(io.err).toMatch(/no valid candidate among 2/);
      for (const c of r.candidates) if (c.valid) expect(ajv(c.value).valid).toBe(true);
      else expect(c.errors.length).toBeGreaterThan(0);
    }
  });

  it("--max-total-tokens, --timeout and --sequential", async () => {
    const schema = file("a.json", JSON.stringify({ type: "array", items: { type: "string" } }));
    await gen("--schema", schema, "--n", "3", "--max-tokens", "200", "--max-total-tokens", "30", "--json");
    const r = JSON.parse(io.out) as Report;
    expect(r.stopped).toBe("max-total-tokens");
    expect(r.candidates.reduce((s, c) => s + c.tokens, 0)).toBeLessThan(30 + 3 * 8);
    io.out = "";
    await gen("--schema", schema, "--n", "2", "--max-tokens", "400", "--timeout", "20", "--json");
    expect((JSON.parse(io.out) as Report).stopped).toBe("timeout");
    io.out = "";
    expect(await gen("--schema", file("s2.json", JSON.stringify(SCHEMA)), "--n", "2", "--sequential", "--json", "--max-tokens", "60")).toBe(0);
    const s = JSON.parse(io.out) as Report;
    expect(s.timings.sequenceSteps).toBe(s.timings.batches);
  });

  it("--batch-invariant: the same candidates decoded together and one at a time", async () => {
    const texts = async (...extra: string[]) => {
      io.out = "";
      expect(await gen("--schema", file("s3.json", JSON.stringify(SCHEMA)), "--n", "2", "--seed", "7", "--temperature", "1.2", "--batch-invariant", "--json", "--max-tokens", "40", ...extra)).toBeLessThan(2);
      return (JSON.parse(io.out) as Report).candidates.map((c) => c.text);
    };
    const together = await texts();
    expect(together).toHaveLength(2);
    expect(await texts("--sequential")).toEqual(together);
  });

  it("refuses bad combinations before loading the model", async () => {
    expect(await gen("--n", "0")).toBe(2);
    expect(io.err).toMatch(/--n must be an integer >= 1/);
    io.err = "";
    expect(await gen("--n", "2", "--select", "best")).toBe(2);
    expect(io.err).toMatch(/\[bad-strategy\].*--select must be one of first-valid, mean-logprob, sum-logprob, vote, all, got "best"/);
    io.err = "";
    expect(await gen("--n", "2", "--select", "score")).toBe(2);
    expect(io.err).toMatch(/score needs a score function/);
    io.err = "";
    expect(await gen("--n", "2", "--vote-key", "/a")).toBe(2);
    expect(io.err).toMatch(/--vote-key goes with --select vote/);
    io.err = "";
    expect(await gen("--n", "2", "--no-repair")).toBe(2);
    expect(io.err).toMatch(/--no-repair goes with --no-constrain/);
    io.err = "";
    expect(await gen("--n", "2", "--stream")).toBe(2);
    expect(io.err).toMatch(/--stream/);
    expect(io.err).not.toMatch(/loaded/);
  });
});
