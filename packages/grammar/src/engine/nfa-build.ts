/**
 * IR → byte NFA (Thompson construction). Characters become UTF-8 byte-range
 * sequences; references to called rules become call edges; references to
 * other rules are inlined; repetitions of many copies become counters (see
 * `nfa.ts`), the others are copied out.
 *
 * Edges are appended to flat growable typed arrays while building, then
 * sorted into per-state CSR lists over byte classes (no array per state: a
 * typical JSON Schema grammar has thousands of NFA states).
 */
import { compileRegex, type ByteDfa } from "@formwork/regex";
import { utf8SequencesOfRanges } from "@formwork/regex/internal";
import { effectiveRanges, MAX_CODE_POINT, type Grammar, type Node } from "../ir.js";
import { analyzeRule } from "./nfa-analysis.js";
import { grownI32, hashList, ListTable } from "@formwork/core/internal";
import type { Nfa } from "./nfa.js";
import { regexLimitsOf, type ResolvedEngineOptions } from "./options.js";
import type { NativeGroup } from "./right-linear.js";
import { isCounted } from "./tuning.js";

const encoder = new TextEncoder();
const ANY_RANGES = [0, 0xd7ff, 0xe000, MAX_CODE_POINT];

type Sequences = ReturnType<typeof utf8SequencesOfRanges>;

/**
 * The byte automaton of a character class, to be copied at each use: slot 0
 * is the start, 1 the end, 2.. inner states. Sequences share their common
 * suffixes (every `[80-BF]` tail is one chain), which keeps the NFA and the
 * subset construction small for multi-byte characters.
 */
export interface ClassTemplate {
  inner: number;
  /** Flat `from, lo, hi, to` quadruples over slots. */
  edges: number[];
  /** Fewest bytes from the start to the end (Infinity: no sequence); filled by `rule-facts.ts`. */
  minBytes?: number;
}

function classTemplate(seqs: Sequences): ClassTemplate {
  const edges: number[] = [];
  const bySuffix = new Map<string, number>();
  let next = 2;
  // The slot from which seq[i..] reads to the end (i >= 1).
  const slotOf = (seq: Sequences[number], i: number): number => {
    if (i === seq.length) return 1;
    let key = "";
    for (let j = i; j < seq.length; j++) key += `${seq[j][0]}-${seq[j][1]},`;
    let slot = bySuffix.get(key);
    if (slot === undefined) {
      slot = next++;
      bySuffix.set(key, slot);
      edges.push(slot, seq[i][0], seq[i][1], slotOf(seq, i + 1));
    }
    return slot;
  };
  for (const seq of seqs) edges.push(0, seq[0][0], seq[0][1], slotOf(seq, 1));
  // Inner slots renumbered by bytes left, most first: every edge goes to a higher slot or the end
  // (reading order: one sweep of `shortestCompletions` settles a class).
  const left = new Map<number, number>([[1, 0]]);
  for (const [key, slot] of bySuffix) left.set(slot, key.split(",").length - 1);
  const order = [...bySuffix.values()].sort((a, b) => left.get(b)! - left.get(a)! || a - b);
  const renum = new Map<number, number>([[0, 0], [1, 1]]);
  order.forEach((slot, i) => renum.set(slot, i + 2));
  for (let i = 0; i < edges.length; i += 4) {
    edges[i] = renum.get(edges[i])!;
    edges[i + 3] = renum.get(edges[i + 3])!;
  }
  return { inner: next - 2, edges };
}

/**
 * Class templates by their code-point ranges, shared by all builds (bounded, 4,096): the ranges are
 * interned in core's `ListTable` (no string key built per class node: a schema's grammar has
 * hundreds, each a fresh node), the template kept by the ranges' id.
 */
let templateIds = new ListTable();
let templates: ClassTemplate[] = [];
let rangeBuf = new Int32Array(64);

