/**
 * Test helper (not public API): a seeded corpus of real-world-shaped JSON
 * breakage, one kind per mistake that models and other programs make in the
 * wild (issue 16, and the behaviours other repairers document: jsonrepair's
 * README and json_repair's). Each case keeps the value a careful reader
 * would recover. Cases are built from values (MaskBench instances or
 * generated records) laid out as JSON text, then broken at a chosen place.
 *
 * The corpus has two parts: `tune` (used while developing the repairer) and
 * `held-out` (other base values, another seed, and variants of each kind
 * that only the held-out part uses), reported apart by the benchmark. The
 * benchmark imports this file by path (with corruptions.ts beside it).
 */
import { loadMaskbench, randomJsonValue, SeededRandom, type SchemaSample } from "./corruptions.js";

/** The kinds of real-world breakage. */
export const REAL_KINDS = [
  "escaped-document",
  "missing-close-quote",
  "missing-open-quote",
  "unicode-whitespace",
  "loose-numbers",
  "mongo-types",
  "regex-literal",
  "jsonp",
  "concat-comments",
  "top-level-list",
  "missing-value",
  "unescaped-quote",
  "long-output",
  "ellipsis",
  "missing-brace-in-array",
] as const;
export type RealKind = (typeof REAL_KINDS)[number];

/** Which part of the corpus a case belongs to. */
export type CorpusPart = "tune" | "held-out";

/** One broken document and the value it should give. */
export interface RealCase {
  kind: RealKind;
  part: CorpusPart;
  /** Which variant of the kind made it (for reading failures). */
  variant: string;
  text: string;
  expected: unknown;
  source: string;
}

// ---------------------------------------------------------------- layout

/** Where a scalar sits in the laid-out text. */
interface Span {
  /** Offsets of the token (quotes included for strings). */
  start: number;
  end: number;
  kind: "key" | "value" | "item";
  value: string | number | boolean | null;
  /** JSON-pointer-like path to the value (for changing the expected value). */
  path: (string | number)[];
}

interface Layout {
  text: string;
  spans: Span[];
}

/** Writes `value` as JSON (compact, or indented by `indent`) and records where every scalar and key is. */
function layout(value: unknown, indent: number): Layout {
  let text = "";
  const spans: Span[] = [];
  const nl = (d: number) => (indent > 0 ? `\n${" ".repeat(indent * d)}` : "");
  const scalar = (v: string | number | boolean | null, kind: Span["kind"], path: (string | number)[]) => {
    const s = JSON.stringify(v);
    spans.push({ start: text.length, end: text.length + s.length, kind, value: v, path });
    text += s;
  };
  // An explicit stack would be overkill: corpus values are shallow (MaskBench instances and generated records).
  const write = (v: unknown, d: number, kind: Span["kind"], path: (string | number)[]): void => {
    if (v === null || typeof v !== "object") {
      scalar(v as string | number | boolean | null, kind, path);
      return;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) {
        text += "[]";
        return;
      }
      text += "[";
      v.forEach((x, i) => {
        if (i > 0) text += ",";
        text += nl(d + 1);
        write(x, d + 1, "item", [...path, i]);
      });
      text += `${nl(d)}]`;
      return;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) {
      text += "{}";
      return;
    }
    text += "{";
    entries.forEach(([k, x], i) => {
      if (i > 0) text += ",";
      text += nl(d + 1);
      scalar(k, "key", [...path, k]);
      text += indent > 0 ? ": " : ":";
      write(x, d + 1, "value", [...path, k]);
    });
    text += `${nl(d)}}`;
  };
  write(value, 0, "item", []);
  return { text, spans };
}

/** Applies replacements (non-overlapping, any order) to a text. */
function splice(text: string, edits: { start: number; end: number; with: string }[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.with + out.slice(e.end);
  return out;
}

/** A copy of `v` with the value at `path` replaced. */
function setAt(v: unknown, path: (string | number)[], nv: unknown): unknown {
  if (path.length === 0) return nv;
  const [head, ...rest] = path;
  if (Array.isArray(v)) return v.map((x, i) => (i === head ? setAt(x, rest, nv) : x));
  const o = v as Record<string, unknown>;
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, k === head ? setAt(x, rest, nv) : x]));
}

