// followBytes (packages/grammar/src/engine/follow.ts) against the computation it replaced.
//
// The reference below is the implementation before the walk from the return states and the
// worklist over the rules (a pass over every state's edges, then rounds over every call until
// nothing changes), kept verbatim. On the NFA as compiled (counter links not yet patched to the
// copies the subset construction instantiates) both must give the same bits, for every rule: the
// sets are an over-approximation that lets the token cache skip work, so one bit less would be a
// wrong mask, one bit more a slower one. Once links are patched (after compile, and more once the
// automaton is built) the new sets must not change at all; the reference drops patched links (the
// copies lie past `baseCount`, outside its arrays), so there its sets can only be smaller.
//
// Grammars: grammars/*.gbnf, random IR grammars, and a sample of MaskBench-dev schemas through
// compileSchema (every 150th file plus the five with the slowest first masks; skipped when
// ../shared/data is absent).
//
// The sets computed on the IR (rule-facts.ts `irFollowBytes`, what the automaton uses until every
// rule is built) are a looser superset than the NFA's (and the NFA's are themselves looser than
// the true sets where counters share a body), so they are checked against derivations instead:
// random sentences of random grammars, with where each rule ended, and every byte that follows a
// called rule's string must be in its set (and in the NFA's).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FormworkError, Rng } from "@formwork/core";
import { alt, grammar, GrammarCompiler, literal, parseGbnf, ref, repeat, seq, type CompiledGrammar, type Grammar, type Node } from "@formwork/grammar";
import { compileSchema } from "@formwork/json-schema";
import { followBytes } from "../packages/grammar/src/engine/follow.js";
import { NFA_BYTES, type Nfa } from "../packages/grammar/src/engine/nfa.js";
import { int, pick, randomGrammar, syntheticVocabulary } from "../packages/grammar/test/engine-support.js";
import { randomCfg, sampleDerivation } from "../packages/grammar/test/reference-random.js";

