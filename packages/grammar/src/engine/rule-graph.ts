/**
 * Which rules the engine calls (own automaton, a stack frame at run time)
 * and which it inlines. Rules on a reference cycle must be called; a rule off
 * every cycle is inlined unless it is big and used more than once.
 */
import { CompileError } from "@formwork/core";
import type { Grammar, Node } from "../ir.js";
import { componentsOf } from "../cycles.js";

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
 * checked against the rules as they are numbered (the walk that reports an
 * undefined one, with its span, runs only when one is).
 */
export function checkedRuleGraph(g: Grammar): RuleGraph {
  const refs = new Map<string, string[]>();
  for (const [name, node] of g.rules) {
    const s: string[] = [];
    collectRefs(node, s);
    refs.set(name, s);
  }
  return graphOf(g, refs, true);
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
  /** The rules by number (the grammar's order): `names[r]` is rule r, `ids` maps a name back. */
  names: string[];
  ids: Map<string, number>;
  /** `refIds[r]`: rule r's references as rule numbers (`refs` by number). */
  refIds: number[][];
  /** `components` as rule numbers. */
  componentIds: number[][];
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
  return graphOf(g, refs, false);
}

/** For a reference or root that names no rule: `checkRefs`' error when `checked`, else an internal one (the caller was to check first). */
function undefinedRule(g: Grammar, checked: boolean, name: string): never {
  if (checked) checkRefs(g);
  throw new Error(`internal: "${name}" names no rule of the grammar (checkRefs first)`);
}

