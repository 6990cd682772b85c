// The compile pipeline's analysis against brute-force recomputations from
// the finished automaton: shortest completions (Bellman-Ford sweeps), the
// sparse transition runs (the dense table), shortest-completion moves (walked
// with a stack), the follow bytes of rule ends (the per-state global fixpoint
// the engine used before), and the exact meaning of maxNfaStates/maxDfaStates.
// Language equality of the automata is covered by the mask tests against the
// reference recognizer (engine-random, mask-grammars); here also strings are
// checked directly.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FormworkError, LimitError, Rng } from "@formwork/core";
import { alt, charClass, grammar, GrammarCompiler, literal, parseGbnf, ref, repeat, seq, type CompiledGrammar, type Grammar } from "@formwork/grammar";
import { referenceMatchBytes } from "@formwork/grammar/testing";
import { ALPHABET, int, pick, randomGrammar, syntheticVocabulary } from "./engine-support.js";

type A = CompiledGrammar["automaton"];
const enc = new TextEncoder();
const grammarsDir = join(resolve(import.meta.dirname, "../../.."), "grammars");

function compileOrSkip(compiler: GrammarCompiler, g: Grammar): CompiledGrammar | null {
  try {
    return compiler.compile(g);
  } catch (e) {
    if (e instanceof FormworkError && ["left-recursion", "empty-language", "max-nfa-states", "max-dfa-states"].includes(e.code)) return null;
    throw e;
  }
}

/** minBytes and ruleMinBytes by repeated full sweeps until nothing changes. */
function sweepMinBytes(a: A): { min: Float64Array; ruleMin: Float64Array } {
  const n = a.stateCount, nc = a.nClasses;
  const min = new Float64Array(n).fill(Infinity);
  const ruleMin = new Float64Array(a.ruleStart.length).fill(Infinity);
  for (let changed = true; changed; ) {
    changed = false;
    for (let q = 0; q < n; q++) {
      let best = a.accepting[q] ? 0 : Infinity;
      for (let c = 0; c < nc; c++) {
        const to = a.trans[q * nc + c];
        if (to >= 0) best = Math.min(best, 1 + min[to]);
      }
      for (let k = a.callStart[q]; k < a.callStart[q + 1]; k++) best = Math.min(best, ruleMin[a.callRule[k]] + min[a.callRet[k]]);
      if (best < min[q]) {
        min[q] = best;
        changed = true;
      }
    }
    for (let r = 0; r < a.ruleStart.length; r++) ruleMin[r] = min[a.ruleStart[r]];
  }
  return { min, ruleMin };
}

/** The follow bytes of every accepting state's rule end, by the global per-state fixpoint. */
function referenceEscapeFirst(a: A): Uint32Array {
  const n = a.stateCount, nc = a.nClasses, nRules = a.ruleStart.length;
  const first: Set<number>[] = [];
  for (let q = 0; q < n; q++) {
    const s = new Set<number>();
    for (let c = 0; c < nc; c++) if (a.trans[q * nc + c] >= 0) for (let b = a.classLo[c]; b <= a.classHi[c]; b++) s.add(b);
    first.push(s);
  }
  const follow: Set<number>[] = Array.from({ length: nRules }, () => new Set<number>());
  const addAll = (dst: Set<number>, src: Set<number>): boolean => {
    const before = dst.size;
    for (const b of src) dst.add(b);
    return dst.size !== before;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let q = 0; q < n; q++) {
      for (let k = a.callStart[q]; k < a.callStart[q + 1]; k++) {
        const r = a.callRule[k], ret = a.callRet[k];
        if (addAll(first[q], first[a.ruleStart[r]])) changed = true;
        if (a.ruleMinBytes[r] === 0 && addAll(first[q], first[ret])) changed = true;
        if (addAll(follow[r], first[ret])) changed = true;
      }
      if (a.accepting[q] && addAll(first[q], follow[a.ruleOf[q]])) changed = true;
    }
  }
  const out = new Uint32Array(n * 8);
  for (let q = 0; q < n; q++) if (a.accepting[q]) for (const b of follow[a.ruleOf[q]]) out[q * 8 + (b >>> 5)] |= 1 << (b & 31);
  return out;
}

