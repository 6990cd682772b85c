/**
 * IR → byte-level NFA (Thompson construction). Characters become UTF-8
 * byte-range sequences; references to called rules become call edges;
 * references to other rules are inlined.
 *
 * Edges are appended to flat growable typed arrays while building, then
 * `finish` sorts them into per-state CSR lists (no array per state: a
 * typical JSON Schema grammar has tens of thousands of NFA states).
 */
import { LimitError } from "@formwork/core";
import { compileRegex, utf8SequencesOfRanges, type ByteDfa } from "@formwork/regex";
import { effectiveRanges, MAX_CODE_POINT, type Grammar, type Node } from "../ir.js";
import type { ResolvedEngineOptions } from "./options.js";

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
  return { inner: next - 2, edges };
}

/** Minimal byte DFAs of `regex` nodes by flags and pattern, shared by all builds (bounded). */
const regexCache = new Map<string, ByteDfa>();

/** The byte DFA of a `regex` node (whole match); throws what `compileRegex` throws for a refused pattern. */
function regexDfa(pattern: string, flags: string): ByteDfa {
  const key = `${flags}/${pattern}`;
  let dfa = regexCache.get(key);
  if (dfa === undefined) {
    dfa = compileRegex(pattern, { flags });
    if (regexCache.size >= 256) regexCache.clear();
    regexCache.set(key, dfa);
  }
  return dfa;
}

/** Build-time edge buffers, reused by the next NFA (builds never nest). */
const edgeBuffers = { eps: new Int32Array(4096), bytes: new Int32Array(8192), calls: new Int32Array(384) };

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

