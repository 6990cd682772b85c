/**
 * The constraint flags that `generate` and `check` share (`--schema`,
 * `--grammar`, `--regex` and their options), turned into one resolved
 * `Constraint` by `@formwork/constraint`: files are read and the constraint
 * compiled once per command.
 */
import { ArgumentError } from "@formwork/core";
import { columns, resolveConstraint, type Constraint, type ConstraintOptions } from "@formwork/constraint";
import type { CompileSchemaOptions } from "@formwork/json-schema";
import { limitsFlag, numberFlag } from "./args.js";

type CsvOptions = NonNullable<CompileSchemaOptions["csv"]>;
import { readFlagFile, readJsonFlagFile } from "./files.js";
import { attachFile } from "./report-error.js";

/** The `parseArgs` specs of the constraint flags. */
export const CONSTRAINT_FLAGS = {
  schema: { type: "string" },
  grammar: { type: "string" },
  root: { type: "string" },
  regex: { type: "string" },
  flags: { type: "string" },
  format: { type: "string" },
  whitespace: { type: "string" },
  indent: { type: "string" },
  "flow-sequences": { type: "string" },
  "property-order": { type: "string" },
  lenient: { type: "boolean" },
  strict: { type: "boolean" },
  columns: { type: "string" },
  "min-rows": { type: "string" },
  "max-rows": { type: "string" },
  delimiter: { type: "string" },
  "no-header": { type: "boolean" },
  "line-ending": { type: "string" },
  quoting: { type: "string" },
  "null-text": { type: "string" },
} as const;

/** The values `parseArgs` gives for {@link CONSTRAINT_FLAGS}. */
export interface ConstraintFlagValues {
  schema?: string;
  grammar?: string;
  root?: string;
  regex?: string;
  flags?: string;
  format?: string;
  whitespace?: string;
  "flow-sequences"?: string;
  indent?: string;
  "property-order"?: string;
  lenient?: boolean;
  strict?: boolean;
  limit?: string[];
  columns?: string;
  "min-rows"?: string;
  "max-rows"?: string;
  delimiter?: string;
  "no-header"?: boolean;
  "line-ending"?: string;
  quoting?: string;
  "null-text"?: string;
}

/** Help lines for the JSON Schema layout flags. */
export const SCHEMA_FLAGS_HELP = `JSON Schema layout (with --schema):
  --format F            json (default); yaml: block-style YAML that YAML
                        1.1 and 1.2 parsers read to the same value
                        (docs/yaml.md), --indent N sets its indent (2-8),
                        --whitespace flexible allows bounded extra spaces
                        and blank lines (default: the exact layout),
                        --flow-sequences never writes arrays of scalars as
                        block sequences (default scalars: [a, b]);
                        csv: a table (see CSV tables below)
  --whitespace W        compact (no whitespace), flexible (default: at most
                        two spaces or a newline and up to 32 spaces/tabs
                        between tokens) or pretty (JSON.stringify's layout)
  --indent N            the pretty layout's indent (default 2; 0-10)
  --property-order O    schema (default: properties in the schema's order) or
                        any (any order, each property at most once; objects
                        with more than 10 named properties are refused)
  --lenient             approximate keywords that cannot be enforced exactly
                        (each approximation printed as a warning) instead of
                        refusing the schema
  --strict              refuse keywords JSON Schema does not define (a typo
                        such as "propertes") instead of ignoring them with a
                        warning`;

/** Help lines for the CSV flags. */
export const CSV_FLAGS_HELP = `CSV tables (docs/csv.md):
  --format csv          the schema's value written as a CSV table (the schema
                        describes an array of flat records; the header is the
                        property names)
  --columns SPEC        the table's columns without a schema file, e.g.
                        "name:string,age:integer>=0,email:email,status:a|b,
                        note?:string" (implies --format csv)
  --min-rows N, --max-rows N   bounds on the rows (with --columns)
  --delimiter D         , (default) ; tab or |
  --no-header           no header row
  --line-ending E       lf (default) or crlf
  --quoting Q           minimal (default: quote a string only where needed)
                        or strings (quote every string)
  --null-text T         how null is written (default: the empty cell)`;

const SOURCES = ["schema", "grammar", "regex"] as const;

const CSV_DIALECT_FLAGS = ["delimiter", "no-header", "line-ending", "quoting", "null-text"] as const;

/**
 * The output syntax and CSV dialect from `--format` and the CSV flags
 * (`--columns` implies csv); `ArgumentError` `bad-arguments` for a bad value
 * or a CSV flag without CSV.
 */