/** The graph of `g` from its references `refs` (by rule, in the grammar's order); see `undefinedRule` for `checked`. */
function graphOf(g: Grammar, refs: Map<string, string[]>, checked: boolean): RuleGraph {
  // `refs` holds the rules in the grammar's order: their numbers.
  const names = [...refs.keys()];
  const ids = new Map<string, number>();
  for (let r = 0; r < names.length; r++) ids.set(names[r], r);
  const refIds = new Array<number[]>(names.length);
  let r = 0;
  for (const s of refs.values()) {
    const out = new Array<number>(s.length);
    for (let i = 0; i < s.length; i++) {
      const t = ids.get(s[i]);
      if (t === undefined) undefinedRule(g, checked, s[i]);
      out[i] = t;
    }
    refIds[r++] = out;
  }
  const root = ids.get(g.root);
  if (root === undefined) undefinedRule(g, checked, g.root);
  const componentIds = componentsOf(names.length, root, (v) => refIds[v]);
  const components = componentIds.map((comp) => comp.map((v) => names[v]));
  const cyclic: string[][] = [];
  for (let c = 0; c < componentIds.length; c++) {
    const comp = componentIds[c];
    if (comp.length > 1 || refIds[comp[0]].includes(comp[0])) cyclic.push(components[c]);
  }
  return { refs, components, cyclic, names, ids, refIds, componentIds };
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
 * Calls `visit` on every rule (by number), each after the rules it inlines
 * (references to rules not `called`, a flag by rule number), with an
 * explicit stack: a chain of thousands of inlined rules does not recurse.
 * On a cycle of inlined references (only among rules the root does not
 * reach), the rule closing it is visited before the rule it refers to.
 * `visit` may mark more rules called; the walk reads the flags as it goes.
 */
function forEachRuleCalleesFirst(graph: RuleGraph, called: Uint8Array, visit: (rule: number) => void): void {
  const { refIds } = graph;
  const count = refIds.length;
  // 1: on the stack, 2: visited.
  const state = new Uint8Array(count);
  // A rule and how many of its references were looked at, side by side.
  const stack: number[] = [];
  for (let start = 0; start < count; start++) {
    if (state[start] !== 0) continue;
    state[start] = 1;
    stack.push(start, 0);
    while (stack.length > 0) {
      const top = stack.length - 2;
      const r = stack[top];
      const refs = refIds[r];
      const i = stack[top + 1];
      if (i < refs.length) {
        stack[top + 1] = i + 1;
        const next = refs[i];
        // Called rules are not inlined: no order between them and their callers.
        if (called[next] === 1 || state[next] !== 0) continue;
        state[next] = 1;
        stack.push(next, 0);
        continue;
      }
      stack.length = top;
      state[r] = 2;
      visit(r);
    }
  }
}

/**
 * A rough NFA size of each rule (by number) when fully inlined (for the
 * inlining decision), rules flagged in `called` counting 2 at each use;
 * callees first, a reference back into a rule still being sized (a cycle)
 * counts 2, as a call does. With `uses`, the same walk adds to `uses.counts`
 * (by rule number) the references to each rule in the bodies of the rules
 * flagged `uses.reachable`, a reference inside a counted repetition once per
 * copy (the copies' automaton states are as many as that many references').
 */
export function estimateSizes(g: Grammar, graph: RuleGraph, called: Uint8Array, heights?: { native: Uint8Array; max: number }, uses?: { reachable: Uint8Array; counts: Float64Array }): Float64Array {
  const { ids } = graph;
  const bodies = [...g.rules.values()];
  const root = ids.get(g.root);
  // A rule not sized yet counts 2.
  const memo = new Float64Array(bodies.length).fill(2);
  // With `heights`: in the same walk, each rule's inlined height as `callDeepInlines` computes it
  // (`h`: the height of the node `size` returned for), and the largest of a rule that it may call.
  const height = new Float64Array(bodies.length);
  const native = heights?.native;
  let inMember = false;
  let h = 0;
  // The uses to add to (undefined: none counted in this rule), and the copies of the node `size` is at.
  let counts: Float64Array | undefined;
  let copies = 1;
  const size = (node: Node): number => {
    switch (node.type) {
      case "literal":
      case "class":
      case "any":
      case "regex":
      case "automaton":
        h = 1;
        return leafSizeEstimate(node);
      case "ref": {
        const r = ids.get(node.name)!;
        if (counts !== undefined) counts[r] += copies;
        if (called[r] === 1) {
          h = 1;
          return 2;
        }
        h = 1 + (inMember && native![r] === 1 ? 0 : height[r]);
        return memo[r];
      }
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
        const n = Math.max(1, node.max === Infinity ? node.min + 1 : node.max);
        const outer = copies;
        if (counts !== undefined) copies = Math.min(1e9, copies * n);
        const a = Math.min(1e12, size(node.item) * n + 2);
        copies = outer;
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
  forEachRuleCalleesFirst(graph, called, (r) => {
    inMember = native !== undefined && native[r] === 1;
    counts = uses !== undefined && uses.reachable[r] === 1 ? uses.counts : undefined;
    memo[r] = size(bodies[r]);
    if (heights !== undefined) {
      height[r] = h;
      if (r !== root && !inMember && h > heights.max) heights.max = h;
    }
  });
  return memo;
}

/** Flags by rule number: 1 for the rules of `graph` that `names` lists. */
function ruleFlags(graph: RuleGraph, names: Iterable<string>): Uint8Array {
  const flags = new Uint8Array(graph.names.length);
  for (const name of names) {
    const r = graph.ids.get(name);
    if (r !== undefined) flags[r] = 1;
  }
  return flags;
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
  const { names, componentIds, cyclic } = graph;
  const count = names.length;
  const called = new Set(cyclic.flat().filter((n) => !native.has(n)));
  called.add(g.root);
  // The same sets as flags by rule number, for the walks below.
  const calledFlags = ruleFlags(graph, called);
  const nativeFlags = ruleFlags(graph, native.keys());
  // Only rules the root reaches are built (an unreachable cycle is never inlined, nor called).
  const reachable = new Uint8Array(count);
  let reachableCount = 0;
  for (const comp of componentIds) {
    for (const r of comp) {
      reachable[r] = 1;
      reachableCount++;
    }
  }
  // Uses by rule number, counted by the first pass's walk (a count of copies can pass 2^31: not an Int32Array).
  const uses = { reachable, counts: new Float64Array(count) };
  // Decide bottom-up: sizes depend on which callees are called.
  // The heights `callDeepInlines` would find, from the last pass when it changed nothing (then `called` is final).
  let heights = { native: nativeFlags, max: 0 };
  let settled = false;
  for (let pass = 0; pass < 4; pass++) {
    heights = { native: nativeFlags, max: 0 };
    const sizes = estimateSizes(g, graph, calledFlags, heights, pass === 0 ? uses : undefined);
    let changed = false;
    let smallest = Infinity;
    for (let r = 0; r < count; r++) {
      const s = sizes[r];
      const u = uses.counts[r];
      if (calledFlags[r] === 0 && nativeFlags[r] === 0 && reachable[r] === 1 && u > 1 && (s > inlineLimit || (s >= CALL_MIN_SIZE && s * (u - 1) > inlineLimit))) {
        called.add(names[r]);
        calledFlags[r] = 1;
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
  if (heights.max > MAX_INLINE_DEPTH || (!settled && reachableCount < count)) callDeepInlines(g, graph, called, calledFlags, nativeFlags);
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
 * Adds to `called` (and to its flags by rule number, `calledFlags`) the rules whose inlined depth
 * would pass {@link MAX_INLINE_DEPTH}. A member of a `native` group (flags by rule number) is never called; its height counts references to its group's members as one
 * level (the builder builds each member's terms from the member's entry, not nested).
 */
function callDeepInlines(g: Grammar, graph: RuleGraph, called: Set<string>, calledFlags: Uint8Array, native: Uint8Array): void {
  const { ids, names } = graph;
  const bodies = [...g.rules.values()];
  const root = ids.get(g.root);
  const height = new Float64Array(bodies.length);
  let inMember = false;
  // Levels of `node` (1 for a leaf), an inlined reference continuing into its rule's height.
  const heightOf = (node: Node): number => {
    switch (node.type) {
      case "ref": {
        const r = ids.get(node.name)!;
        return 1 + (calledFlags[r] === 1 || (inMember && native[r] === 1) ? 0 : height[r]);
      }
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
  forEachRuleCalleesFirst(graph, calledFlags, (r) => {
    inMember = native[r] === 1;
    let h = heightOf(bodies[r]);
    if (h > MAX_INLINE_DEPTH && r !== root && !inMember) {
      called.add(names[r]);
      calledFlags[r] = 1;
      h = 0;
    }
    height[r] = h;
  });
}
