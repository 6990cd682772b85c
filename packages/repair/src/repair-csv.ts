/**
 * `repairCsv`: detects the delimiter, reads fields tolerantly, normalises
 * the header, evens out ragged rows, drops a cut-off last row, and converts
 * fields to the types of a column spec. Every change is an edit. With a
 * `table` (the columns of a flat-record schema, as the CSV constraint
 * types them) every cell is read by the constraint's own cell rule first,
 * and the repaired text is written in the table's dialect.
 */
import { readCell, stringifyCsv, type CsvTable, type TableColumn } from "@formwork/csv";
import type { EditLogMode, PendingEdit, RepairResult, SchemaIssue } from "./edit.js";
import { schemaCheckOf } from "./schema-check.js";
import { finishResult } from "./edit-confidence.js";
import { detectDelimiter, splitCsv, type CsvRow } from "./csv-parse.js";
import { extractFenced } from "./payload.js";
import { repairDecoded } from "./utf8-decode.js";
import type { Limits } from "@formwork/core";
import { DEFAULT_CSV_REPAIR_LIMITS, inputBytesIssue, repairLimits } from "./limits.js";

/** The type a CSV column's fields are converted to. */
export type CsvColumnType = "integer" | "number" | "boolean" | "string" | "date";

/** One column of a CSV spec. */
export interface CsvColumn {
  /** The column name; header names that match it loosely (case, spaces, `_`/`-`) are renamed to it. */
  name: string;
  /** Default `"string"`. */
  type?: CsvColumnType;
  /** An empty field in a required column is an error. Default false. */
  required?: boolean;
}

/** Options of `repairCsv`. */
export interface RepairCsvOptions {
  /** The expected columns, in order. Default: the header row, every field a string. */
  columns?: CsvColumn[];
  /**
   * The table of a flat-record schema, as the CSV constraint types it
   * (`compileSchema(schema, { syntax: "csv" }).table`): its columns replace
   * `columns`, cells are read by the constraint's cell rule (then coerced
   * when that gives a value of the wrong kind), absent cells leave the
   * property out, and the repaired text is written in the table's dialect.
   * Default none.
   */
  table?: CsvTable;
  /** A JSON Schema the repaired records must satisfy (ajv); its issues make the result not ok. Default none. */
  schema?: unknown;
  /** `"log"` (default) or `"count"`: only how many edits of each kind, in `editCounts` (counted from the log at the end, as for `repairYaml`). */
  edits?: EditLogMode;
  /** The delimiter; detected among `,` `;` tab `|` by default (the table's, with `table`). */
  delimiter?: string;
  /** `maxInputBytes` (default 16 MiB). Past it: `ok: false` with one issue whose `keyword` is `max-input-bytes`. */
  limits?: Partial<Limits>;
}

/** One row of the repaired table: column name → converted value (`null` for an empty field; with a `table`, absent properties are left out and JSON cells hold any JSON value). */
export type CsvRecord = Record<string, string | number | boolean | null | object>;

/**
 * Repairs `input` (text, or bytes read as UTF-8: each invalid sequence
 * becomes U+FFFD with an `invalid-utf8` edit) into a table (an array of records), logging every change.
 * `text` of the result is RFC 4180 CSV: with a `table`, in its dialect
 * (`stringifyCsv`, which the CSV constraint's grammar accepts for valid
 * records); otherwise with `,` as delimiter. Never throws for any text;
 * throws `ArgumentError` `invalid-schema` for a `schema` ajv cannot compile.
 */
export function repairCsv(input: string | Uint8Array, options: RepairCsvOptions = {}): RepairResult<CsvRecord[]> {
  return repairDecoded(input, options, repairCsvText);
}

