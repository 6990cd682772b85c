/**
 * What compiling a grammar must know of every called rule before (or
 * without) building its NFA, computed on the IR: the shortest string of each
 * rule (bytes; Infinity when it matches nothing), the byte classes (the
 * boundaries of every byte range any rule's NFA will have), whether the root
 * is referenced, and whether left recursion is possible at all. Walking a
 * rule's IR once is much cheaper than building its NFA, which copies every
 * inlined rule at each use; the NFA of a called rule is then built when the
 * automaton first needs it (`nfa-build.ts`, `automaton.ts`).
 *
 * Every value here equals what the built NFA gives (the class boundaries of
 * its byte edges, `dist` of a rule's start): the walk reads the same leaves
 * the builder builds (the rules reachable from the root) and compiles every
 * `regex` node now, so a refused pattern is still an error of the compile.
 */
import type { ByteDfa } from "@formwork/regex";
import type { Grammar, Node } from "../ir.js";
import { classTemplateOf, literalBytesOf, regexDfa, type BuildCaches, type ClassTemplate } from "./nfa-build.js";
import type { ResolvedEngineOptions } from "./options.js";
import { propagate, setBits } from "./follow.js";
import type { RuleGraph } from "./rule-graph.js";

export interface RuleFacts {
  /** Shortest string of each called rule, in bytes (rule order). */
  ruleMin: Float64Array;
  /** Byte → class, and each class's first and last byte (as `Nfa.setClasses` takes them). */
  classOf: Uint8Array<ArrayBuffer>;
  classLo: Uint8Array<ArrayBuffer>;
  classHi: Uint8Array<ArrayBuffer>;
  /** Some rule refers to the root (so the root has a follow set). */
  rootReferenced: boolean;
  /**
   * Some called rules could call each other in a cycle before reading a byte (an
   * over-approximation: the exact check runs on the built NFA, `checkLeftRecursion`).
   */
  maybeLeftRecursive: boolean;
  /**
   * The follow sets of the called rules computed on the IR (`irFollowBytes`): a superset of
   * what `follow.ts` computes on the NFA, with no rule built. Computed on each call.
   */
  irFollow(): Uint32Array;
}

/** Shortest string and class cuts of a byte DFA, per DFA. */
const dfaFacts = new WeakMap<ByteDfa, { min: number; cuts: number[] }>();

function factsOfDfa(dfa: ByteDfa): { min: number; cuts: number[] } {
  let f = dfaFacts.get(dfa);
  if (f !== undefined) return f;
  const n = dfa.stateCount, tr = dfa.transitions;
  // Byte ranges as the builder lays them out: runs of one target per state.
  const cut = new Uint8Array(257);
  for (let q = 0; q < n; q++) {
    let b = 0;
    while (b < 256) {
      const t = tr[q * 256 + b];
      let e = b;
      while (e + 1 < 256 && tr[q * 256 + e + 1] === t) e++;
      if (t >= 0) {
        cut[b] = 1;
        cut[e + 1] = 1;
      }
      b = e + 1;
    }
  }
  const cuts: number[] = [];
  for (let b = 0; b <= 256; b++) if (cut[b]) cuts.push(b);
  // Breadth-first from the start to the nearest accepting state.
  let min = Infinity;
  if (n > 0) {
    const d = new Int32Array(n).fill(-1);
    const queue = [0];
    d[0] = 0;
    for (let i = 0; i < queue.length; i++) {
      const q = queue[i];
      if (dfa.accepting[q]) {
        min = d[q];
        break;
      }
      for (let b = 0; b < 256; b++) {
        const t = tr[q * 256 + b];
        if (t >= 0 && d[t] < 0) {
          d[t] = d[q] + 1;
          queue.push(t);
        }
      }
    }
  }
  f = { min, cuts };
  dfaFacts.set(dfa, f);
  return f;
}

/** Whether every range of a class (flat pairs) is ASCII. */
function asciiOnly(ranges: readonly number[]): boolean {
  return ranges.length === 0 || ranges[ranges.length - 1] < 0x80;
}

