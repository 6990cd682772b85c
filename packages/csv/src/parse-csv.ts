/**
 * `parseCsv`: the records a CSV text stands for, read by csv-parse (the
 * reference parser: RFC 4180, with the quoting of each field reported to
 * its `cast`, which the cell rule needs) and typed cell by cell by the
 * dialect's `readCell`.
 */
import { parse, CsvError } from "csv-parse/sync";
import { readCell, type CsvTable } from "./dialect.js";

/**
 * The rows of `text` as records (property → value; absent properties left
 * out) in `table`'s dialect. With a header, the first row must be the
 * column names in order, exactly. Throws a `SyntaxError` (with the line)
 * when the text is not CSV in the dialect: an unclosed or stray quote, a
 * row with the wrong number of cells, a different header, a JSON cell that
 * is not JSON.
 */
export function parseCsv(text: string, table: CsvTable): Record<string, unknown>[] {
  const { columns, dialect } = table;
  let rows: { text: string; quoted: boolean }[][];
  try {
    rows = parse(text, {
      delimiter: dialect.delimiter,
      record_delimiter: dialect.lineEnding,
      quote: '"',
      escape: '"',
      relax_column_count: false,
      relax_quotes: false,
      skip_empty_lines: false,
      bom: false,
      cast: (value: string, ctx: { quoting: boolean }) => ({ text: value, quoted: ctx.quoting }) as unknown as string,
    }) as unknown as { text: string; quoted: boolean }[][];
  } catch (e) {
    if (e instanceof CsvError) throw new SyntaxError(`not CSV in the dialect: ${e.message}`);
    throw e;
  }
  let first = 0;
  if (dialect.header) {
    const head = rows[0];
    if (head === undefined) throw new SyntaxError("the header row is missing");
    const names = head.map((c) => c.text);
    if (names.length !== columns.length || names.some((n, i) => n !== columns[i].name)) {
      throw new SyntaxError(`the header is ${JSON.stringify(names)}, not ${JSON.stringify(columns.map((c) => c.name))}`);
    }
    first = 1;
  }
  const out: Record<string, unknown>[] = [];
  for (let r = first; r < rows.length; r++) {
    const row = rows[r];
    if (row.length !== columns.length) throw new SyntaxError(`row ${r + 1} has ${row.length} cells, not ${columns.length}`);
    const rec: Record<string, unknown> = {};
    row.forEach((cell, i) => {
      let v;
      try {
        v = readCell(cell.text, cell.quoted, columns[i], dialect);
      } catch (e) {
        throw new SyntaxError(`row ${r + 1}, column ${JSON.stringify(columns[i].name)}: ${(e as Error).message}`);
      }
      if (!v.absent) rec[columns[i].name] = v.value;
    });
    out.push(rec);
  }
  return out;
}
