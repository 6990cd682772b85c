// `fitsBudget` answers from `minBytesToFinish()` when the completion fits in bytes and every byte is a
// token (then the tokens a completion needs are at most its bytes), and otherwise from `tokensToFinish`
// (`minTokensToFinish()`, which the matcher memoises per grammar by the configuration the completion starts from). Checked against the definition (accept, `isTerminated() || minTokensToFinish() <= left - 1`,
// roll back) on random walks through four schemas' grammars on the fixture vocabulary, for every budget
// around the minimum and a sample of the allowed tokens at each state.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenMask, TokenTrie, Vocabulary } from "@formwork/core";
import { resolveConstraint } from "@formwork/constraint";
import type { GrammarMatcher } from "@formwork/grammar";
import type { LoadedModel } from "@formwork/llama";
import { acceptIfFits, everyByteIsToken, fitsBudget, tokensToFinish } from "@formwork/llama/internal";
import { tinyModel } from "./support.js";

let model: LoadedModel;
beforeAll(async () => {
  model = await tinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

const SCHEMAS: Record<string, unknown> = {
  keys: {
    type: "object",
    properties: { customer_account_identifier: { type: "integer" }, preferred_communication_channel: { enum: ["email", "telephone", "postal_mail"] }, shipping_address_first_line: { type: "string" } },
    required: ["customer_account_identifier", "preferred_communication_channel", "shipping_address_first_line"],
    additionalProperties: false,
  },
  nested: {
    type: "object",
    properties: { tool: { enum: ["search_flights", "get_weather"] }, arguments: { type: "object", properties: { from: { type: "string" }, passengers: { type: "integer" } }, required: ["from", "passengers"], additionalProperties: false } },
    required: ["tool", "arguments"],
    additionalProperties: false,
  },
  numbers: { type: "array", items: { type: "number" }, maxItems: 8 },
  strings: { type: "array", items: { type: "string", maxLength: 5 }, minItems: 2, maxItems: 4 },
};

function reference(matcher: GrammarMatcher, id: number, left: number): boolean {
  if (!matcher.acceptToken(id)) return false;
  const ok = matcher.isTerminated() || matcher.minTokensToFinish() <= left - 1;
  matcher.rollback(1);
  return ok;
}

/** A small deterministic generator (tests only). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe("fitsBudget (length-aware decoding)", () => {
  it("every byte is a token of the fixture vocabulary; a trie without some byte is told apart", () => {
    const trie = model.compiler.compile(resolveConstraint({ schema: SCHEMAS.numbers })!.grammar).trie;
    expect(everyByteIsToken(trie)).toBe(true);
    expect(everyByteIsToken(new TokenTrie(new Vocabulary({ tokens: ["a", "b", "ab"].map((t) => new TextEncoder().encode(t)), eog: [], name: "test" })))).toBe(false);
  });

  it("answers as its definition on random walks, for budgets around the minimum; the byte bound is taken often", () => {
    let checks = 0, fitting = 0, refused = 0;
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      const compiled = model.compiler.compile(resolveConstraint({ schema })!.grammar);
      for (let walk = 0; walk < 3; walk++) {
        const rand = lcg(walk * 7919 + name.length);
        const matcher = compiled.createMatcher();
        const mask = new TokenMask(model.vocabulary.size);
        for (let step = 0; step < 40 && !matcher.isTerminated(); step++) {
          matcher.fillNextTokenMask(mask);
          const allowed: number[] = [];
          mask.forEach((id) => {
            if (!model.vocabulary.isEog(id)) allowed.push(id);
          });
          if (allowed.length === 0) break;
          expect(matcher.minTokensToFinish(), `${name} step ${step}`).toBeLessThanOrEqual(matcher.minBytesToFinish());
          // Memoised: the same count on a first and on a repeated visit.
          expect(tokensToFinish(matcher), `${name} step ${step}`).toBe(matcher.minTokensToFinish());
          expect(tokensToFinish(matcher), `${name} step ${step}`).toBe(matcher.minTokensToFinish());
          const sample = allowed.length <= 40 ? allowed : Array.from({ length: 40 }, () => allowed[Math.floor(rand() * allowed.length)]);
          const min = matcher.minTokensToFinish();
          for (const id of sample) {
            for (let left = Math.max(1, min - 2); left <= min + 12; left++) {
              const want = reference(matcher, id, left);
              expect(fitsBudget(matcher, id, left), `${name} step ${step} token ${id} left ${left}`).toBe(want);
              // acceptIfFits: the same answer, the token left accepted exactly when it fits.
              const before = matcher.shortestCompletion()?.join(",");
              const kept = acceptIfFits(matcher, id, left);
              expect(kept).toBe(want);
              if (kept) matcher.rollback(1);
              expect(matcher.shortestCompletion()?.join(","), `${name} step ${step} token ${id}: state restored`).toBe(before);
              checks++;
              if (want) fitting++;
              else refused++;
            }
          }
          matcher.acceptToken(allowed[Math.floor(rand() * allowed.length)]);
        }
      }
    }
    expect(checks).toBeGreaterThan(10_000);
    expect(fitting).toBeGreaterThan(checks / 10);
    expect(refused).toBeGreaterThan(checks / 10);
  });
});