function repairCsvText(text: string, options: RepairCsvOptions): RepairResult<CsvRecord[]> {
  const refused = inputBytesIssue(text, repairLimits(DEFAULT_CSV_REPAIR_LIMITS, options.limits));
  if (refused) return finishResult<CsvRecord[]>({ ok: false, value: undefined, text: "", edits: [], errors: [refused], stats: { steps: text.length } });
  const edits: PendingEdit[] = [];
  const payload = extractFenced(text, edits);
  const body = payload.text.replace(/^\ufeff/, "");
  const table = options.table;
  if (table) options = { ...options, delimiter: table.dialect.delimiter, columns: table.columns.map((c) => ({ name: c.name, required: c.required })) };
  const typed = new Map<string, TableColumn>(table?.columns.map((c) => [c.name, c]));
  const d = options.delimiter ?? detectDelimiter(body);
  if (d !== "," && options.delimiter === undefined) edits.push({ kind: "csv-delimiter", offset: payload.offset, message: `detected ${JSON.stringify(d)} as the delimiter` });
  const split = splitCsv(body, d, payload.offset, edits);
  let rows = split.rows;
  const errors: SchemaIssue[] = [];
  if (rows.length === 0) {
    return finishResult<CsvRecord[]>({ ok: false, value: undefined, text: "", edits, errors: [{ instancePath: "", schemaPath: "", keyword: "parse", message: "no CSV rows were found" }], stats: { steps: split.steps } });
  }

  // Prose: single-field lines before the header and after the table when rows have several fields.
  const width = modeWidth(rows);
  if (width > 1) {
    let a = 0;
    while (a < rows.length - 1 && rows[a].fields.length === 1) a++;
    if (a > 0) edits.push({ kind: "strip-prose", offset: rows[0].offset, message: `removed ${a} line(s) of text before the table` });
    let b = rows.length;
    while (b > a + 1 && rows[b - 1].fields.length === 1 && !rows[b - 1].unterminated) b--;
    if (b < rows.length) edits.push({ kind: "strip-prose", offset: rows[b].offset, message: `removed ${rows.length - b} line(s) of text after the table` });
    rows = rows.slice(a, b);
  }

  // Header (a table without one: its column names).
  const headless = table !== undefined && !table.dialect.header;
  const names = headless ? table.columns.map((c) => c.name) : normaliseHeader(rows[0], options.columns, edits);
  const cols = names.length;
  const spec = new Map<string, CsvColumn>();
  for (const c of options.columns ?? []) spec.set(c.name, c);
  for (const c of options.columns ?? []) {
    if (!names.includes(c.name)) errors.push({ instancePath: "", schemaPath: `/columns/${c.name}`, keyword: "required", message: `the header has no column "${c.name}"` });
  }

  const records: CsvRecord[] = [];
  for (let r = headless ? 0 : 1; r < rows.length; r++) {
    const row = rows[r];
    let f = row.fields;
    let q = row.quoted;
    const isLast = r === rows.length - 1;
    if (f.length < cols) {
      if (isLast && row.unterminated) {
        edits.push({ kind: "csv-drop-partial-row", offset: row.offset, message: `the last row has ${f.length} of ${cols} fields and the text ends inside it; removed it` });
        continue;
      }
      edits.push({ kind: "csv-pad-row", offset: row.offset, message: `row ${r} has ${f.length} of ${cols} fields; added ${cols - f.length} empty field(s)` });
      f = [...f, ...Array<string>(cols - f.length).fill("")];
      q = [...q, ...Array<boolean>(cols - q.length).fill(false)];
    } else if (f.length > cols) {
      const trimmed = f.slice(0, cols);
      const canTrim = f.slice(cols).every((x) => x.trim() === "");
      if (canTrim && (spec.size === 0 || trimmed.every((x, c) => convert(x, spec.get(names[c]), d).error === undefined) && !mergeFits(f, cols, d, names, spec))) {
        edits.push({ kind: "csv-trim-row", offset: row.offset, message: `removed ${f.length - cols} empty field(s) at the end of row ${r}` });
        f = trimmed;
        q = q.slice(0, cols);
      } else {
        const merged = mergeExtra(f, cols, d, names, spec);
        edits.push({ kind: "csv-merge-fields", offset: row.offset, message: `row ${r} has ${f.length} fields for ${cols} columns; joined fields into "${names[merged.at]}" (an unquoted ${JSON.stringify(d)} inside it)` });
        // The joined field holds an unquoted delimiter: it was not one quoted field.
        q = [...q.slice(0, merged.at), false, ...q.slice(merged.at + f.length - cols + 1)];
        f = merged.fields;
      }
    }
    const rec: CsvRecord = {};
    for (let c = 0; c < cols; c++) {
      const col = spec.get(names[c]);
      const tc = typed.get(names[c]);
      const res = tc ? convertTyped(f[c], q[c] === true, tc, table!) : convert(f[c], col, d);
      if (res.absent) continue;
      if (res.error) errors.push({ instancePath: `/${records.length}/${names[c]}`, schemaPath: `/columns/${names[c]}`, keyword: res.error.keyword, message: res.error.message });
      else if (res.changed) edits.push({ kind: "csv-coerce", offset: row.offset, message: `row ${r}, column "${names[c]}": read ${JSON.stringify(f[c])} as ${JSON.stringify(res.value)}`, path: `/${records.length}/${names[c]}` });
      rec[names[c]] = res.value;
    }
    records.push(rec);
  }
  const check = schemaCheckOf(options);
  if (check) errors.push(...check(records));
  const out = table ? stringifyCsv(records, table) : writeCsv(names, records);
  return finishResult({ ok: errors.length === 0, value: records, text: out, edits, errors, stats: { steps: split.steps } });
}

