/**
 * The CSV dialect as data: the options (delimiter, header, line ending,
 * quoting, the text of null), what each cell of a table may hold, and the
 * one rule that reads a cell's text as a typed value. The grammar writer
 * (`@formwork/json-schema`'s CSV syntax), the reader (`parseCsv`,
 * csv-parse), the reference writer (`stringifyCsv`, csv-stringify) and
 * `repairCsv` all take their rules from here,
 * so that a text the grammar writes reads back as the value it was written
 * for.
 *
 * Reading a cell (docs/csv.md):
 *
 * | cell | column may hold | value |
 * |---|---|---|
 * | quoted (`"..."`) | anything but JSON cells | the string between the quotes (`""` → `"`) |
 * | empty, unquoted | null, and `nullText` is `""` | `null` |
 * | empty, unquoted | otherwise | the property is absent |
 * | `nullText` (unquoted) | null | `null` |
 * | `true` / `false` | booleans | the boolean |
 * | a JSON number (`-1.5e3`) | integers or numbers | the number |
 * | any other unquoted text | | the string |
 * | JSON text (quoted when needed) | JSON cells (`lenient`) | `JSON.parse` of it |
 */
import { ArgumentError } from "@formwork/core";

/** A field delimiter of the dialect. */
export type CsvDelimiter = "," | ";" | "\t" | "|";

/** Options of the CSV syntax (`compileSchema(schema, { syntax: "csv", csv })`). Every field documents its default. */
export interface CsvOptions {
  /** The field delimiter. Default `","`. */
  delimiter?: CsvDelimiter;
  /** Whether the first row is a header: the property names of the rows, in schema order, exactly. Default true. */
  header?: boolean;
  /** What ends every row, the last one (and the header) included. Default `"\n"`. */
  lineEnding?: "\n" | "\r\n";
  /**
   * RFC 4180 quoting: `"minimal"` (default) quotes a string only when its
   * text needs it (a delimiter, a quote, a line break, the empty string, or
   * a text that would read as another kind of value in its column);
   * `"strings"` quotes every string. Numbers, booleans and null are never
   * quoted.
   */
  quoting?: "minimal" | "strings";
  /**
   * The unquoted text of `null`. Default `""` (the empty cell, which also
   * writes an absent property; a column that may be both null and absent
   * then reads the empty cell as `null`). A text such as `"NULL"` keeps the
   * two apart (the string "NULL" is then quoted in nullable columns).
   */
  nullText?: string;
}

/** The dialect with every default filled in. */
export interface CsvDialect {
  delimiter: CsvDelimiter;
  header: boolean;
  lineEnding: "\n" | "\r\n";
  quoting: "minimal" | "strings";
  nullText: string;
}

/** What a column's cells may hold: scalar kinds as the cell rule reads them, or `json` (a compact JSON text per cell, under `lenient`). */
export type CellKind = "null" | "boolean" | "integer" | "number" | "string" | "json";

/** One column of a table: a property of the rows. */
export interface TableColumn {
  /** The property name (the header cell). */
  name: string;
  /** What the cells may hold (`json` alone, or scalar kinds). */
  kinds: readonly CellKind[];
  /** Whether every row has the property (an absent one is an empty cell). */
  required: boolean;
}

/** A table's layout: its columns in order, and the dialect it is written in. */
export interface CsvTable {
  columns: readonly TableColumn[];
  dialect: CsvDialect;
}

export const CSV_DELIMITERS: readonly CsvDelimiter[] = [",", ";", "\t", "|"];

/**
 * A JSON number's text, as `JSON.parse` reads it: the numbers of the
 * grammar are written in this syntax, and an unquoted cell of a numeric
 * column that matches it reads as a number.
 */
export const JSON_NUMBER_SOURCE = "-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?";
const JSON_NUMBER = new RegExp(`^(?:${JSON_NUMBER_SOURCE})$`);

/** Whether `s` is the text of a JSON number. */
export function isJsonNumber(s: string): boolean {
  return JSON_NUMBER.test(s);
}

/** The characters that force RFC 4180 quotes around a cell: the delimiter, `"`, CR and LF. */
export function quoteForcing(d: CsvDelimiter): number[] {
  return [d.charCodeAt(0), 0x22, 0x0d, 0x0a];
}

