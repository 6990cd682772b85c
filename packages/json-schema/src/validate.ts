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

/** Rewrites draft-04 keywords for ajv's draft-07 validator: `id` to `$id`, boolean exclusive bounds to numbers. */
function fromDraft4(s: unknown, inKeywordMap = false, dropId = false): unknown {
  if (Array.isArray(s)) return s.map((x) => fromDraft4(x, false, dropId));
  if (typeof s !== "object" || s === null) return s;
  const o = s as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (inKeywordMap) {
      out[k] = fromDraft4(v, false, dropId);
      continue;
    }
    if (k === "$schema" && !dropId) continue;
    if (k === "id" && typeof v === "string") {
      if (!dropId) out.$id = v;
    } else if (k === "enum" || k === "const" || k === "default" || k === "examples") out[k] = v;
    else if (k === "properties" || k === "patternProperties" || k === "definitions" || k === "$defs" || k === "dependencies" || k === "dependentSchemas") out[k] = fromDraft4(v, true, dropId);
    else out[k] = fromDraft4(v, false, dropId);
  }
  if (dropId) return out;
  if (o.exclusiveMinimum === true && typeof o.minimum === "number") [out.exclusiveMinimum, out.minimum] = [o.minimum, undefined];
  if (o.exclusiveMaximum === true && typeof o.maximum === "number") [out.exclusiveMaximum, out.maximum] = [o.maximum, undefined];
  if (o.exclusiveMinimum === false) delete out.exclusiveMinimum;
  if (o.exclusiveMaximum === false) delete out.exclusiveMaximum;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** Options of `validate` and `createValidator`. */
export interface ValidateOptions {
  /** Documents `$ref`s may point to, by absolute URI. Default none. */
  remotes?: Record<string, unknown>;
  /** Draft when the schema has no `$schema`: 4, 6, 7, 2019 or 2020 (default 2020). Draft 4/6 schemas are validated by ajv's draft-07 validator (draft 4 after rewriting `id` and boolean exclusive bounds). */
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
  const ajv = new Ctor({ strict: false, allErrors: false, validateFormats: true, validateSchema: false, logger: false });
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
    try {
      fn = ajv.compile(draft === 4 ? fromDraft4(schema) : schema);
    } catch (e) {
      // Draft-04 style `id` in a later-draft schema: an unknown keyword there, which ajv refuses; drop it.
      if (!String((e as Error).message).includes('keyword "id"')) throw e;
      fn = ajv.compile(fromDraft4(schema, false, true));
    }
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
