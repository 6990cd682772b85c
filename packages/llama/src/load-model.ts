/**
 * Loading a GGUF model for constrained generation: node-llama-cpp's model,
 * one reusable context, the exact `Vocabulary` from the GGUF metadata, and a
 * `GrammarCompiler` for that vocabulary.
 */
import { availableParallelism } from "node:os";
import { ArgumentError, LimitError, ModelError, Vocabulary, vocabularyFromGguf, type GgufTokenizerMetadata, type Limits } from "@formwork/core";
import { limitExceeded, resolveLimits } from "@formwork/core/internal";
import { GrammarCompiler } from "@formwork/grammar";
import type { Llama, LlamaContext, LlamaModel, Token } from "node-llama-cpp";
import { checkGgufFile } from "./gguf-header.js";
import { resolveModelSource, type DownloadProgress } from "./model-source.js";
import { checkNodeLlamaCppVersion } from "./version.js";

/** The context size (tokens: prompt and output) `loadModel` gives a model when `contextSize` is not set. */
export const DEFAULT_CONTEXT_SIZE = 4096;

/**
 * Throws `LimitError` `context-too-small` when `maxTokens` output tokens cannot
 * fit a context of `contextSize` tokens whatever the prompt (a prompt is at
 * least one token). Cheap: `generate` and the CLI call it before loading a
 * model, so `--max-tokens 1e12` is refused at once, not after the load.
 * `name` is how the caller spells the option (`--max-tokens` on the CLI).
 */
export function checkMaxTokensFit(maxTokens: number, contextSize: number = DEFAULT_CONTEXT_SIZE, name = "maxTokens"): void {
  if (maxTokens < contextSize) return;
  throw new LimitError("context-too-small", `${name} ${maxTokens} cannot fit: the context holds ${contextSize} tokens, the prompt included (at least one token)`, {
    hint: `Give ${name} below ${contextSize}${name === "maxTokens" ? ", or load the model with a larger contextSize" : ""}.`,
  });
}

/** Options of `loadModel`. */
export interface LoadModelOptions {
  /**
   * The model: a GGUF file path (relative to the current directory), an
   * `https://` URL, or a Hugging Face URI (`hf:Qwen/Qwen3-0.6B-GGUF:Q8_0`),
   * resolved by node-llama-cpp (downloaded once into `modelsDir`, then
   * reused). Default: the fixture model from `@formwork/fixture` (a tiny
   * random-weight model with the real Qwen3 tokenizer, built on first use and
   * cached): it proves the pipeline, not an answer.
   */
  model?: string;
  /** The same as `model` (its older name). */
  modelPath?: string;
  /** Where URLs and URIs are downloaded to. Default: node-llama-cpp's models folder (`~/.node-llama-cpp/models`). */
  modelsDir?: string;
  /** `false`: never download (a URL or URI must already be in `modelsDir`). Default `"auto"`. */
  download?: "auto" | false;
  /** Called as a download progresses (the CLI draws a progress bar on stderr). Default: nothing. */
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /**
   * CPU threads for node-llama-cpp (both the backend and the context), an
   * integer from 1 to `limits.maxThreads`. Default `os.availableParallelism()`.
   */
  threads?: number;
  /**
   * `maxThreads`: the most `threads` may ask for. Default
   * `os.availableParallelism()` (more threads than cores only make llama.cpp
   * spin: 1,000 on 2 cores never finished); it cannot be raised past 512,
   * ggml's own maximum. Past it: `LimitError` `max-threads`. The grammar
   * engine's limits (`maxNfaStates`, `maxDfaStates`, `maxStackDepth`,
   * `maxConfigurations`, `maxRules`) set the model's `compiler`
   * (`GrammarCompiler.withLimits`).
   */
  limits?: Partial<Limits>;
  /** `"auto"` (default) uses a GPU when node-llama-cpp finds one; `false` forces the CPU. */
  gpu?: "auto" | false;
  /** Context size in tokens (prompt + output). Default 4096; memory grows with it. */
  contextSize?: number;
  /** Where progress messages go (default: nowhere). The CLI prints them on stderr. */
  onInfo?: (message: string) => void;
}

