// The matcher memoises, per grammar, the tokens its escape walks find (tokens that go on past the
// end of the current rule through the caller), keyed by the entry's escape nodes and the frames of
// the stack the walk popped. A memo hit must give the mask a fresh walk computes at the same point:
// checked at every step of real documents, on a recursive JSON grammar (strings inside called
// value rules escape at the closing quote), with the Qwen vocabulary, including after fork and
// rollback, and against brute force (every token fed through `acceptToken`) where stacks share
// their top frames and differ below.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { TokenMask } from "@formwork/core";
import { GrammarCompiler, parseGbnf } from "@formwork/grammar";
import { hfTokenizer, qwenVocabulary } from "@formwork/testkit";

const grammarsDir = resolve(import.meta.dirname, "../../../grammars");

describe("escape-walk memo", () => {
  it("masks from the memo equal masks of a fresh matcher (json.gbnf, Qwen)", async () => {
    const vocab = qwenVocabulary();
    const g = parseGbnf(readFileSync(join(grammarsDir, "json.gbnf"), "utf8"));
    const cg = new GrammarCompiler(vocab).compile(g);
    const tok = await hfTokenizer("qwen3");
    const doc = JSON.stringify({ name: "Zoë", tags: ["a", "b, c", "d\"e"], nested: { deep: [{ k: "v" }, "w"], n: -1.5e3 }, ok: true });
    const ids = tok.encode(doc, { add_special_tokens: false });
    const m = cg.createMatcher();
    const first = new TokenMask(vocab.size), again = new TokenMask(vocab.size), fresh = new TokenMask(vocab.size);
    let hits = 0;
    for (let i = 0; i <= ids.length; i++) {
      m.fillNextTokenMask(first);
      m.fillNextTokenMask(again);
      expect(again.equals(first), `step ${i}`).toBe(true);
      const f = cg.createMatcher();
      for (let k = 0; k < i; k++) expect(f.acceptToken(ids[k])).toBe(true);
      f.fillNextTokenMask(fresh);
      expect(fresh.equals(first), `step ${i}: memo vs fresh matcher`).toBe(true);
      if (i === ids.length) break;
      // A fork explores one token and rolls back; the memo is shared and must stay right.
      const fork = m.fork();
      if (fork.acceptToken(ids[i])) {
        fork.fillNextTokenMask(again);
        fork.rollback(1);
        fork.fillNextTokenMask(again);
        expect(again.equals(first), `step ${i}: fork after rollback`).toBe(true);
        hits++;
      }
      expect(m.acceptToken(ids[i])).toBe(true);
    }
    expect(hits).toBeGreaterThan(10);
  }, 120_000);

  // Strings nested in arrays and objects in every order: the stacks under a string's closing quote
  // agree on their top frames and differ below, and a token such as `"]]}` reads several frames. A
  // memo that kept a result under fewer frames than its walk popped (or ignored whether the stack
  // below them was empty) would allow a token here that brute force refuses, or the reverse.
  it("a result read from fewer frames than the walk popped is not reused (nested JSON, brute force, Qwen)", async () => {
    const vocab = qwenVocabulary();
    const g = parseGbnf(readFileSync(join(grammarsDir, "json.gbnf"), "utf8"));
    const cg = new GrammarCompiler(vocab).compile(g);
    const tok = await hfTokenizer("qwen3");
    const doc = JSON.stringify([[["a"]], { b: [["c"]] }, [{ d: ["e"] }], { f: { g: ["h"] } }, [[{ i: "j" }]], "k"]);
    const ids = tok.encode(doc, { add_special_tokens: false });
    const m = cg.createMatcher();
    const mask = new TokenMask(vocab.size);
    const bad: string[] = [];
    for (let i = 0; i <= ids.length; i++) {
      m.fillNextTokenMask(mask);
      for (let id = 0; id < vocab.size && bad.length < 5; id++) {
        const ok = m.acceptToken(id);
        if (ok) m.rollback(1);
        if (ok !== mask.has(id)) bad.push(`after ${JSON.stringify(tok.decode(ids.slice(0, i)))}: ${JSON.stringify(vocab.textOf(id))} brute=${ok} mask=${mask.has(id)}`);
      }
      if (i === ids.length) break;
      expect(m.acceptToken(ids[i])).toBe(true);
    }
    expect(bad).toEqual([]);
  }, 300_000);

  // Nested parentheses: every frame returns to the same state, so `((a` and `(((a` agree on their
  // top two frames and differ only in whether the stack below them is empty (`)))` reads three).
  it("a result read down to the empty stack is not reused on a deeper one (nested parentheses, brute force, Qwen)", () => {
    const vocab = qwenVocabulary();
    const cg = new GrammarCompiler(vocab).compile(parseGbnf(`root ::= "(" root ")" | "a"`));
    const mask = new TokenMask(vocab.size);
    const bad: string[] = [];
    for (const text of ["((a", "(((a", "(a", "((((a", "((a"]) {
      const m = cg.createMatcher();
      expect(m.acceptBytes(new TextEncoder().encode(text))).toBe(true);
      m.fillNextTokenMask(mask);
      for (let id = 0; id < vocab.size && bad.length < 5; id++) {
        const ok = m.acceptToken(id);
        if (ok) m.rollback(1);
        if (ok !== mask.has(id)) bad.push(`after ${text}: ${JSON.stringify(vocab.textOf(id))} brute=${ok} mask=${mask.has(id)}`);
      }
    }
    expect(bad).toEqual([]);
  }, 120_000);

  // The memo is keyed by the entry's escape nodes (escKey), not its state: the states of a counted
  // run share it where their escape nodes are equal, and must not where they differ (fewer
  // characters left, fewer nodes). Punctuation runs followed by a newline are Qwen tokens.
  it("states with other escape nodes under the same stack get their own tokens (counted content, Qwen)", async () => {
    const vocab = qwenVocabulary();
    const g = parseGbnf([String.raw`root ::= "k: " v "\n" "j: " v "\n"`, String.raw`v ::= [!-~]{1,10}`].join("\n"));
    const cg = new GrammarCompiler(vocab, { inlineLimit: 0 }).compile(g);
    expect(cg.stats.calledRules).toContain("v");
    const tok = await hfTokenizer("qwen3");
    for (const doc of ["k: a.b;c)).\nj: ...;\n", "k: ;;;;;;;;\nj: )\n"]) {
      const ids = tok.encode(doc, { add_special_tokens: false });
      const m = cg.createMatcher();
      const mask = new TokenMask(vocab.size), fresh = new TokenMask(vocab.size);
      for (let i = 0; i <= ids.length; i++) {
        m.fillNextTokenMask(mask);
        const f = cg.createMatcher();
        for (let k = 0; k < i; k++) expect(f.acceptToken(ids[k])).toBe(true);
        f.fillNextTokenMask(fresh);
        expect(fresh.equals(mask), `${JSON.stringify(doc)} step ${i}: memo vs fresh matcher`).toBe(true);
        if (i === ids.length) break;
        expect(m.acceptToken(ids[i])).toBe(true);
      }
    }
  }, 120_000);
});
