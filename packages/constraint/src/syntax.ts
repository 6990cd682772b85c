/**
 * The text syntaxes of schema values: how a complete output is read back
 * into a value. One entry per syntax; the schema compiler writes the grammar
 * for the same syntax.
 */
import { ArgumentError } from "@formwork/core";
import { parseDocument } from "yaml";
import type { Syntax } from "./constraint.js";

/** How one syntax reads a value back. */
export interface SyntaxReader {
  /** The value of a complete text; throws when the text is not in the syntax. */
  parse(text: string): unknown;
}

const SYNTAXES: Record<Syntax, SyntaxReader> = {
  json: { parse: (text) => JSON.parse(text) },
  // YAML 1.2 core, as the grammar writes it; a repeated key keeps its last value (as JSON.parse does).
  yaml: {
    parse(text) {
      const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
      if (doc.errors.length > 0) throw doc.errors[0];
      return doc.toJS({ maxAliasCount: 0 });
    },
  },
};

/** The reader of `syntax`; `ArgumentError` `bad-option` for a syntax that does not exist. */
export function syntaxReader(syntax: unknown): SyntaxReader {
  if (typeof syntax === "string" && Object.hasOwn(SYNTAXES, syntax)) return SYNTAXES[syntax as Syntax];
  throw new ArgumentError("bad-option", `unknown syntax ${JSON.stringify(syntax)}`, { hint: `Use one of ${Object.keys(SYNTAXES).join(", ")}.` });
}
