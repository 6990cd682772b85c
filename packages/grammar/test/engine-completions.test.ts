// Shortest completions (nfa-analysis.ts) are computed by relaxation sweeps in
// state order, with the Dijkstra search over the reversed graph as the
// fallback; both must give the same value for every NFA state. Oracle: the
// Dijkstra search on the same NFA, for random grammars (calls, loops, counted
// repetition, empty languages) and the repository's grammars.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "@formwork/core";
import { GrammarCompiler, parseGbnf, type CompiledGrammar, type Grammar } from "@formwork/grammar";
import { dijkstraCompletions, shortestCompletions } from "../src/engine/nfa-analysis.js";
import { compileOrSkip, randomGrammar, syntheticVocabulary } from "./engine-support.js";

const grammarsDir = join(resolve(import.meta.dirname, "../../.."), "grammars");

function check(cg: CompiledGrammar): void {
  const a = cg.automaton as unknown as { nfa: CompiledGrammar["automaton"]["nfa"]; starts: number[]; ends: number[]; ruleMinBytes: Float64Array; buildRules(): void };
  // Called rules are built on first need: build them all, then check each rule's states (and its bodies').
  a.buildRules();
  const nfa = a.nfa;
  for (let r = 0; r < a.starts.length; r++) {
    const lo = nfa.ruleLo[r], hi = nfa.ruleHi[r];
    let b0 = 0;
    while (b0 < nfa.bodyEntry.length && !(nfa.bodyEntry[b0] >= lo && nfa.bodyEntry[b0] < hi)) b0++;
    let b1 = b0;
    while (b1 < nfa.bodyEntry.length && nfa.bodyEntry[b1] >= lo && nfa.bodyEntry[b1] < hi) b1++;
    const want = dijkstraCompletions(nfa, lo, hi, a.ends[r], b0, b1, a.ruleMinBytes);
    const got = shortestCompletions(nfa, lo, hi, a.ends[r], b0, b1, a.ruleMinBytes);
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(Array.from(nfa.dist.subarray(lo, hi))).toEqual(Array.from(want));
    // The rule's shortest string from the IR (rule-facts.ts) is its start's completion in the NFA.
    expect(want[0]).toBe(a.ruleMinBytes[r]);
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