/** Follows bestMove from q (calls expanded recursively); returns the bytes read, or null on a broken move. */
function walkBestMoves(a: A, q: number, budget: { left: number }): number[] | null {
  const out: number[] = [];
  for (;;) {
    if (--budget.left < 0) return null;
    const m = a.bestMove[q];
    if (m === -1) return a.accepting[q] ? out : null;
    if (m < 0) return null;
    if (m < a.nClasses) {
      const to = a.trans[q * a.nClasses + m];
      if (to < 0) return null;
      out.push(a.classLo[m]);
      q = to;
    } else {
      const k = m - a.nClasses;
      if (k < a.callStart[q] || k >= a.callStart[q + 1]) return null;
      const inner = walkBestMoves(a, a.ruleStart[a.callRule[k]], budget);
      if (inner === null) return null;
      out.push(...inner);
      q = a.callRet[k];
    }
  }
}

function checkAutomaton(a: A, label: string): void {
  const n = a.stateCount, nc = a.nClasses;
  // Runs describe the dense table exactly, in class order, maximal.
  expect(a.runStart.length, label).toBe(n + 1);
  for (let q = 0; q < n; q++) {
    const row = new Int32Array(nc).fill(-1);
    let prevHi = -1, prevTo = -2;
    for (let k = a.runStart[q]; k < a.runStart[q + 1]; k++) {
      expect(a.runLo[k] > prevHi && a.runLo[k] <= a.runHi[k], label).toBe(true);
      expect(a.runLo[k] === prevHi + 1 && a.runTo[k] === prevTo, `${label}: runs of ${q} not maximal`).toBe(false);
      for (let c = a.runLo[k]; c <= a.runHi[k]; c++) row[c] = a.runTo[k];
      prevHi = a.runHi[k];
      prevTo = a.runTo[k];
    }
    expect(Array.from(row), `${label}: runs of state ${q}`).toEqual(Array.from(a.trans.subarray(q * nc, (q + 1) * nc)));
    expect(a.hasBytes[q], label).toBe(a.runStart[q + 1] > a.runStart[q] ? 1 : 0);
  }
  // Shortest completions.
  const ref = sweepMinBytes(a);
  expect(Array.from(a.minBytes), `${label}: minBytes`).toEqual(Array.from(ref.min));
  expect(Array.from(a.ruleMinBytes), `${label}: ruleMinBytes`).toEqual(Array.from(ref.ruleMin));
  // No transition or call into a state that cannot finish survives trimming.
  for (let i = 0; i < a.trans.length; i++) if (a.trans[i] >= 0) expect(a.minBytes[a.trans[i]] < Infinity, label).toBe(true);
  for (let k = 0; k < a.callRet.length; k++) {
    expect(a.minBytes[a.callRet[k]] < Infinity && a.ruleMinBytes[a.callRule[k]] < Infinity, label).toBe(true);
  }
  // Best moves spell a shortest completion (and end).
  for (let q = 0; q < n; q++) {
    if (a.minBytes[q] === Infinity) {
      expect(a.bestMove[q], label).toBe(-2);
      continue;
    }
    const bytes = walkBestMoves(a, q, { left: 100_000 });
    expect(bytes, `${label}: best moves from ${q}`).not.toBeNull();
    expect(bytes!.length, `${label}: completion length from ${q}`).toBe(a.minBytes[q]);
  }
  // Follow bytes of rule ends.
  expect(Array.from(a.escapeFirst), `${label}: escapeFirst`).toEqual(Array.from(referenceEscapeFirst(a)));
}

