// repairCsv with a table (the columns of a flat-record schema as the CSV
// constraint types them): it reads cells by the constraint's cell rule, so
// on a text in the dialect it changes nothing and returns what parseCsv
// (the constraint's reader) returns; on a broken text it coerces and writes
// the dialect's text.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseCsv, resolveCsvOptions, stringifyCsv, type CsvTable } from "@formwork/csv";
import { repairCsv } from "@formwork/repair";

const table: CsvTable = {
  columns: [
    { name: "id", kinds: ["integer"], required: true },
    { name: "code", kinds: ["string", "integer"], required: true },
    { name: "price", kinds: ["number", "null"], required: false },
    { name: "ok", kinds: ["boolean"], required: false },
    { name: "note", kinds: ["string"], required: false },
  ],
  dialect: resolveCsvOptions({}),
};
const schema = {
  type: "array",
  items: {
    type: "object",
    properties: { id: { type: "integer" }, code: { type: ["string", "integer"] }, price: { type: ["number", "null"] }, ok: { type: "boolean" }, note: { type: "string" } },
    required: ["id", "code"],
  },
};

describe("repairCsv with a table", () => {
  it("changes nothing on a text of the dialect and reads what parseCsv reads (random records)", () => {
    const rec = fc.record(
      {
        id: fc.integer(),
        code: fc.oneof(fc.integer({ min: 0, max: 99 }), fc.constantFrom("12", "A-1", "x,y", "")),
        price: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((x) => (Object.is(x, -0) ? 0 : x)), fc.constant(null)),
        ok: fc.boolean(),
        note: fc.constantFrom("plain", "true", "12", ' "q" ', "line\nbreak", "é"),
      },
      { requiredKeys: ["id", "code"] },
    );
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 5 }), (records) => {
        const text = stringifyCsv(records, table);
        const r = repairCsv(text, { table, schema });
        expect(r.edits).toEqual([]);
        expect(r.ok).toBe(true);
        expect(r.value).toEqual(parseCsv(text, table));
        expect(r.text).toBe(text);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it("keeps a quoted number a string where the column may hold both", () => {
    const r = repairCsv('id,code\n1,"12"\n2,12\n', { table: { ...table, columns: table.columns.slice(0, 2) } });
    expect(r.value).toEqual([{ id: 1, code: "12" }, { id: 2, code: 12 }]);
  });

  it("coerces broken cells and writes the dialect's text, which parseCsv reads back", () => {
    const r = repairCsv("```csv\nid;code;price;ok;note\n 1 ;A;1,5;yes;\n2;7;;no;hi\n```\n", { table: { ...table, dialect: resolveCsvOptions({ delimiter: ";" }) }, schema });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual([{ id: 1, code: "A", price: 1.5, ok: true }, { id: 2, code: 7, price: null, ok: false, note: "hi" }]);
    expect(r.text).toBe("id;code;price;ok;note\n1;A;1.5;true;\n2;7;;false;hi\n");
    expect(parseCsv(r.text, { ...table, dialect: resolveCsvOptions({ delimiter: ";" }) })).toEqual(r.value);
  });

  it("reports what the schema refuses", () => {
    const r = repairCsv("id,code\nx,1\n", { table: { ...table, columns: table.columns.slice(0, 2) }, schema });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.keyword)).toContain("type");
  });
});
