/**
 * Test helper (not public API): a seeded generator of the mistakes language
 * models make in JSON, YAML and CSV. Each case keeps the value the repair
 * must bring back (or, for truncation with a schema, the schema the repaired
 * value must satisfy). The benchmark imports this file by path.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** A small seeded PRNG (mulberry32): the same seed gives the same corpus. */
export class SeededRandom {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

/** The JSON mistakes the generator makes, one per kind. */
export const JSON_KINDS = [
  "fence",
  "prose",
  "trailing-comma",
  "missing-comma",
  "comments",
  "single-quotes",
  "curly-quotes",
  "unquoted-keys",
  "python-literals",
  "js-literals",
  "unescaped-newline",
  "unescaped-quote",
  "missing-closers",
  "concatenation",
  "ndjson",
  "combined",
  "truncation",
] as const;
export type JsonKind = (typeof JSON_KINDS)[number];

/** Kinds that `combined` draws from (all but the whole-corpus ones). */
const COMBINABLE: JsonKind[] = [
  "fence",
  "prose",
  "trailing-comma",
  "missing-comma",
  "comments",
  "single-quotes",
  "curly-quotes",
  "unquoted-keys",
  "python-literals",
  "js-literals",
  "unescaped-newline",
  "unescaped-quote",
  "missing-closers",
  "concatenation",
];

/** One corrupted document and what its repair must give. */
export interface JsonCase {
  kind: JsonKind;
  /** The kinds applied (several for `combined`). */
  applied: JsonKind[];
  text: string;
  /** The value the repair must return (deep equal); for truncation, the original before the cut. */
  expected: unknown;
  /** For truncation: the schema the repaired value must satisfy. */
  schema?: unknown;
  /** For truncation: the value written completely before the cut (see `completedPrefix`). */
  prefix?: unknown;
  source: string;
}

interface Style {
  indent: number;
  quote: "double" | "single" | "curly";
  unquotedKeys: boolean;
  trailingCommas: boolean;
  missingCommas: boolean;
  comments: boolean;
  python: boolean;
  jsUndefined: boolean;
  rawNewlines: boolean;
  rawQuotes: boolean;
  concat: boolean;
}

const PLAIN: Style = {
  indent: 0,
  quote: "double",
  unquotedKeys: false,
  trailingCommas: false,
  missingCommas: false,
  comments: false,
  python: false,
  jsUndefined: false,
  rawNewlines: false,
  rawQuotes: false,
  concat: false,
};

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Writes `value` as JSON text with the given mistakes. */
export function writeCorrupted(value: unknown, style: Style, rng: SeededRandom): string {
  const nl = (d: number) => (style.indent > 0 ? `\n${" ".repeat(style.indent * d)}` : "");
  const sep = (d: number) => (style.missingCommas ? (style.indent > 0 ? nl(d) : " ") : `,${nl(d)}`);
  const comment = (d: number) => (style.comments && rng.chance(0.3) ? `${rng.pick(["// note", "/* a comment */", "# note"])}\n${" ".repeat(style.indent * d)}` : "");
  const str = (s: string, isKey: boolean): string => {
    if (isKey && style.unquotedKeys && IDENT.test(s)) return s;
    let q = '"';
    let qc = '"';
    if (style.quote === "single") q = qc = "'";
    if (style.quote === "curly" && !/[\u201c\u201d]/.test(s)) {
      q = "\u201c";
      qc = "\u201d";
    }
    if (!isKey && style.concat && s.length >= 8 && !style.rawQuotes && !style.rawNewlines) {
      const chars = [...s];
      const cut = 1 + rng.int(chars.length - 1);
      const plain = { ...style, concat: false };
      const a = writeCorrupted(chars.slice(0, cut).join(""), plain, rng);
      const b = writeCorrupted(chars.slice(cut).join(""), plain, rng);
      return `${a} + ${b}`;
    }
    let body = "";
    for (const ch of s) {
      if (ch === "\\") body += "\\\\";
      else if (ch === '"') body += q === '"' && !(style.rawQuotes && !isKey) ? '\\"' : '"';
      else if (ch === "'" && q === "'") body += "\\'";
      else if (ch === "\n") body += style.rawNewlines && !isKey ? "\n" : "\\n";
      else if (ch < " ") body += `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
      else body += ch;
    }
    return `${q}${body}${qc}`;
  };
  const write = (v: unknown, d: number): string => {
    if (v === null) return style.python ? "None" : style.jsUndefined ? "undefined" : "null";
    if (v === true) return style.python ? "True" : "true";
    if (v === false) return style.python ? "False" : "false";
    if (typeof v === "number") return JSON.stringify(v);
    if (typeof v === "string") return str(v, false);
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      const items = v.map((x) => comment(d + 1) + write(x, d + 1));
      return `[${nl(d + 1)}${items.join(sep(d + 1))}${style.trailingCommas ? "," : ""}${nl(d)}]`;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) return "{}";
    const items = entries.map(([k, x]) => `${comment(d + 1)}${str(k, true)}:${style.indent > 0 || style.unquotedKeys ? " " : ""}${write(x, d + 1)}`);
    return `{${nl(d + 1)}${items.join(sep(d + 1))}${style.trailingCommas ? "," : ""}${nl(d)}}`;
  };
  return write(value, 0);
}

function walkStrings(v: unknown, f: (s: string) => string | undefined): unknown {
  if (typeof v === "string") return f(v) ?? v;
  if (Array.isArray(v)) return v.map((x) => walkStrings(x, f));
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walkStrings(x, f)]));
  return v;
}
function has(v: unknown, pred: (x: unknown) => boolean): boolean {
  if (pred(v)) return true;
  if (Array.isArray(v)) return v.some((x) => has(x, pred));
  if (v !== null && typeof v === "object") return Object.values(v).some((x) => has(x, pred));
  return false;
}

/**
 * Applies one kind (or several, for `combined`) to `value`. Returns
 * undefined when the kind does not apply (e.g. Python literals in a value
 * with no boolean or null). Some kinds change the expected value to give the
 * mistake something to act on (a newline or a quoted word inside a string).
 */
export function corruptJson(value: unknown, kind: JsonKind, rng: SeededRandom, source = ""): JsonCase | undefined {
  const kinds: JsonKind[] = kind === "combined" ? pickCombination(rng) : [kind];
  if (kind === "truncation" || kind === "ndjson") return undefined; // built by truncationCase / ndjsonCase
  const style: Style = { ...PLAIN, indent: rng.chance(0.5) ? 2 : 0 };
  let expected = value;
  const isContainer = value !== null && typeof value === "object";
  for (const k of kinds) {
    switch (k) {
      case "trailing-comma":
      case "missing-comma":
      case "comments":
      case "unquoted-keys":
        if (!isContainer) return undefined;
        if (k === "trailing-comma") style.trailingCommas = true;
        if (k === "missing-comma") style.missingCommas = true;
        if (k === "comments") style.comments = true;
        if (k === "unquoted-keys") {
          if (!has(value, (x) => x !== null && typeof x === "object" && !Array.isArray(x) && Object.keys(x).some((key) => IDENT.test(key)))) return undefined;
          style.unquotedKeys = true;
        }
        break;
      case "prose":
        if (!isContainer) return undefined; // a bare scalar inside prose is ambiguous
        break;
      case "single-quotes":
        style.quote = "single";
        break;
      case "curly-quotes":
        style.quote = "curly";
        break;
      case "python-literals":
        if (!has(value, (x) => x === null || typeof x === "boolean")) return undefined;
        style.python = true;
        break;
      case "js-literals":
        if (!has(value, (x) => x === null)) return undefined;
        style.jsUndefined = true;
        break;
      case "unescaped-newline": {
        // Give one string with a space a line break instead, if none has one.
        if (!has(expected, (x) => typeof x === "string" && x.includes("\n"))) {
          let done = false;
          expected = walkStrings(expected, (s) => {
            if (done || !/\S \S/.test(s)) return undefined;
            done = true;
            return s.replace(/(\S) (\S)/, "$1\n$2");
          });
          if (!done) return undefined;
        }
        style.rawNewlines = true;
        break;
      }
      case "unescaped-quote": {
        // Quote one word in the middle of a string: `a "b" c`.
        let done = false;
        expected = walkStrings(expected, (s) => {
          if (done || s.includes('"')) return undefined;
          const m = /^(.*?\S )([A-Za-z0-9]+)( \S.*)$/s.exec(s);
          if (!m) return undefined;
          done = true;
          return `${m[1]}"${m[2]}"${m[3]}`;
        });
        if (!done) return undefined;
        style.rawQuotes = true;
        break;
      }
      case "concatenation":
        if (!has(value, (x) => typeof x === "string" && x.length >= 8)) return undefined;
        style.concat = true;
        break;
      default:
        break;
    }
  }
  if (style.quote !== "double" && style.rawQuotes) style.rawQuotes = false; // a raw " inside '...' is no mistake
  let text = writeCorrupted(expected, style, rng);
  if (kinds.includes("missing-closers")) {
    if (!isContainer) return undefined;
    const m = /[\]}\s]+$/.exec(text);
    if (!m) return undefined;
    text = text.slice(0, m.index);
  }
  if (kinds.includes("fence")) text = `\`\`\`json\n${text}\n\`\`\``;
  if (kinds.includes("prose")) {
    const before = rng.pick(["Here is the JSON you asked for:\n\n", "Sure! The result is below.\n", "Output: "]);
    const after = kinds.includes("missing-closers") ? "" : rng.pick(["\n\nLet me know if you need anything else.", "\nI hope this helps!", ""]);
    text = `${before}${text}${after}`;
  }
  return { kind, applied: kinds, text, expected, source };
}

function pickCombination(rng: SeededRandom): JsonKind[] {
  const out = new Set<JsonKind>();
  while (out.size < 3) out.add(rng.pick(COMBINABLE));
  if (out.has("single-quotes") && out.has("curly-quotes")) out.delete("curly-quotes");
  return [...out];
}

/** A truncation case: the text cut at a random offset in its second half, with the schema the value must satisfy. */
export function truncationCase(value: unknown, schema: unknown, rng: SeededRandom, source = ""): JsonCase | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const indent = rng.chance(0.5) ? 2 : 0;
  const text = JSON.stringify(value, null, indent);
  if (text.length < 4) return undefined;
  const cut = Math.floor(text.length / 2) + rng.int(Math.ceil(text.length / 2) - 1);
  return { kind: "truncation", applied: ["truncation"], text: text.slice(0, cut), expected: value, schema, source, prefix: completedPrefix(value, indent, cut) };
}

/** An NDJSON case: several values, one per line; the repair must return them as an array. */
export function ndjsonCase(values: unknown[], source = ""): JsonCase | undefined {
  const objs = values.filter((v) => v !== null && typeof v === "object");
  if (objs.length < 2) return undefined;
  return { kind: "ndjson", applied: ["ndjson"], text: `${objs.map((v) => JSON.stringify(v)).join("\n")}\n`, expected: objs, source };
}

/** A MaskBench file's schema and its valid instances. */
export interface SchemaSample {
  name: string;
  schema: unknown;
  instances: unknown[];
}

/** The shared data folder (`FORMWORK_SHARED_DATA`, else `../shared/data` from the repository root). */
export function sharedDataDir(repoRoot: string): string {
  return process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data");
}

/** Loads up to `limit` MaskBench files (a seeded sample) that have valid instances. */
export function loadMaskbench(dir: string, limit: number, seed: number): SchemaSample[] {
  const mb = join(dir, "maskbench-dev");
  if (!existsSync(mb)) return [];
  const files = readdirSync(mb).filter((f) => f.endsWith(".json")).sort();
  const rng = new SeededRandom(seed);
  for (let i = files.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [files[i], files[j]] = [files[j], files[i]];
  }
  const out: SchemaSample[] = [];
  for (const f of files) {
    if (out.length >= limit) break;
    const doc = JSON.parse(readFileSync(join(mb, f), "utf8")) as { schema: unknown; tests: { valid: boolean; data: unknown }[] };
    const instances = doc.tests.filter((t) => t.valid).map((t) => t.data);
    if (instances.length > 0) out.push({ name: f, schema: doc.schema, instances });
  }
  return out;
}

/** Random JSON values (for when the shared data is absent). */
export function randomJsonValue(rng: SeededRandom, depth = 0): unknown {
  const r = rng.int(depth > 2 ? 5 : 7);
  switch (r) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.chance(0.5) ? rng.int(10000) - 5000 : Math.round(rng.next() * 1e6) / 1e3;
    case 3:
    case 4:
      return randomText(rng);
    case 5:
      return Array.from({ length: 1 + rng.int(4) }, () => randomJsonValue(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0, n = 1 + rng.int(5); i < n; i++) o[rng.pick(["id", "name", "value", "items", "user_name", "data-key", "type", "count"]) + (i > 0 ? i : "")] = randomJsonValue(rng, depth + 1);
      return o;
    }
  }
}

function randomText(rng: SeededRandom): string {
  const words = ["alpha", "beta", "it's", "naïve", "x", "hello world", "a/b", "tab\there", "C:\\dir", "50%", "émoji 🎉", "said hi"];
  return Array.from({ length: 1 + rng.int(4) }, () => rng.pick(words)).join(" ");
}

/** Builds the JSON corpus: every kind over every sample (or over random values when `samples` is empty). */
export function buildJsonCorpus(samples: SchemaSample[], seed: number, randomCount = 200): JsonCase[] {
  const rng = new SeededRandom(seed);
  const cases: JsonCase[] = [];
  const sources: { name: string; schema?: unknown; instances: unknown[] }[] =
    samples.length > 0 ? samples : Array.from({ length: randomCount }, (_, i) => ({ name: `random-${i}`, instances: [randomJsonValue(rng), randomJsonValue(rng)] }));
  for (const s of sources) {
    const v = s.instances[0];
    for (const kind of JSON_KINDS) {
      let c: JsonCase | undefined;
      if (kind === "truncation") c = s.schema !== undefined ? truncationCase(v, s.schema, rng, s.name) : undefined;
      else if (kind === "ndjson") c = ndjsonCase(s.instances, s.name);
      else c = corruptJson(v, kind, rng, s.name);
      if (c) cases.push(c);
    }
  }
  return cases;
}

/**
 * The oracle for truncation: the part of `value` written completely before
 * offset `cut` of `JSON.stringify(value, null, indent)`: complete scalars,
 * and containers opened before the cut with their complete members. When
 * this validates, a repair exists that invents nothing.
 */
export function completedPrefix(value: unknown, indent: number, cut: number): unknown {
  let pos = 0;
  const MISSING = Symbol("missing");
  const write = (v: unknown, depth: number): { text: string; prefix: unknown } => {
    const start = pos;
    if (v === null || typeof v !== "object") {
      const text = JSON.stringify(v);
      pos += text.length;
      return { text, prefix: pos <= cut ? v : MISSING };
    }
    const nl = (d: number) => (indent > 0 ? `\n${" ".repeat(indent * d)}` : "");
    const isArr = Array.isArray(v);
    const entries: [string | undefined, unknown][] = isArr ? (v as unknown[]).map((x) => [undefined, x]) : Object.entries(v as object);
    if (entries.length === 0) {
      pos += 2;
      return { text: isArr ? "[]" : "{}", prefix: start < cut ? (isArr ? [] : {}) : MISSING };
    }
    let text = isArr ? "[" : "{";
    pos += 1;
    const prefix: unknown = isArr ? [] : {};
    entries.forEach(([k, x], i) => {
      const lead = (i > 0 ? "," : "") + nl(depth + 1);
      text += lead;
      pos += lead.length;
      let keyDone = true;
      if (k !== undefined) {
        const kt = `${JSON.stringify(k)}:${indent > 0 ? " " : ""}`;
        text += kt;
        pos += kt.length;
        keyDone = pos <= cut;
      }
      const r = write(x, depth + 1);
      text += r.text;
      if (r.prefix !== MISSING && keyDone) {
        if (isArr) (prefix as unknown[]).push(r.prefix);
        else (prefix as Record<string, unknown>)[k!] = r.prefix;
      }
    });
    const tail = `${nl(depth)}${isArr ? "]" : "}"}`;
    text += tail;
    pos += tail.length;
    return { text, prefix: start < cut ? prefix : MISSING };
  };
  const r = write(value, 0);
  if (r.text !== JSON.stringify(value, null, indent)) throw new Error("completedPrefix: writer disagrees with JSON.stringify");
  return r.prefix === MISSING ? undefined : r.prefix;
}

// ---------------------------------------------------------------- YAML

/** The YAML mistakes the generator makes. */
export const YAML_KINDS = ["fence", "prose", "tabs", "indentation", "colon-space", "needs-quotes", "json-in-yaml", "truncation"] as const;
export type YamlKind = (typeof YAML_KINDS)[number];

/** One corrupted YAML document. */
export interface YamlCase {
  kind: YamlKind;
  text: string;
  expected: unknown;
  schema?: unknown;
  source: string;
}

/**
 * Corrupts `yamlText` (the `yaml` package's rendering of `value`). Returns
 * undefined when the kind does not apply to this document.
 */
export function corruptYaml(value: unknown, yamlText: string, kind: YamlKind, rng: SeededRandom, source = "", schema?: unknown): YamlCase | undefined {
  const lines = yamlText.replace(/\n$/, "").split("\n");
  const keyLine = /^( *)(?:- )?([A-Za-z_][\w-]*): (\S.*)$/;
  switch (kind) {
    case "fence":
      return { kind, text: `\`\`\`yaml\n${yamlText}\`\`\``, expected: value, source };
    case "prose":
      return { kind, text: `Here is the YAML you asked for:\n\n${yamlText}\nLet me know if you need changes.`, expected: value, source };
    case "tabs": {
      if (!lines.some((l) => l.startsWith("  "))) return undefined;
      return { kind, text: lines.map((l) => l.replace(/^((?: {2})+)/, (m) => "\t".repeat(m.length / 2))).join("\n") + "\n", expected: value, source };
    }
    case "indentation": {
      // One line that follows a sibling `key: value` line at the same indentation gets one space more.
      const idx: number[] = [];
      for (let i = 1; i < lines.length; i++) {
        const a = keyLine.exec(lines[i - 1]);
        const b = keyLine.exec(lines[i]);
        if (a && b && a[1] === b[1] && !lines[i - 1].trimStart().startsWith("- ") && !lines[i].trimStart().startsWith("- ") && !/[|>][-+]?$/.test(a[3])) idx.push(i);
      }
      if (idx.length === 0) return undefined;
      const i = rng.pick(idx);
      const out = [...lines];
      out[i] = ` ${out[i]}`;
      return { kind, text: out.join("\n") + "\n", expected: value, source };
    }
    case "colon-space": {
      const idx = lines.map((l, i) => (/^( *)(?:- )?[A-Za-z_][\w.-]*: [^\s:/\\#]/.test(l) ? i : -1)).filter((i) => i >= 0);
      if (idx.length === 0) return undefined;
      const out = lines.map((l, i) => (idx.includes(i) && rng.chance(0.5) ? l.replace(/^(( *)(?:- )?[A-Za-z_][\w.-]*:) /, "$1") : l));
      if (out.every((l, i) => l === lines[i])) out[idx[0]] = lines[idx[0]].replace(/^(( *)(?:- )?[A-Za-z_][\w.-]*:) /, "$1");
      return { kind, text: out.join("\n") + "\n", expected: value, source };
    }
    case "needs-quotes": {
      // A plain string value gets ": " inside it and is written without quotes.
      const idx = lines.map((l, i) => (keyLine.test(l) && /^[A-Za-z][\w ]* [\w ]*[A-Za-z]$/.test(keyLine.exec(l)![3]) && !lines[i].trimStart().startsWith("- ") ? i : -1)).filter((i) => i >= 0);
      if (idx.length === 0) return undefined;
      const i = rng.pick(idx);
      const m = keyLine.exec(lines[i])!;
      const newValue = m[3].replace(" ", ": ");
      const expected = replaceString(value, m[3], newValue);
      if (expected === undefined) return undefined;
      const out = [...lines];
      out[i] = lines[i].replace(m[3], newValue);
      return { kind, text: out.join("\n") + "\n", expected, source };
    }
    case "json-in-yaml":
      return { kind, text: `${JSON.stringify(value, null, 2).replace(/\n}$/, ",\n}")}\n`, expected: value, source };
    case "truncation": {
      if (schema === undefined || yamlText.length < 8) return undefined;
      const cut = Math.floor(yamlText.length / 2) + rng.int(Math.ceil(yamlText.length / 2) - 1);
      return { kind, text: yamlText.slice(0, cut), expected: value, schema, source };
    }
  }
}

/** Replaces the one string equal to `from` in `v` by `to`; undefined unless exactly one matches. */
function replaceString(v: unknown, from: string, to: string): unknown {
  let count = 0;
  const out = walkStrings(v, (s) => {
    if (s !== from) return undefined;
    count++;
    return to;
  });
  return count === 1 ? out : undefined;
}

// ---------------------------------------------------------------- CSV

/** The CSV mistakes the generator makes. */
export const CSV_KINDS = ["fence", "prose", "delimiter", "ragged", "stray-quote", "unquoted-delimiter", "header", "coercion", "truncation"] as const;
export type CsvKind = (typeof CSV_KINDS)[number];

/** The column spec of generated tables. */
export const CSV_COLUMNS = [
  { name: "id", type: "integer", required: true },
  { name: "name", type: "string" },
  { name: "price", type: "number" },
  { name: "active", type: "boolean" },
  { name: "since", type: "date" },
  { name: "note", type: "string" },
] as const;

/** One corrupted CSV document. */
export interface CsvCase {
  kind: CsvKind;
  text: string;
  expected: Record<string, unknown>[];
  source: string;
}

/** A random table matching `CSV_COLUMNS`. */
export function randomTable(rng: SeededRandom): Record<string, unknown>[] {
  const names = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth"];
  return Array.from({ length: 2 + rng.int(6) }, (_, i) => ({
    id: i + 1,
    name: rng.pick(names),
    price: Math.round(rng.next() * 100000) / 100,
    active: rng.chance(0.5),
    since: `20${10 + rng.int(15)}-0${1 + rng.int(9)}-1${rng.int(10)}`,
    note: rng.chance(0.5) ? "" : rng.pick(["vip", "new customer", "pays late"]),
  }));
}

/** Writes a table as CSV and applies one mistake. */
export function corruptCsv(table: Record<string, unknown>[], kind: CsvKind, rng: SeededRandom, source = ""): CsvCase {
  const cols = CSV_COLUMNS.map((c) => c.name);
  let d = ",";
  let header = [...cols];
  const expected = table.map((r) => ({ ...r, note: r.note === "" ? null : r.note }));
  const cell = (c: string, v: unknown): string => {
    if (kind === "coercion") {
      if (c === "active") return v ? rng.pick(["yes", "Y", "TRUE"]) : rng.pick(["no", "N", "false"]);
      if (c === "since") return String(v).replace(/-/g, "/");
    }
    return String(v);
  };
  if (kind === "delimiter") d = rng.pick([";", "\t", "|"]);
  if (kind === "header") header = header.map((h) => rng.pick([h.toUpperCase(), ` ${h}`, `${h[0].toUpperCase()}${h.slice(1)} `]));
  const rows = table.map((r, i) => {
    const fields = cols.map((c) => cell(c, r[c]));
    if (kind === "stray-quote" && i === 0) {
      fields[1] = fields[1].replace(" ", ' "the" ');
      expected[0] = { ...expected[0], name: fields[1] };
    }
    if (kind === "unquoted-delimiter" && i === 0) {
      fields[1] = `${fields[1]}, Jr.`;
      expected[0] = { ...expected[0], name: fields[1] };
    }
    let line = fields.join(d);
    if (kind === "ragged" && fields[5] === "") line = fields.slice(0, 5).join(d);
    return line;
  });
  let text = `${header.join(d)}\n${rows.join("\n")}\n`;
  if (kind === "ragged" && !table.some((r) => r.note === "")) {
    // Make one row short: its note is empty.
    const lines = text.split("\n");
    lines[1] = lines[1].split(d).slice(0, 5).join(d);
    expected[0] = { ...expected[0], note: null };
    text = lines.join("\n");
  }
  if (kind === "fence") text = `\`\`\`csv\n${text}\`\`\`\n`;
  if (kind === "prose") text = `Here is the table:\n${text}\nThese are all the customers.\n`;
  if (kind === "truncation") {
    // Cut inside the last row, before its last delimiter (so it is visibly short).
    const lastStart = text.lastIndexOf("\n", text.length - 2) + 1;
    const lastDelim = text.lastIndexOf(d, text.length - 2);
    text = text.slice(0, lastStart + 1 + rng.int(Math.max(1, lastDelim - lastStart - 1)));
    expected.pop();
  }
  return { kind, text, expected, source };
}
