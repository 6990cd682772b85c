/**
 * Where a model comes from: a local GGUF path (relative to the current
 * directory), an `https://` URL, or a Hugging Face URI (`hf:user/repo:Q4_K_M`,
 * `hf:user/repo/file.gguf`), resolved to a local file through
 * node-llama-cpp's own `resolveModelFile` (downloaded once into a models
 * folder, then reused).
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { ModelError } from "@formwork/core";

/** How a model string is read: a file path, a URL, or a model URI (Hugging Face). */
export type ModelSourceKind = "file" | "url" | "uri";

const URI_PREFIXES = ["hf:", "huggingface:", "hf.co/", "huggingface.co/"];

/** Reads a model string as node-llama-cpp does: `hf:`-style URIs, `http(s)://` URLs, else a file path. */
export function modelSourceKind(spec: string): ModelSourceKind {
  if (URI_PREFIXES.some((p) => spec.startsWith(p))) return "uri";
  if (/^https?:\/\//i.test(spec)) return "url";
  return "file";
}

/** Progress of a model download. */
export interface DownloadProgress {
  /** Bytes downloaded so far. */
  downloadedBytes: number;
  /** Total bytes (0 while unknown). */
  totalBytes: number;
}

/** Options of {@link resolveModelSource}. */
export interface ModelSourceOptions {
  /** Where URLs and URIs are downloaded to and looked up in. Default: node-llama-cpp's models folder (`~/.node-llama-cpp/models`). */
  modelsDir?: string;
  /** `false`: never download; a URL or URI not found in `modelsDir` is `model-not-found`. Default `"auto"` (download when missing). */
  download?: "auto" | false;
  /** Called as a download progresses (nothing is printed otherwise). */
  onProgress?: (progress: DownloadProgress) => void;
  /** Cancels a download. */
  signal?: AbortSignal;
}

/**
 * The local path of a model: a file path is resolved against the current
 * directory and must exist; a URL or URI goes through node-llama-cpp's
 * `resolveModelFile` (found in `modelsDir`, else downloaded there). Throws
 * `ModelError`: `model-not-found` (no such file; a URL or URI not cached
 * with `download: false`), `bad-model-uri` (a URI node-llama-cpp cannot
 * parse), `model-download-failed` (the download failed: offline, no such
 * repository or file, no access).
 */
export async function resolveModelSource(spec: string, options: ModelSourceOptions = {}): Promise<string> {
  const kind = modelSourceKind(spec);
  if (kind === "file") {
    const path = resolve(spec);
    if (!existsSync(path) || !statSync(path).isFile()) {
      const what = !existsSync(path) ? "does not exist" : statSync(path).isDirectory() ? "is a directory, not a model file" : "is not a regular file";
      throw new ModelError("model-not-found", `the model file "${spec}" ${what}`, {
        location: { kind: "file", path },
        hint: "Pass the path of a .gguf file (relative to the current directory), an https:// URL or an hf: URI, or leave the model out to use the fixture model.",
      });
    }
    return path;
  }
  const { resolveModelFile } = await import("node-llama-cpp");
  const common = { directory: options.modelsDir, cli: false, signal: options.signal };
  // Downloaded before: no network needed.
  try {
    return await resolveModelFile(spec, { ...common, download: false });
  } catch (err) {
    const message = messageOf(err);
    if (/^Invalid (Hugging Face URI|path)/.test(message)) {
      throw new ModelError("bad-model-uri", `cannot read the model URI "${spec}": ${message}`, {
        hint: "Write a Hugging Face model as hf:USER/REPO:QUANT (e.g. hf:Qwen/Qwen3-0.6B-GGUF:Q8_0) or hf:USER/REPO/FILE.gguf.",
        cause: err,
      });
    }
    if (!/download is disabled|No model file found/.test(message)) throw downloadFailed(spec, message, err);
  }
  if (options.download === false) {
    throw new ModelError("model-not-found", `the model "${spec}" is not in ${options.modelsDir ?? "node-llama-cpp's models folder (~/.node-llama-cpp/models)"} and downloading is off`, {
      hint: "Allow the download, or pass the path of a local .gguf file.",
    });
  }
  // node-llama-cpp's downloader retries a refused connection for minutes: find out at once whether the host answers.
  await checkReachable(spec, kind, options.signal);
  try {
    return await resolveModelFile(spec, {
      ...common,
      download: "auto",
      onProgress: options.onProgress ? ({ downloadedSize, totalSize }) => options.onProgress!({ downloadedBytes: downloadedSize, totalBytes: totalSize }) : undefined,
    });
  } catch (err) {
    throw downloadFailed(spec, messageOf(err), err);
  }
}

/** The host a URL or URI downloads from (`HF_ENDPOINT` / `MODEL_ENDPOINT` as node-llama-cpp reads them). */
function downloadOrigin(spec: string, kind: ModelSourceKind): string {
  if (kind === "url") return new URL(spec).origin;
  const endpoint = [process.env.MODEL_ENDPOINT, process.env.HF_ENDPOINT].find((e) => e !== undefined && /^https?:\/\//.test(e)) ?? "https://huggingface.co/";
  return new URL(endpoint).origin;
}

async function checkReachable(spec: string, kind: ModelSourceKind, signal?: AbortSignal): Promise<void> {
  const origin = downloadOrigin(spec, kind);
  const timeout = AbortSignal.timeout(15_000);
  try {
    // Any HTTP answer will do: the host is reachable.
    await fetch(origin, { method: "HEAD", signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = timeout.aborted ? "no answer in 15 s" : (cause?.code ?? cause?.message ?? messageOf(err));
    throw new ModelError("model-download-failed", `could not download the model "${spec}": ${origin} cannot be reached (${why}): this machine may be offline`, {
      hint: "Connect to the network, or download the .gguf file elsewhere and pass its path (a model downloaded before is found in the models folder without the network).",
      cause: err,
    });
  }
}

function downloadFailed(spec: string, message: string, cause: unknown): ModelError {
  return new ModelError("model-download-failed", `could not download the model "${spec}": ${firstLine(message)}`, {
    hint: "Check the network connection and the repository and file names; or download the .gguf file elsewhere and pass its path.",
    cause,
  });
}

function messageOf(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

function firstLine(s: string): string {
  const line = s.split("\n", 1)[0].trim();
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}
