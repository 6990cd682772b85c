// Sentences sampled from compiled grammars are JSON that ajv accepts: for
// hand-written schemas (recursive ones included), every whitespace style, and
// a sample of MaskBench schemas (skipped when ../shared/data is absent).
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { compileSchema, createValidator, type CompileSchemaOptions } from "@formwork/json-schema";
import { referenceMatch } from "@formwork/grammar/testing";
import { IrSampler, rng } from "./ir-sample.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const maskbench = resolve(process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data"), "maskbench-dev");

const SCHEMAS: [string, unknown][] = [
  ["tree", { $defs: { node: { type: "object", properties: { value: { type: "integer", minimum: -5, maximum: 5 }, children: { type: "array", items: { $ref: "#/$defs/node" }, maxItems: 3 } }, required: ["value"], additionalProperties: false } }, $ref: "#/$defs/node" }],
  ["linked list", { type: "object", properties: { head: { type: "string", minLength: 1, maxLength: 4 }, tail: { anyOf: [{ type: "null" }, { $ref: "#" }] } }, required: ["head", "tail"], additionalProperties: false }],
  ["numbers", { type: "object", properties: { a: { type: "number", exclusiveMinimum: 0, maximum: 1 }, b: { type: "integer", multipleOf: 7 }, c: { type: "number", minimum: -2.5, exclusiveMaximum: 1e3 }, d: { type: "integer", exclusiveMinimum: -3, exclusiveMaximum: 3, not: { const: 0 } } }, required: ["a", "b", "c", "d"] }],
  ["strings", { type: "object", properties: { date: { type: "string", format: "date" }, dt: { type: "string", format: "date-time" }, mail: { format: "email", type: "string" }, ip: { type: "string", format: "ipv4" }, ip6: { type: "string", format: "ipv6" }, id: { type: "string", format: "uuid" }, u: { type: "string", format: "uri" }, h: { type: "string", format: "hostname" }, p: { type: "string", pattern: "^[A-Z]{2}-\\d{3,5}$" }, dur: { type: "string", format: "duration" } }, additionalProperties: false }],
  ["arrays", { type: "array", prefixItems: [{ type: "boolean" }, { enum: ["x", "y"] }], items: { type: "integer" }, minItems: 1, contains: { const: 3 }, maxContains: 2 }],
  ["unique", { type: "array", items: { enum: ["a", "b", 1, null] }, uniqueItems: true, minItems: 2 }],
  ["object counts", { type: "object", properties: { a: { type: "integer" }, b: { type: "integer" }, c: { type: "integer" } }, minProperties: 2, maxProperties: 3, additionalProperties: { type: "boolean" } }],
  ["oneOf tagged", { oneOf: [{ type: "object", properties: { kind: { const: "a" }, x: { type: "integer" } }, required: ["kind"] }, { type: "object", properties: { kind: { const: "b" }, y: { type: "string" } }, required: ["kind"] }] }],
  ["if then else", { type: "object", properties: { country: { enum: ["US", "CA"] }, code: { type: "string" } }, required: ["country", "code"], if: { properties: { country: { const: "US" } } }, then: { properties: { code: { pattern: "^[0-9]{5}$" } } }, else: { properties: { code: { pattern: "^[A-Z][0-9][A-Z]$" } } } }],
  ["dependencies", { type: "object", properties: { card: { type: "string" }, billing: { type: "string" } }, dependentRequired: { card: ["billing"] } }],
  ["any", {}],
  ["not pattern, not integer", { type: "object", properties: { s: { type: "string", not: { pattern: "^a" }, maxLength: 4 }, n: { not: { type: "integer" }, type: "number", maximum: 3 } }, required: ["s", "n"] }],
  ["pattern and length", { type: "string", pattern: "^[a-z]+\\d+$", minLength: 3, maxLength: 6 }],
  ["pattern and format", { type: "string", format: "ipv4", pattern: "^10\\." }],
  ["pattern properties", { type: "object", properties: { name: { type: "string" }, "x-1": { type: "boolean" } }, patternProperties: { "^x-": { type: "integer" }, "y$": { type: "null" } }, maxProperties: 4 }],
  ["property names", { type: "object", properties: { a: { type: "integer" } }, propertyNames: { maxLength: 3, pattern: "^[a-c]+$" } }],
  ["escapes", { type: "string", minLength: 2, maxLength: 3 }],
];

