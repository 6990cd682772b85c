/**
 * From code-point languages (RNode) to the grammar IR over JSON text: string
 * contents are encoded the way `JSON.stringify` writes them (raw characters,
 * `\"`, `\\`, `\b \f \n \r \t`, `\u00XX` for other control characters), and
 * the grammar also accepts `\/` for `/`. Unconstrained strings accept every
 * JSON escape.
 */
import { alt, charClass, literal, repeat, seq, lexeme, type Node } from "@formwork/grammar";
import { subtractRanges, intersectRanges, type RNode } from "./regex-ast.js";

const SHORT: Record<number, string> = { 0x22: '\\"', 0x5c: "\\\\", 0x08: "\\b", 0x0c: "\\f", 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t", 0x2f: "\\/" };
/** Code points that JSON text cannot hold raw inside a string. */
const SPECIAL = [0, 0x1f, 0x22, 0x22, 0x5c, 0x5c];

function pairs(r: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < r.length; i += 2) out.push([r[i], r[i + 1]]);
  return out;
}

/** The JSON-text encodings of one code point drawn from the set `r`. */
const setCache = new Map<string, Node>();

export function encodedSet(r: number[]): Node {
  if (r.length === 4 && r[0] === 0 && r[1] === 0xd7ff && r[2] === 0xe000 && r[3] === 0x10ffff) return anyStringChar();
  const key = r.join(",");
  let hit = setCache.get(key);
  if (!hit) {
    hit = buildEncodedSet(r);
    if (setCache.size > 10000) setCache.clear();
    setCache.set(key, hit);
  }
  return hit;
}

function buildEncodedSet(r: number[]): Node {
  const raw = subtractRanges(r, SPECIAL);
  const items: Node[] = [];
  if (raw.length) items.push(charClass(pairs(raw)));
  // The escapes, factored: one "\\" then a class of short-escape letters or
  // "u00" and two hex digits, instead of one literal per code point.
  const specials = intersectRanges(r, [...SPECIAL, 0x2f, 0x2f]);
  const letters: [number, number][] = [];
  const low: [number, number][][] = [[], []];
  for (let i = 0; i < specials.length; i += 2) {
    for (let c = specials[i]; c <= specials[i + 1]; c++) {
      const short = SHORT[c];
      if (short) letters.push([short.charCodeAt(1), short.charCodeAt(1)]);
      else {
        const d = (c & 0xf).toString(16).charCodeAt(0);
        low[c >> 4].push([d, d]);
      }
    }
  }
  const after: Node[] = [];
  if (letters.length) after.push(charClass(letters));
  const hexes = low.flatMap((ds, hi) => (ds.length ? [seq(literal(String(hi)), charClass(ds))] : []));
  if (hexes.length) after.push(seq(literal("u00"), alt(...hexes)));
  if (after.length) items.push(seq(literal("\\"), alt(...after)));
  return items.length === 1 ? items[0] : alt(...items);
}

/**
 * Converts a code-point language to IR. With `encode`, each character becomes
 * its JSON string encodings; without, characters stand for themselves (for
 * number text).
 */
export function rnodeToIr(n: RNode, encode: boolean): Node {
  switch (n.k) {
    case "set":
      return encode ? encodedSet(n.r) : charClass(pairs(n.r));
    case "seq":
      return n.a.length === 0 ? literal("") : seq(...n.a.map((x) => rnodeToIr(x, encode)));
    case "alt":
      return n.a.length === 0 ? { type: "alt", items: [] } : alt(...n.a.map((x) => rnodeToIr(x, encode)));
    case "rep":
      return repeat(rnodeToIr(n.a, encode), n.min, n.max);
    case "bol":
    case "eol":
      throw new Error("internal: anchors must be removed before conversion");
  }
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

/** A JSON string whose decoded value is in the language `n`. */
export function stringOf(n: RNode, name: string): Node {
  return lexeme(seq(literal('"'), rnodeToIr(n, true), literal('"')), name);
}

/** The canonical JSON text of a string value (as `JSON.stringify` writes it). */
export function stringLiteral(s: string): Node {
  return literal(JSON.stringify(s));
}
