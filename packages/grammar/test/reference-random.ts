// Test helpers (not a test file): random grammars, their sentences, and a
// brute-force membership/prefix oracle that shares no code with the Earley
// recognizer.
import { Rng } from "@formwork/core";
import { alt, any, charClass, regex, grammar, lexeme, literal, ref, repeat, seq, type Grammar, type Node } from "@formwork/grammar";
import { effectiveRanges } from "@formwork/grammar/internal";

/** Characters of 1, 2, 3 and 4 UTF-8 bytes. */
export const ALPHABET = ["a", "b", "c", "é", "€", "😀"];
const CPS = ALPHABET.map((c) => c.codePointAt(0)!);

export const int = (rng: Rng, n: number): number => Math.floor(rng.next() * n);
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

export function randomString(rng: Rng, maxLen: number): string {
  let s = "";
  const n = int(rng, maxLen + 1);
  for (let i = 0; i < n; i++) s += pick(rng, ALPHABET);
  return s;
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

function randomClass(rng: Rng): { node: Node; re: string } {
  const members = CPS.filter(() => rng.next() < 0.4);
  const pairs = members.map((c) => [c, c] as const);
  if (rng.next() < 0.2) pairs.push([0x61, 0x63]);
  const negated = rng.next() < 0.25;
  const node = charClass(pairs, negated);
  const body = pairs.map(([a, b]) => (a === b ? escapeRe(String.fromCodePoint(a)) : `${escapeRe(String.fromCodePoint(a))}-${escapeRe(String.fromCodePoint(b))}`)).join("");
  return { node, re: `[${negated ? "^" : ""}${body}]` };
}

/**
 * A random regular grammar (references only to earlier, non-recursive
 * rules) and the equivalent JavaScript regex (flags `su`, anchored).
 */
export function randomRegularGrammar(rng: Rng): { grammar: Grammar; regex: RegExp } {
  const rules: [string, Node][] = [];
  const res = new Map<string, string>();
  const gen = (depth: number): { node: Node; re: string } => {
    const k = depth <= 0 ? int(rng, 3) : int(rng, 9);
    switch (k) {
      case 0: {
        const s = randomString(rng, 2);
        return { node: literal(s), re: escapeRe(s) };
      }
      case 1:
        return randomClass(rng);
      case 2:
        if (rules.length > 0 && rng.next() < 0.6) {
          const [name] = pick(rng, rules);
          return { node: ref(name), re: `(?:${res.get(name)})` };
        }
        if (rng.next() < 0.5) return { node: any(), re: "." };
        {
          const c = pick(rng, ALPHABET);
          return { node: literal(c), re: escapeRe(c) };
        }
      case 3:
      case 4: {
        const items = Array.from({ length: int(rng, 4) }, () => gen(depth - 1));
        return { node: { type: "seq", items: items.map((i) => i.node) }, re: items.map((i) => `(?:${i.re})`).join("") };
      }
      case 5:
      case 6: {
        const items = Array.from({ length: int(rng, 4) }, () => gen(depth - 1));
        if (items.length === 0) return { node: { type: "alt", items: [] }, re: "[]" };
        return { node: { type: "alt", items: items.map((i) => i.node) }, re: `(?:${items.map((i) => i.re).join("|")})` };
      }
      case 7: {
        const it = gen(depth - 1);
        const min = int(rng, 3);
        const max = rng.next() < 0.4 ? Infinity : min + int(rng, 3);
        return { node: repeat(it.node, min, max), re: `(?:${it.re}){${min},${max === Infinity ? "" : max}}` };
      }
      default: {
        const it = gen(depth - 1);
        // A regex node with the same pattern: exercises @formwork/regex and its translation to rules.
        if (rng.next() < 0.5) return { node: regex(it.re, "su"), re: it.re };
        return { node: lexeme(it.node, "x"), re: it.re };
      }
    }
  };
  const nRules = 1 + int(rng, 3);
  for (let i = 0; i < nRules; i++) {
    const { node, re } = gen(3);
    const name = `r${i}`;
    rules.push([name, node]);
    res.set(name, re);
  }
  const [rootName] = rules[rules.length - 1];
  return { grammar: grammar([...rules].reverse(), rootName), regex: new RegExp(`^(?:${res.get(rootName)})$`, "su") };
}

/** A random context-free grammar: any rule may refer to any rule (left recursion, nullable cycles, empty rules included). */
export function randomCfg(rng: Rng): Grammar {
  const n = 1 + int(rng, 4);
  const names = Array.from({ length: n }, (_, i) => (i === 0 ? "root" : `r${i}`));
  const gen = (depth: number): Node => {
    const k = depth <= 0 ? int(rng, 3) : int(rng, 8);
    switch (k) {
      case 0:
        return literal(pick(rng, ["", "a", "b", "ab", "é", "😀"]));
      case 1:
        return rng.next() < 0.7 ? randomClass(rng).node : any();
      case 2:
        return ref(pick(rng, names));
      case 3:
      case 4:
        return seq(...Array.from({ length: int(rng, 4) }, () => gen(depth - 1)));
      case 5:
      case 6:
        return alt(...Array.from({ length: 1 + int(rng, 3) }, () => gen(depth - 1)));
      default: {
        const min = int(rng, 3);
        return repeat(gen(depth - 1), min, rng.next() < 0.4 ? Infinity : min + int(rng, 3));
      }
    }
  };
  return grammar(names.map((name) => [name, gen(3)] as const), "root");
}

/** A random sentence of `g` (null when the random walk hit an empty language or went too deep). */
export function sampleSentence(g: Grammar, rng: Rng, maxDepth = 12): string | null {
  return sampleDerivation(g, rng, maxDepth)?.text ?? null;
}

/**
 * A random sentence of `g` and where each rule used in its derivation ended: `ends` holds
 * `[rule, offset]` pairs, the offset (UTF-16, into `text`) right after the rule's string. Null
 * when the random walk hit an empty language, a regex, or went deeper than `maxDepth`.
 */
export function sampleDerivation(g: Grammar, rng: Rng, maxDepth = 12): { text: string; ends: [string, number][] } | null {
  let text = "";
  const ends: [string, number][] = [];
  const go = (node: Node, depth: number): boolean => {
    if (depth > maxDepth) return false;
    switch (node.type) {
      case "literal":
        text += node.value;
        return true;
      case "any":
        text += pick(rng, ALPHABET);
        return true;
      case "class": {
        const r = effectiveRanges(node);
        const inAlpha = CPS.filter((c) => inR(r, c));
        if (inAlpha.length > 0 && rng.next() < 0.8) {
          text += String.fromCodePoint(pick(rng, inAlpha));
          return true;
        }
        if (r.length === 0) return false;
        const i = 2 * int(rng, r.length / 2);
        text += String.fromCodePoint(r[i] + int(rng, Math.min(r[i + 1] - r[i] + 1, 1000)));
        return true;
      }
      case "ref": {
        const b = g.rules.get(node.name);
        if (!b || !go(b, depth + 1)) return false;
        ends.push([node.name, text.length]);
        return true;
      }
      case "seq":
        for (const it of node.items) if (!go(it, depth + 1)) return false;
        return true;
      case "alt":
        return node.items.length > 0 && go(pick(rng, node.items), depth + 1);
      case "repeat": {
        const hi = node.max === Infinity ? node.min + 2 : node.max;
        const count = node.min + int(rng, hi - node.min + 1);
        for (let i = 0; i < count; i++) if (!go(node.item, depth + 1)) return false;
        return true;
      }
      case "lexeme":
        return go(node.item, depth + 1);
      case "regex":
      case "automaton":
        return false;
    }
  };
  return go(g.rules.get(g.root)!, 0) ? { text, ends } : null;
}

function inR(r: readonly number[], c: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (r[i] <= c && c <= r[i + 1]) return true;
  return false;
}

/**
 * Brute force over one text: `full(rule, i, j)` (the rule derives
 * text[i..j)) and `pre(rule, i)` (the rule derives a string that starts with
 * text[i..n)), as least fixpoints over all spans. Exponential-free but
 * O(n^3 · grammar) per iteration: for texts of a few characters.
 */
export function bruteForce(g: Grammar, text: string): { member: boolean; prefix: boolean } {
  const s = [...text].map((c) => c.codePointAt(0)!);
  const n = s.length;
  const names = [...g.rules.keys()];
  const FULL = new Map(names.map((r) => [r, Array.from({ length: n + 1 }, () => new Array<boolean>(n + 1).fill(false))]));
  const PRE = new Map(names.map((r) => [r, new Array<boolean>(n + 1).fill(false)]));

  const full = (node: Node, i: number, j: number): boolean => {
    switch (node.type) {
      case "literal": {
        const v = [...node.value].map((c) => c.codePointAt(0)!);
        return v.length === j - i && v.every((c, k) => s[i + k] === c);
      }
      case "class":
        return j === i + 1 && inR(effectiveRanges(node), s[i]);
      case "any":
        return j === i + 1 && !(s[i] >= 0xd800 && s[i] <= 0xdfff);
      case "ref":
        return FULL.get(node.name)?.[i][j] ?? false;
      case "lexeme":
        return full(node.item, i, j);
      case "alt":
        return node.items.some((it) => full(it, i, j));
      case "seq": {
        let pos = new Set([i]);
        for (const it of node.items) {
          const nextPos = new Set<number>();
          for (const p of pos) for (let q = p; q <= j; q++) if (full(it, p, q)) nextPos.add(q);
          pos = nextPos;
        }
        return pos.has(j);
      }
      case "repeat": {
        let pos = new Set([i]);
        const cap = Math.min(node.max, node.min + n + 1);
        for (let c = 0; ; c++) {
          if (c >= node.min && pos.has(j)) return true;
          if (c >= cap || pos.size === 0) return false;
          const nextPos = new Set<number>();
          for (const p of pos) for (let q = p; q <= j; q++) if (full(node.item, p, q)) nextPos.add(q);
          pos = nextPos;
        }
      }
      case "regex":
        throw new Error("regex not supported by the brute-force oracle");
    }
  };
  /** node derives some w with text[i..n) a prefix of w. */
  const pre = (node: Node, i: number): boolean => {
    switch (node.type) {
      case "literal": {
        const v = [...node.value].map((c) => c.codePointAt(0)!);
        return n - i <= v.length && s.slice(i).every((c, k) => v[k] === c);
      }
      case "class":
        return i === n ? effectiveRanges(node).length > 0 : full(node, i, n);
      case "any":
        return i === n || full(node, i, n);
      case "ref":
        return PRE.get(node.name)?.[i] ?? false;
      case "lexeme":
        return pre(node.item, i);
      case "alt":
        return node.items.some((it) => pre(it, i));
      case "seq": {
        let pos = new Set([i]);
        for (let k = 0; k < node.items.length; k++) {
          const it = node.items[k];
          for (const p of pos) if (pre(it, p) && node.items.slice(k + 1).every((r) => pre(r, n))) return true;
          const nextPos = new Set<number>();
          for (const p of pos) for (let q = p; q <= n; q++) if (full(it, p, q)) nextPos.add(q);
          pos = nextPos;
        }
        return pos.has(n);
      }
      case "repeat": {
        let pos = new Set([i]);
        const cap = Math.min(node.max, node.min + n + 1);
        const itemProductive = pre(node.item, n);
        for (let c = 0; ; c++) {
          if (c >= node.min && pos.has(n)) return true;
          if (c >= cap || pos.size === 0) return false;
          // Stop inside repetition c+1, then finish the remaining required ones.
          const rest = Math.max(0, node.min - c - 1);
          if (rest === 0 || itemProductive) for (const p of pos) if (pre(node.item, p)) return true;
          const nextPos = new Set<number>();
          for (const p of pos) for (let q = p; q <= n; q++) if (full(node.item, p, q)) nextPos.add(q);
          pos = nextPos;
        }
      }
      case "regex":
        throw new Error("regex not supported by the brute-force oracle");
    }
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of names) {
      const body = g.rules.get(name)!;
      const F = FULL.get(name)!;
      const P = PRE.get(name)!;
      for (let i = 0; i <= n; i++) {
        for (let j = i; j <= n; j++) {
          if (!F[i][j] && full(body, i, j)) {
            F[i][j] = true;
            changed = true;
          }
        }
        if (!P[i] && pre(body, i)) {
          P[i] = true;
          changed = true;
        }
      }
    }
  }
  return { member: FULL.get(g.root)?.[0][n] ?? false, prefix: PRE.get(g.root)?.[0] ?? false };
}

/** The code points worth trying as the completion of a partial UTF-8 tail in `[lo, hi]`: every boundary of every class and literal of `g`, clipped. */
export function candidateCodePoints(g: Grammar, lo: number, hi: number): number[] {
  const pts = new Set<number>([lo, hi, ...CPS]);
  const visit = (node: Node): void => {
    if (node.type === "class") for (const v of node.ranges) for (const d of [-1, 0, 1]) pts.add(v + d);
    else if (node.type === "literal") for (const c of node.value) pts.add(c.codePointAt(0)!);
    else if (node.type === "seq" || node.type === "alt") node.items.forEach(visit);
    else if (node.type === "repeat" || node.type === "lexeme") visit(node.item);
  };
  g.rules.forEach(visit);
  return [...pts].filter((c) => c >= lo && c <= hi && !(c >= 0xd800 && c <= 0xdfff));
}
