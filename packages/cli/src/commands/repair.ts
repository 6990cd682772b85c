import { ArgumentError } from "@formwork/core";
import { JsonRepairStream, repairCsv, repairJson, repairYaml, type CsvColumn, type Edit, type JsonStreamSummary, type RepairResult } from "@formwork/repair";
import type { Command } from "../command.js";
import { LIMIT_FLAG, LIMIT_HELP, limitsFlag, parseVerbArgs } from "../args.js";
import { readFlagFile, readJsonFlagFile } from "../files.js";
import { columnsSchemaFromFlags, csvFromFlags } from "../constraint-flags.js";
import { attachFile } from "../report-error.js";
import { compileSchema, type CompiledSchema } from "@formwork/json-schema";

type CsvTable = NonNullable<CompiledSchema["table"]>;

const HELP = `Usage: formwork repair [options] < INPUT

Repairs a JSON, YAML or CSV document that a model (or anything else) wrote
with mistakes: code fences and prose around it, trailing or missing commas,
comments, single quotes, Python literals, unquoted keys, missing brackets,
text cut off at the end, tabs and bad indentation in YAML, ragged rows in
CSV... Reads the document from stdin, writes the repaired document to stdout
and every change to stderr, one per line, as
"line:column kind (confidence[, lossy]): message". Confidence is certain,
likely or guess; lossy means some input is not in the value. When any edit
is less than certain or lossy, a last "warning:" line says so.

Options:
  --format json|yaml|csv   the kind of document (default: json)
  --schema FILE.json       a JSON Schema (drafts 04 to 2020-12 by its $schema,
                           default 2020-12): the value must validate; values
                           are coerced toward it ("42" -> 42, enum typos, ...)
  --columns SPEC           for CSV: the columns as the constraint's shortcut
                           ("name:string,age:integer>=0", docs/csv.md), typed
                           and written as --format csv generation does; or
                           FILE.json: a JSON array of
                           {"name", "type": integer|number|boolean|string|date, "required"}
  With --format csv and --schema or a --columns SPEC, cells are read by the
  CSV constraint's cell rule and the text is written in its dialect:
  --delimiter D, --no-header, --line-ending lf|crlf, --quoting minimal|strings,
  --null-text T (see formwork generate --help)
  --jsonl FILE             batch mode: each line of FILE is {"input": "..."};
                           writes one JSON line {"ok", "text", "value", "edits"}
                           per input to stdout (stdin is not read)
  --indent N               indent the repaired JSON by N spaces (default: 0)
  --quiet                  do not write the edits to stderr (they are then
                           counted, not kept: memory does not grow with them)
  --stream                 JSON without a schema: read stdin in chunks and write
                           the repaired JSON as it is decided (memory does not
                           grow with the input; the edits go to stderr as they
                           come, located by character offset, "@N", then their
                           counts). The same text as without --stream except
                           where docs/repair.md (Streaming) says; no input size
                           limit unless --limit maxInputBytes=N
${LIMIT_HELP}
  --help                   this text

Exit status: 0 when the document was repaired (and, with --schema, is
valid); 1 when it could not be (the reasons go to stderr); 2 for bad
arguments. In batch mode, 0 only when every line was repaired.

Examples:
  echo "{'a': True, b: [1, 2,]" | formwork repair
  formwork repair --schema person.schema.json < reply.txt
  formwork repair --format yaml < config.txt
  formwork repair --format csv --columns cols.json < table.txt
  formwork repair --format csv --columns "name:string,age:integer>=0" < table.txt
  formwork repair --jsonl replies.jsonl > repaired.jsonl
`;

/** Where the command reads and writes; `process` by default (tests pass their own). */
export interface RepairIo {
  /** The document: bytes (read as UTF-8; invalid sequences are logged as edits) or text. */
  readStdin(): Promise<string | Uint8Array>;
  /** The document in chunks, for `--stream` (default: `readStdin` as one chunk). */
  stdinChunks?(): AsyncIterable<string | Uint8Array>;
  stdout(s: string): void;
  stderr(s: string): void;
}

const processIo: RepairIo = {
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  },
  stdinChunks: () => process.stdin as AsyncIterable<Uint8Array>,
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
};

/**
 * Formats edits as lines `line:column kind (confidence[, lossy]): message`
 * (line starts computed once, so this is linear).
 */
export function formatEdits(text: string, edits: Edit[]): string {
  return [...editLines(text, edits, Math.max(1, edits.length))].join("");
}

