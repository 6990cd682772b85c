/**
 * A small regular-expression AST over Unicode code points, and a parser for
 * the ECMAScript subset JSON Schema `pattern`s use (ajv compiles patterns
 * with the `u` flag, so this parser follows `u`-mode semantics). Constructs a
 * finite automaton cannot express exactly (backreferences, lookaround, word
 * boundaries) are refused with `UnsupportedError`.
 */
import { UnsupportedError, CompileError } from "@formwork/core";
import { normalizeRanges, MAX_CODE_POINT } from "@formwork/grammar";

/** A regular language over code points: a set, a sequence, a union, a bounded repeat, or an anchor. */
export type RNode =
  | { k: "set"; r: number[] }
  | { k: "seq"; a: RNode[] }
  | { k: "alt"; a: RNode[] }
  | { k: "rep"; a: RNode; min: number; max: number }
  | { k: "bol" }
  | { k: "eol" };

/** The set of the given flat inclusive ranges. */
export const rset = (r: number[]): RNode => ({ k: "set", r: normalizeRanges(r) });
/** Concatenation. */
export const rseq = (...a: RNode[]): RNode => (a.length === 1 ? a[0] : { k: "seq", a });
/** Union (no items: the empty language). */
export const ralt = (...a: RNode[]): RNode => (a.length === 1 ? a[0] : { k: "alt", a });
/** Repetition between `min` and `max` times. */
export const rrep = (a: RNode, min: number, max: number): RNode => ({ k: "rep", a, min, max });
/** A literal string of code points. */
export function rlit(s: string): RNode {
  const items: RNode[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    items.push({ k: "set", r: [c, c] });
  }
  return items.length === 1 ? items[0] : { k: "seq", a: items };
}
/** Any code point. */
export const ANY_CP: RNode = { k: "set", r: normalizeRanges([0, MAX_CODE_POINT]) };
/** The empty string. */
export const EPS: RNode = { k: "seq", a: [] };

const DIGIT = [0x30, 0x39];
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
const SPACE = [9, 13, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff];
const LINE_TERMINATORS = [10, 10, 13, 13, 0x2028, 0x2029];

/** The complement of flat ranges within all code points. */
export function complementRanges(r: number[]): number[] {
  const n = normalizeRanges(r);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < n.length; i += 2) {
    if (n[i] > next) out.push(next, n[i] - 1);
    next = n[i + 1] + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return normalizeRanges(out);
}

/** Removes the ranges `b` from `a`. */
export function subtractRanges(a: number[], b: number[]): number[] {
  return intersectRanges(a, complementRanges(b));
}

