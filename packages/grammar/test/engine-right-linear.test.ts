// Right-linear recursion (one rule per automaton state, every self-reference at the end) is
// solved into repetition before the NFA is built (engine/right-linear.ts): the rules are
// inlined instead of called, and the language must not change. Oracle: the reference
// recognizer on the original grammar, for masks at reachable states and for whole strings.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rng } from "@formwork/core";
import { alt, charClass, grammar, literal, parseGbnf, ref, seq, GrammarCompiler, type Grammar, type Node } from "@formwork/grammar";
import { referenceMatchBytes } from "@formwork/grammar/testing";
import { maskDiff, syntheticVocabulary } from "./engine-support.js";
import { eliminateRightLinear, nativeRightLinearGroups, rightLinearTuning } from "../src/engine/right-linear.js";

const enc = new TextEncoder();
const ALPHA = ["a", "b", "c", "x", "é", "中", '"'];

/** A random right-linear grammar: n rules, each an alternative of `class rule_j`, `literal rule_j` and endings. */
function randomRightLinear(rng: Rng): Grammar {
  const n = 1 + Math.floor(rng.next() * 5);
  const names = Array.from({ length: n }, (_, i) => `s${i}`);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rng.next() * xs.length)];
  const rules: [string, Node][] = names.map((name) => {
    const items: Node[] = [];
    for (let k = 1 + Math.floor(rng.next() * 3); k > 0; k--) {
      const c = pick(ALPHA).codePointAt(0)!;
      const head = rng.next() < 0.5 ? charClass([[c, c + Math.floor(rng.next() * 3)]], rng.next() < 0.2) : literal(pick(ALPHA) + pick(ALPHA));
      items.push(seq(head, ref(pick(names))));
    }
    if (rng.next() < 0.6) items.push(rng.next() < 0.5 ? literal("") : literal(pick(ALPHA)));
    return [name, alt(...items)];
  });
  // An outer rule that uses the group in the middle of a sequence.
  return grammar([["root", seq(literal("<"), ref("s0"), literal(">"))], ...rules]);
}

function randomText(rng: Rng): Uint8Array {
  let s = "<";
  for (let i = Math.floor(rng.next() * 8); i > 0; i--) s += ALPHA[Math.floor(rng.next() * ALPHA.length)];
  if (rng.next() < 0.8) s += ">";
  return enc.encode(s);
}

describe("right-linear recursion becomes repetition", () => {
  const vocab = syntheticVocabulary(new Rng(3), 300, ["<", ">", "ab", "xé中"]);
  const compiler = new GrammarCompiler(vocab);

  // "solved": Arden elimination (the default); "native": every group too big to solve (a size cap
  // of 0), so the NFA builder builds the groups in place (nativeRightLinearGroups).
  it.each(["solved", "native"] as const)("rewrites the group out of the called rules and keeps the language (masks and whole strings): %s", (mode) => {
    let rewritten = 0;
    const cap = rightLinearTuning.maxNodes;
    if (mode === "native") rightLinearTuning.maxNodes = 0;
    try {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
          const rng = new Rng(seed);
          const g = randomRightLinear(rng);
          // A fresh compiler: the cache keys grammars, not the tuning.
          const local = new GrammarCompiler(vocab);
          let cg;
          try {
            cg = local.compile(g);
          } catch (e) {
            if ((e as { code?: string }).code === "empty-language") return;
            throw e;
          }
          if (mode === "solved" ? eliminateRightLinear(g) !== g : nativeRightLinearGroups(g).size > 0) {
            rewritten++;
            expect(cg.stats.calledRules).toEqual(["root"]);
          }
          for (let t = 0; t < 12; t++) {
            const text = randomText(rng);
            const m = cg.createMatcher();
            const ok = m.acceptBytes(text) && m.isComplete();
            expect(ok, `seed ${seed}: ${new TextDecoder().decode(text)}`).toBe(referenceMatchBytes(g, text).accepted);
          }
          // Masks along a random accepted path.
          const m = cg.createMatcher();
          let prefix = new Uint8Array(0);
          for (let stepNo = 0; stepNo < 4; stepNo++) {
            expect(maskDiff(g, m, prefix), `seed ${seed}, prefix [${prefix}]`).toEqual([]);
            const text = randomText(rng).slice(prefix.length === 0 ? 0 : 1, 3);
            if (text.length === 0 || !m.acceptBytes(text)) break;
            const next = new Uint8Array(prefix.length + text.length);
            next.set(prefix);
            next.set(text, prefix.length);
            prefix = next;
          }
        }),
        { numRuns: 150, seed: 5 },
      );
    } finally {
      rightLinearTuning.maxNodes = cap;
    }
    expect(rewritten).toBeGreaterThan(100);
  });

  it("leaves groups with a member reachable without reading (left recursion) to the engine's check", () => {
    const left = parseGbnf('root ::= a\na ::= b | "x"\nb ::= "z" a | a');
    expect(eliminateRightLinear(left)).toBe(left);
    expect(() => compiler.compile(left)).toThrow(/left recursion/);
    const right = parseGbnf('root ::= a\na ::= "w" b | "x"\nb ::= "z" a');
    expect(eliminateRightLinear(right)).not.toBe(right);
    expect(compiler.compile(right).stats.calledRules).toEqual(["root"]);
  });

  it("leaves recursion that is not at the end alone (nested brackets stay called)", () => {
    const g = parseGbnf('root ::= "[" root "]" | "x"');
    expect(eliminateRightLinear(g)).toBe(g);
    expect(compiler.compile(g).stats.calledRules).toContain("root");
  });
});
