/**
 * Turns the chevrotain CST of a GBNF text into the grammar IR, with spans.
 */
import type { CstNode, IToken } from "chevrotain";
import { lineColumnOf } from "@formwork/core/internal";
import type { Grammar, Node, SourceSpan } from "../ir.js";
import { decodeClass, decodeLiteral } from "./escapes.js";
import { sourceError } from "./source-error.js";

type Children = Record<string, (CstNode | IToken)[] | undefined>;

function kids(node: CstNode): Children {
  return node.children as Children;
}
function tok(node: CstNode, name: string, i = 0): IToken | undefined {
  return kids(node)[name]?.[i] as IToken | undefined;
}
function sub(node: CstNode, name: string): CstNode[] {
  return (kids(node)[name] ?? []) as CstNode[];
}
function spanOfTokens(a: IToken, b: IToken): SourceSpan {
  return { start: a.startOffset, end: (b.endOffset ?? a.startOffset) + 1 };
}
function spanOfNode(n: CstNode, fallback: number): SourceSpan {
  const loc = n.location;
  if (!loc || Number.isNaN(loc.startOffset)) return { start: fallback, end: fallback };
  return { start: loc.startOffset, end: (loc.endOffset ?? loc.startOffset) + 1 };
}

/** Builds the IR of a parsed GBNF text; `root` is the start rule's name. */
export function cstToGrammar(cst: CstNode, source: string, root: string): Grammar {
  const rules = new Map<string, Node>();
  const ruleSpans = new Map<string, SourceSpan>();
  for (const r of sub(cst, "rule")) {
    const nameTok = tok(r, "Name")!;
    const name = nameTok.image;
    const defineTok = tok(r, "Define")!;
    const body = alternates(sub(r, "alternates")[0], source, defineTok.endOffset! + 1);
    if (rules.has(name)) {
      const first = ruleSpans.get(name)!;
      throw sourceError("gbnf-duplicate-rule", `the rule "${name}" is defined twice`, source, nameTok.startOffset, nameTok.endOffset! + 1,
        `Its first definition is at line ${lineColumnOf(source, first.start).line}; merge the two with '|' (llama.cpp silently keeps the last one).`);
    }
    rules.set(name, body);
    ruleSpans.set(name, { start: nameTok.startOffset, end: body.span ? Math.max(body.span.end, defineTok.endOffset! + 1) : defineTok.endOffset! + 1 });
  }
  return { rules, root, ruleSpans, source };
}

function alternates(n: CstNode, source: string, at: number): Node {
  const seqs = sub(n, "sequence").map((s) => sequence(s, source, at));
  if (seqs.length === 1) return seqs[0];
  return { type: "alt", items: seqs, span: spanOfNode(n, at) };
}

function sequence(n: CstNode, source: string, at: number): Node {
  const items = sub(n, "item").map((i) => item(i, source));
  if (items.length === 1) return items[0];
  return { type: "seq", items, span: spanOfNode(n, at) };
}

function item(n: CstNode, source: string): Node {
  let node = primary(sub(n, "primary")[0], source);
  for (const p of sub(n, "postfix")) {
    const [min, max] = bounds(p, source);
    const end = spanOfNode(p, 0).end;
    node = { type: "repeat", item: node, min, max, span: { start: node.span!.start, end } };
  }
  return node;
}

function primary(n: CstNode, source: string): Node {
  const c = kids(n);
  if (c.Literal) {
    const t = c.Literal[0] as IToken;
    return { type: "literal", value: decodeLiteral(t.image, source, t.startOffset), span: spanOfTokens(t, t) };
  }
  if (c.CharClass) {
    const t = c.CharClass[0] as IToken;
    return { ...decodeClass(t.image, source, t.startOffset), span: spanOfTokens(t, t) };
  }
  if (c.Name) {
    const t = c.Name[0] as IToken;
    return { type: "ref", name: t.image, span: spanOfTokens(t, t) };
  }
  if (c.Dot) {
    const t = c.Dot[0] as IToken;
    return { type: "any", span: spanOfTokens(t, t) };
  }
  if (c.TokenRef) {
    const t = c.TokenRef[0] as IToken;
    throw sourceError("gbnf-token-reference", `token references such as ${t.image} are not supported`, source, t.startOffset, t.endOffset! + 1,
      "Formwork grammars are over characters, not token ids; write the token's text as a literal instead.", true);
  }
  const open = c.LParen![0] as IToken;
  const close = c.RParen![0] as IToken;
  const inner = alternates(sub(n, "alternates")[0], source, open.endOffset! + 1);
  // An empty group `()` is the empty string; span it with its parentheses.
  if (inner.type === "seq" && inner.items.length === 0) return { type: "seq", items: [], span: spanOfTokens(open, close) };
  return inner;
}

function bounds(p: CstNode, source: string): [number, number] {
  const c = kids(p);
  if (c.Star) return [0, Infinity];
  if (c.Plus) return [1, Infinity];
  if (c.Question) return [0, 1];
  const minTok = c.min![0] as IToken;
  const maxTok = c.max?.[0] as IToken | undefined;
  const min = toInt(minTok, source);
  const max = maxTok ? toInt(maxTok, source) : c.Comma ? Infinity : min;
  if (max < min) {
    const open = c.LBrace![0] as IToken;
    const close = c.RBrace![0] as IToken;
    throw sourceError("gbnf-bad-repetition", `the repetition {${min},${max}} has its maximum below its minimum`, source, open.startOffset, close.endOffset! + 1,
      `Write {${max},${min}} or check the bounds.`);
  }
  return [min, max];
}

function toInt(t: IToken, source: string): number {
  const n = Number(t.image);
  if (!Number.isSafeInteger(n)) {
    throw sourceError("gbnf-bad-repetition", `the repetition count ${t.image} is too large`, source, t.startOffset, t.endOffset! + 1,
      "Use a count below 2^53, or * / + for no upper bound.");
  }
  return n;
}