function templateOf(ranges: readonly number[]): ClassTemplate {
  const n = ranges.length;
  if (n > rangeBuf.length) rangeBuf = new Int32Array(Math.max(n, 2 * rangeBuf.length));
  for (let i = 0; i < n; i++) rangeBuf[i] = ranges[i];
  const h = hashList(rangeBuf, 0, n, 0);
  const id = templateIds.find(rangeBuf, n, 0, h);
  if (id >= 0) return templates[id];
  if (templates.length >= 4096) {
    templateIds = new ListTable();
    templates = [];
  }
  const tpl = classTemplate(utf8SequencesOfRanges(ranges));
  templateIds.add(rangeBuf, n, 0, h);
  templates.push(tpl);
  return tpl;
}

/**
 * Minimal byte DFAs of `regex` nodes by regex limits, flags and pattern, shared by all builds
 * (bounded). Only what compiled is kept (a refusal is thrown again under the same limits), and
 * the limits are in the key: a DFA compiled under raised limits is not served under lower ones.
 */
const regexCache = new Map<string, ByteDfa>();

/** The byte DFA of a `regex` node (whole match) under the engine's regex limits; throws what `compileRegex` throws for a refused pattern. */
export function regexDfa(pattern: string, flags: string, options: ResolvedEngineOptions): ByteDfa {
  const key = `${options.maxRegexDfaStates}/${options.maxRegexNfaStates}/${options.maxRepetition}/${flags}/${pattern}`;
  let dfa = regexCache.get(key);
  if (dfa === undefined) {
    dfa = compileRegex(pattern, { flags, limits: regexLimitsOf(options) });
    if (regexCache.size >= 256) regexCache.clear();
    regexCache.set(key, dfa);
  }
  return dfa;
}

/** The template of a `class` or `any` node, kept per node in `cache` (shared by a grammar's rule builds and its facts). */
export function classTemplateOf(node: Node & { type: "class" | "any" }, cache: Map<Node, ClassTemplate>): ClassTemplate {
  let tpl = cache.get(node);
  if (tpl === undefined) {
    tpl = templateOf(node.type === "any" ? ANY_RANGES : effectiveRanges(node));
    cache.set(node, tpl);
  }
  return tpl;
}

/** What the builds of one grammar share: encoded literals and class templates by node. */
export interface BuildCaches {
  literalBytes: Map<string, Uint8Array>;
  classTemplates: Map<Node, ClassTemplate>;
}

/** The UTF-8 bytes of a literal, kept in `caches`. */
export function literalBytesOf(value: string, caches: BuildCaches): Uint8Array {
  let bytes = caches.literalBytes.get(value);
  if (bytes === undefined) caches.literalBytes.set(value, (bytes = encoder.encode(value)));
  return bytes;
}

/** Build-time edge buffers, reused by the next build (builds never nest). */
const buffers = { eps: new Int32Array(4096), bytes: new Int32Array(8192), calls: new Int32Array(384) };

/**
 * Builds the NFA of a grammar's called rules one rule at a time, into `nfa`
 * (whose byte classes are already set: `rule-facts.ts`): `build(r)` appends
 * rule `ruleNames[r]`'s states, then the bodies of its counted repetitions
 * (each body's states contiguous), analyses them (`analyzeRule`) and records
 * `starts[r]`, `ends[r]` and the range in `nfa.ruleLo`/`ruleHi`. The compiler
 * builds the root; the automaton builds a called rule the first time a state
 * that calls it is expanded. A build that fails (`max-nfa-states`) leaves the
 * NFA as it was, so the next attempt fails the same way.
 */
export class RuleBuilder {
  readonly nfa: Nfa;
  readonly ruleNames: readonly string[];
  /** Start and end state of each rule (-1 while not built). */
  readonly starts: number[];
  readonly ends: number[];
  /** Shortest string of each rule (from the IR: `rule-facts.ts`). */
  readonly ruleMin: Float64Array;
  private left: number;
  private readonly buildOne: (r: number) => void;