/** The intersection of two range sets. */
export function intersectRanges(a: number[], b: number[]): number[] {
  const x = normalizeRanges(a);
  const y = normalizeRanges(b);
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const lo = Math.max(x[i], y[j]);
    const hi = Math.min(x[i + 1], y[j + 1]);
    if (lo <= hi) out.push(lo, hi);
    if (x[i + 1] < y[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

const propertyCache = new Map<string, number[]>();
function unicodeProperty(body: string, at: number, pattern: string): number[] {
  const cached = propertyCache.get(body);
  if (cached) return cached;
  let re: RegExp;
  try {
    re = new RegExp(`^\\p{${body}}$`, "u");
  } catch {
    throw new CompileError("invalid-pattern", `Unknown Unicode property \\p{${body}} in pattern ${JSON.stringify(pattern)} at offset ${at}`, {
      hint: "Use a property name that JavaScript's RegExp knows (e.g. \\p{L}, \\p{Script=Greek}).",
    });
  }
  const out: number[] = [];
  let start = -1;
  for (let c = 0; c <= MAX_CODE_POINT + 1; c++) {
    const ok = c <= MAX_CODE_POINT && (c < 0xd800 || c > 0xdfff) && re.test(String.fromCodePoint(c));
    if (ok && start < 0) start = c;
    if (!ok && start >= 0 && !(c >= 0xd800 && c <= 0xdfff)) {
      out.push(start, c - 1);
      start = -1;
    }
  }
  const norm = normalizeRanges(out);
  propertyCache.set(body, norm);
  return norm;
}

function caseFoldAscii(r: number[]): number[] {
  const out = [...r];
  const lower = intersectRanges(r, [0x61, 0x7a]);
  const upper = intersectRanges(r, [0x41, 0x5a]);
  for (let i = 0; i < lower.length; i += 2) out.push(lower[i] - 32, lower[i + 1] - 32);
  for (let i = 0; i < upper.length; i += 2) out.push(upper[i] + 32, upper[i + 1] + 32);
  return normalizeRanges(out);
}

/**
 * Parses an ECMAScript pattern (with `u`-flag semantics) into an RNode.
 * `flags` may contain `i` (ASCII case folding only, used for built-in
 * formats) and `s`. Throws `UnsupportedError` (code `unsupported-pattern`)
 * for constructs that are not regular and `CompileError` (`invalid-pattern`)
 * for syntax errors.
 */
export function parsePattern(pattern: string, flags = ""): RNode {
  let pos = 0;
  const fold = flags.includes("i");
  const dotAll = flags.includes("s");
  const unsupported = (what: string): never => {
    throw new UnsupportedError("unsupported-pattern", `The pattern ${JSON.stringify(pattern)} uses ${what} at offset ${pos}, which a finite automaton cannot enforce exactly`, {
      hint: "Rewrite the pattern without it (e.g. spell out the alternatives), or pass lenient: true to drop the pattern.",
    });
  };
  const invalid = (what: string): never => {
    throw new CompileError("invalid-pattern", `The pattern ${JSON.stringify(pattern)} is not a valid ECMAScript regex: ${what} at offset ${pos}`, {
      hint: "Fix the pattern so that new RegExp(pattern, 'u') accepts it.",
    });
  };
  const set = (r: number[]): RNode => ({ k: "set", r: fold ? caseFoldAscii(r) : normalizeRanges(r) });
  const peek = () => pattern[pos];
  const cpAt = () => pattern.codePointAt(pos)!;

  function parseAlt(): RNode {
    const branches: RNode[] = [parseSeq()];
    while (peek() === "|") {
      pos++;
      branches.push(parseSeq());
    }
    return branches.length === 1 ? branches[0] : { k: "alt", a: branches };
  }
  function parseSeq(): RNode {
    const items: RNode[] = [];
    while (pos < pattern.length && peek() !== "|" && peek() !== ")") {
      let atom = parseAtom();
      atom = parseQuantifier(atom);
      items.push(atom);
    }
    return items.length === 1 ? items[0] : { k: "seq", a: items };
  }
  function parseQuantifier(atom: RNode): RNode {
    for (;;) {
      const c = peek();
      let min: number;
      let max: number;
      if (c === "*") [min, max, pos] = [0, Infinity, pos + 1];
      else if (c === "+") [min, max, pos] = [1, Infinity, pos + 1];
      else if (c === "?") [min, max, pos] = [0, 1, pos + 1];
      else if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(pos));
        if (!m) invalid("a lone '{'");
        min = Number(m![1]);
        max = m![2] === undefined ? min : m![3] === "" ? Infinity : Number(m![3]);
        if (max < min) invalid("numbers out of order in {} quantifier");
        pos += m![0].length;
      } else return atom;
      if (peek() === "?") pos++; // lazy: same language
      if (atom.k === "bol" || atom.k === "eol") invalid("a quantifier on an assertion");
      atom = { k: "rep", a: atom, min, max };
    }
  }
  function parseAtom(): RNode {
    const c = peek();
    if (c === "(") {
      pos++;
      if (pattern.startsWith("?:", pos)) pos += 2;
      else if (pattern.startsWith("?=", pos) || pattern.startsWith("?!", pos)) unsupported("a lookahead");
      else if (pattern.startsWith("?<=", pos) || pattern.startsWith("?<!", pos)) unsupported("a lookbehind");
      else if (pattern.startsWith("?<", pos)) {
        const end = pattern.indexOf(">", pos);
        if (end < 0) invalid("an unterminated group name");
        pos = end + 1;
      } else if (peek() === "?") invalid("an unknown group kind");
      const inner = parseAlt();
      if (peek() !== ")") invalid("a missing ')'");
      pos++;
      return inner;
    }
    if (c === ")") invalid("an unmatched ')'");
    if (c === "^") return pos++, { k: "bol" };
    if (c === "$") return pos++, { k: "eol" };
    if (c === ".") {
      pos++;
      return set(dotAll ? [0, MAX_CODE_POINT] : complementRanges(LINE_TERMINATORS));
    }
    if (c === "[") return parseClass();
    if (c === "*" || c === "+" || c === "?" || c === "{") invalid("nothing to repeat");
    if (c === "]" || c === "}") invalid(`a lone '${c}' (u mode requires escaping it)`);
    if (c === "\\") {
      const r = parseEscape(false);
      if (r === "b") unsupported("a word boundary \\b");
      if (r === "B") unsupported("a non-word-boundary \\B");
      return set(r as number[]);
    }
    const cp = cpAt();
    pos += cp > 0xffff ? 2 : 1;
    return set([cp, cp]);
  }
  /** Parses an escape at `pos` (on the backslash); returns ranges, or "b"/"B". */
  function parseEscape(inClass: boolean): number[] | "b" | "B" {
    pos++;
    const c = peek();
    if (c === undefined) invalid("a trailing backslash");
    pos++;
    switch (c) {
      case "d": return DIGIT;
      case "D": return complementRanges(DIGIT);
      case "w": return WORD;
      case "W": return complementRanges(WORD);
      case "s": return SPACE;
      case "S": return complementRanges(SPACE);
      case "t": return [9, 9];
      case "n": return [10, 10];
      case "v": return [11, 11];
      case "f": return [12, 12];
      case "r": return [13, 13];
      case "b":
        return inClass ? [8, 8] : "b";
      case "B":
        if (inClass) invalid("\\B in a class");
        return "B";
      case "0":
        if (/[0-9]/.test(peek() ?? "")) invalid("an octal escape");
        return [0, 0];
      case "c": {
        const l = peek();
        if (!l || !/[a-zA-Z]/.test(l)) invalid("a bad \\c escape");
        pos++;
        const v = l!.charCodeAt(0) % 32;
        return [v, v];
      }
      case "x": {
        const m = /^[0-9a-fA-F]{2}/.exec(pattern.slice(pos));
        if (!m) invalid("a bad \\x escape");
        pos += 2;
        const v = parseInt(m![0], 16);
        return [v, v];
      }
      case "u": {
        if (peek() === "{") {
          const m = /^\{([0-9a-fA-F]+)\}/.exec(pattern.slice(pos));
          if (!m) invalid("a bad \\u{} escape");
          pos += m![0].length;
          const v = parseInt(m![1], 16);
          if (v > MAX_CODE_POINT) invalid("a code point above U+10FFFF");
          return [v, v];
        }
        const m = /^[0-9a-fA-F]{4}/.exec(pattern.slice(pos));
        if (!m) invalid("a bad \\u escape");
        pos += 4;
        let v = parseInt(m![0], 16);
        if (v >= 0xd800 && v <= 0xdbff) {
          const m2 = /^\\u(d[c-f][0-9a-f]{2})/i.exec(pattern.slice(pos));
          if (m2) {
            pos += 6;
            v = 0x10000 + ((v - 0xd800) << 10) + (parseInt(m2[1], 16) - 0xdc00);
          }
        }
        return [v, v];
      }
      case "p":
      case "P": {
        const m = /^\{([^}]*)\}/.exec(pattern.slice(pos));
        if (!m) invalid("a bad \\p escape");
        const at = pos;
        pos += m![0].length;
        const r = unicodeProperty(m![1], at, pattern);
        return c === "p" ? r : complementRanges(r);
      }
      case "k":
        return unsupported("a named backreference");
      default:
        if (/[1-9]/.test(c!)) unsupported("a backreference");
        if ("^$\\.*+?()[]{}|/".includes(c!) || (inClass && c === "-")) {
          const v = c!.charCodeAt(0);
          return [v, v];
        }
        return invalid(`an unknown escape \\${c}`);
    }
  }
  function parseClass(): RNode {
    pos++;
    let negated = false;
    if (peek() === "^") {
      negated = true;
      pos++;
    }
    const ranges: number[] = [];
    const atom = (): { single: number | null; r: number[] } => {
      if (peek() === "\\") {
        const r = parseEscape(true) as number[];
        return { single: r.length === 2 && r[0] === r[1] ? r[0] : null, r };
      }
      const cp = cpAt();
      pos += cp > 0xffff ? 2 : 1;
      return { single: cp, r: [cp, cp] };
    };
    while (peek() !== "]") {
      if (pos >= pattern.length) invalid("an unterminated class");
      const a = atom();
      if (peek() === "-" && pattern[pos + 1] !== "]" && pos + 1 < pattern.length) {
        pos++;
        const b = atom();
        if (a.single === null || b.single === null) invalid("a class escape in a range");
        if (a.single! > b.single!) invalid("a range out of order");
        ranges.push(a.single!, b.single!);
      } else ranges.push(...a.r);
    }
    pos++;
    let r = fold ? caseFoldAscii(ranges) : normalizeRanges(ranges);
    if (negated) r = complementRanges(r);
    return { k: "set", r };
  }

  const node = parseAlt();
  if (pos < pattern.length) invalid("an unmatched ')'");
  return node;
}

