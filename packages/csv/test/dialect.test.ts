// The CSV dialect's cell rule, reader (csv-parse) and reference writer
// (csv-stringify) against each other and against csv-spectrum:
// 1. Random tables, dialects and records: the reference writer's text reads
//    back (parseCsv) to the same records (an absent property of a column
//    that may be null and absent reads back as null when nullText is "").
// 2. csv-spectrum: each case read as a table of required string columns
//    gives the case's JSON.
// 3. Option checks and the cell rule's table (docs/csv.md).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ArgumentError } from "@formwork/core";
import { readCell, resolveCsvOptions, type CellKind, type CsvOptions, type CsvTable, type TableColumn } from "@formwork/csv";
import { parseCsv } from "@formwork/csv";
import { stringifyCsv } from "@formwork/csv";
import { spectrumCases, spectrumTable } from "./spectrum.js";

const KIND_SETS: CellKind[][] = [["string"], ["integer"], ["number"], ["boolean"], ["null"], ["string", "null"], ["integer", "string"], ["number", "boolean", "null"], ["string", "boolean", "number", "null"], ["json"]];
const TRICKY = [..."ab ,;|\t\"\r\n0123.-eE+truefalsnNUL{}[]é😀"];
const tricky = fc.array(fc.constantFrom(...TRICKY), { maxLength: 8 }).map((a) => a.join(""));
const words = fc.constantFrom("true", "false", "null", "NULL", "", "0", "-1.5e3", "01", "1.", "a,b", '"q"', " x ");

function valueOf(kinds: readonly CellKind[]): fc.Arbitrary<unknown> {
  const arbs: fc.Arbitrary<unknown>[] = [];
  if (kinds.includes("json")) arbs.push(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v))));
  if (kinds.includes("string")) arbs.push(tricky, words);
  if (kinds.includes("integer")) arbs.push(fc.integer({ min: -1e6, max: 1e6 }), fc.maxSafeInteger());
  if (kinds.includes("number")) arbs.push(fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)));
  if (kinds.includes("boolean")) arbs.push(fc.boolean());
  if (kinds.includes("null")) arbs.push(fc.constant(null));
  return fc.oneof(...arbs);
}

const dialects = fc.record({
  delimiter: fc.constantFrom(",", ";", "\t", "|"),
  header: fc.boolean(),
  lineEnding: fc.constantFrom("\n", "\r\n"),
  quoting: fc.constantFrom("minimal", "strings"),
  nullText: fc.constantFrom("", "NULL", "\\N"),
}) as fc.Arbitrary<Required<CsvOptions>>;

const tables = fc
  .tuple(
    dialects,
    fc.array(fc.record({ name: fc.oneof(tricky, fc.constantFrom("id", "name", "")), kinds: fc.constantFrom(...KIND_SETS), required: fc.boolean() }), { minLength: 1, maxLength: 5 }),
  )
  .map(([d, cols]) => {
    const seen = new Set<string>();
    const columns = cols.filter((c) => !seen.has(c.name) && (seen.add(c.name), true));
    return { columns, dialect: resolveCsvOptions(d) } as CsvTable;
  });

function recordsOf(table: CsvTable): fc.Arbitrary<Record<string, unknown>[]> {
  const rec = fc.tuple(...table.columns.map((c) => (c.required ? valueOf(c.kinds) : fc.option(valueOf(c.kinds), { nil: undefined })))).map((vals) => {
    const r: Record<string, unknown> = {};
    vals.forEach((v, i) => v !== undefined && (r[table.columns[i].name] = v));
    return r;
  });
  return fc.array(rec, { maxLength: 4 });
}

/** What a record reads back as: an absent property of a column that may be null (with the empty null text) reads as null. */
function expected(rec: Record<string, unknown>, table: CsvTable): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of table.columns) {
    if (Object.hasOwn(rec, c.name)) out[c.name] = rec[c.name];
    else if (c.kinds.includes("null") && table.dialect.nullText === "") out[c.name] = null;
  }
  return out;
}

