/**
 * Schema validation for the repairers (internal): `@formwork/validate`, the
 * validator every Formwork package shares (drafts 04 to 2020-12 by
 * `$schema`, formats asserted), with every failing keyword reported.
 */
import { ArgumentError, FormworkError } from "@formwork/core";
import { createValidator } from "@formwork/validate";
import type { SchemaIssue } from "./edit.js";

/** A compiled schema check: `check(value)` returns the issues (empty when valid). */
export type SchemaCheck = (value: unknown) => SchemaIssue[];

/**
 * Compiles `schema` (cached per schema object by the validator) into a
 * check. Throws an `ArgumentError` with code `invalid-schema` when it is not
 * a schema ajv can compile: for the repairers the schema is an option.
 */
export function compileSchemaCheck(schema: unknown): SchemaCheck {
  let validator: ReturnType<typeof createValidator>;
  try {
    validator = createValidator(schema, { allErrors: true });
  } catch (err) {
    if (!(err instanceof FormworkError)) throw err;
    const reason = err.cause instanceof Error ? err.cause.message : err.message;
    throw new ArgumentError("invalid-schema", `The schema could not be compiled: ${reason}`, {
      location: { kind: "pointer", pointer: "" },
      hint: "Pass the parsed JSON Schema document; remote $refs are not fetched.",
      cause: err,
    });
  }
  return (value) => validator(value).errors.map(({ instancePath, schemaPath, keyword, message }) => ({ instancePath, schemaPath, keyword, message }));
}
