/**
 * `repairYaml`: fixes the mistakes models make in YAML line by line (tabs,
 * indentation that matches no open block, a missing space after `:`, values
 * that need quotes), then parses with the `yaml` package, backing off from a
 * cut-off last line, and checks the value against a schema.
 */
import { parseDocument, Parser, stringify, type YAMLError } from "yaml";
import { type Limits } from "@formwork/core";
import { limitExceeded, lineColumnOf } from "@formwork/core/internal";
import type { EditLogMode, PendingEdit, RepairResult, SchemaIssue } from "./edit.js";
import { finishResult } from "./edit-confidence.js";
import { extractFenced } from "./payload.js";
import { repairJson } from "./repair-json.js";
import { schemaCheckOf } from "./schema-check.js";
import { repairAgainstSchema } from "./schema-repair.js";
import { DEFAULT_YAML_REPAIR_LIMITS, inputBytesIssue, limitIssue, repairLimits } from "./limits.js";
import { yamlDepthBound } from "./yaml-depth.js";
import { repairDecoded } from "./utf8-decode.js";

/** Options of `repairYaml`. */
export interface RepairYamlOptions {
  /** A JSON Schema the value must satisfy (as for `repairJson`). Default: none. */
  schema?: unknown;
  /**
   * `maxInputBytes` (default 16 MiB) and `maxDepth` (default 256 levels of
   * nesting, bounded from the lines before the `yaml` parser, which recurses
   * once per level, runs). Past one: `ok: false` with one issue whose
   * `keyword` is `max-input-bytes` or `max-depth`.
   */
  limits?: Partial<Limits>;
  /** The engine for the schema's `pattern`s (as for `repairJson`). Default `"linear"`. */
  regExp?: "linear" | "backtracking";
  /**
   * `"log"` (default) or `"count"`: only how many edits of each kind, in
   * `editCounts` (as for `repairJson`; here counted from the log at the end,
   * so the log is still built while repairing).
   */
  edits?: EditLogMode;
}

/** How many cut-off lines at the end may be dropped to make the document parse or validate. */
const MAX_DROPPED_LINES = 3;

