/**
 * The plain context-free grammar the reference recognizer runs: numbered
 * nonterminals, productions as symbol lists, and terminals that are sets of
 * code points. Repetitions are expanded (`X{2,4}` → `X X O2`, `O2 → ε | X O1`,
 * `X{1,}` → `X S`, `S → ε | S X`, left-recursive because Earley handles that
 * in linear time), literals become one terminal per character.
 *
 * Nonterminals and terminals whose language is empty are pruned, with every
 * production that uses them: afterwards every symbol derives some string, so
 * every Earley item that survives can be completed (what the prefix check
 * relies on).
 */
import { LimitError } from "@formwork/core";
import { automatonToRules, dfaKey, regexToRules } from "../regex-ir.js";
import type { Grammar, Node } from "../ir.js";
import { effectiveRanges } from "../ir.js";

/** A terminal: a set of code points as flat sorted inclusive ranges. */
export interface Terminal {
  ranges: number[];
  /** How to show it in "expected ..." messages. */
  label: string;
}

/** The compiled grammar. Symbols >= 0 are nonterminals; symbol `-1 - t` is terminal `t`. */
export interface Cfg {
  /** Nonterminal names, for debugging (`rule`, `rule#3`). */
  names: string[];
  /** Productions of each nonterminal (indices into `rhs`). */
  byLhs: number[][];
  lhs: number[];
  rhs: number[][];
  terminals: Terminal[];
  nullable: boolean[];
  /** The augmented start symbol: one production `start → root`. */
  start: number;
  /** The start production's index. */
  startProd: number;
  /** False when the root's language is empty (no text is accepted). */
  productive: boolean;
}

/** The most symbols a compiled grammar may have (repetition expansion is bounded by it). */
export const MAX_CFG_SYMBOLS = 2_000_000;

const ANY_RANGES = [0, 0xd7ff, 0xe000, 0x10ffff];

/**
 * Compiles `g` for the reference recognizer. `regex` nodes go through
 * `@formwork/regex` (which throws for patterns it refuses).
 */
