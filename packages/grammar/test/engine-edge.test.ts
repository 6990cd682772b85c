// Edge cases of the engine: split UTF-8 characters, empty and nullable
// languages, repeat bounds, limits, errors, end-of-generation handling, the
// compiler cache, mismatch reports, and JSONTestSuite through json.gbnf.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CompileError, LimitError, Rng, TokenMask, UnsupportedError } from "@formwork/core";
import {
  alt,
  charClass,
  grammar,
  GrammarCompiler,
  literal,
  parseGbnf,
  ref,
  regex,
  repeat,
  seq,
  star,
  type Grammar,
} from "@formwork/grammar";
import { maskDiff, syntheticVocabulary } from "./engine-support.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const enc = new TextEncoder();
const vocab = syntheticVocabulary(new Rng(3), 400, ["é中😀", "ÀÉÎÕÜ", "((()))", "aaab"]);
const compiler = new GrammarCompiler(vocab);
const eog = vocab.eogIds[0];

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return "no error";
}

/** Walks `text` byte by byte (as one-byte tokens) checking the mask against the oracle at every position. */
function checkAlong(g: Grammar, text: string): void {
  const m = compiler.compile(g).createMatcher();
  const bytes = enc.encode(text);
  for (let i = 0; i <= bytes.length; i++) {
    expect(maskDiff(g, m, bytes.slice(0, i)), `at byte ${i} of ${JSON.stringify(text)}`).toEqual([]);
    if (i < bytes.length) expect(m.acceptBytes(bytes.subarray(i, i + 1))).toBe(true);
  }
}