describe("CSV dialect", () => {
  it("reads back what the reference writer writes (random tables, dialects, records)", () => {
    fc.assert(
      fc.property(
        tables.chain((t) => fc.tuple(fc.constant(t), recordsOf(t))),
        ([table, records]) => {
          const text = stringifyCsv(records, table);
          expect(parseCsv(text, table)).toEqual(records.map((r) => expected(r, table)));
          if (records.length > 0 || table.dialect.header) expect(text.endsWith(table.dialect.lineEnding)).toBe(true);
        },
      ),
      { numRuns: 1000, seed: 13 },
    );
  });

  it("reads csv-spectrum's cases as their JSON (required string columns, header on), and refuses the one outside RFC 4180", () => {
    const cases = spectrumCases();
    expect(cases.length).toBe(12);
    for (const c of cases) {
      const table = spectrumTable(c);
      // A quote inside an unquoted field (37°36'37.8"N) is outside RFC 4180 and the dialect.
      if (c.name === "location_coordinates") expect(() => parseCsv(c.csv, table)).toThrow(/Invalid Opening Quote/);
      else expect(parseCsv(c.csv, table), c.name).toEqual(c.json);
    }
  });

  it("reads cells by the table of docs/csv.md", () => {
    const d = resolveCsvOptions({});
    const dn = resolveCsvOptions({ nullText: "NULL" });
    const col = (kinds: CellKind[], required = false): TableColumn => ({ name: "x", kinds, required });
    expect(readCell("", false, col(["string"]), d)).toEqual({ absent: true });
    expect(readCell("", true, col(["string"]), d)).toEqual({ absent: false, value: "" });
    expect(readCell("", false, col(["string", "null"]), d)).toEqual({ absent: false, value: null });
    expect(readCell("", false, col(["string", "null"]), dn)).toEqual({ absent: true });
    expect(readCell("NULL", false, col(["string", "null"]), dn)).toEqual({ absent: false, value: null });
    expect(readCell("NULL", false, col(["string"]), dn)).toEqual({ absent: false, value: "NULL" });
    expect(readCell("12", false, col(["string"]), d)).toEqual({ absent: false, value: "12" });
    expect(readCell("12", false, col(["string", "integer"]), d)).toEqual({ absent: false, value: 12 });
    expect(readCell("12", true, col(["string", "integer"]), d)).toEqual({ absent: false, value: "12" });
    expect(readCell("-1.5e3", false, col(["number"]), d)).toEqual({ absent: false, value: -1500 });
    expect(readCell("01", false, col(["integer"]), d)).toEqual({ absent: false, value: "01" });
    expect(readCell("true", false, col(["boolean"]), d)).toEqual({ absent: false, value: true });
    expect(readCell("True", false, col(["boolean"]), d)).toEqual({ absent: false, value: "True" });
    expect(readCell('{"a":1}', true, col(["json"]), d)).toEqual({ absent: false, value: { a: 1 } });
    expect(() => readCell("{", true, col(["json"]), d)).toThrow(SyntaxError);
  });

  it("refuses bad options with bad-option", () => {
    for (const o of [{ delimiter: ":" }, { lineEnding: "\r" }, { quoting: "all" }, { header: "yes" }, { nullText: "a,b" }, { nullText: "true" }, { nullText: "0" }, { nullText: 'N"' }]) {
      expect(() => resolveCsvOptions(o as CsvOptions), JSON.stringify(o)).toThrow(ArgumentError);
    }
  });

  it("quotes a lone CR or LF whatever the line ending (csv-stringify quotes only the record delimiter)", () => {
    const col: TableColumn = { name: "s", kinds: ["string"], required: true };
    for (const lineEnding of ["\n", "\r\n"] as const) {
      const table: CsvTable = { columns: [col], dialect: resolveCsvOptions({ lineEnding, delimiter: "|" }) };
      expect(stringifyCsv([{ s: "a\nb" }, { s: "c\rd" }], table)).toBe(`s${lineEnding}"a\nb"${lineEnding}"c\rd"${lineEnding}`);
    }
  });

  it("refuses texts outside the dialect with a SyntaxError", () => {
    const table: CsvTable = { columns: [{ name: "a", kinds: ["integer"], required: true }, { name: "b", kinds: ["string"], required: false }], dialect: resolveCsvOptions({}) };
    expect(parseCsv("a,b\n1,x\n", table)).toEqual([{ a: 1, b: "x" }]);
    for (const bad of ["", "b,a\n", "a,b\n1\n", 'a,b\n1,"x\n', 'a,b\n1,"x"y\n', "a,b\n1,2,3\n"]) expect(() => parseCsv(bad, table), JSON.stringify(bad)).toThrow(SyntaxError);
  });
});
