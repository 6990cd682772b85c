import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { vocabularyFromGguf } from "@formwork/core";
import type { GgufTokenizerMetadata } from "@formwork/core";
import {
  buildFixtureModel,
  isAsciiWord,
  loadTestModel,
  MODEL_VOCAB_SIZE,
  spmVocabPath,
  testThreads,
} from "@formwork/testkit";
import type { FixtureTokenizer, LlamaModel } from "@formwork/testkit";

const tmp = mkdtempSync(join(tmpdir(), "formwork-fixture-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

async function generate(model: LlamaModel, prompt: string, n: number, temperature: number) {
  const context = await model.createContext({ contextSize: 256, threads: testThreads(), sequences: 1 });
  try {
    const sequence = context.getSequence();
    const ids: number[] = [];
    for await (const id of sequence.evaluate(model.tokenize(prompt), { temperature, seed: 1234 })) {
      ids.push(id);
      if (ids.length >= n) break;
    }
    return ids;
  } finally {
    await context.dispose();
  }
}

describe("fixture model: tiny Qwen3", () => {
  it("is deterministic: two builds in two folders have the same SHA-256", async () => {
    const a = await buildFixtureModel({ cacheDir: join(tmp, "a") });
    const b = await buildFixtureModel({ cacheDir: join(tmp, "b") });
    expect(a.built && b.built).toBe(true);
    expect(a.bytes).toBe(b.bytes);
    expect(sha256(a.path)).toBe(sha256(b.path));
    // A second call finds the cached file.
    const again = await buildFixtureModel({ cacheDir: join(tmp, "a") });
    expect(again.built).toBe(false);
    expect(again.path).toBe(a.path);
  });

  it("loads in node-llama-cpp, has the padded Qwen vocabulary as logits, and writes mostly ASCII words", async () => {
    const fixture = await buildFixtureModel();
    const model = await loadTestModel(fixture.path);
    try {
      // The vocabulary from the file's own metadata: 151,643 BPE tokens + 26 added = 151,669 ids,
      // padded to the real model's 151,936 embedding rows.
      const meta = model.fileInfo.metadata.tokenizer.ggml as unknown as GgufTokenizerMetadata;
      const vocab = vocabularyFromGguf(meta);
      expect(vocab.size).toBe(MODEL_VOCAB_SIZE.qwen3);
      expect(vocab.size).toBe(151_936);
      expect(fixture.vocabulary().fingerprint()).toBe(vocab.fingerprint());

      // The logits have one entry per id, all finite: every token stays possible.
      const context = await model.createContext({ contextSize: 64, threads: testThreads() });
      try {
        const prompt = model.tokenize("Once upon a");
        const out = await context.getSequence().controlledEvaluate([
          ...prompt.slice(0, -1),
          [prompt.at(-1)!, { generateNext: { logits: true } }],
        ]);
        const logits = out.at(-1)?.next.logits;
        expect(logits?.size).toBe(vocab.size);
        for (const v of logits!.values()) expect(Number.isFinite(v)).toBe(true);
      } finally {
        await context.dispose();
      }

      for (const temperature of [0, 0.8]) {
        const ids = await generate(model, "The quick brown fox", 40, temperature);
        expect(ids.length).toBeGreaterThanOrEqual(20);
        const words = ids.filter((id) => isAsciiWord(vocab.bytesOf(id))).length;
        // Measured: 58–60 of 60 at both temperatures; the same model without the preference, about half.
        expect(words / ids.length).toBeGreaterThanOrEqual(0.8);
        // Not one token repeated: the output varies.
        expect(new Set(ids).size).toBeGreaterThan(ids.length / 2);
      }
    } finally {
      await model.dispose();
    }
  });
});

const OTHERS: Array<[FixtureTokenizer, boolean]> = [
  ["llama3", true],
  ["spm", existsSync(spmVocabPath())],
];

for (const [tokenizer, available] of OTHERS) {
  describe.skipIf(!available)(`fixture model: tiny ${tokenizer}`, () => {
    it("loads in node-llama-cpp and generates words", async () => {
      const fixture = await buildFixtureModel({ tokenizer });
      expect(fixture.hparams.architecture).toBe("llama");
      const model = await loadTestModel(fixture.path);
      try {
        const vocab = fixture.vocabulary();
        expect(vocab.size).toBe(tokenizer === "llama3" ? 128_256 : 32_000);
        const ids = await generate(model, "Hello world", 30, 0.8);
        expect(ids.length).toBeGreaterThanOrEqual(20);
        const words = ids.filter((id) => isAsciiWord(vocab.bytesOf(id))).length;
        expect(words / ids.length).toBeGreaterThanOrEqual(0.8);
      } finally {
        await model.dispose();
      }
    });
  });
}
