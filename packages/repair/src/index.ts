// @formwork/repair: defensive repair of JSON, YAML and CSV with an edit log (see README.md).
export { repairJson } from "./repair-json.js";
export { repairJsonStream, JsonRepairStream, DEFAULT_JSON_STREAM_LIMITS } from "./json-stream.js";
export type { RepairJsonStreamOptions, JsonStreamSummary, JsonStreamNote, StreamRepairLimits } from "./json-stream.js";
export type { RepairJsonOptions } from "./repair-json.js";
export { repairYaml } from "./repair-yaml.js";
export type { RepairYamlOptions } from "./repair-yaml.js";
export { repairCsv } from "./repair-csv.js";
export type { RepairCsvOptions, CsvColumn, CsvColumnType, CsvRecord } from "./repair-csv.js";
export type { Confidence, Edit, EditKind, EditLogMode, RepairResult, SchemaIssue } from "./edit.js";
