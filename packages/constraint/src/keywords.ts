/**
 * The JSON Schema vocabulary (drafts 04 to 2020-12): which keywords exist,
 * which of them hold subschemas, and the check that finds the keywords a
 * schema uses that are none of them (a typo such as `propertes`, or another
 * tool's extension), with a did-you-mean.
 */
import { CompileError } from "@formwork/core";
import { editDistance } from "@formwork/core/internal";
import type { CompileWarning } from "@formwork/json-schema";

/** Keywords whose value is a schema. */
const ONE_SCHEMA = ["not", "if", "then", "else", "additionalItems", "additionalProperties", "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"];
/** Keywords whose value is an array of schemas (`items` may also be one schema). */
const SCHEMA_ARRAYS = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];
/** Keywords whose value maps names to schemas (`dependencies` values may also be arrays of names). */
const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"];
/** The other keywords: assertions on values, identifiers, annotations. Their values are data, not schemas. */
const OTHERS = [
  "$schema", "$id", "id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "$vocabulary", "$comment",
  "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
  "maxLength", "minLength", "pattern", "format", "contentEncoding", "contentMediaType",
  "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
  "maxProperties", "minProperties", "required", "dependentRequired",
  "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
];

/** Every keyword of drafts 04, 06, 07, 2019-09 and 2020-12. */
export const KEYWORDS: ReadonlySet<string> = new Set([...ONE_SCHEMA, ...SCHEMA_ARRAYS, ...SCHEMA_MAPS, ...OTHERS]);

/** A keyword that is not JSON Schema, where it is, and the keyword it most likely meant. */
export interface UnknownKeyword {
  keyword: string;
  /** JSON pointer of the keyword. */
  pointer: string;
  /** The nearest keyword (at most two edits away; one for keywords of four letters or fewer), if any. */
  didYouMean?: string;
}

const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The keywords of `schema` (and of every subschema) that JSON Schema does
 * not define, in document order. Extension keywords starting with `x-` (as
 * OpenAPI writes them) are left out: they are meant to be ignored.
 */
export function unknownKeywords(schema: unknown): UnknownKeyword[] {
  const out: UnknownKeyword[] = [];
  const seen = new Set<object>();
  const walk = (s: unknown, ptr: string) => {
    if (!isObject(s) || seen.has(s)) return;
    seen.add(s);
    for (const [key, v] of Object.entries(s)) {
      const at = `${ptr}/${escape(key)}`;
      if (!KEYWORDS.has(key)) {
        if (!key.startsWith("x-")) out.push({ keyword: key, pointer: at, didYouMean: nearestKeyword(key) });
        continue;
      }
      if (ONE_SCHEMA.includes(key)) walk(v, at);
      else if (SCHEMA_ARRAYS.includes(key)) {
        if (Array.isArray(v)) v.forEach((e, i) => walk(e, `${at}/${i}`));
        else walk(v, at);
      } else if (SCHEMA_MAPS.includes(key) && isObject(v)) {
        for (const [name, e] of Object.entries(v)) walk(e, `${at}/${escape(name)}`);
      }
    }
  };
  walk(schema, "");
  return out;
}

/**
 * Warnings (code `unknown-keyword`, effect `relaxes`: the keyword is ignored,
 * so whatever it meant to require is not enforced) for the unknown keywords
 * of `schema`; with `strict`, a `CompileError` `unknown-keyword` for the first.
 */
export function checkKeywords(schema: unknown, strict: boolean): CompileWarning[] {
  const found = unknownKeywords(schema);
  if (strict && found.length > 0) {
    const k = found[0];
    throw new CompileError("unknown-keyword", `"${k.keyword}" is not a JSON Schema keyword${k.didYouMean ? ` (did you mean "${k.didYouMean}"?)` : ""}`, {
      location: { kind: "pointer", pointer: k.pointer },
      hint: k.didYouMean ? `Rename it to "${k.didYouMean}".` : "Remove it, or turn strict off to ignore it with a warning.",
    });
  }
  return found.map((k) => ({
    code: "unknown-keyword",
    pointer: k.pointer,
    message: `"${k.keyword}" is not a JSON Schema keyword${k.didYouMean ? ` (did you mean "${k.didYouMean}"?)` : ""}; it is ignored`,
    effect: "relaxes" as const,
  }));
}

/** The keyword nearest to `word` by edit distance, when it is close enough to be a typo. */
function nearestKeyword(word: string): string | undefined {
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestD = limit + 1;
  const lower = word.toLowerCase();
  for (const k of KEYWORDS) {
    const d = lower === k.toLowerCase() ? 0.5 : editDistance(word, k, bestD, { transpositions: true });
    if (d < bestD) (best = k), (bestD = d);
  }
  return best;
}
