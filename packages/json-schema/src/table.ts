/**
 * CSV tables: a schema that describes an array of flat records compiled to
 * the grammar of its CSV text (`compileSchema(schema, { syntax: "csv" })`).
 * The table's shape is read here (the root is an array, its items objects,
 * their properties the columns, `minItems`/`maxItems` the row bounds,
 * `required` the cells that may not be empty); each column's values are
 * compiled by the one schema compiler, with a `CsvCellSyntax` as writer, so
 * no keyword has a second meaning here. What is not a table is refused
 * (`not-a-table`, with the pointer and the fix).
 */
import { UnsupportedError } from "@formwork/core";
import { alt, literal, repeat, seq, type Node } from "@formwork/grammar";
import { productiveRules } from "@formwork/grammar/internal";
import type { CsvDialect, CsvTable, TableColumn } from "@formwork/csv";
import { needsQuotes } from "@formwork/csv/internal";
import type { Ctx } from "./context.js";
import { frame, under, withSchema, type Frame, type SchemaRegistry } from "./resolver.js";
import { CsvCellSyntax } from "./syntax/csv.js";
import type { Syntax } from "./syntax/syntax.js";

/**
 * Array keywords a table cannot enforce (the rows are written one after the
 * other, each from the same columns). Other keywords on the table are
 * `type`, `items`, `minItems`, `maxItems`, keywords of other types (which
 * say nothing about an array) and unknown ones (annotations, as for JSON).
 */
const ROOT_REFUSED = new Set(["prefixItems", "contains", "minContains", "maxContains", "uniqueItems", "unevaluatedItems"]);
/** Object keywords a row of fixed columns cannot enforce (checked below: some hold anyway). */
const ROW_REFUSED = new Set(["patternProperties", "propertyNames", "minProperties", "maxProperties", "dependentRequired", "dependentSchemas", "dependencies", "unevaluatedProperties"]);
/** What a row may say besides annotations. */
const PROBE_RULE = "\u0000probe";

/** A table compiled: the body of the grammar's root and the columns as the cell rule reads them. */
export interface CompiledTable {
  root: Node;
  table: CsvTable;
}

/**
 * The grammar of `reg.root`'s CSV text in `dialect`: the header (when on),
 * then between `minItems` and `maxItems` rows, each its cells separated by
 * the delimiter and ended by the line ending. `valueCtx(syntax)` gives a
 * compile context (fresh memo, shared rules and warnings) whose values are
 * written by `syntax` (into `own` rules when given); `json` is the JSON writer (for the compiler's answer
 * to whether a column may hold numbers).
 */