export function csvFromFlags(values: ConstraintFlagValues): { syntax: "json" | "yaml" | "csv"; csv?: CsvOptions } {
  const format = values.format ?? (values.columns !== undefined ? "csv" : "json");
  if (format !== "json" && format !== "yaml" && format !== "csv") throw new ArgumentError("bad-arguments", `--format must be json, yaml or csv, got "${format}"`);
  const used = CSV_DIALECT_FLAGS.filter((f) => values[f] !== undefined);
  if (format !== "csv") {
    if (used.length > 0) throw new ArgumentError("bad-arguments", `--${used[0]} only goes with --format csv`, { hint: "Add --format csv, or drop it." });
    return { syntax: format };
  }
  const csv: CsvOptions = {};
  const delimiters: Record<string, CsvOptions["delimiter"]> = { ",": ",", ";": ";", tab: "\t", "\t": "\t", "|": "|" };
  if (values.delimiter !== undefined) {
    const d = delimiters[values.delimiter];
    if (d === undefined) throw new ArgumentError("bad-arguments", `--delimiter must be , ; tab or |, got ${JSON.stringify(values.delimiter)}`);
    csv.delimiter = d;
  }
  if (values["no-header"] === true) csv.header = false;
  const le = values["line-ending"];
  if (le !== undefined && le !== "lf" && le !== "crlf") throw new ArgumentError("bad-arguments", `--line-ending must be lf or crlf, got ${JSON.stringify(le)}`);
  if (le !== undefined) csv.lineEnding = le === "crlf" ? "\r\n" : "\n";
  const q = values.quoting;
  if (q !== undefined && q !== "minimal" && q !== "strings") throw new ArgumentError("bad-arguments", `--quoting must be minimal or strings, got ${JSON.stringify(q)}`);
  if (q !== undefined) csv.quoting = q;
  if (values["null-text"] !== undefined) csv.nullText = values["null-text"];
  return { syntax: "csv", csv };
}

/** The schema of `--columns SPEC` (with `--min-rows`/`--max-rows`), or undefined without `--columns`. */
export function columnsSchemaFromFlags(values: ConstraintFlagValues): Record<string, unknown> | undefined {
  const minRows = numberFlag("min-rows", values["min-rows"], { min: 0, integer: true });
  const maxRows = numberFlag("max-rows", values["max-rows"], { min: 0, integer: true });
  if (values.columns === undefined) {
    if (minRows !== undefined || maxRows !== undefined) throw new ArgumentError("bad-arguments", `--${minRows !== undefined ? "min-rows" : "max-rows"} only goes with --columns`, { hint: "With a schema file, write minItems/maxItems in it." });
    return undefined;
  }
  return columns(values.columns, { ...(minRows !== undefined ? { minRows } : {}), ...(maxRows !== undefined ? { maxRows } : {}) });
}

/** JSON Schema compile options from the layout flags; checks that they go with --schema. */
export function schemaOptionsFromFlags(values: ConstraintFlagValues): CompileSchemaOptions {
  const used = (["format", "whitespace", "indent", "flow-sequences", "property-order", "lenient", "strict"] as const).filter((f) => values[f] !== undefined);
  if (used.length > 0 && values.schema === undefined) {
    throw new ArgumentError("bad-arguments", `--${used[0]} only goes with --schema`, { hint: "Give a JSON Schema with --schema FILE.json, or drop the layout flags." });
  }
  const out: CompileSchemaOptions = {};
  const format = values.format;
  if (format !== undefined && format !== "json" && format !== "yaml" && format !== "csv") {
    throw new ArgumentError("bad-arguments", `--format must be json, yaml or csv, got "${format}"`);
  }
  const ws = values.whitespace;
  if (format === "yaml") {
    if (ws !== undefined && ws !== "flexible") {
      throw new ArgumentError("bad-arguments", `--whitespace ${ws} applies to JSON only; YAML's layout is the exact one (the default) or flexible (--whitespace flexible)`, { hint: "Drop --whitespace, or use --whitespace flexible; --indent N sets YAML's indent." });
    }
    const yamlIndent = numberFlag("indent", values.indent, { min: 2, max: 8, integer: true });
    if (yamlIndent !== undefined) out.indent = yamlIndent;
  }
  const flow = values["flow-sequences"];
  if (flow !== undefined) {
    if (format !== "yaml") throw new ArgumentError("bad-arguments", "--flow-sequences only goes with --format yaml", { hint: "Add --format yaml, or drop it." });
    if (flow !== "scalars" && flow !== "never") throw new ArgumentError("bad-arguments", `--flow-sequences must be scalars or never, got "${flow}"`);
    out.flowSequences = flow;
  }
  if (ws !== undefined && ws !== "compact" && ws !== "flexible" && ws !== "pretty") {
    throw new ArgumentError("bad-arguments", `--whitespace must be compact, flexible or pretty, got "${ws}"`);
  }
  const indent = format === "yaml" ? undefined : numberFlag("indent", values.indent, { min: 0, max: 10, integer: true });
  if (indent !== undefined && ws !== "pretty") throw new ArgumentError("bad-arguments", "--indent only goes with --whitespace pretty");
  if (ws === "pretty") out.whitespace = { pretty: indent ?? 2 };
  else if (ws !== undefined) out.whitespace = ws;
  const order = values["property-order"];
  if (order !== undefined && order !== "schema" && order !== "any") {
    throw new ArgumentError("bad-arguments", `--property-order must be schema or any, got "${order}"`);
  }
  if (order !== undefined) out.propertyOrder = order;
  if (values.lenient === true) out.lenient = true;
  return out;
}

