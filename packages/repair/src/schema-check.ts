/**
 * Schema validation for the repairers (internal): `@formwork/validate`, the
 * validator every Formwork package shares (drafts 04 to 2020-12 by
 * `$schema`, formats asserted, patterns in linear time), with every failing
 * keyword reported.
 */
import { ArgumentError, FormworkError, LimitError, UnsupportedError, type Limits } from "@formwork/core";
import { createValidator } from "@formwork/validate";
import type { SchemaIssue } from "./edit.js";
import { limitIssue, validatorLimits } from "./limits.js";

/** A compiled schema check: `check(value)` returns the issues (empty when valid). */
export type SchemaCheck = (value: unknown) => SchemaIssue[];

/** How the repairers validate: the pattern engine and the repairer's limits, of which the validator takes `maxDepth` (see `@formwork/validate`). */
export interface SchemaCheckOptions {
  regExp?: "linear" | "backtracking";
  limits?: Partial<Limits>;
}

/** The check of a repairer's `schema` option (undefined without one), with its `regExp` and `limits`: one place for the three repairers. */
export function schemaCheckOf(options: SchemaCheckOptions & { schema?: unknown }): SchemaCheck | undefined {
  return options.schema === undefined ? undefined : compileSchemaCheck(options.schema, options);
}

/**
 * Compiles `schema` (cached per schema object by the validator) into a
 * check. Throws an `ArgumentError` with code `invalid-schema` when it is not
 * a schema ajv can compile, and passes on the validator's `UnsupportedError`
 * (`unsupported-pattern`) and `LimitError` (`max-depth`) for the schema: for
 * the repairers the schema is an option. A value nested past the validator's
 * `maxDepth` is an issue (keyword `max-depth`), not an exception.
 */
export function compileSchemaCheck(schema: unknown, options: SchemaCheckOptions = {}): SchemaCheck {
  let validator: ReturnType<typeof createValidator>;
  try {
    validator = createValidator(schema, { allErrors: true, regExp: options.regExp, limits: validatorLimits(options.limits) });
  } catch (err) {
    if (!(err instanceof FormworkError) || err instanceof UnsupportedError || err instanceof LimitError) throw err;
    const reason = err.cause instanceof Error ? err.cause.message : err.message;
    throw new ArgumentError("invalid-schema", `The schema could not be compiled: ${reason}`, {
      location: { kind: "pointer", pointer: "" },
      hint: "Pass the parsed JSON Schema document; remote $refs are not fetched.",
      cause: err,
    });
  }
  return (value) => {
    try {
      return validator(value).errors.map(({ instancePath, schemaPath, keyword, message }) => ({ instancePath, schemaPath, keyword, message }));
    } catch (err) {
      if (err instanceof LimitError) return [limitIssue(err)];
      if (err instanceof FormworkError) return [{ instancePath: "", schemaPath: "", keyword: err.code, message: err.message }];
      throw err;
    }
  };
}
