/**
 * IR → byte-level NFA (Thompson construction). Characters become UTF-8
 * byte-range sequences; references to called rules become call edges;
 * references to other rules are inlined.
 */
import { LimitError, UnsupportedError } from "@formwork/core";
import { utf8SequencesOfRanges } from "@formwork/regex";
import { effectiveRanges, MAX_CODE_POINT, type Grammar, type Node } from "../ir.js";
import type { ResolvedEngineOptions } from "./options.js";

const encoder = new TextEncoder();
const ANY_RANGES = [0, 0xd7ff, 0xe000, MAX_CODE_POINT];

/** A byte NFA shared by all rules; each called rule has a start and an end state. */
export class Nfa {
  count = 0;
  /** Epsilon successors of each state. */
  readonly eps: number[][] = [];
  /** Byte edges of each state as flat triples `lo, hi, to`. */
  readonly bytes: number[][] = [];
  /** Call edges of each state as flat pairs `ruleIndex, returnState`. */
  readonly calls: number[][] = [];

  constructor(private readonly limit: number) {}

  newState(): number {
    if (this.count >= this.limit) {
      throw new LimitError("max-nfa-states", `the grammar needs more than ${this.limit} automaton states (limit maxNfaStates)`, {
        hint: "Lower big repetition counts ({m,n}), split huge alternations into rules, or raise maxNfaStates.",
      });
    }
    this.eps.push([]);
    this.bytes.push([]);
    this.calls.push([]);
    return this.count++;
  }
}

/** Builds the NFA of every called rule; `starts[i]`/`ends[i]` belong to `ruleNames[i]`. */
export function buildNfa(
  g: Grammar,
  ruleNames: readonly string[],
  options: ResolvedEngineOptions,
): { nfa: Nfa; starts: number[]; ends: number[] } {
  const nfa = new Nfa(options.maxNfaStates);
  const ruleIndex = new Map(ruleNames.map((n, i) => [n, i] as const));
  const starts: number[] = [];
  const ends: number[] = [];

  // Builds `node` between fresh states; returns [start, end].
  const build = (node: Node, from: number): number => {
    switch (node.type) {
      case "literal": {
        let s = from;
        for (const b of encoder.encode(node.value)) {
          const t = nfa.newState();
          nfa.bytes[s].push(b, b, t);
          s = t;
        }
        return s;
      }
      case "class":
        return buildRanges(effectiveRanges(node), from);
      case "any":
        return buildRanges(ANY_RANGES, from);
      case "ref": {
        const r = ruleIndex.get(node.name);
        const t = nfa.newState();
        if (r !== undefined) {
          nfa.calls[from].push(r, t);
        } else {
          const e = build(g.rules.get(node.name)!, from);
          nfa.eps[e].push(t);
        }
        return t;
      }
      case "seq": {
        let s = from;
        for (const it of node.items) s = build(it, s);
        return s;
      }
      case "alt": {
        const end = nfa.newState();
        for (const it of node.items) {
          const s = nfa.newState();
          nfa.eps[from].push(s);
          nfa.eps[build(it, s)].push(end);
        }
        return end;
      }
      case "repeat": {
        let s = from;
        for (let i = 0; i < node.min; i++) {
          const t = nfa.newState();
          nfa.eps[s].push(t);
          s = build(node.item, t);
        }
        if (node.max === Infinity) {
          const loop = nfa.newState();
          nfa.eps[s].push(loop);
          const e = build(node.item, loop);
          nfa.eps[e].push(loop);
          return loop;
        }
        const end = nfa.newState();
        for (let i = node.min; i < node.max; i++) {
          nfa.eps[s].push(end);
          const t = nfa.newState();
          nfa.eps[s].push(t);
          s = build(node.item, t);
        }
        nfa.eps[s].push(end);
        return end;
      }
      case "lexeme":
        return build(node.item, from);
      case "regex":
        return buildRegex(node.pattern, node.flags, from);
    }
  };

  const buildRanges = (ranges: readonly number[], from: number): number => {
    const end = nfa.newState();
    for (const sequence of utf8SequencesOfRanges(ranges)) {
      let s = from;
      for (let i = 0; i < sequence.length; i++) {
        const t = i === sequence.length - 1 ? end : nfa.newState();
        nfa.bytes[s].push(sequence[i][0], sequence[i][1], t);
        s = t;
      }
    }
    return end;
  };

  const buildRegex = (pattern: string, flags: string, from: number): number => {
    if (!options.regexToDfa) {
      throw new UnsupportedError("regex-unsupported", `the grammar uses a regex node (/${pattern}/${flags}) but no regex compiler was given`, {
        hint: "Pass EngineOptions.regexToDfa (from @formwork/regex) to the GrammarCompiler.",
      });
    }
    const dfa = options.regexToDfa(pattern, flags);
    const map: number[] = [];
    for (let q = 0; q < dfa.stateCount; q++) map.push(q === 0 ? nfa.newState() : nfa.newState());
    nfa.eps[from].push(map[0]);
    const end = nfa.newState();
    for (let q = 0; q < dfa.stateCount; q++) {
      if (dfa.accepting[q]) nfa.eps[map[q]].push(end);
      let b = 0;
      while (b < 256) {
        const t = dfa.transitions[q * 256 + b];
        let e = b;
        while (e + 1 < 256 && dfa.transitions[q * 256 + e + 1] === t) e++;
        if (t >= 0) nfa.bytes[map[q]].push(b, e, map[t]);
        b = e + 1;
      }
    }
    return end;
  };

  for (const name of ruleNames) {
    const s = nfa.newState();
    starts.push(s);
    ends.push(build(g.rules.get(name)!, s));
  }
  return { nfa, starts, ends };
}
