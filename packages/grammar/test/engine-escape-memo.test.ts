// The matcher memoises, per (state, stack), the tokens its escape walks find (tokens that go on
// past the end of the current rule through the caller). A memo hit must give the mask a fresh
// matcher computes at the same point: checked at every step of real documents, on a recursive
// JSON grammar (strings inside called value rules escape at the closing quote), with the Qwen
// vocabulary, including after fork and rollback.
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
