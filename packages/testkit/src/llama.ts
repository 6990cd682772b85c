import { availableParallelism } from "node:os";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import type { Llama, LlamaModel } from "node-llama-cpp";

/**
 * Threads for node-llama-cpp in tests: `FORMWORK_TEST_THREADS`, else 1 on
 * machines with at most 2 cores (several test workers share them), else 2.
 * node-llama-cpp's default of 4 threads is 100× slower on 2 cores.
 */
export function testThreads(): number {
  const env = Number(process.env.FORMWORK_TEST_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return availableParallelism() <= 2 ? 1 : 2;
}

let llamaPromise: Promise<Llama> | undefined;

/**
 * The process's node-llama-cpp instance for tests: CPU only, the prebuilt
 * binary (never builds or downloads), `testThreads()` threads, errors-only logs.
 */
export function testLlama(): Promise<Llama> {
  llamaPromise ??= getLlama({
    gpu: false,
    build: "never",
    maxThreads: testThreads(),
    logLevel: LlamaLogLevel.error,
    progressLogs: false,
    logger: (level, message) => {
      // A vocabulary-only load first logs a failed full load, then succeeds; drop that noise.
      if (/missing tensor 'token_embd\.weight'|llama_model_load_from_file_impl: failed to load model/.test(message)) return;
      if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) console.error(`[node-llama-cpp] ${message}`);
    },
  });
  return llamaPromise;
}

/** Loads a GGUF file's vocabulary only (no weights) for tokenizer oracles. Dispose it when done. */
export async function loadVocabOnlyModel(modelPath: string): Promise<LlamaModel> {
  const llama = await testLlama();
  return llama.loadModel({ modelPath, vocabOnly: true });
}

/** Loads a GGUF model for generation tests (CPU, memory-mapped). Dispose it when done. */
export async function loadTestModel(modelPath: string): Promise<LlamaModel> {
  const llama = await testLlama();
  return llama.loadModel({ modelPath, gpuLayers: 0 });
}

/** The `tokenizer.ggml` metadata of a GGUF file, read with node-llama-cpp's GGUF reader (no model load). */
export async function readGgufTokenizerMetadata(path: string): Promise<Record<string, unknown>> {
  const { readGgufFileInfo } = await import("node-llama-cpp");
  const info = await readGgufFileInfo(path, { readTensorInfo: false });
  const g = (info.metadata as { tokenizer?: { ggml?: Record<string, unknown> } }).tokenizer?.ggml;
  if (!g) throw new Error(`${path} has no tokenizer.ggml metadata`);
  return g;
}
