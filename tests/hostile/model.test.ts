// Hostile model files and thread counts (issue 17): refused before node-llama-cpp reads them, with a clear error.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadModel } from "@formwork/llama";
import { ggufHeader as header, ggufString as str, ggufU32 as u32, ggufU64 as u64 } from "@formwork/testkit";
import { expectError, outcome } from "./outcome.js";

const dir = mkdtempSync(join(tmpdir(), "formwork-hostile-gguf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, ...parts: Buffer[]) => {
  const p = join(dir, name);
  writeFileSync(p, Buffer.concat(parts));
  return p;
};

describe("hostile GGUF files", () => {
  const cases: [string, string, string][] = [
    ["2^63 key-values in a 24-byte file", file("kv.gguf", header(0n, 2n ** 63n)), "key-value count"],
    ["2^40 tensors", file("tensors.gguf", header(2n ** 40n, 0n)), "tensor count"],
    ["a key whose length is 2^62", file("key.gguf", header(0n, 1n), u64(2n ** 62n), Buffer.alloc(64)), "length of key 0"],
    ["a string value longer than the file", file("string.gguf", header(0n, 1n), str("k"), u32(8), u64(1000n), Buffer.from("abc")), "value of key 0"],
    ["an array of 2^60 strings", file("array.gguf", header(0n, 1n), str("k"), u32(9), u32(8), u64(2n ** 60n)), "length of array 0"],
    ["an array of arrays", file("nested.gguf", header(0n, 1n), str("k"), u32(9), u32(9), u64(1n)), "nested arrays"],
    ["an unknown value type", file("type.gguf", header(0n, 1n), str("k"), u32(77), u32(1)), "unknown type 77"],
    ["a tensor with 2^31 dimensions", file("dims.gguf", header(1n, 0n), str("t"), u32(2 ** 31), Buffer.alloc(64)), "dimensions"],
    ["the wrong magic", file("magic.gguf", Buffer.from("GGML"), u32(3), u64(0n), u64(0n)), 'magic "GGUF"'],
    ["version 1", file("v1.gguf", header(0n, 0n, 1)), "version is 1"],
    ["an empty file", file("empty.gguf"), 'magic "GGUF"'],
  ];
  it.each(cases)("%s: gguf-header", async (_name, path, fragment) => {
    const e = expectError(await outcome(() => loadModel({ modelPath: path, threads: 1 })), "gguf-header");
    expect(e.message).toContain(fragment);
  });

  it("a well-formed header of no model passes the check and llama.cpp's refusal is a clear error", async () => {
    const path = file("ok.gguf", header(0n, 1n), str("general.architecture"), u32(8), str("llama"));
    expectError(await outcome(() => loadModel({ modelPath: path, threads: 1 })), "model-load-failed");
  });
});

describe("hostile thread counts", () => {
  it("1,000 and 10,000 threads: past ggml's 512 (bad-threads)", async () => {
    for (const threads of [1_000, 10_000]) expectError(await outcome(() => loadModel({ threads })), "bad-threads");
  });
  it("more threads than cores: max-threads, naming the limit", async () => {
    const e = expectError(await outcome(() => loadModel({ threads: 500 })), "max-threads");
    expect(e).toMatchObject({ limit: "maxThreads" });
  });
  it("0 and 1.5 threads: bad-threads", async () => {
    for (const threads of [0, 1.5]) expectError(await outcome(() => loadModel({ threads })), "bad-threads");
  });
});

describe("hostile token budgets", () => {
  it("maxTokens past the context: context-too-small before the model is even looked for", async () => {
    const { generate } = await import("@formwork/llama");
    const { bestOfN } = await import("@formwork/select");
    const missing = join(dir, "no-such-model.gguf");
    const e = expectError(await outcome(() => generate({ model: missing, prompt: "x", maxTokens: 1e12 })), "context-too-small");
    expect(e.message).toContain("maxTokens 1000000000000 cannot fit: the context holds 4096 tokens");
    expectError(await outcome(() => generate({ model: missing, prompt: "x", maxTokens: 500, load: { contextSize: 500 } })), "context-too-small");
    expectError(await outcome(() => bestOfN({ model: missing, prompt: "x", n: 2, maxTokens: 4096 })), "context-too-small");
    // Under the context, the missing model is what is wrong.
    expectError(await outcome(() => generate({ model: missing, prompt: "x", maxTokens: 4095 })), "model-not-found");
  });
});
