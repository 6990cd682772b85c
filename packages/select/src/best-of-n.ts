/**
 * `bestOfN`: N candidates for one prompt, decoded together on one context
 * (a `CandidateDecoder`), each validated (the constraint, the schema through
 * ajv, the user's validators), and one chosen by a strategy.
 */
import { ArgumentError, type CandidateDecoder, type CandidateOutput, type CandidateRunStats, type CandidateStopReason, type SamplingOptions } from "@formwork/core";
import { resolveConstraint, type Constraint, type ConstraintOptions, type SchemaValue, type Syntax } from "@formwork/constraint";
import { checkText } from "@formwork/grammar";
import { candidateDecoder, checkMaxTokensFit, DEFAULT_CONTEXT_SIZE, loadModel, type CandidateDecoderOptions, type LoadedModel, type LoadModelOptions } from "@formwork/llama";
import { repairCsv, repairJson, repairYaml, type Edit, type RepairResult } from "@formwork/repair";

/** The repairer of each schema syntax (free text with repair); a new syntax must name its repairer here. */
const REPAIRERS: Record<Syntax, (text: string, constraint: Constraint) => RepairResult> = {
  json: (text, c) => repairJson(text, { schema: c.schema }),
  yaml: (text, c) => repairYaml(text, { schema: c.schema }),
  // CSV: cells typed by the table the compiler typed for the constraint (as formwork repair --format csv does).
  csv: (text, c) => repairCsv(text, { table: c.table, schema: c.schema }),
};
import { canonicalJson, choose, STRATEGIES, tally, valueAt, voteDecided, type Scored, type Strategy, type VoteCount } from "./strategies.js";

/** What a validator may return: `true` / nothing (ok), `false`, one error message, a list of them, or `{ ok, errors }`. */
export type ValidatorOutcome = void | undefined | boolean | string | readonly string[] | { ok: boolean; errors?: readonly string[] };

/**
 * A check of your own on a candidate's value (sync or async): totals that add
 * up, dates in order, an answer a tool confirms. It runs only on candidates
 * that passed the constraint and schema. A validator that throws makes that
 * candidate invalid (the error is reported), not the run.
 */
export type CandidateValidator<T = unknown> = (value: T, candidate: Candidate<T>) => ValidatorOutcome | Promise<ValidatorOutcome>;

/** Why a candidate is not valid. */
export interface CandidateError {
  /** `incomplete`: stopped before the constraint's end (abort, budget, no constraint end); `parse`: the text is no value; `schema`: ajv's verdict; `grammar`: free text the grammar or regex refuses; `validator`: one of yours (or it threw). */
  source: "incomplete" | "parse" | "schema" | "grammar" | "validator";
  message: string;
  /** JSON pointer into the value (schema errors). */
  path?: string;
  /** Which validator (its position in `validators`). */
  validator?: number;
}

/** One candidate in the report. */
export interface Candidate<T = unknown> {
  index: number;
  seed: number;
  temperature: number;
  /** The whole output text. */
  text: string;
  /** The value: parsed (and, free with repair, repaired) for a schema; the constrained text for a grammar or regex; undefined when there is none. */
  value: T | undefined;
  valid: boolean;
  errors: CandidateError[];
  meanLogprob: number;
  sumLogprob: number;
  /** Output tokens. */
  tokens: number;
  /** Per token: log-probability (T = 1, over the allowed tokens); 0 for forced ones. */
  logprobs: number[];
  /** Token ids. */
  tokenIds: number[];
  /** Per token: whether it was forced (fast-forward) rather than sampled. */
  forced: boolean[];
  stopReason: CandidateStopReason;
  /** Whether the output is a complete sentence of the constraint (with `constrain: false`: of what was decoded, so true). */
  complete: boolean;
  /** Milliseconds from the start of decoding to this candidate's end, and to its verdict (validators included). */
  ms: number;
  validatedMs: number;
  /** Free text with repair: the repairer's edits (empty when the text was already valid). */
  edits?: Edit[];
  /** The vote key (canonical JSON of the voted part), for `vote`. */
  voteKey?: string;
  /** The user score, for `score`. */
  score?: number;
}