/** Fewest bytes through a class template (slot 0 to slot 1; inner slots numbered by bytes left, most first). */
function templateMin(tpl: ClassTemplate): number {
  if (tpl.minBytes !== undefined) return tpl.minBytes;
  const left = new Float64Array(tpl.inner + 2).fill(Infinity);
  left[1] = 0;
  const e = tpl.edges;
  // Every edge goes to a higher slot or to the end: settle slots from the highest down, then the start.
  for (let slot = tpl.inner + 1; slot >= 0; slot--) {
    if (slot === 1) continue;
    for (let i = 0; i < e.length; i += 4) if (e[i] === slot && left[e[i + 3]] + 1 < left[slot]) left[slot] = left[e[i + 3]] + 1;
  }
  return (tpl.minBytes = left[0]);
}

/**
 * The facts of `g` (after right-linear elimination: the grammar the NFA is
 * built from) for the called rules `names` (root first).
 */
export function ruleFacts(g: Grammar, graph: RuleGraph, names: readonly string[], options: ResolvedEngineOptions, caches: BuildCaches): RuleFacts {
  const cut = new Uint8Array(257);
  cut[0] = 1;
  const min = new Map<string, number>();
  let cutting = true;
  const addCuts = (cuts: readonly number[]): void => {
    for (let i = 0; i < cuts.length; i++) cut[cuts[i]] = 1;
  };
  const templateFacts = (node: Node & { type: "class" | "any" }): number => {
    const tpl = classTemplateOf(node, caches.classTemplates);
    if (cutting) {
      const e = tpl.edges;
      for (let i = 0; i < e.length; i += 4) {
        cut[e[i + 1]] = 1;
        cut[e[i + 2] + 1] = 1;
      }
    }
    return templateMin(tpl);
  };
  // Shortest string of a node, rules read from `min` (Infinity while unknown); while `cutting`, the
  // class boundaries of its leaves are recorded too.
  const minOf = (node: Node): number => {
    switch (node.type) {
      case "literal": {
        const v = node.value;
        // ASCII (most literals): the characters are the bytes.
        let ascii = true;
        for (let i = 0; i < v.length; i++) {
          const ch = v.charCodeAt(i);
          if (ch >= 0x80) {
            ascii = false;
            break;
          }
          if (cutting) {
            cut[ch] = 1;
            cut[ch + 1] = 1;
          }
        }
        if (ascii) return v.length;
        const bytes = literalBytesOf(v, caches);
        if (cutting) {
          for (let i = 0; i < bytes.length; i++) {
            cut[bytes[i]] = 1;
            cut[bytes[i] + 1] = 1;
          }
        }
        return bytes.length;
      }
      case "class":
        if (!node.negated && asciiOnly(node.ranges)) {
          // One byte per character: the template's edges are the ranges themselves.
          const r = node.ranges;
          if (cutting) {
            for (let i = 0; i < r.length; i += 2) {
              cut[r[i]] = 1;
              cut[r[i + 1] + 1] = 1;
            }
          }
          return r.length > 0 ? 1 : Infinity;
        }
        return templateFacts(node);
      case "any":
        return templateFacts(node);
      case "ref":
        return min.get(node.name) ?? Infinity;
      case "seq": {
        let sum = 0;
        for (const it of node.items) sum += minOf(it);
        return sum;
      }
      case "alt": {
        let m = Infinity;
        for (const it of node.items) m = Math.min(m, minOf(it));
        return m;
      }
      case "repeat": {
        const m = minOf(node.item);
        return node.min === 0 ? 0 : node.min * m;
      }
      case "lexeme":
        return minOf(node.item);
      case "regex":
      case "automaton": {
        const f = factsOfDfa(node.type === "regex" ? regexDfa(node.pattern, node.flags, options) : node.dfa);
        if (cutting) addCuts(f.cuts);
        return f.min;
      }
    }
  };
  // Callees first; a component with a cycle is iterated until no value changes (values only fall,
  // and a shortest derivation never needs a rule twice on a path: at most one round per rule, and one more).
  const cyclicComps = new Set(graph.cyclic);
  for (const comp of graph.components) {
    const cyclic = cyclicComps.has(comp);
    cutting = true;
    for (const name of comp) min.set(name, minOf(g.rules.get(name)!));
    if (!cyclic) continue;
    cutting = false;
    for (let changed = true; changed; ) {
      changed = false;
      for (const name of comp) {
        const v = minOf(g.rules.get(name)!);
        if (v < min.get(name)!) {
          min.set(name, v);
          changed = true;
        }
      }
    }
  }
  const ruleMin = new Float64Array(names.length);
  for (let r = 0; r < names.length; r++) ruleMin[r] = min.get(names[r]) ?? Infinity;
  const classOf = new Uint8Array(256);
  const lo: number[] = [], hi: number[] = [];
  let c = -1;
  for (let b = 0; b < 256; b++) {
    if (cut[b]) {
      c++;
      lo.push(b);
      hi.push(b);
    }
    classOf[b] = c;
    hi[c] = b;
  }
  // Every rule here is reachable from the root: one refers to the root only if the root is on a cycle.
  let rootReferenced = false;
  for (const comp of graph.cyclic) if (comp.includes(g.root)) rootReferenced = true;
  return {
    ruleMin,
    classOf,
    classLo: Uint8Array.from(lo),
    classHi: Uint8Array.from(hi),
    rootReferenced,
    maybeLeftRecursive: maybeLeftRecursive(g, graph, names, min),
    irFollow: () => irFollowBytes(g, graph, names, min, options, caches),
  };
}

