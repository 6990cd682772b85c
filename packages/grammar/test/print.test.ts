import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Rng } from "@formwork/core";
import { alt, analyzeGrammar, charClass, grammar, literal, parseGbnf, printGbnf, ref, regex, repeat, seq, type Grammar, type Node } from "@formwork/grammar";
import { referenceMatch } from "@formwork/grammar/testing";
import { randomCfg, randomRegularGrammar, randomString, sampleSentence } from "./reference-random.js";

const GRAMMARS = resolve(import.meta.dirname, "../../../grammars");

/** Structure up to what printing does not keep: spans, lexemes, nesting of seq/alt, one-item groups, `""` vs `()`, `.` vs `[^]`. */
function norm(n: Node): unknown {
  switch (n.type) {
    case "literal":
      return n.value === "" ? ["seq"] : ["lit", n.value];
    case "any":
      return ["class", true, []];
    case "class":
      return ["class", n.negated, n.ranges];
    case "ref":
      return ["ref", n.name];
    case "regex":
      return ["regex", n.pattern, n.flags];
    case "lexeme":
      return norm(n.item);
    case "repeat":
      return ["rep", n.min, n.max, norm(n.item)];
    case "seq": {
      const items: unknown[] = [];
      for (const it of n.items) {
        const x = norm(it) as unknown[];
        if (x[0] === "seq") items.push(...x.slice(1));
        else items.push(x);
      }
      return items.length === 1 ? items[0] : ["seq", ...items];
    }
    case "alt": {
      const items: unknown[] = [];
      for (const it of n.items) {
        const x = norm(it) as unknown[];
        if (x[0] === "alt") items.push(...x.slice(1));
        else items.push(x);
      }
      if (items.length === 0) return ["class", false, []]; // both are the empty language; `[]` prints it
      return items.length === 1 ? items[0] : ["alt", ...items];
    }
  }
}
const normGrammar = (g: Grammar) => ({ root: g.root, rules: [...g.rules].map(([k, v]) => [k, norm(v)]) });

function sameLanguageOnSamples(a: Grammar, b: Grammar, rng: Rng): void {
  const texts = [""];
  for (let i = 0; i < 12; i++) texts.push(randomString(rng, 4));
  for (let i = 0; i < 12; i++) {
    const s = sampleSentence(a, rng);
    if (s !== null) texts.push(s, s.slice(0, -1));
  }
  for (const t of texts) {
    const ra = referenceMatch(a, t);
    const rb = referenceMatch(b, t);
    if (ra.accepted !== rb.accepted || ra.prefix !== rb.prefix) throw new Error(`${JSON.stringify(t)}: ${ra.accepted}/${ra.prefix} before printing, ${rb.accepted}/${rb.prefix} after`);
  }
}

describe("printGbnf", () => {
  it("round-trips random grammars: print → parse gives the same structure and the same language", () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.integer(), fc.boolean(), (seed, regular) => {
        const rng = new Rng(seed);
        const g = regular ? randomRegularGrammar(rng).grammar : randomCfg(rng);
        if (analyzeGrammar(g).errors.length > 0) return; // parseGbnf would refuse it: nothing to compare
        const text = printGbnf(g, { renameRoot: false });
        const back = parseGbnf(text, { root: g.root });
        // Regex nodes print as extra rules: only the language is the same then.
        if (!/"type":"regex"/.test(JSON.stringify([...g.rules.values()]))) expect(normGrammar(back)).toEqual(normGrammar(g));
        sameLanguageOnSamples(g, back, rng);
        checked++;
      }),
      { seed: 31337, numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  it("escapes any literal and class content so that it parses back", () => {
    const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 10 }), fc.array(fc.tuple(fc.nat(0x10ffff), fc.nat(300)), { maxLength: 5 }), fc.boolean(), (s, pairs, negated) => {
        fc.pre(wellFormed(s));
        const cls = charClass(pairs.map(([lo, w]) => [lo, Math.min(0x10ffff, lo + w)] as const), negated);
        const g = grammar([["root", seq(literal(s), alt(cls, literal("")))]]);
        const back = parseGbnf(printGbnf(g));
        expect(normGrammar(back)).toEqual(normGrammar(g));
      }),
      { seed: 4242, numRuns: 500 },
    );
  });

  it("round-trips every grammar in grammars/", () => {
    for (const f of readdirSync(GRAMMARS).filter((f) => f.endsWith(".gbnf"))) {
      const g = parseGbnf(readFileSync(resolve(GRAMMARS, f), "utf8"));
      const back = parseGbnf(printGbnf(g));
      expect(normGrammar(back), f).toEqual(normGrammar(g));
    }
  });

  it("prints the root first, as root, and rewrites names GBNF cannot spell", () => {
    const g = grammar(
      [
        ["item_list", seq(ref("item.x"), repeat(seq(literal(","), ref("item.x")), 0, Infinity))],
        ["item.x", repeat(charClass([[0x61, 0x7a]]), 1, 3)],
        ["item-x", literal("unused")],
      ],
      "item_list",
    );
    const text = printGbnf(g);
    expect(text).toBe('root ::= item-x-2 ("," item-x-2)*\nitem-x-2 ::= [a-z]{1,3}\nitem-x ::= "unused"\n');
    const back = parseGbnf(text);
    expect(referenceMatch(back, "ab,c").accepted).toBe(true);
    expect(printGbnf(g, { renameRoot: false }).startsWith("item-list ::=")).toBe(true);
  });

  it("prints precedence with parentheses only where needed", () => {
    const items: Node[] = [alt(literal("a"), literal("b")), repeat(seq(literal("c"), literal("d")), 2, 2), repeat(repeat(literal("e"), 0, Infinity), 0, 1), { type: "seq", items: [] }];
    const g = grammar([["root", { type: "seq", items }]]);
    expect(printGbnf(g)).toBe('root ::= ("a" | "b") ("c" "d"){2} ("e"*)? ""\n');
  });

  it("prints regex nodes as rules spelling out their automaton", () => {
    const g = grammar([
      ["root", seq(literal("id="), regex("[a-z][a-z0-9_]{0,3}|\\d+", ""), literal(";"))],
      ["root-re0-s0", literal("taken")],
    ]);
    const text = printGbnf(g);
    expect(text).toContain("root-re1-s0");
    const back = parseGbnf(text.replace(/\n/g, "\n"), {});
    const re = /^id=(?:[a-z][a-z0-9_]{0,3}|\d+);$/;
    for (const t of ["id=a;", "id=ab_9;", "id=abcde;", "id=42;", "id=;", "id=_a;", "id=7a;", "id=a1b2;"]) {
      expect(referenceMatch(back, t).accepted, t).toBe(re.test(t));
      expect(referenceMatch(g, t).accepted, t).toBe(re.test(t));
    }
  });
});