const repoRoot = resolve(import.meta.dirname, "..");
const grammarsDir = join(repoRoot, "grammars");
const dataDir = resolve(process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data"), "maskbench-dev");
const WORST = ["Github_hard---o79409.json", "Github_hard---o83132.json", "Github_ultra---o57878.json", "Github_ultra---o61647.json", "Github_easy---o10009.json"];

interface Inside {
  nfa: Nfa;
  starts: readonly number[];
  ends: readonly number[];
  ruleMinBytes: Float64Array;
  materialize(): number;
  buildRules(): void;
  ruleNames: readonly string[];
  /** The follow sets computed on the IR (`Automaton.followBytes` answers them while some rule is not built). */
  irFollow(): Uint32Array;
}

const hasBit = (set: Uint32Array, r: number, b: number): boolean => (set[r * 8 + (b >>> 5)] & (1 << (b & 31))) !== 0;

const bits = (a: Uint32Array): number[] => Array.from(a);

/**
 * Runs `f` on the NFA as compiled, before the subset construction patched links into counters
 * (epsilon entries of built states that now name an instantiated copy's entry get their link back).
 */
function unpatched<T>(nfa: Nfa, f: () => T): T {
  const entryLink = new Map<number, number>();
  for (let l = 0; l < nfa.linkCtr.length; l++) {
    const entry = nfa.ctrCopies[nfa.linkCtr[l]]?.get(nfa.linkCopy[l]);
    if (entry !== undefined && !entryLink.has(entry)) entryLink.set(entry, l);
  }
  const saved: [number, number][] = [];
  const ruleOf = nfa.builtRuleOf();
  for (let s = 0; s < nfa.count; s++) {
    if (ruleOf[s] < 0) continue;
    for (let k = nfa.epsStart[s]; k < nfa.epsStart[s + 1]; k++) {
      const t = nfa.epsTo[k];
      if (t < 0 || ruleOf[t] >= 0) continue;
      const l = entryLink.get(t);
      expect(l, `copy entry ${t} has a link`).toBeDefined();
      saved.push([k, t]);
      nfa.epsTo[k] = -(l! + 1);
    }
  }
  try {
    return f();
  } finally {
    for (const [k, t] of saved) nfa.epsTo[k] = t;
  }
}

/** Compares the two on `cg`; with `build`, builds the whole automaton and checks again. Returns the NFA size. */
function check(cg: CompiledGrammar, label: string, build: boolean): number {
  const a = cg.automaton as unknown as Inside;
  // Called rules are built on first need; the sets read every rule (as Automaton.followBytes builds them).
  a.buildRules();
  const run = (f: typeof followBytes): Uint32Array => f(a.nfa, a.starts, a.ends, a.ruleMinBytes);
  const got = run(followBytes);
  expect(bits(unpatched(a.nfa, () => run(followBytes))), `${label}: follow bytes, links unpatched`).toEqual(bits(got));
  expect(bits(got), `${label}: follow bytes`).toEqual(bits(unpatched(a.nfa, () => run(referenceFollowBytes))));
  // The reference on patched links: never a bit the new sets lack.
  const subset = (old: Uint32Array, now: Uint32Array, what: string): void => {
    for (let i = 0; i < old.length; i++) expect((old[i] & ~now[i]) >>> 0, `${label}: ${what}, word ${i}`).toBe(0);
  };
  subset(run(referenceFollowBytes), got, "reference on patched links");
  if (build) {
    try {
      a.materialize();
    } catch (e) {
      if (!(e instanceof FormworkError)) throw e; // past maxDfaStates: built in part, links patched all the same
    }
    expect(bits(run(followBytes)), `${label}: follow bytes once built`).toEqual(bits(got));
    subset(run(referenceFollowBytes), got, "reference once built");
  }
  return a.nfa.baseCount;
}

/** Rules called inside counted repetitions (bounds past the copy-out limit), bodies that can be empty, counters in counters. */
function counterGrammar(rng: Rng): Grammar {
  const byte = (): string => pick(rng, ["x", "y", ",", "", "z"]);
  const hi = (): number => int(rng, 20, 60);
  const body = (depth: number): Node => {
    switch (int(rng, 0, depth > 1 ? 3 : 5)) {
      case 0:
        return ref("e");
      case 1:
        return seq(ref("a"), ref("e"));
      case 2:
        return alt(literal(""), ref("a"));
      case 3:
        return seq(ref(pick(rng, ["a", "e", "root"])), literal(byte()));
      case 4:
        return seq(repeat(body(depth + 1), int(rng, 0, 2), hi()), literal(byte()));
      default:
        return repeat(body(depth + 1), 0, hi());
    }
  };
  return grammar([
    ["root", seq(ref("a"), repeat(body(0), int(rng, 0, 2), hi()), ref("b"), literal(byte()))],
    ["a", alt(literal(byte() || "q"), seq(literal("("), ref("a"), repeat(body(1), 0, hi()), literal(")")))],
    ["e", alt(literal(""), literal(byte()), seq(literal("["), ref(pick(rng, ["a", "e", "b"])), literal("]")))],
    ["b", repeat(alt(ref("e"), literal(byte())), int(rng, 0, 1), hi())],
  ]);
}

function compileOrSkip(compiler: GrammarCompiler, g: Grammar): CompiledGrammar | null {
  try {
    return compiler.compile(g);
  } catch (e) {
    if (e instanceof FormworkError) return null;
    throw e;
  }
}

describe("follow bytes equal the reference computation", () => {
  const vocab = syntheticVocabulary(new Rng(5), 200);

  it("grammars/*.gbnf", () => {
    const compiler = new GrammarCompiler(vocab);
    const files = readdirSync(grammarsDir).filter((f) => f.endsWith(".gbnf"));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) check(compiler.compile(parseGbnf(readFileSync(join(grammarsDir, f), "utf8"))), f, true);
  });

  it("random grammars", () => {
    const compiler = new GrammarCompiler(vocab);
    let checked = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const cg = compileOrSkip(compiler, randomGrammar(new Rng(seed)));
      if (!cg) continue;
      check(cg, `seed ${seed}`, true);
      checked++;
    }
    expect(checked).toBeGreaterThan(150);
  });

  it("counted repetitions of calls, nullable bodies and nested counters", () => {
    const compiler = new GrammarCompiler(vocab);
    let withCounters = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const cg = compileOrSkip(compiler, counterGrammar(new Rng(seed)));
      if (!cg) continue;
      if (cg.stats.counters > 0) withCounters++;
      check(cg, `counters seed ${seed}`, false); // building every state takes long here
    }
    expect(withCounters).toBeGreaterThan(100);
  });

  it.skipIf(!existsSync(dataDir))("a sample of MaskBench-dev schemas through compileSchema", () => {
    const names = readdirSync(dataDir).filter((f) => f.endsWith(".json")).sort();
    const files = [...new Set([...WORST.filter((f) => names.includes(f)), ...names.filter((_, i) => i % 150 === 0)])];
    const compiler = new GrammarCompiler(vocab);
    let checked = 0, biggest = 0;
    for (const f of files) {
      const doc = JSON.parse(readFileSync(join(dataDir, f), "utf8")) as { schema: unknown };
      let g: Grammar;
      try {
        g = compileSchema(doc.schema as never).grammar;
      } catch (e) {
        if (e instanceof FormworkError) continue;
        throw e;
      }
      const cg = compileOrSkip(compiler, g);
      if (!cg) continue;
      // Building every state of a big schema's automaton takes long: only the small ones.
      (cg.automaton as unknown as Inside).buildRules();
      const n = check(cg, f, (cg.automaton as unknown as Inside).nfa.baseCount < 3000);
      biggest = Math.max(biggest, n);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
    if (files.some((f) => WORST.includes(f))) expect(biggest).toBeGreaterThan(40_000);
  }, 600_000);
});