function isContainer(v: unknown): v is object {
  return v !== null && typeof v === "object";
}

const LITERAL_WORDS = /^(true|false|null|none|nan|infinity|undefined|-?\d.*|[+.].*)$/i;

// ---------------------------------------------------------------- kinds

type Variant = { name: string; heldOutOnly?: boolean; make: (v: unknown, rng: SeededRandom) => { text: string; expected: unknown } | undefined };

const EXOTIC_WS = ["\u00a0", "\u1680", "\u2000", "\u2002", "\u2003", "\u2007", "\u2009", "\u200a", "\u202f", "\u205f", "\u3000"];

const VARIANTS: Record<RealKind, Variant[]> = {
  "escaped-document": [
    { name: "compact", make: (v) => (isContainer(v) ? { text: JSON.stringify(JSON.stringify(v)).slice(1, -1), expected: v } : undefined) },
    { name: "indented", make: (v) => (isContainer(v) ? { text: JSON.stringify(JSON.stringify(v, null, 2)).slice(1, -1), expected: v } : undefined) },
    { name: "in-fence", heldOutOnly: true, make: (v) => (isContainer(v) ? { text: `\`\`\`json\n${JSON.stringify(JSON.stringify(v, null, 2)).slice(1, -1)}\n\`\`\``, expected: v } : undefined) },
    { name: "tab-indented", heldOutOnly: true, make: (v) => (isContainer(v) ? { text: JSON.stringify(JSON.stringify(v, null, "\t")).slice(1, -1), expected: v } : undefined) },
  ],
  "missing-close-quote": [
    { name: "before-delimiter", make: (v, rng) => dropCloseQuote(v, rng, 2, false) },
    { name: "compact", make: (v, rng) => dropCloseQuote(v, rng, 0, false) },
    { name: "last-value", make: (v, rng) => dropCloseQuote(v, rng, rng.chance(0.5) ? 2 : 0, true) },
    { name: "url-slash", make: (v, rng) => withUrl(v, rng, (x, r) => dropCloseQuote(x, r, 0, false, (s) => typeof s.value === "string" && s.value.startsWith("https://"))) },
    { name: "nested", heldOutOnly: true, make: (v, rng) => dropCloseQuote({ result: v, status: "done" }, rng, 2, false) },
    { name: "url-slash-last", heldOutOnly: true, make: (v, rng) => withUrl(v, rng, (x, r) => dropCloseQuote(x, r, 2, true, (s) => typeof s.value === "string" && s.value.startsWith("https://"))) },
  ],
  "missing-open-quote": [
    { name: "key", make: (v, rng) => dropOpenQuote(v, rng, "key", rng.chance(0.5) ? 2 : 0) },
    { name: "value", make: (v, rng) => dropOpenQuote(v, rng, "value", rng.chance(0.5) ? 2 : 0) },
    { name: "item", make: (v, rng) => dropOpenQuote(v, rng, "item", rng.chance(0.5) ? 2 : 0) },
    { name: "value-with-spaces", heldOutOnly: true, make: (v, rng) => dropOpenQuote(v, rng, "value", 2, true) },
  ],
  "unicode-whitespace": [
    { name: "indentation", make: (v, rng) => (isContainer(v) ? exoticWs(JSON.stringify(v, null, 2), rng, false, v) : undefined) },
    { name: "between-tokens", make: (v, rng) => (isContainer(v) ? exoticWs(JSON.stringify(v), rng, true, v) : undefined) },
    { name: "bom-and-nbsp", heldOutOnly: true, make: (v, rng) => (isContainer(v) ? exoticWs(`\ufeff${JSON.stringify(v, null, 4)}`, rng, false, v) : undefined) },
  ],
  "loose-numbers": [
    { name: "leading-point", make: (v, rng) => looseNumber(v, rng, "point") },
    { name: "trailing-point", make: (v, rng) => looseNumber(v, rng, "trailing") },
    { name: "plus-sign", make: (v, rng) => looseNumber(v, rng, "plus") },
    { name: "zero-padded-code", make: (v, rng) => unquotedText(v, rng, ["00123", "02134", "0042", "007"]) },
    { name: "version", make: (v, rng) => unquotedText(v, rng, ["1.2.3", "2.3.4", "10.0.1"]) },
    { name: "negative-point", heldOutOnly: true, make: (v, rng) => looseNumber(v, rng, "negative-point") },
    { name: "dotted-date", heldOutOnly: true, make: (v, rng) => unquotedText(v, rng, ["2024.01.05", "1.10.2023"]) },
  ],
  "mongo-types": [
    { name: "object-id", make: (v, rng) => mongo(v, rng, "ObjectId") },
    { name: "iso-date", make: (v, rng) => mongo(v, rng, "ISODate") },
    { name: "number-long", make: (v, rng) => mongo(v, rng, "NumberLong") },
    { name: "number-int", heldOutOnly: true, make: (v, rng) => mongo(v, rng, "NumberInt") },
    { name: "number-decimal", heldOutOnly: true, make: (v, rng) => mongo(v, rng, "NumberDecimal") },
  ],
  "regex-literal": [
    { name: "pattern", make: (v, rng) => regexLiteral(v, rng, ["/^[a-z0-9_-]{3,16}$/", "/standalone-styles.css/", "/^\\d{5}(-\\d{4})?$/"]) },
    { name: "with-flags", heldOutOnly: true, make: (v, rng) => regexLiteral(v, rng, ["/hello world/gi", "/^[A-Z]+$/i"]) },
  ],
  jsonp: [
    { name: "callback", make: (v, rng) => (isContainer(v) ? { text: `${rng.pick(["callback", "cb_123", "handleResponse"])}(${JSON.stringify(v)});`, expected: v } : undefined) },
    { name: "spaced", make: (v, rng) => (isContainer(v) ? { text: `${rng.pick(["callback", "jsonp"])} (\n${JSON.stringify(v, null, 2)}\n)`, expected: v } : undefined) },
    { name: "commented", heldOutOnly: true, make: (v) => (isContainer(v) ? { text: `/* jsonp */ jQuery3600_17({ "data": ${JSON.stringify(v)} });`, expected: { data: v } } : undefined) },
  ],
  "concat-comments": [
    { name: "plus-comment", make: (v, rng) => concat(v, rng, (a, b) => `${a} + /* continued */ ${b}`) },
    { name: "plus-newline", make: (v, rng) => concat(v, rng, (a, b) => `${a} +\n    ${b}`) },
    { name: "line-comment", heldOutOnly: true, make: (v, rng) => concat(v, rng, (a, b) => `${a} + // more\n    ${b}`) },
  ],
  "top-level-list": [
    { name: "comma-line", make: (v, rng) => bareList(v, rng, ", ") },
    { name: "comma-newline", make: (v, rng) => bareList(v, rng, ",\n") },
    { name: "newline", make: (v, rng) => bareList(v, rng, "\n") },
    { name: "trailing-comma", heldOutOnly: true, make: (v, rng) => bareList(v, rng, ",\n", ",\n") },
  ],
  "missing-value": [
    { name: "before-comma", make: (v, rng) => missingValue(v, rng, false) },
    { name: "before-brace", make: (v, rng) => missingValue(v, rng, true) },
  ],
  "unescaped-quote": [
    { name: "quoted-word", make: (v, rng) => quoteInside(v, rng, (a, w, b) => `${a} "${w}" ${b}`) },
    { name: "inch-mark", make: (v, rng) => quoteInside(v, rng, (a, _w, b) => `${a} 24" ${b}`) },
    { name: "quoted-phrase-comma", make: (v, rng) => quoteInside(v, rng, (a, w, b) => `${a} "${w}", ${b}`) },
    { name: "quoted-at-start", heldOutOnly: true, make: (v, rng) => quoteInside(v, rng, (a, w, b) => `"${w}" ${a} ${b}`) },
    { name: "html-attribute", heldOutOnly: true, make: (v, rng) => quoteInside(v, rng, (a, w, b) => `<a href="${w}">${a}</a> ${b}`) },
  ],
  "long-output": [
    { name: "unescaped-quote", make: (_v, rng) => longOutput(rng, "unescaped-quote") },
    { name: "missing-close-quote", make: (_v, rng) => longOutput(rng, "missing-close-quote") },
    { name: "missing-comma", make: (_v, rng) => longOutput(rng, "missing-comma") },
    { name: "unfinished-item", heldOutOnly: true, make: (_v, rng) => longOutput(rng, "unfinished-item") },
    { name: "missing-brace", heldOutOnly: true, make: (_v, rng) => longOutput(rng, "missing-brace") },
  ],
  ellipsis: [
    { name: "array-end", make: (v, rng) => ellipsis(v, rng, "array") },
    { name: "object-end", make: (v, rng) => ellipsis(v, rng, "object") },
    { name: "commented", heldOutOnly: true, make: (v, rng) => ellipsis(v, rng, "comment") },
  ],
  "missing-brace-in-array": [
    { name: "before-comma", make: (_v, rng) => missingBrace(rng, ",") },
    { name: "no-comma", make: (_v, rng) => missingBrace(rng, "") },
    { name: "newline", heldOutOnly: true, make: (_v, rng) => missingBrace(rng, ",\n  ") },
  ],
};

