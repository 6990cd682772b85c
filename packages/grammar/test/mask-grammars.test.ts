// Masks of every grammar in grammars/ with the real Qwen (151k) and Llama 3
// (128k) vocabularies, against the reference recognizer on a sample of
// tokens at states reached by real tokenized documents; and random walks
// that must end in a sentence within a token budget.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng, TokenMask, type Vocabulary } from "@formwork/core";
import { GrammarCompiler, parseGbnf, type Grammar } from "@formwork/grammar";
import { referenceMatchBytes } from "@formwork/grammar/testing";
import { hfTokenizer, llama3Vocabulary, qwenVocabulary, type NpmTokenizerName } from "@formwork/testkit";
import { maskDiff } from "./engine-support.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const grammarsDir = join(repoRoot, "grammars");
const enc = new TextEncoder();

/** Texts a grammar must accept: the `.cases.jsonl` lines marked as accepted, plus JSON documents for JSON grammars. */
function documentsFor(file: string): string[] {
  const docs: string[] = [];
  const cases = join(grammarsDir, file.replace(/\.gbnf$/, ".cases.jsonl"));
  if (existsSync(cases)) {
    for (const line of readFileSync(cases, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const c = JSON.parse(line) as Record<string, unknown>;
      const ok = c.accept ?? c.valid ?? c.pass ?? c.ok ?? c.expected;
      if (typeof c.text === "string" && (ok === true || ok === "accept" || ok === "pass")) docs.push(c.text);
    }
  }
  if (file.startsWith("json")) {
    docs.push(
      JSON.stringify({ id: 7, name: "Zoë «Ωmega» 中文 🎉", tags: ["a", "b\n\"c\""], price: -12.5e-3, ok: true, none: null }, null, 2),
      JSON.stringify([{ sku: "X-1", qty: 3 }, [], {}, [1, [2, [3]]], "\u00e9\u0000".replace("\u0000", "\\u0000")]),
    );
  }
  return docs.slice(0, 3);
}

const grammarFiles = readdirSync(grammarsDir).filter((f) => f.endsWith(".gbnf")).sort();

function sampleIds(rng: Rng, vocab: Vocabulary, mask: TokenMask, next: number): number[] {
  const ids = new Set<number>();
  for (let id = 0; id < vocab.size; id++) if (vocab.lengthOf(id) === 1) ids.add(id);
  for (let i = 0; i < 150; i++) ids.add(Math.floor(rng.next() * vocab.size));
  const allowed = mask.toArray();
  for (let i = 0; i < 150 && allowed.length > 0; i++) ids.add(allowed[Math.floor(rng.next() * allowed.length)]);
  for (const id of vocab.eogIds) ids.add(id);
  // Tokens that start like the real next token: the ones most likely to be near the edge.
  if (next >= 0 && vocab.isText(next)) {
    const b0 = vocab.bytesOf(next)[0];
    let n = 0;
    for (let id = 0; id < vocab.size && n < 150; id++) if (vocab.isText(id) && vocab.bytesOf(id)[0] === b0 && rng.next() < 0.2) ids.add(id), n++;
  }
  return [...ids];
}

for (const [name, load] of [["qwen3", qwenVocabulary], ["llama3", llama3Vocabulary]] as const) {
  describe(`grammars/ masks with the ${name} vocabulary`, () => {
    const vocab = load();
    const compiler = new GrammarCompiler(vocab);

    for (const file of grammarFiles) {
      it(`${file}: masks equal the reference on sampled tokens along real documents`, async () => {
        const g: Grammar = parseGbnf(readFileSync(join(grammarsDir, file), "utf8"));
        const cg = compiler.compile(g);
        const tok = await hfTokenizer(name as NpmTokenizerName);
        const rng = new Rng(11);
        const mask = new TokenMask(vocab.size);
        for (const doc of documentsFor(file)) {
          const ids = tok.encode(doc, { add_special_tokens: false });
          const m = cg.createMatcher();
          let prefix: Uint8Array = new Uint8Array(0);
          const every = Math.max(1, Math.floor(ids.length / 6));
          for (let i = 0; i <= ids.length; i++) {
            m.fillNextTokenMask(mask);
            if (i % every === 0 || i === ids.length) {
              expect(maskDiff(g, m, prefix, sampleIds(rng, vocab, mask, ids[i] ?? -1)), `${file} at token ${i} of ${JSON.stringify(doc.slice(0, 40))}`).toEqual([]);
            }
            if (i === ids.length) break;
            expect(mask.has(ids[i]), `token ${i} ${JSON.stringify(vocab.textOf(ids[i]))}`).toBe(true);
            expect(m.acceptToken(ids[i])).toBe(true);
            const b = vocab.bytesOf(ids[i]);
            const p = new Uint8Array(prefix.length + b.length);
            p.set(prefix);
            p.set(b, prefix.length);
            prefix = p;
          }
          expect(m.isComplete()).toBe(true);
          expect(mask.has(vocab.eogIds[0])).toBe(true);
          expect(new TextDecoder().decode(prefix)).toBe(doc);
        }
      });

      it(`${file}: random walks steered by minTokensToFinish end in a sentence within the budget`, () => {
        const g: Grammar = parseGbnf(readFileSync(join(grammarsDir, file), "utf8"));
        const cg = compiler.compile(g);
        const mask = new TokenMask(vocab.size);
        for (let walk = 0; walk < 3; walk++) {
          const rng = new Rng(100 + walk);
          const m = cg.createMatcher();
          const budget = 40 + m.minTokensToFinish();
          const out: number[] = [];
          for (let used = 0; !m.isTerminated(); used++) {
            expect(used).toBeLessThanOrEqual(budget);
            m.fillNextTokenMask(mask);
            const allowed = mask.toArray();
            const left = budget - used;
            let id = -1;
            for (let tries = 0; tries < 64 && id < 0; tries++) {
              const c = allowed[Math.floor(rng.next() * allowed.length)];
              if (vocab.isEog(c)) {
                id = c;
                break;
              }
              const f = m.fork();
              f.acceptToken(c);
              if (f.minTokensToFinish() <= left - 2) id = c;
            }
            if (id < 0) {
              // Steer home: the first token of the shortest completion.
              if (m.isComplete()) id = vocab.eogIds[0];
              else {
                const rest = m.shortestCompletion()!;
                let bestLen = 0;
                for (const c of allowed) {
                  const tb = vocab.bytesOf(c);
                  if (tb.length > bestLen && tb.length <= rest.length && tb.every((x, k) => x === rest[k])) (id = c), (bestLen = tb.length);
                }
              }
            }
            expect(mask.has(id)).toBe(true);
            expect(m.acceptToken(id)).toBe(true);
            if (!vocab.isEog(id)) out.push(id);
          }
          expect(referenceMatchBytes(g, vocab.decodeBytes(out)).complete).toBe(true);
        }
      });
    }
  });
}
