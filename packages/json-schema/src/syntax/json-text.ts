/**
 * JSON text of string values: a character-level language (an AST or a DFA
 * from `@formwork/regex`) spelled inside a JSON string literal, with the
 * escapes of `@formwork/regex`'s `JSON_STRING` quoting (raw characters, the
 * short escapes, `\/`, `\u00XX` for control characters). Unconstrained
 * strings accept every JSON escape.
 */
import { alt, charClass, literal, ref, repeat, seq, lexeme, type Node } from "@formwork/grammar";
import { astToIr, automatonToRules, otherThanToIr } from "@formwork/grammar/internal";
import { charSetDifference, charSetIntersection, JSON_STRING, quoteCharSet, type ByteDfa, type CharSet, type RegexAst } from "@formwork/regex";

/**
 * Spellings of sets by content: single code points by the code point, other
 * sets by a hash of their ranges (compared range by range on a hit). Sets are
 * mostly fresh arrays with a content seen before (the key languages' tries
 * build one per node), so neither a key string nor an entry by set object is
 * made per call. Bounded.
 */
const pointCache = new Map<number, Node>();
const setCache = new Map<number, { set: CharSet; node: Node }[]>();
let setCacheSize = 0;

function rangesHash(r: CharSet): number {
  let h = r.length;
  for (let i = 0; i < r.length; i++) h = Math.imul(h ^ r[i], 0x9e3779b1) ^ (h >>> 15);
  return h;
}

function sameRanges(a: CharSet, b: CharSet): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The JSON-text spellings of one code point drawn from the set `r`. Any code
 * point at all may also be written as a `\uXXXX` escape (a surrogate pair
 * counting as one). Shared nodes: do not mutate.
 */
export function encodedSet(r: CharSet): Node {
  if (r.length === 4 && r[0] === 0 && r[1] === 0xd7ff && r[2] === 0xe000 && r[3] === 0x10ffff) return countedStringChar();
  if (r.length === 2 && r[0] === 0 && r[1] === 0x10ffff) return countedStringChar();
  if (r.length === 2 && r[0] === r[1]) {
    let hit = pointCache.get(r[0]);
    if (hit === undefined) {
      if (pointCache.size > 10000) pointCache.clear();
      pointCache.set(r[0], (hit = astToIr(quoteCharSet(r, JSON_STRING))));
    }
    return hit;
  }
  const h = rangesHash(r);
  let bucket = setCache.get(h);
  if (bucket !== undefined) for (const e of bucket) if (sameRanges(e.set, r)) return e.node;
  const node = spellSet(r);
  if (setCacheSize > 10000) {
    setCache.clear();
    setCacheSize = 0;
    bucket = undefined;
  }
  if (bucket === undefined) setCache.set(h, (bucket = []));
  bucket.push({ set: r.slice(), node });
  setCacheSize++;
  return node;
}

/** The characters `JSON_STRING` has an escape for: which of them a set holds decides its escapes. */
const ESCAPABLE: CharSet = [0x00, 0x1f, 0x22, 0x22, 0x2f, 0x2f, 0x5c, 0x5c];

/** The escape alternatives' IR (each item of `quoteCharSet`'s escape part) by the escapable characters a set holds. Bounded. */
const escapeCache = new Map<string, Node[]>();

/**
 * `astToIr(quoteCharSet(r, JSON_STRING))`, with the escapes' half built once per subset of
 * {@link ESCAPABLE} (a key other than a few names: its sets differ in the raw characters only)
 * and shared: `quoteCharSet` is the raw characters, then the escapes of the escapable characters
 * the set holds, as the items of one alternative.
 */
function spellSet(r: CharSet): Node {
  const esc = charSetIntersection(r, ESCAPABLE);
  const key = esc.join(",");
  let escItems = escapeCache.get(key);
  if (escItems === undefined) {
    const q = quoteCharSet(esc, JSON_STRING);
    // `/` has an escape but is also raw: the items past the raw set are the escapes.
    const rawEsc = charSetDifference(esc, JSON_STRING.escaped).length > 0;
    const asts = q.kind === "alt" ? (rawEsc ? q.items.slice(1) : q.items) : rawEsc ? [] : [q];
    escItems = asts.map((a) => astToIr(a));
    if (escapeCache.size > 1000) escapeCache.clear();
    escapeCache.set(key, escItems);
  }
  const raw = charSetDifference(r, JSON_STRING.escaped);
  return raw.length > 0 ? alt(astToIr({ kind: "set", set: raw }), ...escItems) : alt(...escItems);
}

