// Grammar and regex constraints against independent oracles, fast-forward canonicality against
// node-llama-cpp's tokenizer, streaming, start-after marker, stop strings, abort, chat prompts, errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGbnf } from "@formwork/grammar";
import { referenceMatch } from "@formwork/grammar/testing";
import { generate, generateStream, loadModel, type LoadedModel } from "@formwork/llama";
import { checkNodeLlamaCppVersion } from "@formwork/llama/internal";
import { tinyModel } from "./support.js";

let model: LoadedModel;
beforeAll(async () => {
  model = await tinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

const GBNF = `
root   ::= "CALL " name "(" args? ")" ";"
name   ::= [a-z] [a-z_]{0,7}
args   ::= value ("," " "? value){0,2}
value  ::= [0-9]{1,3} | "\\"" [a-zA-Z ]{0,6} "\\""
`;

describe("grammar and regex constraints", () => {
  it("GBNF outputs are sentences of the grammar (reference recognizer)", async () => {
    const g = parseGbnf(GBNF);
    for (const temperature of [0, 0.7, 1.5]) {
      for (const seed of [1, 2, 3]) {
        const r = await generate({ model, prompt: "Code:", grammar: GBNF, temperature, seed, maxTokens: 48 });
        expect(r.stats.maskViolations).toBe(0);
        expect(r.complete).toBe(true);
        expect(referenceMatch(g, r.text).accepted, JSON.stringify(r.text)).toBe(true);
      }
    }
  });

  it("regex outputs match the RegExp, under tight budgets too", async () => {
    const patterns = ["[a-z]{3,8}@[a-z]{2,5}\\.(com|org)", "(ab|cd){2,4}-[0-9]{2,}", "\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2})?"];
    for (const source of patterns) {
      const re = new RegExp(`^(?:${source})$`);
      for (const [temperature, maxTokens] of [[0, 40], [1, 40], [1.5, 40], [1.5, 12]] as const) {
        const r = await generate({ model, prompt: "Text:", regex: source, temperature, seed: 9, maxTokens });
        expect(r.stats.maskViolations).toBe(0);
        expect(re.test(r.text), `${source}: ${JSON.stringify(r.text)}`).toBe(true);
      }
    }
  });

  it("free text (no constraint) runs to the budget or an end token", async () => {
    const r = await generate({ model, prompt: "Once upon a time", temperature: 0.8, seed: 1, maxTokens: 16 });
    expect(r.tokens.length).toBeLessThanOrEqual(16);
    expect(["eog", "max-tokens"]).toContain(r.stopReason);
    expect(r.text).toBe(r.constrainedText);
  });
});

describe("fast-forward", () => {
  const schema = {
    type: "object",
    properties: {
      customer_identifier: { type: "integer" },
      shipping_address_line: { type: "string", maxLength: 6 },
      requested_delivery_window: { enum: ["morning", "afternoon"] },
    },
    required: ["customer_identifier", "shipping_address_line", "requested_delivery_window"],
    additionalProperties: false,
  };

  it("evaluates forced keys in batches, with the tokens the model's tokenizer gives", async () => {
    const on = await generate({ model, prompt: "JSON:", schema, schemaOptions: { whitespace: "compact" }, temperature: 0.7, seed: 3, maxTokens: 80 });
    const off = await generate({ model, prompt: "JSON:", schema, schemaOptions: { whitespace: "compact" }, temperature: 0.7, seed: 3, maxTokens: 80, fastForward: false });
    for (const r of [on, off]) {
      expect(r.complete).toBe(true);
      JSON.parse(r.text);
    }
    expect(off.stats.forcedTokens).toBe(0);
    expect(on.stats.forcedTokens).toBeGreaterThan(5);
    expect(on.stats.steps).toBeLessThan(off.stats.steps);
    // Each run of forced tokens, with the token before it, is what the tokenizer makes of its text.
    const vocab = model.vocabulary;
    for (let i = 0; i < on.tokens.length; i++) {
      if (!on.forced[i] || (i > 0 && on.forced[i - 1])) continue;
      let j = i;
      while (j < on.tokens.length && on.forced[j]) j++;
      const run = on.tokens.slice(i - 1, j);
      const text = new TextDecoder().decode(vocab.decodeBytes(run));
      expect(model.model.tokenize(text, false).slice(0, run.length), JSON.stringify(text)).toEqual(run);
    }
  });
});

describe("streaming, markers, stop strings, abort, chat", () => {
  const schema = { type: "object", properties: { a: { type: "array", items: { type: "integer" }, maxItems: 4 }, b: { type: "string", maxLength: 8 } }, required: ["a", "b"], additionalProperties: false };

  it("generateStream yields the text in chunks and growing partial values, then the result", async () => {
    let text = "";
    const partials: unknown[] = [];
    let result;
    for await (const c of generateStream({ model, prompt: "JSON:", schema, temperature: 1, seed: 4, maxTokens: 60 })) {
      if (c.type === "text") text += c.text;
      else if (c.type === "value") partials.push(c.value);
      else result = c.result;
    }
    expect(result).toBeDefined();
    expect(text).toBe(result!.text);
    expect(partials.length).toBeGreaterThan(1);
    expect(partials[partials.length - 1]).toEqual(result!.value);
  });

  it("leaving the stream early aborts the generation; the model is free for the next call", async () => {
    let chunks = 0;
    for await (const c of generateStream({ model, prompt: "x", temperature: 1, maxTokens: 400 })) {
      if (c.type === "text" && ++chunks === 2) break;
    }
    const r = await generate({ model, prompt: "JSON:", schema, temperature: 0, maxTokens: 60 });
    expect(r.complete).toBe(true);
  });

  it("startAfter: free text until the marker, then the constraint (the marker forced when the budget needs it)", async () => {
    const r = await generate({ model, prompt: "Think:", schema, startAfter: "</think>", temperature: 1, seed: 2, maxTokens: 40 });
    const at = r.text.indexOf("</think>");
    expect(at).toBeGreaterThanOrEqual(0);
    expect(r.complete).toBe(true);
    expect(JSON.parse(r.constrainedText)).toEqual(r.value);
    expect(r.text.endsWith(r.constrainedText)).toBe(true);
  });

  it("stop strings end generation and stay in the text", async () => {
    const r = await generate({ model, prompt: "x", regex: "(ab){20}", stop: ["abab"], temperature: 0, maxTokens: 40 });
    expect(r.stopReason).toBe("stop");
    expect(r.text).toContain("abab");
  });

  it("an AbortSignal stops generation with stopReason abort", async () => {
    const ac = new AbortController();
    let chunks = 0;
    const r = await generate({
      model,
      prompt: "x",
      temperature: 1,
      maxTokens: 200,
      signal: ac.signal,
      onText: () => {
        if (++chunks === 3) ac.abort();
      },
    });
    expect(r.stopReason).toBe("abort");
    expect(r.tokens.length).toBeLessThan(10);
  });

  it("chat messages go through the model's chat wrapper", async () => {
    const r = await generate({ model, messages: [{ role: "system", content: "Answer in JSON." }, { role: "user", content: "Give a and b." }], schema, temperature: 0, maxTokens: 60 });
    expect(r.complete).toBe(true);
    expect(r.value).toEqual(JSON.parse(r.text));
  });
});

describe("bad input", () => {
  it("a missing model file is a ModelError", async () => {
    await expect(loadModel({ model: "/nonexistent/model.gguf" })).rejects.toMatchObject({ code: "model-not-found" });
    await expect(generate({ model: "/nonexistent/model.gguf", prompt: "x" })).rejects.toMatchObject({ code: "model-not-found" });
  });

  it("a schema that does not compile is a CompileError before loading anything", async () => {
    await expect(generate({ model, prompt: "x", schema: { type: "object", properties: { a: { $ref: "#/nope" } } } })).rejects.toMatchObject({ name: expect.stringMatching(/CompileError|UnsupportedError/) });
    await expect(generate({ model, prompt: "x", schema: "{not json" })).rejects.toMatchObject({ code: "invalid-schema" });
  });

  it("two constraints, a bad budget, a bad GBNF are clear errors", async () => {
    await expect(generate({ model, prompt: "x", schema: {}, regex: "a" })).rejects.toMatchObject({ code: "constraint-conflict" });
    await expect(generate({ model, prompt: "x", maxTokens: 0 })).rejects.toMatchObject({ code: "bad-max-tokens" });
    await expect(generate({ model, prompt: "x", maxTokens: 5000 })).rejects.toMatchObject({ code: "context-too-small" });
    await expect(generate({ model, prompt: "x", grammar: "root ::= (" })).rejects.toMatchObject({ name: "CompileError" });
  });

  it("node-llama-cpp other than 3.22.x is refused with a clear error", () => {
    expect(() => checkNodeLlamaCppVersion("3.22.1")).not.toThrow();
    expect(() => checkNodeLlamaCppVersion("3.23.0")).toThrow(/needs node-llama-cpp 3\.22\.x, found 3\.23\.0/);
    expect(() => checkNodeLlamaCppVersion()).not.toThrow();
  });
});