const KEY_LINE = /^(\s*(?:- +)?)((?:"[^"]*"|'[^']*'|[^\s:#'"\-[\]{},][^:#]*?)):(\s+|$)/;

/** True when a line could start or continue a YAML document (not prose). */
function yamlish(line: string): boolean {
  const t = line.trim();
  if (t === "" || t.startsWith("#") || t === "---" || t === "..." || t === "-" || t.startsWith("- ") || t.startsWith("{") || t.startsWith("[")) return true;
  return /^(?:"[^"]*"|'[^']*'|[\w$./-]+)\s*:(?:\s|$|\S)/.test(t) && !/^https?:/.test(t);
}

/**
 * Repairs `input` (text, or bytes read as UTF-8: each invalid sequence
 * becomes U+FFFD with an `invalid-utf8` edit) into a YAML value, logging every change. Never throws for
 * any text (only `ArgumentError` `invalid-schema` for a bad schema).
 */
export function repairYaml(input: string | Uint8Array, options: RepairYamlOptions = {}): RepairResult {
  return repairDecoded(input, options, repairYamlText);
}

function repairYamlText(text: string, options: RepairYamlOptions): RepairResult {
  const check = schemaCheckOf(options);
  const limits = repairLimits(DEFAULT_YAML_REPAIR_LIMITS, options.limits);
  const refused = inputBytesIssue(text, limits) ?? depthIssue(text, limits.maxDepth);
  if (refused) return finishResult({ ok: false, value: undefined, text: "", edits: [], errors: [refused], stats: { steps: text.length } });
  const edits: PendingEdit[] = [];
  const payload = extractFenced(text, edits);
  let steps = text.length;

  // JSON inside YAML: repair it as JSON.
  const trimmed = payload.text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    const r = repairJson(payload.text, { schema: options.schema, limits: options.limits, regExp: options.regExp });
    const shift = payload.offset;
    edits.push({ kind: "json-in-yaml", offset: shift + payload.text.length - trimmed.length, message: "the payload is JSON; repaired it as JSON (JSON is valid YAML)" });
    for (const e of r.edits) edits.push({ ...e, offset: e.offset + shift });
    return finishResult({ ok: r.ok, value: r.value, text: r.value === undefined ? "" : stringify(r.value), edits, errors: r.errors, stats: { steps: steps + r.stats.steps } });
  }

  // Lines with their offsets in the input.
  const raw = payload.text.split("\n");
  const offsets: number[] = [];
  let off = payload.offset;
  for (const l of raw) {
    offsets.push(off);
    off += l.length + 1;
  }
  let first = 0;
  while (first < raw.length && !yamlish(raw[first])) first++;
  if (first > 0 && first < raw.length) edits.push({ kind: "strip-prose", offset: offsets[0], message: `removed ${first} line(s) of text before the YAML` });
  else if (first >= raw.length) first = 0;
  let last = raw.length;
  while (last > first + 1 && (raw[last - 1].trim() === "" || (!/^\s/.test(raw[last - 1]) && !yamlish(raw[last - 1])))) last--;
  if (raw.slice(last).some((l) => l.trim() !== "")) edits.push({ kind: "strip-prose", offset: offsets[last], message: "removed the text after the YAML" });

  const lines = fixLines(raw.slice(first, last), offsets.slice(first, last), edits);
  steps += lines.join("\n").length;
  const endsCleanly = /\n[ \t]*$/.test(payload.text) || last < raw.length;

  // Parse, backing off from a cut-off last line. The whole text is parsed first, once: a variant that
  // keeps the text unchanged up to past one of its errors fails the same way and is not parsed again
  // (a document with an error near its start was parsed up to nine times: 15 MB took 70 s).
  const joined = lines.join("\n");
  const whole = parseDocument(joined, { prettyErrors: false, uniqueKeys: false });
  steps += lines.length;
  // Where each line starts in `joined`; an error of the whole text that ends before `line` starts.
  const starts: number[] = [];
  for (let i = 0, at = 0; i < lines.length; i++) {
    starts.push(at);
    at += lines[i].length + 1;
  }
  const firstErrorEnd = whole.errors.reduce((m, e) => Math.min(m, e.pos[1]), Infinity);
  // A variant changes the text from line `changed` on (its last line closed, or the lines after it
  // dropped): it fails when the whole text has an error ending a line before that (one line of margin
  // for what the parser read ahead).
  const failsAsWhole = (changed: number) => changed >= 1 && firstErrorEnd <= starts[changed - 1];
  let best: { value: unknown; errors: SchemaIssue[]; edits: PendingEdit[] } | undefined;
  // Why documents that parsed could not become values (an alias to no anchor, too many aliases).
  const composeErrors: string[] = [];
  for (let drop = 0; drop <= MAX_DROPPED_LINES && drop < lines.length; drop++) {
    if (drop > 0 && endsCleanly && best !== undefined) break;
    const attemptLines = lines.slice(0, lines.length - drop);
    const variants = [attemptLines];
    const lastLine = attemptLines[attemptLines.length - 1] ?? "";
    const closed = closeQuote(lastLine);
    if (closed !== undefined) variants.unshift([...attemptLines.slice(0, -1), closed]);
    for (const v of variants) {
      const changed = v[v.length - 1] !== lastLine ? attemptLines.length - 1 : attemptLines.length;
      if (drop > 0 || v !== attemptLines) {
        if (failsAsWhole(changed)) continue;
      }
      const doc = drop === 0 && v === attemptLines ? whole : parseDocument(v.join("\n"), { prettyErrors: false, uniqueKeys: false });
      if (doc !== whole) steps += v.length;
      if (doc.errors.length > 0) continue;
      const value = toJs(doc);
      if (value instanceof Error) {
        composeErrors.push(value.message);
        continue;
      }
      const extra: PendingEdit[] = [];
      if (drop > 0) extra.push({ kind: "yaml-truncated", offset: offsets[first + lines.length - drop], message: `removed ${drop} cut-off line(s) at the end` });
      if (v[v.length - 1] !== lastLine) extra.push({ kind: "yaml-truncated", offset: offsets[first + attemptLines.length - 1], message: "closed a quoted value cut off at the end" });
      if (!check) {
        best = { value, errors: [], edits: extra };
        break;
      }
      let errors = check(value);
      let repaired = value;
      if (errors.length > 0) {
        repaired = repairAgainstSchema(value, options.schema, { root: options.schema, edits: extra, baseOffset: payload.offset });
        errors = check(repaired);
      }
      if (best === undefined || (best.errors.length > 0 && errors.length === 0)) best = { value: repaired, errors, edits: extra };
      if (errors.length === 0) break;
    }
    if (best !== undefined && best.errors.length === 0) break;
  }
  if (best === undefined) {
    return finishResult({
      ok: false,
      value: undefined,
      text: "",
      edits,
      errors: whole.errors.length > 0 ? parseIssues(joined, whole.errors, lineColumnOf(text, payload.offset).line - 1 + first) : composeErrors.slice(0, 1).map((message) => ({ instancePath: "", schemaPath: "", keyword: "parse", message })),
      stats: { steps },
    });
  }
  edits.push(...best.edits);
  const ok = best.errors.length === 0;
  const out = edits.length === 0 ? payload.text : best.value === undefined ? "" : stringify(best.value);
  return finishResult({ ok, value: best.value, text: out, edits, errors: best.errors, stats: { steps } });
}