// ---------------------------------------------------------------- makers

/** Plain text that reads the same in any context: no quotes, backslashes or control characters. */
function plain(s: unknown): s is string {
  return typeof s === "string" && s.length > 0 && !/["\\\u0000-\u001f]/.test(s) && s.trim() === s;
}

function pickSpan(spans: Span[], rng: SeededRandom, pred: (s: Span) => boolean): Span | undefined {
  const ok = spans.filter(pred);
  return ok.length > 0 ? rng.pick(ok) : undefined;
}

/** Drops the closing quote of a string value whose next character (after spaces) is a delimiter. */
function dropCloseQuote(v: unknown, rng: SeededRandom, indent: number, last: boolean, extra: (s: Span) => boolean = () => true) {
  if (!isContainer(v)) return undefined;
  const { text, spans } = layout(v, indent);
  const tail = (s: Span) => text.slice(s.end).trim();
  const span = pickSpan(spans, rng, (s) => {
    if (s.kind === "key" || !plain(s.value) || !extra(s)) return false;
    // An array item with a comma and no closing quote (`["a, b",` written `["a, b,`) is one item or two: ambiguous, left out.
    if (s.kind === "item" && s.value.includes(",")) return false;
    const rest = tail(s);
    if (last) return /^[\]}\s]*$/.test(rest) && !/[,\]}:]/.test(s.value);
    // Not the last: a comma follows, or a closer and then more.
    return /^[,\]}]/.test(rest) && !/^[\]}\s]*$/.test(rest) && !/[,\]}]\s*"/.test(s.value);
  });
  if (!span) return undefined;
  return { text: splice(text, [{ start: span.end - 1, end: span.end, with: "" }]), expected: v };
}