export function compileCfg(g: Grammar): Cfg {
  const names: string[] = [];
  const prods: number[][][] = [];
  const terminals: Terminal[] = [];
  const termIds = new Map<string, number>();
  const ruleIds = new Map<string, number>();
  const regexStarts = new Map<string, number>();
  let size = 0;

  const newNt = (name: string): number => {
    names.push(name);
    prods.push([]);
    return names.length - 1;
  };
  const addProd = (nt: number, rhs: number[]) => {
    size += rhs.length + 1;
    if (size > MAX_CFG_SYMBOLS) {
      throw new LimitError("reference-too-large", `the grammar expands to more than ${MAX_CFG_SYMBOLS} symbols in the reference recognizer`, {
        hint: "Reduce large repetition counts.",
      });
    }
    prods[nt].push(rhs);
  };
  const terminal = (ranges: number[], label: string): number => {
    const key = ranges.join(",");
    let t = termIds.get(key);
    if (t === undefined) {
      t = terminals.length;
      terminals.push({ ranges, label });
      termIds.set(key, t);
    }
    return -1 - t;
  };
  const ruleNt = (name: string): number => {
    let id = ruleIds.get(name);
    if (id === undefined) {
      id = newNt(name);
      ruleIds.set(name, id);
    }
    return id;
  };

  /** The symbols a production needs for `node` in place: literals and sequences are spliced in. */
  const inline = (node: Node, rule: string): number[] => {
    switch (node.type) {
      case "literal":
        return [...node.value].map((c) => charTerminal(c.codePointAt(0)!));
      case "seq":
        return node.items.flatMap((i) => inline(i, rule));
      case "lexeme":
        return inline(node.item, rule);
      default:
        return [sym(node, rule)];
    }
  };
  /** Adds `node` as the productions of `nt`: one per alternative (nested alternatives flattened). */
  const addAlternatives = (nt: number, node: Node, rule: string): void => {
    if (node.type === "alt") for (const it of node.items) addAlternatives(nt, it, rule);
    else if (node.type === "lexeme") addAlternatives(nt, node.item, rule);
    else addProd(nt, inline(node, rule));
  };

  /** One symbol for `node`, inside rule `rule` (a new nonterminal unless it is one terminal or a rule). */
  const sym = (node: Node, rule: string): number => {
    switch (node.type) {
      case "class": {
        const r = effectiveRanges(node);
        return terminal(r, classLabel(r));
      }
      case "any":
        return terminal(ANY_RANGES, "any character");
      case "ref":
        // An undefined rule gets no production: its language is empty.
        return ruleNt(node.name);
      case "literal":
      case "seq": {
        const items = inline(node, rule);
        if (items.length === 1) return items[0];
        const nt = newNt(`${rule}#seq`);
        addProd(nt, items);
        return nt;
      }
      case "alt": {
        const nt = newNt(`${rule}#alt`);
        addAlternatives(nt, node, rule);
        return nt;
      }
      case "repeat": {
        const x = sym(node.item, rule);
        const nt = newNt(`${rule}#rep`);
        const body: number[] = new Array(node.min).fill(x);
        if (node.max === Infinity) {
          const s = newNt(`${rule}#star`);
          addProd(s, []);
          addProd(s, [s, x]);
          body.push(s);
        } else if (node.max > node.min) {
          let tail = -Infinity;
          for (let k = 1; k <= node.max - node.min; k++) {
            const o = newNt(`${rule}#opt${k}`);
            addProd(o, []);
            addProd(o, tail === -Infinity ? [x] : [x, tail]);
            tail = o;
          }
          body.push(tail);
        }
        addProd(nt, body);
        return nt;
      }
      case "regex": {
        // Through @formwork/regex: the DFA's states become right-linear rules.
        const key = `${node.flags}/${node.pattern}`;
        let start = regexStarts.get(key);
        if (start === undefined) {
          const rr = regexToRules(node, `\u0000re${regexStarts.size}`);
          start = ruleNt(rr.start);
          regexStarts.set(key, start);
          for (const [name, body] of rr.rules) addAlternatives(ruleNt(name), body, name);
        }
        return start;
      }
      case "automaton": {
        const key = `\u0001${dfaKey(node.dfa)}`;
        let start = regexStarts.get(key);
        if (start === undefined) {
          const rules = automatonToRules(node.dfa, { prefix: `\u0000dfa${regexStarts.size}-s` });
          start = ruleNt(rules[0][0]);
          regexStarts.set(key, start);
          for (const [name, body] of rules) addAlternatives(ruleNt(name), body, name);
        }
        return start;
      }
      case "lexeme":
        return sym(node.item, rule);
    }
  };
  const charTerminal = (cp: number) => terminal([cp, cp], quoteChar(cp));

  const start = newNt("<start>");
  const root = ruleNt(g.root);
  addProd(start, [root]);
  for (const [name, body] of g.rules) addAlternatives(ruleNt(name), body, name);

  // Prune the empty languages.
  const n = names.length;
  const productive = new Array<boolean>(n).fill(false);
  const symOk = (s: number) => (s >= 0 ? productive[s] : terminals[-1 - s].ranges.length > 0);
  for (let changed = true; changed; ) {
    changed = false;
    for (let a = 0; a < n; a++) {
      if (!productive[a] && prods[a].some((r) => r.every(symOk))) {
        productive[a] = true;
        changed = true;
      }
    }
  }
  const lhs: number[] = [];
  const rhs: number[][] = [];
  const byLhs: number[][] = names.map(() => []);
  let startProd = -1;
  for (let a = 0; a < n; a++) {
    for (const r of prods[a]) {
      if (!r.every(symOk)) continue;
      if (a === start) startProd = rhs.length;
      byLhs[a].push(rhs.length);
      lhs.push(a);
      rhs.push(r);
    }
  }
  const nullable = new Array<boolean>(n).fill(false);
  for (let changed = true; changed; ) {
    changed = false;
    for (let p = 0; p < rhs.length; p++) {
      if (!nullable[lhs[p]] && rhs[p].every((s) => s >= 0 && nullable[s])) {
        nullable[lhs[p]] = true;
        changed = true;
      }
    }
  }
  return { names, byLhs, lhs, rhs, terminals, nullable, start, startProd, productive: productive[start] };
}

/** `"a"`, `"\n"`, `"\u00e9"`-style quoting of one code point for messages. */
export function quoteChar(cp: number): string {
  return JSON.stringify(String.fromCodePoint(cp));
}

function showCp(cp: number): string {
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) return `\\x${cp.toString(16).toUpperCase().padStart(2, "0")}`;
  if (cp === 0x5d || cp === 0x5c || cp === 0x2d || cp === 0x5e || cp === 0x5b) return `\\${String.fromCodePoint(cp)}`;
  return String.fromCodePoint(cp);
}

/** A GBNF-style label for a set of code points: `[0-9a-f]`, or `[^"\\]` when that is shorter. */
export function classLabel(ranges: number[]): string {
  if (ranges.length === 0) return "nothing";
  if (ranges.length === 2 && ranges[0] === ranges[1]) return quoteChar(ranges[0]);
  const show = (r: number[]) => {
    let s = "";
    for (let i = 0; i < r.length; i += 2) s += r[i] === r[i + 1] ? showCp(r[i]) : `${showCp(r[i])}-${showCp(r[i + 1])}`;
    return s;
  };
  // The complement (surrogates aside), for classes that cover most of Unicode.
  const cut = effectiveRanges({ type: "class", ranges, negated: true });
  if (cut.length === 0) return "any character";
  if (ranges.length > 8 && cut.length < ranges.length) return `[^${show(cut)}]`;
  return `[${show(ranges)}]`;
}
