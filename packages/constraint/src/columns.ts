/**
 * `columns`: a table's JSON Schema written as one line, for people without a
 * schema (`formwork generate --columns "..."`). The line compiles to an
 * ordinary JSON Schema (an array of objects with one property per column),
 * so a table written this way is constrained, parsed and validated exactly
 * as the same schema given in full. Syntax (docs/csv.md):
 *
 * ```
 * spec    = column ("," column)*
 * column  = name ["?"] ":" alt ("|" alt)*      "?": the column may be empty (property not required)
 * alt     = type bound* | literal
 * type    = string | integer | number | boolean | null | FORMAT   (email, date, date-time, time, uri, uuid, ipv4, ipv6, hostname)
 * bound   = (">=" | ">" | "<=" | "<") NUMBER    numbers: the value; strings: the length (> and < count exclusively)
 *         | "/" REGEX "/"                      strings: a pattern (JSON Schema `pattern`, ECMAScript with u)
 * literal = WORD | NUMBER | true | false | '"' chars '"'   an enum value; quote a word that is a type name
 * ```
 *
 * `name:string,age:integer>=0,email:email,status:active|inactive,note?:string<=200`
 */
import { ArgumentError } from "@formwork/core";

/** Options of `columns`. */
export interface ColumnsOptions {
  /** Fewest rows (`minItems`). Default none. */
  minRows?: number;
  /** Most rows (`maxItems`). Default none. */
  maxRows?: number;
}

const TYPES = new Set(["string", "integer", "number", "boolean", "null"]);
/** Formats a column may name as its type: strings with that JSON Schema `format`. */
export const COLUMN_FORMATS: ReadonlySet<string> = new Set(["email", "date", "date-time", "time", "uri", "uuid", "ipv4", "ipv6", "hostname"]);
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/**
 * The JSON Schema of the table `spec` describes: `{ type: "array", items: {
 * type: "object", properties, required, additionalProperties: false } }`,
 * the properties in the order written. Throws `ArgumentError` `bad-columns`
 * (with the offset in `spec`) for a spec that does not parse, a repeated
 * column, an unknown type, or a bound on a type that has none.
 */
export function columns(spec: string, options: ColumnsOptions = {}): Record<string, unknown> {
  if (typeof spec !== "string") throw new ArgumentError("bad-columns", "the column spec must be a string", { hint: 'Write e.g. "name:string,age:integer>=0".' });
  const p = new SpecParser(spec);
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  do {
    const at = p.i;
    const name = p.name();
    if (Object.hasOwn(properties, name)) p.fail(`the column ${JSON.stringify(name)} is listed twice`, "Give each column once.", at);
    const optional = p.eat("?");
    p.expect(":");
    properties[name] = p.alternatives();
    if (!optional) required.push(name);
  } while (p.eat(","));
  if (p.i < spec.length) p.fail(`unexpected ${JSON.stringify(spec[p.i])}`, 'Separate columns with "," and alternatives with "|"; quote a value that holds other characters ("a:b").');
  const items: Record<string, unknown> = { type: "object", properties, required, additionalProperties: false };
  const table: Record<string, unknown> = { type: "array", items };
  for (const [key, v] of [["minItems", options.minRows], ["maxItems", options.maxRows]] as const) {
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 0) throw new ArgumentError("bad-columns", `${key === "minItems" ? "minRows" : "maxRows"} must be a non-negative integer, got ${v}`);
    table[key] = v;
  }
  return table;
}

/** A recursive-descent reader of the spec, with the offset of every error. */
class SpecParser {
  i = 0;
  constructor(private readonly s: string) {}