/**
 * The follow sets on the IR against derivations: for random sentences of `g` (with where each
 * rule's string ended), every byte that comes right after a called rule's string must be in its
 * set, on the IR and on the NFA alike (both may hold more: each is a stack-free superset). Returns
 * the rule ends checked.
 */
function checkIrFollow(cg: CompiledGrammar, g: Grammar, rng: Rng, label: string): number {
  const a = cg.automaton as unknown as Inside;
  const ir = a.irFollow();
  a.buildRules();
  const exact = followBytes(a.nfa, a.starts, a.ends, a.ruleMinBytes);
  const index = new Map(a.ruleNames.map((n, r) => [n, r]));
  const enc = new TextEncoder();
  let checked = 0;
  for (let i = 0; i < 200; i++) {
    const d = sampleDerivation(g, rng, 14);
    if (d === null) continue;
    for (const [name, at] of d.ends) {
      const r = index.get(name);
      if (r === undefined || at >= d.text.length) continue;
      const b = enc.encode(String.fromCodePoint(d.text.codePointAt(at)!))[0];
      const where = `${label}: ${JSON.stringify(String.fromCharCode(b))} after rule ${name} in ${JSON.stringify(d.text)} at ${at}`;
      expect(hasBit(ir, r, b), `IR sets, ${where}`).toBe(true);
      expect(hasBit(exact, r, b), `NFA sets, ${where}`).toBe(true);
      checked++;
    }
  }
  return checked;
}

describe("follow bytes on the IR hold every byte that follows a rule in a derivation", () => {
  const vocab = syntheticVocabulary(new Rng(5), 200);
  // Every rule used twice and not tiny is called (so most random grammars have several called rules).
  const compiler = new GrammarCompiler(vocab, { cacheSize: 0, inlineLimit: 0 });
  const run = (make: (rng: Rng) => Grammar, seeds: number, label: string): void => {
    let checked = 0, grammars = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const g = make(new Rng(seed));
      const cg = compileOrSkip(compiler, g);
      if (!cg || cg.stats.calledRules.length < 2) continue;
      checked += checkIrFollow(cg, g, new Rng(seed * 7 + 1), `${label} ${seed}`);
      grammars++;
    }
    console.log(`${label}: ${grammars} grammars with called rules, ${checked} rule ends checked`);
    expect(grammars, "grammars with called rules").toBeGreaterThan(seeds / 10);
    expect(checked, "rule ends checked").toBeGreaterThan(seeds * 15);
  };

  // Every rule of a random grammar also nests in brackets (rules on a cycle are called).
  const nested = (g: Grammar): Grammar => grammar([...g.rules].map(([n, body]) => [n, alt(body, seq(literal("("), ref(n), literal(")")))] as const), g.root);
  it("random grammars", () => run((rng) => nested(randomGrammar(rng)), 600, "seed"));
  it("random context-free grammars (nullable cycles, empty rules)", () => run((rng) => nested(randomCfg(rng)), 600, "cfg seed"));
  it("counted repetitions of calls, nullable bodies and nested counters", () => run(counterGrammar, 150, "counters seed"));
});

