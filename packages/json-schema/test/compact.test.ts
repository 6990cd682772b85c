// Grammar size: the factored JSON escapes (encodedSet) and the compaction pass
// (compactGrammar) keep the language. Oracles: the JSON encodings of every code
// point checked one by one, and the reference recognizer run on sentences (and
// mutated near-sentences) of one grammar against the other.
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { alt, charClass, literal, ref, repeat, seq, lexeme, printGbnf, type Grammar, type Node } from "@formwork/grammar";
import { referenceMatch } from "@formwork/grammar/testing";
import { LimitError } from "@formwork/core";
import { compileSchema } from "@formwork/json-schema";
import { encodedSet } from "../src/syntax/json-text.js";
import { compactGrammar, sizeAtLeast } from "../src/compact.js";
import { IrSampler, rng } from "./ir-sample.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const maskbench = resolve(process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data"), "maskbench-dev");

/** Every string of at most 6 characters that could encode one code point below 0x80 inside a JSON string. */
function candidates(): string[] {
  const out: string[] = [];
  for (let c = 0; c < 0x80; c++) out.push(String.fromCharCode(c));
  for (let c = 0x20; c < 0x7f; c++) out.push(`\\${String.fromCharCode(c)}`);
  const hex = "0123456789abcdefABCDEF";
  for (const a of "01") for (const b of hex) out.push(`\\u00${a}${b}`, `\\U00${a}${b}`);
  for (const b of hex) out.push(`\\u007${b}`, `\\u002${b}`, `\\u005${b}`);
  return out;
}

describe("encodedSet", () => {
  const rand = rng(7);
  const sets: number[][] = [
    [0, 0x7f],
    [0, 0x1f],
    [0x22, 0x22, 0x5c, 0x5c],
    [0x2f, 0x2f],
    [0x08, 0x0a, 0x0c, 0x0d, 0x1a, 0x1b],
    [0x41, 0x5a],
    [0x10, 0x1f, 0x61, 0x7a],
  ];
  for (let i = 0; i < 30; i++) {
    // Random unions of intervals inside 0..0x7f.
    const cuts = [...new Set(Array.from({ length: 2 + Math.floor(rand() * 8) }, () => Math.floor(rand() * 0x80)))].sort((a, b) => a - b);
    const r: number[] = [];
    for (let j = 0; j + 1 < cuts.length; j += 2) r.push(cuts[j], cuts[j + 1]);
    if (r.length) sets.push(r);
  }
  const texts = candidates();
  it.each(sets.map((r) => [r.join(","), r] as const))("set %s accepts exactly the JSON encodings", (_, r) => {
    const g: Grammar = { rules: new Map([["root", encodedSet(r)]]), root: "root" };
    const expected = new Set<string>();
    for (let i = 0; i < r.length; i += 2) {
      for (let c = r[i]; c <= r[i + 1]; c++) {
        const ch = String.fromCharCode(c);
        expected.add(JSON.stringify(ch).slice(1, -1));
        if (c === 0x2f) expected.add("\\/");
      }
    }
    for (const t of texts) expect(referenceMatch(g, t).accepted, JSON.stringify(t)).toBe(expected.has(t));
  });
  it("writes each escape once, factored", () => {
    const text = printGbnf({ rules: new Map([["root", encodedSet([0, 0x7f])]]), root: "root" });
    expect(text.length).toBeLessThan(120);
  });
});

/** Sentences of `a` are sentences of `b`, and mutated sentences of either are accepted by both or neither. */
function sameLanguage(a: Grammar, b: Grammar, seed: number, n = 40): number {
  const rand = rng(seed);
  let checked = 0;
  for (const [x, y] of [[a, b], [b, a]] as const) {
    const sampler = new IrSampler(x);
    for (let i = 0; i < n; i++) {
      const s = sampler.sample(rand, 16);
      if (s === null) continue;
      expect(referenceMatch(y, s).accepted, `sentence ${JSON.stringify(s)}`).toBe(true);
      checked++;
      const cps = [...s];
      const at = Math.floor(rand() * (cps.length + 1));
      const muts = [
        [...cps.slice(0, at), ...cps.slice(at + 1)].join(""),
        [...cps.slice(0, at), cps[Math.floor(rand() * Math.max(1, cps.length))] ?? "a", ...cps.slice(at)].join(""),
        s + s,
      ];
      for (const m of muts) expect(referenceMatch(y, m).accepted, `mutant ${JSON.stringify(m)}`).toBe(referenceMatch(x, m).accepted);
    }
  }
  return checked;
}