/**
 * At most this many parse errors are reported for a document that does not
 * parse; past it, one more issue says how many were left out. A document
 * that goes wrong early gets an error on nearly every line after (a 256 KB
 * document with one unclosed `[` gave 30,844).
 */
export const MAX_YAML_PARSE_ERRORS = 20;

/**
 * The `parse` issues of a document that does not parse (`text`, the fixed
 * lines joined, whose first line is line `firstLine` (0-based) of the input): each error with its line and column;
 * for a flow collection (`[`, `{`) never closed, one issue at its opening
 * bracket, standing for every error after it (they follow from it: the rest
 * of the document is read as the collection's content); at most
 * {@link MAX_YAML_PARSE_ERRORS}, then how many more.
 */
function parseIssues(text: string, errors: YAMLError[], firstLine: number): SchemaIssue[] {
  const issue = (message: string): SchemaIssue => ({ instancePath: "", schemaPath: "", keyword: "parse", message });
  // At most MAX_YAML_PARSE_ERRORS + 1 offsets, each counted from the start (lineColumnOf is linear).
  const where = (offset: number) => {
    const { line, column } = lineColumnOf(text, offset);
    return `line ${firstLine + line}, column ${column}`;
  };
  const open = unclosedFlow(text);
  const listed: SchemaIssue[] = [];
  let after = 0;
  for (const e of errors) {
    if (open !== undefined && e.pos[0] >= open.offset) after++;
    else listed.push(issue(`${e.message} (at ${where(e.pos[0])})`));
  }
  if (open !== undefined) {
    const [kind, close] = open.bracket === "[" ? ["sequence", "]"] : ["mapping", "}"];
    listed.push(
      issue(
        `the flow ${kind} "${open.bracket}" at ${where(open.offset)} is never closed with "${close}": the rest of the document was read as its content` +
          `${after > 0 ? ` (${after} parse error${after === 1 ? "" : "s"} from there on, not listed)` : ""}; close it, or write the ${kind} as a block`,
      ),
    );
  }
  if (listed.length <= MAX_YAML_PARSE_ERRORS) return listed;
  const rest = listed.length - MAX_YAML_PARSE_ERRORS;
  return [...listed.slice(0, MAX_YAML_PARSE_ERRORS), issue(`${rest} more parse error${rest === 1 ? "" : "s"} not listed (at most ${MAX_YAML_PARSE_ERRORS} are)`)];
}