/** Options of `bestOfN`. `S` is the schema's type (it types `value`). */
export interface BestOfNOptions<S = unknown, V = unknown> extends Omit<CandidateDecoderOptions<S, V>, "model" | "candidates">, Pick<SamplingOptions, "topK" | "topP" | "minP"> {
  /** A model from `loadModel`, a GGUF path, URL or `hf:` URI (loaded and disposed by the call), or nothing: the fixture model. */
  model?: LoadedModel | string;
  /** Load options when `model` is a path or absent. */
  load?: Omit<LoadModelOptions, "model" | "modelPath">;
  /** How many candidates (default 4). */
  n?: number;
  /** How the winner is chosen (default `"mean-logprob"`). */
  select?: Strategy;
  /** `vote`: what is voted on: a JSON pointer (`/answer`) or dotted path (`answer.value`) into the value, or a function of the value; default the whole value. Compared as canonical JSON. */
  voteKey?: string | ((value: unknown) => unknown);
  /** `score`: your score of a valid candidate (higher is better; async allowed, e.g. another model as judge). */
  score?: (candidate: Candidate<unknown>) => number | Promise<number>;
  /** Your checks, run in order on each candidate that passed the constraint and schema. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a validator sees the value of the schema it was written for
  validators?: readonly CandidateValidator<any>[];
  /** `false`: generate free text (no mask), then repair (unless `repair: false`) and validate: the prompt-and-post-process path. Default true. */
  constrain?: boolean;
  /** With `constrain: false` and a JSON schema: repair the text with `@formwork/repair` before validating (default true). */
  repair?: boolean;
  /** Token budget of each candidate (default 256). */
  maxTokens?: number;
  /** Stop every candidate once this many tokens were generated in all. */
  maxTotalTokens?: number;
  /** Stop every candidate after this many milliseconds. */
  timeoutMs?: number;
  /** Stop every candidate; the result so far is returned (`stopped: "abort"`). */
  signal?: AbortSignal;
  /** Candidate i's seed is `seed + i` (default 0). */
  seed?: number;
  /** The sampling temperature (default 0.8), or one per candidate (a schedule; the last repeats). */
  temperature?: number | readonly number[];
  /** Decode candidates one after another instead of together (a baseline; the same candidates with `batchInvariant`, else up to batch rounding). */
  sequential?: boolean;
  /** Called with each candidate once it is judged (valid or not), in the order they finish. */
  onCandidate?: (candidate: Candidate<unknown>) => void;
  /** Candidates the native side returns per step (see `generate`'s `candidates`; default 256, or 64 when `topK` is 1-64). */
  topCandidates?: number;
}

/** Why the run stopped. */
export type StopCause =
  /** Every candidate finished. */
  | "done"
  /** `first-valid` found one; the others were stopped. */
  | "first-valid"
  /** `vote`: the candidates still running could not change the winner; they were stopped. */
  | "vote-decided"
  | "max-total-tokens"
  | "timeout"
  | "abort";

/** What `bestOfN` returns. */
export interface BestOfNResult<T = unknown> {
  /** The chosen candidate's value (undefined when none is valid, or for `all`). */
  value: T | undefined;
  /** The chosen candidate (undefined when none is valid, or for `all`). */
  chosen: Candidate<T> | undefined;
  /** Every candidate, by index. */
  candidates: Candidate<T>[];
  /** The valid candidates' values, by index. */
  values: T[];
  strategy: Strategy;
  stopped: StopCause;
  /** `vote`: the groups, most votes first. */
  votes?: VoteCount[];
  timings: {
    /** Loading the model (0 when a loaded model was passed). */
    loadMs: number;
    /** Compiling the constraint and tokenizing the prompt. */
    setupMs: number;
    /** Decoding and judging, until the choice. */
    totalMs: number;
    /** From the start of decoding to the first valid candidate's verdict (undefined: none). */
    firstValidMs: number | undefined;
    /** Output tokens per second over the decoding (all candidates). */
    tokensPerSecond: number;
  };
  /** The decoder's counters: prompt tokens evaluated, batches, where the time went. */
  stats: CandidateRunStats;
}