/** Random grammars full of duplicates: copies of rules under other names, repeated subtrees, recursion. */
function randomGrammar(seed: number): Grammar {
  const rand = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const names = Array.from({ length: 8 }, (_, i) => `r${i}`);
  const pool: Node[] = [];
  const leaf = (): Node => pick([literal("a"), literal("bc"), charClass([[0x30, 0x32]]), literal("")]);
  const node = (depth: number, self: number): Node => {
    if (depth === 0 || rand() < 0.2) return leaf();
    if (pool.length && rand() < 0.3) return pick(pool);
    let out: Node;
    const k = Math.floor(rand() * 5);
    if (k === 0) out = seq(node(depth - 1, self), node(depth - 1, self), node(depth - 1, self));
    else if (k === 1) out = alt(node(depth - 1, self), node(depth - 1, self));
    else if (k === 2) out = repeat(node(depth - 1, self), Math.floor(rand() * 2), pick([1, 2, Infinity]));
    else if (k === 3) out = lexeme(node(depth - 1, self), pick(["x", "y"]));
    // References only to later rules, or guarded (after a literal) to any rule: no left recursion.
    else out = rand() < 0.5 && self + 1 < names.length ? ref(names[self + 1 + Math.floor(rand() * (names.length - self - 1))]) : seq(literal("("), ref(pick(names)), literal(")"));
    pool.push(out);
    return out;
  };
  const rules = new Map<string, Node>();
  for (let i = 0; i < names.length; i++) rules.set(names[i], node(4, i));
  // Copies under new names, referenced from the root.
  for (let i = 0; i < 4; i++) rules.set(`copy${i}`, rules.get(pick(names.slice(1)))!);
  rules.set("r0", alt(rules.get("r0")!, ...[0, 1, 2, 3].map((i) => seq(literal(`${i}`), ref(`copy${i}`)))));
  return { rules, root: "r0" };
}

/** Inlines references to rules off every cycle (copies), undoing what compaction shares. */
function expand(g: Grammar): Grammar {
  const onCycle = new Set<string>();
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    const refs: string[] = [];
    const walk = (n: Node): void => {
      if (n.type === "ref") refs.push(n.name);
      else if (n.type === "seq" || n.type === "alt") n.items.forEach(walk);
      else if (n.type === "repeat" || n.type === "lexeme") walk(n.item);
    };
    walk(g.rules.get(from)!);
    for (const r of refs) {
      if (r === to) return true;
      if (!seen.has(r)) (seen.add(r), 0);
      else continue;
      if (reaches(r, to, seen)) return true;
    }
    return false;
  };
  for (const name of g.rules.keys()) if (reaches(name, name)) onCycle.add(name);
  const inline = (n: Node, depth: number): Node => {
    switch (n.type) {
      case "ref":
        return onCycle.has(n.name) || depth > 6 ? n : inline(g.rules.get(n.name)!, depth + 1);
      case "seq":
        return { type: "seq", items: n.items.map((x) => inline(x, depth)) };
      case "alt":
        return { type: "alt", items: n.items.map((x) => inline(x, depth)) };
      case "repeat":
        return { ...n, item: inline(n.item, depth) };
      case "lexeme":
        return { ...n, item: inline(n.item, depth) };
      default:
        return n;
    }
  };
  return { rules: new Map([...g.rules].map(([k, v]) => [k, inline(v, 0)])), root: g.root };
}