// ---- The reference: follow.ts before the walk from the return states (verbatim). ----

/** `out[r * 8 .. r * 8 + 8)`: the 256-bit set of bytes that can follow the end of rule r. */
function referenceFollowBytes(nfa: Nfa, starts: readonly number[], ends: readonly number[], ruleMin: Float64Array): Uint32Array {
  // Adapted to rules built on first need (states of rules, bodies and copies interleave): states of
  // copies are skipped (`builtRuleOf` < 0) where the original skipped states past `baseCount`.
  const n = nfa.count, nRules = starts.length;
  const { dist, epsStart, epsTo, edgeStart, edgeLo, edgeHi, edgeTo, callStart, callRule, callRet, classLo, classHi } = nfa;
  const live = (s: number): boolean => dist[s] < Infinity;
  const callLive = (k: number): boolean => ruleMin[callRule[k]] < Infinity && live(callRet[k]);
  const ruleOf = nfa.builtRuleOf();
  // Inclusion edges src → dst (FIRST(dst) ⊇ FIRST(src), reach(dst) ⊇ reach(src)).
  const cap = epsStart[n] + 2 * callStart[n] + 2 * nfa.ctrBody.length;
  const src = new Int32Array(cap), dst = new Int32Array(cap);
  let m = 0;
  const edge = (from: number, into: number): void => {
    if (live(from) && live(into)) {
      src[m] = from;
      dst[m++] = into;
    }
  };
  for (let s = 0; s < n; s++) {
    if (ruleOf[s] < 0) continue;
    for (let k = epsStart[s]; k < epsStart[s + 1]; k++) {
      const t = epsTo[k];
      if (t >= 0) {
        if (ruleOf[t] >= 0) edge(t, s);
      }
      else edge(nfa.bodyEntry[nfa.ctrBody[nfa.linkCtr[-t - 1]]], s);
    }
    for (let k = callStart[s]; k < callStart[s + 1]; k++) {
      if (!callLive(k)) continue;
      edge(starts[callRule[k]], s);
      if (ruleMin[callRule[k]] === 0) edge(callRet[k], s);
    }
  }
  // A body's exit goes on to the next copy and to what follows its counters.
  for (let c = 0; c < nfa.ctrBody.length; c++) {
    const b = nfa.ctrBody[c];
    if (ruleOf[nfa.ctrEnd[c]] < 0) continue;
    edge(nfa.bodyEntry[b], nfa.bodyExit[b]);
    edge(nfa.ctrEnd[c], nfa.bodyExit[b]);
  }
  // FOLLOW reads FIRST and reach of return states only: keep the states those depend on (what a
  // return state reaches through epsilon edges, counter links and rule entries: a few per call,
  // out of 50-150k states in a big schema's NFA) and the inclusions among them.
  const rets: number[] = [];
  for (let s = 0; s < n; s++) if (ruleOf[s] >= 0) for (let k = callStart[s]; k < callStart[s + 1]; k++) if (callLive(k)) rets.push(callRet[k]);
  const need = dependencies(n, src, dst, m, rets);
  let kept = 0;
  for (let e = 0; e < m; e++) {
    if (need[dst[e]] === 0) continue;
    src[kept] = src[e];
    dst[kept++] = dst[e];
  }
  m = kept;
  const first = new Uint32Array(n * 8);
  const reach = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    if (ruleOf[s] < 0 || !(nfa.flags[s] & NFA_BYTES) || need[s] === 0) continue;
    for (let k = edgeStart[s]; k < edgeStart[s + 1]; k++) {
      if (!live(edgeTo[k])) continue;
      setBits(first, s * 8, classLo[edgeLo[k]], classHi[edgeHi[k]]);
    }
  }
  for (const e of ends) reach[e] = 1;
  propagate(n, src, dst, m, first, reach, need);
  // FOLLOW per rule, by a fixpoint over the calls.
  const follow = new Uint32Array(nRules * 8);
  for (let changed = true; changed; ) {
    changed = false;
    for (let s = 0; s < n; s++) {
      if (ruleOf[s] < 0) continue;
      for (let k = callStart[s]; k < callStart[s + 1]; k++) {
        if (!callLive(k)) continue;
        const r = callRule[k], ret = callRet[k], caller = ruleOf[s];
        for (let w = 0; w < 8; w++) {
          let v = follow[r * 8 + w] | first[ret * 8 + w];
          if (reach[ret]) v |= follow[caller * 8 + w];
          v >>>= 0;
          if (v !== follow[r * 8 + w]) {
            follow[r * 8 + w] = v;
            changed = true;
          }
        }
      }
    }
  }
  return follow;
}

