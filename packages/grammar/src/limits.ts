/**
 * The size limits of a grammar (text or IR): bytes of GBNF text, nesting
 * depth, number of rules. The passes over the IR (analysis, printing, the
 * engine's compiler) recurse once per level of node nesting; checking the
 * depth here first, without recursion, keeps them within the stack.
 */
import { type Limits } from "@formwork/core";
import { limitExceeded, resolveLimits } from "@formwork/core/internal";
import type { Grammar, Node } from "./ir.js";

/** The limits of a grammar: `maxInputBytes` (GBNF text only), `maxDepth`, `maxRules`. */
export type GrammarLimits = Pick<Limits, "maxInputBytes" | "maxDepth" | "maxRules">;

/**
 * Defaults of {@link GrammarLimits}: 8 MiB of GBNF text, 200 levels of nesting
 * (parentheses and repetition operators; chevrotain's parser needs about
 * 2.5 KB of stack per parenthesis and overflows Node's default stack near
 * 350), 100,000 rules (a 100,000-rule chain compiles in about a second).
 */
export const DEFAULT_GRAMMAR_LIMITS: Readonly<GrammarLimits> = Object.freeze({
  maxInputBytes: 8 * 1024 * 1024,
  maxDepth: 200,
  maxRules: 100_000,
});

/** {@link DEFAULT_GRAMMAR_LIMITS} with the fields of `given` set. */
export function resolveGrammarLimits(given?: Partial<Limits>): GrammarLimits {
  return resolveLimits(DEFAULT_GRAMMAR_LIMITS, given);
}

/**
 * Throws `LimitError` `max-rules` or `max-depth` when `grammar` has more
 * rules or nests deeper than `limits` allow. Linear in the grammar, no
 * recursion.
 */
export function checkGrammarLimits(grammar: Grammar, limits: Pick<GrammarLimits, "maxDepth" | "maxRules">, raise?: string): void {
  if (grammar.rules.size > limits.maxRules) throw limitExceeded("maxRules", limits.maxRules, grammar.rules.size, { what: "the grammar", raise });
  for (const [name, body] of grammar.rules) {
    const deep = nodeDepth(body, limits.maxDepth);
    if (deep) {
      const span = deep.span ?? grammar.ruleSpans?.get(name);
      throw limitExceeded("maxDepth", limits.maxDepth, undefined, {
        what: `the rule "${name}"`,
        location: span ? { kind: "span", start: span.start, end: span.end } : undefined,
        raise,
      });
    }
  }
}

/** The first node (in `walkNodes` order) nested deeper than `maxDepth` under `root` (root at depth 1), or null. */
export function nodeDepth(root: Node, maxDepth: number): Node | null {
  // walkNodes' order (parents first, children in order) on stacks kept from call to call (this
  // never runs nested), stopping at the first node too deep; a leaf is pushed only where it is.
  const nodes = depthNodes;
  let depths = depthOf;
  let sp = 0;
  let high = 0;
  nodes[sp] = root;
  depths[sp++] = 1;
  let deep: Node | null = null;
  while (sp > 0) {
    const n = nodes[--sp];
    const d = depths[sp];
    if (d > maxDepth) {
      deep = n;
      break;
    }
    let items: readonly Node[] | null = null;
    let item: Node | null = null;
    switch (n.type) {
      case "seq":
      case "alt":
        items = n.items;
        break;
      case "repeat":
      case "lexeme":
        item = n.item;
        break;
      default:
        continue;
    }
    const k = items === null ? 1 : items.length;
    if (sp + k > depths.length) {
      const grown = new Int32Array(Math.max(sp + k, 2 * depths.length));
      grown.set(depths);
      depths = depthOf = grown;
    }
    const leavesToo = d + 1 > maxDepth;
    if (items === null) {
      nodes[sp] = item!;
      depths[sp++] = d + 1;
    } else {
      for (let i = items.length - 1; i >= 0; i--) {
        const x = items[i];
        const t = x.type;
        if (!leavesToo && t !== "seq" && t !== "alt" && t !== "repeat" && t !== "lexeme") continue;
        nodes[sp] = x;
        depths[sp++] = d + 1;
      }
    }
    if (sp > high) high = sp;
  }
  // The stack keeps no node of this grammar alive.
  nodes.fill(undefined as unknown as Node, 0, Math.max(high, 1));
  return deep;
}

/** {@link nodeDepth}'s stack of nodes and their depths. */
const depthNodes: Node[] = [];
let depthOf = new Int32Array(256);