describe("compactGrammar keeps the language", () => {
  it("merges rules with equal bodies and shares repeated subtrees", () => {
    const big = lexeme(seq(literal('"'), repeat(alt(charClass([[0x61, 0x7a]]), seq(literal("\\"), charClass([[0x6e, 0x6e]]))), 0, 40), literal('"')), "s");
    const g: Grammar = {
      rules: new Map<string, Node>([
        ["root", seq(ref("a"), literal(","), ref("b"), literal(","), big)],
        ["a", seq(literal("["), big, literal("]"))],
        ["b", seq(literal("["), big, literal("]"))],
      ]),
      root: "root",
    };
    const c = compactGrammar(g, 100);
    expect([...c.rules.keys()].sort()).toEqual(["a", "root", "shared0"]);
    expect(printGbnf(c)).toContain('root ::= a "," a "," shared0');
    sameLanguage(g, c, 1);
  });
  it("merges self-recursive rules that are equal up to the self-reference, and only those", () => {
    const body = (self: string, end: string) => alt(literal("}"), seq(literal(","), ref("entry"), ref(self)), literal(end));
    const g: Grammar = {
      rules: new Map<string, Node>([
        ["root", seq(ref("a"), literal("|"), ref("b"), literal("|"), ref("c"), literal("|"), ref("d"))],
        ["entry", seq(literal('"k"'), repeat(charClass([[0x30, 0x39]]), 1, 3))],
        ["a", body("a", "!")],
        ["b", body("b", "!")],
        ["c", body("c", "?")],
        // Refers to a, not to itself: equal to a's body text, but not the same equation.
        ["d", body("a", "?")],
      ]),
      root: "root",
    };
    const c = compactGrammar(g);
    expect([...c.rules.keys()].sort()).toEqual(["a", "c", "d", "entry", "root"]);
    expect(printGbnf(c)).toContain('root ::= a "|" a "|" c "|" d');
    expect(sameLanguage(g, c, 5)).toBeGreaterThan(20);
    for (const t of ['},"k"1!|!|?|,"k"12}', '!|!|?|,"k"1,"k"1!', '!|!|?|,"k"1?']) expect(referenceMatch(c, t).accepted, t).toBe(referenceMatch(g, t).accepted);
  });
  it("random grammars with copied rules and repeated subtrees", () => {
    let checked = 0;
    let merged = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const g = randomGrammar(seed);
      const c = compactGrammar(g, 20);
      if ([...c.rules.keys()].some((k) => k.startsWith("shared")) || c.rules.size < g.rules.size) merged++;
      checked += sameLanguage(g, c, seed);
    }
    expect(checked).toBeGreaterThan(1000);
    expect(merged).toBeGreaterThan(20);
  });
  const files = existsSync(maskbench) ? readdirSync(maskbench).sort().filter((_, i) => i % 97 === 5).slice(0, 16) : [];
  it.skipIf(files.length === 0)("MaskBench grammars: expanded copies compact back to the same language", () => {
    let checked = 0;
    for (const f of files) {
      let g: Grammar;
      try {
        g = compileSchema((JSON.parse(readFileSync(resolve(maskbench, f), "utf8")) as { schema: unknown }).schema, { whitespace: "compact" }).grammar;
      } catch {
        continue;
      }
      const e = expand(g);
      const c = compactGrammar(e);
      expect(printGbnf(c).length, f).toBeLessThanOrEqual(printGbnf(e).length);
      try {
        referenceMatch(e, "");
      } catch (err) {
        if (err instanceof LimitError) continue; // too big for the reference recognizer once expanded
        throw err;
      }
      checked += sameLanguage(e, c, checked + 1, 6);
    }
    expect(checked).toBeGreaterThan(30);
  });
});