/** Whether the node contains an anchor anywhere. */
function hasAnchor(n: RNode): boolean {
  switch (n.k) {
    case "bol":
    case "eol":
      return true;
    case "set":
      return false;
    case "rep":
      return hasAnchor(n.a);
    default:
      return n.a.some(hasAnchor);
  }
}

/**
 * The language of strings in which `pattern` matches somewhere (JSON Schema
 * `pattern` semantics), as an anchor-free RNode. `^` and `$` are supported
 * at the start and end of top-level alternatives; elsewhere they are refused.
 */
export function searchLanguage(pattern: string, flags = ""): RNode {
  const node = parsePattern(pattern, flags);
  const branches = node.k === "alt" ? node.a : [node];
  const out: RNode[] = [];
  for (const b of branches) {
    let items = b.k === "seq" ? [...b.a] : [b];
    let start = false;
    let end = false;
    while (items.length && items[0].k === "bol") (start = true), items.shift();
    while (items.length && items[items.length - 1].k === "eol") (end = true), items.pop();
    // `^(a|b)$`-style inner alternation of anchored branches: flatten one level.
    if (items.length === 1 && items[0].k === "alt" && hasAnchor(items[0])) {
      throw new UnsupportedError("unsupported-pattern", `The pattern ${JSON.stringify(pattern)} uses ^ or $ inside a group`, {
        hint: "Move ^ and $ to the start and end of the top-level alternatives, or pass lenient: true.",
      });
    }
    if (items.some(hasAnchor)) {
      throw new UnsupportedError("unsupported-pattern", `The pattern ${JSON.stringify(pattern)} uses ^ or $ in the middle of an alternative`, {
        hint: "Move ^ and $ to the start and end of the top-level alternatives, or pass lenient: true.",
      });
    }
    const parts: RNode[] = [];
    if (!start) parts.push(rrep(ANY_CP, 0, Infinity));
    parts.push(...items);
    if (!end) parts.push(rrep(ANY_CP, 0, Infinity));
    out.push(rseq(...parts));
  }
  return ralt(...out);
}