/** A 256-bit byte set: eight words. */
type ByteSet = Uint32Array;

function addByte(set: ByteSet, b: number): void {
  set[b >>> 5] |= 1 << (b & 31);
}

/**
 * FOLLOW of every called rule (`out[r * 8 .. r * 8 + 8)`, rule order `names`) on the IR, the
 * textbook way: FIRST of every rule (bytes a string of it can start with; rules on reference
 * cycles iterated to a fixpoint), then, for every reference in every rule's body, FIRST of what
 * comes after it in its sequence (through items that may be empty, another round of an enclosing
 * repetition, and the enclosing rule's own FOLLOW when everything after it may be empty). Only the
 * parts of the IR that hold a reference are walked, and FIRST is taken only of what follows one.
 *
 * This is a superset of the true sets: an inlined rule's FOLLOW is the union over all its uses. It
 * is not always a superset of what `follow.ts` computes on the NFA, which is looser where counters
 * share a body (on every 5th MaskBench-dev file: 25,310 of 35,434 called rules alike, 0 with a bit
 * the NFA's lack). Every reader of the sets (escape points of a cache entry, the run shortcuts)
 * needs only a superset of the true sets; what this saves is building every rule's NFA, which the
 * NFA sets read (every call), inside the mask that first needs them.
 */