/** Sets one string value to a URL ending in `/`, then applies `f`. */
function withUrl(v: unknown, rng: SeededRandom, f: (v: unknown, rng: SeededRandom) => { text: string; expected: unknown } | undefined) {
  if (!isContainer(v)) return undefined;
  const { spans } = layout(v, 0);
  const span = pickSpan(spans, rng, (s) => s.kind !== "key" && typeof s.value === "string");
  if (!span) return undefined;
  const url = rng.pick(["https://example.com/", "https://api.example.org/v2/users/", "https://docs.formwork.dev/guide/"]);
  return f(setAt(v, span.path, url), rng);
}

/** Drops the opening quote of a key, value or array item made of plain words. */
function dropOpenQuote(v: unknown, rng: SeededRandom, kind: Span["kind"], indent: number, spaces = false) {
  if (!isContainer(v)) return undefined;
  const { text, spans } = layout(v, indent);
  const word = spaces ? /^[A-Za-z][A-Za-z0-9_.' -]*[A-Za-z0-9.]$/ : /^[A-Za-z][A-Za-z0-9_-]*$/;
  const span = pickSpan(spans, rng, (s) => s.kind === kind && typeof s.value === "string" && word.test(s.value) && !LITERAL_WORDS.test(s.value) && (!spaces || s.value.includes(" ")));
  if (!span) return undefined;
  return { text: splice(text, [{ start: span.start, end: span.start + 1, with: "" }]), expected: v };
}

/** Replaces spaces between tokens with Unicode whitespace (string contents untouched). */
function exoticWs(text: string, rng: SeededRandom, addSpaces: boolean, v: unknown) {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i];
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === " ") out += rng.pick(EXOTIC_WS);
    else out += c;
    if (addSpaces && (c === ":" || c === ",")) out += rng.pick(EXOTIC_WS);
  }
  return { text: out, expected: v };
}