  fail(message: string, hint: string, at = this.i): never {
    throw new ArgumentError("bad-columns", message, { location: { kind: "span", start: at, end: Math.min(at + 1, this.s.length), line: 1, column: at + 1, source: this.s }, hint });
  }
  eat(t: string): boolean {
    if (!this.s.startsWith(t, this.i)) return false;
    this.i += t.length;
    return true;
  }
  expect(t: string): void {
    if (!this.eat(t)) this.fail(`expected ${JSON.stringify(t)}`, 'Write each column as name:type, e.g. "age:integer".');
  }
  private skipSpaces(): void {
    while (this.s[this.i] === " ") this.i++;
  }
  /** A column name: up to `:` or `?:`, spaces around it trimmed; a quoted name may hold any character. */
  name(): string {
    this.skipSpaces();
    const start = this.i;
    if (this.s[this.i] === '"') return (this.quoted() as string).trim();
    while (this.i < this.s.length && !":?,|".includes(this.s[this.i])) this.i++;
    const name = this.s.slice(start, this.i).trim();
    if (name === "") this.fail("a column has no name", 'Write name:type, e.g. "age:integer".', start);
    return name;
  }
  /** `"..."` with `\"` and `\\` escapes (JSON string syntax). */
  private quoted(): string {
    const start = this.i;
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== '"') this.i += this.s[this.i] === "\\" ? 2 : 1;
    if (this.i >= this.s.length) this.fail("a quoted text is not closed", 'Close it with ".', start);
    this.i++;
    try {
      return JSON.parse(this.s.slice(start, this.i)) as string;
    } catch {
      return this.fail("a quoted text is not a JSON string", 'Escape " and \\ with a backslash.', start);
    }
  }
  /** `alt ("|" alt)*` as one schema. */
  alternatives(): Record<string, unknown> {
    const types: Record<string, unknown>[] = [];
    const values: unknown[] = [];
    do {
      this.skipSpaces();
      if (this.s[this.i] === '"') {
        values.push(this.quoted());
      } else {
        let j = this.i;
        while (j < this.s.length && !",|<>/: ".includes(this.s[j])) j++;
        const word = this.s.slice(this.i, j);
        if (word === "") this.fail("a type or value is missing", "Write a type (string, integer, number, boolean, null, a format) or a value.");
        this.i = j;
        if (TYPES.has(word) || COLUMN_FORMATS.has(word)) types.push(this.bounds(word));
        else if (word === "true" || word === "false") values.push(word === "true");
        else if (NUMBER.test(word)) values.push(Number(word));
        else values.push(word);
      }
      this.skipSpaces();
    } while (this.eat("|"));
    const alts = [...types];
    if (values.length) alts.push(values.length === 1 ? { const: values[0] } : { enum: values });
    if (alts.length === 1) return alts[0];
    // Plain types only: one `type` list.
    if (types.every((t) => Object.keys(t).length === 1) && values.length === 0) return { type: types.map((t) => t.type) };
    return { anyOf: alts };
  }
  /** The schema of `word` (a type or a format) with the bounds that follow it. */
  private bounds(word: string): Record<string, unknown> {
    const schema: Record<string, unknown> = COLUMN_FORMATS.has(word) ? { type: "string", format: word } : { type: word };
    const kind = COLUMN_FORMATS.has(word) ? "string" : word;
    for (;;) {
      const bAt = this.i;
      if (this.eat("/")) {
        if (kind !== "string") this.fail(`a pattern applies to strings, not ${kind}`, "Remove the /pattern/ or make the column a string.", bAt);
        let j = this.i;
        while (j < this.s.length && this.s[j] !== "/") j += this.s[j] === "\\" ? 2 : 1;
        if (j >= this.s.length) this.fail("a /pattern/ is not closed", "Close it with /.", bAt);
        const source = this.s.slice(this.i, j);
        try {
          new RegExp(source, "u");
        } catch (e) {
          this.fail(`the pattern ${JSON.stringify(source)} is not a valid regex: ${(e as Error).message}`, "Write an ECMAScript regular expression (u flag).", bAt);
        }
        schema.pattern = source;
        this.i = j + 1;
        continue;
      }
      const op = [">=", "<=", ">", "<"].find((o) => this.s.startsWith(o, this.i));
      if (!op) return schema;
      this.i += op.length;
      let j = this.i;
      while (j < this.s.length && /[-+.0-9eE]/.test(this.s[j])) j++;
      const text = this.s.slice(this.i, j);
      if (!NUMBER.test(text)) this.fail(`${op} needs a number`, `Write e.g. ${kind}${op}0.`, this.i);
      this.i = j;
      const n = Number(text);
      if (kind === "integer" || kind === "number") {
        schema[{ ">=": "minimum", "<=": "maximum", ">": "exclusiveMinimum", "<": "exclusiveMaximum" }[op]!] = n;
      } else if (kind === "string") {
        if (!Number.isInteger(n) || n < 0) this.fail(`a string length bound must be a non-negative integer, got ${text}`, "Bound strings by length, e.g. string<=80.", bAt);
        if (op === ">=" || op === ">") schema.minLength = op === ">" ? n + 1 : n;
        else schema.maxLength = op === "<" ? Math.max(0, n - 1) : n;
      } else {
        this.fail(`${kind} has no bounds`, "Bounds apply to integer, number (values) and string (lengths).", bAt);
      }
    }
  }
}
