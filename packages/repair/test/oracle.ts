/** Test oracles: ajv for "this value validates", independent of the repairer's own checks; JSON equality up to key order. */
import { Ajv2020 } from "ajv/dist/2020.js";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: unknown) => void;
const opts = { strict: false, allErrors: false, validateSchema: false, logger: false as const };
const a2020 = new Ajv2020(opts);
const a07 = new Ajv(opts);
addFormats(a2020);
addFormats(a07);
const cache = new WeakMap<object, (v: unknown) => boolean>();

/** True when `value` satisfies `schema` according to ajv; undefined when ajv cannot compile the schema. */
export function ajvAccepts(schema: unknown, value: unknown): boolean | undefined {
  if (typeof schema === "boolean") return schema;
  const s = schema as Record<string, unknown>;
  let f = cache.get(s);
  if (!f) {
    const ajv = typeof s.$schema === "string" && /draft-0[4-7]/.test(s.$schema) ? a07 : a2020;
    try {
      if (typeof s.$id === "string") ajv.removeSchema(s.$id);
      const v = ajv.compile(s);
      f = (x) => v(x) as boolean;
    } catch {
      return undefined;
    }
    cache.set(s, f);
  }
  return f(value);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** True when two JSON values are equal, whatever the order of object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}
