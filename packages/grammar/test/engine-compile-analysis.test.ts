// The compile pipeline's analysis (done on the NFA, the automaton built
// lazily) against brute-force recomputations from the materialized automaton
// (every reachable state built): shortest completions (Bellman-Ford sweeps),
// shortest-completion moves (walked with a stack), the follow bytes of rule
// ends (a per-state global fixpoint), and the meaning of maxNfaStates/maxDfaStates.
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

/** minBytes and ruleMinBytes by repeated full sweeps until nothing changes (over a materialized automaton). */
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
      for (let k = a.callStart[q]; k < a.callEnd[q]; k++) best = Math.min(best, ruleMin[a.callRule[k]] + min[a.callRet[k]]);
      if (best < min[q]) {
        min[q] = best;
        changed = true;
      }
    }
    for (let r = 0; r < a.ruleStart.length; r++) if (a.ruleStart[r] >= 0) ruleMin[r] = min[a.ruleStart[r]];
  }
  return { min, ruleMin };
}

/**
 * The bytes that can follow each rule's end, by a fixpoint over the materialized automaton:
 * FIRST of a state (its bytes, its callees' FIRST, past nullable callees), whether it reaches its
 * rule's end without a byte, and FOLLOW(r) = FIRST(ret) ∪ (FOLLOW(caller) when ret reaches its end)
 * over every call of r.
 */
function referenceFollow(a: A): Set<number>[] {
  const n = a.stateCount, nc = a.nClasses, nRules = a.ruleStart.length;
  const first: Set<number>[] = [];
  const reach = new Uint8Array(n);
  for (let q = 0; q < n; q++) {
    const s = new Set<number>();
    for (let c = 0; c < nc; c++) if (a.trans[q * nc + c] >= 0) for (let b = a.classLo[c]; b <= a.classHi[c]; b++) s.add(b);
    first.push(s);
    reach[q] = a.accepting[q];
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
      for (let k = a.callStart[q]; k < a.callEnd[q]; k++) {
        const r = a.callRule[k], ret = a.callRet[k];
        if (addAll(first[q], first[a.ruleStart[r]])) changed = true;
        if (a.ruleMinBytes[r] === 0) {
          if (addAll(first[q], first[ret])) changed = true;
          if (reach[ret] && !reach[q]) {
            reach[q] = 1;
            changed = true;
          }
        }
        if (addAll(follow[r], first[ret])) changed = true;
        if (reach[ret] && addAll(follow[r], follow[a.ruleOf[q]])) changed = true;
      }
    }
  }
  return follow;
}

/** Follows bestMove from q (calls expanded recursively); returns the bytes read, or null on a broken move. */
function walkBestMoves(a: A, q: number, budget: { left: number }): number[] | null {
  const out: number[] = [];
  for (;;) {
    if (--budget.left < 0) return null;
    const m = a.bestMove(q);
    if (m === -1) return a.accepting[q] ? out : null;
    if (m < 0) return null;
    if (m < a.nClasses) {
      const to = a.trans[q * a.nClasses + m];
      if (to < 0) return null;
      out.push(a.classLo[m]);
      q = to;
    } else {
      const k = m - a.nClasses;
      if (k < a.callStart[q] || k >= a.callEnd[q]) return null;
      const inner = walkBestMoves(a, a.ruleStart[a.callRule[k]], budget);
      if (inner === null) return null;
      out.push(...inner);
      q = a.callRet[k];
    }
  }
}

/** Checks a compiled grammar's automaton (materialized: every reachable state built) against brute force. */
function checkAutomaton(cg: CompiledGrammar, label: string): void {
  const a = cg.automaton;
  const n = a.materialize(), nc = a.nClasses;
  for (let q = 0; q < n; q++) {
    let reads = 0;
    for (let c = 0; c < nc; c++) if (a.trans[q * nc + c] >= 0) reads = 1;
    expect(a.hasBytes[q], `${label}: hasBytes of ${q}`).toBe(reads);
    expect(a.hasCalls[q], `${label}: hasCalls of ${q}`).toBe(a.callEnd[q] > a.callStart[q] ? 1 : 0);
  }
  // Shortest completions; only states that can finish are ever built.
  const ref = sweepMinBytes(a);
  expect(Array.from(a.minBytes.subarray(0, n)), `${label}: minBytes`).toEqual(Array.from(ref.min));
  for (let r = 0; r < a.ruleStart.length; r++) if (a.ruleStart[r] >= 0) expect(a.ruleMinBytes[r], `${label}: ruleMinBytes`).toBe(ref.ruleMin[r]);
  for (let q = 0; q < n; q++) expect(a.minBytes[q] < Infinity, `${label}: state ${q} cannot finish`).toBe(true);
  // Best moves spell a shortest completion (and end).
  for (let q = 0; q < n; q++) {
    const bytes = walkBestMoves(a, q, { left: 100_000 });
    expect(bytes, `${label}: best moves from ${q}`).not.toBeNull();
    expect(bytes!.length, `${label}: completion length from ${q}`).toBe(a.minBytes[q]);
  }
  // Follow bytes of rule ends: a superset of the exact set (equal without counted repetitions,
  // whose body exits are assumed to go on to another copy).
  const want = referenceFollow(a);
  for (let r = 0; r < a.ruleStart.length; r++) {
    if (a.ruleStart[r] < 0) continue;
    const follow = a.followBytes(r);
    const got = new Set<number>();
    for (let b = 0; b < 256; b++) if (follow[r * 8 + (b >>> 5)] & (1 << (b & 31))) got.add(b);
    for (const b of want[r]) expect(got.has(b), `${label}: byte ${b} can follow rule ${a.ruleNames[r]}`).toBe(true);
    if (cg.stats.counters === 0) expect([...got].sort((x, y) => x - y), `${label}: follow of ${a.ruleNames[r]}`).toEqual([...want[r]].sort((x, y) => x - y));
  }
}

