/**
 * Validation with ajv (and ajv-formats in "full" mode), by draft: the oracle
 * the compiler is tested against, exported for users.
 */
import { createRequire } from "node:module";
import { CompileError } from "@formwork/core";
import { draftOf } from "./resolver.js";

const require = createRequire(import.meta.url);
type AjvLike = {
  compile(schema: unknown): ((data: unknown) => boolean) & { errors?: unknown[] | null };
  addSchema(schema: unknown, key?: string): unknown;
};
type AjvCtor = new (opts: Record<string, unknown>) => AjvLike;
const Ajv07 = (require("ajv") as { default: AjvCtor }).default;
const Ajv2019 = (require("ajv/dist/2019") as { default: AjvCtor }).default;
const Ajv2020 = (require("ajv/dist/2020") as { default: AjvCtor }).default;
const addFormats = (require("ajv-formats") as { default: (ajv: AjvLike) => void }).default;

/** Options of `validate` and `createValidator`. */
export interface ValidateOptions {
  /** Documents `$ref`s may point to, by absolute URI. Default none. */
  remotes?: Record<string, unknown>;
  /** Draft when the schema has no `$schema`: 7, 2019 or 2020 (default 2020). Draft 4/6 schemas are validated as draft 7. */
  draft?: number;
}

/** The result of validating one value. */
export interface ValidationResult {
  valid: boolean;
  /** ajv's error objects when invalid. */
  errors: unknown[];
}

/**
 * Compiles `schema` with ajv for its draft (formats asserted, strict mode
 * off) and returns a checking function. Throws `CompileError`
 * (`invalid-schema`) when ajv cannot compile the schema.
 */
export function createValidator(schema: unknown, options: ValidateOptions = {}): (value: unknown) => ValidationResult {
  const draft = (typeof schema === "object" && schema !== null && draftOf((schema as Record<string, unknown>).$schema)) || options.draft || 2020;
  const Ctor = draft >= 2020 ? Ajv2020 : draft === 2019 ? Ajv2019 : Ajv07;
  const ajv = new Ctor({ strict: false, allErrors: false, validateFormats: true, validateSchema: false });
  addFormats(ajv);
  for (const [uri, doc] of Object.entries(options.remotes ?? {})) {
    try {
      ajv.addSchema(doc, uri);
    } catch {
      // A remote for another draft: skip it; refs to it fail at compile time.
    }
  }
  let fn: ReturnType<AjvLike["compile"]>;
  try {
    fn = ajv.compile(schema);
  } catch (e) {
    throw new CompileError("invalid-schema", `ajv cannot compile the schema: ${(e as Error).message}`, { location: { kind: "pointer", pointer: "" }, cause: e });
  }
  return (value) => {
    const valid = fn(value) as boolean;
    return { valid, errors: valid ? [] : [...(fn.errors ?? [])] };
  };
}

/** Validates `value` against `schema` with ajv + ajv-formats. */
export function validate(schema: unknown, value: unknown, options: ValidateOptions = {}): ValidationResult {
  return createValidator(schema, options)(value);
}
