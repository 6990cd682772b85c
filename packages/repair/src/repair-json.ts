/**
 * `repairJson`: finds the JSON payload in a text (past fences and prose),
 * parses it tolerantly, chooses among several candidates, and with a schema
 * repairs the value toward it. Every change is an edit.
 */
import type { EditLogMode, PendingEdit, RepairResult, SchemaIssue } from "./edit.js";
import { EditTally, finishResult, type PendingResult } from "./edit-confidence.js";
import { unescapeDocument } from "./json-unescape.js";
import { TolerantJsonParser } from "./json-parser.js";
import { stringifyJson, toValue, type JsonNode, type NodeMap, type ObjectNode, type ArrayNode } from "./json-node.js";
import { findCandidates, groupNode, listGroup, type Candidate } from "./json-candidates.js";
import { schemaCheckOf, type SchemaCheck } from "./schema-check.js";
import { repairAgainstSchema } from "./schema-repair.js";
import { type Limits } from "@formwork/core";
import { limitExceeded } from "@formwork/core/internal";
import { DEFAULT_JSON_REPAIR_LIMITS, inputBytesIssue, limitIssue, repairLimits } from "./limits.js";
import { repairDecoded } from "./utf8-decode.js";

/** Options of `repairJson`. */
export interface RepairJsonOptions {
  /**
   * A JSON Schema (draft 2020-12, or draft-07 when its `$schema` says so).
   * With it, the repairer prefers the candidate that validates, coerces
   * values toward the schema, and `ok` means "valid". Default: none.
   */
  schema?: unknown;
  /** Indentation of `text` in spaces; 0 (the default) writes compact JSON. */
  indent?: number;
  /**
   * The engine for the schema's `pattern`s (see `@formwork/validate`):
   * `"linear"` (default; a pattern no automaton expresses throws
   * `UnsupportedError` `unsupported-pattern`) or `"backtracking"` (`RegExp`,
   * for trusted schemas: it can take exponential time).
   */
  regExp?: "linear" | "backtracking";
  /**
   * `maxInputBytes` (default 16 MiB) and `maxDepth` (default 100,000 levels
   * of brackets; an open one costs about 0.6 KB while repairing). Past one: `ok: false`
   * with one issue whose `keyword` is `max-input-bytes` or `max-depth`. With
   * a schema, the validator's own `maxDepth` (default 256) bounds the value.
   */
  limits?: Partial<Limits>;
  /**
   * `"log"` (default): every edit in `edits`. `"count"`: only how many of
   * each kind, in `editCounts` (`edits` is empty), counted as the text is
   * parsed, so memory does not grow with the number of edits.
   */
  edits?: EditLogMode;
}

interface Evaluation {
  ok: boolean;
  value: unknown;
  edits: PendingEdit[];
  errors: SchemaIssue[];
}

/** Most partial levels tried, deepest first, when completing a truncated document against a schema. */
const MAX_DROP_TRIES = 16;

/**
 * Repairs `input` (text, or bytes read as UTF-8: each invalid sequence
 * becomes U+FFFD with an `invalid-utf8` edit) into a JSON value, logging every change. Never throws for
 * any text (only for an invalid `schema`: `ArgumentError` `invalid-schema`);
 * runs in time linear in the text's length.
 */
export function repairJson(input: string | Uint8Array, options: RepairJsonOptions = {}): RepairResult {
  return repairDecoded(input, options, repairJsonText);
}

function repairJsonText(text: string, options: RepairJsonOptions): RepairResult {
  const check = schemaCheckOf(options);
  const limits = repairLimits(DEFAULT_JSON_REPAIR_LIMITS, options.limits);
  const refused = inputBytesIssue(text, limits) ?? bracketDepthIssue(text, limits.maxDepth);
  const tally = options.edits === "count" ? new EditTally() : undefined;
  if (refused) return finishResult({ ok: false, value: undefined, text: "", edits: [], errors: [refused], stats: { steps: text.length } }, tally);
  const un = unescapeDocument(text);
  if (un === undefined) return finishResult(repairText(text, check, options, tally), tally);
  // The document was escaped once: repair the unescaped text, with offsets mapped back to the input.
  const r = repairText(un.text, check, options, tally);
  const edits: PendingEdit[] = [{ kind: "unescape-document", offset: un.start, message: 'the document was written as the text of a JSON string (\\" for each quote); unescaped it once' }];
  for (const e of r.edits) edits.push({ ...e, offset: un.offsets[Math.min(e.offset, un.offsets.length - 1)] });
  return finishResult({ ...r, edits, stats: { steps: r.stats.steps + text.length } }, tally);
}

