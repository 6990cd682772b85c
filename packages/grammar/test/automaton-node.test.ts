// The `automaton` IR node (a byte DFA of @formwork/regex as one leaf): the
// engine's masks against the brute-force reference oracle, the reference
// recognizer and the GBNF printer against RegExp on the pattern the DFA
// came from, the analyses, and the grammar key.
import { describe, expect, it } from "vitest";
import { Rng, TokenMask } from "@formwork/core";
import { alt, automaton, grammar, GrammarCompiler, literal, parseGbnf, printGbnf, ref, repeat, seq, type Grammar } from "@formwork/grammar";
import { dfaKey, isNullable, isProductive, withStateRules } from "@formwork/grammar/internal";
import { referenceMatch } from "@formwork/grammar/testing";
import { combineLanguages, compileRegex, parseRegex } from "@formwork/regex";
import { concat, maskDiff, syntheticVocabulary } from "./engine-support.js";

const PATTERNS = ["a|bc*", "[é中]+x?", "(?:ab|😀)*", "[^a\\n]{1,3}", "x(?:0|1)*y", "\\{[a-z]+\\}"];

/** `<` A `>` | A A, with A the pattern as an automaton node, used twice (the engine may call it or inline it). */
function around(dfaPattern: string): Grammar {
  return grammar([
    ["root", alt(seq(literal("<"), ref("a"), literal(">")), seq(ref("a"), ref("a")), repeat(ref("a"), 2, 3))],
    ["a", automaton(compileRegex(dfaPattern, { flags: "u" }), "a")],
  ]);
}

/** Random texts over the patterns' characters. */
function texts(rng: Rng, n: number): string[] {
  const chars = ["a", "b", "c", "x", "y", "0", "1", "é", "中", "😀", "<", ">", "{", "}", "\n", "z"];
  const out: string[] = [""];
  for (let i = 0; i < n; i++) {
    let s = "";
    for (let k = Math.floor(rng.next() * 7); k > 0; k--) s += chars[Math.floor(rng.next() * chars.length)];
    out.push(s);
  }
  return out;
}

describe("automaton nodes", () => {
  it("the reference recognizer and the printed GBNF read the language RegExp reads", () => {
    const rng = new Rng(12);
    for (const p of PATTERNS) {
      const g = grammar([["root", automaton(compileRegex(p, { flags: "u" }))]]);
      const printed = parseGbnf(printGbnf(g));
      const re = new RegExp(`^(?:${p})$`, "u");
      for (const t of texts(rng, 300)) {
        expect(referenceMatch(g, t).complete, `${p} on ${JSON.stringify(t)}`).toBe(re.test(t));
        expect(referenceMatch(printed, t).complete, `printed ${p} on ${JSON.stringify(t)}`).toBe(re.test(t));
      }
    }
  });

  it("engine masks equal brute force at random reachable states", () => {
    const rng = new Rng(5);
    const vocab = syntheticVocabulary(rng, 300, ["<ab>", "bcc", "é中x", "😀ab", "{ab}", "x01y"]);
    const compiler = new GrammarCompiler(vocab);
    const mask = new TokenMask(vocab.size);
    for (const p of PATTERNS) {
      const g = around(p);
      const cg = compiler.compile(g);
      for (let walk = 0; walk < 6; walk++) {
        const m = cg.createMatcher();
        let prefix: Uint8Array = new Uint8Array(0);
        for (let step = 0; step < 6; step++) {
          expect(maskDiff(g, m, prefix), `${p}, prefix [${prefix}]`).toEqual([]);
          m.fillNextTokenMask(mask);
          const allowed = mask.toArray().filter((id) => !vocab.isEog(id));
          if (allowed.length === 0) break;
          const id = allowed[Math.floor(rng.next() * allowed.length)];
          expect(m.acceptToken(id)).toBe(true);
          prefix = concat(prefix, vocab.bytesOf(id));
        }
      }
    }
  });

  it("a language built by intersection and negation (no pattern spells it) runs as one leaf", () => {
    // Words of a-z that are not keywords: what the YAML writer builds for plain scalars.
    const dfa = combineLanguages({ all: [parseRegex("[a-z]+")], none: [parseRegex("true|false|null|yes|no")] });
    const g = grammar([["root", seq(literal("k="), automaton(dfa, "word"))]]);
    const vocab = syntheticVocabulary(new Rng(3), 200, ["k=", "tru", "true", "yes", "yesno"]);
    const cg = new GrammarCompiler(vocab).compile(g);
    const accepts = (t: string) => {
      const m = cg.createMatcher();
      return m.acceptBytes(new TextEncoder().encode(t)) && m.isComplete();
    };
    for (const t of ["k=true", "k=yes", "k=null", "k="]) expect(accepts(t), t).toBe(false);
    for (const t of ["k=truex", "k=tru", "k=yesno", "k=a"]) expect(accepts(t), t).toBe(true);
    // One NFA state per DFA state (plus the rule's start and end), not a rule per state.
    expect(cg.stats.nfaStates).toBeLessThan(dfa.stateCount + 8);
  });

  it("analyses: nullable and productive from the DFA", () => {
    const empty = automaton(combineLanguages({ all: [parseRegex("a")], none: [parseRegex("a")] }));
    expect(empty.dfa.stateCount).toBe(0);
    expect(isProductive(empty, new Set())).toBe(false);
    expect(isNullable(automaton(compileRegex("a*")), new Set())).toBe(true);
    expect(isNullable(automaton(compileRegex("a+")), new Set())).toBe(false);
    // Spelled out as rules, the empty language stays empty.
    const g = withStateRules(grammar([["root", alt(literal("x"), empty)]]));
    expect(referenceMatch(g, "x").complete).toBe(true);
    expect([...g.rules.values()].some((n) => n.type === "automaton")).toBe(false);
  });

  it("dfaKey names tables, not objects: the compiler's cache sees equal DFAs as one grammar", () => {
    const a = compileRegex("ab|c");
    const b = compileRegex("c|ab");
    const c = compileRegex("ab|d");
    expect(a).not.toBe(b);
    expect(dfaKey(a)).toBe(dfaKey(b));
    expect(dfaKey(a)).not.toBe(dfaKey(c));
    const compiler = new GrammarCompiler(syntheticVocabulary(new Rng(1), 100));
    const first = compiler.compile(grammar([["root", automaton(a)]]));
    expect(compiler.compile(grammar([["root", automaton(b)]]))).toBe(first);
    expect(compiler.compile(grammar([["root", automaton(c)]]))).not.toBe(first);
  });
});
