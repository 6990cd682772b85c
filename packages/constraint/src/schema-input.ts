/**
 * What counts as a schema: a JSON Schema (an object or a boolean, or its
 * JSON text), or a schema object from a validation library that implements
 * Standard Schema and can give its JSON Schema (zod 4 does). Anything else
 * (a class instance, a function, a library schema that cannot give JSON
 * Schema) is refused with `invalid-schema` instead of being read as `{}`.
 */
import { createRequire } from "node:module";
import { CompileError } from "@formwork/core";
import type { StandardJSONSchemaV1, StandardSchemaV1 } from "@standard-schema/spec";

/** A schema as given, resolved to JSON Schema. */
export interface SchemaInput {
  /** The JSON Schema (object, boolean, or JSON text as given). */
  jsonSchema: unknown;
  /** The library schema it came from (its `~standard` side), to read the output value with. */
  standard?: StandardSchemaV1.Props;
}

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Resolves a `schema` option: JSON Schema passes through; a Standard Schema
 * with a JSON Schema converter (`~standard.jsonSchema`, zod 4.2 and later)
 * is converted to draft 2020-12 (its input side: what the text must be);
 * a zod 4 schema without the converter goes through zod's own
 * `toJSONSchema` (zod is an optional peer dependency). Throws `CompileError`
 * `invalid-schema` for anything else, and when the library cannot convert.
 */
export function schemaInput(schema: unknown): SchemaInput {
  if (typeof schema === "string" || typeof schema === "boolean") return { jsonSchema: schema };
  if (typeof schema === "object" && schema !== null && !Array.isArray(schema)) {
    const standard = (schema as { "~standard"?: StandardSchemaV1.Props & Partial<StandardJSONSchemaV1.Props> })["~standard"];
    if (standard && typeof standard === "object") return { jsonSchema: fromStandard(schema, standard), standard };
    if (!isPlainObject(schema)) notASchema(`a ${schema.constructor?.name ?? "class"} instance`);
    checkJsonData(schema, "");
    return { jsonSchema: schema };
  }
  notASchema(schema === null ? "null" : Array.isArray(schema) ? "an array" : `a ${typeof schema}`);
}

function notASchema(what: string, pointer = ""): never {
  throw new CompileError("invalid-schema", `the schema is ${what}, not a JSON Schema`, {
    location: { kind: "pointer", pointer },
    hint: "Give a JSON Schema (an object, a boolean, or its JSON text) or a schema from a library that implements Standard Schema with JSON Schema output, such as zod 4.",
  });
}

/**
 * Refuses values JSON cannot hold (functions, class instances, symbols, bigints) anywhere in a plain
 * schema. An explicit stack, not recursion: a schema nested 2,000 deep overflowed the recursive walk.
 */
function checkJsonData(root: unknown, rootPtr: string): void {
  const seen = new Set<object>();
  const stack: [unknown, string][] = [[root, rootPtr]];
  while (stack.length > 0) {
    const [v, ptr] = stack.pop()!;
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") continue;
    if (typeof v !== "object") notASchema(`not JSON: it holds a ${typeof v} at "${ptr}"`, ptr);
    if (seen.has(v)) continue;
    seen.add(v);
    if (!Array.isArray(v) && !isPlainObject(v)) notASchema(`not JSON: it holds a ${v.constructor?.name ?? "class"} instance at "${ptr}"`, ptr);
    // Pushed last to first, so the first offending value in document order is the one reported.
    const entries = Array.isArray(v) ? v.map((e, i) => [String(i), e] as const) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i][1], `${ptr}/${entries[i][0].replace(/~/g, "~0").replace(/\//g, "~1")}`]);
  }
}

function fromStandard(schema: object, standard: StandardSchemaV1.Props & Partial<StandardJSONSchemaV1.Props>): unknown {
  const vendor = String(standard.vendor ?? "unknown");
  const converter = standard.jsonSchema;
  try {
    if (converter && typeof converter.input === "function") return converter.input({ target: "draft-2020-12" });
    if (vendor === "zod") {
      const zod = createRequire(import.meta.url)("zod") as { toJSONSchema?: (s: unknown, o?: object) => unknown };
      if (typeof zod.toJSONSchema === "function") return zod.toJSONSchema(schema, { io: "input", target: "draft-2020-12" });
    }
  } catch (err) {
    throw new CompileError("invalid-schema", `the ${vendor} schema cannot be written as JSON Schema: ${(err as Error).message}`, {
      location: { kind: "pointer", pointer: "" },
      hint: "Only the parts of a schema that JSON Schema can express can constrain generation (no transforms, custom types or functions).",
      cause: err,
    });
  }
  throw new CompileError("invalid-schema", `the ${vendor} schema implements Standard Schema but cannot give a JSON Schema`, {
    location: { kind: "pointer", pointer: "" },
    hint: "Use a library version that implements Standard JSON Schema (`~standard.jsonSchema`; zod 4.2 or later), or pass its JSON Schema.",
  });
}

/**
 * The value of a complete output under a library schema: the library's own
 * parse of the JSON value (defaults filled, refinements checked), when it
 * answers synchronously without issues; else undefined.
 */
export function standardValue(standard: StandardSchemaV1.Props, value: unknown): { ok: true; value: unknown } | { ok: false; issues: readonly StandardSchemaV1.Issue[] } {
  const r = standard.validate(value);
  if (r instanceof Promise) return { ok: false, issues: [{ message: "the schema validates asynchronously; its value is not read" }] };
  return r.issues ? { ok: false, issues: r.issues } : { ok: true, value: r.value };
}