/** With a `tally` (`edits: "count"`), the edits the parser counted go into it; the result's `edits` are the rest. */
function repairText(text: string, check: SchemaCheck | undefined, options: RepairJsonOptions, tally?: EditTally): PendingResult {
  // Without a schema, no offsets nor cut-off spine are needed: the parser keeps plain values only.
  const p = new TolerantJsonParser(text, check === undefined);
  const outside: PendingEdit[] = [];
  const candidates = findCandidates(p, outside, tally !== undefined);
  const steps = () => ({ steps: p.steps });
  if (candidates.length === 0) {
    const bare = bareText(text);
    if (bare !== undefined) {
      outside.length = 0;
      candidates.push(bare);
    }
  }
  if (candidates.length === 0) {
    return { ok: false, value: undefined, text: "", edits: outside, errors: [{ instancePath: "", schemaPath: "", keyword: "parse", message: "no JSON value was found in the text" }], stats: steps() };
  }

  // Options, in order of preference: a top-level list (several values, one
  // per line or separated by commas) as an array, then each candidate alone.
  const options_: { cands: Candidate[]; node: JsonNode; start: number; end: number; ndjson: boolean }[] = [];
  const group = listGroup(candidates);
  if (group) options_.push({ cands: group, node: groupNode(group), start: group[0].start, end: group[group.length - 1].end, ndjson: true });
  for (const c of candidates) options_.push({ cands: [c], node: c.node, start: c.start, end: c.end, ndjson: false });

  let chosen = 0;
  let evaluation: Evaluation | undefined;
  if (check) {
    let first: Evaluation | undefined;
    for (let k = 0; k < options_.length; k++) {
      const e = evaluate(options_[k].node, check, options.schema, options_[k].start);
      if (k === 0) first = e;
      if (e.ok) {
        chosen = k;
        evaluation = e;
        break;
      }
    }
    evaluation ??= first!;
  } else {
    // Without a schema: the list when it is the whole payload, else the first complete candidate.
    if (group && group.length === candidates.length) chosen = 0;
    else {
      const firstComplete = options_.findIndex((o) => !o.ndjson && !o.cands[0].truncated && o.node.kind !== "scalar");
      chosen = firstComplete >= 0 ? firstComplete : options_.findIndex((o) => !o.ndjson);
    }
    evaluation = { ok: true, value: toValue(options_[chosen].node), edits: [], errors: [] };
  }
  const pick = options_[chosen];
  const edits: PendingEdit[] = [];
  for (const o of outside) if (o.offset < pick.start || o.offset >= pick.end) edits.push(o);
  const picked = new Set(pick.cands);
  for (const c of candidates) {
    if (picked.has(c)) {
      for (const e of c.edits) edits.push(e);
      if (c.tally !== undefined) tally?.merge(c.tally);
    } else edits.push({ kind: "strip-prose", offset: c.start, message: `removed another JSON value (offsets ${c.start}-${c.end}) that was not chosen`, confidence: "guess", lossy: true });
  }
  if (pick.ndjson) {
    const commas = pick.cands.slice(1).some((c) => c.after === "comma");
    edits.push({ kind: "ndjson-to-array", offset: pick.start, message: `read ${pick.cands.length} top-level values, ${commas ? "separated by commas" : "one per line"}, as an array`, confidence: commas ? "likely" : "certain" });
  }
  else if (candidates.length > 1) {
    const why = check ? (evaluation.ok ? "it is the first that validates against the schema" : "none validates; it is the first") : "it is the first complete one";
    edits.push({ kind: "choose-candidate", offset: pick.start, message: `the text holds ${candidates.length} JSON values; chose the one at offset ${pick.start} because ${why}`, confidence: check && evaluation.ok ? "likely" : "guess" });
  }
  edits.sort((a, b) => a.offset - b.offset);
  for (const e of evaluation.edits) edits.push(e);
  const indent = options.indent ?? 0;
  let out: string;
  try {
    out = stringifyJson(evaluation.value, indent);
  } catch (err) {
    // Past V8's longest string (about 512 M characters): 100,000 nested arrays indented by 2 would be 10 G.
    if (!(err instanceof RangeError)) throw err;
    const message = `the repaired JSON is longer than the longest string this runtime holds${indent > 0 ? ` with indent ${indent} (deep nesting multiplies the indentation; try indent 0)` : ""}; stream it instead (repairJsonStream, formwork repair --stream)`;
    return { ok: false, value: evaluation.value, text: "", edits, errors: [{ instancePath: "", schemaPath: "", keyword: "output-too-long", message }], stats: steps() };
  }
  return {
    ok: evaluation.ok,
    value: evaluation.value,
    text: out,
    edits,
    errors: evaluation.errors,
    stats: steps(),
  };
}