describe("engine compile: analysis equals brute force", () => {
  const vocab = syntheticVocabulary(new Rng(11), 200);

  it("random grammars", () => {
    const compiler = new GrammarCompiler(vocab);
    let checked = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const cg = compileOrSkip(compiler, randomGrammar(new Rng(seed)));
      if (!cg) continue;
      checkAutomaton(cg, `seed ${seed}`);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("the grammars in grammars/", () => {
    const compiler = new GrammarCompiler(vocab);
    const files = readdirSync(grammarsDir).filter((f) => f.endsWith(".gbnf"));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) checkAutomaton(compiler.compile(parseGbnf(readFileSync(join(grammarsDir, f), "utf8"))), f);
  });

  it("zero-length rules and calls: moves never loop through nullable calls", () => {
    // e ::= "" | "x"; a ::= e a-tail...: nullable callees everywhere, a rule that calls itself after a byte.
    const g = grammar([
      ["root", seq(ref("e"), ref("e"), alt(literal(""), seq(literal("("), ref("root"), literal(")"))), ref("e"))],
      ["e", alt(literal(""), literal("x"), seq(literal("["), ref("e"), ref("root"), literal("]")))],
    ]);
    const cg = new GrammarCompiler(vocab).compile(g);
    checkAutomaton(cg, "nullable");
    // What follows a's end passes over the nullable b: "z", "[" (b's first byte), ")" (inside a).
    // "]" follows b inside b, but b's own follow never leaks into what its callers read: the exact set.
    const g2 = grammar([
      ["root", seq(ref("a"), ref("b"), literal("z"))],
      ["a", alt(literal("x"), seq(literal("("), ref("a"), literal(")")))],
      ["b", alt(literal(""), seq(literal("["), ref("b"), literal("]")))],
    ]);
    const cg2 = new GrammarCompiler(vocab).compile(g2);
    checkAutomaton(cg2, "nullable follow");
    const a2 = cg2.automaton;
    const r = a2.ruleNames.indexOf("a"), follow = a2.followBytes(r);
    const got: string[] = [];
    for (let b = 0; b < 256; b++) if (follow[r * 8 + (b >>> 5)] & (1 << (b & 31))) got.push(String.fromCharCode(b));
    expect(got.sort()).toEqual([")", "[", "z"]);
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

  it("maxNfaStates and maxDfaStates bound the states a grammar builds, counted copies and lazily built states included", () => {
    const full = new GrammarCompiler(vocab).compile(g);
    const built = full.automaton.materialize();
    const nfa = full.automaton.nfa.count;
    expect(full.stats.counters).toBe(1);
    expect(nfa).toBeGreaterThan(full.stats.nfaStates);
    expect(built).toBeGreaterThan(40);
    // With exactly enough room everything builds; one less fails with the limit's code, at compile or while building.
    expect(new GrammarCompiler(vocab, { maxNfaStates: nfa, maxDfaStates: built }).compile(g).automaton.materialize()).toBe(built);
    const fail = (options: object): LimitError => {
      try {
        new GrammarCompiler(vocab, options).compile(g).automaton.materialize();
      } catch (e) {
        expect(e).toBeInstanceOf(LimitError);
        return e as LimitError;
      }
      throw new Error("no LimitError");
    };
    expect(fail({ maxNfaStates: nfa - 1 }).code).toBe("max-nfa-states");
    expect(fail({ maxDfaStates: built - 1 }).code).toBe("max-dfa-states");
  });

  it("a state whose expansion stopped at maxDfaStates is not left half built: the next visit fails the same way, never as a rejection", () => {
    const digits = grammar([["root", repeat(charClass([[0x30, 0x39]]), 0, 50)]]);
    const compiled = new GrammarCompiler(vocab, { maxDfaStates: 10 }).compile(digits);
    const attempt = (): string => {
      const m = compiled.createMatcher();
      try {
        return String(m.acceptBytes("1".repeat(20)));
      } catch (e) {
        expect(e).toBeInstanceOf(LimitError);
        return (e as LimitError).code;
      }
    };
    // Before the fix the second attempt read the half-filled row as "no transition" and returned false.
    expect(attempt()).toBe("max-dfa-states");
    expect(attempt()).toBe("max-dfa-states");
    expect(compiled.createMatcher().acceptBytes("1".repeat(5))).toBe(true);
  });
});
