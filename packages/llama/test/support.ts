// Shared set-up for the @formwork/llama tests: the tiny fixture model, loaded once per file.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { buildFixtureModel, testThreads } from "@formwork/testkit";
import { loadModel, type LoadedModel } from "@formwork/llama";

/** The shared test data folder (`FORMWORK_SHARED_DATA`, else `../shared/data` beside the repo). */
export function sharedData(): string {
  return process.env.FORMWORK_SHARED_DATA ?? resolve(import.meta.dirname, "../../..", "../shared/data");
}

export function hasSharedData(sub: string): boolean {
  return existsSync(resolve(sharedData(), sub));
}

/** Loads the tiny Qwen3 fixture model on the CPU with the test thread count. */
export async function tinyModel(): Promise<LoadedModel> {
  const f = await buildFixtureModel({ tokenizer: "qwen3", size: "tiny" });
  return loadModel({ model: f.path, threads: testThreads(), gpu: false, contextSize: 2048 });
}
