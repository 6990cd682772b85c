/**
 * From `@formwork/regex` languages to grammar IR: an AST becomes IR of the
 * same shape ({@link astToIr}); a byte DFA becomes one right-linear rule per
 * state, `s ::= [chars] t | [chars] u | ""` ({@link automatonToRules}), where
 * each class holds the code points that lead from `s` to the same state.
 * The engine's right-linear pass turns such rules back into loops.
 *
 * Both take an optional spelling of character sets (`chars`), so a front end
 * can write each character as its text format quotes it (JSON escapes).
 */
import type { Limits } from "@formwork/core";
import { type ByteDfa, type CharSet, type RegexAst, compileRegex } from "@formwork/regex";
import { MAX_CODE_POINT, codePointTransitions } from "@formwork/regex/internal";
import { alt, charClass, literal, ref, repeat, seq, type Grammar, type Node, type RegexNode } from "./ir.js";

/** IR for one character of `set` (default: a class). */
export type CharsToIr = (set: CharSet) => Node;

const EMPTY: Node = { type: "alt", items: [] };

function pairs(set: CharSet): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < set.length; i += 2) out.push([set[i], set[i + 1]]);
  return out;
}

const plainChars: CharsToIr = (set) => charClass(pairs(set));

/**
 * IR with the language of an anchor-free AST, node for node (`set` → `chars`,
 * `repeat` → repeat, ...). Throws on `bol`/`eol` nodes: compile an anchored
 * AST to a DFA and use {@link automatonToRules}.
 */
export function astToIr(ast: RegexAst, chars: CharsToIr = plainChars): Node {
  switch (ast.kind) {
    case "set":
      return chars(ast.set);
    case "seq": {
      if (ast.items.length === 0) return literal("");
      if (chars !== plainChars) return seq(...ast.items.map((x) => astToIr(x, chars)));
      // Runs of single characters become one literal (`\u00` rather than three classes).
      const out: Node[] = [];
      let text = "";
      for (const x of ast.items) {
        const c = x.kind === "set" && x.set.length === 2 && x.set[0] === x.set[1] && (x.set[0] < 0xd800 || x.set[0] > 0xdfff) ? x.set[0] : -1;
        if (c >= 0) text += String.fromCodePoint(c);
        else {
          if (text) out.push(literal(text));
          text = "";
          out.push(astToIr(x, chars));
        }
      }
      if (text) out.push(literal(text));
      return seq(...out);
    }
    case "alt":
      return ast.items.length === 0 ? EMPTY : alt(...ast.items.map((x) => astToIr(x, chars)));
    case "repeat":
      return repeat(astToIr(ast.item, chars), ast.min, ast.max);
    case "bol":
    case "eol":
      throw new Error("internal: astToIr needs an anchor-free AST (compile anchored ones to a DFA)");
  }
}

/**
 * IR of every string other than `texts` (`rx.otherThan(texts)`, the complement
 * of a finite set written as a trie), with each set spelled by `chars`: the
 * nodes `astToIr(rx.otherThan(texts), chars)` builds for such a `chars`,
 * without the AST in between, and with equal sub-tries (the same ends and
 * continuations in the same order: every text's last character, common
 * suffixes) built once and shared. Each trie node is `"" | [other first
 * characters] any* | c (the sub-trie after c) | ...`, the `""` only where no
 * text ends; its kids in the order the texts first reach them. Shared nodes:
 * do not mutate.
 */