const HEX: [number, number][] = [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]];
const hex = () => charClass(HEX);

let anyChar: Node | null = null;
let countedChar: Node | null = null;
const lengthCache = new Map<string, Node>();

/** One encoded code point of an unconstrained JSON string (any escape allowed). Shared node: do not mutate. */
export function anyStringChar(): Node {
  return (anyChar ??= buildAnyStringChar());
}

function buildAnyStringChar(): Node {
  return alt(
    charClass([[0, 0x1f], [0x22, 0x22], [0x5c, 0x5c]], true),
    seq(literal("\\"), alt(charClass([[0x22, 0x22], [0x5c, 0x5c], [0x2f, 0x2f], [0x62, 0x62], [0x66, 0x66], [0x6e, 0x6e], [0x72, 0x72], [0x74, 0x74]]), seq(literal("u"), hex(), hex(), hex(), hex()))),
  );
}

/** One encoded code point, counted exactly: `\u` escapes of surrogates only as valid pairs. Shared node. */
export function countedStringChar(): Node {
  return (countedChar ??= buildCountedStringChar());
}

function buildCountedStringChar(): Node {
  const nonSurrogate = alt(seq(charClass([[0x30, 0x39], [0x41, 0x43], [0x45, 0x46], [0x61, 0x63], [0x65, 0x66]]), hex(), hex(), hex()), seq(charClass([[0x44, 0x44], [0x64, 0x64]]), charClass([[0x30, 0x37]]), hex(), hex()));
  const high = seq(charClass([[0x44, 0x44], [0x64, 0x64]]), charClass([[0x38, 0x39], [0x41, 0x42], [0x61, 0x62]]), hex(), hex());
  const low = seq(charClass([[0x44, 0x44], [0x64, 0x64]]), charClass([[0x43, 0x46], [0x63, 0x66]]), hex(), hex());
  return alt(
    charClass([[0, 0x1f], [0x22, 0x22], [0x5c, 0x5c]], true),
    seq(literal("\\"), charClass([[0x22, 0x22], [0x5c, 0x5c], [0x2f, 0x2f], [0x62, 0x62], [0x66, 0x66], [0x6e, 0x6e], [0x72, 0x72], [0x74, 0x74]])),
    seq(literal("\\u"), nonSurrogate),
    seq(literal("\\u"), high, literal("\\u"), low),
  );
}

/** A JSON string whose decoded length in code points lies in `[min, max]`. */
export function stringOfLength(min: number, max: number): Node {
  const key = `${min},${max}`;
  let hit = lengthCache.get(key);
  if (!hit) lengthCache.set(key, (hit = buildStringOfLength(min, max)));
  return hit;
}

function buildStringOfLength(min: number, max: number): Node {
  if (min === 0 && max === Infinity) return lexeme(seq(literal('"'), repeat(anyStringChar(), 0, Infinity), literal('"')), "json-string");
  return lexeme(seq(literal('"'), repeat(countedStringChar(), min, max), literal('"')), `json-string{${min},${max === Infinity ? "" : max}}`);
}

/** A JSON string whose decoded value is in the language of the anchor-free AST `n`. */
export function stringOf(n: RegexAst, name: string): Node {
  return lexeme(seq(literal('"'), astToIr(n, encodedSet), literal('"')), name);
}

/** {@link stringOtherThan}'s nodes by name and texts. Bounded. */
const otherThanNodes = new Map<string, Node>();

/**
 * A JSON string whose decoded value is none of `texts`: `stringOf(rx.otherThan(texts), name)`,
 * built straight as IR with its equal sub-tries shared (`otherThanToIr`), once per list of texts.
 */
export function stringOtherThan(texts: readonly string[], name: string): Node {
  const key = `${name}\u0000${JSON.stringify(texts)}`;
  let hit = otherThanNodes.get(key);
  if (hit === undefined) {
    hit = lexeme(seq(literal('"'), otherThanToIr(texts, encodedSet), literal('"')), name);
    if (otherThanNodes.size >= 1000) otherThanNodes.clear();
    otherThanNodes.set(key, hit);
  }
  return hit;
}

/**
 * A JSON string whose decoded value the DFA accepts: the quotes around one
 * right-linear rule per state, added to `rules` as `${prefix}${state}`.
 */
export function stringOfDfa(dfa: ByteDfa, rules: Map<string, Node>, prefix: string): Node {
  const states = automatonToRules(dfa, { prefix, chars: encodedSet, final: literal('"') });
  for (const [name, node] of states) rules.set(name, node);
  return seq(literal('"'), ref(states[0][0]));
}
