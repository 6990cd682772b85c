/**
 * The default `pattern` engine of the validator: `@formwork/regex`'s
 * `compileMatcher` in search mode, which simulates the pattern's automaton
 * (time linear in the value, no DFA built ahead, nothing backtracks). ajv's
 * default is `RegExp`, which backtracks: `^(a+)+$` against 35 `a`s and a `!`
 * runs for minutes. Patterns come from schemas, schemas from users:
 * validation must not backtrack.
 */
import type { Limits } from "@formwork/core";
import { compileMatcher, type RegexMatcher } from "@formwork/regex";
import { regexLimitsKey } from "@formwork/regex/internal";

/**
 * Compiled patterns by regex limits, flags and source, shared by every
 * validator (bounded). Only what compiled is kept, and under the limits it
 * compiled with: a pattern accepted under raised limits is refused again
 * under lower ones.
 */
const cache = new Map<string, RegexMatcher>();
const CACHE_SIZE = 512;

/**
 * Compiles `source` (ajv passes the `u` flag) to a matcher with
 * `RegExp.prototype.test`'s meaning (a match anywhere unless anchored), in
 * time linear in the text. Throws what `compileMatcher` throws: an
 * `UnsupportedError` for constructs no automaton expresses (backreferences,
 * lookaround, `\b`), a `LimitError` for a pattern too big to compile under
 * `limits` (`maxRegexNfaStates`, `maxRepetition`; `maxRegexDfaStates` does
 * not apply: no DFA is built ahead).
 */
export function linearRegExp(source: string, flags: string, limits?: Partial<Limits>): { test(text: string): boolean } {
  const options = limits === undefined ? {} : { limits };
  const key = `${regexLimitsKey(options)}/${flags}/${source}`;
  let matcher = cache.get(key);
  if (matcher === undefined) {
    matcher = compileMatcher(source, { flags, mode: "search", ...options });
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, matcher);
  }
  return matcher;
}
