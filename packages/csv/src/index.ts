// @formwork/csv: the CSV dialect of typed tables (see README.md).
export { resolveCsvOptions, readCell, readsAsOther, needsQuotes, quoteForcing, isJsonNumber, CSV_DELIMITERS, JSON_NUMBER_SOURCE } from "./dialect.js";
export type { CsvOptions, CsvDialect, CsvDelimiter, CellKind, CellValue, TableColumn, CsvTable } from "./dialect.js";
export { parseCsv } from "./parse-csv.js";
export { stringifyCsv } from "./stringify-csv.js";
