// The token walk shares work between the cache entries of a grammar: interned configuration
// sets with memoised moves, and a memo of depth-1 subtrees per configuration set. Both are
// exact only if an entry does not depend on which entries were filled before it. Oracle: the
// same grammar compiled three times, its entries filled in three different orders, must give
// the same tokens and escape points for every state (the masks themselves are checked against
// the reference recognizer in engine-random.test.ts and mask-grammars.test.ts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FormworkError, Rng } from "@formwork/core";
import { GrammarCompiler, parseGbnf, type CompiledGrammar, type Grammar } from "@formwork/grammar";
import { qwenVocabulary } from "@formwork/testkit";
import { randomGrammar, syntheticVocabulary } from "./engine-support.js";

/** Every state's entry as text: sorted accepted ids, then sorted escape nodes. */
function entries(cg: CompiledGrammar, order: number[]): string[] {
  const out: string[] = new Array(cg.automaton.stateCount).fill("");
  for (const q of order) {
    const e = cg.cacheEntry(q);
    const ids: number[] = [];
    if (e.ids) ids.push(...e.ids);
    else for (let id = 0; id < cg.vocabulary.size; id++) if (e.bits![id >>> 5] & (1 << (id & 31))) ids.push(id);
    ids.sort((a, b) => a - b);
    expect(e.count, `state ${q}: count`).toBe(ids.length);
    out[q] = `${ids.join(",")} | ${Array.from(e.escNodes).sort((a, b) => a - b).join(",")}`;
  }
  return out;
}

function orders(n: number, rng: Rng): number[][] {
  const fwd = Array.from({ length: n }, (_, i) => i);
  const shuffled = fwd.slice();
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  return [fwd, fwd.slice().reverse(), shuffled];
}

function compileOrNull(compiler: GrammarCompiler, g: Grammar): CompiledGrammar | null {
  try {
    return compiler.compile(g);
  } catch (e) {
    if (e instanceof FormworkError) return null;
    throw e;
  }
}

describe("token walk: shared sets and subtree memo", () => {
  it("entries do not depend on the order states are filled in (random grammars)", () => {
    const vocab = syntheticVocabulary(new Rng(11), 400);
    const compiler = new GrammarCompiler(vocab, { cacheSize: 0 });
    let checked = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const rng = new Rng(seed);
      const g = randomGrammar(rng);
      const first = compileOrNull(compiler, g);
      if (!first) continue;
      checked++;
      const [fwd, rev, shuffled] = orders(first.automaton.stateCount, rng);
      const want = entries(first, fwd);
      expect(entries(compiler.compile(g), rev), `seed ${seed}, reverse order`).toEqual(want);
      expect(entries(compiler.compile(g), shuffled), `seed ${seed}, shuffled order`).toEqual(want);
    }
    expect(checked).toBeGreaterThan(80);
  });

  it("entries do not depend on the order states are filled in (c-subset.gbnf, Qwen vocabulary)", () => {
    const vocab = qwenVocabulary();
    const compiler = new GrammarCompiler(vocab, { cacheSize: 0 });
    const g = parseGbnf(readFileSync(new URL("../../../grammars/c-subset.gbnf", import.meta.url), "utf8"));
    const first = compiler.compile(g);
    const n = first.automaton.stateCount;
    // Every 5th state keeps the test short; the three orders still reach the shared subtrees from different states first.
    const some = orders(n, new Rng(5)).map((o) => o.filter((q) => q % 5 === 0));
    const want = entries(first, some[0]);
    expect(entries(compiler.compile(g), some[1])).toEqual(want);
    expect(entries(compiler.compile(g), some[2])).toEqual(want);
  }, 120_000);
});