  constructor(g: Grammar, ruleNames: readonly string[], options: ResolvedEngineOptions, native: ReadonlyMap<string, NativeGroup>, nfa: Nfa, ruleMin: Float64Array, caches: BuildCaches) {
    this.nfa = nfa;
    this.ruleNames = ruleNames;
    this.ruleMin = ruleMin;
    this.starts = new Array<number>(ruleNames.length).fill(-1);
    this.ends = new Array<number>(ruleNames.length).fill(-1);
    nfa.ruleLo = new Array<number>(ruleNames.length).fill(-1);
    nfa.ruleHi = new Array<number>(ruleNames.length).fill(-1);
    this.left = ruleNames.length;
    this.buildOne = ruleBuild(g, ruleNames, options, native, nfa, ruleMin, caches, this.starts, this.ends);
  }

  /** Whether rule r is built. */
  isBuilt(r: number): boolean {
    return this.starts[r] >= 0;
  }

  /** Builds rule r (no-op when built). */
  build(r: number): void {
    if (this.starts[r] >= 0) return;
    this.buildOne(r);
    this.left--;
  }

  /** Builds every rule not built yet, in rule order. */
  buildAll(): void {
    if (this.left === 0) return;
    for (let r = 0; r < this.ruleNames.length; r++) this.build(r);
  }

  /** Whether every rule is built. */
  get complete(): boolean {
    return this.left === 0;
  }
}