export function compileTable(reg: SchemaRegistry, dialect: CsvDialect, json: Syntax, valueCtx: (syntax: Syntax, own?: Map<string, Node>) => Ctx, rules: Map<string, Node>, newRule: (prefix: string) => string): CompiledTable {
  const { warnings, opts } = valueCtx(json);
  const lenient = opts.lenient;
  const root = flatten(reg, [reg.root], "the table");
  const rootKinds = types(root);
  if (rootKinds && !rootKinds.has("array")) notTable(root[0].ptr, `the schema describes ${[...rootKinds].join(" or ")} values, not an array of rows`, 'Write the table as {"type": "array", "items": {"type": "object", "properties": {...}}}.');
  let minRows = 0;
  let maxRows = Infinity;
  const items: Frame[] = [];
  for (const f of root) {
    const o = f.s as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!ROOT_REFUSED.has(k) || (k === "uniqueItems" && o[k] === false)) continue;
      const where = `${f.ptr}/${k}`;
      const message = `"${k}" on the table is not supported in CSV (each row is written on its own)`;
      if (k === "uniqueItems" && lenient) {
        warnings.push({ code: "unsupported-keyword", pointer: where, message: `${message}; rows may repeat (validate the output)`, effect: "relaxes" });
        continue;
      }
      notTable(where, message, `A table is {"type": "array", "items": {...}} with minItems/maxItems; drop the keyword or validate it after generation${k === "uniqueItems" ? " (or pass lenient: true: rows may then repeat)" : ""}.`);
    }
    if (typeof o.minItems === "number") minRows = Math.max(minRows, Math.ceil(o.minItems));
    if (typeof o.maxItems === "number") maxRows = Math.min(maxRows, Math.floor(o.maxItems));
    if (o.items === undefined) continue;
    if (Array.isArray(o.items)) notTable(`${f.ptr}/items`, "items is a list (a tuple), not one schema for every row", 'Give items one object schema: "items": {"type": "object", "properties": {...}}.');
    items.push(under(f, reg.child(f, "items")!));
  }
  if (items.length === 0) notTable(root[0].ptr, "the table has no items schema, so it has no columns", 'Add "items": {"type": "object", "properties": {"name": {"type": "string"}, ...}}.');
  const rows = flatten(reg, items, "a row");
  const rowKinds = types(rows);
  if (rowKinds && !rowKinds.has("object")) notTable(rows[0].ptr, `the rows are ${[...rowKinds].join(" or ")} values, not objects`, 'Rows are objects: "items": {"type": "object", "properties": {...}}.');
  const names: string[] = [];
  const required = new Set<string>();
  for (const f of rows) {
    const o = f.s as Record<string, unknown>;
    if (o.properties && typeof o.properties === "object") for (const k of Object.keys(o.properties)) if (!names.includes(k)) names.push(k);
    if (Array.isArray(o.required)) for (const k of o.required) if (typeof k === "string") required.add(k);
  }
  const listed = names.length;
  for (const k of required) if (!names.includes(k)) names.push(k);
  for (const f of rows) {
    const o = f.s as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!ROW_REFUSED.has(k)) continue;
      const v = o[k];
      // What holds for every row of these columns anyway.
      const empty = v !== null && typeof v === "object" && Object.keys(v).length === 0;
      if ((k === "patternProperties" || k === "dependentRequired" || k === "dependentSchemas" || k === "dependencies") && empty) continue;
      if (k === "minProperties" && typeof v === "number" && v <= required.size) continue;
      if (k === "maxProperties" && typeof v === "number" && v >= names.length) continue;
      if (k === "unevaluatedProperties" && listed === names.length) continue; // only listed properties are written
      notTable(`${f.ptr}/${k}`, `"${k}" on a row is not supported in CSV (a row is its fixed columns)`, "List the columns in properties (and required); drop the keyword or validate it after generation.");
    }
  }
  if (names.length === 0) notTable(rows[0].ptr, "the rows have no properties, so the table has no columns", 'List the columns: "properties": {"name": {"type": "string"}, ...}.');

  const columns: TableColumn[] = [];
  const cells: Node[] = [];
  for (const name of names) {
    const conj: Frame[] = [];
    for (const f of rows) {
      const o = f.s as Record<string, unknown>;
      const own = o.properties && typeof o.properties === "object" && Object.hasOwn(o.properties, name);
      if (own) conj.push(under(f, reg.child(f, "properties", name)!));
      else if (o.additionalProperties !== undefined) conj.push(under(f, reg.child(f, "additionalProperties")!));
    }
    const ptr = conj[0]?.ptr ?? `${rows[0].ptr}/required`;
    const syntax = new CsvCellSyntax(dialect, { name, ptr }, rules, newRule);
    const value = valueCtx(syntax).value(conj, 2, "member");
    if (!syntax.kinds.has("integer") && !syntax.kinds.has("number") && mayHoldNumbers(conj, json, valueCtx)) syntax.kinds.add("number");
    const req = required.has(name);
    syntax.finish(req);
    const col = syntax.tableColumn(req);
    columns.push(col);
    // The empty cell: an absent property (when the column is optional), or null when nullText is "".
    cells.push(req ? value : alt(value, literal("")));
  }
  const row: Node[] = [];
  cells.forEach((c, i) => row.push(...(i > 0 ? [literal(dialect.delimiter)] : []), c));
  row.push(literal(dialect.lineEnding));
  const parts: Node[] = [];
  if (dialect.header) parts.push(header(names, dialect));
  parts.push(repeat(seq(...row), minRows, maxRows));
  return { root: seq(...parts), table: { columns, dialect } };
}

