/**
 * `formwork generate`: one generation from a local model under a schema,
 * grammar or regex. The constraint is resolved (compiled) once, before the
 * model loads, and handed to `generate` as is.
 */
import type { Command } from "../command.js";
import { numberFlag, parseVerbArgs } from "../args.js";
import { CONSTRAINT_FLAGS, constraintFromFlags, SCHEMA_FLAGS_HELP } from "../constraint-flags.js";
import { progressBar } from "../progress.js";
import { readStdinText, stdinIsPiped } from "../stdin.js";

const HELP = `Usage: formwork generate [options]

Generates from a local GGUF model, constrained to a JSON Schema, a GBNF
grammar or a regular expression (or free text when none is given). The value
goes to stdout (for a schema: the JSON, one line); progress and timings go to
stderr. With no --model, uses the fixture model (a tiny random-weight model
with the real Qwen3 tokenizer, built on first use and cached): it shows the
pipeline works, not a useful answer.

Constraint (at most one):
  --schema FILE.json    JSON Schema file; the output is JSON valid under it
  --grammar FILE.gbnf   GBNF grammar file (llama.cpp dialect)
  --regex PATTERN       ECMAScript regular expression the whole output matches
  --flags FLAGS         flags for --regex (i, s, u, v)
  --root NAME           the start rule of the --grammar file (default: root)

${SCHEMA_FLAGS_HELP}

Prompt:
  --prompt TEXT         the prompt; "-" reads it from stdin, as does leaving
                        it out while text is piped in (default: "The answer is")
  --chat                send the prompt as a user message through the model's
                        chat template instead of raw completion
  --system TEXT         a system message (implies --chat)
  --start-after MARKER  free text until MARKER (e.g. "</think>"), then the
                        constraint

Sampling:
  --temperature T       0 = greedy (default: 0.8)
  --top-k K             keep the K most likely allowed tokens (default: off)
  --top-p P             nucleus sampling over the allowed tokens (default: off)
  --min-p P             drop tokens below P x the best one's probability (default: off)
  --seed N              random seed; the same seed gives the same output (default: 0)
  --max-tokens N        token budget (default: 256); with a constraint the
                        output always ends complete within it
  --stop TEXT           stop when the output contains TEXT (repeatable)
  --no-fast-forward     sample forced text token by token instead of batching it

Model and output:
  --model MODEL         the model: a .gguf path (relative to the current
                        directory), an https:// URL or a Hugging Face URI
                        (hf:USER/REPO:QUANT), downloaded once into
                        ~/.node-llama-cpp/models with a progress bar
                        (default: the fixture model)
  --threads N           CPU threads (default: the number of cores)
  --stream              print text as it is generated (stdout), then a newline
  --json                print one JSON line with text, value, stop reason,
                        token count, mean logprob, model path and timings
                        (load, compile, prompt, decode); errors as JSON too
  --help                this text

Exit codes: 0 done; 2 bad arguments, model, schema, grammar or budget
(formwork: error [code] at where: message, on stderr).

Examples:
  formwork generate --schema person.json --prompt "A person:" --seed 7
  formwork generate --schema person.json --whitespace pretty --property-order any
  formwork generate --regex '[a-z]+@[a-z]+\\.com' --prompt "Email:" --max-tokens 20
  formwork generate --grammar call.gbnf --model ./qwen3-0.6b.gguf --chat --prompt "Call f"
  formwork generate --schema person.json --model hf:Qwen/Qwen3-0.6B-GGUF:Q8_0 --chat --prompt "Invent a person"
`;

