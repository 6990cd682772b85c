/**
 * The default `pattern` engine of the validator: `@formwork/regex`'s
 * `compileMatcher` in search mode, which simulates the pattern's automaton
 * (time linear in the value, no DFA built ahead, nothing backtracks). ajv's
 * default is `RegExp`, which backtracks: `^(a+)+$` against 35 `a`s and a `!`
 * runs for minutes. Patterns come from schemas, schemas from users:
 * validation must not backtrack.
 */
import { compileMatcher, type RegexMatcher } from "@formwork/regex";

/** Compiled patterns by flags and source, shared by every validator (bounded). */
const cache = new Map<string, RegexMatcher>();
const CACHE_SIZE = 512;

/**
 * Compiles `source` (ajv passes the `u` flag) to a matcher with
 * `RegExp.prototype.test`'s meaning (a match anywhere unless anchored), in
 * time linear in the text. Throws what `compileMatcher` throws: an
 * `UnsupportedError` for constructs no automaton expresses (backreferences,
 * lookaround, `\b`), a `LimitError` for a pattern too big to compile.
 */
export function linearRegExp(source: string, flags: string): { test(text: string): boolean } {
  const key = `${flags}/${source}`;
  let matcher = cache.get(key);
  if (matcher === undefined) {
    matcher = compileMatcher(source, { flags, mode: "search" });
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, matcher);
  }
  return matcher;
}
