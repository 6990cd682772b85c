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
import { grownI32, insertByLo } from "./int-lists.js";
import { Nfa } from "./nfa.js";
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
interface ClassTemplate {
  inner: number;
  /** Flat `from, lo, hi, to` quadruples over slots. */
  edges: number[];
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

/** Class templates by their code-point ranges, shared by all builds (bounded). */
const templateCache = new Map<string, ClassTemplate>();

function templateOf(ranges: readonly number[]): ClassTemplate {
  const key = ranges.join(",");
  let tpl = templateCache.get(key);
  if (tpl === undefined) {
    if (templateCache.size >= 4096) templateCache.clear();
    tpl = classTemplate(utf8SequencesOfRanges(ranges));
    templateCache.set(key, tpl);
  }
  return tpl;
}

/**
 * Minimal byte DFAs of `regex` nodes by regex limits, flags and pattern, shared by all builds
 * (bounded). Only what compiled is kept (a refusal is thrown again under the same limits), and
 * the limits are in the key: a DFA compiled under raised limits is not served under lower ones.
 */
const regexCache = new Map<string, ByteDfa>();

/** The byte DFA of a `regex` node (whole match) under the engine's regex limits; throws what `compileRegex` throws for a refused pattern. */
function regexDfa(pattern: string, flags: string, options: ResolvedEngineOptions): ByteDfa {
  const key = `${options.maxRegexDfaStates}/${options.maxRegexNfaStates}/${options.maxRepetition}/${flags}/${pattern}`;
  let dfa = regexCache.get(key);
  if (dfa === undefined) {
    dfa = compileRegex(pattern, { flags, limits: regexLimitsOf(options) });
    if (regexCache.size >= 256) regexCache.clear();
    regexCache.set(key, dfa);
  }
  return dfa;
}

/** Build-time edge buffers, reused by the next build (builds never nest). */
const buffers = { eps: new Int32Array(4096), bytes: new Int32Array(8192), calls: new Int32Array(384) };

/**
 * Builds the NFA of every called rule; `starts[i]`/`ends[i]` belong to
 * `ruleNames[i]`. States are numbered rules first (in order), then the
 * bodies of counted repetitions, each body's states contiguous.
 */
export function buildNfa(g: Grammar, ruleNames: readonly string[], options: ResolvedEngineOptions, native: ReadonlyMap<string, NativeGroup> = new Map()): { nfa: Nfa; starts: number[]; ends: number[] } {
  const nfa = new Nfa(options.maxNfaStates);
  const ruleIndex = new Map(ruleNames.map((n, i) => [n, i] as const));
  const starts: number[] = [];
  const ends: number[] = [];
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
  // The same IR node is often built many times (inlined rules): encode once.
  const literalBytes = new Map<string, Uint8Array>();
  const classTemplates = new Map<Node, ClassTemplate>();
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
  const buildLiteral = (value: string, from: number): number => {
    let bytes = literalBytes.get(value);
    if (bytes === undefined) literalBytes.set(value, (bytes = encoder.encode(value)));
    const m = bytes.length;
    nfa.reserve(m);
    if (nb + 4 * m > bb.length) bb = grownI32(bb, nb + 4 * m);
    let s = from;
    for (let i = 0, t = nfa.count; i < m; i++, t++) {
      bb[nb++] = s;
      bb[nb++] = bytes[i];
      bb[nb++] = bytes[i];
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
      case "any": {
        let tpl = classTemplates.get(node);
        if (tpl === undefined) {
          tpl = templateOf(node.type === "any" ? ANY_RANGES : effectiveRanges(node));
          classTemplates.set(node, tpl);
        }
        return instantiate(tpl, from);
      }
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

  for (const name of ruleNames) {
    const s = newState();
    starts.push(s);
    ends.push(build(g.rules.get(name)!, s));
    rule++;
  }
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i];
    rule = p.rule;
    const entry = newState();
    nfa.bodyEntry[p.body] = entry;
    nfa.bodyExit[p.body] = build(p.item, entry);
    nfa.bodyEnd[p.body] = nfa.count;
  }
  finish(nfa, eb, ne, bb, nb, cb, ncall);
  // Keep grown buffers for the next build, unless a huge grammar made them huge.
  if (eb.length <= 1 << 22) buffers.eps = eb;
  if (bb.length <= 1 << 23) buffers.bytes = bb;
  if (cb.length <= 1 << 20) buffers.calls = cb;
  return { nfa, starts, ends };
}

/** Byte classes from every edge boundary, and the edges sorted into CSR lists (byte edges as sorted class ranges). */
function finish(nfa: Nfa, eb: Int32Array, ne: number, bb: Int32Array, nb: number, cb: Int32Array, ncall: number): void {
  const n = nfa.count;
  const cut = new Uint8Array(257);
  cut[0] = 1;
  for (let i = 0; i < nb; i += 4) {
    cut[bb[i + 1]] = 1;
    cut[bb[i + 2] + 1] = 1;
  }
  const classOf = new Uint8Array(256);
  const lo: number[] = [];
  const hi: number[] = [];
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
  nfa.classOf = classOf;
  nfa.nClasses = c + 1;
  nfa.classLo = Uint8Array.from(lo);
  nfa.classHi = Uint8Array.from(hi);
  const csr = (buf: Int32Array, len: number, stride: number): Int32Array<ArrayBuffer> => {
    const start = new Int32Array(n + 1);
    for (let i = 0; i < len; i += stride) start[buf[i] + 1]++;
    for (let s = 0; s < n; s++) start[s + 1] += start[s];
    return start;
  };
  const epsStart = csr(eb, ne, 2);
  const epsTo = new Int32Array(ne >>> 1);
  {
    const at = epsStart.slice(0, n);
    for (let i = 0; i < ne; i += 2) epsTo[at[eb[i]]++] = eb[i + 1];
  }
  const edgeStart = csr(bb, nb, 4);
  const m = nb >>> 2;
  const edgeLo = new Uint8Array(m), edgeHi = new Uint8Array(m), edgeTo = new Int32Array(m);
  {
    const at = edgeStart.slice(0, n);
    for (let i = 0; i < nb; i += 4) {
      // Into s's list, kept sorted by class.
      const s = bb[i];
      insertByLo(edgeLo, edgeHi, edgeTo, edgeStart[s], at[s]++, classOf[bb[i + 1]], classOf[bb[i + 2]], bb[i + 3]);
    }
  }
  const callStart = csr(cb, ncall, 3);
  const callRule = new Int32Array(ncall / 3), callRet = new Int32Array(ncall / 3);
  {
    const at = callStart.slice(0, n);
    for (let i = 0; i < ncall; i += 3) {
      const k = at[cb[i]]++;
      callRule[k] = cb[i + 1];
      callRet[k] = cb[i + 2];
    }
  }
  nfa.setBase({ epsStart, epsTo, edgeStart, edgeLo, edgeHi, edgeTo, callStart, callRule, callRet });
}
