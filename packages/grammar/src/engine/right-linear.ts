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
 * solution grows past a size cap (a pattern search: every state returns to
 * the start, and the substitutions copy each other) is built by the NFA
 * builder as it stands instead (`nativeRightLinearGroups`): one entry state
 * per member, a tail reference an epsilon edge to its member's entry.
 */
import type { Limits } from "@formwork/core";
import { alt, repeat, seq, type Grammar, type Node } from "../ir.js";
import { isNullable, nullableRules } from "../analyze.js";
import { forEachRef, recursiveGroups, ruleGraph, type RuleGraph } from "./rule-graph.js";

/** Largest rewritten group (IR nodes, copies counted) before giving up on it; a switch for tests. */
export const rightLinearTuning = { maxNodes: 20_000 };

/** Most IR nodes of the native instances of one group (its members' prefixes, times the references into it from outside). */
const MAX_NATIVE_NODES = 200_000;

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
function solve(g: Grammar, members: string[], nullable: ReadonlySet<string>, limits: Partial<Limits> | undefined): Map<string, Node> | null {
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
        if (isNullable(prefix, nullable, limits)) return null;
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
    if (total > rightLinearTuning.maxNodes) return null;
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
 * a rule (`checkRefs` runs first). `limits`: the regex limits its `regex`
 * nodes compile under (whether one is nullable); `nullableOf`: the nullable
 * rules, asked only when there is a recursive group (the compiler shares one
 * set with `nativeRightLinearGroups`: solving keeps every rule's language).
 */
export function eliminateRightLinear(g: Grammar, graph: RuleGraph = ruleGraph(g), limits?: Partial<Limits>, nullableOf: () => ReadonlySet<string> = () => nullableRules(g, limits, graph.refs)): Grammar {
  const groups = recursiveGroups(g, graph);
  if (groups.length === 0) return g;
  const nullable = nullableOf();
  let rules: Map<string, Node> | null = null;
  for (const members of groups) {
    const solved = solve(g, members, nullable, limits);
    if (solved === null) continue;
    rules ??= new Map(g.rules);
    for (const [name, body] of solved) rules.set(name, body);
  }
  return rules === null ? g : { ...g, rules };
}

/** One term of a right-linear member: `prefix` then the member `tail` (null: the group ends). */
export interface RightLinearTerm {
  prefix: Node;
  tail: string | null;
}

/** A right-linear group the NFA builder builds as it stands: each member's terms. */
export interface NativeGroup {
  terms: Map<string, RightLinearTerm[]>;
}

/**
 * The recursive groups of `g` (after `eliminateRightLinear`: the ones too big to solve) that are
 * right-linear, by member: the NFA builder builds one instance of the group per reference from
 * outside it (a state per member, tail references as epsilon edges: the rules are inlined, no
 * call per character), so they are not called. A group takes in the rules that refer to it only
 * at their ends (the rest of a pattern's DFA written one rule per state), so that it is entered
 * from where the string starts. Left out: groups holding the root, groups where a member can
 * reach itself without reading (left recursion: the engine's check reports it), and groups whose
 * instances would pass `MAX_NATIVE_NODES`.
 */
export function nativeRightLinearGroups(g: Grammar, graph: RuleGraph = ruleGraph(g), limits?: Partial<Limits>, nullableOf: () => ReadonlySet<string> = () => nullableRules(g, limits, graph.refs)): Map<string, NativeGroup> {
  const out = new Map<string, NativeGroup>();
  const groups = recursiveGroups(g, graph);
  if (groups.length === 0) return out;
  const nullable = nullableOf();
  // The reachable rules that refer to each rule, computed when a group first needs them: most
  // groups left after `eliminateRightLinear` are not right-linear and stop at their first term.
  let referrersMap: Map<string, string[]> | undefined;
  const referrersOf = (name: string): string[] | undefined => {
    if (referrersMap === undefined) {
      referrersMap = new Map();
      for (const comp of graph.components) {
        for (const user of comp) {
          for (const r of new Set(graph.refs.get(user)!)) {
            let rs = referrersMap.get(r);
            if (rs === undefined) referrersMap.set(r, (rs = []));
            rs.push(user);
          }
        }
      }
    }
    return referrersMap.get(name);
  };
  const termsOf = (m: string, members: ReadonlySet<string>): RightLinearTerm[] | null => decompose(g.rules.get(m)!, members);
  for (const group of groups) {
    if (group.includes(g.root) || out.has(group[0])) continue;
    const members = new Set(group);
    const terms = new Map<string, RightLinearTerm[]>();
    for (const m of group) {
      const t = termsOf(m, members);
      if (t === null) break;
      terms.set(m, t);
    }
    if (terms.size !== group.length) continue;
    // Take in referrers whose references into the group (and theirs into it) are all at the end.
    const todo = [...group];
    while (todo.length > 0) {
      for (const r of referrersOf(todo.pop()!) ?? []) {
        if (members.has(r) || r === g.root || out.has(r)) continue;
        members.add(r);
        const t = termsOf(r, members);
        const users = t === null ? [] : (referrersOf(r) ?? []).filter((u) => members.has(u));
        const retermed = users.map((u) => termsOf(u, members));
        if (t === null || retermed.some((x) => x === null)) {
          members.delete(r);
          continue;
        }
        terms.set(r, t);
        users.forEach((u, i) => terms.set(u, retermed[i]!));
        todo.push(r);
      }
    }
    let nodes = 0;
    for (const ts of terms.values()) for (const { prefix } of ts) nodes += size(prefix);
    let outside = 0;
    for (const m of members) for (const u of referrersOf(m) ?? []) if (!members.has(u)) for (const x of graph.refs.get(u)!) if (x === m) outside++;
    if (nodes * Math.max(1, outside) > MAX_NATIVE_NODES || readsNothingAround(terms, nullable, limits)) continue;
    const native: NativeGroup = { terms };
    for (const m of members) out.set(m, native);
  }
  return out;
}

/** Whether some member reaches itself through terms whose prefix can read nothing (a cycle of epsilon edges). */
function readsNothingAround(terms: ReadonlyMap<string, RightLinearTerm[]>, nullable: ReadonlySet<string>, limits: Partial<Limits> | undefined): boolean {
  const next = new Map<string, string[]>();
  for (const [m, ts] of terms) next.set(m, ts.filter(({ prefix, tail }) => tail !== null && isNullable(prefix, nullable, limits)).map(({ tail }) => tail!));
  // Depth-first search for a cycle: 1 on the path, 2 done.
  const state = new Map<string, number>();
  for (const root of next.keys()) {
    if (state.has(root)) continue;
    const stack: { m: string; i: number }[] = [{ m: root, i: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const out = next.get(top.m) ?? [];
      if (top.i < out.length) {
        const t = out[top.i++];
        const st = state.get(t);
        if (st === 1) return true;
        if (st === undefined) {
          state.set(t, 1);
          stack.push({ m: t, i: 0 });
        }
        continue;
      }
      state.set(top.m, 2);
      stack.pop();
    }
  }
  return false;
}
