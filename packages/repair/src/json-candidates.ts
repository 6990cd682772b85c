/**
 * Finding the JSON values in a text: past code fences, prose and JSONP
 * wrappers, and the top-level lists written without brackets (NDJSON, or
 * `1, 2, 3`). Each value found is a candidate; `repairJson` chooses among
 * them (or takes a list of them as an array).
 */
import type { PendingEdit } from "./edit.js";
import type { EditTally } from "./edit-confidence.js";
import { Ch, isNewline, isOpener, isQuote, isWs } from "./json-chars.js";
import type { ArrayNode, JsonNode } from "./json-node.js";
import type { TolerantJsonParser } from "./json-parser.js";

/** A value found in the text, with the edits made while parsing it. */
export interface Candidate {
  node: JsonNode;
  start: number;
  end: number;
  edits: PendingEdit[];
  /** With `edits: "count"`: the counted part of the candidate's edits (`edits` holds the rest). */
  tally?: EditTally;
  truncated: boolean;
  /**
   * How it follows the previous candidate: `line` (only whitespace with a
   * line break between), `comma` (a comma, maybe with whitespace and
   * comments), or `none` (anything else, or it is the first).
   */
  after: "line" | "comma" | "none";
}

/** Scans the whole text for values, recording fences and prose between them in `outside`. */
export function findCandidates(p: TolerantJsonParser, outside: PendingEdit[], counting = false): Candidate[] {
  const t = p.text;
  const n = t.length;
  const out: Candidate[] = [];
  let sawProse = false;
  let gapClean = true; // only whitespace since the previous candidate
  let gapNewline = false;
  let proseStart = -1;
  const flushProse = (end: number, before: boolean) => {
    if (proseStart < 0) return;
    const text = t.slice(proseStart, end);
    if (before && JSONP_OPEN.test(text)) {
      outside.push({ kind: "unwrap-call", offset: proseStart, message: `removed the JSONP call ${JSON.stringify(text.trim())} around the value` });
    } else if (!before && out.length > 0 && JSONP_CLOSE.test(text) && outside.some((e) => e.kind === "unwrap-call")) {
      outside.push({ kind: "unwrap-call", offset: proseStart, message: "removed the end of the JSONP call" });
    } else {
      const snippet = text.slice(0, 40).trim();
      // Text that opens with a quote may well be a value of the document: dropping it is a guess.
      const valueLike = isQuote(text.trimStart().charCodeAt(0));
      const e: PendingEdit = { kind: "strip-prose", offset: proseStart, message: `removed text around the JSON: ${JSON.stringify(snippet)}${end - proseStart > 40 ? "..." : ""}` };
      if (valueLike) Object.assign(e, { confidence: "guess", lossy: true });
      outside.push(e);
    }
    proseStart = -1;
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
      flushProse(p.pos, false);
      // The fence: three or more backticks and a language tag (`json`), on its own line or inline.
      let end = p.pos;
      while (end < n && t.charCodeAt(end) === Ch.Backtick) end++;
      while (end < n && /[\w+.-]/.test(t[end])) end++;
      outside.push({ kind: "strip-fence", offset: p.pos, message: `removed the code fence ${JSON.stringify(t.slice(p.pos, end).trim())}` });
      p.steps += end - p.pos;
      p.pos = end;
      gapClean = false;
      continue;
    }
    if (isOpener(c) || (!sawProse && out.length === 0 && p.canStartValue(p.pos))) {
      const start = p.pos;
      p.resetLog(counting);
      const node = p.parseValue();
      if (node !== undefined) {
        flushProse(start, true);
        out.push({ node, start, end: p.pos, edits: p.edits, tally: p.tally, truncated: p.truncated, after: out.length > 0 && gapClean && gapNewline ? "line" : "none" });
        readList(p, out, !sawProse && out.length === 1, counting);
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
  flushProse(n, false);
  return out;
}

/** `callback(`, `/* c *\/ jQuery123_4 (`: what precedes a JSONP payload. */
export const JSONP_OPEN = /^\s*(?:\/\*[^]*?\*\/\s*|\/\/[^\n]*\n\s*)*[A-Za-z_$][\w$.]*\s*\(\s*$/;
/** `)`, `);` after a JSONP payload. */
export const JSONP_CLOSE = /^\s*\)\s*;?\s*$/;

/**
 * After a candidate: while the next value follows after only whitespace,
 * comments and at most one comma, with a line break or the comma between
 * (`1, 2, 3`, `{...},\n{...}`), reads it as the next item of a top-level
 * list. A scalar joins only a list that starts the text, and only when it
 * stands alone up to the next comma or line end (so `1. First, ...` in
 * prose does not).
 */
function readList(p: TolerantJsonParser, out: Candidate[], fromTop: boolean, counting: boolean): void {
  const t = p.text;
  const n = t.length;
  for (;;) {
    const prev = out[out.length - 1];
    if (prev.truncated) return;
    const { j, commas, newline, comments } = scanListGap(t, n, p.pos);
    p.steps += j - p.pos;
    if (j >= n || commas > 1 || (commas === 0 && !newline)) return;
    const opener = isOpener(t.charCodeAt(j));
    if (!opener && !p.canStartValue(j)) return;
    // Scalars join only a list that starts the text (not one that follows prose).
    if (!opener && !fromTop) return;
    const back = p.pos;
    p.pos = j;
    p.resetLog(counting);
    const node = p.parseValue();
    if (node === undefined || (node.kind === "scalar" && !standsAlone(p))) {
      p.pos = back;
      return;
    }
    out.push({ node, start: j, end: p.pos, edits: [...comments, ...p.edits], tally: p.tally, truncated: p.truncated, after: commas > 0 ? "comma" : "line" });
  }
}

/** What lies between two items of a top-level list: where the next starts, the commas, a line break, the comments (offsets in `t`). */
export interface ListGap {
  j: number;
  commas: number;
  newline: boolean;
  comments: PendingEdit[];
}

/** Reads whitespace, commas and comments from `from` (the gap `readList` and streaming judge). */
export function scanListGap(t: string, n: number, from: number): ListGap {
  let j = from;
  let commas = 0;
  let newline = false;
  const comments: PendingEdit[] = [];
  for (;;) {
    const c = t.charCodeAt(j);
    if (j >= n) break;
    if (isWs(c)) {
      if (isNewline(c)) newline = true;
      j++;
    } else if (c === Ch.Comma) {
      commas++;
      j++;
    } else if (c === Ch.Slash && t.charCodeAt(j + 1) === Ch.Star) {
      const end = t.indexOf("*/", j + 2);
      comments.push({ kind: "remove-comment", offset: j, message: "removed a /* */ comment" });
      j = end < 0 ? n : end + 2;
    } else if (c === Ch.Slash && t.charCodeAt(j + 1) === Ch.Slash) {
      const end = t.indexOf("\n", j);
      comments.push({ kind: "remove-comment", offset: j, message: "removed a // comment" });
      j = end < 0 ? n : end;
    } else break;
  }
  return { j, commas, newline, comments };
}

/** True when only whitespace and then a comma, a line break or the end of the text follow `pos`. */
export function standsAlone(p: TolerantJsonParser): boolean {
  const t = p.text;
  let j = p.pos;
  while (j < t.length && isWs(t.charCodeAt(j)) && !isNewline(t.charCodeAt(j))) j++;
  p.steps += j - p.pos;
  return j >= t.length || isNewline(t.charCodeAt(j)) || t.charCodeAt(j) === Ch.Comma;
}

/**
 * The first run of at least two candidates each following the one before on
 * a new line or after a comma (the earlier ones complete), if any.
 */
export function listGroup(cands: Candidate[]): Candidate[] | undefined {
  for (let i = 0; i < cands.length; i++) {
    let j = i + 1;
    while (j < cands.length && cands[j].after !== "none" && !cands[j - 1].truncated) j++;
    if (j - i >= 2) return cands.slice(i, j);
  }
  return undefined;
}

/** The array node made of a group of candidates. */
export function groupNode(group: Candidate[]): ArrayNode {
  return {
    kind: "array",
    start: group[0].start,
    items: group.map((c) => (c.node.kind === "scalar" ? c.node.value : c.node)),
    starts: group.map((c) => c.start),
    partial: group[group.length - 1].truncated,
  };
}
