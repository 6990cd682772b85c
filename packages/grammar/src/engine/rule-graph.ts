/**
 * Which rules the engine calls (own automaton, a stack frame at run time)
 * and which it inlines. Rules on a reference cycle must be called; a rule off
 * every cycle is inlined unless it is big and used more than once.
 */
import { CompileError } from "@formwork/core";
import type { Grammar, Node } from "../ir.js";
import { cyclicComponents } from "../cycles.js";

/** Calls `fn` on every rule name `node` refers to. */
export function forEachRef(node: Node, fn: (name: string, at: Node) => void): void {
  switch (node.type) {
    case "ref":
      fn(node.name, node);
      return;
    case "seq":
    case "alt":
      for (const it of node.items) forEachRef(it, fn);
      return;
    case "repeat":
    case "lexeme":
      forEachRef(node.item, fn);
      return;
    default:
      return;
  }
}

/** Throws `undefined-rule` / `missing-root` when a reference names no rule. */
export function checkRefs(g: Grammar): void {
  if (!g.rules.has(g.root)) {
    throw new CompileError("missing-root", `the start rule "${g.root}" is not defined`, {
      hint: `Define a rule named "${g.root}" or pick an existing rule as the root.`,
    });
  }
  for (const [name, node] of g.rules) {
    forEachRef(node, (target, at) => {
      if (!g.rules.has(target)) {
        const span = at.span ?? g.ruleSpans?.get(name);
        throw new CompileError("undefined-rule", `rule "${name}" refers to "${target}", which is not defined`, {
          location: span ? { kind: "span", start: span.start, end: span.end } : undefined,
          hint: `Define "${target}" or fix the name.`,
        });
      }
    });
  }
}

/** The groups of mutually recursive rules reachable from the root (Tarjan's SCCs with a cycle); every reference must name a rule (`checkRefs`). */
export function recursiveGroups(g: Grammar): string[][] {
  const succ = new Map<string, string[]>();
  for (const [name, node] of g.rules) {
    const s: string[] = [];
    forEachRef(node, (t) => s.push(t));
    succ.set(name, s);
  }
  return cyclicComponents([g.root], (v) => succ.get(v)!);
}

/** Rules reachable from the root that lie on a reference cycle. */
export function recursiveRules(g: Grammar): Set<string> {
  return new Set(recursiveGroups(g).flat());
}

/** The estimated NFA size of a leaf node (a literal, class, `any` or regex), in the units of `estimateSizes`. */
export function leafSizeEstimate(node: Node): number {
  switch (node.type) {
    case "literal":
      return node.value.length * 3 + 1;
    case "class":
    case "any":
      return 16;
    case "regex":
      return 64;
    default:
      throw new Error(`internal: ${node.type} is not a leaf`);
  }
}

/** A rough NFA size of each rule when fully inlined (for the inlining decision). */
export function estimateSizes(g: Grammar, called: Set<string>): Map<string, number> {
  const memo = new Map<string, number>();
  const size = (node: Node): number => {
    switch (node.type) {
      case "literal":
      case "class":
      case "any":
      case "regex":
        return leafSizeEstimate(node);
      case "ref":
        return called.has(node.name) ? 2 : ruleSize(node.name);
      case "seq":
        return node.items.reduce((a, it) => a + size(it), 1);
      case "alt":
        return node.items.reduce((a, it) => a + size(it), 2);
      case "repeat": {
        const copies = node.max === Infinity ? node.min + 1 : node.max;
        return Math.min(1e12, size(node.item) * Math.max(1, copies) + 2);
      }
      case "lexeme":
        return size(node.item);
    }
  };
  const ruleSize = (name: string): number => {
    const m = memo.get(name);
    if (m !== undefined) return m;
    memo.set(name, 2);
    const s = size(g.rules.get(name)!);
    memo.set(name, s);
    return s;
  };
  for (const name of g.rules.keys()) ruleSize(name);
  return memo;
}

/**
 * A rule at least this big (estimate) is called instead of inlined when its
 * copies would add more than `inlineLimit` in all: the shared JSON whitespace
 * (estimate ~560, thousands of uses) inlined everywhere doubled the DFA.
 */
const CALL_MIN_SIZE = 500;

/**
 * The set of rules that get their own automaton: the root, every recursive
 * rule, big non-recursive rules used more than once, and smaller ones used so
 * often that their inlined copies together are big (see `CALL_MIN_SIZE`).
 */
export function calledRules(g: Grammar, inlineLimit: number): Set<string> {
  const called = recursiveRules(g);
  called.add(g.root);
  const uses = new Map<string, number>();
  for (const node of g.rules.values()) forEachRef(node, (t) => uses.set(t, (uses.get(t) ?? 0) + 1));
  // Decide bottom-up: sizes depend on which callees are called.
  for (let pass = 0; pass < 4; pass++) {
    const sizes = estimateSizes(g, called);
    let changed = false;
    for (const [name, s] of sizes) {
      const u = uses.get(name) ?? 0;
      if (!called.has(name) && u > 1 && (s > inlineLimit || (s >= CALL_MIN_SIZE && s * (u - 1) > inlineLimit))) {
        called.add(name);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return called;
}
