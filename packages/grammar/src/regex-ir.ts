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
import { type ByteDfa, type CharSet, type RegexAst, compileRegex } from "@formwork/regex";
import { codePointTransitions } from "@formwork/regex/internal";
import { alt, charClass, literal, ref, repeat, seq, type Node, type RegexNode } from "./ir.js";

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
 * Throws what `compileRegex` throws for patterns it refuses.
 */
export function regexToRules(node: RegexNode, prefix: string): RegexRules {
  const rules = automatonToRules(compileRegex(node.pattern, { flags: node.flags, mode: "whole" }), { prefix: `${prefix}-s` });
  return { start: rules[0][0], rules };
}
