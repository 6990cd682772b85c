/**
 * An upper bound on how deeply a YAML text nests, read line by line without
 * parsing: the `yaml` parser recurses once per level (1,000 nested block
 * sequences overflowed it, and V8 then died in its regexp compiler, a fatal
 * error no `catch` sees), so the depth is bounded before it runs.
 *
 * A line's nesting is at most: the open indentation levels (a stack of
 * columns, as a block parser keeps), plus the block indicators that start it
 * (`- `, `? `, `: `, each a level: `- - x`), plus the flow collections
 * (`[`, `{`) open at any point of it. Quoted text and comments are skipped.
 */

/** The bound, or the first line (0-based) where it passes `stopAbove`, with its UTF-16 offset. */
export function yamlDepthBound(text: string, stopAbove: number): { depth: number; offset: number } {
  const indents: number[] = [];
  let flow = 0;
  let best = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let end = text.indexOf("\n", lineStart);
    if (end < 0) end = text.length;
    let i = lineStart;
    while (i < end && (text[i] === " " || text[i] === "\t")) i++;
    if (i < end && text[i] !== "#" && text[i] !== "\r") {
      const column = i - lineStart;
      if (flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1] >= column) indents.pop();
        indents.push(column);
      }
      let markers = 0;
      while (i + 1 < end && (text[i] === "-" || text[i] === "?" || text[i] === ":") && (text[i + 1] === " " || text[i + 1] === "\t")) {
        markers++;
        i += 2;
        while (i < end && (text[i] === " " || text[i] === "\t")) i++;
      }
      let deepestFlow = flow;
      for (let quote = ""; i < end; i++) {
        const c = text[i];
        if (quote !== "") {
          if (c === "\\" && quote === '"') i++;
          else if (c === quote) quote = "";
        } else if (c === '"' || c === "'") quote = c;
        else if (c === "#" && (i === lineStart || text[i - 1] === " " || text[i - 1] === "\t")) break;
        else if (c === "[" || c === "{") deepestFlow = Math.max(deepestFlow, ++flow);
        else if ((c === "]" || c === "}") && flow > 0) flow--;
      }
      const depth = indents.length + markers + deepestFlow;
      if (depth > best) {
        best = depth;
        if (best > stopAbove) return { depth: best, offset: lineStart };
      }
    }
    lineStart = end + 1;
  }
  return { depth: best, offset: -1 };
}
