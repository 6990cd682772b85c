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

/**
 * Whether accepting text token `id` leaves a finish within `left - 1` more
 * tokens. Leaves the matcher unchanged. False when the matcher refuses `id`.
 */
export function fitsBudget(matcher: GrammarMatcher, id: number, left: number): boolean {
  if (!matcher.acceptToken(id)) return false;
  const ok = matcher.isTerminated() || matcher.minTokensToFinish() <= left - 1;
  matcher.rollback(1);
  return ok;
}