/** Writes one number loosely: `.5`, `5.`, `+5`, `-.5`. */
function looseNumber(v: unknown, rng: SeededRandom, how: "point" | "trailing" | "plus" | "negative-point") {
  if (!isContainer(v)) return undefined;
  const { text, spans } = layout(v, rng.chance(0.5) ? 2 : 0);
  const fits = (s: Span): boolean => {
    if (s.kind === "key" || typeof s.value !== "number") return false;
    const t = JSON.stringify(s.value);
    if (how === "point") return /^0\.\d+$/.test(t);
    if (how === "negative-point") return /^-0\.\d+$/.test(t);
    if (how === "trailing") return /^-?\d+$/.test(t);
    return /^\d/.test(t);
  };
  let span = pickSpan(spans, rng, fits);
  let expected = v;
  let lay = { text, spans };
  if (!span) {
    // Give one number value the shape this variant needs.
    const target = pickSpan(spans, rng, (s) => s.kind !== "key" && typeof s.value === "number");
    if (!target) return undefined;
    const nv = how === "point" ? 0.25 : how === "negative-point" ? -0.75 : 42;
    expected = setAt(v, target.path, nv);
    lay = layout(expected, rng.chance(0.5) ? 2 : 0);
    span = pickSpan(lay.spans, rng, fits);
    if (!span) return undefined;
  }
  const t = JSON.stringify(span.value);
  const written = how === "point" ? t.slice(1) : how === "negative-point" ? `-${t.slice(2)}` : how === "trailing" ? `${t}.` : `+${t}`;
  return { text: splice(lay.text, [{ start: span.start, end: span.end, with: written }]), expected };
}

/** Sets one string value to a code that is not a JSON number and writes it without quotes. */
function unquotedText(v: unknown, rng: SeededRandom, codes: string[]) {
  if (!isContainer(v)) return undefined;
  const { spans } = layout(v, 0);
  const target = pickSpan(spans, rng, (s) => s.kind !== "key" && typeof s.value === "string");
  if (!target) return undefined;
  const code = rng.pick(codes);
  const expected = setAt(v, target.path, code);
  const lay = layout(expected, rng.chance(0.5) ? 2 : 0);
  const span = lay.spans.find((s) => s.kind !== "key" && s.value === code && s.path.join("/") === target.path.join("/"))!;
  return { text: splice(lay.text, [{ start: span.start, end: span.end, with: code }]), expected };
}

/** Wraps a value in a MongoDB shell type. */
function mongo(v: unknown, rng: SeededRandom, type: "ObjectId" | "ISODate" | "NumberLong" | "NumberInt" | "NumberDecimal") {
  if (!isContainer(v)) return undefined;
  const numeric = type.startsWith("Number");
  const { text, spans } = layout(v, rng.chance(0.5) ? 2 : 0);
  const span = pickSpan(spans, rng, (s) => s.kind !== "key" && (numeric ? typeof s.value === "number" && Number.isInteger(s.value) : plain(s.value)));
  let expected = v;
  let lay = { text, spans };
  let target = span;
  if (!target) {
    const any = pickSpan(spans, rng, (s) => s.kind !== "key" && s.value !== null && typeof s.value !== "boolean");
    if (!any) return undefined;
    const nv = numeric ? 1234567 : type === "ISODate" ? "2012-12-19T06:01:17.171Z" : "5f1d7a2b9c8e4a3b2c1d0e9f";
    expected = setAt(v, any.path, nv);
    lay = layout(expected, rng.chance(0.5) ? 2 : 0);
    target = lay.spans.find((s) => s.kind !== "key" && s.path.join("/") === any.path.join("/"))!;
  }
  const inner = lay.text.slice(target.start, target.end);
  return { text: splice(lay.text, [{ start: target.start, end: target.end, with: `${type}(${inner})` }]), expected };
}