describe("compiled values are memoised", () => {
  const big = (description: string) => ({ description, type: "object", properties: { name: { type: "string", maxLength: 20 }, tags: { type: "array", items: { type: "string", pattern: "^[a-z]+$" } }, size: { type: "integer", minimum: 0 } }, required: ["name"], additionalProperties: false });
  it("copies of a subschema (annotations aside) compile to one rule", () => {
    const two = compileSchema({ type: "object", properties: { a: big("first"), b: big("second"), c: big("third") } }, { whitespace: "compact" }).grammar;
    // The object's members are written once, and referenced from a, b and c.
    expect(printGbnf(two).split('"\\"tags\\""').length - 1).toBe(1);
    for (const t of ['{"a":{"name":"x"},"c":{"name":"y","size":3}}', '{"b":{"name":"","tags":["ab"]}}']) expect(referenceMatch(two, t).accepted, t).toBe(true);
    for (const t of ['{"b":{"name":"x","other":1}}', '{"c":{"size":3}}', '{"b":{"name":"x","tags":["A"]}}']) expect(referenceMatch(two, t).accepted, t).toBe(false);
  });
  it("a property named like an annotation is not an annotation", () => {
    const g = compileSchema({ type: "object", properties: { a: { type: "object", properties: { title: { type: "integer" } } }, b: { type: "object", properties: { title: { type: "string" } } } } }, { whitespace: "compact" }).grammar;
    expect(referenceMatch(g, '{"a":{"title":1},"b":{"title":"x"}}').accepted).toBe(true);
    expect(referenceMatch(g, '{"a":{"title":"x"}}').accepted).toBe(false);
    expect(referenceMatch(g, '{"b":{"title":1}}').accepted).toBe(false);
  });
  it("warnings are reported at every copy's pointer", () => {
    const s = { type: "object", properties: { when: { type: "string", format: "no-such-format" }, sub: { type: "object", properties: { x: { type: "string", format: "no-such-format" } } } } };
    const { warnings } = compileSchema({ type: "object", properties: { a: s, b: s, c: { allOf: [s] } } });
    expect(warnings.map((w) => w.pointer).sort()).toEqual(["/properties/a/properties/sub/properties/x/format", "/properties/a/properties/when/format", "/properties/b/properties/sub/properties/x/format", "/properties/b/properties/when/format", "/properties/c/allOf/0/properties/sub/properties/x/format", "/properties/c/allOf/0/properties/when/format"]);
  });
  it("a copy nested deeper still hits maxDepth", () => {
    const obj = (properties: Record<string, unknown>) => ({ type: "object", properties, additionalProperties: false });
    const s = obj({ x: obj({ y: { type: "integer" } }) });
    const deep = obj({ c: obj({ d: s }) });
    expect(() => compileSchema(obj({ a: s }), { maxDepth: 3 })).not.toThrow();
    expect(() => compileSchema(obj({ b: deep }), { maxDepth: 3 })).toThrow(/maxDepth/);
    expect(() => compileSchema(obj({ a: s, b: deep }), { maxDepth: 3 })).toThrow(/maxDepth/);
    expect(() => compileSchema(obj({ a: s, b: deep }), { maxDepth: 5 })).not.toThrow();
  });
});

describe("sizeAtLeast", () => {
  /** The engine's size estimate, computed in full. */
  const full = (n: Node): number => {
    switch (n.type) {
      case "literal":
        return n.value.length * 3 + 1;
      case "class":
      case "any":
        return 16;
      case "regex":
        return 64;
      case "ref":
        return 2;
      case "seq":
        return n.items.reduce((a, x) => a + full(x), 1);
      case "alt":
        return n.items.reduce((a, x) => a + full(x), 2);
      case "repeat":
        return full(n.item) * Math.max(1, n.max === Infinity ? n.min + 1 : n.max) + 2;
      case "lexeme":
        return full(n.item);
    }
  };
  it("agrees with the full estimate on random nodes and limits", () => {
    const rand = rng(3);
    const node = (d: number): Node => {
      const k = d === 0 ? 0 : Math.floor(rand() * 6);
      if (k === 0) return rand() < 0.5 ? literal("ab".repeat(Math.floor(rand() * 4))) : charClass([[0x61, 0x62]]);
      if (k === 1) return ref("x");
      if (k === 2) return { type: "seq", items: [node(d - 1), node(d - 1), node(d - 1)] };
      if (k === 3) return { type: "alt", items: [node(d - 1), node(d - 1)] };
      if (k === 4) return repeat(node(d - 1), Math.floor(rand() * 3), rand() < 0.3 ? Infinity : 3 + Math.floor(rand() * 20));
      return lexeme(node(d - 1));
    };
    for (let i = 0; i < 500; i++) {
      const n = node(4);
      const size = full(n);
      for (const limit of [1, 50, 400, size - 1, size, size + 1]) expect(sizeAtLeast(n, limit), `${limit} vs ${size}`).toBe(size >= limit);
    }
  });
});
