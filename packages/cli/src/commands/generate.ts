/**
 * `formwork generate`: one generation from a local model under a schema,
 * grammar or regex. The constraint is resolved (compiled) once, before the
 * model loads, and handed to `generate` as is.
 */
import { ArgumentError } from "@formwork/core";
import type { Strategy } from "@formwork/select";
import type { Command } from "../command.js";
import { LIMIT_FLAG, LIMIT_HELP, limitsFlag, numberFlag, parseVerbArgs } from "../args.js";
import { interrupted } from "../command.js";
import { CONSTRAINT_FLAGS, constraintFromFlags, CSV_FLAGS_HELP, SCHEMA_FLAGS_HELP } from "../constraint-flags.js";
import { progressBar } from "../progress.js";
import { readStdinText, stdinIsPiped } from "../stdin.js";

const HELP = `Usage: formwork generate [options]

Generates from a local GGUF model, constrained to a JSON Schema, a GBNF
grammar or a regular expression (or free text when none is given). The value
goes to stdout (for a schema: the JSON, one line; the table with --format
csv); progress and timings go to
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

${CSV_FLAGS_HELP}

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

Best-of-N (any of these turns it on; see docs/select.md):
  --n N                 decode N candidates together (one batch per step,
                        the prompt evaluated once), candidate i with seed
                        SEED + i; validate each; print the chosen value
  --select STRATEGY     mean-logprob (default), sum-logprob, first-valid
                        (stop at the first valid one), vote (the most common
                        value), all (no choice: --json lists them)
  --vote-key PATH       vote on the part of the value at PATH (a JSON
                        pointer like /answer, or a dotted path like a.b)
  --no-constrain        generate free text (no mask), then repair and
                        validate: the prompt-and-post-process path
  --no-repair           with --no-constrain: validate the text as it is
  --sequential          decode the candidates one after another (a baseline)
  --batch-invariant     batches shaped so that each candidate is the same
                        decoded together or alone (slower; docs/select.md)
  --max-total-tokens N  stop every candidate once N tokens were generated
  --timeout MS          stop every candidate after MS milliseconds
                        Progress: one line per finished candidate on stderr.
                        Exit 1 when no candidate is valid.

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
                        (load, compile, prompt, decode); errors as JSON too;
                        with --n: the chosen value and every candidate
                        (text, value, valid, errors, mean and sum logprob,
                        tokens, stop reason, ms)
${LIMIT_HELP}
  --help                this text

Exit codes: 0 done; 1 no valid candidate (--n); 2 bad arguments, model, schema, grammar or budget
(formwork: error [code] at where: message, on stderr).

Examples:
  formwork generate --schema person.json --prompt "A person:" --seed 7
  formwork generate --schema person.json --whitespace pretty --property-order any
  formwork generate --columns "name:string,age:integer>=0" --max-rows 3 --prompt "People:"
  formwork generate --regex '[a-z]+@[a-z]+\\.com' --prompt "Email:" --max-tokens 20
  formwork generate --grammar call.gbnf --model ./qwen3-0.6b.gguf --chat --prompt "Call f"
  formwork generate --schema person.json --model hf:Qwen/Qwen3-0.6B-GGUF:Q8_0 --chat --prompt "Invent a person"
  formwork generate --schema answer.json --n 8 --select vote --vote-key /answer --temperature 1
`;

export const command: Command = {
  summary: "generate from a local model under a schema, grammar or regex (the fixture model when none is given)",
  help: HELP,
  async run(args) {
    // Ctrl-C in any phase: one line and the shell's status for SIGINT, 130 (the `formwork` executable's
    // main() also answers it from its start; this one serves run() called in process). While the model
    // loads or generates the event loop is free and the handler runs at once; during a compile (the
    // constraint's below, the grammar's against the vocabulary in generate) it runs as soon as that
    // synchronous step returns. This verb stays in the main thread (main.ts runs the others in a worker):
    // the node-llama-cpp addon aborts the process when its worker is stopped mid-generation.
    process.once("SIGINT", interrupted);
    try {
      return await generateCommand(args);
    } finally {
      process.off("SIGINT", interrupted);
    }
  },
};

