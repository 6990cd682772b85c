import { describe, expect, it } from "vitest";
import { checkText, grammar, literal } from "@formwork/grammar";
import { compileSchema } from "@formwork/json-schema";
import { resolveConstraint, type Constraint } from "@formwork/constraint";

const person = { type: "object", properties: { name: { type: "string" }, age: { type: "integer", minimum: 0 } }, required: ["name", "age"], additionalProperties: false };
const accepts = (c: Constraint | null, text: string) => checkText(c!.grammar, text).accepted;

/**
 * A schema that counts how often a compiler reads its `properties`: one
 * compile reads it a fixed number of times, so a second compile shows as a
 * second batch of reads.
 */
function counted(schema: Record<string, unknown>): { schema: Record<string, unknown>; reads: () => number } {
  let n = 0;
  const proxy = new Proxy(schema, {
    get(target, key, receiver) {
      if (key === "properties") n++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { schema: proxy, reads: () => n };
}

describe("resolveConstraint", () => {
  it("returns null without a constraint", () => {
    expect(resolveConstraint({})).toBe(null);
  });

  it("compiles a schema (object or JSON text) to a grammar, a JSON reader and ajv", () => {
    for (const schema of [person, JSON.stringify(person)]) {
      const c = resolveConstraint({ schema })!;
      expect(c).toMatchObject({ kind: "schema", syntax: "json", warnings: [] });
      expect(c.schema).toEqual(person);
      expect(accepts(c, '{"name": "Ada", "age": 36}')).toBe(true);
      expect(accepts(c, '{"name": "Ada", "age": -1}')).toBe(false);
      expect(c.valueOf('{"name": "Ada", "age": 36}')).toEqual({ name: "Ada", age: 36 });
      expect(c.valueOf('{"name": ')).toBe(undefined);
      expect(c.validate({ name: "Ada", age: 36 }).valid).toBe(true);
      expect(c.validate({ name: "Ada", age: -1 }).errors[0]).toMatchObject({ instancePath: "/age", keyword: "minimum" });
    }
  });

  it("syntax yaml: a YAML grammar, a YAML reader (1.2 core) and ajv", () => {
    const schema = { type: "object", properties: { country: { type: "string" }, n: { type: "integer" }, tags: { type: "array", items: { type: "string" } } }, required: ["country"] };
    const c = resolveConstraint({ schema, syntax: "yaml" })!;
    expect(c.syntax).toBe("yaml");
    // A list of scalars is written in flow style by default (flowSequences: "scalars"); block style with "never".
    const text = 'country: "no"\n"n": 3\ntags: [a b, "on"]\n';
    expect(checkText(c.grammar, text)).toEqual({ accepted: true });
    const block = 'country: "no"\n"n": 3\ntags:\n  - a b\n  - "on"\n';
    expect(checkText(c.grammar, block).accepted).toBe(false);
    const never = resolveConstraint({ schema, syntax: "yaml", schemaOptions: { flowSequences: "never" } })!;
    expect(checkText(never.grammar, block)).toEqual({ accepted: true });
    expect(never.valueOf(block)).toEqual({ country: "no", n: 3, tags: ["a b", "on"] });
    expect(checkText(c.grammar, "country: no\n").accepted).toBe(false); // YAML 1.1 reads it as false
    expect(checkText(c.grammar, '{"country": "x"}').accepted).toBe(false);
    expect(c.valueOf(text)).toEqual({ country: "no", n: 3, tags: ["a b", "on"] });
    expect(c.valueOf("a: [")).toBeUndefined();
    expect(c.validate({ country: 1 }).valid).toBe(false);
    expect(() => resolveConstraint({ schema, syntax: "toml" as never })).toThrow(/unknown syntax/);
  });

  it("passes the schema options to the compiler and the validator", () => {
    const c = resolveConstraint({ schema: person, schemaOptions: { whitespace: "compact" } })!;
    expect(accepts(c, '{"name":"Ada","age":36}')).toBe(true);
    expect(accepts(c, '{"name": "Ada","age":36}')).toBe(false);
    const draft4 = { type: "number", maximum: 5, exclusiveMaximum: true };
    const d = resolveConstraint({ schema: draft4, schemaOptions: { draft: 4 } })!;
    expect(d.validate(5).valid).toBe(false);
    expect(d.validate(4).valid).toBe(true);
    const remotes = { "http://example.com/int.json": { type: "integer" } };
    const r = resolveConstraint({ schema: { $ref: "http://example.com/int.json" }, schemaOptions: { remotes } })!;
    expect(accepts(r, "7")).toBe(true);
    expect(r.validate("7").valid).toBe(false);
  });

  it("carries the schema compiler's warnings under lenient", () => {
    const c = resolveConstraint({ schema: { type: "array", items: { type: "string" }, uniqueItems: true }, schemaOptions: { lenient: true } })!;
    expect(c.warnings.map((w) => w.code)).toContain("unsupported-keyword");
  });

  it("compiles each schema once, and a resolved constraint passed back in not again", () => {
    // A schema no other test resolves (equal schemas are resolved once per process).
    const own = { ...person, description: "compiled once" };
    const once = counted({ ...own });
    compileSchema(once.schema);
    const perCompile = once.reads();
    expect(perCompile).toBeGreaterThan(0);
    const { schema, reads } = counted({ ...own });
    const c = resolveConstraint({ schema })!;
    // One compile, plus the walks that check what the schema is (JSON data, known keywords) and key it: not two compiles.
    const afterResolve = reads();
    expect(afterResolve).toBeGreaterThanOrEqual(perCompile);
    expect(afterResolve).toBeLessThan(2 * perCompile);
    expect(resolveConstraint({ constraint: c })).toBe(c);
    c.valueOf('{"name": "Ada", "age": 1}');
    expect(reads()).toBe(afterResolve);
  });

  it("resolves an equal plain schema once: the same constraint for equal input, a new one for another schema or option", () => {
    const schema = { type: "array", items: { type: "number", maximum: 1e9 }, maxItems: 3 };
    const a = resolveConstraint({ schema, schemaOptions: { whitespace: "compact" } })!;
    // Equal content (a copy, its JSON text) with equal options: the resolved constraint again, nothing compiled.
    const { schema: copy, reads } = counted(structuredClone(schema));
    expect(resolveConstraint({ schema: copy, schemaOptions: { whitespace: "compact" } })).toBe(a);
    expect(reads()).toBeLessThanOrEqual(1);
    const text = JSON.stringify(schema);
    const t = resolveConstraint({ schema: text, schemaOptions: { whitespace: "compact" } })!;
    expect(resolveConstraint({ schema: text, schemaOptions: { whitespace: "compact" } })).toBe(t);
    // Another option, another schema (changed in place), another limit, strict: resolved again, and right.
    const flexible = resolveConstraint({ schema, schemaOptions: { whitespace: "flexible" } })!;
    expect(flexible).not.toBe(a);
    expect(accepts(flexible, "[ 1 ]")).toBe(true);
    expect(accepts(a, "[ 1 ]")).toBe(false);
    schema.maxItems = 1;
    const one = resolveConstraint({ schema, schemaOptions: { whitespace: "compact" } })!;
    expect(one).not.toBe(a);
    expect(accepts(one, "[1,2]")).toBe(false);
    expect(accepts(a, "[1,2]")).toBe(true);
    expect(resolveConstraint({ schema, schemaOptions: { whitespace: "compact" }, limits: { maxDepth: 64 } })).not.toBe(one);
    expect(resolveConstraint({ schema, schemaOptions: { whitespace: "compact" }, strict: true })).not.toBe(one);
    // Not JSON data: refused on every call, as before.
    const bad = { type: "object", default: new Date(0) };
    expect(() => resolveConstraint({ schema: bad })).toThrow(/Date instance/);
    expect(() => resolveConstraint({ schema: bad })).toThrow(/Date instance/);
  });

  it("parses GBNF text with its warnings and start rule, and takes grammar IR as is", () => {
    const c = resolveConstraint({ grammar: 'root ::= "a" item\nitem ::= [0-9]\nspare ::= "b"\n' })!;
    expect(c).toMatchObject({ kind: "grammar", syntax: null });
    expect(c.warnings.map((w) => w.code)).toEqual(["gbnf-unused-rule"]);
    expect(accepts(c, "a7")).toBe(true);
    expect(c.valueOf("a7")).toBe(undefined);
    expect(c.validate("anything").valid).toBe(true);
    const rooted = resolveConstraint({ grammar: 'doc ::= "x" item\nitem ::= [0-9]\n', grammarRoot: "item" })!;
    expect(accepts(rooted, "7")).toBe(true);
    const ir = grammar([["root", literal("hi")]]);
    expect(resolveConstraint({ grammar: ir })!.grammar).toBe(ir);
    expect(() => resolveConstraint({ grammar: "root ::= (" })).toThrow(expect.objectContaining({ name: "CompileError" }));
  });

  it("matches a regex as a whole, with flags from text or from a RegExp", () => {
    const cases: [string | RegExp, string | undefined, string, boolean][] = [
      ["yes|no", undefined, "yes", true],
      ["yes|no", undefined, "YES", false],
      ["yes|no", "i", "YES", true],
      [/yes|no/i, undefined, "NO", true],
      [/a.c/gs, undefined, "a\nc", true],
      [/a.c/, undefined, "a\nc", false],
      ["\\d{2}", undefined, "123", false],
    ];
    for (const [regex, regexFlags, text, want] of cases) {
      const c = resolveConstraint({ regex, ...(regexFlags !== undefined ? { regexFlags } : {}) })!;
      expect(c.kind).toBe("regex");
      expect(accepts(c, text), `${String(regex)} ${text}`).toBe(want);
    }
  });

  it("refuses a regex that cannot be exact when it is resolved", () => {
    expect(() => resolveConstraint({ regex: "(a)\\1" })).toThrow(expect.objectContaining({ code: "regex-backreference" }));
    expect(() => resolveConstraint({ regex: "a", regexFlags: "x" })).toThrow(expect.objectContaining({ code: "regex-flags" }));
  });

  it("refuses two constraints, and options without their constraint", () => {
    expect(() => resolveConstraint({ schema: {}, regex: "a" })).toThrow(expect.objectContaining({ code: "constraint-conflict", message: expect.stringContaining("schema and regex") }));
    const c = resolveConstraint({ regex: "a" })!;
    expect(() => resolveConstraint({ constraint: c, grammar: "root ::= \"a\"" })).toThrow(expect.objectContaining({ code: "constraint-conflict" }));
    for (const [options, stray] of [
      [{ regex: "a", schemaOptions: { lenient: true } }, "schemaOptions"],
      [{ grammar: 'root ::= "a"', syntax: "json" }, "syntax"],
      [{ schema: {}, grammarRoot: "x" }, "grammarRoot"],
      [{ schema: {}, regexFlags: "i" }, "regexFlags"],
      [{ constraint: c, schemaOptions: {} }, "schemaOptions"],
      [{ regex: /a/, regexFlags: "i" }, "regexFlags"],
    ] as const) {
      expect(() => resolveConstraint(options as never), stray).toThrow(expect.objectContaining({ code: "bad-option", message: expect.stringContaining(stray) }));
    }
    expect(() => resolveConstraint({ schema: {}, syntax: "toml" as never })).toThrow(expect.objectContaining({ code: "bad-option", message: expect.stringContaining("toml") }));
  });
});
