// Where a model comes from: paths relative to the current directory, URLs and hf: URIs through
// node-llama-cpp's resolveModelFile, and the errors when that fails. No test touches the network:
// URIs resolve to files already in a models folder, and the "offline" download goes to a closed local port.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "@formwork/llama";
import { modelSourceKind, resolveModelSource } from "@formwork/llama/internal";
import { buildFixtureModel, testThreads } from "@formwork/testkit";

let dir: string;
let fixturePath: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "formwork-model-source-"));
  fixturePath = (await buildFixtureModel()).path;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("model sources", () => {
  it("reads hf: URIs, URLs and paths as node-llama-cpp does", () => {
    expect(modelSourceKind("hf:Qwen/Qwen3-0.6B-GGUF:Q8_0")).toBe("uri");
    expect(modelSourceKind("hf:user/repo/file.gguf")).toBe("uri");
    expect(modelSourceKind("huggingface:user/repo")).toBe("uri");
    expect(modelSourceKind("hf.co/user/repo:Q4_K_M")).toBe("uri");
    expect(modelSourceKind("https://example.com/m.gguf")).toBe("url");
    expect(modelSourceKind("HTTP://example.com/m.gguf")).toBe("url");
    expect(modelSourceKind("./models/m.gguf")).toBe("file");
    expect(modelSourceKind("hf-model.gguf")).toBe("file");
    expect(modelSourceKind("C:\\models\\m.gguf")).toBe("file");
  });

  it("resolves a relative path against the current directory", async () => {
    const rel = relative(process.cwd(), fixturePath);
    expect(await resolveModelSource(rel)).toBe(fixturePath);
    await expect(resolveModelSource("no/such/model.gguf")).rejects.toMatchObject({ code: "model-not-found", message: expect.stringContaining("no/such/model.gguf") });
  });

  it("resolves an hf: URI to the file node-llama-cpp downloaded before, without the network", async () => {
    const models = join(dir, "models");
    mkdirSync(models, { recursive: true });
    // The name node-llama-cpp gives hf:formwork/tiny-GGUF:Q8_0 in its models folder.
    const cached = join(models, "hf_formwork_tiny.Q8_0.gguf");
    copyFileSync(fixturePath, cached);
    expect(await resolveModelSource("hf:formwork/tiny-GGUF:Q8_0", { modelsDir: models, download: false })).toBe(cached);
    const loaded = await loadModel({ model: "hf:formwork/tiny-GGUF:Q8_0", modelsDir: models, download: false, threads: testThreads(), gpu: false, contextSize: 256 });
    try {
      expect(loaded.path).toBe(cached);
      expect(loaded.vocabulary.size).toBe(151_936);
    } finally {
      await loaded.dispose();
    }
  });

  it("says what is wrong with a URI that is not cached, cannot be parsed, or cannot be downloaded", async () => {
    const models = join(dir, "empty");
    await expect(resolveModelSource("hf:formwork/absent-GGUF:Q4_K_M", { modelsDir: models, download: false })).rejects.toMatchObject({ code: "model-not-found" });
    await expect(resolveModelSource("hf:/nothing", { modelsDir: models })).rejects.toMatchObject({ code: "bad-model-uri" });
    // A local port that was just closed: the host cannot be reached, as when offline.
    const port = await closedPort();
    const offline = resolveModelSource(`http://127.0.0.1:${port}/model.gguf`, { modelsDir: models });
    await expect(offline).rejects.toMatchObject({ code: "model-download-failed", message: expect.stringMatching(/could not download the model "http:\/\/127\.0\.0\.1:\d+\/model\.gguf".*ECONNREFUSED.*offline/s) });
    // An hf: URI reaches the Hugging Face endpoint, which HF_ENDPOINT moves (as node-llama-cpp reads it).
    const saved = process.env.HF_ENDPOINT;
    process.env.HF_ENDPOINT = `http://127.0.0.1:${port}/`;
    try {
      await expect(resolveModelSource("hf:formwork/absent-GGUF:Q4_K_M", { modelsDir: models })).rejects.toMatchObject({ code: "model-download-failed", message: expect.stringContaining("cannot be reached") });
    } finally {
      if (saved === undefined) delete process.env.HF_ENDPOINT;
      else process.env.HF_ENDPOINT = saved;
    }
  });
});

/** A loopback port nothing listens on: bound, then closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
