// Random walks of the grammar engine (Qwen vocabulary) over compiled schemas:
// at each step a random token among those the mask allows; after a step budget
// the walk finishes with the matcher's shortest completion. The resulting text
// is JSON that ajv accepts. Recursive schemas and a few MaskBench schemas.
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { TokenMask } from "@formwork/core";
import { GrammarCompiler } from "@formwork/grammar";
import { compileSchema, createValidator } from "@formwork/json-schema";
import { qwenVocabulary } from "@formwork/testkit";
import { rng } from "./ir-sample.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const maskbench = resolve(process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data"), "maskbench-dev");

const SCHEMAS: [string, unknown][] = [
  ["tree", { $defs: { node: { type: "object", properties: { v: { type: "integer", minimum: -3, maximum: 300 }, kids: { type: "array", items: { $ref: "#/$defs/node" }, maxItems: 2 } }, required: ["v"], additionalProperties: false } }, $ref: "#/$defs/node" }],
  ["record", { type: "object", properties: { name: { type: "string", maxLength: 6 }, when: { type: "string", format: "date" }, score: { type: "number", exclusiveMinimum: 0, maximum: 1 }, tags: { type: "array", items: { enum: ["a", "b", "c"] }, uniqueItems: true } }, required: ["name", "when"] }],
];
const MASKBENCH = ["BFCL_java_0.json", "BFCL_multiple_70.json"];

describe("engine random walks produce valid JSON", () => {
  const vocab = qwenVocabulary();
  const compiler = new GrammarCompiler(vocab);
  const mask = new TokenMask(vocab.size);
  const cases = [...SCHEMAS];
  for (const f of MASKBENCH) {
    const p = resolve(maskbench, f);
    if (existsSync(p)) cases.push([f, (JSON.parse(readFileSync(p, "utf8")) as { schema: unknown }).schema]);
  }
  for (const [name, schema] of cases) {
    it(name, () => {
      const compiled = compiler.compile(compileSchema(schema, { whitespace: "compact" }).grammar);
      const validate = createValidator(schema);
      const rand = rng(42);
      for (let walk = 0; walk < 6; walk++) {
        const m = compiled.createMatcher();
        const bytes: number[] = [];
        for (let step = 0; step < 40 && !m.isTerminated(); step++) {
          if (m.isComplete() && rand() < 0.2) break;
          m.fillNextTokenMask(mask);
          const allowed: number[] = [];
          for (let w = 0; w < mask.words.length; w++) {
            let bits = mask.words[w];
            while (bits) {
              const b = 31 - Math.clz32(bits & -bits);
              const id = w * 32 + b;
              if (vocab.isText(id)) allowed.push(id);
              bits &= bits - 1;
            }
          }
          if (allowed.length === 0) break;
          const id = allowed[Math.floor(rand() * allowed.length)];
          expect(m.acceptToken(id)).toBe(true);
          bytes.push(...vocab.bytesOf(id));
        }
        const tail = m.shortestCompletion();
        expect(tail, `${name}: no completion`).not.toBeNull();
        const text = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([...bytes, ...tail!]));
        const value = JSON.parse(text);
        const r = validate(value);
        expect(r.valid, `${name}: ajv rejects ${text}: ${JSON.stringify(r.errors)}`).toBe(true);
      }
    });
  }
});
