// Large configuration sets in token walks: a grammar whose every position is inside one of
// forty called rules that all read alike (as the keys of an object with many optional
// properties), so the walk's sets hold 40 and more configurations, each with its own stack. Such sets
// are sorted natively when interned (`WalkSets.intern`, past `engineTuning.internSortMin`), and
// the closures of calling states are memoised per stack pool in a table that grows and starts
// over (`engineTuning.closureMemoLimit`). Oracle: every mask along random token walks equals
// brute force (the reference recognizer on every token), with the default tuning and with every
// set sorted natively and the memo starting over every few closures.
import { afterEach, describe, expect, it } from "vitest";
import { Rng, TokenMask } from "@formwork/core";
import { alt, grammar, GrammarCompiler, literal, ref, repeat, seq, type Grammar } from "@formwork/grammar";
import { engineTuning } from "../src/engine/tuning.js";
import { concat, maskDiff, syntheticVocabulary } from "./engine-support.js";

const RULES = 40;
const DEFAULT = { ...engineTuning };

/** `root ::= item ("," item)*`, item any of r0..r39; `ri ::= name(i) | "(" ri ")" | "[" r(i+1) "]"`. */
function manyRules(): Grammar {
  const name = (i: number) => `${String.fromCharCode(97 + (i % 26))}${i >= 26 ? "2" : ""}`;
  const rules: [string, ReturnType<typeof alt>][] = [];
  const item = alt(...Array.from({ length: RULES }, (_, i) => ref(`r${i}`)));
  rules.push(["root", seq(item, repeat(seq(literal(","), item), 0, Infinity))]);
  for (let i = 0; i < RULES; i++) rules.push([`r${i}`, alt(literal(name(i)), seq(literal("("), ref(`r${i}`), literal(")")), seq(literal("["), ref(`r${(i + 1) % RULES}`), literal("]")))]);
  return grammar(rules);
}

/** Masks along random walks of allowed tokens, each against brute force; returns the masks as id lists. */
function walks(g: Grammar, seed: number): string[] {
  const vocab = syntheticVocabulary(new Rng(5), 360, ["([a]),b", "(([c2])),a", "(([[x]]))", "(z2)", "a,b,c,[d]"]);
  const cg = new GrammarCompiler(vocab, { cacheSize: 0 }).compile(g);
  const rng = new Rng(seed);
  const out: string[] = [];
  const mask = new TokenMask(vocab.size);
  for (let w = 0; w < 6; w++) {
    const m = cg.createMatcher();
    let prefix: Uint8Array = new Uint8Array(0);
    for (let stepNo = 0; stepNo < 10; stepNo++) {
      expect(maskDiff(g, m, prefix), `walk ${w}, prefix ${JSON.stringify(new TextDecoder().decode(prefix))}`).toEqual([]);
      m.fillNextTokenMask(mask);
      const allowed = mask.toArray().filter((id) => !vocab.isEog(id));
      out.push(allowed.join(","));
      if (allowed.length === 0) break;
      // Mostly opening brackets: deep stacks, many distinct (state, stack) closures.
      const opens = allowed.filter((id) => vocab.bytesOf(id)[0] === 0x28 || vocab.bytesOf(id)[0] === 0x5b);
      const from = opens.length > 0 && rng.next() < 0.7 ? opens : allowed;
      const id = from[Math.floor(rng.next() * from.length)];
      expect(m.acceptToken(id)).toBe(true);
      prefix = concat(prefix, vocab.bytesOf(id));
    }
  }
  return out;
}

describe("token walks with large configuration sets", () => {
  afterEach(() => Object.assign(engineTuning, DEFAULT));

  it("masks equal brute force with the default tuning", () => {
    expect(walks(manyRules(), 3).length).toBeGreaterThan(30);
  });

  it("masks equal brute force when every set is sorted natively and the closure memo starts over every 3 closures", () => {
    const g = manyRules();
    const want = walks(g, 4);
    engineTuning.internSortMin = 0;
    engineTuning.closureMemoLimit = 3;
    expect(walks(g, 4)).toEqual(want);
  });
});
