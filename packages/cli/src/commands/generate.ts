import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { ArgumentError, ModelError } from "@formwork/core";
import type { Command } from "../main.js";
import { numberFlag, parseVerbArgs } from "../args.js";

const HELP = `Usage: formwork generate [options]

Generates text from a local GGUF model. With no --model, uses the embedded
fixture model (a tiny random-weight model with the real Qwen3 tokenizer, built
on first use and cached under .cache/fixtures/): it shows the pipeline works,
not a useful answer.

Options:
  --model FILE.gguf     the model to load (default: the fixture model)
  --prompt TEXT         the prompt (default: "The answer is")
  --max-tokens N        stop after N tokens (default: 24)
  --temperature T       0 = greedy (default: 0.8)
  --top-k K             keep the K most likely tokens (default: off)
  --top-p P             nucleus sampling (default: off)
  --min-p P             drop tokens below P x the best one's probability (default: off)
  --seed N              random seed; the same seed gives the same output (default: 0)
  --threads N           CPU threads (default: the number of cores)
  --help                this text

Constrained decoding (--schema, --grammar, --regex) arrives with the decoder;
see the README's table of what works today.

Example:
  formwork generate --prompt "Once upon a time" --max-tokens 16 --seed 7
`;

export const command: Command = {
  summary: "generate text from a local model (the fixture model when none is given)",
  help: HELP,
  async run(args) {
    const { values } = parseVerbArgs("generate", args, {
      model: { type: "string" },
      prompt: { type: "string" },
      "max-tokens": { type: "string" },
      temperature: { type: "string" },
      "top-k": { type: "string" },
      "top-p": { type: "string" },
      "min-p": { type: "string" },
      seed: { type: "string" },
      threads: { type: "string" },
      schema: { type: "string" },
      grammar: { type: "string" },
      regex: { type: "string" },
    });
    for (const flag of ["schema", "grammar", "regex"] as const) {
      if (values[flag] !== undefined) {
        throw new ArgumentError("not-yet-supported", `--${flag} needs the constrained decoder, which this build does not have yet`, {
          hint: 'Use "formwork check" to test a grammar against text, or leave the flag out.',
        });
      }
    }
    const maxTokens = numberFlag("max-tokens", values["max-tokens"], { min: 1, integer: true }) ?? 24;
    const temperature = numberFlag("temperature", values.temperature, { min: 0 }) ?? 0.8;
    const topK = numberFlag("top-k", values["top-k"], { min: 0, integer: true });
    const topP = numberFlag("top-p", values["top-p"], { min: 0, max: 1 });
    const minP = numberFlag("min-p", values["min-p"], { min: 0, max: 1 });
    const seed = numberFlag("seed", values.seed, { integer: true }) ?? 0;
    const threads = numberFlag("threads", values.threads, { min: 1, integer: true }) ?? availableParallelism();
    const prompt = values.prompt ?? "The answer is";

    let modelPath = values.model;
    if (modelPath !== undefined) {
      if (!existsSync(modelPath)) {
        throw new ModelError("model-not-found", `the model file "${modelPath}" does not exist`, { hint: "Pass the path of a .gguf file, or leave --model out to use the fixture model." });
      }
    } else {
      const { buildFixtureModel } = await import("@formwork/testkit");
      const t0 = performance.now();
      const fixture = await buildFixtureModel({ tokenizer: "qwen3", size: "tiny" });
      modelPath = fixture.path;
      process.stderr.write(
        fixture.built
          ? `formwork: no --model given; built the fixture model (random weights, Qwen3 tokenizer) in ${Math.round(performance.now() - t0)} ms: ${modelPath}\n`
          : `formwork: no --model given; using the cached fixture model (random weights, Qwen3 tokenizer): ${modelPath}\n`,
      );
    }

    const { getLlama, LlamaCompletion } = await import("node-llama-cpp");
    const t0 = performance.now();
    const llama = await getLlama({ gpu: "auto", build: "never", maxThreads: threads, logLevel: "error" as never });
    const model = await llama.loadModel({ modelPath }).catch((err: unknown) => {
      throw new ModelError("model-load-failed", `node-llama-cpp could not load "${modelPath}": ${(err as Error).message}`, {
        hint: "Check that the file is a GGUF model that llama.cpp supports.",
      });
    });
    const context = await model.createContext({ contextSize: 512, threads });
    const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
    const tLoad = performance.now() - t0;
    const t1 = performance.now();
    let tokens = 0;
    const res = await completion.generateCompletionWithMeta(prompt, {
      maxTokens,
      temperature,
      seed,
      ...(topK !== undefined ? { topK } : {}),
      ...(topP !== undefined ? { topP } : {}),
      ...(minP !== undefined ? { minP } : {}),
      onToken: (t) => {
        tokens += t.length;
      },
      onTextChunk: (chunk) => process.stdout.write(chunk),
    });
    const ms = performance.now() - t1;
    process.stdout.write("\n");
    process.stderr.write(
      `formwork: ${tokens} tokens in ${ms.toFixed(0)} ms (${((tokens * 1000) / ms).toFixed(1)} tokens/s; load ${tLoad.toFixed(0)} ms; ${llama.gpu === false ? "CPU" : llama.gpu}, ${threads} threads); stop: ${res.metadata.stopReason}\n`,
    );
    await context.dispose();
    await model.dispose();
    await llama.dispose();
    return 0;
  },
};