export function irFollowBytes(g: Grammar, graph: RuleGraph, names: readonly string[], min: ReadonlyMap<string, number>, options: ResolvedEngineOptions, caches: BuildCaches): Uint32Array {
  // The rules reachable from the root, numbered callees first; their FIRST and FOLLOW sets.
  const index = new Map<string, number>();
  const order: string[] = [];
  for (const comp of graph.components) for (const n of comp) index.set(n, order.push(n) - 1);
  const nRules = order.length;
  const ruleMinAt = new Float64Array(nRules);
  for (let i = 0; i < nRules; i++) ruleMinAt[i] = min.get(order[i]) ?? Infinity;
  const first = new Uint32Array(nRules * 8), follow = new Uint32Array(nRules * 8);
  const refAt = (name: string): number => index.get(name) ?? -1;
  // What is kept per node (shortest string, whether it holds a reference, FIRST of a leaf) lives in
  // typed arrays at the node's slot: one map for all three (three maps by node before, about 6 MB
  // allocated per call on a grammar of 5,000 rules, and a map lookup per fact asked).
  const slots = new Map<Node, number>();
  let slotMin = new Float64Array(256).fill(NaN);
  let slotRef = new Int8Array(256).fill(-1);
  let slotLeaf = new Int32Array(256).fill(-1);
  const slotOf = (node: Node): number => {
    let k = slots.get(node);
    if (k === undefined) {
      k = slots.size;
      if (k === slotMin.length) {
        const n = k * 2;
        const m = new Float64Array(n).fill(NaN);
        m.set(slotMin);
        slotMin = m;
        const r = new Int8Array(n).fill(-1);
        r.set(slotRef);
        slotRef = r;
        const l = new Int32Array(n).fill(-1);
        l.set(slotLeaf);
        slotLeaf = l;
      }
      slots.set(node, k);
    }
    return k;
  };
  // Shortest string of a node (0: may be empty; Infinity: matches nothing); kept per inner node.
  const nodeMin = (node: Node): number => {
    switch (node.type) {
      case "literal":
        return node.value.length === 0 ? 0 : 1;
      case "ref": {
        const i = refAt(node.name);
        return i < 0 ? Infinity : ruleMinAt[i];
      }
      default:
        break;
    }
    const k = slotOf(node);
    let m = slotMin[k];
    if (m === m) return m;
    switch (node.type) {
      case "class":
        // A class of ASCII ranges reads one byte (no template needed: its NFA may never be built).
        m = !node.negated && asciiOnly(node.ranges) ? (node.ranges.length > 0 ? 1 : Infinity) : templateMin(classTemplateOf(node, caches.classTemplates));
        break;
      case "any":
        m = templateMin(classTemplateOf(node, caches.classTemplates));
        break;
      case "seq":
        m = 0;
        for (const it of node.items) m += nodeMin(it);
        break;
      case "alt":
        m = Infinity;
        for (const it of node.items) m = Math.min(m, nodeMin(it));
        break;
      case "repeat":
        m = node.min === 0 ? 0 : node.min * nodeMin(node.item);
        break;
      case "lexeme":
        m = nodeMin(node.item);
        break;
      case "regex":
        m = factsOfDfa(regexDfa(node.pattern, node.flags, options)).min;
        break;
      case "automaton":
        m = factsOfDfa(node.dfa).min;
        break;
    }
    slotMin[k] = m; // after the calls, which may have grown the array

    return m;
  };
  // Whether a node holds a reference; kept per inner node.
  const hasRef = (node: Node): boolean => {
    switch (node.type) {
      case "ref":
        return true;
      case "seq":
      case "alt":
      case "repeat":
      case "lexeme":
        break;
      default:
        return false;
    }
    const k = slotOf(node);
    if (slotRef[k] >= 0) return slotRef[k] === 1;
    const h = node.type === "seq" || node.type === "alt" ? node.items.some(hasRef) : hasRef(node.item);
    slotRef[k] = h ? 1 : 0; // after the calls, which may have grown the array
    return h;
  };
  // FIRST of leaves, kept per node: `leafSets[o .. o + 8)` for the offset o returned.
  let leafSets = new Uint32Array(256), leafTop = 0;
  const tmpLeaf = new Uint32Array(8);
  const leafFirst = (node: Node & { type: "class" | "any" | "regex" | "automaton" }): number => {
    const k = slotOf(node);
    if (slotLeaf[k] >= 0) return slotLeaf[k];
    const f = tmpLeaf.fill(0);
    if (node.type === "class" && !node.negated && asciiOnly(node.ranges)) {
      const r = node.ranges;
      for (let i = 0; i < r.length; i += 2) setBits(f, 0, r[i], r[i + 1]);
    } else if (node.type === "class" || node.type === "any") {
      // The template's edges out of its start.
      const e = classTemplateOf(node, caches.classTemplates).edges;
      for (let i = 0; i < e.length; i += 4) if (e[i] === 0) setBits(f, 0, e[i + 1], e[i + 2]);
    } else {
      const dfa = node.type === "regex" ? regexDfa(node.pattern, node.flags, options) : node.dfa;
      if (dfa.stateCount > 0) for (let b = 0; b < 256; b++) if (dfa.transitions[b] >= 0) addByte(f, b);
    }
    if (leafTop + 8 > leafSets.length) {
      const grown = new Uint32Array(leafSets.length * 2);
      grown.set(leafSets);
      leafSets = grown;
    }
    leafSets.set(f, leafTop);
    slotLeaf[k] = leafTop;
    leafTop += 8;
    return leafTop - 8;
  };
  // Byte sets of the walk below live in `buf` at offsets (eight words each), taken from `top` up and
  // given back per rule: no allocation per item.
  let buf = new Uint32Array(1024), top = 0;
  const alloc = (): number => {
    if (top + 8 > buf.length) {
      const grown = new Uint32Array(buf.length * 2);
      grown.set(buf);
      buf = grown;
    }
    buf.fill(0, top, top + 8);
    return (top += 8) - 8;
  };
  // Adds FIRST(node) to the set at `out[o .. o + 8)` (rules' sets read from `first`; nothing for a
  // node that matches nothing).
  const addFirst = (node: Node, out: Uint32Array, o: number): void => {
    switch (node.type) {
      case "literal":
        if (node.value.length > 0) {
          const ch = node.value.charCodeAt(0);
          const b = ch < 0x80 ? ch : literalBytesOf(node.value, caches)[0];
          out[o + (b >>> 5)] |= 1 << (b & 31);
        }
        return;
      case "ref": {
        const i = refAt(node.name);
        if (i >= 0) for (let w = 0; w < 8; w++) out[o + w] |= first[i * 8 + w];
        return;
      }
      case "seq":
        if (nodeMin(node) === Infinity) return;
        for (const it of node.items) {
          addFirst(it, out, o);
          if (nodeMin(it) !== 0) return;
        }
        return;
      case "alt":
        for (const it of node.items) addFirst(it, out, o);
        return;
      case "repeat":
        if (node.max > 0) addFirst(node.item, out, o);
        return;
      case "lexeme":
        addFirst(node.item, out, o);
        return;
      default: {
        const f = leafFirst(node);
        for (let w = 0; w < 8; w++) out[o + w] |= leafSets[f + w];
        return;
      }
    }
  };
  // FIRST per rule, callees first; a component on a cycle iterated until nothing grows.
  const cyclicComps = new Set(graph.cyclic);
  const tmp = new Uint32Array(8);
  for (const comp of graph.components) {
    for (let changed = true; changed; ) {
      changed = false;
      for (const name of comp) {
        const i = index.get(name)!;
        if (ruleMinAt[i] === Infinity) continue;
        tmp.fill(0);
        addFirst(g.rules.get(name)!, tmp, 0);
        for (let w = 0; w < 8; w++) {
          const v = (first[i * 8 + w] | tmp[w]) >>> 0;
          if (v !== first[i * 8 + w]) {
            first[i * 8 + w] = v;
            changed = true;
          }
        }
      }
      if (!cyclicComps.has(comp)) break;
    }
  }
  // FOLLOW: what each reference's context reads, and inclusions FOLLOW(callee) ⊇ FOLLOW(rule) for
  // references that may end their rule (every rule reachable from the root, inlined ones too).
  const incFrom: number[] = [], incTo: number[] = [];
  let owner = -1;
  // `buf[after .. after + 8)`: the bytes that can come right after `node` within the rule; `atEnd`:
  // the rule may end there.
  const walk = (node: Node, after: number, atEnd: boolean): void => {
    switch (node.type) {
      case "ref": {
        const i = refAt(node.name);
        if (i < 0) return;
        for (let w = 0; w < 8; w++) follow[i * 8 + w] |= buf[after + w];
        if (atEnd && i !== owner) {
          incFrom.push(owner);
          incTo.push(i);
        }
        return;
      }
      case "seq": {
        if (nodeMin(node) === Infinity) return;
        const items = node.items;
        let k = 0;
        while (!hasRef(items[k])) k++;
        let cur = after, end = atEnd;
        for (let i = items.length - 1; i >= k; i--) {
          const it = items[i];
          if (hasRef(it)) walk(it, cur, end);
          if (i === k) break;
          const f = alloc();
          addFirst(it, buf, f);
          if (nodeMin(it) === 0) for (let w = 0; w < 8; w++) buf[f + w] |= buf[cur + w];
          else end = false;
          cur = f;
        }
        return;
      }
      case "alt":
        for (const it of node.items) if (hasRef(it) && nodeMin(it) < Infinity) walk(it, after, atEnd);
        return;
      case "repeat": {
        if (node.max === 0 || nodeMin(node.item) === Infinity) return;
        let inner = after;
        if (node.max > 1) {
          inner = alloc();
          addFirst(node.item, buf, inner);
          for (let w = 0; w < 8; w++) buf[inner + w] |= buf[after + w];
        }
        walk(node.item, inner, atEnd);
        return;
      }
      case "lexeme":
        walk(node.item, after, atEnd);
        return;
      default:
        return;
    }
  };
  for (let i = 0; i < nRules; i++) {
    const body = g.rules.get(order[i])!;
    if (ruleMinAt[i] === Infinity || !hasRef(body)) continue;
    owner = i;
    top = 0;
    walk(body, alloc(), true);
  }
  propagate(nRules, incFrom, incTo, follow, null);
  const out = new Uint32Array(names.length * 8);
  for (let r = 0; r < names.length; r++) {
    const i = index.get(names[r]);
    if (i !== undefined) for (let w = 0; w < 8; w++) out[r * 8 + w] = follow[i * 8 + w];
  }
  return out;
}

