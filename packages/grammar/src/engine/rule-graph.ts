/**
 * Which rules the engine calls (own automaton, a stack frame at run time)
 * and which it inlines. Rules on a reference cycle must be called; a rule off
 * every cycle is inlined unless it is big and used more than once.
 */
import { CompileError } from "@formwork/core";
import type { Grammar, Node } from "../ir.js";
import { stronglyConnectedComponents } from "../cycles.js";

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

/** Pushes the rule names `node` refers to, in order. */
function collectRefs(node: Node, out: string[]): void {
  switch (node.type) {
    case "ref":
      out.push(node.name);
      return;
    case "seq":
    case "alt": {
      const items = node.items;
      for (let i = 0; i < items.length; i++) collectRefs(items[i], out);
      return;
    }
    case "repeat":
    case "lexeme":
      collectRefs(node.item, out);
      return;
    default:
      return;
  }
}

/**
 * `ruleGraph(g)` after `checkRefs(g)`: the references are collected once and
 * checked against the rules (the walk that reports an undefined one, with
 * its span, runs only when one is).
 */
export function checkedRuleGraph(g: Grammar): RuleGraph {
  if (!g.rules.has(g.root)) checkRefs(g);
  const refs = new Map<string, string[]>();
  let bad = false;
  for (const [name, node] of g.rules) {
    const s: string[] = [];
    collectRefs(node, s);
    for (let i = 0; i < s.length; i++) if (!g.rules.has(s[i])) bad = true;
    refs.set(name, s);
  }
  if (bad) checkRefs(g);
  return graphOf(g, refs);
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

/**
 * The references of every rule (in order, repeats kept) and the strongly
 * connected components reachable from the root (callees first): one walk of
 * the grammar that right-linear elimination and the call policy share
 * (`compileGrammar` passes it along). Every reference must name a rule
 * (`checkRefs`).
 */
export interface RuleGraph {
  refs: Map<string, string[]>;
  /** Components reachable from the root, each after every component it reaches. */
  components: string[][];
  /** The components with a cycle. */
  cyclic: string[][];
}

export function ruleGraph(g: Grammar, prev?: { grammar: Grammar; graph: RuleGraph }): RuleGraph {
  const refs = new Map<string, string[]>();
  for (const [name, node] of g.rules) {
    // A rule whose body is the same object as in `prev`'s grammar has the same references.
    if (prev !== undefined && prev.grammar.rules.get(name) === node) {
      refs.set(name, prev.graph.refs.get(name)!);
      continue;
    }
    const s: string[] = [];
    collectRefs(node, s);
    refs.set(name, s);
  }
  return graphOf(g, refs);
}

function graphOf(g: Grammar, refs: Map<string, string[]>): RuleGraph {
  const succ = (v: string) => refs.get(v)!;
  const components = stronglyConnectedComponents([g.root], succ);
  const cyclic = components.filter((comp) => comp.length > 1 || succ(comp[0]).includes(comp[0]));
  return { refs, components, cyclic };
}

/** The groups of mutually recursive rules reachable from the root (Tarjan's SCCs with a cycle); every reference must name a rule (`checkRefs`). */
export function recursiveGroups(g: Grammar, graph: RuleGraph = ruleGraph(g)): string[][] {
  return graph.cyclic;
}

/** Rules reachable from the root that lie on a reference cycle. */
export function recursiveRules(g: Grammar): Set<string> {
  return new Set(recursiveGroups(g).flat());
}

/** The estimated NFA size of a leaf node (a literal, class, `any`, regex or automaton), in the units of `estimateSizes`. */
export function leafSizeEstimate(node: Node): number {
  switch (node.type) {
    case "literal":
      return node.value.length * 3 + 1;
    case "class":
    case "any":
      return 16;
    case "regex":
      return 64;
    case "automaton":
      return 4 * node.dfa.stateCount + 2;
    default:
      throw new Error(`internal: ${node.type} is not a leaf`);
  }
}

/**
 * Calls `visit` on every rule, each after the rules it inlines (references to
 * rules not in `called`), with an explicit stack: a chain of thousands of
 * inlined rules does not recurse. On a cycle of inlined references (only
 * among rules the root does not reach), the rule closing it is visited
 * before the rule it refers to.
 */
export function forEachRuleCalleesFirst(g: Grammar, called: ReadonlySet<string>, visit: (name: string) => void, graph: RuleGraph = ruleGraph(g)): void {
  const { refs } = graph;
  const done = new Set<string>();
  const visiting = new Set<string>();
  for (const start of g.rules.keys()) {
    if (done.has(start)) continue;
    const stack: { name: string; refs: string[]; i: number }[] = [{ name: start, refs: refs.get(start)!, i: 0 }];
    visiting.add(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.i < top.refs.length) {
        const next = top.refs[top.i++];
        // Called rules are not inlined: no order between them and their callers.
        if (called.has(next) || done.has(next) || visiting.has(next)) continue;
        visiting.add(next);
        stack.push({ name: next, refs: refs.get(next)!, i: 0 });
        continue;
      }
      stack.pop();
      visiting.delete(top.name);
      done.add(top.name);
      visit(top.name);
    }
  }
}

