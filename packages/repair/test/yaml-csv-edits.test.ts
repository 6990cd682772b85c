import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { repairCsv, repairYaml, type CsvColumn, type EditKind } from "@formwork/repair";

const YAML_CASES: [string, unknown, EditKind[]][] = [
  ["a: 1\nb: [x, y]\n", { a: 1, b: ["x", "y"] }, []],
  ["Here you go:\n```yaml\na: 1\n```\nEnjoy!", { a: 1 }, ["strip-fence", "strip-prose"]],
  ["Here is the YAML:\n\na: 1\nb: 2\n", { a: 1, b: 2 }, ["strip-prose"]],
  ["a:\n\tb: 1\n\tc: 2\n", { a: { b: 1, c: 2 } }, ["yaml-tab-indent"]],
  ["a:\n  b: 1\n   c: 2\n", { a: { b: 1, c: 2 } }, ["yaml-indent"]],
  ["a:\n    b: 1\n  c: 2\n", { a: { b: 1 }, c: 2 }, ["yaml-indent"]],
  ["name:Ada\nage:36\nurl: https://x.org\n", { name: "Ada", age: 36, url: "https://x.org" }, ["yaml-colon-space"]],
  ["title: Note: read this\n", { title: "Note: read this" }, ["yaml-quote-value"]],
  ["tag: item #3\nport: 8080 # default\n", { tag: "item #3", port: 8080 }, ["yaml-quote-value"]],
  ['{"a": [1, 2,],}', { a: [1, 2] }, ["json-in-yaml", "remove-trailing-comma"]],
  ['a: 1\nb: "unfinished', { a: 1, b: "unfinished" }, ["yaml-truncated"]],
  ["list:\n  - x\n  - - y\n    - z\n", { list: ["x", ["y", "z"]] }, []],
  ["text: |\n  line one\n  line two\nafter: 1\n", { text: "line one\nline two\n", after: 1 }, []],
  ["id: arn:aws:iam::1:x\n", { id: "arn:aws:iam::1:x" }, []],
];

describe("repairYaml: one table row per edit kind", () => {
  for (const [input, value, kinds] of YAML_CASES) {
    test(JSON.stringify(input), () => {
      const r = repairYaml(input);
      expect(r.ok, JSON.stringify(r.errors)).toBe(true);
      expect(r.value).toEqual(value);
      const got = r.edits.map((e) => e.kind);
      for (const k of kinds) expect(got).toContain(k);
      if (kinds.length === 0) expect(r.edits).toEqual([]);
      expect(parse(r.text)).toEqual(value); // the repaired text is YAML for the value
    });
  }

  test("truncation with a schema drops the cut-off line when that validates", () => {
    const schema = { type: "object", required: ["a"], properties: { a: { type: "integer" }, b: { enum: ["long value"] } } };
    const r = repairYaml("a: 1\nb: long va", { schema });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({ a: 1 });
    expect(r.edits.map((e) => e.kind)).toContain("yaml-truncated");
  });
});

const columns: CsvColumn[] = [
  { name: "id", type: "integer", required: true },
  { name: "name", type: "string" },
  { name: "price", type: "number" },
  { name: "ok", type: "boolean" },
  { name: "day", type: "date" },
];

const CSV_CASES: [string, unknown[], EditKind[]][] = [
  ["id,name,price,ok,day\n1,Ada,2.5,true,2024-01-05\n", [{ id: 1, name: "Ada", price: 2.5, ok: true, day: "2024-01-05" }], []],
  ["id;name;price;ok;day\n1;Ada;2,5;yes;2024/01/05\n", [{ id: 1, name: "Ada", price: 2.5, ok: true, day: "2024-01-05" }], ["csv-delimiter", "csv-coerce"]],
  ["id\tname\tprice\tok\tday\n1\tAda\t2\tno\t05.01.2024\n", [{ id: 1, name: "Ada", price: 2, ok: false, day: "2024-01-05" }], ["csv-delimiter", "csv-coerce"]],
  [" ID ,Name,PRICE,Ok,Day\n1,Ada,2,true,2024-01-05\n", [{ id: 1, name: "Ada", price: 2, ok: true, day: "2024-01-05" }], ["csv-header"]],
  ["id,name,price,ok,day\n1,Ada \"the\" L,2,true,2024-01-05\n", [{ id: 1, name: 'Ada "the" L', price: 2, ok: true, day: "2024-01-05" }], ["csv-stray-quote"]],
  ["id,name,price,ok,day\n1,Ada,2\n2,Bob,3,false,2024-01-06\n", [{ id: 1, name: "Ada", price: 2, ok: null, day: null }, { id: 2, name: "Bob", price: 3, ok: false, day: "2024-01-06" }], ["csv-pad-row"]],
  ["id,name,price,ok,day\n1,Lovelace, Ada,2,true,2024-01-05\n", [{ id: 1, name: "Lovelace, Ada", price: 2, ok: true, day: "2024-01-05" }], ["csv-merge-fields"]],
  ["id,name,price,ok,day\n1,Ada,2,true,2024-01-05,,\n", [{ id: 1, name: "Ada", price: 2, ok: true, day: "2024-01-05" }], ["csv-trim-row"]],
  ["id,name,price,ok,day\n1,Ada,2,true,2024-01-05\n2,Bo", [{ id: 1, name: "Ada", price: 2, ok: true, day: "2024-01-05" }], ["csv-drop-partial-row"]],
  ['id,name,price,ok,day\n1,"Ada\nLovelace",2,true,2024-01-05\n', [{ id: 1, name: "Ada\nLovelace", price: 2, ok: true, day: "2024-01-05" }], []],
  ['id,name,price,ok,day\n1,Ada,2,true,2024-01-05\n2,"Bob', [{ id: 1, name: "Ada", price: 2, ok: true, day: "2024-01-05" }], ["csv-unclosed-quote", "csv-drop-partial-row"]],
  ["The table:\n```csv\nid,name,price,ok,day\n1,Ada,2,true,2024-01-05\n```\n", [{ id: 1, name: "Ada", price: 2, ok: true, day: "2024-01-05" }], ["strip-fence", "strip-prose"]],
];

describe("repairCsv: one table row per edit kind", () => {
  for (const [input, value, kinds] of CSV_CASES) {
    test(JSON.stringify(input), () => {
      const r = repairCsv(input, { columns });
      expect(r.ok, JSON.stringify(r.errors)).toBe(true);
      expect(r.value).toEqual(value);
      const got = r.edits.map((e) => e.kind);
      for (const k of kinds) expect(got, JSON.stringify(r.edits)).toContain(k);
      if (kinds.length === 0) expect(r.edits).toEqual([]);
      // The repaired text reads back to the same table.
      expect(repairCsv(r.text, { columns }).value).toEqual(value);
    });
  }

  test("errors: an empty required field, a value that does not convert, an ambiguous date", () => {
    const r = repairCsv("id,name,price,ok,day\n,Ada,abc,maybe,01/02/2024\n", { columns });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.keyword).sort()).toEqual(["format", "required", "type", "type"]);
  });

  test("without a column spec every field is a string and the header is kept", () => {
    const r = repairCsv("a|b\n1|x\n2|y\n");
    expect(r.value).toEqual([{ a: "1", b: "x" }, { a: "2", b: "y" }]);
  });
});