describe("engine edge cases", () => {
  it("handles tokens that split UTF-8 characters exactly", () => {
    checkAlong(grammar([["root", seq(literal("é中😀"), star(charClass([[0xc0, 0x24f]])))]]), "é中😀ÀÉ");
    checkAlong(grammar([["root", repeat(charClass([[0x4e00, 0x4e2d], [0x1f600, 0x1f600]], true), 1, 3)]]), "aé😁");
  });

  it("empty literal, nullable rules and {0,0}", () => {
    const empty = compiler.compile(grammar([["root", literal("")]])).createMatcher();
    expect(empty.isComplete()).toBe(true);
    const mask = new TokenMask(vocab.size);
    empty.fillNextTokenMask(mask);
    expect(mask.toArray()).toEqual([eog]);
    expect(empty.minBytesToFinish()).toBe(0);
    expect(empty.minTokensToFinish()).toBe(0);
    checkAlong(grammar([["root", seq(repeat(literal("a"), 0, 0), literal("b"))]]), "b");
    // Balanced parentheses: recursion through a nullable rule.
    const parens = grammar([["root", ref("p")], ["p", alt(seq(literal("("), ref("p"), literal(")"), ref("p")), literal(""))]]);
    checkAlong(parens, "(()(()))()");
  });

  it("EOG is allowed exactly when complete and terminates; special tokens never", () => {
    const m = compiler.compile(grammar([["root", repeat(literal("ab"), 1, 2)]])).createMatcher();
    const mask = new TokenMask(vocab.size);
    expect(m.acceptToken(eog)).toBe(false);
    m.fillNextTokenMask(mask);
    for (let id = 0; id < vocab.size; id++) if (!vocab.isText(id)) expect(mask.has(id)).toBe(false);
    expect(m.acceptBytes("ab")).toBe(true);
    m.fillNextTokenMask(mask);
    expect(mask.has(eog)).toBe(true);
    expect(m.acceptToken(eog)).toBe(true);
    expect(m.isTerminated()).toBe(true);
    m.fillNextTokenMask(mask);
    expect(mask.isEmpty()).toBe(true);
    expect(m.acceptBytes("ab")).toBe(false);
    m.rollback(1);
    expect(m.isTerminated()).toBe(false);
    expect(m.acceptBytes("ab")).toBe(true);
    expect(m.acceptBytes("a")).toBe(false);
  });

  it("refuses left recursion, empty languages, undefined rules and regex nodes without a regex compiler", () => {
    const left = grammar([["root", ref("list")], ["list", alt(seq(ref("list"), literal(","), ref("item")), ref("item"))], ["item", literal("x")]]);
    expect(() => compiler.compile(left)).toThrow(CompileError);
    expect(codeOf(() => compiler.compile(left))).toBe("left-recursion");
    expect(() => compiler.compile(left)).toThrow(/list → list/);
    const hidden = grammar([["root", ref("a")], ["a", seq(repeat(literal("x"), 0, 1), ref("b"))], ["b", alt(seq(ref("a"), literal("y")), literal("z"))]]);
    expect(codeOf(() => compiler.compile(hidden))).toBe("left-recursion");
    expect(codeOf(() => compiler.compile(grammar([["root", ref("a")], ["a", seq(literal("x"), ref("a"))]])))).toBe("empty-language");
    expect(codeOf(() => compiler.compile(grammar([["root", alt()]])))).toBe("empty-language");
    expect(codeOf(() => compiler.compile(grammar([["root", ref("nope")]])))).toBe("undefined-rule");
    expect(codeOf(() => compiler.compile(grammar([["root", regex("(a)\\1")]])))).toBe("regex-backreference");
    expect(() => compiler.compile(grammar([["root", regex("(a)\\1")]]))).toThrow(UnsupportedError);
  });

  it("compiles regex nodes through @formwork/regex, with no option", () => {
    const m = compiler.compile(grammar([["root", seq(regex("ab*"), literal("!"))]])).createMatcher();
    expect(m.acceptBytes("abbb!")).toBe(true);
    expect(m.isComplete()).toBe(true);
    const ci = compiler.compile(grammar([["root", regex("é+", "i")]])).createMatcher();
    expect(ci.acceptBytes("éÉ")).toBe(true);
    expect(ci.acceptBytes("e")).toBe(false);
  });

  it("huge repeat counts compile at once (copies are built as the text reaches them); the limits bound what is built; deep nesting past maxStackDepth is max-stack-depth", () => {
    const huge = compiler.compile(grammar([["root", repeat(literal("ab"), 0, 100_000_000)]]));
    expect(huge.stats.nfaStates).toBeLessThan(20);
    const m = huge.createMatcher();
    expect(m.acceptBytes("ab".repeat(2000))).toBe(true);
    expect(m.isComplete()).toBe(true);
    expect(m.acceptBytes("a")).toBe(true);
    expect(m.isComplete()).toBe(false);
    // Past a limit, what builds the states (here acceptBytes) throws the limit's LimitError.
    const small = new GrammarCompiler(vocab, { maxNfaStates: 500 }).compile(grammar([["root", repeat(literal("ab"), 0, 100_000_000)]]));
    const e = (() => {
      try {
        small.createMatcher().acceptBytes("ab".repeat(400));
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(LimitError);
    expect((e as LimitError).code).toBe("max-nfa-states");
    expect((e as Error).message).toMatch(/maxNfaStates/);
    expect(codeOf(() => new GrammarCompiler(vocab, { maxDfaStates: 10 }).compile(grammar([["root", repeat(literal("a"), 0, 50)]])).createMatcher().acceptBytes("a".repeat(20)))).toBe("max-dfa-states");
    const nest = grammar([["root", ref("v")], ["v", alt(seq(literal("["), ref("v"), literal("]")), literal("0"))]]);
    const deep = "[".repeat(1500) + "0" + "]".repeat(1500);
    // Past maxStackDepth (1,000 calls) a text is refused with the limit's error, not silently rejected.
    expect(codeOf(() => compiler.compile(nest).createMatcher().acceptBytes(deep))).toBe("max-stack-depth");
    const roomy = new GrammarCompiler(vocab, { maxStackDepth: 4000 }).compile(nest).createMatcher();
    expect(roomy.acceptBytes(deep)).toBe(true);
    expect(roomy.isComplete()).toBe(true);
  });

  it("caches compiled grammars by content", () => {
    const a = compiler.compile(grammar([["root", seq(literal("x"), ref("y"))], ["y", literal("z")]]));
    const b = compiler.compile(grammar([["root", seq(literal("x"), ref("y"))], ["y", literal("z")]]));
    expect(b).toBe(a);
    expect(compiler.compile(grammar([["root", literal("xz")]]))).not.toBe(a);
  });

  it("reports where a text leaves the grammar and what was expected", () => {
    const g = parseGbnf(readFileSync(join(repoRoot, "grammars/json.gbnf"), "utf8"));
    const m = compiler.compile(g).createMatcher();
    expect(m.findMismatch('{"a": [1, 2}')).toMatchObject({ accepted: false, offset: 11, prefixOk: false });
    expect(m.findMismatch('{"a": [1, 2}').expected).toMatch(/','/);
    expect(m.findMismatch('{"a": 1')).toMatchObject({ accepted: false, offset: 7, prefixOk: true });
    expect(m.findMismatch('{"a": 1}')).toMatchObject({ accepted: true, offset: 8 });
  });
});

const suiteDir = process.env.FORMWORK_SHARED_DATA
  ? join(process.env.FORMWORK_SHARED_DATA, "json-test-suite/test_parsing")
  : resolve(repoRoot, "../shared/data/json-test-suite/test_parsing");

describe.skipIf(!existsSync(suiteDir))("json.gbnf through the engine on JSONTestSuite", () => {
  it("accepts every y_ file and rejects every n_ file", () => {
    const g = parseGbnf(readFileSync(join(repoRoot, "grammars/json.gbnf"), "utf8"));
    const unbounded = parseGbnf(readFileSync(join(repoRoot, "grammars/json-unbounded.gbnf"), "utf8"));
    // The files nested past maxStackDepth (100,000 "[") are max-stack-depth; with the limit lifted they get the right verdict.
    const deep = new GrammarCompiler(vocab, { maxStackDepth: Infinity });
    const verdict = (c: GrammarCompiler, bytes: Uint8Array) => c.compile(g).createMatcher().findMismatch(bytes).accepted || c.compile(unbounded).createMatcher().findMismatch(bytes).accepted;
    const wrong: string[] = [];
    const tooDeep: string[] = [];
    for (const f of readdirSync(suiteDir)) {
      if (!f.startsWith("y_") && !f.startsWith("n_")) continue;
      const bytes = new Uint8Array(readFileSync(join(suiteDir, f)));
      let ok: boolean;
      if (codeOf(() => verdict(compiler, bytes)) === "max-stack-depth") {
        tooDeep.push(f);
        ok = verdict(deep, bytes);
      } else ok = verdict(compiler, bytes);
      if (ok !== f.startsWith("y_")) wrong.push(f);
    }
    expect(wrong).toEqual([]);
    expect(tooDeep).toContain("n_structure_100000_opening_arrays.json");
  });
});
