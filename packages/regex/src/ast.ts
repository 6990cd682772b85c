/**
 * The character-level regular-expression AST: what a parsed pattern lowers
 * to, and what front ends build directly (JSON Schema numbers and formats,
 * YAML scalar rules). Characters are Unicode code points; every node denotes
 * a set of strings:
 *
 * | node     | language                                                   |
 * |----------|------------------------------------------------------------|
 * | `set`    | one character of `set`                                     |
 * | `seq`    | concatenation (no items: the empty string)                 |
 * | `alt`    | union (no items: the empty language)                       |
 * | `repeat` | `item` between `min` and `max` times (`max` may be Infinity) |
 * | `bol`    | the empty string, only at the start of the text (`^`)      |
 * | `eol`    | the empty string, only at the end of the text (`$`)        |
 *
 * Build nodes with {@link rx}; compile them with `compileAst`, combine them
 * with `combineLanguages`, turn them into grammar IR with
 * `@formwork/grammar`'s `astToIr`.
 */
import { type CharSet, MAX_CODE_POINT, complement, normalizeRanges } from "./char-set.js";

/** A node of the character-level AST (see the file header for the languages). */
export type RegexAst =
  | { readonly kind: "set"; readonly set: CharSet }
  | { readonly kind: "seq"; readonly items: readonly RegexAst[] }
  | { readonly kind: "alt"; readonly items: readonly RegexAst[] }
  | { readonly kind: "repeat"; readonly item: RegexAst; readonly min: number; readonly max: number }
  | { readonly kind: "bol" }
  | { readonly kind: "eol" };

const ANY: RegexAst = { kind: "set", set: [0, MAX_CODE_POINT] };
const EMPTY_STRING: RegexAst = { kind: "seq", items: [] };
const NOTHING: RegexAst = { kind: "alt", items: [] };

/** Builders of {@link RegexAst} nodes; `seq` and `alt` flatten nested nodes of their kind and unwrap single items. */
export const rx = {
  /** One character of the given flat inclusive ranges `[lo0, hi0, lo1, hi1, ...]` (any order, overlaps allowed). */
  chars(ranges: readonly number[]): RegexAst {
    return { kind: "set", set: normalizeRanges(ranges) };
  },
  /** Exactly the string `s`. */
  text(s: string): RegexAst {
    const items: RegexAst[] = [];
    for (const ch of s) {
      const c = ch.codePointAt(0)!;
      items.push({ kind: "set", set: [c, c] });
    }
    return items.length === 1 ? items[0] : { kind: "seq", items };
  },
  /** Concatenation. */
  seq(...items: RegexAst[]): RegexAst {
    return flatten("seq", items);
  },
  /** Union (no items: the empty language). */
  alt(...items: RegexAst[]): RegexAst {
    return flatten("alt", items);
  },
  /** `item` repeated between `min` and `max` (default unbounded) times. */
  repeat(item: RegexAst, min: number, max = Infinity): RegexAst {
    if (!Number.isInteger(min) || min < 0 || (max !== Infinity && (!Number.isInteger(max) || max < min))) {
      throw new RangeError(`repeat bounds must satisfy 0 <= min <= max (integers), got {${min},${max}}`);
    }
    return { kind: "repeat", item, min, max };
  },
  /** `item` or nothing. */
  optional: (item: RegexAst): RegexAst => rx.repeat(item, 0, 1),
  /** Zero or more `item`s. */
  star: (item: RegexAst): RegexAst => rx.repeat(item, 0),
  /** One or more `item`s. */
  plus: (item: RegexAst): RegexAst => rx.repeat(item, 1),
  /** Any one character. */
  any: ANY,
  /** The empty string. */
  empty: EMPTY_STRING,
  /** The empty language (matches nothing). */
  nothing: NOTHING,
  /** Every string other than the given texts (the complement of a finite set, written as a trie). */
  otherThan(texts: readonly string[]): RegexAst {
    const root = textTrie(texts);
    const anyString = rx.star(ANY);
    const build = (t: TextTrie): RegexAst => {
      const parts: RegexAst[] = t.end ? [] : [EMPTY_STRING];
      const used = [...t.kids.keys()].flatMap((c) => [c, c]);
      parts.push(rx.seq({ kind: "set", set: complement(normalizeRanges(used), MAX_CODE_POINT) }, anyString));
      for (const [c, k] of t.kids) parts.push(rx.seq({ kind: "set", set: [c, c] }, build(k)));
      return rx.alt(...parts);
    };
    return build(root);
  },
};

/** A trie of texts by code point; `end` where a text ends. */
export interface TextTrie {
  end: boolean;
  kids: Map<number, TextTrie>;
}

/** The trie of `texts`. */
export function textTrie(texts: Iterable<string>): TextTrie {
  const root: TextTrie = { end: false, kids: new Map() };
  for (const w of texts) {
    let t = root;
    for (const ch of w) {
      const c = ch.codePointAt(0)!;
      let k = t.kids.get(c);
      if (!k) t.kids.set(c, (k = { end: false, kids: new Map() }));
      t = k;
    }
    t.end = true;
  }
  return root;
}

