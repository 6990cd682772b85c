/**
 * Length-aware decoding: a plan of tokens that finishes the grammar from the
 * matcher's state, and the check that a candidate token keeps a finish
 * within the budget.
 */
import type { TokenTrie } from "@formwork/core";
import type { GrammarMatcher } from "@formwork/grammar";

/**
 * Tokenizes `bytes` by longest match over the trie's text tokens (the same
 * rule as `GrammarMatcher.minTokensToFinish`); null when some byte starts no token.
 */
export function greedyTokens(trie: TokenTrie, bytes: Uint8Array): number[] | null {
  return trie.greedyTokenize(bytes);
}

/**
 * A sequence of tokens that completes a sentence from the matcher's state
 * (its shortest completion, tokenized by longest match), or null when there
 * is none within the engine's cap. Every token of it is allowed in turn.
 */
export function finishPlan(matcher: GrammarMatcher): number[] | null {
  const bytes = matcher.shortestCompletion();
  if (bytes === null) return null;
  return greedyTokens(matcher.compiled.trie, bytes);
}

const bytesAreTokens = new WeakMap<TokenTrie, boolean>();

/** Whether each of the 256 bytes is a text token of the trie (then greedy tokenization never fails and takes at most one token per byte). */
export function everyByteIsToken(trie: TokenTrie): boolean {
  let known = bytesAreTokens.get(trie);
  if (known === undefined) {
    known = true;
    const one = new Uint8Array(1);
    for (let b = 0; b < 256 && known; b++) {
      one[0] = b;
      known = trie.greedyTokenize(one)?.length === 1;
    }
    bytesAreTokens.set(trie, known);
  }
  return known;
}

/**
 * `matcher.minTokensToFinish()` (its shortest completion tokenized by
 * longest match), which the matcher memoises per grammar by the
 * configuration the completion starts from: inside a string or a key the
 * same configurations come back from step to step and call to call, and
 * walking and tokenizing the completion (on key-heavy objects 100-200 bytes)
 * is most of a budget check's cost.
 */
export function tokensToFinish(matcher: GrammarMatcher): number {
  return matcher.minTokensToFinish();
}

/**
 * Whether accepting text token `id` leaves a finish within `left - 1` more
 * tokens (`minTokensToFinish()`). Leaves the matcher unchanged. False when
 * the matcher refuses `id`.
 *
 * Cheaper than asking `minTokensToFinish()`, same answer: when every byte is
 * a token the tokens a completion needs are at most its bytes, so a
 * completion that fits in bytes (`minBytesToFinish()`, a minimum over the
 * matcher's configurations) fits; otherwise `tokensToFinish` (memoised).
 */
export function fitsBudget(matcher: GrammarMatcher, id: number, left: number): boolean {
  const ok = acceptIfFits(matcher, id, left);
  if (ok) matcher.rollback(1);
  return ok;
}

/**
 * `fitsBudget`, except that a token that fits stays accepted (the caller
 * rolls it back, or keeps it when it is the one drawn: one accept fewer per
 * token). The matcher is unchanged when it returns false.
 */
export function acceptIfFits(matcher: GrammarMatcher, id: number, left: number): boolean {
  if (!matcher.acceptToken(id)) return false;
  const ok = matcher.isTerminated() || (matcher.minBytesToFinish() <= left - 1 && everyByteIsToken(matcher.compiled.trie)) || tokensToFinish(matcher) <= left - 1;
  if (!ok) matcher.rollback(1);
  return ok;
}
