/**
 * The default `pattern` engine of the validator: `@formwork/regex`'s byte
 * DFA in search mode, which reads each byte of the value once. ajv's default
 * is `RegExp`, which backtracks: `^(a+)+$` against 35 `a`s and a `!` runs
 * for minutes. Patterns come from schemas, schemas from users: validation
 * must not backtrack.
 */
import { compileRegex, matchesText, type CompiledRegex } from "@formwork/regex";

/** Compiled patterns by flags and source, shared by every validator (bounded). */
const cache = new Map<string, CompiledRegex>();
const CACHE_SIZE = 512;

/**
 * Compiles `source` (ajv passes the `u` flag) to a matcher with
 * `RegExp.prototype.test`'s meaning (a match anywhere unless anchored), in
 * time linear in the text. Throws what `compileRegex` throws: an
 * `UnsupportedError` for constructs no automaton expresses (backreferences,
 * lookaround, `\b`), a `LimitError` for a pattern whose automaton is too big.
 *
 * A value's lone surrogates (which have no UTF-8 encoding) are read as
 * U+FFFD, as `TextEncoder` writes them.
 */
export function linearRegExp(source: string, flags: string): { test(text: string): boolean } {
  const key = `${flags}/${source}`;
  let dfa = cache.get(key);
  if (dfa === undefined) {
    dfa = compileRegex(source, { flags, mode: "search" });
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, dfa);
  }
  const compiled = dfa;
  return { test: (text: string) => matchesText(compiled, text) };
}