/**
 * A text with no JSON in it that is one line of plain text (`hello world`,
 * `ES2021`): read as one string, as other repairers do, but only as a guess.
 * Undefined for an empty text, several lines, or one with brackets or quotes.
 */
function bareText(text: string): Candidate | undefined {
  const value = text.trim();
  if (value === "" || /[\n\r{}[\]"]/.test(value)) return undefined;
  const start = text.indexOf(value);
  const edits: PendingEdit[] = [{ kind: "quote-value", offset: start, message: "the text holds no JSON value; read the whole of it as one string", confidence: "guess" }];
  return { node: { kind: "scalar", start, value, partial: false }, start, end: start + value.length, edits, truncated: false, after: "none" };
}

/** Checks a node against the schema, repairing toward it and, when the text was cut off, dropping incomplete items. */
function evaluate(node: JsonNode, check: SchemaCheck, schema: unknown, start: number): Evaluation {
  const attempt = (dropLast?: Set<ObjectNode | ArrayNode>): Evaluation => {
    const nodes: NodeMap = new WeakMap();
    const value = toValue(node, nodes, dropLast);
    let errors = check(value);
    if (errors.length === 0) return { ok: true, value, edits: [], errors };
    const edits: PendingEdit[] = [];
    const repaired = repairAgainstSchema(value, schema, { root: schema, edits, nodes, baseOffset: start });
    errors = check(repaired);
    return { ok: errors.length === 0, value: repaired, edits, errors };
  };
  const first = attempt();
  if (first.ok || !isPartial(node)) return first;
  // The spine of containers the text ended in, outermost first.
  const spine: (ObjectNode | ArrayNode)[] = [];
  let cur: unknown = node;
  while (cur !== null && typeof cur === "object" && (cur as JsonNode).kind !== "scalar" && (cur as ObjectNode | ArrayNode).partial) {
    const c = cur as ObjectNode | ArrayNode;
    spine.push(c);
    cur = c.kind === "object" ? c.values[c.values.length - 1] : c.items[c.items.length - 1];
  }
  for (let d = spine.length - 1, tries = 0; d >= 0 && tries < MAX_DROP_TRIES; d--, tries++) {
    const container = spine[d];
    const count = container.starts.length;
    if (count === 0) continue;
    const e = attempt(new Set([container]));
    if (e.ok) {
      const what = container.kind === "object" ? `the property ${JSON.stringify(container.keys[count - 1])}` : `the last array item`;
      e.edits.unshift({ kind: "drop-incomplete", offset: container.starts[count - 1], message: `removed ${what}, cut off by the end of the text, so the value validates` });
      return e;
    }
  }
  return first;
}

function isPartial(node: JsonNode): boolean {
  return node.partial;
}

/**
 * The `max-depth` issue when the brackets of `text` open more than `maxDepth`
 * levels at some point (an upper bound on the nesting: brackets inside
 * strings count too), or undefined. One pass, no parsing.
 */
function bracketDepthIssue(text: string, maxDepth: number): SchemaIssue | undefined {
  if (text.length <= maxDepth) return undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return limitIssue(limitExceeded("maxDepth", maxDepth, undefined, { what: "the text to repair", location: { kind: "span", start: i, end: i + 1 } }));
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}