/** Sets one string value to a regular expression and writes it as a literal. */
function regexLiteral(v: unknown, rng: SeededRandom, patterns: string[]) {
  if (!isContainer(v)) return undefined;
  const { spans } = layout(v, 0);
  const target = pickSpan(spans, rng, (s) => s.kind !== "key" && typeof s.value === "string");
  if (!target) return undefined;
  const re = rng.pick(patterns);
  const expected = setAt(v, target.path, re);
  const lay = layout(expected, rng.chance(0.5) ? 2 : 0);
  const span = lay.spans.find((s) => s.kind !== "key" && s.path.join("/") === target.path.join("/"))!;
  return { text: splice(lay.text, [{ start: span.start, end: span.end, with: re }]), expected };
}

/** Splits one string value into two concatenated parts, joined by `join`. */
function concat(v: unknown, rng: SeededRandom, join: (a: string, b: string) => string) {
  if (!isContainer(v)) return undefined;
  const { text, spans } = layout(v, 2);
  const span = pickSpan(spans, rng, (s) => s.kind !== "key" && typeof s.value === "string" && [...s.value].length >= 6);
  if (!span) return undefined;
  const chars = [...(span.value as string)];
  const cut = 1 + rng.int(chars.length - 1);
  const a = JSON.stringify(chars.slice(0, cut).join(""));
  const b = JSON.stringify(chars.slice(cut).join(""));
  return { text: splice(text, [{ start: span.start, end: span.end, with: join(a, b) }]), expected: v };
}

/** Writes the items of an array (or a few values) as a list with no brackets. */
function bareList(v: unknown, rng: SeededRandom, sep: string, end = "") {
  let items: unknown[];
  if (Array.isArray(v) && v.length >= 2) items = v;
  else if (isContainer(v)) items = [v, rng.chance(0.5) ? v : { ...(v as object) }];
  else return undefined;
  const multiline = sep.includes("\n");
  const text = items.map((x) => JSON.stringify(x, null, multiline && isContainer(x) && rng.chance(0.5) ? 2 : undefined)).join(sep) + end;
  return { text, expected: items };
}

/** Writes one member with no value (`"k": ,`), which stands for null. */
function missingValue(v: unknown, rng: SeededRandom, last: boolean) {
  if (!isContainer(v) || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length === 0) return undefined;
  const k = last ? keys[keys.length - 1] : keys.length > 1 ? keys[rng.int(keys.length - 1)] : undefined;
  if (k === undefined) return undefined;
  const expected = { ...(v as object), [k]: null };
  const lay = layout(expected, rng.chance(0.5) ? 2 : 0);
  const span = lay.spans.find((s) => s.kind === "value" && s.path.length === 1 && s.path[0] === k)!;
  return { text: splice(lay.text, [{ start: span.start, end: span.end, with: "" }]), expected };
}

/** Puts an unescaped quoted word inside one string value made of at least three words. */
function quoteInside(v: unknown, rng: SeededRandom, make: (a: string, w: string, b: string) => string) {
  if (!isContainer(v)) return undefined;
  const { spans } = layout(v, 0);
  const target = pickSpan(spans, rng, (s) => s.kind !== "key" && plain(s.value) && /^\S+( \S+){2,}$/.test(s.value));
  let expected: unknown;
  let path: (string | number)[];
  if (target) {
    const words = (target.value as string).split(" ");
    const i = 1 + rng.int(words.length - 2);
    expected = setAt(v, target.path, make(words.slice(0, i).join(" "), words[i], words.slice(i + 1).join(" ")));
    path = target.path;
  } else {
    const any = pickSpan(spans, rng, (s) => s.kind !== "key" && typeof s.value === "string");
    if (!any) return undefined;
    expected = setAt(v, any.path, make("the model said", "hello", "to the user"));
    path = any.path;
  }
  const lay = layout(expected, rng.chance(0.5) ? 2 : 0);
  const span = lay.spans.find((s) => s.kind !== "key" && s.path.join("/") === path.join("/"))!;
  const raw = `"${String(span.value)}"`; // the inner quotes left unescaped
  return { text: splice(lay.text, [{ start: span.start, end: span.end, with: raw }]), expected };
}