type Resolved<S, V> = [V] extends [never] ? SchemaValue<S> : V;

/**
 * Decodes `n` candidates, judges each (constraint complete, value parsed,
 * ajv on the schema, your validators), and chooses one by `select`. Throws
 * before decoding for bad input (`ArgumentError` `bad-strategy`,
 * `bad-candidates`, `bad-option`; the compilers' and `generate`'s errors);
 * never for a candidate (a failing or throwing validator makes that
 * candidate invalid).
 */
export async function bestOfN<const S = undefined, V = never>(options: BestOfNOptions<S, V>): Promise<BestOfNResult<Resolved<S, V>>> {
  const t0 = performance.now();
  const n = options.n ?? 4;
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError("bad-candidates", `n must be an integer >= 1, got ${String(n)}`, { hint: "Ask for at least one candidate." });
  const strategy = options.select ?? "mean-logprob";
  if (!STRATEGIES.includes(strategy)) throw new ArgumentError("bad-strategy", `unknown selection strategy ${JSON.stringify(strategy)}`, { hint: `Use one of ${STRATEGIES.join(", ")}.` });
  if (strategy === "score" && typeof options.score !== "function") throw new ArgumentError("bad-option", 'select: "score" needs a score function', { hint: "Pass score: (candidate) => number." });
  if (options.voteKey !== undefined && typeof options.voteKey !== "string" && typeof options.voteKey !== "function") {
    throw new ArgumentError("bad-option", "voteKey must be a JSON pointer, a dotted path or a function", { hint: 'For example voteKey: "/answer".' });
  }
  for (const [name, v] of [["maxTotalTokens", options.maxTotalTokens], ["timeoutMs", options.timeoutMs]] as const) {
    if (v !== undefined && (!Number.isFinite(v) || v <= 0)) throw new ArgumentError("bad-option", `${name} must be a positive number, got ${String(v)}`, { hint: `Leave ${name} out for no limit.` });
  }
  const temps = typeof options.temperature === "number" || options.temperature === undefined ? [options.temperature ?? 0.8] : [...options.temperature];
  if (temps.length === 0) throw new ArgumentError("bad-option", "temperature is an empty list", { hint: "Give a number or one temperature per candidate." });
  const seed = options.seed ?? 0;
  const samplings: SamplingOptions[] = Array.from({ length: n }, (_, i) => ({ seed: seed + i, temperature: temps[Math.min(i, temps.length - 1)], topK: options.topK, topP: options.topP, minP: options.minP }));
  const constrain = options.constrain !== false;
  const constraint = resolveConstraint(options as ConstraintOptions) as Constraint | null;
  const maxTokens = options.maxTokens ?? 256;

  let loaded: LoadedModel;
  let owned = false;
  let loadMs = 0;
  if (options.model !== undefined && typeof options.model !== "string") loaded = options.model;
  else {
    // Before the load (seconds): a budget no context of this size holds.
    checkMaxTokensFit(maxTokens, options.load?.contextSize ?? DEFAULT_CONTEXT_SIZE);
    loaded = await loadModel({ ...options.load, model: options.model });
    owned = true;
    loadMs = loaded.loadMs;
  }
  try {
    const s0 = performance.now();
    const decoder = await candidateDecoder({
      model: loaded,
      prompt: options.prompt,
      messages: options.messages,
      constraint: constrain && constraint ? constraint : undefined,
      startAfter: constrain ? options.startAfter : undefined,
      stop: options.stop,
      fastForward: options.fastForward,
      candidates: options.topCandidates,
      sharePrompt: options.sharePrompt,
      batchInvariant: options.batchInvariant,
    });
    const setupMs = performance.now() - s0;
    try {
      const r = await runCandidates(decoder, constraint, samplings, strategy, maxTokens, options);
      return { ...r, timings: { ...r.timings, loadMs, setupMs, totalMs: performance.now() - t0 - loadMs - setupMs } } as BestOfNResult<Resolved<S, V>>;
    } finally {
      await decoder.dispose();
    }
  } finally {
    if (owned) await loaded.dispose();
  }
}