function grown(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * A byte NFA shared by all rules; each called rule has a start and an end state.
 * After `finish()`, the edges of state s are:
 * epsilon: `epsTo[k]` for k in `[epsStart[s], epsStart[s+1])`;
 * bytes: `byteLo[k]..byteHi[k] → byteTo[k]` for k in `[byteStart[s], byteStart[s+1])`;
 * calls: `callRule[k]`, returning to `callRet[k]`, for k in `[callStart[s], callStart[s+1])`.
 */
export class Nfa {
  count = 0;
  // Build-time edge lists: eps (from, to), bytes (from, lo, hi, to), calls (from, rule, ret).
  // The buffers are shared by successive builds (see `edgeBuffers`) and handed back in `finish`.
  private eb = edgeBuffers.eps;
  private ne = 0;
  private bb = edgeBuffers.bytes;
  private nb = 0;
  private cb = edgeBuffers.calls;
  private nc = 0;

  epsStart = new Int32Array(1);
  epsTo = new Int32Array(0);
  byteStart = new Int32Array(1);
  byteLo = new Uint8Array(0);
  byteHi = new Uint8Array(0);
  byteTo = new Int32Array(0);
  callStart = new Int32Array(1);
  callRule = new Int32Array(0);
  callRet = new Int32Array(0);

  constructor(private readonly limit: number) {}

  newState(): number {
    if (this.count >= this.limit) {
      throw new LimitError("max-nfa-states", `the grammar needs more than ${this.limit} automaton states (limit maxNfaStates)`, {
        hint: "Lower big repetition counts ({m,n}), split huge alternations into rules, or raise maxNfaStates.",
      });
    }
    return this.count++;
  }

  addEps(from: number, to: number): void {
    const i = this.ne;
    if (i + 2 > this.eb.length) this.eb = grown(this.eb, i + 2);
    this.eb[i] = from;
    this.eb[i + 1] = to;
    this.ne = i + 2;
  }

  addBytes(from: number, lo: number, hi: number, to: number): void {
    const i = this.nb;
    if (i + 4 > this.bb.length) this.bb = grown(this.bb, i + 4);
    const b = this.bb;
    b[i] = from;
    b[i + 1] = lo;
    b[i + 2] = hi;
    b[i + 3] = to;
    this.nb = i + 4;
  }

  addCall(from: number, rule: number, ret: number): void {
    const i = this.nc;
    if (i + 3 > this.cb.length) this.cb = grown(this.cb, i + 3);
    this.cb[i] = from;
    this.cb[i + 1] = rule;
    this.cb[i + 2] = ret;
    this.nc = i + 3;
  }

  /** Sorts the edges into per-state lists (stable: each state keeps its edges in insertion order). */
  finish(): void {
    const n = this.count;
    const csr = (buf: Int32Array, len: number, stride: number): Int32Array<ArrayBuffer> => {
      const start = new Int32Array(n + 1);
      for (let i = 0; i < len; i += stride) start[buf[i] + 1]++;
      for (let s = 0; s < n; s++) start[s + 1] += start[s];
      return start;
    };
    {
      const start = csr(this.eb, this.ne, 2);
      const at = start.slice(0, n);
      const to = new Int32Array(this.ne >>> 1);
      for (let i = 0; i < this.ne; i += 2) to[at[this.eb[i]]++] = this.eb[i + 1];
      this.epsStart = start;
      this.epsTo = to;
    }
    {
      const start = csr(this.bb, this.nb, 4);
      const at = start.slice(0, n);
      const m = this.nb >>> 2;
      const lo = new Uint8Array(m), hi = new Uint8Array(m), to = new Int32Array(m);
      const b = this.bb;
      for (let i = 0; i < this.nb; i += 4) {
        const k = at[b[i]]++;
        lo[k] = b[i + 1];
        hi[k] = b[i + 2];
        to[k] = b[i + 3];
      }
      this.byteStart = start;
      this.byteLo = lo;
      this.byteHi = hi;
      this.byteTo = to;
    }
    {
      const start = csr(this.cb, this.nc, 3);
      const at = start.slice(0, n);
      const m = this.nc / 3;
      const rule = new Int32Array(m), ret = new Int32Array(m);
      for (let i = 0; i < this.nc; i += 3) {
        const k = at[this.cb[i]]++;
        rule[k] = this.cb[i + 1];
        ret[k] = this.cb[i + 2];
      }
      this.callStart = start;
      this.callRule = rule;
      this.callRet = ret;
    }
    // Keep grown buffers for the next build, unless a huge grammar made them huge.
    if (this.eb.length <= 1 << 22) edgeBuffers.eps = this.eb;
    if (this.bb.length <= 1 << 23) edgeBuffers.bytes = this.bb;
    if (this.cb.length <= 1 << 20) edgeBuffers.calls = this.cb;
    this.eb = this.bb = this.cb = new Int32Array(0);
  }
}

/**
 * Builds the NFA of every called rule; `starts[i]`/`ends[i]` belong to `ruleNames[i]`.
 *
 * A called rule named in `skipEmpty` (a nullable rule, never the root at index 0) is
 * split: each call site gets an epsilon edge past the call, and the rule's own
 * automaton is to be run without its empty string (`determinize`'s `nonEmpty`).
 * The language is the same, but a caller no longer enters the rule and returns
 * from it to read what follows an empty callee (optional whitespace between
 * every JSON token): fewer parser configurations at every such state.
 */
export function buildNfa(
  g: Grammar,
  ruleNames: readonly string[],
  options: ResolvedEngineOptions,
  skipEmpty: ReadonlySet<string> = new Set(),
): { nfa: Nfa; starts: number[]; ends: number[]; nonEmpty: Uint8Array } {
  const nfa = new Nfa(options.maxNfaStates);
  const ruleIndex = new Map(ruleNames.map((n, i) => [n, i] as const));
  const nonEmpty = new Uint8Array(ruleNames.length);
  for (let i = 1; i < ruleNames.length; i++) if (skipEmpty.has(ruleNames[i])) nonEmpty[i] = 1;
  const starts: number[] = [];
  const ends: number[] = [];
  // The same IR node is often built many times (inlined rules): encode once.
  const literalBytes = new Map<string, Uint8Array>();
  const classTemplates = new Map<Node, ClassTemplate>();

  // Builds `node` from state `from`; returns its end state.
  const build = (node: Node, from: number): number => {
    switch (node.type) {
      case "literal": {
        let bytes = literalBytes.get(node.value);
        if (bytes === undefined) literalBytes.set(node.value, (bytes = encoder.encode(node.value)));
        let s = from;
        for (let i = 0; i < bytes.length; i++) {
          const t = nfa.newState();
          nfa.addBytes(s, bytes[i], bytes[i], t);
          s = t;
        }
        return s;
      }
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
          const t = nfa.newState();
          nfa.addCall(from, r, t);
          if (nonEmpty[r] === 1) nfa.addEps(from, t);
          return t;
        }
        return build(g.rules.get(node.name)!, from);
      }
      case "seq": {
        let s = from;
        for (const it of node.items) s = build(it, s);
        return s;
      }
      case "alt": {
        // Every item starts at `from` itself: no construction adds edges into its start state,
        // so one item cannot run into another's beginning.
        const end = nfa.newState();
        for (const it of node.items) nfa.addEps(build(it, from), end);
        return end;
      }
      case "repeat": {
        let s = from;
        for (let i = 0; i < node.min; i++) {
          const t = nfa.newState();
          nfa.addEps(s, t);
          s = build(node.item, t);
        }
        if (node.max === Infinity) {
          const loop = nfa.newState();
          nfa.addEps(s, loop);
          const e = build(node.item, loop);
          nfa.addEps(e, loop);
          return loop;
        }
        const end = nfa.newState();
        for (let i = node.min; i < node.max; i++) {
          nfa.addEps(s, end);
          const t = nfa.newState();
          nfa.addEps(s, t);
          s = build(node.item, t);
        }
        nfa.addEps(s, end);
        return end;
      }
      case "lexeme":
        return build(node.item, from);
      case "regex":
        return buildRegex(node.pattern, node.flags, from);
    }
  };

  // A class occurrence: fresh end and inner states, edges copied from the template.
  const instantiate = (tpl: ClassTemplate, from: number): number => {
    const end = nfa.newState();
    const base = end - 1;
    for (let i = 0; i < tpl.inner; i++) nfa.newState();
    const e = tpl.edges;
    for (let i = 0; i < e.length; i += 4) nfa.addBytes(e[i] === 0 ? from : base + e[i], e[i + 1], e[i + 2], e[i + 3] === 0 ? from : base + e[i + 3]);
    return end;
  };

  const buildRegex = (pattern: string, flags: string, from: number): number => {
    const dfa = regexDfa(pattern, flags);
    if (dfa.stateCount === 0) return nfa.newState(); // the empty language: an end no edge reaches
    const map: number[] = [];
    for (let q = 0; q < dfa.stateCount; q++) map.push(nfa.newState());
    nfa.addEps(from, map[0]);
    const end = nfa.newState();
    for (let q = 0; q < dfa.stateCount; q++) {
      if (dfa.accepting[q]) nfa.addEps(map[q], end);
      let b = 0;
      while (b < 256) {
        const t = dfa.transitions[q * 256 + b];
        let e = b;
        while (e + 1 < 256 && dfa.transitions[q * 256 + e + 1] === t) e++;
        if (t >= 0) nfa.addBytes(map[q], b, e, map[t]);
        b = e + 1;
      }
    }
    return end;
  };

  for (const name of ruleNames) {
    const s = nfa.newState();
    starts.push(s);
    ends.push(build(g.rules.get(name)!, s));
  }
  nfa.finish();
  return { nfa, starts, ends, nonEmpty };
}
