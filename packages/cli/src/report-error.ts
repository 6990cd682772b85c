/**
 * How the CLI reports an error, one format for every verb:
 * `formwork: error [CODE] at WHERE: WHAT. HINT` on stderr, or with `--json`
 * one JSON line `{"error": {"code", "message", "location", "hint"}}`.
 * WHERE names the file a flag gave (the schema, the grammar) and the place
 * in it: a JSON pointer, a line and column, or the file alone.
 */
import { describeLocation, FormworkError, shortPointer, type ErrorLocation } from "@formwork/core";

/** The files errors came from, set where a flag's file is read and compiled (see `attachFile`). */
const files = new WeakMap<FormworkError, string>();

/** Records that `err` is about the file `path` (a --schema or --grammar file), for `at path ...`. */
export function attachFile(err: unknown, path: string): void {
  if (err instanceof FormworkError && !files.has(err)) files.set(err, path);
}

/** The error's message without the location and hint the constructor appended. */
function what(err: FormworkError): string {
  let m = err.message;
  if (err.hint && m.endsWith(` ${err.hint}`)) m = m.slice(0, -err.hint.length - 1);
  if (err.location) {
    const where = ` (at ${describeLocation(err.location)}).`;
    if (m.endsWith(where)) m = m.slice(0, -where.length);
  }
  return m.replace(/\.$/, "");
}

/** Where the error is, as the CLI prints it (`person.json /properties/a`, `g.gbnf:3:7`, a path), or undefined. */
export function errorWhere(err: FormworkError): string | undefined {
  const file = files.get(err);
  const loc: ErrorLocation | undefined = err.location;
  if (!loc) return file;
  if (loc.kind === "file") return loc.path;
  if (loc.kind === "pointer") {
    const pointer = shortPointer(loc.pointer) || "/";
    return file !== undefined ? `${file} ${pointer}` : pointer;
  }
  const lc = loc.line !== undefined && loc.column !== undefined ? `${loc.line}:${loc.column}` : `offset ${loc.start}`;
  return file !== undefined ? `${file}:${lc}` : lc;
}

/** The one-line text form: `formwork: error [code] at where: what. hint`. */
export function formatError(err: FormworkError): string {
  const where = errorWhere(err);
  return `formwork: error [${err.code}]${where !== undefined ? ` at ${where}` : ""}: ${what(err)}.${err.hint ? ` ${err.hint}` : ""}`.replace(/\.\.( |$)/g, ".$1");
}

/** The JSON form, for `--json`. */
export function errorJson(err: FormworkError): string {
  const where = errorWhere(err);
  return JSON.stringify({ error: { code: err.code, message: what(err), ...(where !== undefined ? { at: where } : {}), ...(err.location ? { location: err.location } : {}), ...(err.hint ? { hint: err.hint } : {}) } });
}
