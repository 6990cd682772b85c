/**
 * Draft-04 schemas for ajv's draft-07 validator: ajv 8 has no draft-04
 * mode, so `id` becomes `$id` and boolean `exclusiveMinimum` /
 * `exclusiveMaximum` become the numeric form they turned into in draft 06.
 */

const SCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions", "$defs", "dependencies", "dependentSchemas"]);
const VALUES = new Set(["enum", "const", "default", "examples"]);

/**
 * Rewrites draft-04 keywords for ajv's draft-07 validator. With `dropIds`,
 * only removes `id` (a draft-04 habit inside later-draft schemas, where ajv
 * refuses it as an unknown keyword) and changes nothing else.
 */
export function fromDraft4(s: unknown, dropIds = false, inKeywordMap = false): unknown {
  if (Array.isArray(s)) return s.map((x) => fromDraft4(x, dropIds));
  if (typeof s !== "object" || s === null) return s;
  const o = s as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (inKeywordMap) out[k] = fromDraft4(v, dropIds);
    else if (k === "$schema" && !dropIds) continue;
    else if (k === "id" && typeof v === "string") {
      if (!dropIds) out.$id = v;
    } else if (VALUES.has(k)) out[k] = v;
    else out[k] = fromDraft4(v, dropIds, SCHEMA_MAPS.has(k));
  }
  if (dropIds || inKeywordMap) return out;
  if (o.exclusiveMinimum === true && typeof o.minimum === "number") {
    out.exclusiveMinimum = o.minimum;
    delete out.minimum;
  }
  if (o.exclusiveMaximum === true && typeof o.maximum === "number") {
    out.exclusiveMaximum = o.maximum;
    delete out.maximum;
  }
  if (typeof out.exclusiveMinimum === "boolean") delete out.exclusiveMinimum;
  if (typeof out.exclusiveMaximum === "boolean") delete out.exclusiveMaximum;
  return out;
}
