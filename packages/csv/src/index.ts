// @formwork/csv: the CSV dialect of typed tables (see README.md). The user API; the dialect's spelling
// rules that the CSV grammar and writers share (what needs quotes, what reads as another type) are in
// `@formwork/csv/internal`.
export { resolveCsvOptions, readCell, CSV_DELIMITERS } from "./dialect.js";
export type { CsvOptions, CsvDialect, CsvDelimiter, CellKind, CellValue, TableColumn, CsvTable } from "./dialect.js";
export { parseCsv } from "./parse-csv.js";
export { stringifyCsv } from "./stringify-csv.js";
