/**
 * The grammar IR: what every front end (GBNF, JSON Schema, regex, YAML, CSV)
 * produces and what the compiler turns into a matcher.
 *
 * A grammar is a set of named rules over Unicode characters (scalar values);
 * the matcher runs it over UTF-8 bytes. Every node denotes a set of strings:
 *
 * | node      | language                                                     |
 * |-----------|--------------------------------------------------------------|
 * | `literal` | exactly `value` (the empty literal is the empty string)      |
 * | `class`   | one character in `ranges` (or, `negated`, any character not in them) |
 * | `any`     | any one Unicode scalar value (U+0000..U+10FFFF minus surrogates) |
 * | `ref`     | the language of rule `name`                                  |
 * | `seq`     | concatenation of the items (no items: the empty string)      |
 * | `alt`     | union of the items (no items: the empty language)            |
 * | `repeat`  | `item` repeated between `min` and `max` times (`max` may be `Infinity`) |
 * | `regex`   | strings that `new RegExp("^(?:" + pattern + ")$", flags)` matches |
 * | `lexeme`  | the language of `item`, which must be regular; a hint that the engine may run it as one automaton |
 * | `automaton` | the strings whose UTF-8 bytes `dfa` accepts (a byte DFA of `@formwork/regex`, accepting only well-formed UTF-8) |
 *
 * Surrogate code points (U+D800..U+DFFF) are never characters: they have no
 * UTF-8 encoding. Classes drop them; negated classes never include them.
 */
import { charSetComplement, charSetDifference, charSetIntersection, type ByteDfa } from "@formwork/regex";
import { MAX_CODE_POINT, normalizeRanges as normalizeCharSet } from "@formwork/regex/internal";

export { MAX_CODE_POINT };

/** A 0-based UTF-16 span `[start, end)` in the source a node came from, for error messages. */
export interface SourceSpan {
  start: number;
  end: number;
}

export interface LiteralNode {
  type: "literal";
  value: string;
  span?: SourceSpan;
}

export interface ClassNode {
  type: "class";
  /** Flat, sorted, non-overlapping, non-adjacent inclusive ranges `[lo0, hi0, lo1, hi1, ...]` of code points. */
  ranges: number[];
  negated: boolean;
  span?: SourceSpan;
}

export interface AnyNode {
  type: "any";
  span?: SourceSpan;
}

export interface RefNode {
  type: "ref";
  name: string;
  span?: SourceSpan;
}

export interface SeqNode {
  type: "seq";
  items: Node[];
  span?: SourceSpan;
}

export interface AltNode {
  type: "alt";
  items: Node[];
  span?: SourceSpan;
}

export interface RepeatNode {
  type: "repeat";
  item: Node;
  min: number;
  /** `Infinity` for no upper bound. */
  max: number;
  span?: SourceSpan;
}

export interface RegexNode {
  type: "regex";
  /** ECMAScript pattern source, matched as a whole (implicitly anchored). */
  pattern: string;
  /** ECMAScript flags (`i`, `s`, `u`, `v`); `g`, `y`, `m`, `d` have no meaning here. */
  flags: string;
  span?: SourceSpan;
}

export interface LexemeNode {
  type: "lexeme";
  item: Node;
  /** A name for messages and for sharing caches between grammars (e.g. `json-string`). */
  name?: string;
  span?: SourceSpan;
}

/**
 * A language a front end has already built as a byte DFA (`combineLanguages`
 * of `@formwork/regex`: intersections and negations no pattern spells). The
 * engine turns it into one NFA state per DFA state, instead of the web of
 * small per-state rules `automatonToRules` writes (which right-linear
 * elimination and inlining multiply). The DFA must accept only well-formed
 * UTF-8 (what every `@formwork/regex` DFA of code points does) and is never
 * mutated once in a node.
 */
export interface AutomatonNode {
  type: "automaton";
  dfa: ByteDfa;
  /** A name for messages and printed grammars (e.g. `yaml-plain`). */
  name?: string;
  span?: SourceSpan;
}

export type Node = LiteralNode | ClassNode | AnyNode | RefNode | SeqNode | AltNode | RepeatNode | RegexNode | LexemeNode | AutomatonNode;

