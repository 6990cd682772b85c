/**
 * A canonical text of a grammar, used as the compiler's cache key. Built in
 * one pass by string appends (no arrays of parts, no JSON escaping): every
 * node's text is self-delimiting (names, literal values and regex sources
 * carry their length; classes end at `]`, which their digits never contain;
 * sequences and alternatives end with their own closing mark), so two
 * grammars get the same key only when they have the same rules, root and
 * nodes. Spans, source text and lexeme names (which the engine does not
 * read) are left out.
 */
import type { Grammar, Node } from "../ir.js";

/** Appends the text of `n` to `out` and returns it (string appends are cheap in V8: ropes). */
function nodeKey(n: Node, out: string): string {
  switch (n.type) {
    case "literal":
      return out + "'" + n.value.length + ":" + n.value;
    case "class": {
      let s = out + (n.negated ? "[^" : "[");
      const r = n.ranges;
      for (let i = 0; i < r.length; i++) s += (i === 0 ? "" : ",") + r[i];
      return s + "]";
    }
    case "any":
      return out + ".";
    case "ref":
      return out + "<" + n.name.length + ":" + n.name;
    case "seq": {
      let s = out + "(";
      for (const it of n.items) s = nodeKey(it, s);
      return s + ")";
    }
    case "alt": {
      let s = out + "{";
      for (const it of n.items) s = nodeKey(it, s);
      return s + "}";
    }
    case "repeat":
      return nodeKey(n.item, out + "*" + n.min + "," + (n.max === Infinity ? "" : n.max) + ";");
    case "regex":
      return out + "/" + n.pattern.length + ":" + n.pattern + n.flags.length + ":" + n.flags;
    case "lexeme":
      return nodeKey(n.item, out + "x");
  }
}

/** The same string for the same rules and root, whatever the spans and source text. */
export function grammarKey(g: Grammar): string {
  let s = g.root.length + ":" + g.root;
  for (const [name, node] of g.rules) s = nodeKey(node, s + "\n" + name.length + ":" + name + "=");
  return s;
}