/** Fills in defaults and checks the options (throws `ArgumentError` `bad-option`). */
export function resolveCsvOptions(o: CsvOptions = {}): CsvDialect {
  const bad = (what: string, hint: string) => {
    throw new ArgumentError("bad-option", what, { hint });
  };
  const delimiter = o.delimiter ?? ",";
  if (!CSV_DELIMITERS.includes(delimiter)) bad(`csv.delimiter must be one of , ; tab |, got ${JSON.stringify(delimiter)}`, 'Use ",", ";", "\\t" or "|".');
  const lineEnding = o.lineEnding ?? "\n";
  if (lineEnding !== "\n" && lineEnding !== "\r\n") bad(`csv.lineEnding must be "\\n" or "\\r\\n", got ${JSON.stringify(lineEnding)}`, 'Use "\\n" (default) or "\\r\\n".');
  const quoting = o.quoting ?? "minimal";
  if (quoting !== "minimal" && quoting !== "strings") bad(`csv.quoting must be "minimal" or "strings", got ${JSON.stringify(quoting)}`, 'Use "minimal" (default) or "strings".');
  if (o.header !== undefined && typeof o.header !== "boolean") bad(`csv.header must be a boolean, got ${JSON.stringify(o.header)}`, "Use true (default) or false.");
  const nullText = o.nullText ?? "";
  if (typeof nullText !== "string") bad(`csv.nullText must be a string, got ${JSON.stringify(nullText)}`, 'Use "" (default: the empty cell) or a word such as "NULL".');
  if ([...nullText].some((c) => quoteForcing(delimiter).includes(c.charCodeAt(0)))) {
    bad(`csv.nullText ${JSON.stringify(nullText)} holds a delimiter, a quote or a line break`, "null is written unquoted: use a text that needs no quotes, such as NULL.");
  }
  if (nullText === "true" || nullText === "false" || isJsonNumber(nullText)) {
    bad(`csv.nullText ${JSON.stringify(nullText)} reads as a boolean or a number`, "Use a text no other value is written as, such as NULL.");
  }
  return { delimiter, header: o.header ?? true, lineEnding, quoting, nullText };
}

/** What a cell reads as: a value, or the property absent. */
export type CellValue = { absent: true } | { absent: false; value: unknown };

const ABSENT: CellValue = { absent: true };

/**
 * The value of one cell: `text` as the CSV parser returns it (unquoted, with
 * `""` read as `"`), `quoted` whether it was between quotes. The rule of the
 * module comment; a text that is none of the column's kinds reads as a
 * string (which the validator then refuses). Throws a `SyntaxError` for a
 * JSON cell that is not JSON.
 */
export function readCell(text: string, quoted: boolean, column: TableColumn, dialect: CsvDialect): CellValue {
  const k = column.kinds;
  if (k.includes("json")) return !quoted && text === "" ? ABSENT : { absent: false, value: JSON.parse(text) };
  if (quoted) return { absent: false, value: text };
  if (text === "") return k.includes("null") && dialect.nullText === "" ? { absent: false, value: null } : ABSENT;
  if (k.includes("null") && text === dialect.nullText) return { absent: false, value: null };
  if (k.includes("boolean") && (text === "true" || text === "false")) return { absent: false, value: text === "true" };
  if ((k.includes("number") || k.includes("integer")) && isJsonNumber(text)) return { absent: false, value: Number(text) };
  return { absent: false, value: text };
}

/**
 * Whether the string `s`, written unquoted in `column`, would read as
 * something else than `s` (so it must be quoted): the empty string, the null
 * text, a boolean or a number where the column may hold those.
 */
export function readsAsOther(s: string, column: TableColumn, dialect: CsvDialect): boolean {
  const r = readCell(s, false, column, dialect);
  return r.absent || r.value !== s;
}

/** Whether a cell text needs RFC 4180 quotes in `dialect` (a delimiter, a quote, CR or LF in it). */
export function needsQuotes(s: string, dialect: CsvDialect): boolean {
  const forcing = quoteForcing(dialect.delimiter);
  for (let i = 0; i < s.length; i++) if (forcing.includes(s.charCodeAt(i))) return true;
  return false;
}