function ruleBuild(
  g: Grammar,
  ruleNames: readonly string[],
  options: ResolvedEngineOptions,
  native: ReadonlyMap<string, NativeGroup>,
  nfa: Nfa,
  ruleMin: Float64Array,
  caches: BuildCaches,
  starts: number[],
  ends: number[],
): (r: number) => void {
  const ruleIndex = new Map(ruleNames.map((n, i) => [n, i] as const));
  let eb = buffers.eps, bb = buffers.bytes, cb = buffers.calls;
  let ne = 0, nb = 0, ncall = 0;
  const newState = (): number => {
    nfa.reserve(1);
    return nfa.count++;
  };
  const addEps = (from: number, to: number): void => {
    if (ne + 2 > eb.length) eb = grownI32(eb, ne + 2);
    eb[ne++] = from;
    eb[ne++] = to;
  };
  const addBytes = (from: number, lo: number, hi: number, to: number): void => {
    if (nb + 4 > bb.length) bb = grownI32(bb, nb + 4);
    bb[nb++] = from;
    bb[nb++] = lo;
    bb[nb++] = hi;
    bb[nb++] = to;
  };
  const addCall = (from: number, rule: number, ret: number): void => {
    if (ncall + 3 > cb.length) cb = grownI32(cb, ncall + 3);
    cb[ncall++] = from;
    cb[ncall++] = rule;
    cb[ncall++] = ret;
  };
  const classTemplates = caches.classTemplates;
  // Bodies of counted repetitions, built after the rules (each body's states stay contiguous).
  const pending: { body: number; item: Node; rule: number }[] = [];
  let rule = 0;

  // A class occurrence: fresh end and inner states, edges copied from the template.
  // The inner states come before the end (reading order, see `shortestCompletions`): slot k >= 2 is base + k, slot 1 the end.
  const instantiate = (tpl: ClassTemplate, from: number): number => {
    nfa.reserve(tpl.inner + 1);
    const base = nfa.count - 2;
    const end = (nfa.count += tpl.inner + 1) - 1;
    const e = tpl.edges;
    if (nb + e.length > bb.length) bb = grownI32(bb, nb + e.length);
    for (let i = 0; i < e.length; i += 4) {
      const a = e[i], b = e[i + 3];
      bb[nb++] = a === 0 ? from : a === 1 ? end : base + a;
      bb[nb++] = e[i + 1];
      bb[nb++] = e[i + 2];
      bb[nb++] = b === 0 ? from : b === 1 ? end : base + b;
    }
    return end;
  };

  // `build` recurses once per IR level (up to MAX_INLINE_DEPTH through inlined rules): the cases with
  // more locals live in functions of their own, so that its frame stays small (a 2,000-property
  // schema must compile on a 150 KB stack: tests/hostile/schema.test.ts).

  // A literal: a chain of fresh states, one per byte (reserved and written at once).
  // An ASCII literal (most) is its own bytes: no encoding, no cache entry.
  const buildLiteral = (value: string, from: number): number => {
    let ascii = true;
    for (let i = 0; i < value.length; i++) {
      if (value.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    const bytes = ascii ? null : literalBytesOf(value, caches);
    const m = bytes === null ? value.length : bytes.length;
    nfa.reserve(m);
    if (nb + 4 * m > bb.length) bb = grownI32(bb, nb + 4 * m);
    let s = from;
    for (let i = 0, t = nfa.count; i < m; i++, t++) {
      const b = bytes === null ? value.charCodeAt(i) : bytes[i];
      bb[nb++] = s;
      bb[nb++] = b;
      bb[nb++] = b;
      bb[nb++] = s = t;
    }
    nfa.count += m;
    return s;
  };

  // Alternatives: every item starts at `from` itself (no construction adds edges into its start
  // state, so one item cannot run into another's beginning); the end state is numbered after the
  // items' states (reading order: see `shortestCompletions`).
  const buildAlt = (items: readonly Node[], from: number): number => {
    const itemEnds = new Array<number>(items.length);
    for (let i = 0; i < items.length; i++) itemEnds[i] = build(items[i], from);
    const end = newState();
    for (let i = 0; i < items.length; i++) addEps(itemEnds[i], end);
    return end;
  };

  // Builds `node` from state `from`; returns its end state.
  const build = (node: Node, from: number): number => {
    switch (node.type) {
      case "literal":
        return buildLiteral(node.value, from);
      case "class":
      case "any":
        return instantiate(classTemplateOf(node, classTemplates), from);
      case "ref": {
        const r = ruleIndex.get(node.name);
        if (r !== undefined) {
          const t = newState();
          addCall(from, r, t);
          return t;
        }
        const group = native.get(node.name);
        if (group !== undefined) return buildGroup(group, node.name, from);
        return build(g.rules.get(node.name)!, from);
      }
      case "seq": {
        let s = from;
        for (const it of node.items) s = build(it, s);
        return s;
      }
      case "alt":
        return buildAlt(node.items, from);
      case "repeat":
        return isCounted(node.min, node.max) ? buildCounted(node.item, node.min, node.max, from) : buildRepeat(node.item, node.min, node.max, from);
      case "lexeme":
        return build(node.item, from);
      case "regex":
        return buildDfa(regexDfa(node.pattern, node.flags, options), from);
      case "automaton":
        return buildDfa(node.dfa, from);
    }
  };

  // A right-linear group in place, entered at member `name`: an entry state per member reached,
  // each term's prefix built from its member's entry, then an epsilon edge to its tail member's
  // entry, or to the group's one exit (fresh states: nothing else leads into them).
  const buildGroup = (group: NativeGroup, name: string, from: number): number => {
    const exit = newState();
    const entry = new Map<string, number>();
    const todo: string[] = [];
    const entryOf = (m: string): number => {
      let s = entry.get(m);
      if (s === undefined) {
        entry.set(m, (s = newState()));
        todo.push(m);
      }
      return s;
    };
    addEps(from, entryOf(name));
    while (todo.length > 0) {
      const m = todo.pop()!;
      const at = entry.get(m)!;
      for (const { prefix, tail } of group.terms.get(m)!) {
        const end = build(prefix, at);
        if (tail === null) addEps(end, exit);
        else if (ruleIndex.has(tail)) addEps(build({ type: "ref", name: tail }, end), exit);
        else addEps(end, entryOf(tail));
      }
    }
    return exit;
  };

  // Copies: `min` required, then optional ones up to `max`, or a loop.
  const buildRepeat = (item: Node, min: number, max: number, from: number): number => {
    let s = from;
    for (let i = 0; i < min; i++) {
      const t = newState();
      addEps(s, t);
      s = build(item, t);
    }
    if (max === Infinity) return buildLoop(item, s);
    const exits = new Array<number>(max - min + 1);
    for (let i = min; i < max; i++) {
      exits[i - min] = s;
      const t = newState();
      addEps(s, t);
      s = build(item, t);
    }
    exits[max - min] = s;
    const end = newState();
    for (let i = 0; i < exits.length; i++) addEps(exits[i], end);
    return end;
  };

  const buildLoop = (item: Node, from: number): number => {
    const loop = newState();
    addEps(from, loop);
    addEps(build(item, loop), loop);
    return loop;
  };

  // A counter over a body built later; unbounded: `min` counted copies, then a loop.
  const buildCounted = (item: Node, min: number, max: number, from: number): number => {
    const body = nfa.bodyEntry.length;
    nfa.bodyEntry.push(-1);
    nfa.bodyExit.push(-1);
    nfa.bodyEnd.push(-1);
    nfa.bodyRule.push(rule);
    nfa.bodyDist.push(Infinity);
    pending.push({ body, item, rule });
    const end = newState();
    const n = max === Infinity ? min : max;
    const ctr = nfa.addCounter(body, min, n, end);
    addEps(from, nfa.addLink(ctr, 0));
    if (min === 0) addEps(from, end);
    return max === Infinity ? buildLoop(item, end) : end;
  };

  // One state per DFA state, byte edges by runs of the same target.
  const buildDfa = (dfa: ByteDfa, from: number): number => {
    if (dfa.stateCount === 0) return newState(); // the empty language: an end no edge reaches
    const map: number[] = [];
    for (let q = 0; q < dfa.stateCount; q++) map.push(newState());
    addEps(from, map[0]);
    const end = newState();
    for (let q = 0; q < dfa.stateCount; q++) {
      if (dfa.accepting[q]) addEps(map[q], end);
      let b = 0;
      while (b < 256) {
        const t = dfa.transitions[q * 256 + b];
        let e = b;
        while (e + 1 < 256 && dfa.transitions[q * 256 + e + 1] === t) e++;
        if (t >= 0) addBytes(map[q], b, e, map[t]);
        b = e + 1;
      }
    }
    return end;
  };

  return (r: number): void => {
    const from = nfa.count, bodies = nfa.bodyEntry.length, counters = nfa.ctrBody.length, links = nfa.linkCtr.length;
    eb = buffers.eps;
    bb = buffers.bytes;
    cb = buffers.calls;
    ne = nb = ncall = 0;
    rule = r;
    let start: number, end: number;
    try {
      start = newState();
      end = build(g.rules.get(ruleNames[r])!, start);
      for (let i = 0; i < pending.length; i++) {
        const p = pending[i];
        const entry = newState();
        nfa.bodyEntry[p.body] = entry;
        nfa.bodyExit[p.body] = build(p.item, entry);
        nfa.bodyEnd[p.body] = nfa.count;
      }
    } catch (err) {
      // Back to the NFA as it was (the edges were only buffered).
      nfa.count = from;
      for (const a of [nfa.bodyEntry, nfa.bodyExit, nfa.bodyEnd, nfa.bodyRule, nfa.bodyDist]) a.length = bodies;
      for (const a of [nfa.ctrBody, nfa.ctrMin, nfa.ctrMax, nfa.ctrEnd, nfa.ctrCopies]) a.length = counters;
      nfa.linkCtr.length = links;
      nfa.linkCopy.length = links;
      throw err;
    } finally {
      pending.length = 0;
      // Keep grown buffers for the next build, unless a huge grammar made them huge.
      if (eb.length <= 1 << 22) buffers.eps = eb;
      if (bb.length <= 1 << 23) buffers.bytes = bb;
      if (cb.length <= 1 << 20) buffers.calls = cb;
    }
    nfa.appendBuilt(from, eb, ne, bb, nb, cb, ncall);
    nfa.ruleLo[r] = from;
    nfa.ruleHi[r] = nfa.count;
    starts[r] = start;
    ends[r] = end;
    analyzeRule(nfa, from, nfa.count, end, bodies, ruleMin);
  };
}
