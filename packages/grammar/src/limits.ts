/**
 * The size limits of a grammar (text or IR): bytes of GBNF text, nesting
 * depth, number of rules. The passes over the IR (analysis, printing, the
 * engine's compiler) recurse once per level of node nesting; checking the
 * depth here first, without recursion, keeps them within the stack.
 */
import { type Limits } from "@formwork/core";
import { limitExceeded, resolveLimits } from "@formwork/core/internal";
import type { Grammar, Node } from "./ir.js";
import { walkNodes } from "./analyze.js";

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
  let deep: Node | null = null;
  walkNodes(root, (n, depth) => {
    if (depth > maxDepth && deep === null) deep = n;
  });
  return deep;
}
