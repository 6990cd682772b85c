/**
 * `regexToRules`: a `regex` node → ordinary IR rules (classes, references,
 * alternatives) with the same language, through `@formwork/regex`'s byte
 * DFA. Each DFA state becomes one right-linear rule
 * `s ::= [chars] t | [chars] u | ""`, where the classes group the code
 * points whose UTF-8 bytes lead from `s` to the same state.
 *
 * The reference recognizer and the GBNF printer use it; neither needs to
 * know about automata.
 */
import { compileRegex, type ByteDfa } from "@formwork/regex";
import type { Node, RegexNode } from "../ir.js";
import { alt, charClass, literal, ref, seq } from "../ir.js";

/** Rules equivalent to a regex node: `rules[0]` is the start, named `start`. */
export interface RegexRules {
  start: string;
  rules: [string, Node][];
}

type Run = [lo: number, hi: number, target: number];

function pushRun(out: Run[], lo: number, hi: number, target: number): void {
  const last = out[out.length - 1];
  if (last && last[1] + 1 === lo && last[2] === target) last[1] = hi;
  else out.push([lo, hi, target]);
}

/**
 * For each DFA state, the code points it can read and the state each leads
 * to, as runs `[lo, hi, target]` sorted by `lo`.
 */
export function codePointTransitions(dfa: ByteDfa): Run[][] {
  const memo = new Map<number, Run[]>();
  const step = (q: number, b: number) => dfa.transitions[q * 256 + b];
  /** Runs over the value of `n` continuation bytes (6n bits) read from `q`. */
  const suffix = (q: number, n: number): Run[] => {
    const key = q * 4 + n;
    const hit = memo.get(key);
    if (hit) return hit;
    const out: Run[] = [];
    const shift = 6 * (n - 1);
    for (let c = 0; c < 64; c++) {
      const t = step(q, 0x80 + c);
      if (t < 0) continue;
      if (n === 1) pushRun(out, c, c, t);
      else for (const [lo, hi, tg] of suffix(t, n - 1)) pushRun(out, c * 2 ** shift + lo, c * 2 ** shift + hi, tg);
    }
    memo.set(key, out);
    return out;
  };
  const lead: [from: number, to: number, n: number, mask: number, min: number, max: number][] = [
    [0xc2, 0xdf, 1, 0x1f, 0x80, 0x7ff],
    [0xe0, 0xef, 2, 0x0f, 0x800, 0xffff],
    [0xf0, 0xf4, 3, 0x07, 0x10000, 0x10ffff],
  ];
  const all: Run[][] = [];
  for (let q = 0; q < dfa.stateCount; q++) {
    const out: Run[] = [];
    for (let b = 0; b < 0x80; b++) {
      const t = step(q, b);
      if (t >= 0) pushRun(out, b, b, t);
    }
    for (const [from, to, n, mask, min, max] of lead) {
      for (let b = from; b <= to; b++) {
        const t = step(q, b);
        if (t < 0) continue;
        const base = (b & mask) * 2 ** (6 * n);
        for (const [lo, hi, tg] of suffix(t, n)) {
          // Clip away overlong forms and values above U+10FFFF (surrogates are dropped by the classes).
          const a = Math.max(base + lo, min);
          const z = Math.min(base + hi, max);
          if (a <= z) pushRun(out, a, z, tg);
        }
      }
    }
    all.push(out);
  }
  return all;
}

/**
 * Compiles a regex node to rules named `${prefix}-s0`, `${prefix}-s1`, ...
 * (`-s0` is the start). Throws what `compileRegex` throws for patterns it
 * refuses (a `FormworkError` naming the construct).
 */
export function regexToRules(node: RegexNode, prefix: string): RegexRules {
  const dfa = compileRegex(node.pattern, { flags: node.flags, mode: "whole" });
  const name = (q: number) => `${prefix}-s${q}`;
  if (dfa.stateCount === 0) return { start: name(0), rules: [[name(0), { type: "alt", items: [] }]] };
  const trans = codePointTransitions(dfa);
  const rules: [string, Node][] = [];
  for (let q = 0; q < dfa.stateCount; q++) {
    const byTarget = new Map<number, [number, number][]>();
    for (const [lo, hi, t] of trans[q]) {
      let list = byTarget.get(t);
      if (!list) byTarget.set(t, (list = []));
      list.push([lo, hi]);
    }
    const alts: Node[] = [];
    for (const [t, pairs] of byTarget) alts.push(seq(charClass(pairs), ref(name(t))));
    if (dfa.accepting[q]) alts.push(literal(""));
    rules.push([name(q), alts.length === 0 ? { type: "alt", items: [] } : alt(...alts)]);
  }
  return { start: name(0), rules };
}