function flatten(kind: "seq" | "alt", items: readonly RegexAst[]): RegexAst {
  const flat: RegexAst[] = [];
  for (const it of items) {
    if (it.kind === kind) flat.push(...it.items);
    else flat.push(it);
  }
  return flat.length === 1 ? flat[0] : { kind, items: flat };
}

/** The AST with every character-set node replaced by the node `f(set)` (anchors and structure kept). */
export function replaceCharSets(node: RegexAst, f: (set: CharSet) => RegexAst): RegexAst {
  switch (node.kind) {
    case "set":
      return f(node.set);
    case "seq":
    case "alt":
      return { kind: node.kind, items: node.items.map((x) => replaceCharSets(x, f)) };
    case "repeat":
      return { ...node, item: replaceCharSets(node.item, f) };
    default:
      return node;
  }
}

/** The AST with every character set replaced by `f(set)`. */
export function mapCharSets(node: RegexAst, f: (set: CharSet) => CharSet): RegexAst {
  return replaceCharSets(node, (set) => ({ kind: "set", set: f(set) }));
}

/** Whether `^` or `$` occurs anywhere in the node. */
export function hasAnchors(node: RegexAst): boolean {
  switch (node.kind) {
    case "bol":
    case "eol":
      return true;
    case "set":
      return false;
    case "repeat":
      return hasAnchors(node.item);
    default:
      return node.items.some(hasAnchors);
  }
}

/**
 * The whole-match language of `node` read in search mode (JSON Schema
 * `pattern`, `RegExp.prototype.test`): each top-level alternative gets
 * `.*` before it unless it starts with `^`, and after it unless it ends with
 * `$`. Those edge anchors are removed; anchors anywhere else stay (the
 * automaton compilers handle them exactly; {@link hasAnchors} says whether any is left).
 */
export function searchAst(node: RegexAst): RegexAst {
  const branches = node.kind === "alt" ? node.items : [node];
  const anyString = rx.star(ANY);
  return rx.alt(
    ...branches.map((b) => {
      const items = b.kind === "seq" ? [...b.items] : [b];
      let start = false;
      let end = false;
      while (items.length > 0 && items[0].kind === "bol") (start = true), items.shift();
      while (items.length > 0 && items[items.length - 1].kind === "eol") (end = true), items.pop();
      return rx.seq(...(start ? [] : [anyString]), ...items, ...(end ? [] : [anyString]));
    }),
  );
}

/**
 * The shortest and longest string lengths (in code points) of a node; `max`
 * may be Infinity; the empty language gives `{ min: Infinity, max: -Infinity }`.
 * Anchors count as length 0.
 */
export function lengthBounds(node: RegexAst): { min: number; max: number } {
  switch (node.kind) {
    case "set":
      return node.set.length > 0 ? { min: 1, max: 1 } : { min: Infinity, max: -Infinity };
    case "bol":
    case "eol":
      return { min: 0, max: 0 };
    case "seq": {
      let min = 0;
      let max = 0;
      for (const x of node.items) {
        const b = lengthBounds(x);
        min += b.min;
        max += b.max;
      }
      return min === Infinity ? { min: Infinity, max: -Infinity } : { min, max };
    }
    case "alt": {
      let min = Infinity;
      let max = -Infinity;
      for (const x of node.items) {
        const b = lengthBounds(x);
        min = Math.min(min, b.min);
        max = Math.max(max, b.max);
      }
      return { min, max };
    }
    case "repeat": {
      const b = lengthBounds(node.item);
      if (b.min === Infinity) return node.min === 0 ? { min: 0, max: 0 } : b;
      return { min: b.min * node.min, max: node.max === Infinity ? (b.max === 0 ? 0 : Infinity) : b.max * node.max };
    }
  }
}

/**
 * The node intersected with "length (in code points) between `lo` and `hi`",
 * when that can be written without an automaton product: the node's lengths
 * already lie within the bounds, or the node is a sequence of fixed-length
 * parts around one repeat of a character set (`[a-z]+`, `\d{2,}-x`). Returns
 * null otherwise (use `combineLanguages` with `minLength`/`maxLength`).
 */
export function withLength(node: RegexAst, lo: number, hi: number): RegexAst | null {
  const b = lengthBounds(node);
  if (b.min >= lo && b.max <= hi) return node;
  if (hasAnchors(node)) return null;
  const items = node.kind === "seq" ? node.items : [node];
  let varIndex = -1;
  let fixed = 0;
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    const xb = lengthBounds(x);
    if (xb.min === xb.max) {
      fixed += xb.min;
      continue;
    }
    if (varIndex >= 0 || x.kind !== "repeat" || x.item.kind !== "set") return null;
    varIndex = i;
  }
  if (varIndex < 0) return NOTHING; // fixed length outside the bounds
  const v = items[varIndex] as Extract<RegexAst, { kind: "repeat" }>;
  const min = Math.max(v.min, lo - fixed);
  const max = Math.min(v.max, hi - fixed);
  if (max < min || max < 0) return NOTHING;
  const copy = [...items];
  copy[varIndex] = { kind: "repeat", item: v.item, min: Math.max(0, min), max };
  return { kind: "seq", items: copy };
}

