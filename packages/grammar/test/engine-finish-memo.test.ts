// `minTokensToFinish()` is memoised per grammar by the configuration its shortest completion starts
// from (the state and its stack, numbered grammar-wide so that matchers with stack pools of their own
// share the answers). Oracle: its definition, the shortest completion tokenized by longest match
// (`trie.greedyTokenize(shortestCompletion())`, or `minBytesToFinish()` past the cap), asked of
// several matchers of one grammar (fresh ones, whose pools number stacks in other orders, and forks)
// walking random paths, on random grammars (calls, recursion, nullable rules) and the repository's.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng, TokenMask } from "@formwork/core";
import { GrammarCompiler, parseGbnf, type CompiledGrammar, type Grammar, type GrammarMatcher } from "@formwork/grammar";
import { compileOrSkip, randomGrammar, syntheticVocabulary } from "./engine-support.js";

const grammarsDir = join(resolve(import.meta.dirname, "../../.."), "grammars");

function definition(m: GrammarMatcher): number {
  const bytes = m.shortestCompletion();
  if (bytes === null) return m.minBytesToFinish();
  return m.compiled.trie.greedyTokenize(bytes)?.length ?? Infinity;
}

/** Random walks of `walks` matchers of `cg` (every other one a fork of the last), checking at each state; returns the checks. */
function walk(cg: CompiledGrammar, rng: Rng, walks: number, steps: number): number {
  const mask = new TokenMask(cg.vocabulary.size);
  let checks = 0;
  let last: GrammarMatcher | null = null;
  for (let w = 0; w < walks; w++) {
    const m: GrammarMatcher = w % 2 === 1 && last !== null ? last.fork() : cg.createMatcher();
    last = m;
    for (let s = 0; s < steps; s++) {
      const want = definition(m);
      expect(m.minTokensToFinish()).toBe(want);
      // A second ask (from the memo) and after a rollback to here.
      expect(m.minTokensToFinish()).toBe(want);
      checks++;
      m.fillNextTokenMask(mask);
      const allowed = mask.toArray().filter((id) => !cg.vocabulary.isEog(id));
      if (allowed.length === 0) break;
      const id = allowed[Math.floor(rng.next() * allowed.length)];
      expect(m.acceptToken(id)).toBe(true);
      if (rng.next() < 0.2) {
        m.rollback(1);
        expect(m.minTokensToFinish()).toBe(want);
        m.acceptToken(id);
      }
    }
    if (m.acceptToken(cg.vocabulary.eogIds[0])) expect(m.minTokensToFinish()).toBe(definition(m));
  }
  return checks;
}

describe("minTokensToFinish memo", () => {
  it("answers as its definition on random grammars, across matchers and forks of one grammar", () => {
    const compiler = new GrammarCompiler(syntheticVocabulary(new Rng(7), 300), { cacheSize: 0 });
    const rng = new Rng(18_5);
    let checks = 0, grammars = 0;
    for (let i = 0; i < 300; i++) {
      const cg = compileOrSkip(compiler, randomGrammar(rng));
      if (cg === null) continue;
      checks += walk(cg, rng, 6, 12);
      grammars++;
    }
    expect(grammars).toBeGreaterThan(150);
    expect(checks).toBeGreaterThan(3000);
  });

  it("answers as its definition on the repository's grammars", () => {
    const compiler = new GrammarCompiler(syntheticVocabulary(new Rng(8), 400), { cacheSize: 0 });
    const rng = new Rng(18_6);
    let checks = 0;
    for (const file of readdirSync(grammarsDir).filter((f) => f.endsWith(".gbnf"))) {
      const cg = compileOrSkip(compiler, parseGbnf(readFileSync(join(grammarsDir, file), "utf8")));
      if (cg === null) continue;
      checks += walk(cg, rng, 6, 30);
    }
    expect(checks).toBeGreaterThan(200);
  });
});