/** Sets bits `lo..hi` (inclusive) of the 256-bit set at `set[base .. base + 8)`, a word at a time. */
function setBits(set: Uint32Array, base: number, lo: number, hi: number): void {
  for (let w = lo >>> 5, last = hi >>> 5; w <= last; w++) {
    const from = w === lo >>> 5 ? lo & 31 : 0, to = w === last ? hi & 31 : 31;
    set[base + w] |= (to === 31 ? 0xffffffff : (1 << (to + 1)) - 1) & ~((1 << from) - 1);
  }
}

/** The edges `from[e] → to[e]` (e < m) as CSR lists over states `0..n`: `list[start[s] .. start[s + 1])` are the `to` of s. */
function adjacency(n: number, from: Int32Array, to: Int32Array, m: number): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) start[from[e] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const list = new Int32Array(m);
  const at = start.slice(0, n);
  for (let e = 0; e < m; e++) list[at[from[e]]++] = to[e];
  return { start, list };
}

/** Per state, 1 when some state of `from` depends on it: reachable from `from` along `dst → src` of the inclusions. */
function dependencies(n: number, src: Int32Array, dst: Int32Array, m: number, from: readonly number[]): Uint8Array {
  const { start: inStart, list: ins } = adjacency(n, dst, src, m);
  const need = new Uint8Array(n);
  const stack: number[] = [];
  for (const s of from) {
    if (need[s]) continue;
    need[s] = 1;
    stack.push(s);
    while (stack.length > 0) {
      const x = stack.pop()!;
      for (let e = inStart[x]; e < inStart[x + 1]; e++) {
        const y = ins[e];
        if (need[y] === 0) {
          need[y] = 1;
          stack.push(y);
        }
      }
    }
  }
  return need;
}

/** Propagates FIRST sets and reach flags along `src → dst` inclusions (among the states `need` marks) until nothing changes. */
function propagate(n: number, src: Int32Array, dst: Int32Array, m: number, first: Uint32Array, reach: Uint8Array, need: Uint8Array): void {
  const { start: outStart, list: out } = adjacency(n, src, dst, m);
  const queued = new Uint8Array(n);
  const work = new Int32Array(n);
  let head = 0, len = 0;
  for (let i = 0; i < n; i++) {
    if (need[i] === 0) continue;
    queued[i] = 1;
    work[len++] = i;
  }
  while (len > 0) {
    const s = work[head];
    head = head + 1 === n ? 0 : head + 1;
    len--;
    queued[s] = 0;
    for (let e = outStart[s]; e < outStart[s + 1]; e++) {
      const d = out[e];
      if (d === s) continue;
      let changed = 0;
      for (let w = 0; w < 8; w++) {
        const v = (first[d * 8 + w] | first[s * 8 + w]) >>> 0;
        if (v !== first[d * 8 + w]) {
          first[d * 8 + w] = v;
          changed = 1;
        }
      }
      if (reach[s] && !reach[d]) {
        reach[d] = 1;
        changed = 1;
      }
      if (changed && !queued[d]) {
        queued[d] = 1;
        let tail = head + len;
        if (tail >= n) tail -= n;
        work[tail] = d;
        len++;
      }
    }
  }
}