export const command: Command = {
  summary: "generate from a local model under a schema, grammar or regex (the fixture model when none is given)",
  help: HELP,
  async run(args) {
    const { values } = parseVerbArgs("generate", args, {
      model: { type: "string" },
      prompt: { type: "string" },
      chat: { type: "boolean" },
      system: { type: "string" },
      "start-after": { type: "string" },
      "max-tokens": { type: "string" },
      temperature: { type: "string" },
      "top-k": { type: "string" },
      "top-p": { type: "string" },
      "min-p": { type: "string" },
      seed: { type: "string" },
      threads: { type: "string" },
      stop: { type: "string", multiple: true },
      "no-fast-forward": { type: "boolean" },
      stream: { type: "boolean" },
      json: { type: "boolean" },
      ...CONSTRAINT_FLAGS,
    });
    const maxTokens = numberFlag("max-tokens", values["max-tokens"], { min: 1, integer: true }) ?? 256;
    const temperature = numberFlag("temperature", values.temperature, { min: 0 }) ?? 0.8;
    const topK = numberFlag("top-k", values["top-k"], { min: 0, integer: true });
    const topP = numberFlag("top-p", values["top-p"], { min: 0, max: 1 });
    const minP = numberFlag("min-p", values["min-p"], { min: 0, max: 1 });
    const seed = numberFlag("seed", values.seed, { integer: true }) ?? 0;
    const threads = numberFlag("threads", values.threads, { min: 1, integer: true });
    // The prompt: --prompt TEXT; "-" or no --prompt with text piped in: stdin; else a default.
    const prompt = values.prompt === "-" || (values.prompt === undefined && stdinIsPiped()) ? readStdinText().replace(/\r?\n$/, "") || "The answer is" : (values.prompt ?? "The answer is");
    const chat = values.chat === true || values.system !== undefined;

    // Compile errors first: a bad schema, grammar or regex is reported before the model loads.
    const constraint = constraintFromFlags("generate", values) ?? undefined;
    const { generate, loadModel } = await import("@formwork/llama");
    const info = (m: string) => process.stderr.write(`formwork: ${m}\n`);
    const download = progressBar("formwork: downloading the model");
    const loaded = await loadModel({ model: values.model, threads, onInfo: info, onDownloadProgress: (p) => download(p.downloadedBytes, p.totalBytes) }).finally(() => download.done());
    try {
      const streaming = values.stream === true;
      const result = await generate({
        model: loaded,
        ...(chat ? { messages: [...(values.system !== undefined ? [{ role: "system" as const, content: values.system }] : []), { role: "user" as const, content: prompt }] } : { prompt }),
        constraint,
        startAfter: values["start-after"],
        maxTokens,
        temperature,
        seed,
        ...(topK !== undefined ? { topK } : {}),
        ...(topP !== undefined ? { topP } : {}),
        ...(minP !== undefined ? { minP } : {}),
        stop: values.stop,
        fastForward: values["no-fast-forward"] !== true,
        onText: streaming ? (chunk) => process.stdout.write(chunk) : undefined,
      });
      const t = result.timings;
      if (values.json === true) {
        if (streaming) process.stdout.write("\n");
        process.stdout.write(
          `${JSON.stringify({ text: result.text, value: result.value, stopReason: result.stopReason, complete: result.complete, tokens: result.tokens.length, forcedTokens: result.stats.forcedTokens, meanLogprob: result.meanLogprob, model: loaded.path, timings: { ...t, loadMs: loaded.loadMs } })}\n`,
        );
      } else if (streaming) {
        process.stdout.write("\n");
      } else if (constraint?.syntax === "json" && result.value !== undefined) {
        process.stdout.write(`${JSON.stringify(result.value)}\n`);
      } else {
        process.stdout.write(`${result.text}\n`);
      }
      info(
        `${result.tokens.length} tokens (${result.stats.forcedTokens} fast-forwarded) in ${t.decodeMs.toFixed(0)} ms ` +
          `(${t.tokensPerSecond.toFixed(1)} tokens/s; prompt ${t.promptMs.toFixed(0)} ms; grammar ${t.grammarMs.toFixed(0)} ms; compile ${t.compileMs.toFixed(0)} ms; ` +
          `${loaded.gpu === false ? "CPU" : loaded.gpu}, ${loaded.threads} threads); stop: ${result.stopReason}${result.complete ? "" : " (incomplete)"}`,
      );
      return 0;
    } finally {
      await loaded.dispose();
    }
  },
};
