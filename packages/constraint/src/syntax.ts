/**
 * The text syntaxes of schema values: how a complete output is read back
 * into a value. One entry per syntax; the schema compiler writes the grammar
 * for the same syntax (and, for CSV, the table the reader takes).
 */
import { ArgumentError } from "@formwork/core";
import { parseDocument } from "yaml";
import { parseCsv } from "@formwork/csv";
import type { CompiledSchema } from "@formwork/json-schema";
import type { Syntax } from "./constraint.js";

/** How one syntax reads a value back. */
export interface SyntaxReader {
  /** The value of a complete text; throws when the text is not in the syntax. */
  parse(text: string): unknown;
}

const JSON_READER: SyntaxReader = { parse: (text) => JSON.parse(text) };
// YAML 1.2 core, as the grammar writes it; a repeated key keeps its last value (as JSON.parse does).
const YAML_READER: SyntaxReader = {
  parse(text) {
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS({ maxAliasCount: 0 });
  },
};

const SYNTAXES: Record<Syntax, (compiled: CompiledSchema) => SyntaxReader> = {
  json: () => JSON_READER,
  yaml: () => YAML_READER,
  // csv-parse through the dialect's cell rule, with the columns the compiler typed.
  csv: (compiled) => ({ parse: (text) => parseCsv(text, compiled.table!) }),
};

/** Checks that `syntax` exists (`ArgumentError` `bad-option` otherwise). */
export function checkSyntax(syntax: unknown): Syntax {
  if (typeof syntax === "string" && Object.hasOwn(SYNTAXES, syntax)) return syntax as Syntax;
  throw new ArgumentError("bad-option", `unknown syntax ${JSON.stringify(syntax)}`, { hint: `Use one of ${Object.keys(SYNTAXES).join(", ")}.` });
}

/** The reader of `syntax` for the schema compiled to `compiled`. */
export function syntaxReader(syntax: Syntax, compiled: CompiledSchema): SyntaxReader {
  return SYNTAXES[syntax](compiled);
}
