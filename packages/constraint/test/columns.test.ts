// The column shortcut: each spec is the JSON Schema written out, checked
// both as data and by ajv on rows the spec should accept and refuse.
import { describe, expect, it } from "vitest";
import { ArgumentError } from "@formwork/core";
import { validate } from "@formwork/validate";
import { columns } from "@formwork/constraint";

const table = (properties: Record<string, unknown>, required: string[]) => ({ type: "array", items: { type: "object", properties, required, additionalProperties: false } });

describe("columns", () => {
  it("writes the issue's example as a JSON Schema", () => {
    expect(columns("name:string,age:integer>=0,email:email,status:active|inactive")).toEqual(
      table({ name: { type: "string" }, age: { type: "integer", minimum: 0 }, email: { type: "string", format: "email" }, status: { enum: ["active", "inactive"] } }, ["name", "age", "email", "status"]),
    );
  });

  it("reads optional columns, unions, literals, bounds, lengths, patterns and quoted names", () => {
    const cases: [string, Record<string, unknown>, string[]][] = [
      ["note?:string<=200", { note: { type: "string", maxLength: 200 } }, []],
      ["code:string/^[A-Z]{3}$/>=3", { code: { type: "string", pattern: "^[A-Z]{3}$", minLength: 3 } }, ["code"]],
      ["x:integer|null", { x: { type: ["integer", "null"] } }, ["x"]],
      ["p:number>0<1", { p: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 } }, ["p"]],
      ["n:1|2|3", { n: { enum: [1, 2, 3] } }, ["n"]],
      ['k:"string"|"a,b"', { k: { enum: ["string", "a,b"] } }, ["k"]],
      ["f:true", { f: { const: true } }, ["f"]],
      ["v:integer>=0|unknown", { v: { anyOf: [{ type: "integer", minimum: 0 }, { const: "unknown" }] } }, ["v"]],
      ['"a:b":string, c :boolean', { "a:b": { type: "string" }, c: { type: "boolean" } }, ["a:b", "c"]],
      ["s:string>2<5", { s: { type: "string", minLength: 3, maxLength: 4 } }, ["s"]],
    ];
    for (const [spec, props, req] of cases) expect(columns(spec), spec).toEqual(table(props, req));
    expect(columns("a:string", { minRows: 1, maxRows: 3 })).toMatchObject({ minItems: 1, maxItems: 3 });
  });

  it("means what docs/csv.md says (ajv on rows)", () => {
    const schema = columns("name:string,age:integer>=0,email:email,status:active|inactive,score?:number>0<=1|null");
    const ok = [{ name: "Ann", age: 3, email: "a@b.co", status: "active" }, { name: "", age: 0, email: "x@y.z", status: "inactive", score: null }, { name: "B", age: 1, email: "b@c.d", status: "active", score: 1 }];
    expect(validate(schema, ok).valid).toBe(true);
    for (const bad of [{ name: "A", age: -1, email: "a@b.co", status: "active" }, { name: "A", age: 1, email: "nope", status: "active" }, { name: "A", age: 1, email: "a@b.co", status: "gone" }, { name: "A", age: 1, email: "a@b.co", status: "active", score: 0 }, { name: "A", age: 1, email: "a@b.co" }, { name: "A", age: 1, email: "a@b.co", status: "active", extra: 1 }]) {
      expect(validate(schema, [bad]).valid, JSON.stringify(bad)).toBe(false);
    }
  });

  it("refuses bad specs with bad-columns and the offset", () => {
    const bad: [string, RegExp][] = [
      ["", /no name/],
      ["a", /expected ":"/],
      ["a:", /type or value is missing/],
      ["a:string,a:integer", /listed twice/],
      ["a:boolean>=1", /boolean has no bounds/],
      ["a:integer/x/", /pattern applies to strings/],
      ["a:string/[/", /not a valid regex/],
      ["a:string>=1.5", /non-negative integer/],
      ["a:integer>=x", />= needs a number/],
      ['a:"open', /not closed/],
      ["a:string;b:string", /unexpected ":"/],
    ];
    for (const [spec, message] of bad) {
      let err: unknown;
      try {
        columns(spec);
      } catch (e) {
        err = e;
      }
      expect(err, spec).toBeInstanceOf(ArgumentError);
      expect((err as ArgumentError).code).toBe("bad-columns");
      expect((err as ArgumentError).message, spec).toMatch(message);
      expect((err as ArgumentError).location?.kind).toBe("span");
    }
    expect(() => columns("a:string", { minRows: -1 })).toThrow(/minRows/);
  });
});

describe("the CSV syntax through resolveConstraint", () => {
  it("compiles a column spec to a CSV grammar whose texts read back as records ajv checks", async () => {
    const { resolveConstraint } = await import("@formwork/constraint");
    const { checkText } = await import("@formwork/grammar");
    const c = resolveConstraint({ schema: columns("name:string,age:integer>=0,status:active|inactive,note?:string", { maxRows: 2 }), syntax: "csv", schemaOptions: { csv: { delimiter: ";", nullText: "NULL" } } })!;
    expect(c.syntax).toBe("csv");
    expect(c.table?.dialect).toMatchObject({ delimiter: ";", nullText: "NULL" });
    expect(c.table?.columns.map((col) => [col.name, col.kinds, col.required])).toEqual([
      ["name", ["string"], true],
      ["age", ["integer"], true],
      ["status", ["string"], true],
      ["note", ["string"], false],
    ]);
    const text = 'name;age;status;note\n"Ann; B";3;active;\n12;0;inactive;"say ""hi"""\n';
    expect(checkText(c.grammar, text).accepted).toBe(true);
    const value = c.valueOf(text);
    expect(value).toEqual([{ name: "Ann; B", age: 3, status: "active" }, { name: "12", age: 0, status: "inactive", note: 'say "hi"' }]);
    expect(c.validate(value).valid).toBe(true);
    // Three rows are more than maxRows; a negative age is no integer >= 0; a ragged row is not CSV.
    expect(checkText(c.grammar, `${text}x;1;active;\n`).accepted).toBe(false);
    expect(checkText(c.grammar, "name;age;status;note\nx;-1;active;\n").accepted).toBe(false);
    expect(c.valueOf("name;age;status;note\nx;1\n")).toBeUndefined();
  });

  it("refuses CSV options without the CSV syntax, and a schema that is not a table", async () => {
    const { resolveConstraint } = await import("@formwork/constraint");
    expect(() => resolveConstraint({ schema: columns("a:string"), schemaOptions: { csv: { delimiter: ";" } } })).toThrow(expect.objectContaining({ code: "bad-option" }));
    expect(() => resolveConstraint({ schema: { type: "object" }, syntax: "csv" })).toThrow(expect.objectContaining({ code: "not-a-table" }));
  });
});