/** A loaded model, ready for `generate`. Call `dispose()` when done. */
export interface LoadedModel {
  /** The GGUF file loaded. */
  readonly path: string;
  /** Whether it is the built-in fixture model. */
  readonly fixture: boolean;
  readonly llama: Llama;
  readonly model: LlamaModel;
  /** The context shared by `generate` calls on this model (one call at a time). */
  readonly context: LlamaContext;
  /** Exact token bytes and the end-of-generation set (checked against `model.isEogToken`). */
  readonly vocabulary: Vocabulary;
  /** Compiles grammars for `vocabulary` (caches compiled grammars; regex nodes through `@formwork/regex`). */
  readonly compiler: GrammarCompiler;
  readonly threads: number;
  /** `false` on the CPU, else node-llama-cpp's GPU type (`"cuda"`, `"vulkan"`, `"metal"`). */
  readonly gpu: string | false;
  /** Milliseconds the load took (backend, weights, context, vocabulary). */
  readonly loadMs: number;
  dispose(): Promise<void>;
}

/**
 * Loads a GGUF model (a path, a URL or an `hf:` URI; the fixture model when
 * none is given) with `build: "never"` (node-llama-cpp's prebuilt binary
 * only). A string is taken as `{ model }`. Throws `ModelError`:
 * `model-not-found` for a missing file, `bad-model-uri`,
 * `model-download-failed` (offline, no such file), `fixture-unavailable`
 * when no model is given and `@formwork/fixture` is not installed,
 * `model-load-failed` when llama.cpp refuses the file,
 * `tokenizer-unsupported` for a vocabulary Formwork cannot read,
 * `node-llama-cpp-version` when node-llama-cpp is missing or not 3.22.x.
 */
export async function loadModel(options: LoadModelOptions | string = {}): Promise<LoadedModel> {
  if (typeof options === "string") options = { model: options };
  checkNodeLlamaCppVersion();
  const t0 = performance.now();
  const info = options.onInfo ?? (() => {});
  const threads = checkThreads(options.threads, options.limits);
  const spec = options.model ?? options.modelPath;
  let path: string;
  let fixture = false;
  if (spec === undefined) {
    path = await fixtureModelPath(info);
    fixture = true;
  } else {
    path = await resolveModelSource(spec, { modelsDir: options.modelsDir, download: options.download, onProgress: options.onDownloadProgress });
  }
  // node-llama-cpp's GGUF reader trusts the counts a file declares: check them first.
  checkGgufFile(path);
  const llama = await sharedLlama(options.gpu ?? "auto", threads, info);
  const modelPath = path;
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath });
  } catch (err) {
    throw new ModelError("model-load-failed", `node-llama-cpp could not load "${modelPath}": ${(err as Error).message}`, {
      location: { kind: "file", path: modelPath },
      hint: "Check that the file is a complete GGUF model that llama.cpp supports.",
      cause: err,
    });
  }
  try {
    const vocabulary = modelVocabulary(model, modelPath);
    const context = await model.createContext({ contextSize: options.contextSize ?? DEFAULT_CONTEXT_SIZE, threads, sequences: 1 });
    // The engine limits among `limits` (maxNfaStates, maxStackDepth, ...) apply to every grammar this model compiles.
    const compiler = new GrammarCompiler(vocabulary).withLimits(options.limits);
    const loadMs = performance.now() - t0;
    info(`loaded ${modelPath} in ${loadMs.toFixed(0)} ms (${llama.gpu === false ? "CPU" : llama.gpu}, ${threads} threads, ${vocabulary.size} tokens)`);
    return {
      path: modelPath,
      fixture,
      llama,
      model,
      context,
      vocabulary,
      compiler,
      threads,
      gpu: llama.gpu,
      loadMs,
      // The backend (`llama`) is shared by the process's models and stays loaded.
      async dispose() {
        await context.dispose();
        await model.dispose();
      },
    };
  } catch (err) {
    await model.dispose();
    throw err;
  }
}

/** ggml's GGML_MAX_N_THREADS: more aborts the process in ggml. */
const GGML_MAX_THREADS = 512;

