/**
 * `stringifyCsv`: records written as CSV text in a table's dialect by
 * csv-stringify (the reference writer; it applies RFC 4180 quoting itself),
 * with the dialect's cell spellings: numbers as JSON writes them, `true` /
 * `false`, the null text, absent properties as empty cells, and quotes
 * forced where an unquoted string would read as something else. A text it
 * writes for valid records is in the grammar's language (the completeness
 * oracle checks this) and `parseCsv` reads it back to the same records,
 * except that an absent property of a column that may be null and absent
 * reads back as `null` when `nullText` is `""`.
 */
import { stringify } from "csv-stringify/sync";
import { needsQuotes, readsAsOther, type CsvTable, type TableColumn } from "./dialect.js";

/** A cell for csv-stringify: its text, and `quote: true` where quotes are forced (else csv-stringify quotes only what RFC 4180 needs). */
interface Cell {
  value: string;
  quote?: boolean;
}

/**
 * The CSV text of `records` in `table`'s dialect: the header (when on),
 * then one row per record, each ending with the line ending. Throws a
 * `TypeError` for a value the column cannot hold as a cell (an object in a
 * scalar column, a non-finite number).
 */
export function stringifyCsv(records: readonly Record<string, unknown>[], table: CsvTable): string {
  const { columns, dialect } = table;
  const rows: Cell[][] = [];
  if (dialect.header) rows.push(columns.map((c) => ({ value: c.name, ...(dialect.quoting === "strings" || c.name === "" || needsQuotes(c.name, dialect) ? { quote: true } : {}) })));
  for (const rec of records) rows.push(columns.map((c) => cell(rec, c, table)));
  if (rows.length === 0) return "";
  return stringify(
    rows.map((r) => r.map((c) => c.value)),
    {
      delimiter: dialect.delimiter,
      record_delimiter: dialect.lineEnding === "\n" ? "unix" : "windows",
      quote: '"',
      escape: '"',
      eof: true,
      // csv-stringify's own test (delimiter, quote, CR, LF) plus the forced quotes, decided per cell.
      cast: { string: (v: string, ctx: { index: number; records: number }) => ({ value: v, quoted: rows[ctx.records][ctx.index].quote === true, quoted_empty: rows[ctx.records][ctx.index].quote === true }) as unknown as string },
    },
  );
}

function cell(rec: Record<string, unknown>, c: TableColumn, table: CsvTable): Cell {
  const { dialect } = table;
  if (!Object.hasOwn(rec, c.name) || rec[c.name] === undefined) return { value: "" };
  const v = rec[c.name];
  if (c.kinds.includes("json")) return { value: JSON.stringify(v) };
  if (v === null) return { value: dialect.nullText };
  if (typeof v === "boolean") return { value: String(v) };
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new TypeError(`column ${JSON.stringify(c.name)}: ${v} has no CSV text`);
    return { value: JSON.stringify(v) };
  }
  // Quoted also where csv-stringify would not: a lone CR or LF in a table whose line ending is the other (the dialect quotes both).
  if (typeof v === "string") return { value: v, ...(dialect.quoting === "strings" || needsQuotes(v, dialect) || readsAsOther(v, c, dialect) ? { quote: true } : {}) };
  throw new TypeError(`column ${JSON.stringify(c.name)} holds scalars, not ${Array.isArray(v) ? "an array" : "an object"}`);
}
