/**
 * The TypeScript type of a schema's values: inferred from a library schema
 * (zod 4, any Standard Schema) or from a JSON Schema literal (written inline,
 * or declared `as const`) through json-schema-to-ts; `unknown` for a schema
 * whose type is not known at compile time (read from a file, typed `object`).
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { FromSchema, JSONSchema } from "json-schema-to-ts";

/** The type of the values `S` accepts (`unknown` when it cannot be known). */
export type SchemaValue<S> = [S] extends [undefined]
  ? unknown
  : S extends StandardSchemaV1<unknown, infer Output>
    ? Output
    : S extends string | boolean
      ? unknown
      : S extends JSONSchema
        ? object extends S
          ? unknown
          : FromSchema<S>
        : unknown;