/** The first flow collection (`[` or `{`) in `text`'s syntax tree with no closing bracket, or undefined. */
function unclosedFlow(text: string): { offset: number; bracket: string } | undefined {
  // The tree nests as deep as the document (bounded by maxDepth before this): walked with a stack.
  type Node = { type?: string; value?: unknown; items?: { key?: unknown; value?: unknown }[]; start?: { offset: number; source: string }; end?: { type: string }[] };
  const stack: unknown[] = [...new Parser().parse(text)].reverse();
  while (stack.length > 0) {
    const t = stack.pop() as Node | null | undefined;
    if (t === null || t === undefined || typeof t !== "object") continue;
    if (t.type === "flow-collection" && t.start && !(t.end ?? []).some((e) => e.type === "flow-seq-end" || e.type === "flow-map-end")) {
      return { offset: t.start.offset, bracket: t.start.source };
    }
    const children: unknown[] = [];
    if (t.type === "document") children.push(t.value);
    for (const item of t.items ?? []) children.push(item.key, item.value);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return undefined;
}

/**
 * The document's value, or the error that stopped `toJS` (the `yaml`
 * package throws a `ReferenceError` for an alias to no anchor, an `Error`
 * past `maxAliasCount`).
 */
function toJs(doc: ReturnType<typeof parseDocument>): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    if (err instanceof Error && !(err instanceof RangeError)) return err;
    throw err;
  }
}

/** The `max-depth` issue for a text nested past `maxDepth` (bounded from its lines), or undefined. */
function depthIssue(text: string, maxDepth: number): SchemaIssue | undefined {
  const { depth, offset } = yamlDepthBound(text, maxDepth);
  if (depth <= maxDepth) return undefined;
  return limitIssue(limitExceeded("maxDepth", maxDepth, undefined, { what: "the YAML text", location: { kind: "span", start: offset, end: offset } }));
}

