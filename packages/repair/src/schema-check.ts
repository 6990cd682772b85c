/**
 * Schema validation for the repairers (internal): ajv 8 with ajv-formats,
 * draft 2020-12 by default and draft-07 when the schema's `$schema` says so.
 * The JSON Schema compiler package will later offer a public `validate`;
 * this one stays private to `@formwork/repair`.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { ArgumentError } from "@formwork/core";
import type { SchemaIssue } from "./edit.js";

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv | Ajv2020) => void;

let ajv2020: Ajv2020 | undefined;
let ajv07: Ajv | undefined;
const cache = new WeakMap<object, ValidateFunction>();

function instanceFor(schema: object): Ajv | Ajv2020 {
  const dialect = (schema as { $schema?: unknown }).$schema;
  const opts = { strict: false, allErrors: true, validateFormats: true, validateSchema: false, logger: false as const };
  if (typeof dialect === "string" && /draft-0[4-7]/.test(dialect)) {
    ajv07 ??= new Ajv(opts);
    if (!(ajv07 as unknown as { _fwFormats?: boolean })._fwFormats) {
      addFormats(ajv07);
      (ajv07 as unknown as { _fwFormats?: boolean })._fwFormats = true;
    }
    return ajv07;
  }
  if (!ajv2020) {
    ajv2020 = new Ajv2020(opts);
    addFormats(ajv2020);
  }
  return ajv2020;
}

/** A compiled schema check: `check(value)` returns the issues (empty when valid). */
export type SchemaCheck = (value: unknown) => SchemaIssue[];

/**
 * Compiles `schema` (cached per schema object) into a check. Throws an
 * `ArgumentError` with code `invalid-schema` when ajv cannot compile it.
 */
export function compileSchemaCheck(schema: unknown): SchemaCheck {
  if (typeof schema === "boolean") return (v) => (schema ? [] : [{ instancePath: "", schemaPath: "#", keyword: "false schema", message: "the schema is false: nothing validates" }]);
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    throw new ArgumentError("invalid-schema", "The schema must be a JSON object or a boolean", { hint: "Pass the parsed JSON Schema document." });
  }
  let validate = cache.get(schema);
  if (!validate) {
    const ajv = instanceFor(schema);
    // A schema's $id must be unique per ajv instance: forget an older schema with the same $id.
    const id = (schema as { $id?: unknown }).$id ?? (schema as { id?: unknown }).id;
    try {
      if (typeof id === "string") ajv.removeSchema(id);
      // `$async: true` makes ajv return a promise; validation here is synchronous.
      validate = ajv.compile((schema as { $async?: unknown }).$async === true ? { ...schema, $async: false } : schema);
    } catch (err) {
      throw new ArgumentError("invalid-schema", `The schema could not be compiled: ${(err as Error).message}`, {
        location: { kind: "pointer", pointer: "" },
        hint: "Check the schema with a JSON Schema validator; remote $refs are not fetched.",
        cause: err,
      });
    }
    cache.set(schema, validate);
  }
  const v = validate;
  return (value) => {
    try {
      const ok = v(value);
      if (typeof ok !== "boolean") return [{ instancePath: "", schemaPath: "#/$async", keyword: "$async", message: "asynchronous schemas are not supported" }];
      return ok ? [] : (v.errors ?? []).map(toIssue);
    } catch (err) {
      // Nested `$async` schemas throw ajv's ValidationError.
      const errors = (err as { errors?: ErrorObject[] }).errors;
      if (Array.isArray(errors)) return errors.map(toIssue);
      throw err;
    }
  };
}

function toIssue(e: ErrorObject): SchemaIssue {
  return { instancePath: e.instancePath, schemaPath: e.schemaPath, keyword: e.keyword, message: e.message ?? e.keyword };
}
