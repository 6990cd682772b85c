/**
 * Limits of the grammar engine: one options object, every field with its
 * default and what it costs. Exceeding a compile-time limit throws a
 * `LimitError` whose `code` names the limit (`max-nfa-states`, ...).
 */
import type { Limits } from "@formwork/core";
import { resolveLimits } from "@formwork/core/internal";
import { DEFAULT_REGEX_LIMITS } from "@formwork/regex";

/** Compile options of `GrammarCompiler`. */
export interface EngineOptions {
  /**
   * Most byte-NFA states built for the grammar: inlined rules and small
   * repetitions copied out at compile time, plus the copies of counted
   * repetitions instantiated as texts reach them. Default 1,000,000 (~100 MB).
   * Passed at compile time, `compile` throws; passed later (a text of a
   * million characters in `x{0,100000000}`), whatever builds the copy (a mask,
   * `acceptToken`) throws. Code: `max-nfa-states`.
   */
  maxNfaStates?: number;
  /**
   * Most DFA states built (they are built lazily, as matchers and token walks
   * reach them). Each costs one row of the transition table (4 bytes per byte
   * class) and, once visited, a token-mask cache entry (about 400 bytes per
   * state in the tables; the default allows ~100 MB). Default 250,000; passed,
   * whatever builds the state throws. Code: `max-dfa-states`.
   */
  maxDfaStates?: number;
  /**
   * A non-recursive rule is inlined into every rule that uses it unless its
   * NFA is bigger than this and it is used more than once; then it is called
   * like a recursive rule (smaller automata, more stack work). Default 4,000.
   */
  inlineLimit?: number;
  /**
   * Deepest stack of rule calls a sequence may build at run time (nesting
   * depth of recursive rules, e.g. JSON nesting: one call per level of a
   * free-form value, two or three per level of a recursive schema). A text,
   * token or mask that would go deeper throws `LimitError` `max-stack-depth`
   * (the text so far stays as it was); it is never answered with a mask that
   * leaves the deeper continuations out. Each frame costs ~50 bytes (100,000
   * levels of brackets: ~30 MB, a third of a second). Default 1,000.
   */
  maxStackDepth?: number;
  /**
   * Most simultaneous parser configurations (automaton state × stack) after
   * one byte; only ambiguous grammars get near it. Exceeding it throws
   * `LimitError` `max-configurations`. Default 4,096.
   */
  maxConfigurations?: number;
  /**
   * Deepest nesting of IR nodes in one rule. The compiler's passes recurse
   * once per level (and once more per level of an inlined rule); past
   * 1,000 levels they could overflow the stack. Default 1,000. Code
   * `max-depth`.
   */
  maxDepth?: number;
  /** Most rules in a grammar (a 100,000-rule chain compiles in about a second). Default 100,000. Code `max-rules`. */
  maxRules?: number;
  /**
   * The regex compiler's limits for the grammar's `regex` nodes (`@formwork/regex`'s
   * `maxDfaStates`, `maxNfaStates`, `maxRepetition`, by their names in `limits`).
   * Defaults 20,000, 250,000 and 10,000, as `compileRegex`'s. Codes
   * `regex-dfa-limit`, `regex-nfa-limit`, `regex-repetition-limit`.
   */
  maxRegexDfaStates?: number;
  maxRegexNfaStates?: number;
  maxRepetition?: number;
}

/** `EngineOptions` with every default filled in. */
export type ResolvedEngineOptions = Required<EngineOptions>;

/** Default limits (see `EngineOptions` for what each costs). */
export const DEFAULT_ENGINE_OPTIONS: Readonly<ResolvedEngineOptions> = Object.freeze({
  maxNfaStates: 1_000_000,
  maxDfaStates: 250_000,
  inlineLimit: 4_000,
  maxStackDepth: 1_000,
  maxConfigurations: 4_096,
  maxDepth: 1_000,
  maxRules: 100_000,
  maxRegexDfaStates: DEFAULT_REGEX_LIMITS.maxDfaStates,
  maxRegexNfaStates: DEFAULT_REGEX_LIMITS.maxNfaStates,
  maxRepetition: DEFAULT_REGEX_LIMITS.maxRepetition,
});

/** The `limits` of the regex compiler for a grammar's `regex` nodes under `options`. */
export function regexLimitsOf(options: ResolvedEngineOptions): Partial<Limits> {
  return { maxRegexDfaStates: options.maxRegexDfaStates, maxRegexNfaStates: options.maxRegexNfaStates, maxRepetition: options.maxRepetition };
}

/**
 * The engine options a `limits` object (docs/limits.md) sets: `maxNfaStates`,
 * `maxDfaStates`, `maxStackDepth`, `maxConfigurations`, `maxRules` and the
 * regex limits (`maxRegexDfaStates`, `maxRegexNfaStates`, `maxRepetition`) by the
 * same names; `maxDepth` only when above the engine's own default (1,000
 * levels of IR: a grammar's `maxDepth` counts parentheses, default 200, and a
 * compiled schema's IR nests deeper than the schema, so a lower `maxDepth`
 * is not passed on).
 */
export function engineOptionsFromLimits(limits: Partial<Limits> | undefined): EngineOptions {
  if (limits === undefined) return {};
  const { maxNfaStates, maxDfaStates, maxStackDepth, maxConfigurations, maxRules, maxDepth, maxRegexDfaStates, maxRegexNfaStates, maxRepetition } = resolveLimits<Partial<Limits>>(
    { maxNfaStates: undefined, maxDfaStates: undefined, maxStackDepth: undefined, maxConfigurations: undefined, maxRules: undefined, maxDepth: undefined, maxRegexDfaStates: undefined, maxRegexNfaStates: undefined, maxRepetition: undefined },
    limits,
  );
  const out: EngineOptions = { maxNfaStates, maxDfaStates, maxStackDepth, maxConfigurations, maxRules, maxRegexDfaStates, maxRegexNfaStates, maxRepetition };
  if (maxDepth !== undefined && maxDepth > DEFAULT_ENGINE_OPTIONS.maxDepth) out.maxDepth = maxDepth;
  for (const k of Object.keys(out) as (keyof EngineOptions)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** How an engine limit is raised, for `limitExceeded`'s message. */
export function engineRaise(name: keyof Limits): string {
  return `the option limits: { ${name}: N } (or the GrammarCompiler option ${name})`;
}

/** Fills the defaults in `options`. */
export function resolveEngineOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  const out = { ...DEFAULT_ENGINE_OPTIONS } as ResolvedEngineOptions;
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}