export function otherThanToIr(texts: readonly string[], chars: CharsToIr): Node {
  // The trie in parallel arrays (node 0 the root): each node's first kid, next sibling (kids in
  // the order the texts first reach them), code point and whether a text ends there.
  let { first, next, code, end } = trieScratch;
  first[0] = next[0] = code[0] = -1;
  end[0] = 0;
  let n = 1;
  for (const w of texts) {
    let t = 0;
    for (let i = 0; i < w.length; ) {
      const c = w.codePointAt(i)!;
      i += c > 0xffff ? 2 : 1;
      let k = first[t];
      let last = -1;
      while (k !== -1 && code[k] !== c) (last = k), (k = next[k]);
      if (k === -1) {
        if (n === code.length) ({ first, next, code, end } = growTrieScratch(n + 1));
        k = n++;
        first[k] = next[k] = -1;
        code[k] = c;
        end[k] = 0;
        if (last === -1) first[t] = k;
        else next[last] = k;
      }
      t = k;
    }
    end[t] = 1;
  }
  // Kids are numbered after their parent: from the last node back, each node's kids are built
  // before it. Equal sub-tries (end flag, kids' code points and representatives in order) share
  // the first one's node, found by a hash of those and compared kid by kid.
  const rep = trieScratch.rep;
  const nodes = new Array<Node>(n);
  const byHash = new Map<number, number | number[]>();
  const same = (a: number, b: number): boolean => {
    if (end[a] !== end[b]) return false;
    let x = first[a];
    let y = first[b];
    while (x !== -1 && y !== -1) {
      if (code[x] !== code[y] || rep[x] !== rep[y]) return false;
      (x = next[x]), (y = next[y]);
    }
    return x === y;
  };
  const anyChar = chars([0, MAX_CODE_POINT]);
  const anyString = repeat(anyChar, 0, Infinity);
  const empty = literal("");
  for (let t = n - 1; t >= 0; t--) {
    let h = end[t] + 1;
    let kids = 0;
    for (let k = first[t]; k !== -1; k = next[k]) {
      h = Math.imul(Math.imul(h ^ code[k], 0x9e3779b1) ^ rep[k], 0x85ebca6b) ^ (h >>> 15);
      kids++;
    }
    h &= 0x3fffffff; // a small integer key
    const hit = byHash.get(h);
    let found = -1;
    if (typeof hit === "number") {
      if (same(hit, t)) found = hit;
    } else if (hit !== undefined) {
      for (const c of hit) if (same(c, t)) found = c;
    }
    if (found !== -1) {
      rep[t] = found;
      continue;
    }
    rep[t] = t;
    if (hit === undefined) byHash.set(h, t);
    else if (typeof hit === "number") byHash.set(h, [hit, t]);
    else hit.push(t);
    const parts = new Array<Node>(kids + (end[t] ? 1 : 2));
    let p = 0;
    if (!end[t]) parts[p++] = empty;
    // The first characters no kid starts with: the complement of the kids' code points.
    let other: Node;
    if (kids === 0) other = anyChar;
    else {
      const used = new Array<number>(kids);
      let u = 0;
      for (let k = first[t]; k !== -1; k = next[k]) used[u++] = code[k];
      if (kids > 1) used.sort((a, b) => a - b);
      const set: number[] = [];
      let lo = 0;
      for (const c of used) {
        if (c > lo) set.push(lo, c - 1);
        lo = c + 1;
      }
      if (lo <= MAX_CODE_POINT) set.push(lo, MAX_CODE_POINT);
      other = chars(set);
    }
    parts[p++] = seq2(other, anyString);
    for (let k = first[t]; k !== -1; k = next[k]) parts[p++] = seq2(chars([code[k], code[k]]), nodes[rep[k]]);
    nodes[t] = kids === 0 && end[t] ? parts[0] : altOf(parts);
  }
  return nodes[0];
}

/** otherThanToIr's trie, kept from call to call (it never runs nested); `rep`: each node's representative. */
let trieScratch = { first: new Int32Array(256), next: new Int32Array(256), code: new Int32Array(256), end: new Uint8Array(256), rep: new Int32Array(256) };

function growTrieScratch(size: number): typeof trieScratch {
  const m = Math.max(size, 2 * trieScratch.code.length);
  const grow = <T extends Int32Array | Uint8Array>(a: T, b: T): T => (b.set(a), b);
  trieScratch = {
    first: grow(trieScratch.first, new Int32Array(m)),
    next: grow(trieScratch.next, new Int32Array(m)),
    code: grow(trieScratch.code, new Int32Array(m)),
    end: grow(trieScratch.end, new Uint8Array(m)),
    rep: new Int32Array(m),
  };
  return trieScratch;
}

/** `seq(a, b)` without its argument arrays when neither part flattens (a plain seq or the empty literal). */
function seq2(a: Node, b: Node): Node {
  if (a.type === "seq" || b.type === "seq" || (a.type === "literal" && a.value === "") || (b.type === "literal" && b.value === "")) return seq(a, b);
  return { type: "seq", items: [a, b] };
}

/** `alt(...items)` on a fresh array of two or more items, used as the node's own when none flattens. */
function altOf(items: Node[]): Node {
  for (const it of items) if (it.type === "alt") return alt(...items);
  return { type: "alt", items };
}

/** Options of {@link automatonToRules}. */
export interface AutomatonRulesOptions {
  /** Rule names are `${prefix}${state}`; the start rule is `${prefix}0`. */
  readonly prefix: string;
  /** IR for one character of a set (default: a class). */
  readonly chars?: CharsToIr;
  /** What an accepting state may end with (default: the empty string; JSON strings put the closing quote here). */
  readonly final?: Node;
}

/**
 * One right-linear rule per state of `dfa`, named `${prefix}${state}`, in
 * state order; the first is the start. The empty language gives one rule
 * that matches nothing.
 */
export function automatonToRules(dfa: ByteDfa, options: AutomatonRulesOptions): [string, Node][] {
  const { prefix } = options;
  const chars = options.chars ?? plainChars;
  const final = options.final ?? literal("");
  if (dfa.stateCount === 0) return [[`${prefix}0`, EMPTY]];
  const runs = codePointTransitions(dfa);
  const rules: [string, Node][] = [];
  for (let q = 0; q < dfa.stateCount; q++) {
    const byTarget = new Map<number, number[]>();
    for (const [lo, hi, t] of runs[q]) {
      const set = byTarget.get(t);
      if (set) set.push(lo, hi);
      else byTarget.set(t, [lo, hi]);
    }
    const items: Node[] = [];
    for (const [t, set] of byTarget) items.push(seq(chars(set), ref(`${prefix}${t}`)));
    if (dfa.accepting[q]) items.push(final);
    rules.push([`${prefix}${q}`, items.length === 0 ? EMPTY : alt(...items)]);
  }
  return rules;
}

