/**
 * JSON Schema `format`s as regular languages over decoded strings, matching
 * ajv-formats' "full" definitions. Where ajv-formats uses a plain regex it is
 * read from the installed package at run time and parsed with its own flags
 * (`@formwork/regex` reads them exactly as `RegExp` does); date, time and
 * date-time (which ajv checks with code) are written out here. Two formats
 * are enforced as documented subsets (never accepting an invalid string):
 * `time`/`date-time` accept leap seconds only at UTC offset zero, and
 * `hostname` bounds the label length by the label count so that the total
 * stays within 253 characters, and generates no trailing dot and no A-labels.
 * Where the JSON-Schema-Test-Suite is stricter than ajv-formats (RFC 3339
 * offsets need minutes, duration components without gaps, no `urn:uuid:`
 * prefix, no `"` in URI references, no DEL in URI templates) the stricter
 * reading is generated: a subset of both.
 */
import { createRequire } from "node:module";
import { charSetDifference, mapCharSets, parseRegex, rx, type RegexAst } from "@formwork/regex";

const require = createRequire(import.meta.url);
const ajvFormats = require("ajv-formats/dist/formats.js") as { fullFormats: Record<string, unknown> };

/** What a format means for a given instance type. */
export type FormatMeaning =
  | { kind: "string"; language: RegexAst; subset: boolean }
  | { kind: "number"; min?: number; max?: number; integer: boolean }
  | { kind: "none" };

const LEAP = String.raw`(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)`;
const DATE = String.raw`(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))|${LEAP}-02-29)`;
const TZ = String.raw`(?:[zZ]|[+-](?:[01]\d|2[0-3]):[0-5]\d)`;
const TIME = String.raw`(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?${TZ}|23:59:60(?:\.\d+)?(?:[zZ]|[+-]00:00))`;
// RFC 3339 appendix A: a year is followed only by a month, a month only by a day (no gaps).
const DURATION_DATE = String.raw`(?:\d+Y(?:\d+M(?:\d+D)?)?|\d+M(?:\d+D)?|\d+D)`;
const DURATION_TIME = String.raw`T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S)`;
const DURATION = String.raw`P(?:${DURATION_DATE}(?:${DURATION_TIME})?|${DURATION_TIME}|\d+W)`;

function hostname(): RegexAst {
  const alnum = rx.chars([0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a]);
  const inner = rx.chars([0x2d, 0x2d, 0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a]);
  // Labels of 1..max characters; characters 3 and 4 are never both "-" (RFC 5891 4.2.3.1), so
  // no A-label ("xn--") is generated: its Punycode validity is not a regular property.
  const label = (max: number): RegexAst => {
    const alts: RegexAst[] = [alnum];
    if (max >= 2) alts.push(rx.seq(alnum, alnum));
    if (max >= 3) alts.push(rx.seq(alnum, inner, alnum));
    if (max >= 4) alts.push(rx.seq(alnum, inner, inner, alnum));
    if (max >= 5) alts.push(rx.seq(alnum, inner, rx.alt(rx.seq(alnum, inner), rx.seq(rx.text("-"), alnum)), rx.repeat(inner, 0, max - 5), alnum));
    return rx.alt(...alts);
  };
  const alts: RegexAst[] = [];
  for (let k = 1; k <= 8; k++) {
    const max = Math.min(63, Math.floor((253 - (k - 1)) / k));
    const l = label(max);
    alts.push(rx.seq(l, rx.repeat(rx.seq(rx.text("."), l), k - 1, k - 1)));
  }
  return rx.alt(...alts);
}

function fromAjv(name: string): RegexAst {
  const re = ajvFormats.fullFormats[name];
  if (!(re instanceof RegExp)) throw new Error(`internal: ajv-formats ${name} is not a regex`);
  const src = re.source;
  if (!src.startsWith("^") || !src.endsWith("$")) throw new Error(`internal: ajv-formats ${name} is not anchored`);
  return parseRegex(src.slice(1, -1), { flags: re.flags });
}

/** Removes a code point from every set of a node. */
function without(n: RegexAst, cp: number): RegexAst {
  return mapCharSets(n, (set) => charSetDifference(set, [cp, cp]));
}

/**
 * `uri`: ajv-formats' URI regex is its `uri-reference` regex with the scheme
 * and the hierarchical part made mandatory and `"` removed from every class;
 * built here from the parsed `uri-reference` (checked against ajv in tests).
 */
function uri(): RegexAst {
  const ref = fromAjv("uri-reference");
  if (ref.kind !== "seq" || ref.items.length !== 4) throw new Error("internal: unexpected uri-reference shape");
  const [scheme, hier, query, fragment] = ref.items;
  if (scheme.kind !== "repeat" || hier.kind !== "repeat") throw new Error("internal: unexpected uri-reference shape");
  return without(rx.seq(scheme.item, hier.item, query, fragment), 0x22);
}

const cache = new Map<string, FormatMeaning>();

/** The meaning of `format` (null when the format is unknown and so refused). */
export function formatMeaning(format: string): FormatMeaning | null {
  const hit = cache.get(format);
  if (hit) return hit;
  let m: FormatMeaning | null;
  switch (format) {
    case "date":
      m = { kind: "string", language: parseRegex(DATE, { flags: "u" }), subset: false };
      break;
    case "time":
      m = { kind: "string", language: parseRegex(TIME, { flags: "u" }), subset: true };
      break;
    case "date-time":
      m = { kind: "string", language: parseRegex(`${DATE}[tT\\s]${TIME}`, { flags: "u" }), subset: true };
      break;
    case "duration":
      m = { kind: "string", language: parseRegex(DURATION, { flags: "u" }), subset: true };
      break;
    case "hostname":
      m = { kind: "string", language: hostname(), subset: true };
      break;
    case "uri":
      m = { kind: "string", language: uri(), subset: false };
      break;
    case "uri-reference":
      m = { kind: "string", language: without(fromAjv(format), 0x22), subset: true };
      break;
    case "uri-template":
      m = { kind: "string", language: without(fromAjv(format), 0x7f), subset: true };
      break;
    case "uuid":
      m = { kind: "string", language: parseRegex("[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", { flags: "u" }), subset: true };
      break;
    case "email":
    case "ipv4":
    case "ipv6":
    case "json-pointer":
    case "json-pointer-uri-fragment":
    case "relative-json-pointer":
      m = { kind: "string", language: fromAjv(format), subset: false };
      break;
    case "int32":
      m = { kind: "number", min: -(2 ** 31), max: 2 ** 31 - 1, integer: true };
      break;
    case "int64":
      m = { kind: "number", integer: true };
      break;
    case "float":
    case "double":
    case "password":
    case "binary":
      m = { kind: "none" };
      break;
    default:
      m = null;
  }
  if (m) cache.set(format, m);
  return m;
}
