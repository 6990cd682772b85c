/**
 * The node-llama-cpp version this package is built against, and the check
 * that the installed one matches: the decode loop relies on internals of
 * 3.22.x (see `native-logits.ts`).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ModelError } from "@formwork/core";

/** The node-llama-cpp minor series the native mask path was written and measured against. */
export const SUPPORTED_NODE_LLAMA_CPP = "3.22";

/** The installed node-llama-cpp version, read from its package.json (`undefined` when it cannot be found). */
export function nodeLlamaCppVersion(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve("node-llama-cpp");
    // entry is <pkg>/dist/index.js
    const pkg = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as { name?: string; version?: string };
    return pkg.name === "node-llama-cpp" ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Throws a `ModelError` (`node-llama-cpp-version`) unless the installed
 * node-llama-cpp is 3.22.x: the mask is applied through its sampler's
 * internal configuration, which other versions may lay out differently.
 */
export function checkNodeLlamaCppVersion(version = nodeLlamaCppVersion()): void {
  if (version === undefined) {
    throw new ModelError("node-llama-cpp-version", "node-llama-cpp is not installed (Formwork runs models through it; it is a peer dependency)", {
      hint: `Install it beside Formwork: npm install node-llama-cpp@~${SUPPORTED_NODE_LLAMA_CPP}.1`,
    });
  }
  if (!version.startsWith(`${SUPPORTED_NODE_LLAMA_CPP}.`)) {
    throw new ModelError(
      "node-llama-cpp-version",
      `@formwork/llama needs node-llama-cpp ${SUPPORTED_NODE_LLAMA_CPP}.x, found ${version ?? "none"}`,
      { hint: `Install node-llama-cpp@${SUPPORTED_NODE_LLAMA_CPP} (the decode loop uses its sampler internals, checked only for that series).` },
    );
  }
}