/**
 * Whether the column may hold numbers, asked of the compiler (the column's
 * schema and `type: number`, written as JSON, has a value): numbers that
 * `multipleOf` spells digit by digit do not pass through the syntax's
 * `number`, so the cell writer alone does not see them.
 */
function mayHoldNumbers(conj: Frame[], json: Syntax, valueCtx: (syntax: Syntax, own?: Map<string, Node>) => Ctx): boolean {
  const own = new Map<string, Node>();
  const ctx = valueCtx(json, own);
  const w0 = ctx.warnings.length;
  const node = ctx.value([...conj, frame({ type: "number" }, conj[0]?.ptr ?? "", conj[0]?.base ?? "")], 2, "member");
  ctx.warnings.length = w0;
  own.set(PROBE_RULE, node);
  return productiveRules({ rules: own, root: PROBE_RULE }).has(PROBE_RULE);
}

/** The header row: the names, each bare where it may be (minimal quoting) or quoted, then the line ending. */
function header(names: string[], d: CsvDialect): Node {
  const items: Node[] = [];
  names.forEach((n, i) => {
    if (i > 0) items.push(literal(d.delimiter));
    const quoted = literal(`"${n.replaceAll('"', '""')}"`);
    items.push(d.quoting === "minimal" && n !== "" && !needsQuotes(n, d) ? alt(literal(n), quoted) : quoted);
  });
  items.push(literal(d.lineEnding));
  return seq(...items);
}

/** The frames of a conjunction with `$ref` and `allOf` expanded; a combinator is refused (a table's shape must be one). */
function flatten(reg: SchemaRegistry, frames: Frame[], what: string): Frame[] {
  const queue = [...frames];
  const out: Frame[] = [];
  let steps = 0;
  while (queue.length) {
    const f = queue.shift()!;
    if (++steps > 1000) notTable(f.ptr, `the $refs of ${what} do not reach a schema`, "Point $ref at an object schema.");
    if (f.s === true) continue;
    if (typeof f.s !== "object" || f.s === null || Array.isArray(f.s)) notTable(f.ptr, `${what} has no valid instance or is not a schema`, "Write an object schema.");
    const o = f.s as Record<string, unknown>;
    const rest = { ...o };
    if (typeof o.$ref === "string") {
      queue.push(under(f, reg.resolve(o.$ref, f, `${f.ptr}/$ref`)));
      delete rest.$ref;
      if (reg.draft <= 7) continue; // siblings of $ref are ignored
    }
    if (Array.isArray(o.allOf)) {
      o.allOf.forEach((_, i) => queue.push(under(f, reg.child(f, "allOf", i)!)));
      delete rest.allOf;
    }
    for (const k of ["anyOf", "oneOf", "not", "if", "then", "else", "enum", "const", "$dynamicRef"]) {
      if (k in rest) notTable(`${f.ptr}/${k}`, `"${k}" on ${what} is not supported in CSV: a table has one shape (combinators belong in a column's schema)`, "Describe the table as one array of one object schema, and put alternatives inside the columns.");
    }
    out.push(withSchema(f, rest));
  }
  if (out.length === 0) notTable(frames[0]?.ptr ?? "", `${what} allows any value`, 'Write the table as {"type": "array", "items": {"type": "object", "properties": {...}}}.');
  return out;
}

/** The intersection of the `type` keywords of a conjunction, or null when none says. */
function types(frames: Frame[]): Set<string> | null {
  let out: string[] | null = null;
  for (const f of frames) {
    const t = (f.s as Record<string, unknown>).type;
    if (t === undefined) continue;
    const here: string[] = Array.isArray(t) ? (t as string[]) : [t as string];
    out = out === null ? here : out.filter((k) => here.includes(k));
  }
  return out === null ? null : new Set(out);
}

function notTable(ptr: string, message: string, hint: string): never {
  throw new UnsupportedError("not-a-table", message, { location: { kind: "pointer", pointer: ptr }, hint });
}
