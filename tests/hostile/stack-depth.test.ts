// The engine's run-time stack limit (maxStackDepth, issue 17): a text that nests a recursive rule deeper than
// the limit gets LimitError max-stack-depth, never a mask or a verdict that silently leaves the deeper
// continuations out. Oracle: the reference recognizer (Earley, no stack limit) on every token of a vocabulary
// with multi-bracket tokens, at every nesting depth from 0 to past the limit.
import { describe, expect, it } from "vitest";
import { LimitError, TokenKind, TokenMask, Vocabulary } from "@formwork/core";
import { checkText, GrammarCompiler, parseGbnf, type Grammar } from "@formwork/grammar";
import { ReferenceRecognizer } from "@formwork/grammar/testing";
import { compileSchema } from "@formwork/json-schema";

const enc = new TextEncoder();

/** Every single byte, multi-bracket tokens, and an end-of-generation token (the last id). */
function bracketVocabulary(): Vocabulary {
  const texts = ["((", "(((", "((((", "))", ")))", "()", "(x", "x)", "x))", "[[", "[[[", "[[[[", "]]", "]]]", "[]", "[],", ",[", "],[", "[0", "0]", '{"a":', '{"a":{"a":', "}}", '{"a":1}', "null"];
  const tokens: Uint8Array[] = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
  const kinds: number[] = tokens.map(() => TokenKind.Byte);
  for (const t of texts) {
    tokens.push(enc.encode(t));
    kinds.push(TokenKind.Normal);
  }
  tokens.push(enc.encode("<eos>"));
  kinds.push(TokenKind.Control);
  return new Vocabulary({ tokens, kinds, eog: [tokens.length - 1], eos: tokens.length - 1, name: "brackets" });
}

/** `f()`, or the max-stack-depth error it threw (any other error fails the test). */
function orLimit<T>(f: () => T): T | LimitError {
  try {
    return f();
  } catch (e) {
    if (e instanceof LimitError && e.code === "max-stack-depth") return e;
    throw e;
  }
}

interface Tally {
  exactMasks: number;
  errors: number;
  /** Deepest prefix (in bytes) whose mask came out exact. */
  deepestExact: number;
  /** Shallowest prefix whose text or mask was max-stack-depth. */
  shallowestError: number;
}

/**
 * For each prefix: the engine accepts it exactly when the reference does (or throws max-stack-depth); its mask
 * is the reference's token for token (or max-stack-depth); `acceptToken` agrees with the reference on every
 * token (or throws max-stack-depth) and a refused or failed token leaves the matcher where it was.
 */
function compare(g: Grammar, maxStackDepth: number, prefixes: string[]): Tally {
  const vocab = bracketVocabulary();
  const compiled = new GrammarCompiler(vocab, { maxStackDepth, precomputeSlices: false }).compile(g);
  const mask = new TokenMask(vocab.size);
  const tally: Tally = { exactMasks: 0, errors: 0, deepestExact: -1, shallowestError: Infinity };
  const error = (at: number) => {
    tally.errors++;
    tally.shallowestError = Math.min(tally.shallowestError, at);
  };
  for (const prefix of prefixes) {
    const ref = new ReferenceRecognizer(g);
    expect(ref.acceptBytes(enc.encode(prefix)), prefix).toBe(true);
    const m = compiled.createMatcher();
    const accepted = orLimit(() => m.acceptBytes(prefix));
    if (accepted instanceof LimitError) {
      error(prefix.length);
      expect(m.stepCount).toBe(0);
      continue;
    }
    expect(accepted, `engine refused the valid prefix ${prefix}`).toBe(true);
    const filled = orLimit(() => m.fillNextTokenMask(mask));
    if (filled instanceof LimitError) error(prefix.length);
    const bad: string[] = [];
    for (let id = 0; id < vocab.size; id++) {
      const want = vocab.isEog(id) ? ref.isComplete() : vocab.isText(id) && ref.canAccept(vocab.bytesOf(id));
      if (!(filled instanceof LimitError) && mask.has(id) !== want) bad.push(`mask ${JSON.stringify(vocab.textOf(id))} engine=${mask.has(id)} reference=${want}`);
      const got = orLimit(() => m.acceptToken(id));
      if (got instanceof LimitError) {
        expect(m.stepCount).toBe(1);
        continue;
      }
      if (got !== want) bad.push(`acceptToken ${JSON.stringify(vocab.textOf(id))} engine=${got} reference=${want}`);
      if (got) m.rollback(1);
    }
    expect(bad, `after ${JSON.stringify(prefix)}`).toEqual([]);
    if (!(filled instanceof LimitError)) {
      tally.exactMasks++;
      tally.deepestExact = Math.max(tally.deepestExact, prefix.length);
    }
  }
  return tally;
}

