// The token walk remembers subtrees below trie nodes of depth 2 and 3 by (configuration set, node),
// and a slice entry looks up each exit's start set once per number of characters before it. Both
// are exact only if the key holds everything the subtree's tokens depend on. Oracle: brute force
// (`acceptToken` of every Qwen token, no cache) at states where the same trie nodes are reached
// from different sets one or two bytes in: a bounded whitespace counted down before words that
// two contexts end differently, and bounded runs whose exits differ by the characters before them.
import { describe, expect, it } from "vitest";
import { TokenMask } from "@formwork/core";
import { GrammarCompiler, parseGbnf, type CompiledGrammar } from "@formwork/grammar";
import { qwenVocabulary } from "@formwork/testkit";

/** Ids where the mask after `prefix` and brute force disagree (at most 5). */
function disagreements(g: CompiledGrammar, prefix: string, mask: TokenMask): string[] {
  const m = g.createMatcher();
  expect(m.acceptBytes(prefix), `prefix ${JSON.stringify(prefix)}`).toBe(true);
  m.fillNextTokenMask(mask);
  const vocab = g.vocabulary;
  const out: string[] = [];
  for (let id = 0; id < vocab.size && out.length < 5; id++) {
    const ok = m.acceptToken(id);
    if (ok) m.rollback(1);
    if (ok !== mask.has(id)) out.push(`${JSON.stringify(prefix)} + ${JSON.stringify(vocab.textOf(id))}: brute=${ok} mask=${mask.has(id)}`);
  }
  return out;
}

describe("token walk: subtrees remembered below depth 1, exit start sets", () => {
  const vocab = qwenVocabulary();

  it("words after a counted-down whitespace, ended differently by two contexts, equal brute force", () => {
    // After "a" or "b" and k spaces (one state per k), a token " foo(" reads a space (a set per k)
    // then letters: from depth 2 on, every k of one context meets the same sets, and the other
    // context meets other sets at the same trie nodes (a word then "(" against a word then ")").
    const g = new GrammarCompiler(vocab, { cacheSize: 0 }).compile(
      parseGbnf(`root ::= "a" ws x | "b" ws y | "c" ws ( x | y )
ws ::= [ \\t]{0,4}
x ::= [a-z]+ "(" [0-9]
y ::= [a-z]+ ")" [0-9]`),
    );
    const mask = new TokenMask(vocab.size);
    const bad: string[] = [];
    // Contexts interleaved so that each one's entries are built after the other's have filled the memo.
    for (const ws of ["", " ", "  ", "\t ", "   "]) for (const c of ["a", "b", "c"]) bad.push(...disagreements(g, c + ws, mask));
    expect(bad).toEqual([]);
  }, 120_000);

  it("bounded runs whose exits depend on the characters read before them equal brute force", () => {
    // Inside [a-zA-Z ]{2,40} the closing quote is refused before two characters and allowed after;
    // a token '"x' or 'ab"' leaves the run after 0, 1 or 2 characters (a different state each).
    const g = new GrammarCompiler(vocab, { cacheSize: 0 }).compile(parseGbnf(`root ::= "\\"" [a-zA-Z ]{2,40} "\\"" [0-9]`));
    const mask = new TokenMask(vocab.size);
    const bad: string[] = [];
    for (const p of ['"', '"a', '"ab', '"abc', '"' + "x".repeat(37), '"' + "x".repeat(39)]) bad.push(...disagreements(g, p, mask));
    expect(bad).toEqual([]);
  }, 120_000);
});
