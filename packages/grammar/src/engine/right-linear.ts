/**
 * Right-linear recursion to repetition. A group of mutually recursive rules
 * in which every reference to a member of the group is the last thing a
 * member reads (`s ::= [a-z] s | "\"" t`, `t ::= ...`: what a DFA written as
 * one rule per state looks like) describes a regular language. Called as
 * rules, it would cost a stack frame per character and defeat the token
 * cache; solved as equations it becomes loops the engine inlines.
 *
 * Each member is an equation `X_i = Σ_j A_ij X_j + B_i` (A, B free of the
 * group). Gaussian elimination with Arden's lemma (`X = A X + B` has the
 * least solution `A* B`, which is what a grammar means): eliminating X_k
 * makes it refer only to members after it, so the rewritten rules form no
 * cycle. Same language, exactly; the rules keep their names. A group whose
 * solution grows past a size cap is left recursive (and called as before).
 */
import { alt, repeat, seq, type Grammar, type Node } from "../ir.js";
import { isNullable, nullableRules } from "../analyze.js";
import { forEachRef, recursiveGroups, ruleGraph, type RuleGraph } from "./rule-graph.js";

/** Largest rewritten group (IR nodes, copies counted) before giving up on it. */
const MAX_NODES = 20_000;

const EMPTY: Node = { type: "alt", items: [] };
const EPSILON: Node = { type: "seq", items: [] };

const isEmpty = (n: Node): boolean => n.type === "alt" && n.items.length === 0;

/** `a | b`, dropping empty languages. */
function union(a: Node, b: Node): Node {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  return alt(a, b);
}

/** `a b`, where an empty language absorbs. */
function concat(a: Node, b: Node): Node {
  if (isEmpty(a) || isEmpty(b)) return EMPTY;
  return seq(a, b);
}

/** IR nodes in `n`, shared subtrees counted once per use (what the NFA builder copies). */
function size(n: Node): number {
  switch (n.type) {
    case "seq":
    case "alt":
      return n.items.reduce((s, it) => s + size(it), 1);
    case "repeat":
    case "lexeme":
      return 1 + size(n.item);
    default:
      return 1;
  }
}

function mentions(n: Node, group: ReadonlySet<string>): boolean {
  let hit = false;
  forEachRef(n, (name) => {
    if (group.has(name)) hit = true;
  });
  return hit;
}

/**
 * `node` as alternatives `prefix · tail` with the tail a member of `group`
 * (or none), prefixes free of the group; null when a member is referenced
 * anywhere but at the end.
 */
function decompose(node: Node, group: ReadonlySet<string>): { prefix: Node; tail: string | null }[] | null {
  if (node.type === "ref" && group.has(node.name)) return [{ prefix: EPSILON, tail: node.name }];
  if (node.type === "alt") {
    const out: { prefix: Node; tail: string | null }[] = [];
    for (const it of node.items) {
      const d = decompose(it, group);
      if (d === null) return null;
      out.push(...d);
    }
    return out;
  }
  if (node.type === "seq" && node.items.length > 0) {
    const head = node.items.slice(0, -1);
    if (head.some((it) => mentions(it, group))) return null;
    const last = decompose(node.items[node.items.length - 1], group);
    if (last === null) return null;
    return last.map(({ prefix, tail }) => ({ prefix: seq(...head, prefix), tail }));
  }
  return mentions(node, group) ? null : [{ prefix: node, tail: null }];
}

/**
 * Solves one right-linear group; null when it is not right-linear, when a member can reach
 * another without reading anything (left recursion: left to the engine's own check), or when
 * the solution is too big.
 */
function solve(g: Grammar, members: string[], nullable: ReadonlySet<string>): Map<string, Node> | null {
  const group = new Set(members);
  const index = new Map(members.map((m, i) => [m, i] as const));
  const n = members.length;
  const A: Node[][] = members.map(() => members.map(() => EMPTY));
  const B: Node[] = members.map(() => EMPTY);
  for (let i = 0; i < n; i++) {
    const terms = decompose(g.rules.get(members[i])!, group);
    if (terms === null) return null;
    for (const { prefix, tail } of terms) {
      if (tail === null) B[i] = union(B[i], prefix);
      else {
        if (isNullable(prefix, nullable)) return null;
        const j = index.get(tail)!;
        A[i][j] = union(A[i][j], prefix);
      }
    }
  }
  for (let k = 0; k < n; k++) {
    // Arden: X_k = A_kk* (Σ_{j≠k} A_kj X_j + B_k).
    if (!isEmpty(A[k][k])) {
      const loop = repeat(A[k][k], 0, Infinity);
      A[k][k] = EMPTY;
      for (let j = k + 1; j < n; j++) if (!isEmpty(A[k][j])) A[k][j] = seq(loop, A[k][j]);
      if (!isEmpty(B[k])) B[k] = seq(loop, B[k]);
    }
    // Substitute X_k into the later members' equations.
    for (let i = k + 1; i < n; i++) {
      const c = A[i][k];
      if (isEmpty(c)) continue;
      A[i][k] = EMPTY;
      for (let j = k + 1; j < n; j++) if (!isEmpty(A[k][j])) A[i][j] = union(A[i][j], concat(c, A[k][j]));
      B[i] = union(B[i], concat(c, B[k]));
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += size(B[i]);
      for (let j = 0; j < n; j++) total += isEmpty(A[i][j]) ? 0 : size(A[i][j]);
    }
    if (total > MAX_NODES) return null;
  }
  const out = new Map<string, Node>();
  for (let i = 0; i < n; i++) {
    let body = B[i];
    for (let j = i + 1; j < n; j++) if (!isEmpty(A[i][j])) body = union(body, concat(A[i][j], { type: "ref", name: members[j] }));
    out.set(members[i], body);
  }
  return out;
}

/**
 * The grammar with every right-linear recursive group rewritten as
 * repetition (the same object when there is none). Every reference must name
 * a rule (`checkRefs` runs first).
 */
export function eliminateRightLinear(g: Grammar, graph: RuleGraph = ruleGraph(g)): Grammar {
  const groups = recursiveGroups(g, graph);
  if (groups.length === 0) return g;
  const nullable = nullableRules(g);
  let rules: Map<string, Node> | null = null;
  for (const members of groups) {
    const solved = solve(g, members, nullable);
    if (solved === null) continue;
    rules ??= new Map(g.rules);
    for (const [name, body] of solved) rules.set(name, body);
  }
  return rules === null ? g : { ...g, rules };
}
