/**
 * What the regex compiler's limit errors say about the command line: its
 * limits (`maxDfaStates`, `maxNfaStates`, `maxRepetition`, `maxDepth`) are
 * options of `compileRegex` and `combineLanguages` only. `formwork --limit
 * maxDfaStates=N` sets the grammar engine's limit of that name, not these,
 * so the errors must not advise it.
 */
export const REGEX_LIMIT_CLI = "the command line cannot raise it: --regex, schema patterns and grammar regexes compile with the default";

/** The hint of a regex limit error: raise `option` (library only), or `instead`. */
export function regexLimitHint(option: string, instead: string): string {
  return `Raise the option ${option} of compileRegex (or combineLanguages) if the pattern is trusted, or ${instead}. ${REGEX_LIMIT_CLI[0].toUpperCase()}${REGEX_LIMIT_CLI.slice(1)}; see docs/limits.md.`;
}
