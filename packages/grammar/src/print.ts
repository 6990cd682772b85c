/**
 * `printGbnf`: grammar IR → GBNF text that `parseGbnf` reads back to a
 * grammar with the same language (and the same structure up to
 * normalisation: spans, lexeme wrappers and nested sequences/alternatives
 * are not kept).
 */
import type { Limits } from "@formwork/core";
import type { ClassNode, Grammar, Node } from "./ir.js";
import { withStateRules } from "./regex-ir.js";

/** Options of {@link printGbnf}. */
export interface PrintGbnfOptions {
  /**
   * Print the root rule under the name `root` (llama.cpp's start rule) when
   * no other rule has that name (default true). With false the names are kept
   * and the text must be parsed with `{ root: <name> }`.
   */
  renameRoot?: boolean;
  /** The regex limits `regex` nodes compile under (`maxRegexDfaStates`, `maxRegexNfaStates`, `maxRepetition`; docs/limits.md). */
  limits?: Partial<Limits>;
}

const NAME_OK = /^[a-zA-Z0-9-]+$/;

/**
 * Prints `grammar` as GBNF, the root rule first. Rule names that GBNF cannot
 * spell (e.g. with `_` or `.`) are rewritten with dashes and made unique.
 * GBNF has no regular expressions: a `regex` node is compiled with
 * `@formwork/regex` and printed as extra rules, one per automaton state
 * (named after the rule that used it, `<rule>-re<k>-s<state>`); patterns that
 * package refuses throw its error.
 */
export function printGbnf(input: Grammar, options: PrintGbnfOptions = {}): string {
  const grammar = withStateRules(input, options.limits);
  const names = gbnfNames(grammar, options.renameRoot ?? true);
  const order = [grammar.root, ...[...grammar.rules.keys()].filter((n) => n !== grammar.root)];
  const lines: string[] = [];
  for (const name of order) {
    const body = grammar.rules.get(name);
    if (body === undefined) continue;
    lines.push(`${names.get(name)} ::= ${printNode(body, "top", names)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Maps every rule name (defined or referenced) to a valid, unique GBNF name. */
function gbnfNames(g: Grammar, renameRoot: boolean): Map<string, string> {
  const all = new Set<string>(g.rules.keys());
  const collect = (n: Node): void => {
    if (n.type === "ref") all.add(n.name);
    else if (n.type === "seq" || n.type === "alt") n.items.forEach(collect);
    else if (n.type === "repeat" || n.type === "lexeme") collect(n.item);
  };
  g.rules.forEach(collect);
  const out = new Map<string, string>();
  const used = new Set<string>();
  if (renameRoot && !all.has("root")) {
    out.set(g.root, "root");
    used.add("root");
  }
  // Valid names keep their spelling; the others are rewritten after them.
  for (const n of all) if (!out.has(n) && NAME_OK.test(n) && !used.has(n)) (out.set(n, n), used.add(n));
  for (const n of all) {
    if (out.has(n)) continue;
    const base = n.replace(/[^a-zA-Z0-9-]/g, "-") || "rule";
    let candidate = base;
    for (let i = 2; used.has(candidate); i++) candidate = `${base}-${i}`;
    out.set(n, candidate);
    used.add(candidate);
  }
  return out;
}

type Ctx = "top" | "seq" | "atom";

function printNode(node: Node, ctx: Ctx, names: Map<string, string>): string {
  switch (node.type) {
    case "literal":
      return `"${[...node.value].map((c) => escapeChar(c.codePointAt(0)!, "literal")).join("")}"`;
    case "class":
      return printClass(node);
    case "any":
      return ".";
    case "ref":
      return names.get(node.name)!;
    case "seq": {
      if (node.items.length === 0) return '""';
      if (node.items.length === 1) return printNode(node.items[0], ctx, names);
      const s = node.items.map((i) => printNode(i, "seq", names)).join(" ");
      return ctx === "atom" ? `(${s})` : s;
    }
    case "alt": {
      if (node.items.length === 0) return "[]";
      if (node.items.length === 1) return printNode(node.items[0], ctx, names);
      const s = node.items.map((i) => printNode(i, "top", names)).join(" | ");
      return ctx === "top" ? s : `(${s})`;
    }
    case "repeat": {
      const inner = node.item.type === "repeat" ? `(${printNode(node.item, "top", names)})` : printNode(node.item, "atom", names);
      const { min, max } = node;
      const op = min === 0 && max === 1 ? "?" : min === 0 && max === Infinity ? "*" : min === 1 && max === Infinity ? "+" : max === Infinity ? `{${min},}` : min === max ? `{${min}}` : `{${min},${max}}`;
      return `${inner}${op}`;
    }
    case "regex":
    case "automaton":
      throw new Error("internal: regex and automaton nodes are replaced before printing");
    case "lexeme":
      return printNode(node.item, ctx, names);
  }
}

function printClass(node: ClassNode): string {
  let s = "";
  const r = node.ranges;
  for (let i = 0; i < r.length; i += 2) {
    const lo = escapeChar(r[i], "class");
    const first = s === "" && r[i] === 0x5e ? "\\x5E" : lo;
    if (r[i] === r[i + 1]) s += first;
    else if (r[i + 1] === r[i] + 1) s += first + escapeChar(r[i + 1], "class");
    else s += `${first}-${escapeChar(r[i + 1], "class")}`;
  }
  if (node.negated && r.length === 0) return ".";
  return `[${node.negated ? "^" : ""}${s}]`;
}

const SIMPLE_ESCAPES: Record<number, string> = { 9: "\\t", 10: "\\n", 13: "\\r", 0x5c: "\\\\" };

function escapeChar(cp: number, where: "literal" | "class"): string {
  if (cp in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[cp];
  if (where === "literal" && cp === 0x22) return '\\"';
  if (where === "class" && (cp === 0x5d || cp === 0x5b || cp === 0x2d)) return `\\${String.fromCodePoint(cp)}`;
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).toUpperCase().padStart(2, "0")}`;
  if ((cp >= 0x80 && cp < 0xa0) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) return `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  return String.fromCodePoint(cp);
}