/** The lines of `formatEdits`, `batch` edits at a time (so a long log is written without building it whole). */
export function* editLines(text: string, edits: Edit[], batch = 4096): Generator<string> {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  let out: string[] = [];
  for (const e of edits) {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= e.offset) lo = mid;
      else hi = mid - 1;
    }
    out.push(`${lo + 1}:${e.offset - starts[lo] + 1} ${e.kind} (${e.confidence}${e.lossy ? ", lossy" : ""}): ${e.message}${e.path !== undefined ? ` (at ${e.path || "/"})` : ""}\n`);
    if (out.length >= batch) {
      yield out.join("");
      out = [];
    }
  }
  if (out.length > 0) yield out.join("");
}

/**
 * The warning printed after the edits when the value may not be what the
 * model meant: some edit is a guess or only likely, or content was dropped.
 * Undefined for a clean or certain repair.
 */
export function summarizeRepair(r: Pick<RepairResult, "confidence" | "lossy"> & { edits: readonly unknown[] }): string | undefined {
  if (r.edits.length === 0 || (r.confidence === "certain" && !r.lossy)) return undefined;
  const what =
    r.confidence === "guess" ? "a guess" : r.confidence === "likely" ? "likely but not certain" : "certain";
  const dropped = r.lossy ? "; some content of the input is not in the value (lossy edits above)" : "";
  return `warning: the repair is ${what}${dropped}; check the value before trusting it (--quiet hides this)\n`;
}

/** UTF-16 units of the repaired text written at a time. */
const OUTPUT_CHUNK = 1 << 20;

/** Runs `formwork repair` with `args` against `io`; returns the exit code. */
export async function runRepair(args: string[], io: RepairIo = processIo): Promise<number> {
  const { values } = parseVerbArgs("repair", args, {
    format: { type: "string" },
    schema: { type: "string" },
    columns: { type: "string" },
    jsonl: { type: "string" },
    delimiter: { type: "string" },
    "no-header": { type: "boolean" },
    "line-ending": { type: "string" },
    quoting: { type: "string" },
    "null-text": { type: "string" },
    indent: { type: "string" },
    quiet: { type: "boolean" },
    stream: { type: "boolean" },
    ...LIMIT_FLAG,
  });
  const limits = limitsFlag(values.limit);
  const format = values.format ?? "json";
  if (format !== "json" && format !== "yaml" && format !== "csv") {
    throw new ArgumentError("bad-arguments", `--format must be json, yaml or csv, got "${format}"`, { hint: 'Run "formwork repair --help" for the options.' });
  }
  if (values.columns !== undefined && format !== "csv") throw new ArgumentError("bad-arguments", "--columns applies to --format csv only");
  const indent = values.indent === undefined ? 0 : Number(values.indent);
  if (!Number.isInteger(indent) || indent < 0 || indent > 10) throw new ArgumentError("bad-arguments", `--indent must be an integer from 0 to 10, got "${values.indent}"`);
  const columnFile = values.columns !== undefined && /\.json$/i.test(values.columns);
  if (columnFile && values.schema !== undefined) throw new ArgumentError("bad-arguments", "give --schema or --columns, not both");
  // The CSV dialect flags (checked as generate checks them: only with --format csv).
  const { csv } = csvFromFlags({ ...values, format, columns: undefined });
  let schema = values.schema !== undefined ? readJsonFlagFile("schema", values.schema) : undefined;
  if (format === "csv" && !columnFile && values.columns !== undefined) schema = columnsSchemaFromFlags({ columns: values.columns });
  // A table schema: the CSV constraint's own typing of the columns (compileSchema's table), so repair and generation agree.
  let table: CsvTable | undefined;
  if (format === "csv" && schema !== undefined) {
    try {
      table = compileSchema(schema, { syntax: "csv", csv }).table;
    } catch (err) {
      if (values.schema !== undefined) attachFile(err, values.schema);
      throw err;
    }
  } else if (csv !== undefined && Object.keys(csv).length > 0) {
    throw new ArgumentError("bad-arguments", "the CSV dialect flags need --schema FILE or --columns SPEC", { hint: "Without a table schema the delimiter is detected and the text written with ','." });
  }
  let columns: CsvColumn[] | undefined;
  if (columnFile && values.columns !== undefined) {
    const c = readJsonFlagFile("columns", values.columns);
    if (!Array.isArray(c) || !c.every((x) => x && typeof x === "object" && typeof (x as CsvColumn).name === "string")) {
      throw new ArgumentError("bad-arguments", `--columns ${values.columns}: expected a JSON array of {"name", "type", "required"} objects`);
    }
    columns = c as CsvColumn[];
  }
  // --quiet keeps counts, not edits (the log of a large broken document is most of a repair's memory).
  const edits = values.quiet === true && values.jsonl === undefined ? "count" : "log";
  const repair = (text: string | Uint8Array): RepairResult => {
    if (format === "yaml") return repairYaml(text, { schema, limits, edits });
    if (format === "csv") return table ? repairCsv(text, { table, schema, limits, edits }) : repairCsv(text, { columns, limits, edits });
    return repairJson(text, { schema, indent, limits, edits });
  };

  if (values.stream === true) {
    const not = format !== "json" ? `--format ${format}` : values.schema !== undefined ? "--schema" : values.jsonl !== undefined ? "--jsonl" : undefined;
    if (not !== undefined) throw new ArgumentError("bad-arguments", `--stream repairs JSON without a schema; it does not take ${not}`, { hint: "A schema-aware repair validates whole candidates: drop --stream, or validate the streamed value afterwards." });
    return streamRepair(io, indent, limits, values.quiet === true);
  }

  if (values.jsonl !== undefined) {
    const batch = readFlagFile("jsonl", values.jsonl);
    let allOk = true;
    const lines = batch.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() === "") continue;
      let input: unknown;
      try {
        input = (JSON.parse(lines[i]) as { input?: unknown }).input;
      } catch {
        input = undefined;
      }
      if (typeof input !== "string") {
        allOk = false;
        io.stdout(`${JSON.stringify({ ok: false, text: "", value: null, edits: [], error: `line ${i + 1}: expected a JSON object {"input": "..."}` })}\n`);
        continue;
      }
      const r = repair(input);
      if (!r.ok) allOk = false;
      io.stdout(`${JSON.stringify({ ok: r.ok, text: r.text, value: r.value ?? null, edits: r.edits, ...(r.ok ? {} : { errors: r.errors }) })}\n`);
    }
    return allOk ? 0 : 1;
  }

  let input: string | Uint8Array | undefined = await io.readStdin();
  const r = repair(input);
  // The same text the repairer read (TextDecoder replaces invalid UTF-8 as it does), for lines and columns.
  if (!values.quiet && r.edits.length > 0) {
    for (const lines of editLines(typeof input === "string" ? input : new TextDecoder().decode(input), r.edits)) io.stderr(lines);
    const summary = summarizeRepair(r);
    if (summary !== undefined) io.stderr(summary);
  }
  input = undefined; // not held while the output is written
  if (r.text !== "") {
    // In pieces (no second copy of a large text with its line end appended).
    for (let i = 0; i < r.text.length; i += OUTPUT_CHUNK) io.stdout(r.text.slice(i, i + OUTPUT_CHUNK));
    if (!r.text.endsWith("\n")) io.stdout("\n");
  }
  if (!r.ok) {
    for (const e of r.errors) io.stderr(`error: ${e.instancePath || "/"}: ${e.message}${e.keyword ? ` (${e.keyword})` : ""}\n`);
    return 1;
  }
  return 0;
}