async function generateCommand(args: string[]): Promise<number> {
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
    n: { type: "string" },
    select: { type: "string" },
    "vote-key": { type: "string" },
    "no-constrain": { type: "boolean" },
    "no-repair": { type: "boolean" },
    sequential: { type: "boolean" },
    "batch-invariant": { type: "boolean" },
    "max-total-tokens": { type: "string" },
    timeout: { type: "string" },
    ...CONSTRAINT_FLAGS,
    ...LIMIT_FLAG,
  });
  const limits = limitsFlag(values.limit);
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
  const n = numberFlag("n", values.n, { min: 1, max: 256, integer: true });
  const maxTotalTokens = numberFlag("max-total-tokens", values["max-total-tokens"], { min: 1, integer: true });
  const timeoutMs = numberFlag("timeout", values.timeout, { min: 1 });
  const bestOf =
    n !== undefined ||
    values.select !== undefined ||
    values["vote-key"] !== undefined ||
    values["no-constrain"] === true ||
    values["no-repair"] === true ||
    values.sequential === true ||
    values["batch-invariant"] === true ||
    maxTotalTokens !== undefined ||
    timeoutMs !== undefined;
  // Loaded only for best-of-N (it brings the decoder), like @formwork/llama below.
  const select = bestOf ? await import("@formwork/select") : undefined;
  if (select) {
    const { STRATEGIES } = select;
    if (values.stream === true) throw new ArgumentError("bad-arguments", "--stream prints one generation as it grows; it does not go with --n and the other best-of-N flags", { hint: "Drop --stream; progress lines come on stderr." });
    if (values.select !== undefined && !(STRATEGIES as readonly string[]).includes(values.select)) {
      throw new ArgumentError("bad-strategy", `--select must be one of ${STRATEGIES.filter((s) => s !== "score").join(", ")}, got "${values.select}"`, { hint: "score needs a function: use bestOfN from the library." });
    }
    if (values.select === "score") throw new ArgumentError("bad-strategy", "--select score needs a score function, which a command line cannot give", { hint: "Use bestOfN({ select: \"score\", score }) from the library, or another strategy." });
    if (values["vote-key"] !== undefined && values.select !== "vote") throw new ArgumentError("bad-arguments", "--vote-key goes with --select vote", { hint: "Add --select vote." });
    if (values["no-repair"] === true && values["no-constrain"] !== true) throw new ArgumentError("bad-arguments", "--no-repair goes with --no-constrain (constrained output needs no repair)", { hint: "Add --no-constrain, or drop --no-repair." });
  }

  // Compile errors first: a bad schema, grammar or regex is reported before the model loads.
  const constraint = constraintFromFlags("generate", values) ?? undefined;
  const { generate, loadModel, checkMaxTokensFit } = await import("@formwork/llama");
  // An absurd --max-tokens (1e12) is refused now, not after loading the model (~14 s under load).
  checkMaxTokensFit(maxTokens, undefined, "--max-tokens");
  const info = (m: string) => process.stderr.write(`formwork: ${m}\n`);
  const download = progressBar("formwork: downloading the model");
  const loaded = await loadModel({ model: values.model, threads, ...(limits !== undefined ? { limits } : {}), onInfo: info, onDownloadProgress: (p) => download(p.downloadedBytes, p.totalBytes) }).finally(() => download.done());
  // What one generation and best-of-N share: the model, the prompt, the constraint, the sampling.
  const common = {
    model: loaded,
    ...(chat ? { messages: [...(values.system !== undefined ? [{ role: "system" as const, content: values.system }] : []), { role: "user" as const, content: prompt }] } : { prompt }),
    constraint: constraint ?? undefined,
    startAfter: values["start-after"],
    maxTokens,
    temperature,
    seed,
    ...(topK !== undefined ? { topK } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(minP !== undefined ? { minP } : {}),
    stop: values.stop,
    fastForward: values["no-fast-forward"] !== true,
  };
  try {
    if (select) {
      const { bestOfN } = select;
      const started = performance.now();
      const total = n ?? 4;
      let done = 0;
      const r = await bestOfN({
        ...common,
        n: total,
        select: (values.select ?? "mean-logprob") as Strategy,
        voteKey: values["vote-key"],
        constrain: values["no-constrain"] !== true,
        repair: values["no-repair"] !== true,
        sequential: values.sequential === true,
        batchInvariant: values["batch-invariant"] === true,
        maxTotalTokens,
        timeoutMs,
        onCandidate: (c) => {
          done++;
          const why = c.valid ? "valid" : `invalid: ${c.errors[0]?.message ?? "?"}${c.errors.length > 1 ? ` (+${c.errors.length - 1} more)` : ""}`;
          info(`candidate ${c.index} (seed ${c.seed}) ${done}/${total}: ${why}; ${c.tokens} tokens, mean logprob ${c.meanLogprob.toFixed(3)}, ${c.stopReason}, ${c.validatedMs.toFixed(0)} ms`);
        },
      });
      const shown = (c: { value: unknown; text: string }) =>
        constraint?.syntax === "json" ? JSON.stringify(c.value) : constraint?.syntax === "yaml" || constraint?.syntax === "csv" ? c.text.replace(/\n$/, "") : c.value !== undefined ? String(c.value) : c.text;
      if (values.json === true) {
        process.stdout.write(
          `${JSON.stringify({
            value: r.value,
            chosen: r.chosen?.index ?? null,
            strategy: r.strategy,
            stopped: r.stopped,
            ...(r.votes ? { votes: r.votes.map((v) => ({ key: v.key, count: v.count, members: v.members })) } : {}),
            candidates: r.candidates.map((c) => ({ index: c.index, seed: c.seed, text: c.text, value: c.value, valid: c.valid, errors: c.errors, meanLogprob: c.meanLogprob, sumLogprob: c.sumLogprob, tokens: c.tokens, stopReason: c.stopReason, ms: c.ms, ...(c.edits ? { edits: c.edits.length } : {}) })),
            model: loaded.path,
            timings: { ...r.timings, loadMs: loaded.loadMs, promptTokensEvaluated: r.stats.promptTokensEvaluated, batches: r.stats.steps, sequenceSteps: r.stats.sequenceSteps },
          })}\n`,
        );
      } else if (r.strategy === "all") {
        for (const c of r.candidates) if (c.valid) process.stdout.write(`${shown(c)}\n`);
      } else if (r.chosen) {
        process.stdout.write(`${shown(r.chosen)}\n`);
      }
      const valid = r.candidates.filter((c) => c.valid).length;
      info(
        `${valid}/${r.candidates.length} candidates valid; ${r.chosen ? `chose candidate ${r.chosen.index} (${r.strategy})` : r.strategy === "all" ? "all kept" : "none chosen"}; stopped: ${r.stopped}; ` +
          `${r.stats.tokens} tokens in ${(performance.now() - started).toFixed(0)} ms (${r.timings.tokensPerSecond.toFixed(1)} tokens/s, ${r.stats.steps} batches, prompt evaluated ${r.stats.promptTokensEvaluated} tokens for ${r.stats.promptTokens}); ` +
          `${loaded.gpu === false ? "CPU" : loaded.gpu}, ${loaded.threads} threads`,
      );
      if (valid === 0) {
        process.stderr.write(`formwork: no valid candidate among ${r.candidates.length} (stopped: ${r.stopped})\n`);
        return 1;
      }
      return 0;
    }
    const streaming = values.stream === true;
    const result = await generate({
      ...common,
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
    } else if (constraint?.syntax === "yaml" || constraint?.syntax === "csv") {
      // The text ends with its own line ending (CSV: every row's, \r\n included); one newline after it, not two.
      process.stdout.write(`${result.text.replace(/\n$/, "")}\n`);
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
}