/**
 * Reads the constraint flags into `ConstraintOptions` (files read, schema
 * JSON parsed), or null when none is given. Throws `ArgumentError`:
 * `constraint-conflict` for more than one of --schema, --grammar, --regex;
 * `bad-arguments` for an option without its constraint; `file-not-found`;
 * `invalid-schema` for a schema file that is not JSON.
 */
export function constraintOptionsFromFlags(values: ConstraintFlagValues): ConstraintOptions | null {
  if (values.columns !== undefined && values.schema !== undefined) throw new ArgumentError("constraint-conflict", "give one of --schema FILE and --columns SPEC, not both");
  const given = [...SOURCES, "columns" as const].filter((f) => values[f] !== undefined);
  if (given.length > 1) {
    throw new ArgumentError("constraint-conflict", `give one of --schema FILE, --columns SPEC, --grammar FILE and --regex PATTERN, not ${given.map((f) => `--${f}`).join(" and ")}`, {
      hint: "Express the combination in one grammar file.",
    });
  }
  if (values.flags !== undefined && values.regex === undefined) throw new ArgumentError("bad-arguments", "--flags only goes with --regex");
  if (values.root !== undefined && values.grammar === undefined) throw new ArgumentError("bad-arguments", "--root only goes with --grammar");
  const schemaOptions = schemaOptionsFromFlags({ ...values, schema: values.schema ?? values.columns });
  const limits = limitsFlag(values.limit);
  if (limits !== undefined) {
    const base = constraintOptionsFromFlags({ ...values, limit: undefined });
    return base && { ...base, limits };
  }
  const { syntax, csv } = csvFromFlags(values);
  if (syntax === "csv" && values.schema === undefined && values.columns === undefined) throw new ArgumentError("bad-arguments", "--format csv needs --schema FILE or --columns SPEC");
  const table = columnsSchemaFromFlags(values);
  const schema = table ?? (values.schema !== undefined ? readJsonFlagFile("schema", values.schema, "invalid-schema") : undefined);
  if (schema !== undefined) return { schema, schemaOptions: { ...schemaOptions, ...(csv ? { csv } : {}) }, ...(syntax !== "json" ? { syntax } : {}), ...(values.strict === true ? { strict: true } : {}) };
  if (values.grammar !== undefined) return { grammar: readFlagFile("grammar", values.grammar), ...(values.root !== undefined ? { grammarRoot: values.root } : {}) };
  if (values.regex !== undefined) return { regex: values.regex, ...(values.flags !== undefined ? { regexFlags: values.flags } : {}) };
  return null;
}

/**
 * Reads and resolves the constraint flags (see
 * {@link constraintOptionsFromFlags}), printing the compiler's warnings as
 * `formwork: warning [code] at FILE POINTER: ...`. Errors in a schema or
 * grammar file carry the file, printed before the compiler's own location.
 */
export function constraintFromFlags(verb: string, values: ConstraintFlagValues): Constraint | null {
  const options = constraintOptionsFromFlags(values);
  if (!options) return null;
  const file = values.schema ?? values.grammar ?? (values.columns !== undefined ? "--columns" : undefined);
  let constraint: Constraint | null;
  try {
    constraint = resolveConstraint(options);
  } catch (err) {
    if (file !== undefined) attachFile(err, file);
    throw err;
  }
  for (const w of constraint?.warnings ?? []) {
    const pointer = "pointer" in w && typeof w.pointer === "string" ? ` ${w.pointer || "/"}` : "";
    const where = file !== undefined ? ` at ${file}${pointer}` : pointer ? ` at${pointer}` : "";
    process.stderr.write(`formwork: warning [${w.code}]${where}: ${w.message}\n`);
  }
  return constraint;
}
