// The regex layer against RegExp on real schema patterns: every `pattern` and
// `patternProperties` key found in MaskBench-dev (../shared/data, or
// FORMWORK_SHARED_DATA; skipped without it), read as JSON Schema reads them
// (`new RegExp(p, "u").test(s)`, a match anywhere).
//
// For each pattern that `@formwork/regex` accepts: the AST route the schema
// compiler uses (`searchAst(parseRegex(p))` → `compileAst`) gives the same
// minimal DFA as `compileRegex(p, { mode: "search" })`; strings sampled from
// the language, mutations of them, and strings sampled from its complement
// are judged like RegExp judges them; and the JSON-string quoted language
// accepts `JSON.stringify(s)` (without quotes) exactly when RegExp accepts s.
// Refusals are counted by code and printed (never silently skipped).
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Rng } from "@formwork/core";
import {
  JSON_STRING,
  compileAst,
  compileRegex,
  complementLanguage,
  matchesText,
  parseRegex,
  quoteAst,
  sameDfa,
  sampleMatch,
  searchAst,
  type ByteDfa,
} from "@formwork/regex";

const repoRoot = resolve(import.meta.dirname, "..");
const dataDir = resolve(process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data"), "maskbench-dev");

function schemaPatterns(): string[] {
  const out = new Set<string>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) for (const v of x) walk(v);
    else if (x !== null && typeof x === "object") {
      const o = x as Record<string, unknown>;
      if (typeof o.pattern === "string") out.add(o.pattern);
      if (o.patternProperties !== null && typeof o.patternProperties === "object") for (const k of Object.keys(o.patternProperties)) out.add(k);
      for (const v of Object.values(o)) walk(v);
    }
  };
  for (const f of readdirSync(dataDir).sort()) walk((JSON.parse(readFileSync(resolve(dataDir, f), "utf8")) as { schema: unknown }).schema);
  return [...out].filter((p) => {
    try {
      new RegExp(p, "u");
      return true;
    } catch {
      return false; // not a JSON Schema pattern at all (ajv refuses it too)
    }
  });
}


/** Small edits of `s`: drop, double or replace one character, and append one. */
function mutations(s: string, rng: Rng): string[] {
  const chars = [...s];
  const pick = () => ["a", "Z", "0", "-", " ", "é", "😀", "\n", "/", "."][Math.floor(rng.next() * 10)];
  const out: string[] = [s + pick(), pick() + s];
  if (chars.length > 0) {
    const i = Math.floor(rng.next() * chars.length);
    out.push([...chars.slice(0, i), ...chars.slice(i + 1)].join(""));
    out.push([...chars.slice(0, i), chars[i], ...chars.slice(i)].join(""));
    out.push([...chars.slice(0, i), pick(), ...chars.slice(i + 1)].join(""));
  }
  return out;
}

describe.skipIf(!existsSync(dataDir))("the regex layer on MaskBench-dev schema patterns", () => {
  it("agrees with RegExp (u flag, search) on samples, mutations and complement samples", () => {
    const patterns = schemaPatterns();
    const refused = new Map<string, number>();
    let checked = 0;
    let strings = 0;
    const rng = new Rng(2026);
    for (const p of patterns) {
      let dfa: ByteDfa;
      try {
        const ast = searchAst(parseRegex(p, { flags: "u" }));
        dfa = compileAst(ast);
        expect([p, sameDfa(dfa, compileRegex(p, { flags: "u", mode: "search" }))]).toEqual([p, true]);
        const re = new RegExp(p, "u");
        const quoted = compileAst(quoteAst(ast, JSON_STRING));
        const not = complementLanguage(dfa);
        const texts: string[] = [];
        for (let i = 0; i < 6; i++) {
          const s = sampleMatch(dfa, rng, { softMaxBytes: 24 });
          if (s !== undefined) texts.push(s, ...mutations(s, rng));
          const t = sampleMatch(not, rng, { softMaxBytes: 24 });
          if (t !== undefined) texts.push(t);
        }
        for (const s of texts) {
          const want = re.test(s);
          if (matchesText(dfa, s) !== want || matchesText(quoted, JSON.stringify(s).slice(1, -1)) !== want) {
            throw new Error(`/${p}/u on ${JSON.stringify(s)}: RegExp says ${want}`);
          }
        }
        strings += texts.length;
        checked++;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === undefined) throw e;
        refused.set(code, (refused.get(code) ?? 0) + 1);
      }
    }
    console.log(`schema patterns: ${patterns.length} valid under u, ${checked} compiled and checked on ${strings} strings; refused ${JSON.stringify(Object.fromEntries(refused))}`);
    // Refusals are constructs no automaton expresses (lookaround, backreferences, \b) or named limits.
    for (const code of refused.keys()) expect(code).toMatch(/^regex-(lookahead|lookbehind|backreference|word-boundary|dfa-limit|nfa-limit|repetition-limit)$/);
    expect(checked).toBeGreaterThan(patterns.length * 0.9);
  }, 600_000);
});