const NAMES = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Barbara Liskov", "Donald Knuth", "Edsger Dijkstra", "Margaret Hamilton", "Ken Thompson"];
const DESCRIPTIONS = [
  "A short note about the order, shipped on time",
  "Customer asked for a refund, then changed their mind",
  "Works with the new API; see the migration guide",
  "Blue, medium size, cotton",
  "Delivered to the front desk at 10:30",
  "Needs review before Friday",
];

/** A long array of records with one inner mistake somewhere in the middle. */
function longOutput(rng: SeededRandom, mistake: "unescaped-quote" | "missing-close-quote" | "missing-comma" | "unfinished-item" | "missing-brace") {
  const n = 15 + rng.int(20);
  const items = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    name: rng.pick(NAMES),
    description: rng.pick(DESCRIPTIONS),
    url: `https://example.com/items/${i + 1}`,
    tags: Array.from({ length: 1 + rng.int(3) }, () => rng.pick(["new", "sale", "blue", "large", "gift"])),
    price: Math.round(rng.next() * 10000) / 100,
    active: rng.chance(0.7),
  }));
  const value = { items, total: n };
  const k = 2 + rng.int(n - 4);
  const indent = rng.chance(0.5) ? 2 : 0;
  let expected: unknown = value;
  if (mistake === "unescaped-quote") {
    items[k] = { ...items[k], description: `The "${rng.pick(["best", "new", "classic"])}" model, ${rng.pick(["in stock", "on sale", "discontinued"])}` };
    expected = { items, total: n };
  }
  const lay = layout(expected, indent);
  const spanAt = (key: string) => lay.spans.find((s) => s.kind === "value" && s.path[1] === k && s.path[2] === key)!;
  let text = lay.text;
  if (mistake === "unescaped-quote") {
    const s = spanAt("description");
    text = splice(text, [{ start: s.start, end: s.end, with: `"${String(s.value)}"` }]);
  } else if (mistake === "missing-close-quote") {
    const s = spanAt(rng.pick(["name", "description", "url"]));
    text = splice(text, [{ start: s.end - 1, end: s.end, with: "" }]);
  } else {
    // Locate item k's closing brace: the first "}" after its last member ("active").
    const s = spanAt("active");
    const close = text.indexOf("}", s.end);
    const comma = text.indexOf(",", close);
    if (mistake === "missing-comma") text = splice(text, [{ start: comma, end: comma + 1, with: "" }]);
    else if (mistake === "missing-brace") text = splice(text, [{ start: close, end: close + 1, with: "" }]);
    else {
      // The item stops after its price: `"price": 1.5,` and the next item begins.
      const p = spanAt("price");
      text = splice(text, [{ start: p.end, end: comma + 1, with: "," }]);
      const it = { ...items[k] } as Record<string, unknown>;
      delete it.active;
      expected = { items: items.map((x, i) => (i === k ? it : x)), total: n };
    }
  }
  return { text, expected };
}

/** Adds `...` where the model elided items. */
function ellipsis(v: unknown, rng: SeededRandom, where: "array" | "object" | "comment") {
  if (where === "object") {
    if (!isContainer(v) || Array.isArray(v) || Object.keys(v).length === 0) return undefined;
    const text = JSON.stringify(v, null, 2).replace(/\n}$/, ",\n  ...\n}");
    return { text, expected: v };
  }
  const arr = Array.isArray(v) && v.length > 0 ? v : [v, v];
  const body = JSON.stringify({ results: arr }, null, 2);
  const text = where === "array" ? body.replace(/\n  \]\n}$/, ",\n    ...\n  ]\n}") : body.replace(/\n  \]\n}$/, ",\n    // ... more results\n  ]\n}");
  void rng;
  return { text, expected: { results: arr } };
}

