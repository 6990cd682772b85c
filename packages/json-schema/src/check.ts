/**
 * `checkJsonText`: does a JSON text belong to the grammar of a schema (the
 * `formwork check --schema` seam), and is its value valid under ajv?
 */
import { referenceMatch, type Grammar } from "@formwork/grammar";
import { compileSchema } from "./compiler.js";
import type { CompileSchemaOptions } from "./options.js";
import { validate } from "./validate.js";

/** The verdict on one JSON text. */
export interface JsonTextCheck {
  /** The grammar accepts the text. */
  accepted: boolean;
  /** UTF-8 byte offset where the text leaves the grammar (when not accepted). */
  offset?: number;
  /** What the grammar expected there, or why the text failed. */
  message?: string;
  /** ajv's verdict on the parsed value (undefined when the text is not JSON). */
  valid?: boolean;
}

/**
 * Checks `text` against `schema` (a schema object/JSON text, or a grammar
 * already compiled from it) with the reference recognizer, and also validates
 * the parsed value with ajv. Compile errors propagate.
 */
export function checkJsonText(schema: unknown, text: string, options: CompileSchemaOptions & { grammar?: Grammar } = {}): JsonTextCheck {
  const g = options.grammar ?? compileSchema(schema, options).grammar;
  const r = referenceMatch(g, text);
  let valid: boolean | undefined;
  try {
    valid = validate(typeof schema === "string" ? JSON.parse(schema) : schema, JSON.parse(text), { remotes: options.remotes }).valid;
  } catch {
    valid = undefined;
  }
  if (r.accepted) return { accepted: true, valid };
  return { accepted: false, offset: r.offset, message: r.prefix ? "the text ends before the value is complete" : `expected ${r.expected}`, valid };
}