/** A grammar: rules by name and the name of the start rule. */
export interface Grammar {
  /** Rules in definition order. */
  rules: Map<string, Node>;
  /** The start rule; must be a key of `rules`. */
  root: string;
  /** Where each rule was defined in the source text, when the grammar came from text. */
  ruleSpans?: Map<string, SourceSpan>;
  /** The source text, when the grammar came from text (for caret excerpts in errors). */
  source?: string;
}

// ---------------------------------------------------------------------------
// Builders. They normalise as they go (flatten nested seq/alt, merge ranges)
// so that front ends can compose freely.

export function literal(value: string): LiteralNode {
  return { type: "literal", value };
}

/** A class from `[lo, hi]` pairs (any order, overlaps allowed); surrogates are removed. */
export function charClass(pairs: ReadonlyArray<readonly [number, number]>, negated = false): ClassNode {
  return { type: "class", ranges: normalizeRanges(pairs.flatMap(([a, b]) => [a, b])), negated };
}

export function any(): AnyNode {
  return { type: "any" };
}

export function ref(name: string): RefNode {
  return { type: "ref", name };
}

export function seq(...items: Node[]): Node {
  const flat: Node[] = [];
  for (const it of items) {
    if (it.type === "seq" && !it.span) flat.push(...it.items);
    else if (it.type === "literal" && it.value === "" && !it.span) continue;
    else flat.push(it);
  }
  if (flat.length === 1) return flat[0];
  return { type: "seq", items: flat };
}

export function alt(...items: Node[]): Node {
  const flat: Node[] = [];
  for (const it of items) {
    if (it.type === "alt" && !it.span) flat.push(...it.items);
    else flat.push(it);
  }
  if (flat.length === 1) return flat[0];
  return { type: "alt", items: flat };
}

export function repeat(item: Node, min: number, max: number = Infinity): RepeatNode {
  if (!Number.isInteger(min) || min < 0) throw new RangeError(`repeat min must be a non-negative integer, got ${min}`);
  if (max !== Infinity && (!Number.isInteger(max) || max < min)) throw new RangeError(`repeat max must be an integer >= min (${min}), got ${max}`);
  return { type: "repeat", item, min, max };
}

export const optional = (item: Node): RepeatNode => repeat(item, 0, 1);
export const star = (item: Node): RepeatNode => repeat(item, 0, Infinity);
export const plus = (item: Node): RepeatNode => repeat(item, 1, Infinity);

export function regex(pattern: string, flags = ""): RegexNode {
  return { type: "regex", pattern, flags };
}

export function lexeme(item: Node, name?: string): LexemeNode {
  return name === undefined ? { type: "lexeme", item } : { type: "lexeme", item, name };
}

/** A node of the strings `dfa` accepts (see {@link AutomatonNode}). */
export function automaton(dfa: ByteDfa, name?: string): AutomatonNode {
  return name === undefined ? { type: "automaton", dfa } : { type: "automaton", dfa, name };
}

/** A grammar from `[name, node]` pairs; the first rule is the root unless `root` is given. */
export function grammar(rules: Iterable<readonly [string, Node]>, root?: string): Grammar {
  const map = new Map(rules);
  const first = map.keys().next();
  const r = root ?? (first.done ? "root" : first.value);
  return { rules: map, root: r };
}

const SURROGATES = [0xd800, 0xdfff];
const ALL = [0, MAX_CODE_POINT];

/**
 * Sorts and merges flat inclusive ranges `[lo0, hi0, ...]`, clamps them to
 * `[0, MAX_CODE_POINT]` and removes the surrogate block (range algebra from
 * `@formwork/regex`).
 */
export function normalizeRanges(flat: readonly number[]): number[] {
  return [...charSetDifference(charSetIntersection(normalizeCharSet(flat), ALL), SURROGATES)];
}

/** The ranges a class actually matches, with negation applied (surrogates excluded). */
export function effectiveRanges(node: ClassNode): number[] {
  if (!node.negated) return node.ranges;
  return [...charSetDifference(charSetComplement(node.ranges, MAX_CODE_POINT), SURROGATES)];
}
