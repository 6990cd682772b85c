// Shortest completions (nfa-analysis.ts) are computed by relaxation sweeps in
// state order, with the Dijkstra search over the reversed graph as the
// fallback; both must give the same value for every NFA state. Oracle: the
// Dijkstra search on the same NFA, for random grammars (calls, loops, counted
// repetition, empty languages) and the repository's grammars.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FormworkError, Rng } from "@formwork/core";
import { GrammarCompiler, parseGbnf, type CompiledGrammar, type Grammar } from "@formwork/grammar";
import { dijkstraCompletions, shortestCompletions } from "../src/engine/nfa-analysis.js";
import { randomGrammar, syntheticVocabulary } from "./engine-support.js";

const grammarsDir = join(resolve(import.meta.dirname, "../../.."), "grammars");

function check(cg: CompiledGrammar): void {
  const a = cg.automaton as unknown as { nfa: CompiledGrammar["automaton"]["nfa"]; starts: number[]; ends: number[] };
  const nfa = a.nfa;
  // Base states only: copies of counted repetitions are appended later, with their own dist.
  const saved = nfa.count;
  nfa.count = nfa.baseCount;
  try {
    const want = dijkstraCompletions(nfa, a.starts, a.ends);
    const got = shortestCompletions(nfa, a.starts, a.ends);
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(Array.from(nfa.dist.subarray(0, nfa.baseCount))).toEqual(Array.from(want));
  } finally {
    nfa.count = saved;
  }
}

function compileOrSkip(compiler: GrammarCompiler, g: Grammar): CompiledGrammar | null {
  try {
    return compiler.compile(g);
  } catch (e) {
    if (e instanceof FormworkError && ["left-recursion", "empty-language", "max-nfa-states"].includes(e.code)) return null;
    throw e;
  }
}

describe("shortest completions: sweeps equal the Dijkstra search", () => {
  it("on random grammars", () => {
    const compiler = new GrammarCompiler(syntheticVocabulary(new Rng(1), 100), { cacheSize: 0 });
    const rng = new Rng(18_2);
    let checked = 0;
    for (let i = 0; i < 600; i++) {
      const cg = compileOrSkip(compiler, randomGrammar(rng));
      if (cg === null) continue;
      check(cg);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });

  it("on the repository's grammars", () => {
    const compiler = new GrammarCompiler(syntheticVocabulary(new Rng(1), 100), { cacheSize: 0 });
    for (const f of readdirSync(grammarsDir).filter((f) => f.endsWith(".gbnf"))) check(compiler.compile(parseGbnf(readFileSync(join(grammarsDir, f), "utf8"))));
  });
});
