/**
 * `repairJson`: finds the JSON payload in a text (past fences and prose),
 * parses it tolerantly, chooses among several candidates, and with a schema
 * repairs the value toward it. Every change is an edit.
 */
import type { PendingEdit, RepairResult, SchemaIssue } from "./edit.js";
import { finishResult, type PendingResult } from "./edit-confidence.js";
import { unescapeDocument } from "./json-unescape.js";
import { Ch, isOpener, isWs } from "./json-chars.js";
import { TolerantJsonParser } from "./json-parser.js";
import { stringifyJson, toValue, type ArrayNode, type JsonNode, type NodeMap, type ObjectNode } from "./json-node.js";
import { compileSchemaCheck, type SchemaCheck } from "./schema-check.js";
import { repairAgainstSchema } from "./schema-repair.js";

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
}

interface Candidate {
  node: JsonNode;
  start: number;
  end: number;
  edits: PendingEdit[];
  truncated: boolean;
  /** Only whitespace with a line break separates it from the previous candidate. */
  lineAfterPrevious: boolean;
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
 * Repairs `text` into a JSON value, logging every change. Never throws for
 * any text (only for an invalid `schema`: `ArgumentError` `invalid-schema`);
 * runs in time linear in the text's length.
 */
export function repairJson(text: string, options: RepairJsonOptions = {}): RepairResult {
  const check = options.schema !== undefined ? compileSchemaCheck(options.schema) : undefined;
  const un = unescapeDocument(text);
  if (un === undefined) return finishResult(repairText(text, check, options));
  // The document was escaped once: repair the unescaped text, with offsets mapped back to the input.
  const r = repairText(un.text, check, options);
  const edits: PendingEdit[] = [{ kind: "unescape-document", offset: un.start, message: 'the document was written as the text of a JSON string (\\" for each quote); unescaped it once' }];
  for (const e of r.edits) edits.push({ ...e, offset: un.offsets[Math.min(e.offset, un.offsets.length - 1)] });
  return finishResult({ ...r, edits, stats: { steps: r.stats.steps + text.length } });
}

function repairText(text: string, check: SchemaCheck | undefined, options: RepairJsonOptions): PendingResult {
  const p = new TolerantJsonParser(text);
  const outside: PendingEdit[] = [];
  const candidates = findCandidates(p, outside);
  const steps = () => ({ steps: p.steps });
  if (candidates.length === 0) {
    return { ok: false, value: undefined, text: "", edits: outside, errors: [{ instancePath: "", schemaPath: "", keyword: "parse", message: "no JSON value was found in the text" }], stats: steps() };
  }

  // Options, in order of preference: an NDJSON group (several values, one per
  // line) as an array, then each candidate alone.
  const options_: { cands: Candidate[]; node: JsonNode; start: number; end: number; ndjson: boolean }[] = [];
  const group = ndjsonGroup(candidates);
  if (group) {
    const node: ArrayNode = {
      kind: "array",
      start: group[0].start,
      items: group.map((c) => (c.node.kind === "scalar" ? c.node.value : c.node)),
      starts: group.map((c) => c.start),
      partial: group[group.length - 1].truncated,
    };
    options_.push({ cands: group, node, start: group[0].start, end: group[group.length - 1].end, ndjson: true });
  }
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
    // Without a schema: the NDJSON group when it is the whole payload, else the first complete candidate.
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
    if (picked.has(c)) for (const e of c.edits) edits.push(e);
    else edits.push({ kind: "strip-prose", offset: c.start, message: `removed another JSON value (offsets ${c.start}-${c.end}) that was not chosen`, confidence: "guess", lossy: true });
  }
  if (pick.ndjson) edits.push({ kind: "ndjson-to-array", offset: pick.start, message: `read ${pick.cands.length} values, one per line, as an array` });
  else if (candidates.length > 1) {
    const why = check ? (evaluation.ok ? "it is the first that validates against the schema" : "none validates; it is the first") : "it is the first complete one";
    edits.push({ kind: "choose-candidate", offset: pick.start, message: `the text holds ${candidates.length} JSON values; chose the one at offset ${pick.start} because ${why}`, confidence: check && evaluation.ok ? "likely" : "guess" });
  }
  edits.sort((a, b) => a.offset - b.offset);
  for (const e of evaluation.edits) edits.push(e);
  return {
    ok: evaluation.ok,
    value: evaluation.value,
    text: stringifyJson(evaluation.value, options.indent ?? 0),
    edits,
    errors: evaluation.errors,
    stats: steps(),
  };
}

/** Scans the whole text for values, recording fences and prose between them as edits. */
function findCandidates(p: TolerantJsonParser, outside: PendingEdit[]): Candidate[] {
  const t = p.text;
  const n = t.length;
  const out: Candidate[] = [];
  let sawProse = false;
  let gapStart = 0;
  let gapClean = true; // only whitespace since the previous candidate
  let gapNewline = false;
  let proseStart = -1;
  const flushProse = (end: number) => {
    if (proseStart >= 0) {
      const snippet = t.slice(proseStart, Math.min(end, proseStart + 40)).trim();
      outside.push({ kind: "strip-prose", offset: proseStart, message: `removed text around the JSON: ${JSON.stringify(snippet)}${end - proseStart > 40 ? "..." : ""}` });
      proseStart = -1;
    }
  };
  p.pos = 0;
  while (p.pos < n) {
    const c = t.charCodeAt(p.pos);
    p.steps++;
    if (isWs(c)) {
      if (c === Ch.LineFeed) gapNewline = true;
      p.pos++;
      continue;
    }
    if (c === Ch.Backtick && t.startsWith("```", p.pos)) {
      flushProse(p.pos);
      const eol = t.indexOf("\n", p.pos);
      const end = eol < 0 ? n : eol;
      outside.push({ kind: "strip-fence", offset: p.pos, message: `removed the code fence ${JSON.stringify(t.slice(p.pos, end).trim())}` });
      p.steps += end - p.pos;
      p.pos = end;
      gapClean = false;
      continue;
    }
    const isContainer = isOpener(c);
    if (isContainer || (!sawProse && out.length === 0 && p.canStartValue(p.pos))) {
      const start = p.pos;
      p.edits = [];
      const node = p.parseValue();
      if (node !== undefined) {
        flushProse(start);
        out.push({ node, start, end: p.pos, edits: p.edits, truncated: p.truncated, lineAfterPrevious: out.length > 0 && gapClean && gapNewline });
        gapStart = p.pos;
        gapClean = true;
        gapNewline = false;
        continue;
      }
      p.pos = start;
    }
    // Prose: skip to the next place a container or a fence could start.
    if (proseStart < 0) proseStart = p.pos;
    sawProse = true;
    gapClean = false;
    let j = p.pos + 1;
    while (j < n) {
      const d = t.charCodeAt(j);
      if (isOpener(d) || d === Ch.Backtick) break;
      j++;
    }
    p.steps += j - p.pos;
    p.pos = j;
  }
  flushProse(n);
  void gapStart;
  return out;
}

/** The first run of at least two container candidates separated only by line breaks, if any. */
function ndjsonGroup(cands: Candidate[]): Candidate[] | undefined {
  for (let i = 0; i < cands.length; i++) {
    if (cands[i].node.kind === "scalar") continue;
    let j = i + 1;
    while (j < cands.length && cands[j].lineAfterPrevious && cands[j].node.kind !== "scalar" && !cands[j - 1].truncated) j++;
    if (j - i >= 2) return cands.slice(i, j);
  }
  return undefined;
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