/** Closes an unterminated quoted value at the end of a line; undefined when none. */
function closeQuote(line: string): string | undefined {
  const m = /:\s+(["'])/.exec(line) ?? /^\s*-\s+(["'])/.exec(line);
  if (!m) return undefined;
  const q = m[1];
  const rest = line.slice(m.index + m[0].length);
  const body = q === '"' ? rest.replace(/\\./g, "") : rest.replace(/''/g, "");
  if (body.includes(q)) return undefined;
  return `${line.replace(/\\$/, "")}${q}`;
}

/** The per-line fixes: tabs, missing space after `:`, values needing quotes, indentation. */
function fixLines(lines: string[], offsets: number[], edits: PendingEdit[]): string[] {
  const out: string[] = [];
  const levels: number[] = [0];
  let opens = false; // the previous content line opens a nested block
  let blockScalarIndent = -1; // inside a `|` or `>` block: lines indented more than this
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/\r$/, "");
    const at = offsets[i];
    if (line.trim() === "" || /^\s*#/.test(line)) {
      out.push(line);
      continue;
    }
    const lead = /^[ \t]*/.exec(line)![0];
    if (blockScalarIndent >= 0) {
      if (lead.replace(/\t/g, "  ").length > blockScalarIndent) {
        if (lead.includes("\t")) {
          line = lead.replace(/\t/g, "  ") + line.slice(lead.length);
          edits.push({ kind: "yaml-tab-indent", offset: at, message: "replaced tabs in the indentation with two spaces each" });
        }
        out.push(line);
        continue;
      }
      blockScalarIndent = -1;
    }
    if (lead.includes("\t")) {
      line = lead.replace(/\t/g, "  ") + line.slice(lead.length);
      edits.push({ kind: "yaml-tab-indent", offset: at, message: "replaced tabs in the indentation with two spaces each" });
    }
    // key:value -> key: value
    const cs = /^(\s*(?:- +)?)([A-Za-z_][\w.-]*):(?=[^\s:/\\])/.exec(line);
    // Not for URN-like scalars (`arn:aws:iam::1`, `urn:isbn:1`); URLs and drive letters are values.
    if (cs && !/^[A-Za-z]{2,}:(?!\/\/)/.test(line.slice(cs[0].length))) {
      line = `${cs[1]}${cs[2]}: ${line.slice(cs[0].length)}`;
      edits.push({ kind: "yaml-colon-space", offset: at + cs[0].length, message: `inserted a space after "${cs[2]}:"` });
    }
    // Values containing ": " or " #" need quotes.
    const kv = KEY_LINE.exec(line);
    if (kv && kv[3] !== "") {
      const value = line.slice(kv[0].length);
      if (needsQuotes(value)) {
        line = `${kv[0]}${JSON.stringify(value.trimEnd())}`;
        edits.push({ kind: "yaml-quote-value", offset: at + kv[0].length, message: `quoted the value ${JSON.stringify(value.trim())}, which contains ": " or " #"` });
      }
    }
    // Indentation.
    let w = /^ */.exec(line)![0].length;
    let top = levels[levels.length - 1];
    if (w > top && !opens && !KEY_LINE.test(line) && !/^\s*-(\s|$)/.test(line)) {
      // A more-indented line that is neither a key nor an item continues a multi-line scalar.
      out.push(line);
      continue;
    }
    if (w > top && !opens) {
      edits.push({ kind: "yaml-indent", offset: at, message: `indented by ${w} where no block is open; aligned to ${top}` });
      line = " ".repeat(top) + line.trimStart();
      w = top;
    } else if (w > top) {
      levels.push(w);
      top = w;
    } else if (w < top) {
      let popped = top;
      while (levels.length > 1 && levels[levels.length - 1] > w) popped = levels.pop()!;
      top = levels[levels.length - 1];
      if (top !== w) {
        const snap = w - top <= popped - w ? top : popped;
        if (snap === popped) levels.push(popped);
        edits.push({ kind: "yaml-indent", offset: at, message: `indented by ${w}, which matches no open block; aligned to ${snap}` });
        line = " ".repeat(snap) + line.trimStart();
        w = snap;
      }
    }
    // A sequence item holding a mapping opens a level at its content.
    const item = /^( *)(- +)+/.exec(line);
    const content = line.slice(item ? item[0].length : w);
    if (item) {
      // `- - x`: each nested dash opens a level at its column.
      const dashes = /^( *)((?:- +)+)/.exec(line)!;
      let col = dashes[1].length;
      for (const m of dashes[2].matchAll(/- +/g)) {
        if (col > levels[levels.length - 1]) levels.push(col);
        col += m[0].length;
      }
      const inner = item[0].length;
      if (content !== "" && levels[levels.length - 1] < inner && KEY_LINE.test(content)) levels.push(inner);
    }
    const trimmedEnd = content.replace(/\s+#.*$/, "").trimEnd();
    // A value made only of properties (`a: &x`, `- !!map`, `a: !t &x`) is followed by its block on the next lines.
    opens = trimmedEnd === "" || trimmedEnd.endsWith(":") || /^-+$/.test(trimmedEnd) || /(?:^|:|-)[ \t]+(?:[&!]\S*[ \t]*)+$|^(?:[&!]\S*[ \t]*)+$/.test(trimmedEnd);
    if (/(?::|^-)\s*[|>][-+0-9]*\s*$/.test(line.replace(/\s+#.*$/, ""))) {
      blockScalarIndent = w;
      opens = false;
    }
    out.push(line);
  }
  return out;
}

/** True for a plain value that YAML would misread: it contains `: ` or ` #` (and is not a number with a comment). */
function needsQuotes(value: string): boolean {
  const v = value.trim();
  if (v === "" || /^["'[{|>&*!%@`]/.test(v)) return false;
  if (/:\s/.test(v) || v.endsWith(":")) return true;
  const hash = v.indexOf(" #");
  if (hash >= 0) {
    const before = v.slice(0, hash).trim();
    // `8080 # default port` is a real comment.
    return !/^(?:[-+]?[\d.]+(?:e[-+]?\d+)?|true|false|null|~|yes|no)$/i.test(before);
  }
  return false;
}
