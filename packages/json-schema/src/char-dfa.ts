/**
 * Deterministic automata over code points, for the string constraints that
 * need a product or a complement: a pattern together with a length or a
 * format, `patternProperties` keys that must not match a pattern, key
 * languages minus the named keys. Built by subset construction from an RNode
 * over a shared partition of the code points into intervals; converted to IR
 * as one right-linear rule per state.
 */
import { LimitError } from "@formwork/core";
import { alt, literal, ref, seq, type Node } from "@formwork/grammar";
import { MAX_CODE_POINT, normalizeRanges } from "@formwork/grammar";
import type { RNode } from "./regex-ast.js";
import { encodedSet } from "./json-text.js";

/** A DFA over a partition of the code points into intervals. */
export interface CharDfa {
  /** Interval starts, ascending; interval i is [bounds[i], bounds[i+1] - 1] (the last ends at MAX_CODE_POINT). */
  bounds: number[];
  /** next[state][interval] = state, or -1. */
  next: Int32Array[];
  accepting: boolean[];
}

interface Nfa {
  eps: number[][];
  edges: { ranges: number[]; to: number }[][];
}

const MAX_NFA = 20000;
const MAX_DFA = 4000;

function buildNfa(n: RNode, nfa: Nfa, limit: { left: number }): [number, number] {
  const state = (): number => {
    if (--limit.left < 0) throw new LimitError("string-automaton-too-large", `A string constraint needs more than ${MAX_NFA} automaton states`, { hint: "Use smaller counted repetitions or length bounds." });
    nfa.eps.push([]);
    nfa.edges.push([]);
    return nfa.eps.length - 1;
  };
  const s = state();
  switch (n.k) {
    case "set": {
      const e = state();
      if (n.r.length) nfa.edges[s].push({ ranges: n.r, to: e });
      return [s, e];
    }
    case "seq": {
      let cur = s;
      for (const x of n.a) {
        const [a, b] = buildNfa(x, nfa, limit);
        nfa.eps[cur].push(a);
        cur = b;
      }
      return [s, cur];
    }
    case "alt": {
      const e = state();
      for (const x of n.a) {
        const [a, b] = buildNfa(x, nfa, limit);
        nfa.eps[s].push(a);
        nfa.eps[b].push(e);
      }
      return [s, e];
    }
    case "rep": {
      let cur = s;
      for (let i = 0; i < n.min; i++) {
        const [a, b] = buildNfa(n.a, nfa, limit);
        nfa.eps[cur].push(a);
        cur = b;
      }
      if (n.max === Infinity) {
        const [a, b] = buildNfa(n.a, nfa, limit);
        const e = state();
        nfa.eps[cur].push(a, e);
        nfa.eps[b].push(a, e);
        return [s, e];
      }
      const e = state();
      nfa.eps[cur].push(e);
      for (let i = n.min; i < n.max; i++) {
        const [a, b] = buildNfa(n.a, nfa, limit);
        nfa.eps[cur].push(a);
        nfa.eps[b].push(e);
        cur = b;
      }
      return [s, e];
    }
    default:
      throw new Error("internal: anchors in a string automaton");
  }
}

function collectBounds(n: RNode, out: Set<number>): void {
  if (n.k === "set") {
    for (let i = 0; i < n.r.length; i += 2) {
      out.add(n.r[i]);
      out.add(n.r[i + 1] + 1);
    }
  } else if (n.k === "seq" || n.k === "alt") for (const x of n.a) collectBounds(x, out);
  else if (n.k === "rep") collectBounds(n.a, out);
}

