/**
 * `checkJsonText`: does a JSON text belong to the grammar of a schema (the
 * `formwork check --schema` question), and is its value valid under ajv?
 */
import { checkText, type Grammar } from "@formwork/grammar";
import { createValidator } from "@formwork/validate";
import { compileSchema } from "./compiler.js";
import type { CompileSchemaOptions } from "./options.js";

/** The verdict on one JSON text. */
export interface JsonTextCheck {
  /** The grammar accepts the text. */
  accepted: boolean;
  /** UTF-8 byte offset where the text leaves the grammar (when not accepted). */
  offset?: number;
  /** What was found there and what the grammar expected. */
  message?: string;
  /** ajv's verdict on the parsed value (undefined when the text is not JSON or ajv cannot compile the schema). */
  valid?: boolean;
}

/**
 * Checks `text` against `schema` (a schema object or JSON text; pass
 * `grammar` when it is already compiled from it) with the grammar engine, in
 * time linear in the text, and validates the parsed value with ajv. Compile
 * errors propagate.
 */
export function checkJsonText(schema: unknown, text: string, options: CompileSchemaOptions & { grammar?: Grammar } = {}): JsonTextCheck {
  // compileSchema refuses schema text that is not JSON (`invalid-schema`) before it is parsed here.
  const g = options.grammar ?? compileSchema(schema, options).grammar;
  const parsedSchema = typeof schema === "string" ? JSON.parse(schema) : schema;
  const r = checkText(g, text);
  let valid: boolean | undefined;
  try {
    valid = createValidator(parsedSchema, { remotes: options.remotes, draft: options.draft })(JSON.parse(text)).valid;
  } catch {
    valid = undefined;
  }
  return r.accepted ? { accepted: true, valid } : { ...r, valid };
}
