/**
 * Negation of a schema (`not`, the `else` branch of `if`, exclusive `oneOf`)
 * as another schema, for the keywords where the complement is expressible:
 * `type` (except a bare `integer`), `const`, `enum` (scalars), `required`,
 * `properties`, numeric/length/count bounds, `not`, `anyOf`, `allOf` and
 * `$ref`. Anything else is refused.
 */
import { frame, type Frame, type SchemaRegistry } from "./resolver.js";

/** Thrown inside negation; the caller turns it into a refusal with context. */
export class NotNegatable extends Error {
  constructor(readonly ptr: string, readonly keyword: string) {
    super(`cannot negate ${keyword}`);
  }
}

const ALL_TYPES = ["null", "boolean", "object", "array", "string", "number"];
const IGNORED = new Set(["$schema", "$id", "id", "$comment", "$defs", "definitions", "title", "description", "default", "examples", "$anchor", "$dynamicAnchor", "readOnly", "writeOnly", "deprecated", "contentMediaType", "contentEncoding", "contentSchema", "$vocabulary", "x-formwork-label"]);

/** A schema that holds exactly when `f` does not. */
export function negate(f: Frame, reg: SchemaRegistry, depth = 0): Frame {
  if (depth > 16) throw new NotNegatable(f.ptr, "deeply nested references");
  const s = f.s;
  if (s === true) return frame(false, f.ptr, f.base);
  if (s === false) return frame(true, f.ptr, f.base);
  if (typeof s !== "object" || s === null) throw new NotNegatable(f.ptr, "a non-schema");
  const o = s as Record<string, unknown>;
  const alts: unknown[] = [];
  const syn = (x: unknown, key: string) => frame(x, `${f.ptr}/${key}`, f.base);
  const draft4 = reg.draft === 4;
  for (const [key, v] of Object.entries(o)) {
    if (IGNORED.has(key)) continue;
    switch (key) {
      case "type": {
        const types = (Array.isArray(v) ? v : [v]) as string[];
        const hasNumber = types.includes("number");
        const hasInteger = types.includes("integer");
        alts.push(syn({ type: ALL_TYPES.filter((t) => !types.includes(t) && !(t === "number" && (hasNumber || hasInteger))) }, key));
        // The complement of "integer" within numbers: numbers with a non-zero fraction.
        if (hasInteger && !hasNumber) alts.push(syn({ type: "number", "x-formwork-non-integer": true }, key));
        break;
      }
      case "const":
        alts.push(syn({ "x-formwork-not-values": [v] }, key));
        break;
      case "enum":
        alts.push(syn({ "x-formwork-not-values": v }, key));
        break;
      case "required": {
        const names = v as string[];
        if (names.length === 0) break;
        alts.push(syn({ type: "object", anyOf: names.map((n) => ({ properties: { [n]: false } })) }, key));
        break;
      }
      case "properties": {
        const props = v as Record<string, unknown>;
        const branches = Object.keys(props).map((n) => ({ required: [n], properties: { [n]: negate(reg.child(f, "properties", n)!, reg, depth + 1) } }));
        if (branches.length) alts.push(syn({ type: "object", anyOf: branches }, key));
        break;
      }
      case "minimum":
        if (draft4 && o.exclusiveMinimum === true) alts.push(syn({ type: "number", maximum: v }, key));
        else alts.push(syn({ type: "number", exclusiveMaximum: v }, key));
        break;
      case "maximum":
        if (draft4 && o.exclusiveMaximum === true) alts.push(syn({ type: "number", minimum: v }, key));
        else alts.push(syn({ type: "number", exclusiveMinimum: v }, key));
        break;
      case "exclusiveMinimum":
        if (typeof v === "boolean") break;
        alts.push(syn({ type: "number", maximum: v }, key));
        break;
      case "exclusiveMaximum":
        if (typeof v === "boolean") break;
        alts.push(syn({ type: "number", minimum: v }, key));
        break;
      case "minLength":
      case "minItems":
      case "minProperties": {
        const n = v as number;
        if (n <= 0) break;
        const type = key === "minLength" ? "string" : key === "minItems" ? "array" : "object";
        alts.push(syn({ type, [key.replace("min", "max")]: Math.ceil(n) - 1 }, key));
        break;
      }
      case "maxLength":
      case "maxItems":
      case "maxProperties": {
        const type = key === "maxLength" ? "string" : key === "maxItems" ? "array" : "object";
        alts.push(syn({ type, [key.replace("max", "min")]: Math.floor(v as number) + 1 }, key));
        break;
      }
      case "not":
        alts.push(reg.child(f, "not")!);
        break;
      case "pattern":
        alts.push(syn({ type: "string", "x-formwork-not-pattern": v }, key));
        break;
      case "x-formwork-not-pattern":
        alts.push(syn({ type: "string", pattern: v }, key));
        break;
      case "anyOf":
        alts.push(syn({ allOf: (v as unknown[]).map((_, i) => negate(reg.child(f, "anyOf", i)!, reg, depth + 1)) }, key));
        break;
      case "allOf":
        alts.push(syn({ anyOf: (v as unknown[]).map((_, i) => negate(reg.child(f, "allOf", i)!, reg, depth + 1)) }, key));
        break;
      case "$ref": {
        if (reg.draft <= 7) return negate(reg.resolve(v as string, f, `${f.ptr}/$ref`), reg, depth + 1);
        alts.push(negate(reg.resolve(v as string, f, `${f.ptr}/$ref`), reg, depth + 1));
        break;
      }
      default:
        throw new NotNegatable(`${f.ptr}/${key}`, `"${key}"`);
    }
  }
  if (alts.length === 0) return frame(false, f.ptr, f.base);
  if (alts.length === 1) return alts[0] as Frame;
  return frame({ anyOf: alts }, f.ptr, f.base);
}