/** `--stream`: chunks in, output as decided, edits (unless quiet) as they come; exit 0 when a value was written. */
async function streamRepair(io: RepairIo, indent: number, limits: ReturnType<typeof limitsFlag>, quiet: boolean): Promise<number> {
  const onEdit = quiet ? undefined : (e: Edit) => io.stderr(`@${e.offset} ${e.kind} (${e.confidence}${e.lossy ? ", lossy" : ""}): ${e.message}\n`);
  let wrote = false;
  const put = (out: string) => {
    if (out === "") return;
    io.stdout(out);
    wrote = true;
  };
  const s = new JsonRepairStream({ indent, limits, onEdit, output: put });
  const chunks = io.stdinChunks?.() ?? (async function* () {
    yield await io.readStdin();
  })();
  for await (const chunk of chunks) put(s.write(chunk));
  put(s.end());
  const r = s.summary;
  if (wrote) io.stdout("\n");
  // Even under --quiet: the result may differ from repair without --stream.
  for (const n of r.notes) io.stderr(`formwork: warning [${n.code}] ${n.message}. ${n.hint}\n`);
  if (!quiet) {
    const counts = Object.entries(r.editCounts).map(([k, n]) => `${k} ${n}`).join(", ");
    if (counts !== "") io.stderr(`edits: ${counts}\n`);
    const warning = streamWarning(r);
    if (warning !== undefined) io.stderr(warning);
  }
  if (!r.ok) {
    for (const e of r.errors) io.stderr(`error: ${e.instancePath || "/"}: ${e.message}${e.keyword ? ` (${e.keyword})` : ""}\n`);
    return 1;
  }
  return 0;
}

/** `summarizeRepair` for a stream's summary. */
function streamWarning(r: JsonStreamSummary): string | undefined {
  return summarizeRepair({ edits: Object.keys(r.editCounts), confidence: r.confidence, lossy: r.lossy });
}

export const command: Command = {
  summary: "repair JSON, YAML or CSV written with mistakes (fences, commas, quotes, truncation...), logging every change",
  help: HELP,
  run: (args) => runRepair(args),
};