function modeWidth(rows: CsvRow[]): number {
  const freq = new Map<number, number>();
  for (const r of rows) freq.set(r.fields.length, (freq.get(r.fields.length) ?? 0) + 1);
  let best = 1;
  let bestF = 0;
  for (const [w, f] of freq) if (f > bestF || (f === bestF && w > best)) [best, bestF] = [w, f];
  return best;
}

const loose = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

function normaliseHeader(row: CsvRow, columns: CsvColumn[] | undefined, edits: PendingEdit[]): string[] {
  const seen = new Set<string>();
  return row.fields.map((raw, i) => {
    let name = raw.replace(/^\ufeff/, "").trim().replace(/\s+/g, " ").replace(/^["']|["']$/g, "");
    const match = columns?.find((c) => loose(c.name) === loose(name));
    if (match) name = match.name;
    if (name === "") name = `column_${i + 1}`;
    let unique = name;
    for (let k = 2; seen.has(unique); k++) unique = `${name}_${k}`;
    seen.add(unique);
    if (unique !== raw) edits.push({ kind: "csv-header", offset: row.offset, message: `renamed the header ${JSON.stringify(raw)} to ${JSON.stringify(unique)}` });
    return unique;
  });
}

/** True when joining the extra fields into some text column makes every field convert. */
function mergeFits(f: string[], cols: number, d: string, names: string[], spec: Map<string, CsvColumn>): boolean {
  const m = mergeExtra(f, cols, d, names, spec);
  return m.fields.every((x, c) => convert(x, spec.get(names[c]), d).error === undefined) && m.at < cols - 1;
}

/** Joins the extra fields of a row back into one column: the first text column where every other field converts. */
function mergeExtra(f: string[], cols: number, d: string, names: string[], spec: Map<string, CsvColumn>): { fields: string[]; at: number } {
  const k = f.length - cols;
  const tryAt = (j: number) => [...f.slice(0, j), f.slice(j, j + k + 1).join(d), ...f.slice(j + k + 1)];
  for (let j = 0; j < cols; j++) {
    const col = spec.get(names[j]);
    if (col?.type !== undefined && col.type !== "string") continue;
    if (spec.size === 0) break;
    const cand = tryAt(j);
    if (cand.every((x, c) => convert(x, spec.get(names[c]), d).error === undefined)) return { fields: cand, at: j };
  }
  return { fields: tryAt(cols - 1), at: cols - 1 };
}

interface Converted {
  value: string | number | boolean | null | object;
  /** The cell stands for an absent property (a table's empty cell). */
  absent?: boolean;
  changed?: boolean;
  error?: { keyword: string; message: string };
}

/** Whether `v` is a value of one of `kinds` (integers are numbers too). */
function fits(v: unknown, kinds: readonly string[]): boolean {
  if (kinds.includes("json")) return true;
  if (v === null) return kinds.includes("null");
  if (typeof v === "number") return kinds.includes("number") || (kinds.includes("integer") && Number.isInteger(v));
  return kinds.includes(typeof v);
}

/**
 * Reads one cell of a table column: the constraint's cell rule on the text
 * as it is, then on the text trimmed, then the coercions of `convert` for
 * each non-string kind the column holds (first that fits).
 */
function convertTyped(raw: string, quoted: boolean, col: TableColumn, table: CsvTable): Converted {
  const read = (text: string, asQuoted: boolean): Converted | undefined => {
    let cell;
    try {
      cell = readCell(text, asQuoted, col, table.dialect);
    } catch {
      return undefined;
    }
    if (cell.absent) return col.required ? { value: null, error: { keyword: "required", message: `the required column "${col.name}" is empty` } } : { value: null, absent: true, changed: text !== raw };
    return fits(cell.value, col.kinds) ? { value: cell.value as Converted["value"], changed: text !== raw } : undefined;
  };
  const exact = read(raw, quoted) ?? (raw.trim() !== raw ? read(raw.trim(), quoted) : undefined) ?? (quoted ? read(raw, false) : undefined);
  if (exact) return exact;
  for (const type of ["integer", "number", "boolean"] as const) {
    if (!col.kinds.includes(type)) continue;
    const res = convert(raw, { name: col.name, type }, table.dialect.delimiter);
    if (!res.error && fits(res.value, col.kinds)) return { ...res, changed: true };
  }
  return { value: raw, error: { keyword: "type", message: `${JSON.stringify(raw)} is not ${col.kinds.join(" or ")}` } };
}

/** Converts one field to its column's type. */
function convert(raw: string, col: CsvColumn | undefined, d: string): Converted {
  const s = raw.trim();
  const type = col?.type ?? "string";
  if (s === "") {
    if (col?.required) return { value: null, error: { keyword: "required", message: `the required column "${col.name}" is empty` } };
    return { value: null };
  }
  switch (type) {
    case "string":
      return { value: raw };
    case "integer": {
      if (/^[-+]?\d+$/.test(s)) return { value: Number(s), changed: s !== raw };
      if (d !== "," && /^[-+]?\d{1,3}(,\d{3})+$/.test(s)) return { value: Number(s.replace(/,/g, "")), changed: true };
      if (/^[-+]?\d+\.0+$/.test(s)) return { value: Number(s), changed: true };
      return { value: raw, error: { keyword: "type", message: `${JSON.stringify(raw)} is not an integer` } };
    }
    case "number": {
      if (/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(s)) return { value: Number(s), changed: s !== raw };
      if (d !== "," && /^[-+]?\d+,\d+$/.test(s)) return { value: Number(s.replace(",", ".")), changed: true };
      return { value: raw, error: { keyword: "type", message: `${JSON.stringify(raw)} is not a number` } };
    }
    case "boolean": {
      const l = s.toLowerCase();
      if (["true", "yes", "y", "1", "t"].includes(l)) return { value: true, changed: l !== "true" };
      if (["false", "no", "n", "0", "f"].includes(l)) return { value: false, changed: l !== "false" };
      return { value: raw, error: { keyword: "type", message: `${JSON.stringify(raw)} is not a boolean` } };
    }
    case "date": {
      if (/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) return { value: s, changed: s !== raw };
      let m = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/.exec(s);
      if (m) return { value: isoDate(+m[1], +m[2], +m[3]) ?? raw, changed: true, ...(isoDate(+m[1], +m[2], +m[3]) ? {} : { error: { keyword: "format", message: `${JSON.stringify(raw)} is not a date` } }) };
      m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s); // day.month.year
      if (m && isoDate(+m[3], +m[2], +m[1])) return { value: isoDate(+m[3], +m[2], +m[1])!, changed: true };
      m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
      if (m) {
        const a = +m[1];
        const b = +m[2];
        // Only unambiguous slashed dates: one part above 12.
        if (a > 12 && isoDate(+m[3], b, a)) return { value: isoDate(+m[3], b, a)!, changed: true };
        if (b > 12 && isoDate(+m[3], a, b)) return { value: isoDate(+m[3], a, b)!, changed: true };
      }
      return { value: raw, error: { keyword: "format", message: `${JSON.stringify(raw)} is not an unambiguous date` } };
    }
  }
}

function isoDate(y: number, m: number, d: number): string | undefined {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return dt.toISOString().slice(0, 10);
}

function writeCsv(names: string[], records: CsvRecord[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n\r]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [names.map(cell).join(",")];
  for (const r of records) lines.push(names.map((n) => cell(r[n])).join(","));
  return `${lines.join("\n")}\n`;
}