/** Judges one finished candidate: the value, its errors. */
async function judge(out: CandidateOutput, constraint: Constraint | null, constrained: boolean, temperature: number, o: BestOfNOptions<unknown, unknown>): Promise<Candidate> {
  const c: Candidate = {
    index: out.index,
    seed: out.seed,
    temperature,
    text: out.text,
    value: undefined,
    valid: false,
    errors: [],
    meanLogprob: out.meanLogprob,
    sumLogprob: out.sumLogprob,
    tokens: out.tokens.length,
    logprobs: out.logprobs,
    tokenIds: out.tokens,
    forced: out.forced,
    stopReason: out.stopReason,
    complete: out.complete,
    ms: out.ms,
    validatedMs: out.ms,
  };
  const fail = (e: CandidateError) => void c.errors.push(e);
  if (constrained && !out.complete) {
    fail({ source: "incomplete", message: `the output stopped (${out.stopReason}) before the constraint's end` });
  } else if (constraint === null) {
    c.value = out.text;
  } else if (constraint.syntax === null) {
    // A grammar or regex: the value is the text; free text is checked by the grammar.
    const text = out.constrainedText;
    if (!constrained) {
      const check = checkText(constraint.grammar, text);
      if (!check.accepted) fail({ source: "grammar", message: check.message ?? "the grammar refuses the text" });
    }
    c.value = text;
  } else {
    let text = out.constrainedText;
    if (!constrained && o.repair !== false) {
      const r = REPAIRERS[constraint.syntax](text, constraint);
      c.edits = r.edits;
      if (r.value === undefined) fail({ source: "parse", message: `repair found no value: ${r.errors.map((e) => e.message).join("; ") || "nothing to parse"}` });
      else text = r.text;
    }
    if (c.errors.length === 0) {
      const value = constraint.valueOf(text);
      if (value === undefined) fail({ source: "parse", message: constraint.kind === "schema" && !constrained ? "the text is not a value in the schema's syntax" : "the schema library refused the value" });
      else {
        c.value = value;
        const v = constraint.validate(value);
        for (const e of v.errors) fail({ source: "schema", message: e.message, path: e.instancePath });
      }
    }
  }
  if (c.errors.length === 0 && o.validators) {
    for (let i = 0; i < o.validators.length; i++) {
      let outcome: ValidatorOutcome;
      try {
        outcome = await (o.validators[i] as CandidateValidator)(c.value, c);
      } catch (err) {
        fail({ source: "validator", validator: i, message: `validator ${i} threw: ${(err as Error)?.message ?? String(err)}` });
        continue;
      }
      for (const message of outcomeErrors(outcome, i)) fail({ source: "validator", validator: i, message });
    }
  }
  c.valid = c.errors.length === 0;
  return c;
}

/** The error messages of a validator's outcome (none: ok). */
function outcomeErrors(outcome: ValidatorOutcome, i: number): string[] {
  if (outcome === undefined || outcome === true) return [];
  if (outcome === false) return [`validator ${i} refused the value`];
  if (typeof outcome === "string") return [outcome];
  if (Array.isArray(outcome)) return outcome.map(String);
  const r = outcome as { ok: boolean; errors?: readonly string[] };
  if (typeof r === "object" && r !== null && typeof r.ok === "boolean") return r.ok ? [] : r.errors && r.errors.length > 0 ? r.errors.map(String) : [`validator ${i} refused the value`];
  return [`validator ${i} returned ${JSON.stringify(outcome)}, not true/false, a message, a list or { ok, errors }`];
}