/** Rules equivalent to a regex node: `rules[0]` is the start, named `start`. */
export interface RegexRules {
  start: string;
  rules: [string, Node][];
}

/**
 * Compiles a `regex` IR node to rules named `${prefix}-s0`, `${prefix}-s1`, ...
 * (`-s0` is the start), for the reference recognizer and the GBNF printer.
 * Throws what `compileRegex` throws for patterns it refuses, under `limits`
 * (`maxRegexDfaStates`, `maxRegexNfaStates`, `maxRepetition`; default theirs).
 */
export function regexToRules(node: RegexNode, prefix: string, limits?: Partial<Limits>): RegexRules {
  const rules = automatonToRules(compileRegex(node.pattern, { flags: node.flags, mode: "whole", ...(limits === undefined ? {} : { limits }) }), { prefix: `${prefix}-s` });
  return { start: rules[0][0], rules };
}

/**
 * `grammar` with every `regex` and `automaton` node replaced by a reference
 * to rules that spell out its automaton, one right-linear rule per state
 * (`${rule}-re${k}-s${q}`, `${rule}-dfa${k}-s${q}`): the same language over
 * the other node kinds only, for the GBNF printer and for tools that walk
 * the IR. The grammar itself when it has neither.
 */
export function withStateRules(grammar: Grammar, limits?: Partial<Limits>): Grammar {
  const taken = new Set(grammar.rules.keys());
  const extra: [string, Node][] = [];
  const starts = new Map<string, string>();
  let changed = false;
  const spell = (key: string, rule: string, tag: string, make: (prefix: string) => RegexRules): Node => {
    changed = true;
    let start = starts.get(key);
    if (start === undefined) {
      let k = starts.size;
      while ([...taken].some((n) => n.startsWith(`${rule}-${tag}${k}-`))) k++;
      const rr = make(`${rule}-${tag}${k}`);
      for (const [name, body] of rr.rules) {
        taken.add(name);
        extra.push([name, body]);
      }
      start = rr.start;
      starts.set(key, start);
    }
    return { type: "ref", name: start };
  };
  const rewrite = (node: Node, rule: string): Node => {
    switch (node.type) {
      case "regex":
        return spell(`${node.flags}/${node.pattern}`, rule, "re", (prefix) => regexToRules(node, prefix, limits));
      case "automaton":
        return spell(dfaKey(node.dfa), rule, "dfa", (prefix) => {
          const rules = automatonToRules(node.dfa, { prefix: `${prefix}-s` });
          return { start: rules[0][0], rules };
        });
      case "seq":
      case "alt":
        return { ...node, items: node.items.map((i) => rewrite(i, rule)) };
      case "repeat":
      case "lexeme":
        return { ...node, item: rewrite(node.item, rule) };
      default:
        return node;
    }
  };
  const rules = new Map<string, Node>();
  for (const [name, body] of grammar.rules) rules.set(name, rewrite(body, name));
  if (!changed) return grammar;
  for (const [name, body] of extra) rules.set(name, body);
  return { ...grammar, rules };
}

/** Keys already given, by DFA object (DFAs in nodes are never mutated). */
const keyOfObject = new WeakMap<ByteDfa, string>();
/** DFAs given a key, by a hash of their tables (equal DFAs share a key, checked table by table). */
const keysByHash = new Map<number, { dfa: ByteDfa; key: string }[]>();
let keySerial = 0;

/**
 * A key naming `dfa`'s tables in this process: equal tables (state count,
 * transitions, accepting flags) get the same key, different ones never do
 * (keys are never reused, so forgetting old ones only costs a cache miss).
 * Grammar keys, printers and caches of languages use it.
 */
export function dfaKey(dfa: ByteDfa): string {
  const known = keyOfObject.get(dfa);
  if (known !== undefined) return known;
  let h = 0x811c9dc5 ^ dfa.stateCount;
  const t = dfa.transitions;
  for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t[i], 0x01000193);
  const a = dfa.accepting;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a[i], 0x01000193);
  let bucket = keysByHash.get(h);
  if (!bucket) {
    if (keysByHash.size >= 2000) keysByHash.clear();
    keysByHash.set(h, (bucket = []));
  }
  let key: string | undefined;
  for (const e of bucket) if (sameDfa(e.dfa, dfa)) key = e.key;
  if (key === undefined) {
    key = `dfa#${keySerial++}`;
    bucket.push({ dfa, key });
  }
  keyOfObject.set(dfa, key);
  return key;
}

function sameDfa(a: ByteDfa, b: ByteDfa): boolean {
  if (a === b) return true;
  if (a.stateCount !== b.stateCount || a.transitions.length !== b.transitions.length || a.accepting.length !== b.accepting.length) return false;
  for (let i = 0; i < a.transitions.length; i++) if (a.transitions[i] !== b.transitions[i]) return false;
  for (let i = 0; i < a.accepting.length; i++) if (a.accepting[i] !== b.accepting[i]) return false;
  return true;
}
