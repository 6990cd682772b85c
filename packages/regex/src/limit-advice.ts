/**
 * The regex compiler's limit errors. Three of its limits are limits of the
 * one `limits` object (docs/limits.md), under names of their own so they do
 * not clash with the grammar engine's `maxDfaStates` and `maxNfaStates`:
 * `maxRegexDfaStates`, `maxRegexNfaStates`, `maxRepetition`. The options of
 * `compileRegex`, `compileMatcher`, `parseRegex`, `compileAst` and
 * `combineLanguages` keep their older names (`maxDfaStates`, `maxNfaStates`,
 * `maxRepetition`) and win over `limits` when both are set. `--limit
 * maxRegexDfaStates=N` (and the others) reach every pattern a command
 * compiles: `--regex`, schema `pattern`s, a grammar's regex nodes.
 *
 * The pattern's group depth (`maxDepth`, default 200) stays an option of
 * the compiler only: `limits.maxDepth` bounds grammars and schemas, and the
 * regex parser recurses once per group (about 1,000 overflow the stack).
 */
import { LimitError, type ErrorLocation, type Limits } from "@formwork/core";
import { limitCode } from "@formwork/core/internal";

/** What the command line offers for the regex compiler's own `maxDepth`, which `--limit` does not reach. */
export const REGEX_LIMIT_CLI = "the command line cannot raise it: --limit maxDepth sets the grammar and schema depths, not a pattern's";

/** The names of the regex limits in `limits`, by the compiler option each sets. */
export const REGEX_LIMIT_NAMES = {
  maxDfaStates: "maxRegexDfaStates",
  maxNfaStates: "maxRegexNfaStates",
  maxRepetition: "maxRepetition",
} as const satisfies Record<string, keyof Limits>;

/** A compiler option that is also a limit of `limits`. */
export type RegexLimitOption = keyof typeof REGEX_LIMIT_NAMES;

/**
 * The hint of a regex limit error: what to change in the pattern
 * (`instead`), then how to raise the limit, in the library (`limits: {
 * maxRegexDfaStates: N }`, or the compiler option of the older name) and on
 * the command line (`--limit maxRegexDfaStates=N`).
 */
export function regexLimitHint(option: RegexLimitOption, instead: string): string {
  const name = REGEX_LIMIT_NAMES[option];
  const older = option === name ? "" : ` (or the option ${option} of compileRegex, compileMatcher or combineLanguages)`;
  return `${instead[0].toUpperCase()}${instead.slice(1)}. Raise it with the option limits: { ${name}: N }${older} (CLI: --limit ${name}=N) if the pattern is trusted; see docs/limits.md.`;
}

/** The `LimitError` of regex limit `option` (value `value`): its code, the limit's name and value, and {@link regexLimitHint}. */
export function regexLimitError(option: RegexLimitOption, value: number, message: string, instead: string, location?: ErrorLocation): LimitError {
  const name = REGEX_LIMIT_NAMES[option];
  return new LimitError(limitCode(name), message, { hint: regexLimitHint(option, instead), limit: name, limitValue: value, ...(location === undefined ? {} : { location }) });
}
