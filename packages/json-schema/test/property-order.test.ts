// propertyOrder "any": every permutation of every subset of the named members, with other
// members anywhere, is accepted exactly when ajv accepts the value; a named key twice never is.
// Oracle: ajv (createValidator) on the parsed text; acceptance by the reference recognizer and
// by the grammar engine (Qwen vocabulary).
import { describe, expect, it } from "vitest";
import { GrammarCompiler } from "@formwork/grammar";
import { referenceMatch } from "@formwork/grammar/testing";
import { compileSchema, createValidator } from "@formwork/json-schema";
import { qwenVocabulary } from "@formwork/testkit";

const VALUES: Record<string, string[]> = { a: ["1", '"x"'], b: ['"s"', "2"], c: ["true"], z: ["0"] };

/** Object texts over the keys, in every order of every subset, each key with each sample value. */
function texts(keys: string[]): string[] {
  const out: string[] = [];
  const perms = (rest: string[], acc: string[]) => {
    if (acc.length) out.push(...fill(acc));
    for (const k of rest) perms(rest.filter((x) => x !== k), [...acc, k]);
  };
  const fill = (ks: string[]): string[] => {
    let objs = [""];
    for (const k of ks) objs = objs.flatMap((o) => VALUES[k].map((v) => `${o}${o ? "," : ""}"${k}":${v}`));
    return objs.map((o) => `{${o}}`);
  };
  perms(keys, []);
  out.push("{}");
  return out;
}

const CASES: [string, Record<string, unknown>][] = [
  ["optional and required members, others allowed", { type: "object", properties: { a: { type: "integer" }, b: { type: "string" }, c: { type: "boolean" } }, required: ["a"] }],
  ["no other members, exactly two members", { type: "object", properties: { a: { type: "integer" }, b: { type: "string" }, c: { type: "boolean" } }, additionalProperties: false, minProperties: 2, maxProperties: 2 }],
  ["others typed, at most three members", { type: "object", properties: { a: { type: "integer" }, c: { type: "boolean" } }, additionalProperties: { type: "integer" }, maxProperties: 3, required: ["c"] }],
];

describe('propertyOrder "any"', () => {
  const compiler = new GrammarCompiler(qwenVocabulary());
  for (const [name, schema] of CASES) {
    it(`${name}: accepted exactly when ajv accepts`, () => {
      const g = compileSchema(schema, { propertyOrder: "any" }).grammar;
      const cg = compiler.compile(g);
      const ajv = createValidator(schema);
      let accepted = 0;
      for (const text of texts(["a", "b", "c", "z"])) {
        const want = ajv(JSON.parse(text)).valid;
        const m = cg.createMatcher();
        const engine = m.acceptBytes(text) && m.isComplete();
        expect(engine, text).toBe(want);
        expect(referenceMatch(g, text).accepted, text).toBe(want);
        if (want) accepted++;
      }
      expect(accepted).toBeGreaterThan(3);
    });
  }

  it("never accepts a named member twice", () => {
    const g = compileSchema(CASES[0][1], { propertyOrder: "any" }).grammar;
    for (const text of ['{"a":1,"a":2}', '{"b":"s","a":1,"b":"t"}', '{"z":0,"a":1,"z":1,"a":3}']) expect(referenceMatch(g, text).accepted, text).toBe(false);
  });

  it("schema order (the default) still refuses other orders", () => {
    const g = compileSchema(CASES[0][1]).grammar;
    expect(referenceMatch(g, '{"a":1,"b":"s"}').accepted).toBe(true);
    expect(referenceMatch(g, '{"b":"s","a":1}').accepted).toBe(false);
  });

  it("refuses objects with too many named properties, or keeps schema order under lenient", () => {
    const big = { type: "object", properties: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, { type: "integer" }])) };
    expect(() => compileSchema(big, { propertyOrder: "any" })).toThrow(/propertyOrder "any" for an object with 12 named properties/);
    const lenient = compileSchema(big, { propertyOrder: "any", lenient: true });
    expect(lenient.warnings.some((w) => w.message.includes('propertyOrder "any"'))).toBe(true);
    expect(referenceMatch(lenient.grammar, '{"p0":1,"p1":2}').accepted).toBe(true);
  });

  it("rejects an unknown propertyOrder", () => {
    expect(() => compileSchema({ type: "object" }, { propertyOrder: "sorted" as never })).toThrow(/propertyOrder must be "schema" or "any"/);
  });
});