/** The thread count to use: `threads` (default: the cores) checked against `limits.maxThreads` (default: the cores) and ggml's 512. */
function checkThreads(threads: number | undefined, limits: Partial<Limits> | undefined): number {
  const cores = availableParallelism();
  const { maxThreads } = resolveLimits({ maxThreads: cores }, limits);
  if (threads === undefined) return Math.min(cores, maxThreads, GGML_MAX_THREADS);
  if (!Number.isInteger(threads) || threads < 1) throw new ArgumentError("bad-threads", `threads must be a positive integer, got ${String(threads)}`, { hint: "Pass the number of CPU threads, e.g. the number of cores." });
  if (threads > GGML_MAX_THREADS) {
    throw new ArgumentError("bad-threads", `threads is ${threads}, but ggml runs at most ${GGML_MAX_THREADS}`, { hint: `Pass at most the number of cores (${cores} here).` });
  }
  if (threads > maxThreads) throw limitExceeded("maxThreads", maxThreads, threads, { what: `the model (on ${cores} cores)` });
  return threads;
}

/** Builds (or finds in its cache) the fixture model through `@formwork/fixture`, an optional peer loaded only here. */
async function fixtureModelPath(info: (message: string) => void): Promise<string> {
  let fixtureModule: typeof import("@formwork/fixture");
  try {
    fixtureModule = await import("@formwork/fixture");
  } catch (err) {
    throw new ModelError("fixture-unavailable", "no model was given and the fixture model's package, @formwork/fixture, is not installed", {
      hint: "Pass a model (a .gguf path, an https:// URL or an hf: URI), or install @formwork/fixture (the formwork package includes it).",
      cause: err,
    });
  }
  const t = performance.now();
  const built = await fixtureModule.buildFixtureModel({ onBuildStart: (path) => info(`no model given; building the fixture model (random weights, Qwen3 tokenizer; once, about 2 s): ${path}`) });
  info(
    built.built
      ? `no model given; built the fixture model (random weights, Qwen3 tokenizer) in ${Math.round(performance.now() - t)} ms: ${built.path}`
      : `no model given; using the cached fixture model (random weights, Qwen3 tokenizer): ${built.path}`,
  );
  return built.path;
}

// One node-llama-cpp backend per (GPU mode, threads) in the process: getLlama loads the native binding.
const llamas = new Map<string, Promise<Llama>>();
let infoSink: (message: string) => void = () => {};

function sharedLlama(gpu: "auto" | false, threads: number, info: (message: string) => void): Promise<Llama> {
  infoSink = info;
  const key = `${String(gpu)}/${threads}`;
  let p = llamas.get(key);
  if (!p) {
    p = import("node-llama-cpp").then(({ getLlama, LlamaLogLevel }) =>
      getLlama({
        gpu,
        build: "never",
        maxThreads: threads,
        logLevel: LlamaLogLevel.error,
        progressLogs: false,
        logger: (level, message) => {
          if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) infoSink(`[llama.cpp] ${message.trim()}`);
        },
      }),
    );
    p.catch(() => llamas.delete(key));
    llamas.set(key, p);
  }
  return p;
}

/**
 * The exact `Vocabulary` of a loaded model from its GGUF tokenizer metadata,
 * with every id `model.isEogToken` flags added to the end-of-generation set.
 * Throws `ModelError` (`tokenizer-unsupported`) when the metadata is missing
 * or of a tokenizer kind Formwork cannot read, or its size differs from the model's.
 */
export function modelVocabulary(model: LlamaModel, path = "the model"): Vocabulary {
  const meta = (model.fileInfo.metadata as { tokenizer?: { ggml?: GgufTokenizerMetadata } }).tokenizer?.ggml;
  if (!meta || !Array.isArray(meta.tokens)) {
    throw new ModelError("tokenizer-unsupported", `${path} has no tokenizer.ggml metadata`, {
      location: { kind: "file", path },
      hint: "Use a GGUF model that embeds its tokenizer (every llama.cpp conversion does).",
    });
  }
  const base = vocabularyFromGguf(meta, { name: String(meta.pre ?? meta.model ?? "gguf") });
  const n = base.size;
  const eog = new Set(base.eogIds);
  let added = 0;
  for (let id = 0; id < n; id++) {
    if (!eog.has(id) && model.isEogToken(id as Token)) {
      eog.add(id);
      added++;
    }
  }
  if (added === 0) return base;
  const tokens: Uint8Array[] = new Array(n);
  for (let id = 0; id < n; id++) tokens[id] = base.bytesOf(id);
  return new Vocabulary({ tokens, kinds: base.kinds, eog, bos: base.bos, eos: base.eos, name: base.name });
}