describe("maxStackDepth: the exact mask or max-stack-depth, never a wrong mask", () => {
  it("GBNF nested parentheses, at every depth up to past the limit", () => {
    const g = parseGbnf(`root ::= p\np ::= "(" p ")" | "x"\n`);
    const prefixes: string[] = [];
    for (let d = 0; d <= 30; d++) prefixes.push("(".repeat(d), `${"(".repeat(d)}x${")".repeat(Math.floor(d / 2))}`);
    const t = compare(g, 16, prefixes);
    // Shallow texts get exact masks; the deep ones are the error (so the test would fail on a silent drop).
    expect(t.deepestExact).toBeGreaterThanOrEqual(10);
    expect(t.errors).toBeGreaterThan(0);
    expect(t.shallowestError).toBeGreaterThan(10);
  });

  it("GBNF lists of nested lists (a repetition inside the recursion)", () => {
    const g = parseGbnf(`root ::= v\nv ::= "[" (v ("," v)*)? "]" | "0"\n`);
    const prefixes: string[] = [];
    for (let d = 1; d <= 24; d++) prefixes.push("[".repeat(d), `${"[0,".repeat(d)}[]`, `${"[".repeat(d)}0]`);
    const t = compare(g, 12, prefixes);
    expect(t.exactMasks).toBeGreaterThan(10);
    expect(t.errors).toBeGreaterThan(0);
  });

  it("a recursive JSON schema (arrays of itself, objects of itself)", () => {
    for (const schema of [{ type: "array", items: { $ref: "#" } }, { type: "object", properties: { a: { $ref: "#" } }, additionalProperties: false }]) {
      const g = compileSchema(schema).grammar;
      const open = "items" in schema ? "[" : '{"a":';
      const prefixes: string[] = [];
      for (let d = 1; d <= 16; d++) prefixes.push(open.repeat(d));
      const t = compare(g, 20, prefixes);
      expect(t.exactMasks, JSON.stringify(schema)).toBeGreaterThan(3);
      expect(t.errors, JSON.stringify(schema)).toBeGreaterThan(0);
    }
  });

  it("a tiny limit (every token walk near it) is still exact or the error", () => {
    const g = parseGbnf(`root ::= p\np ::= "(" p ")" | "x"\n`);
    const t = compare(g, 2, ["", "(", "((", "(((", "(x", "((x)"]);
    expect(t.exactMasks).toBeGreaterThan(0);
    expect(t.errors).toBeGreaterThan(0);
  });

  it("checkText on a valid text deeper than the default (1,000 calls) is max-stack-depth, not 'rejected'", () => {
    const g = parseGbnf(`root ::= v\nv ::= "[" v "]" | "0"\n`);
    expect(checkText(g, `${"[".repeat(900)}0${"]".repeat(900)}`)).toEqual({ accepted: true });
    const e = orLimit(() => checkText(g, `${"[".repeat(1_500)}0${"]".repeat(1_500)}`));
    expect(e).toBeInstanceOf(LimitError);
    expect((e as LimitError).limit).toBe("maxStackDepth");
    expect((e as LimitError).limitValue).toBe(1_000);
    expect((e as LimitError).message).toMatch(/maxStackDepth/);
  });
});