/** The shortest and longest string lengths (in code points) of an anchor-free node; `max` may be Infinity. */
export function lengthBounds(n: RNode): { min: number; max: number } {
  switch (n.k) {
    case "set":
      return n.r.length ? { min: 1, max: 1 } : { min: Infinity, max: -Infinity };
    case "bol":
    case "eol":
      return { min: 0, max: 0 };
    case "seq": {
      let min = 0;
      let max = 0;
      for (const x of n.a) {
        const b = lengthBounds(x);
        min += b.min;
        max += b.max;
      }
      return { min, max };
    }
    case "alt": {
      let min = Infinity;
      let max = -Infinity;
      for (const x of n.a) {
        const b = lengthBounds(x);
        min = Math.min(min, b.min);
        max = Math.max(max, b.max);
      }
      return { min, max };
    }
    case "rep": {
      const b = lengthBounds(n.a);
      if (b.min === Infinity) return n.min === 0 ? { min: 0, max: 0 } : b;
      return { min: b.min * n.min, max: n.max === Infinity ? (b.max === 0 ? 0 : Infinity) : b.max * n.max };
    }
  }
}

/**
 * Intersects an anchor-free node with "length between lo and hi", when this
 * can be done exactly without an automaton product: when the node's lengths
 * already lie within the bounds, or when the node is a sequence of fixed-length
 * parts around one repeat of a single-character set. Returns null otherwise.
 */
export function withLength(n: RNode, lo: number, hi: number): RNode | null {
  const b = lengthBounds(n);
  if (b.min >= lo && b.max <= hi) return n;
  const items = n.k === "seq" ? n.a : [n];
  let varIndex = -1;
  let fixed = 0;
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    const xb = lengthBounds(x);
    if (xb.min === xb.max) {
      fixed += xb.min;
      continue;
    }
    if (varIndex >= 0 || x.k !== "rep" || x.a.k !== "set") return null;
    varIndex = i;
  }
  if (varIndex < 0) return b.min >= lo && b.max <= hi ? n : { k: "alt", a: [] };
  const v = items[varIndex] as Extract<RNode, { k: "rep" }>;
  const min = Math.max(v.min, lo - fixed);
  const max = Math.min(v.max, hi - fixed);
  if (max < min || max < 0) return { k: "alt", a: [] };
  const copy = [...items];
  copy[varIndex] = { k: "rep", a: v.a, min: Math.max(0, min), max };
  return { k: "seq", a: copy };
}