async function runCandidates(
  decoder: CandidateDecoder,
  constraint: Constraint | null,
  samplings: SamplingOptions[],
  strategy: Strategy,
  maxTokens: number,
  o: BestOfNOptions<unknown, unknown>,
): Promise<Omit<BestOfNResult, "timings"> & { timings: Omit<BestOfNResult["timings"], "loadMs" | "setupMs"> }> {
  const n = samplings.length;
  const stopper = new AbortController();
  const signals = [stopper.signal];
  if (o.signal) signals.push(o.signal);
  const timeout = o.timeoutMs !== undefined ? AbortSignal.timeout(o.timeoutMs) : undefined;
  if (timeout) signals.push(timeout);
  const signal = signals.length === 1 ? stopper.signal : AbortSignal.any(signals);
  let stopped: StopCause = "done";
  const stop = (cause: StopCause) => {
    if (stopped === "done") stopped = cause;
    stopper.abort();
  };
  const candidates: Candidate[] = new Array(n);
  const scored: Scored[] = [];
  let finished = 0;
  let total = 0;
  let firstValidMs: number | undefined;
  const d0 = performance.now();
  // A candidate is judged (validators included, possibly async) beside the decoding: its verdict is
  // taken when it comes, so a slow validator never pauses the other candidates' steps.
  const verdict = (c: Candidate) => {
    c.validatedMs = performance.now() - d0;
    if (c.valid && strategy === "vote") c.voteKey = voteKeyOf(c.value, o.voteKey);
    candidates[c.index] = c;
    scored.push({ index: c.index, valid: c.valid, meanLogprob: c.meanLogprob, sumLogprob: c.sumLogprob, voteKey: c.voteKey, finished: finished++ });
    if (c.valid && firstValidMs === undefined) firstValidMs = c.validatedMs;
    o.onCandidate?.(c);
    if (stopper.signal.aborted) return;
    if (strategy === "first-valid" && c.valid) stop("first-valid");
    else if (strategy === "vote" && finished < n && voteDecided(scored, n - finished)) stop("vote-decided");
  };
  const judging: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  const it = decoder.decode({ candidates: samplings, maxTokens, sequential: o.sequential, signal });
  let stats!: CandidateRunStats;
  try {
    for (;;) {
      const step = await it.next();
      if (step.done) {
        stats = step.value;
        break;
      }
      const e = step.value;
      if (e.type === "token") {
        total++;
        if (o.maxTotalTokens !== undefined && total >= o.maxTotalTokens && !stopper.signal.aborted) stop("max-total-tokens");
        continue;
      }
      judging.push(
        judge(e.output, constraint, decoder.constrained, samplings[e.candidate].temperature ?? 1, o).then(verdict, (error: unknown) => {
          // judge reports validators' errors itself; what reaches here is a bug or onCandidate throwing: the run's error.
          failure ??= { error };
          stopper.abort();
        }),
      );
    }
  } finally {
    await Promise.all(judging);
  }
  if (failure) throw failure.error;
  if (stopped === "done" && o.signal?.aborted) stopped = "abort";
  if (stopped === "done" && timeout?.aborted) stopped = "timeout";
  if (strategy === "score") {
    for (const c of candidates) {
      if (!c.valid) continue;
      const s = await o.score!(c);
      if (typeof s !== "number" || Number.isNaN(s)) throw new ArgumentError("bad-option", `the score function returned ${JSON.stringify(s)} for candidate ${c.index}, not a number`, { hint: "Return a number (higher is better)." });
      c.score = s;
      scored.find((x) => x.index === c.index)!.score = s;
    }
  }
  const at = choose(strategy, scored);
  const chosen = at >= 0 ? candidates[at] : undefined;
  const decodeMs = performance.now() - d0;
  return {
    value: chosen?.value,
    chosen,
    candidates,
    values: candidates.filter((c) => c.valid).map((c) => c.value),
    strategy,
    stopped,
    ...(strategy === "vote" ? { votes: tally(scored) } : {}),
    timings: { totalMs: decodeMs, firstValidMs, tokensPerSecond: decodeMs > 0 ? (stats.tokens * 1000) / decodeMs : 0 },
    stats,
  };
}

/** The vote key of a value: canonical JSON of the part `key` selects (undefined when it is missing). */
function voteKeyOf(value: unknown, key: BestOfNOptions["voteKey"]): string | undefined {
  const part = key === undefined ? value : typeof key === "function" ? key(value) : valueAt(value, key);
  return part === undefined ? undefined : canonicalJson(part);
}