/**
 * A rough NFA size of each rule when fully inlined (for the inlining
 * decision), callees first; a reference back into a rule still being sized
 * (a cycle) counts 2, as a call does.
 */
export function estimateSizes(g: Grammar, called: Set<string>, graph: RuleGraph = ruleGraph(g), heights?: { native: ReadonlyMap<string, unknown>; max: number }): Map<string, number> {
  const memo = new Map<string, number>();
  // With `heights`: in the same walk, each rule's inlined height as `callDeepInlines` computes it
  // (`h`: the height of the node `size` returned for), and the largest of a rule that it may call.
  const height = new Map<string, number>();
  const native = heights?.native;
  let inMember = false;
  let h = 0;
  const size = (node: Node): number => {
    switch (node.type) {
      case "literal":
      case "class":
      case "any":
      case "regex":
      case "automaton":
        h = 1;
        return leafSizeEstimate(node);
      case "ref":
        h = 1 + (called.has(node.name) || (inMember && native!.has(node.name)) ? 0 : (height.get(node.name) ?? 0));
        return called.has(node.name) ? 2 : (memo.get(node.name) ?? 2);
      case "seq":
      case "alt": {
        const items = node.items;
        let a = node.type === "seq" ? 1 : 2;
        let hi = 0;
        for (let i = 0; i < items.length; i++) {
          a += size(items[i]);
          if (h > hi) hi = h;
        }
        h = 1 + hi;
        return a;
      }
      case "repeat": {
        // Counted repetitions count their copies too: a rule used everywhere is then called, so that
        // the automaton states of its copies are shared by every use rather than built per use.
        const copies = node.max === Infinity ? node.min + 1 : node.max;
        const a = Math.min(1e12, size(node.item) * Math.max(1, copies) + 2);
        h++;
        return a;
      }
      case "lexeme": {
        const a = size(node.item);
        h++;
        return a;
      }
    }
  };
  forEachRuleCalleesFirst(
    g,
    called,
    (name) => {
      inMember = native !== undefined && native.has(name);
      memo.set(name, size(g.rules.get(name)!));
      if (heights !== undefined) {
        height.set(name, h);
        if (name !== g.root && !inMember && h > heights.max) heights.max = h;
      }
    },
    graph,
  );
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
 * Rules in `native` (members of right-linear groups the NFA builder builds
 * in place, see `nativeRightLinearGroups`) are never called.
 */
export function calledRules(g: Grammar, inlineLimit: number, graph: RuleGraph = ruleGraph(g), native: ReadonlyMap<string, unknown> = new Map()): Set<string> {
  const { refs, components, cyclic } = graph;
  const called = new Set(cyclic.flat().filter((n) => !native.has(n)));
  called.add(g.root);
  // Only rules the root reaches are built (an unreachable cycle is never inlined, nor called).
  const reachable = new Set(components.flat());
  const uses = new Map<string, number>();
  // A reference inside a counted repetition counts once per copy: the copies' automaton states are
  // as many as that many references' (item{1,10} builds item's states ten times when inlined).
  const count = (node: Node, copies: number): void => {
    switch (node.type) {
      case "ref":
        uses.set(node.name, (uses.get(node.name) ?? 0) + copies);
        return;
      case "seq":
      case "alt":
        for (let i = 0; i < node.items.length; i++) count(node.items[i], copies);
        return;
      case "repeat":
        count(node.item, Math.min(1e9, copies * Math.max(1, node.max === Infinity ? node.min + 1 : node.max)));
        return;
      case "lexeme":
        count(node.item, copies);
        return;
      default:
        return;
    }
  };
  for (const name of reachable) count(g.rules.get(name)!, 1);
  // Decide bottom-up: sizes depend on which callees are called.
  // The heights `callDeepInlines` would find, from the last pass when it changed nothing (then `called` is final).
  let heights = { native, max: 0 };
  let settled = false;
  for (let pass = 0; pass < 4; pass++) {
    heights = { native, max: 0 };
    const sizes = estimateSizes(g, called, graph, heights);
    let changed = false;
    let smallest = Infinity;
    for (const [name, s] of sizes) {
      const u = uses.get(name) ?? 0;
      if (!called.has(name) && !native.has(name) && reachable.has(name) && u > 1 && (s > inlineLimit || (s >= CALL_MIN_SIZE && s * (u - 1) > inlineLimit))) {
        called.add(name);
        changed = true;
        smallest = Math.min(smallest, s);
      }
    }
    // A reference to a called rule counts 2. When every rule called now counted at least 2 inlined,
    // no size grows in the next pass (sizes are sums and multiples of their parts, and a reachable
    // rule's parts are reachable rules), so the next pass, whose test only passes for bigger sizes,
    // would call nothing new: skip it.
    if (!changed) settled = true;
    if (!changed || smallest >= 2) break;
  }
  // No rule it may call is too deep: it would call none. When the loop ended on a pass that called
  // more rules, that pass's heights still bound the final ones if every rule is reachable: calling a
  // rule only lowers heights (its references count one level), and with no cycle of inlined
  // references (reachable cycles are called, or native groups, whose references to members count one
  // level) a rule's height does not depend on the order the rules were visited in.
  if (heights.max > MAX_INLINE_DEPTH || (!settled && reachable.size < g.rules.size)) callDeepInlines(g, called, graph, native);
  return called;
}

/**
 * Deepest nesting (IR levels, an inlined rule's body continuing its
 * reference's depth) that the NFA builder, which recurses once per level,
 * may meet. Deeper chains of inlined rules (`r0 ::= "a" r1`, `r1 ::= "a" r2`,
 * ... thousands of rules) get a call every few hundred levels instead:
 * a stack frame at run time per call, none of the builder's recursion.
 */
export const MAX_INLINE_DEPTH = 400;

/**
 * Adds to `called` the rules whose inlined depth would pass {@link MAX_INLINE_DEPTH}. A member of
 * a `native` group is never called; its height counts references to its group's members as one
 * level (the builder builds each member's terms from the member's entry, not nested).
 */
function callDeepInlines(g: Grammar, called: Set<string>, graph: RuleGraph, native: ReadonlyMap<string, unknown>): void {
  const height = new Map<string, number>();
  let inMember = false;
  // Levels of `node` (1 for a leaf), an inlined reference continuing into its rule's height.
  const heightOf = (node: Node): number => {
    switch (node.type) {
      case "ref":
        return 1 + (called.has(node.name) || (inMember && native.has(node.name)) ? 0 : (height.get(node.name) ?? 0));
      case "seq":
      case "alt": {
        let h = 0;
        for (const it of node.items) h = Math.max(h, heightOf(it));
        return 1 + h;
      }
      case "repeat":
      case "lexeme":
        return 1 + heightOf(node.item);
      default:
        return 1;
    }
  };
  forEachRuleCalleesFirst(g, called, (name) => {
    inMember = native.has(name);
    let h = heightOf(g.rules.get(name)!);
    if (h > MAX_INLINE_DEPTH && name !== g.root && !inMember) {
      called.add(name);
      h = 0;
    }
    height.set(name, h);
  }, graph);
}
