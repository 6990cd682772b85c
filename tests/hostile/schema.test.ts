// Hostile JSON Schemas (issue 17), through the library and the `formwork` CLI: wide and deep schemas end in
// a result or a named limit, never a stack overflow.
import { afterAll, describe, expect, it } from "vitest";
import { shortPointer } from "@formwork/core";
import { compileSchema } from "@formwork/json-schema";
import { createValidator } from "@formwork/validate";
import { cliError, formwork, scratch } from "./cli.js";
import { expectError, expectValue, outcome } from "./outcome.js";

const props = (n: number) => ({ type: "object", properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: "integer" }])) });
function nest(keyword: "allOf" | "anyOf" | "properties" | "items", depth: number): unknown {
  let s: unknown = { type: "integer" };
  for (let i = 0; i < depth; i++) s = keyword === "properties" ? { type: "object", properties: { a: s } } : keyword === "items" ? { type: "array", items: s } : { [keyword]: [s] };
  return s;
}

const files = scratch("formwork-hostile-schema-");
afterAll(() => files.done());

describe("wide schemas", () => {
  it("more than maxProperties (10,000) entries under one keyword: max-properties before ajv or the compiler run", async () => {
    const wide = props(10_001);
    const v = expectError(await outcome(() => createValidator(wide)), "max-properties");
    expect(v.location).toEqual({ kind: "pointer", pointer: "/properties" });
    expectError(await outcome(() => compileSchema(wide)), "max-properties");
    const oneOf = { oneOf: Array.from({ length: 20 }, (_, i) => ({ const: i })) };
    expectError(await outcome(() => createValidator(oneOf, { limits: { maxProperties: 10 } })), "max-properties");
    expect(createValidator(oneOf, { limits: { maxProperties: 20 } })(3).valid).toBe(true);
  });

  it("past 256 entries ajv compiles flat, and still reports only the first error (in schema order) unless allErrors", () => {
    const schema = props(300);
    const bad = { p7: "x", p250: "y", p3: "z" };
    expect(createValidator(schema)(bad).errors.map((e) => e.instancePath)).toEqual(["/p3"]);
    expect(createValidator(schema, { allErrors: true })(bad).errors.map((e) => e.instancePath)).toEqual(["/p3", "/p7", "/p250"]);
    expect(createValidator(schema)({ p299: 1 }).valid).toBe(true);
  });

  // With a 150 KB stack, recursion once per property failed at 2,000 properties (the object emitter,
  // the left-recursion search, ajv's nested code); at the default stack it failed between 3,000 and 9,999.
  it("a oneOf of 3,000 branches through formwork validate: max-properties (ajv's compiler overflows), not minutes of compiling", () => {
    // validate runs in a worker thread whose stack is the main thread's (984 KB); with a worker's own 4 MB, ajv
    // ground on past 120 s instead of overflowing.
    const schema = files.file("oneof-3000.json", JSON.stringify({ oneOf: Array.from({ length: 3_000 }, (_, i) => ({ const: i })) }));
    const r = formwork(["validate", "--schema", schema, "--value", "1"], { timeoutMs: 60_000 });
    expect(r.signal).toBeNull();
    cliError(r, "max-properties");
  });

  it("2,000 properties through formwork check and validate, on a small stack", () => {
    const required = files.file("r2000.json", JSON.stringify({ ...props(2_000), required: Array.from({ length: 2_000 }, (_, i) => `p${i}`) }));
    const all = `{${Array.from({ length: 2_000 }, (_, i) => `"p${i}": ${i}`).join(", ")}}`;
    expect(formwork(["check", "--schema", required, "--text", all], { stackKb: 150 })).toMatchObject({ code: 0, out: '{"accepted":true}\n' });
    const p = files.file("p2000.json", JSON.stringify(props(2_000)));
    const v = formwork(["validate", "--schema", p, "--value", '{"p5": "x", "p1999": "y"}'], { stackKb: 150 });
    expect(v.code).toBe(1);
    expect(JSON.parse(v.out).errors.map((e: { instancePath: string }) => e.instancePath)).toEqual(["/p5"]);
  });

  // Each named property from the first optional one on cost the engine one nested call, and past its
  // maxStackDepth (1,000) later properties became unreachable: with 1,200 optional properties, p0 then
  // p1199 was rejected and generate could only write a prefix. Such objects are now refused.
  it("more than 512 properties from the first optional one on: refused (unsupported-keyword), 512 work", async () => {
    expectError(await outcome(() => compileSchema(props(513))), "unsupported-keyword");
    const r = formwork(["check", "--schema", files.file("p1200.json", JSON.stringify(props(1_200))), "--text", "{}"]);
    expect(r.code).toBe(2);
    expect(cliError(r, "unsupported-keyword")).toContain("1200 named properties");
    const ok = files.file("p512.json", JSON.stringify({ ...props(1_512), required: Array.from({ length: 1_000 }, (_, i) => `p${i}`) }));
    const text = `{${Array.from({ length: 1_000 }, (_, i) => `"p${i}": 1`).join(", ")}, "p1000": 1, "p1511": 2}`;
    expect(formwork(["check", "--schema", ok, "--text", text])).toMatchObject({ code: 0, out: '{"accepted":true}\n' });
    // Under lenient: the required members first, then the first 512 optional ones (restricts).
    const lenient = compileSchema(props(1_200), { lenient: true });
    expect(lenient.warnings).toMatchObject([{ code: "unsupported-keyword", effect: "restricts" }]);
  });
});