/**
 * Whether called rules on a reference cycle could call each other in a cycle before reading a
 * byte: per such rule, the called rules its IR can reach through a prefix that may be empty (rules
 * that match nothing left out, as the exact check does; whether the rest can finish is not asked,
 * so this is a superset of the exact check's calls), then a search for a cycle among them.
 */
function maybeLeftRecursive(g: Grammar, graph: RuleGraph, names: readonly string[], min: ReadonlyMap<string, number>): boolean {
  const called = new Set(names);
  const onCycle = new Set<string>();
  for (const comp of graph.cyclic) for (const n of comp) if (called.has(n)) onCycle.add(n);
  if (onCycle.size === 0) return false;
  // Called rules reachable at the start of an inlined rule, per rule (an inlined rule never reaches
  // itself that way: that would be a cycle of inlined rules, and rules on cycles are called or a
  // right-linear group, whose members all read first).
  const firstCalls = new Map<string, Set<string>>();
  const nullable = (node: Node): boolean => {
    if (node.type === "ref") return (min.get(node.name) ?? Infinity) === 0;
    return minNode(node, min) === 0;
  };
  const walk = (node: Node, out: Set<string>): void => {
    switch (node.type) {
      case "ref": {
        if (called.has(node.name)) {
          if ((min.get(node.name) ?? Infinity) < Infinity) out.add(node.name);
          return;
        }
        let inner = firstCalls.get(node.name);
        if (inner === undefined) {
          firstCalls.set(node.name, (inner = new Set()));
          walk(g.rules.get(node.name)!, inner);
        }
        for (const x of inner) out.add(x);
        return;
      }
      case "seq":
        for (const it of node.items) {
          walk(it, out);
          if (!nullable(it)) return;
        }
        return;
      case "alt":
        for (const it of node.items) walk(it, out);
        return;
      case "repeat":
      case "lexeme":
        walk(node.item, out);
        return;
      default:
        return;
    }
  };
  const left = new Map<string, string[]>();
  for (const n of onCycle) {
    const out = new Set<string>();
    walk(g.rules.get(n)!, out);
    left.set(n, [...out].filter((x) => onCycle.has(x)));
  }
  // A cycle in the left-call graph (iterative colouring).
  const color = new Map<string, number>();
  for (const root of onCycle) {
    if (color.has(root)) continue;
    const path = [root];
    const its = [left.get(root)![Symbol.iterator]()];
    color.set(root, 1);
    while (path.length > 0) {
      const step = its[its.length - 1].next();
      if (step.done) {
        color.set(path.pop()!, 2);
        its.pop();
        continue;
      }
      const s = step.value, c = color.get(s);
      if (c === 1) return true;
      if (c === undefined) {
        color.set(s, 1);
        path.push(s);
        its.push(left.get(s)![Symbol.iterator]());
      }
    }
  }
  return false;
}

/** Shortest string of a node whose rules' values are in `min` (no class cuts recorded). */
function minNode(node: Node, min: ReadonlyMap<string, number>): number {
  switch (node.type) {
    case "literal":
      return node.value.length === 0 ? 0 : 1;
    case "ref":
      return min.get(node.name) ?? Infinity;
    case "seq": {
      let sum = 0;
      for (const it of node.items) {
        sum += minNode(it, min);
        if (sum > 0) return sum;
      }
      return sum;
    }
    case "alt": {
      let m = Infinity;
      for (const it of node.items) {
        m = Math.min(m, minNode(it, min));
        if (m === 0) return 0;
      }
      return m;
    }
    case "repeat":
      return node.min === 0 ? 0 : minNode(node.item, min);
    case "lexeme":
      return minNode(node.item, min);
    default:
      // Classes, regexes and automata: only whether they can be empty matters here; a class never
      // is, and a pattern that may be empty is treated as such (a superset of calls, never fewer).
      return node.type === "class" || node.type === "any" ? 1 : 0;
  }
}
