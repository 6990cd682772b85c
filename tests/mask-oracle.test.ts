// The brute-force mask oracle: at reachable states of many grammars, the mask the engine computes
// (token cache, slices, character runs, escape walks) must equal, token for token over the whole
// Qwen vocabulary (151k ids), what `acceptToken` says for each token, which feeds the token's
// bytes through the matcher one by one and shares no code with the cache.
//
// Grammars: every grammars/*.gbnf, random regexes of character-set runs (sets of at least 32 ASCII
// characters, where runs and slices apply, changing from one piece to the next, with counts past
// the longest token), and MaskBench-dev schemas (every 250th file, when ../shared/data exists).
// States: the steps of valid texts tokenized by the Qwen tokenizer, and random walks that take
// long allowed tokens (deep into bounded repetitions).
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Rng, TokenMask, type Vocabulary } from "@formwork/core";
import { GrammarCompiler, parseGbnf, type CompiledGrammar, type GrammarMatcher } from "@formwork/grammar";
import { compileSchema, stringifyYaml } from "@formwork/json-schema";
import { hfTokenizer, qwenVocabulary } from "@formwork/testkit";

const repoRoot = resolve(import.meta.dirname, "..");
const dataDir = resolve(process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data"), "maskbench-dev");

/** Differences between the matcher's mask and brute force at its current state (at most 5 listed). */
function diffAtState(m: GrammarMatcher, vocab: Vocabulary, mask: TokenMask, allowed: number[]): string[] {
  m.fillNextTokenMask(mask);
  allowed.length = 0;
  const diff: string[] = [];
  for (let id = 0; id < vocab.size; id++) {
    const ok = m.acceptToken(id);
    if (ok) {
      m.rollback(1);
      allowed.push(id);
    }
    if (ok !== mask.has(id) && diff.length < 5) diff.push(`${id} ${JSON.stringify(vocab.textOf(id))} brute=${ok} mask=${mask.has(id)}`);
  }
  return diff;
}

/**
 * Checks the mask at each step of `ids` (a text's tokens) or, when `ids` is null, of a random walk
 * of `steps` tokens (the longest of four random allowed tokens each time). Returns the differences.
 */
function walk(g: CompiledGrammar, ids: number[] | null, steps: number, rng: Rng): string[] {
  const vocab = g.vocabulary;
  const m = g.createMatcher();
  const mask = new TokenMask(vocab.size);
  const allowed: number[] = [];
  const bad: string[] = [];
  const prefix: string[] = [];
  for (let i = 0; i < steps; i++) {
    const diff = diffAtState(m, vocab, mask, allowed);
    if (diff.length) bad.push(`after ${JSON.stringify(prefix.join(""))}: ${diff.join("; ")}`);
    let next: number;
    if (ids !== null) {
      if (i >= ids.length) break;
      next = ids[i];
    } else {
      const text = allowed.filter((id) => vocab.isText(id));
      if (text.length === 0) break;
      next = text[rng.nextUint32() % text.length];
      for (let k = 0; k < 3; k++) {
        const t = text[rng.nextUint32() % text.length];
        if (vocab.bytesOf(t).length > vocab.bytesOf(next).length) next = t;
      }
    }
    if (!m.acceptToken(next)) {
      bad.push(`after ${JSON.stringify(prefix.join(""))}: token ${next} ${JSON.stringify(vocab.textOf(next))} refused`);
      break;
    }
    prefix.push(vocab.textOf(next));
  }
  return bad;
}

/** A random pattern of 1..3 pieces, each a run of one character set with a count (some past the longest token). */
function randomRunPattern(rng: Rng): string {
  const sets = ["[a-zA-Z]", "[A-Z0-9]", "[a-z0-9 ]", "\\w", "[a-zA-Z .,-]", "[^\"\\\\]", ".", "[A-Za-z0-9_-]", "[0-9A-F]", "[!-~]"];
  const pick = () => sets[rng.nextUint32() % sets.length];
  const count = (first: boolean) => {
    const big = [150, 200, 300][rng.nextUint32() % 3];
    const small = 1 + (rng.nextUint32() % 6);
    // A short first piece half the time: then the next set starts within one token's reach.
    switch (first && rng.nextUint32() % 2 === 0 ? rng.nextUint32() % 2 : rng.nextUint32() % 5) {
      case 0: return `{${small}}`;
      case 1: return `{0,${small}}`;
      case 2: return `{${big}}`;
      case 3: return `{${small},${big}}`;
      default: return "*";
    }
  };
  const n = 1 + (rng.nextUint32() % 3);
  let p = "^";
  for (let i = 0; i < n; i++) p += pick() + count(i === 0);
  return `${p}$`;
}

describe("masks equal brute force over the whole vocabulary (Qwen, acceptToken on every token)", () => {
  const vocab = qwenVocabulary();

  const gbnfFiles = readdirSync(resolve(repoRoot, "grammars")).filter((f) => f.endsWith(".gbnf")).sort();
  for (const file of gbnfFiles) {
    it(`grammars/${file}`, async () => {
      const tok = await hfTokenizer("qwen3");
      const g = new GrammarCompiler(vocab).compile(parseGbnf(readFileSync(resolve(repoRoot, "grammars", file), "utf8")));
      const cases = readFileSync(resolve(repoRoot, "grammars", file.replace(/\.gbnf$/, ".cases.jsonl")), "utf8")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { text: string; accept: boolean })
        .filter((c) => c.accept);
      const rng = new Rng(file.length);
      const bad: string[] = [];
      for (const c of cases.slice(0, 2)) bad.push(...walk(g, tok.encode(c.text, { add_special_tokens: false }), 8, rng));
      bad.push(...walk(g, null, 8, rng));
      expect(bad).toEqual([]);
    }, 300_000);
  }

  // Hand-written: a run of one set, then a run of another that is longer than the longest token
  // (the chain of counter states goes past the walk's horizon), with and without overlap.
  const fixed = ["^[a-zA-Z]{3}[A-Z0-9]{300}$", "^[a-z ]{2,5}[0-9]{1,200}$", "^.{0,4}[A-Za-z]{150}$"];
  const rng = new Rng(18);
  const random = Array.from({ length: 16 }, () => randomRunPattern(rng));
  for (const pattern of [...fixed, ...random]) {
    it(`regex ${pattern}`, () => {
      const g = new GrammarCompiler(vocab).compile(compileSchema({ type: "string", pattern }).grammar);
      expect(walk(g, null, 8, new Rng(pattern.length))).toEqual([]);
    }, 300_000);
  }

  // YAML (issue 12): plain scalars are character runs broken by spaces and `:` (slices of mode
  // `+y`), bounded strings counted forms; the steps of a text deep into them, then random walks.
  const yamlCases: { schema: unknown; value: unknown }[] = [
    { schema: { type: "object", properties: { text: { type: "string" }, n: { type: "number" } }, required: ["text"] }, value: { text: "Zoë «Ωmega» 中文 and more words: a#b", n: 1.5 } },
    { schema: { type: "object", properties: { title: { type: "string", maxLength: 40 }, tags: { type: "array", items: { type: "string", maxLength: 8 } } }, required: ["title"] }, value: { title: "Machine Learning 中文 and to", tags: ["a b", "x:y"] } },
  ];
  for (const [i, c] of yamlCases.entries()) {
    it(`YAML ${JSON.stringify(c.schema).slice(0, 80)}`, async () => {
      const tok = await hfTokenizer("qwen3");
      const g = new GrammarCompiler(vocab).compile(compileSchema(c.schema, { syntax: "yaml" }).grammar);
      const rng = new Rng(40 + i);
      const ids = tok.encode(stringifyYaml(c.value)!, { add_special_tokens: false });
      expect([...walk(g, ids, 10, rng), ...walk(g, null, 8, rng)]).toEqual([]);
    }, 300_000);
  }

  it.skipIf(!existsSync(dataDir))("MaskBench-dev schemas (every 250th file): a valid instance and a random walk", async () => {
    const tok = await hfTokenizer("qwen3");
    const compiler = new GrammarCompiler(vocab);
    const files = readdirSync(dataDir).filter((f) => f.endsWith(".json")).sort().filter((_, i) => i % 250 === 0);
    const bad: string[] = [];
    let checked = 0;
    for (const file of files) {
      const doc = JSON.parse(readFileSync(resolve(dataDir, file), "utf8")) as { schema: unknown; tests: { data: unknown; valid: boolean }[] };
      let g: CompiledGrammar;
      try {
        g = compiler.compile(compileSchema(doc.schema).grammar);
      } catch {
        continue; // refused schemas are the ratchet's business (tests/maskbench-engine.test.ts)
      }
      checked++;
      const rng = new Rng(file.length);
      const valid = doc.tests.find((t) => t.valid);
      if (valid) bad.push(...walk(g, tok.encode(JSON.stringify(valid.data), { add_special_tokens: false }), 6, rng).map((s) => `${file}: ${s}`));
      bad.push(...walk(g, null, 6, rng).map((s) => `${file}: ${s}`));
    }
    expect(checked).toBeGreaterThan(files.length / 2);
    expect(bad).toEqual([]);
  }, 600_000);
});