describe("deep schemas", () => {
  it.each(["allOf", "anyOf", "properties", "items"] as const)("%s nested 2,000 deep: max-depth in the compiler and the validator", async (keyword) => {
    const schema = nest(keyword, 2_000);
    const compiled = expectError(await outcome(() => compileSchema(schema)), "max-depth");
    const validated = expectError(await outcome(() => createValidator(schema)), "max-depth");
    const r = formwork(["check", "--schema", files.file(`deep-${keyword}.json`, JSON.stringify(schema)), "--text", "1"]);
    expect(r.code).toBe(2);
    // The pointer of a place 256 levels deep is shortened in messages (its first and last 4 segments), kept whole in location.
    for (const e of [compiled, validated]) {
      expect(e.message.length, e.message).toBeLessThan(500);
      expect(e.message).toMatch(/JSON pointer "(\/[^/"]+){4}\/…\(\d+ segments\)…(\/[^/"]+){4}"/);
      expect((e.location as { pointer: string }).pointer.split("/").length).toBeGreaterThan(256);
    }
    expect(cliError(r, "max-depth").length).toBeLessThan(600);
  });

  it("shortPointer: up to 12 segments as they are, longer ones as the first and last 4", () => {
    expect(shortPointer("")).toBe("");
    const twelve = "/a".repeat(12);
    expect(shortPointer(twelve)).toBe(twelve);
    expect(shortPointer(`/p~1q/0${"/x".repeat(20)}/last~0`)).toBe("/p~1q/0/x/x/…(15 segments)…/x/x/x/last~0");
  });

  it("a $ref loop that reads nothing (a -> b -> a): invalid-schema in the validator, not max-depth", async () => {
    const loop = { $defs: { a: { $ref: "#/$defs/b" }, b: { $ref: "#/$defs/a" } }, $ref: "#/$defs/a" };
    expect(expectError(await outcome(() => createValidator(loop)), "invalid-schema").message).toContain("$ref loop");
    // The compiler finds no finite instance, and says the loop may be why.
    expect(expectError(await outcome(() => compileSchema(loop)), "empty-schema").message).toContain("refers back to itself through $ref");
  });

  it("maxDepth raised past what the stack holds: still max-depth, in the compiler and the validator", async () => {
    const deep = nest("allOf", 2_000);
    expect(expectError(await outcome(() => compileSchema(deep, { limits: { maxDepth: 10_000 } })), "max-depth").message).toContain("call stack");
    expectError(await outcome(() => createValidator(deep, { limits: { maxDepth: 10_000 } })), "max-depth");
  });

  it("nested 100 deep compiles; limits.maxDepth lowers the bound", async () => {
    expectValue(await outcome(() => compileSchema(nest("allOf", 100))));
    expectError(await outcome(() => compileSchema(nest("allOf", 100), { limits: { maxDepth: 50 } })), "max-depth");
  });
});