const STYLES: CompileSchemaOptions[] = [{ whitespace: "compact" }, { whitespace: "flexible" }, { whitespace: { pretty: 2 } }];

/** Whether an object in the value has an integer-like key, which JSON.stringify moves first (out of the order the grammar writes). */
const indexKeys = (v: unknown): boolean => typeof v === "object" && v !== null && ((!Array.isArray(v) && Object.keys(v).some((k) => /^(0|[1-9]\d*)$/.test(k))) || Object.values(v).some(indexKeys));

/** The layout of a JSON text: strings and numbers blanked out. */
const layout = (t: string) => t.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|null|true|false/g, "0");

/** Whether a value holds a number that overflowed to ±Infinity (JSON.stringify writes null). */
const nonFinite = (v: unknown): boolean => (typeof v === "number" ? !Number.isFinite(v) : typeof v === "object" && v !== null ? Object.values(v).some(nonFinite) : false);

function check(name: string, schema: unknown, opts: CompileSchemaOptions, samples: number, seed: number): void {
  const { grammar } = compileSchema(schema, opts);
  const validate = createValidator(schema);
  const sampler = new IrSampler(grammar);
  const rand = rng(seed);
  for (let i = 0; i < samples; i++) {
    const text = sampler.sample(rand);
    if (text === null) continue;
    let value: unknown;
    expect(() => (value = JSON.parse(text)), `${name}: not JSON: ${text}`).not.toThrow();
    const r = validate(value);
    expect(r.valid, `${name} (${JSON.stringify(opts.whitespace)}): ajv rejects ${text}: ${JSON.stringify(r.errors)}`).toBe(true);
    const pretty = typeof opts.whitespace === "object" ? layout(JSON.stringify(value, null, opts.whitespace.pretty)) : "";
    // (Duplicate keys, which JSON.parse merges, change the layout; compare only without them.)
    if (pretty && pretty.split(":").length === layout(text).split(":").length) expect(layout(text)).toBe(pretty);
    // The canonical (JSON.stringify) text of every generated value is in the language too
    // (lone surrogates, which only the generic string rule can spell, excepted).
    // Bounded numbers are generated without exponents, so values whose canonical text has one are skipped,
    // and so are objects with integer-like keys (JSON.stringify writes those first, whatever the text's order).
    if (opts.whitespace === "compact" && !/\\u[dD][89a-fA-F]/.test(text) && !nonFinite(value) && !indexKeys(value) && !/\d[eE][-+]?\d/.test(JSON.stringify(value))) {
      let accepted: boolean | null = null;
      try {
        accepted = referenceMatch(grammar, JSON.stringify(value)).accepted;
      } catch (e) {
        // The reference recognizer unrolls counted repeats and refuses very large ones.
        if ((e as { code?: string }).code !== "reference-too-large") throw e;
      }
      if (accepted !== null) expect(accepted, `${name}: canonical text of ${text}`).toBe(true);
    }
  }
}

describe("sampled sentences validate", () => {
  for (const [name, schema] of SCHEMAS) {
    it(name, () => {
      STYLES.forEach((opts, i) => check(name, schema, opts, 60, 1000 + i));
    });
  }
});

describe.skipIf(!existsSync(maskbench))("MaskBench sample: sampled sentences validate", () => {
  it("a fixed sample of 100 schemas", () => {
    const files = readdirSync(maskbench).filter((f) => f.endsWith(".json")).sort();
    const rand = rng(7);
    const picked = new Set<string>();
    while (picked.size < Math.min(100, files.length)) picked.add(files[Math.floor(rand() * files.length)]);
    let compiled = 0;
    for (const f of [...picked].sort()) {
      const doc = JSON.parse(readFileSync(resolve(maskbench, f), "utf8")) as { schema: unknown };
      try {
        compileSchema(doc.schema);
      } catch (e) {
        expect((e as { code?: string }).code, `${f}: ${(e as Error).stack}`).toBeTypeOf("string");
        continue;
      }
      compiled++;
      check(f, doc.schema, { whitespace: "compact" }, 8, 11);
    }
    expect(compiled).toBeGreaterThan(80);
  });
});
