// The engine against the reference recognizer on random grammars and a
// synthetic vocabulary: masks, acceptToken, rollback/fork, forced bytes and
// shortest completions at random reachable states.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { FormworkError, Rng, TokenMask } from "@formwork/core";
import { GrammarCompiler, type Grammar, type CompiledGrammar } from "@formwork/grammar";
import { referenceMatchBytes, referencePrefixOkBytes } from "@formwork/grammar/testing";
import { concat, maskDiff, randomGrammar, syntheticVocabulary } from "./engine-support.js";

function compileOrSkip(compiler: GrammarCompiler, g: Grammar): CompiledGrammar | null {
  try {
    return compiler.compile(g);
  } catch (e) {
    if (e instanceof FormworkError && ["left-recursion", "empty-language", "max-nfa-states", "max-dfa-states"].includes(e.code)) return null;
    throw e;
  }
}

describe("engine on random grammars (reference recognizer as oracle)", () => {
  const vocab = syntheticVocabulary(new Rng(7), 360);
  const compiler = new GrammarCompiler(vocab);

  it("masks equal brute force at random reachable states; acceptToken agrees", () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const rng = new Rng(seed);
        const g = randomGrammar(rng);
        const cg = compileOrSkip(compiler, g);
        if (!cg) return;
        checked++;
        const m = cg.createMatcher();
        const mask = new TokenMask(vocab.size);
        let prefix: Uint8Array = new Uint8Array(0);
        for (let stepNo = 0; stepNo < 6; stepNo++) {
          expect(maskDiff(g, m, prefix), `grammar seed ${seed}, prefix [${prefix}]`).toEqual([]);
          m.fillNextTokenMask(mask);
          const allowed = mask.toArray();
          // A refused token leaves the state unchanged.
          const refused = Array.from({ length: 8 }, () => Math.floor(rng.next() * vocab.size)).filter((id) => !mask.has(id));
          for (const id of refused) expect(m.acceptToken(id)).toBe(false);
          if (allowed.length === 0) break;
          const id = allowed[Math.floor(rng.next() * allowed.length)];
          expect(m.acceptToken(id)).toBe(true);
          if (vocab.isEog(id)) {
            expect(m.isTerminated()).toBe(true);
            m.fillNextTokenMask(mask);
            expect(mask.isEmpty()).toBe(true);
            break;
          }
          prefix = concat(prefix, vocab.bytesOf(id));
          expect(m.isComplete()).toBe(referenceMatchBytes(g, prefix).complete);
        }
      }),
      { seed: 20251123, numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(150);
  });

  it("rollback and fork give the same masks as a fresh replay", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const rng = new Rng(seed);
        const g = randomGrammar(rng);
        const cg = compileOrSkip(compiler, g);
        if (!cg) return;
        const m = cg.createMatcher();
        const mask = new TokenMask(vocab.size);
        const taken: number[] = [];
        const masks: TokenMask[] = [];
        for (let i = 0; i < 8; i++) {
          m.fillNextTokenMask(mask);
          masks.push(mask.clone());
          const allowed = mask.toArray().filter((id) => !vocab.isEog(id));
          if (allowed.length === 0) break;
          const id = allowed[Math.floor(rng.next() * allowed.length)];
          expect(m.acceptToken(id)).toBe(true);
          taken.push(id);
        }
        if (masks.length === taken.length) {
          m.fillNextTokenMask(mask);
          masks.push(mask.clone());
        }
        const f = m.fork();
        const back = Math.floor(rng.next() * (taken.length + 1));
        m.rollback(back);
        m.fillNextTokenMask(mask);
        expect(mask.equals(masks[taken.length - back])).toBe(true);
        // The fork kept the state before the rollback: replaying it from scratch matches.
        const fresh = cg.createMatcher();
        for (const id of taken) expect(fresh.acceptToken(id)).toBe(true);
        const a = new TokenMask(vocab.size), b = new TokenMask(vocab.size);
        fresh.fillNextTokenMask(a);
        f.fillNextTokenMask(b);
        expect(b.equals(a)).toBe(true);
        f.reset();
        f.fillNextTokenMask(b);
        expect(b.equals(masks[0])).toBe(true);
      }),
      { seed: 99, numRuns: 60 },
    );
  });

  it("forced bytes are exactly the common prefix of all continuations; shortest completions are sentences", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const rng = new Rng(seed);
        const g = randomGrammar(rng);
        const cg = compileOrSkip(compiler, g);
        if (!cg) return;
        const m = cg.createMatcher();
        const mask = new TokenMask(vocab.size);
        let prefix: Uint8Array = new Uint8Array(0);
        for (let i = 0; i < 4; i++) {
          const forced = m.forcedBytes();
          // Each forced byte is the only byte the reference allows there, and the text cannot end before it.
          let p = prefix;
          for (const fb of forced) {
            expect(referenceMatchBytes(g, p).complete).toBe(false);
            for (let b = 0; b < 256; b++) expect(referencePrefixOkBytes(g, concat(p, Uint8Array.of(b)))).toBe(b === fb);
            p = concat(p, Uint8Array.of(fb));
          }
          // After them: the text may end, or two different bytes may follow.
          if (!referenceMatchBytes(g, p).complete) {
            let options = 0;
            for (let b = 0; b < 256; b++) if (referencePrefixOkBytes(g, concat(p, Uint8Array.of(b)))) options++;
            expect(options).toBeGreaterThan(1);
          }
          const completion = m.shortestCompletion()!;
          expect(completion.length).toBe(m.minBytesToFinish());
          expect(referenceMatchBytes(g, concat(prefix, completion)).complete).toBe(true);
          // minTokensToFinish is achievable: the greedy tokens are accepted one by one and complete the sentence.
          const f = m.fork();
          const want = m.minTokensToFinish();
          expect(want).toBeLessThanOrEqual(completion.length);
          let used = 0;
          while (!f.isComplete() || f.minBytesToFinish() > 0) {
            const rest = f.shortestCompletion()!;
            let best = -1, bestLen = 0;
            for (let id = 0; id < vocab.size; id++) {
              const tb = vocab.bytesOf(id);
              if (!vocab.isText(id) || tb.length > rest.length || tb.length <= bestLen) continue;
              if (tb.every((x, k) => x === rest[k])) (best = id), (bestLen = tb.length);
            }
            expect(f.acceptToken(best)).toBe(true);
            used++;
          }
          expect(used).toBeLessThanOrEqual(want);
          m.fillNextTokenMask(mask);
          const allowed = mask.toArray().filter((id) => !vocab.isEog(id));
          if (allowed.length === 0) break;
          const id = allowed[Math.floor(rng.next() * allowed.length)];
          m.acceptToken(id);
          prefix = concat(prefix, vocab.bytesOf(id));
        }
      }),
      { seed: 4242, numRuns: 60 },
    );
  });

  it("random walks steered by minTokensToFinish always end in a complete sentence within the budget", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const rng = new Rng(seed);
        const g = randomGrammar(rng);
        const cg = compileOrSkip(compiler, g);
        if (!cg) return;
        const m = cg.createMatcher();
        const budget = 12 + m.minTokensToFinish();
        const mask = new TokenMask(vocab.size);
        let prefix: Uint8Array = new Uint8Array(0);
        for (let used = 0; !m.isTerminated(); used++) {
          expect(used).toBeLessThanOrEqual(budget);
          m.fillNextTokenMask(mask);
          const left = budget - used;
          // Length-aware: keep only tokens after which the rest still fits in the budget.
          const ok = mask.toArray().filter((id) => {
            if (vocab.isEog(id)) return true;
            const f = m.fork();
            f.acceptToken(id);
            return f.minTokensToFinish() <= left - 2;
          });
          expect(ok.length).toBeGreaterThan(0);
          const id = ok[Math.floor(rng.next() * ok.length)];
          expect(m.acceptToken(id)).toBe(true);
          if (!vocab.isEog(id)) prefix = concat(prefix, vocab.bytesOf(id));
        }
        expect(referenceMatchBytes(g, prefix).complete).toBe(true);
      }),
      { seed: 777, numRuns: 60 },
    );
  });
});
