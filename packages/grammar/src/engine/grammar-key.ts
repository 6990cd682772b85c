/** A canonical text of a grammar, used as the compiler's cache key. */
import type { Grammar, Node } from "../ir.js";

function nodeKey(n: Node): string {
  switch (n.type) {
    case "literal":
      return JSON.stringify(n.value);
    case "class":
      return `[${n.negated ? "^" : ""}${n.ranges.join(",")}]`;
    case "any":
      return ".";
    case "ref":
      return `<${n.name}>`;
    case "seq":
      return `(${n.items.map(nodeKey).join(" ")})`;
    case "alt":
      return `(${n.items.map(nodeKey).join("|")})`;
    case "repeat":
      return `${nodeKey(n.item)}{${n.min},${n.max === Infinity ? "" : n.max}}`;
    case "regex":
      return `/${n.pattern}/${n.flags}`;
    case "lexeme":
      return `lex(${nodeKey(n.item)})`;
  }
}

/** The same string for the same rules and root, whatever the spans and source text. */
export function grammarKey(g: Grammar): string {
  const parts = [`root=${g.root}`];
  for (const [name, node] of g.rules) parts.push(`${name}::=${nodeKey(node)}`);
  return parts.join("\n");
}