describe("engine compile: analysis equals brute force", () => {
  const vocab = syntheticVocabulary(new Rng(11), 200);

  it("random grammars, with and without minimisation", () => {
    const plain = new GrammarCompiler(vocab);
    const minimized = new GrammarCompiler(vocab, { minimize: true });
    let checked = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const g = randomGrammar(new Rng(seed));
      for (const [compiler, tag] of [[plain, "plain"], [minimized, "min"]] as const) {
        const cg = compileOrSkip(compiler, g);
        if (!cg) continue;
        checkAutomaton(cg.automaton, `seed ${seed} ${tag}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it("the grammars in grammars/", () => {
    const compiler = new GrammarCompiler(vocab);
    const files = readdirSync(grammarsDir).filter((f) => f.endsWith(".gbnf"));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) checkAutomaton(compiler.compile(parseGbnf(readFileSync(join(grammarsDir, f), "utf8"))).automaton, f);
  });

  it("zero-length rules and calls: moves never loop through nullable calls", () => {
    // e ::= "" | "x"; a ::= e a-tail...: nullable callees everywhere, a rule that calls itself after a byte.
    const g = grammar([
      ["root", seq(ref("e"), ref("e"), alt(literal(""), seq(literal("("), ref("root"), literal(")"))), ref("e"))],
      ["e", alt(literal(""), literal("x"), seq(literal("["), ref("e"), ref("root"), literal("]")))],
    ]);
    const cg = new GrammarCompiler(vocab).compile(g);
    checkAutomaton(cg.automaton, "nullable");
    // What follows a's end passes over the nullable b: "z", "[" (b's first byte), ")" (inside a). The
    // called nullable b is split (its call sites skip it, its own automaton has no empty string), so
    // its start is not accepting and "]" (what follows b inside b) no longer leaks in: the exact set.
    const g2 = grammar([
      ["root", seq(ref("a"), ref("b"), literal("z"))],
      ["a", alt(literal("x"), seq(literal("("), ref("a"), literal(")")))],
      ["b", alt(literal(""), seq(literal("["), ref("b"), literal("]")))],
    ]);
    const a2 = new GrammarCompiler(vocab).compile(g2).automaton;
    checkAutomaton(a2, "nullable follow");
    const aIndex = a2.ruleNames.indexOf("a");
    const follow = new Set<string>();
    for (let q = 0; q < a2.stateCount; q++) {
      if (a2.ruleOf[q] !== aIndex || !a2.accepting[q]) continue;
      for (let b = 0; b < 256; b++) if (a2.escapeFirst[q * 8 + (b >>> 5)] & (1 << (b & 31))) follow.add(String.fromCharCode(b));
    }
    expect([...follow].sort()).toEqual([")", "[", "z"]);
  });
});

describe("engine compile: the automaton accepts exactly the grammar's language", () => {
  const vocab = syntheticVocabulary(new Rng(5), 120);
  const compiler = new GrammarCompiler(vocab);

  it("random grammars: acceptBytes + isComplete agree with the reference on random and sampled strings", () => {
    const rng = new Rng(99);
    let checked = 0, accepted = 0;
    for (let seed = 200; seed < 320; seed++) {
      const g = randomGrammar(new Rng(seed));
      const cg = compileOrSkip(compiler, g);
      if (!cg) continue;
      const texts: Uint8Array[] = [];
      const m0 = cg.createMatcher();
      const shortest = m0.shortestCompletion();
      if (shortest) texts.push(shortest);
      for (let i = 0; i < 25; i++) {
        let s = "";
        for (let j = int(rng, 0, 6); j > 0; j--) s += pick(rng, ALPHABET);
        texts.push(enc.encode(s));
        if (shortest && shortest.length > 0) {
          const cut = int(rng, 0, shortest.length);
          texts.push(Uint8Array.from([...shortest.subarray(0, cut), ...enc.encode(pick(rng, ALPHABET)), ...shortest.subarray(cut)]));
        }
      }
      for (const bytes of texts) {
        const r = referenceMatchBytes(g, bytes);
        const m = cg.createMatcher();
        const ok = m.acceptBytes(bytes);
        expect(ok, `seed ${seed}: prefix of ${JSON.stringify(new TextDecoder().decode(bytes))}`).toBe(r.prefix);
        if (ok) expect(m.isComplete(), `seed ${seed}: complete ${JSON.stringify(new TextDecoder().decode(bytes))}`).toBe(r.complete);
        if (r.complete) accepted++;
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2000);
    expect(accepted).toBeGreaterThan(50);
  });
});

describe("engine compile: limits keep their meaning", () => {
  const vocab = syntheticVocabulary(new Rng(3), 50);
  const g = grammar([
    ["root", seq(repeat(alt(literal("ab"), literal("ac"), charClass([[0x30, 0x39]])), 0, 40), ref("tail"))],
    ["tail", alt(literal(""), seq(literal("{"), ref("tail"), literal("}")))],
  ]);

  it("maxNfaStates and maxDfaStates are exact bounds with their codes", () => {
    const stats = new GrammarCompiler(vocab).compile(g).stats;
    expect(stats.nfaStates).toBeGreaterThan(100);
    expect(stats.subsetStates).toBeGreaterThan(40);
    expect(new GrammarCompiler(vocab, { maxNfaStates: stats.nfaStates }).compile(g).stats.nfaStates).toBe(stats.nfaStates);
    expect(new GrammarCompiler(vocab, { maxDfaStates: stats.subsetStates }).compile(g).stats.subsetStates).toBe(stats.subsetStates);
    const fail = (options: object): LimitError => {
      try {
        new GrammarCompiler(vocab, options).compile(g);
      } catch (e) {
        expect(e).toBeInstanceOf(LimitError);
        return e as LimitError;
      }
      throw new Error("no LimitError");
    };
    expect(fail({ maxNfaStates: stats.nfaStates - 1 }).code).toBe("max-nfa-states");
    expect(fail({ maxDfaStates: stats.subsetStates - 1 }).code).toBe("max-dfa-states");
  });
});