/** An array of objects where one object's closing brace is missing. */
function missingBrace(rng: SeededRandom, sep: string) {
  const n = 3 + rng.int(4);
  const items = Array.from({ length: n }, (_, i) => ({ id: i + 1, name: rng.pick(NAMES), score: rng.int(100) }));
  const k = rng.int(n - 1);
  const parts = items.map((x, i) => {
    const s = JSON.stringify(x);
    return i === k ? s.slice(0, -1) : s;
  });
  const text = `[${parts.map((p, i) => (i < parts.length - 1 ? p + (i === k ? sep : ",") : p)).join("")}]`;
  return { text, expected: items };
}

// ---------------------------------------------------------------- corpus

/** Generated records for when MaskBench is absent (and as the base of some kinds). */
function generatedRecord(rng: SeededRandom): unknown {
  if (rng.chance(0.3)) return randomJsonValue(rng);
  const r: Record<string, unknown> = {
    name: rng.pick(NAMES),
    email: `${rng.pick(["ada", "alan", "grace"])}@example.com`,
    age: 20 + rng.int(50),
    score: Math.round(rng.next() * 1000) / 1000,
    city: rng.pick(["New York", "San Francisco", "Zurich", "Paris"]),
    notes: rng.pick(DESCRIPTIONS),
    verified: rng.chance(0.5),
    manager: rng.chance(0.3) ? null : rng.pick(NAMES),
    tags: Array.from({ length: 1 + rng.int(3) }, () => rng.pick(["admin", "beta", "west", "vip"])),
  };
  if (rng.chance(0.4)) r.address = { street: `${1 + rng.int(200)} Main Street`, zip: rng.pick(["10001", "94105", "8001"]) };
  return r;
}

/**
 * Builds the corpus. `samples` are MaskBench files (the first half of the
 * list feeds `tune`, the second `held-out`); with none, generated records.
 * `perKind` bounds the cases per kind and part.
 */
export function buildRealWorldCorpus(samples: SchemaSample[], seed: number, perKind = 40): RealCase[] {
  const cases: RealCase[] = [];
  const half = Math.floor(samples.length / 2);
  const parts: { part: CorpusPart; values: { value: unknown; source: string }[]; rng: SeededRandom }[] = [];
  for (const part of ["tune", "held-out"] as const) {
    const rng = new SeededRandom(part === "tune" ? seed : seed * 7919 + 1);
    const pool = part === "tune" ? samples.slice(0, half) : samples.slice(half);
    const values: { value: unknown; source: string }[] = pool.flatMap((s) => s.instances.slice(0, 2).map((value) => ({ value, source: s.name })));
    for (let i = 0; i < 3 * perKind; i++) values.push({ value: generatedRecord(rng), source: `generated-${part}-${i}` });
    parts.push({ part, values, rng });
  }
  for (const { part, values, rng } of parts) {
    for (const kind of REAL_KINDS) {
      const variants = VARIANTS[kind].filter((v) => part === "held-out" || !v.heldOutOnly);
      let made = 0;
      // Walk the values in a seeded order; each kind takes up to perKind cases, variants in turn.
      const order = values.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (let i = 0; i < order.length && made < perKind; i++) {
        const { value, source } = values[order[i]];
        // The variants in turn; one that does not apply to this value gives way to the next.
        for (let v = 0; v < variants.length; v++) {
          const variant = variants[(made + v) % variants.length];
          const r = variant.make(value, rng);
          if (r === undefined) continue;
          cases.push({ kind, part, variant: variant.name, text: r.text, expected: r.expected, source });
          made++;
          break;
        }
      }
    }
  }
  return cases;
}

/** The MaskBench sample the corpus uses by default (the same in the tests and the benchmark). */
export function realWorldSamples(dataDir: string, files = 200, seed = 16): SchemaSample[] {
  return loadMaskbench(dataDir, files, seed);
}