/** Determinizes `n` over the given interval partition. */
function determinize(n: RNode, bounds: number[]): CharDfa {
  const nfa: Nfa = { eps: [], edges: [] };
  const [start, end] = buildNfa(n, nfa, { left: MAX_NFA });
  const closure = (set: number[]): number[] => {
    const seen = new Set(set);
    const stack = [...set];
    while (stack.length) for (const t of nfa.eps[stack.pop()!]) if (!seen.has(t)) (seen.add(t), stack.push(t));
    return [...seen].sort((a, b) => a - b);
  };
  const intervalsOf = (ranges: number[]): [number, number] => {
    // ranges is a single [lo, hi] pair here; map to interval indices via binary search.
    const find = (x: number) => {
      let lo = 0;
      let hi = bounds.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (bounds[mid] <= x) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    return [find(ranges[0]), find(ranges[1])];
  };
  const k = bounds.length;
  const ids = new Map<string, number>();
  const sets: number[][] = [];
  const dfa: CharDfa = { bounds, next: [], accepting: [] };
  const add = (set: number[]): number => {
    const key = set.join(",");
    let id = ids.get(key);
    if (id === undefined) {
      if (sets.length >= MAX_DFA) throw new LimitError("string-automaton-too-large", `A string constraint needs more than ${MAX_DFA} automaton states`, { hint: "Simplify the pattern or length bounds." });
      id = sets.length;
      ids.set(key, id);
      sets.push(set);
      dfa.next.push(new Int32Array(k).fill(-1));
      dfa.accepting.push(set.includes(end));
    }
    return id;
  };
  add(closure([start]));
  for (let q = 0; q < sets.length; q++) {
    const targets: Set<number>[] = Array.from({ length: k }, () => new Set<number>());
    for (const s of sets[q]) {
      for (const e of nfa.edges[s]) {
        for (let i = 0; i < e.ranges.length; i += 2) {
          const [a, b] = intervalsOf([e.ranges[i], e.ranges[i + 1]]);
          for (let j = a; j <= b; j++) targets[j].add(e.to);
        }
      }
    }
    const memo = new Map<string, number>();
    for (let j = 0; j < k; j++) {
      if (targets[j].size === 0) continue;
      const key = [...targets[j]].sort((x, y) => x - y).join(",");
      let t = memo.get(key);
      if (t === undefined) memo.set(key, (t = add(closure([...targets[j]]))));
      dfa.next[q][j] = t;
    }
  }
  return dfa;
}

/** The interval partition refining every set in the nodes. */
function partition(nodes: RNode[]): number[] {
  const b = new Set<number>([0]);
  for (const n of nodes) collectBounds(n, b);
  return [...b].filter((x) => x <= MAX_CODE_POINT).sort((x, y) => x - y);
}

/** One operand of `combine`: a language, or its complement. */
export interface Operand {
  node: RNode;
  negate?: boolean;
}

/** The intersection of the operands (each possibly complemented), as a trimmed DFA. */
export function combine(operands: Operand[]): CharDfa {
  const bounds = partition(operands.map((o) => o.node));
  const dfas = operands.map((o) => determinize(o.node, bounds));
  const k = bounds.length;
  // Product construction; a missing transition is the dead state -1 (accepting under negation).
  const ids = new Map<string, number>();
  const tuples: number[][] = [];
  const out: CharDfa = { bounds, next: [], accepting: [] };
  const add = (t: number[]): number => {
    const key = t.join(",");
    let id = ids.get(key);
    if (id === undefined) {
      if (tuples.length >= MAX_DFA) throw new LimitError("string-automaton-too-large", `A string constraint needs more than ${MAX_DFA} automaton states`, { hint: "Simplify the pattern, format or length bounds." });
      id = tuples.length;
      ids.set(key, id);
      tuples.push(t);
      out.next.push(new Int32Array(k).fill(-1));
      out.accepting.push(t.every((q, i) => (q >= 0 && dfas[i].accepting[q]) !== !!operands[i].negate));
    }
    return id;
  };
  add(dfas.map(() => 0));
  for (let q = 0; q < tuples.length; q++) {
    for (let j = 0; j < k; j++) {
      const t = tuples[q].map((s, i) => (s < 0 ? -1 : dfas[i].next[s][j]));
      // Dead in a positive operand: no continuation.
      if (t.some((s, i) => s < 0 && !operands[i].negate)) continue;
      out.next[q][j] = add(t);
    }
  }
  return trim(out);
}

/** Removes states that cannot reach acceptance. */
function trim(d: CharDfa): CharDfa {
  const n = d.next.length;
  const live = new Array<boolean>(n).fill(false);
  for (let changed = true; changed; ) {
    changed = false;
    for (let q = 0; q < n; q++) {
      if (live[q]) continue;
      if (d.accepting[q] || d.next[q].some((t) => t >= 0 && live[t])) {
        live[q] = true;
        changed = true;
      }
    }
  }
  for (let q = 0; q < n; q++) for (let j = 0; j < d.next[q].length; j++) if (d.next[q][j] >= 0 && !live[d.next[q][j]]) d.next[q][j] = -1;
  if (!live[0]) return { bounds: d.bounds, next: [new Int32Array(d.bounds.length).fill(-1)], accepting: [false] };
  return d;
}

/** Whether the DFA accepts nothing. */
export function isEmptyDfa(d: CharDfa): boolean {
  return !d.accepting[0] && d.next[0].every((t) => t < 0);
}

/**
 * The IR of a JSON string whose decoded value the DFA accepts: the quotes
 * around one right-linear rule per state, named `${prefix}_${state}`.
 */
export function dfaStringToIr(d: CharDfa, rules: Map<string, Node>, prefix: string): Node {
  const k = d.bounds.length;
  const hi = (j: number) => (j + 1 < k ? d.bounds[j + 1] - 1 : MAX_CODE_POINT);
  const reachable = new Set<number>([0]);
  const stack = [0];
  while (stack.length) for (const t of d.next[stack.pop()!]) if (t >= 0 && !reachable.has(t)) (reachable.add(t), stack.push(t));
  for (const q of reachable) {
    const byTarget = new Map<number, number[]>();
    for (let j = 0; j < k; j++) {
      const t = d.next[q][j];
      if (t < 0) continue;
      const r = byTarget.get(t);
      if (r) r.push(d.bounds[j], hi(j));
      else byTarget.set(t, [d.bounds[j], hi(j)]);
    }
    const items: Node[] = [];
    if (d.accepting[q]) items.push(literal('"'));
    for (const [t, r] of byTarget) items.push(seq(encodedSet(normalizeRanges(r)), ref(`${prefix}_${t}`)));
    rules.set(`${prefix}_${q}`, items.length === 0 ? { type: "alt", items: [] } : alt(...items));
  }
  return seq(literal('"'), ref(`${prefix}_0`));
}
