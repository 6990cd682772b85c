/**
 * Streaming JSON repair: the tolerant parser of `repairJson` (json-parser.ts)
 * driven one token at a time over a window of the input, writing the value
 * as each piece of it is decided, so memory holds the window, the stack of
 * open containers and the current token, not the input nor the value.
 *
 * Each step (a token, a run of prose) looks ahead a bounded distance, which
 * the parser counts in its work counter (`steps`): a step that may have
 * looked at the end of the window before the input ended is taken back and
 * retried with more text (`NEED_MORE`, json-scanner.ts), so each step
 * decides as it would on the whole text. The decisions `repairJson` takes
 * from the whole text (which value to take, a top-level list) are taken
 * here with a window of `maxLookahead` characters of output held back; the
 * documented differences are in docs/repair.md, Memory.
 */
import type { Confidence, Edit, EditKind, PendingEdit, SchemaIssue } from "./edit.js";
import { classOf, EditTally } from "./edit-confidence.js";
import { Ch, isNewline, isOpener, isQuote, isWs } from "./json-chars.js";
import { TolerantJsonParser, type ValueSink } from "./json-parser.js";
import { LOOK_SLACK, NEED_MORE, type StepGuard } from "./json-scanner.js";
import { JSONP_CLOSE, JSONP_OPEN, scanListGap, standsAlone } from "./json-candidates.js";
import { ArgumentError, type Limits } from "@formwork/core";
import { limitExceeded, utf8ByteLength } from "@formwork/core/internal";
import { limitIssue, repairLimits } from "./limits.js";
import { repairJson } from "./repair-json.js";

/** Options of `repairJsonStream`. */
export interface RepairJsonStreamOptions {
  /** Indentation of the output in spaces; 0 (the default) writes compact JSON, as `repairJson`. */
  indent?: number;
  /**
   * `maxDepth` (default 100,000 levels) and `maxLookahead` (default 1 MiB:
   * an input no longer than this is repaired whole, by `repairJson`; past
   * it, the characters of output held back while a choice that `repairJson`
   * takes from the whole text is open; see docs/repair.md). Past
   * `maxDepth` the stream stops with `ok: false`. `maxInputBytes`
   * is not limited by default (memory does not grow with the input): past
   * one that is set, the stream stops with `ok: false`.
   */
  limits?: Partial<Limits>;
  /** Called with each edit as it is decided (with its offset in the input). The edits are not kept; the summary counts them by kind. */
  onEdit?: (edit: Edit) => void;
  /**
   * Where the output goes, in pieces of about 64 Ki characters, as it is
   * decided; `write` and `end` then return "". Without it, each call returns
   * what it decided as one string (which one chunk can make longer than a
   * string can be: 100,000 containers closed at the end, indented).
   */
  output?: (piece: string) => void;
  /** Not supported: a schema-aware repair validates whole candidates. Passing one throws `ArgumentError` `bad-option`. */
  schema?: unknown;
}

/** What a streaming repair says when its input has ended. */
export interface JsonStreamSummary {
  /** True when a value was written. */
  ok: boolean;
  /** How many edits of each kind were made. */
  editCounts: Partial<Record<EditKind, number>>;
  /** The lowest confidence of any edit (`certain` when there is none). */
  confidence: Confidence;
  /** True when any edit left out content of the input. */
  lossy: boolean;
  /** Why `ok` is false: no value in the text, or a limit. */
  errors: SchemaIssue[];
  /** Characters read, and written. */
  charsIn: number;
  charsOut: number;
  /**
   * Where the window may have decided differently from `repairJson`: a
   * `max-lookahead` note when the first value outgrew `maxLookahead` while a
   * top-level choice was open and the text then held another value (which
   * `repairJson`, reading the whole text, might have chosen, or read with the
   * first as a top-level list), or when a text with no value outgrew it (it
   * is then not read as one string). Empty when the window changed nothing.
   */
  notes: JsonStreamNote[];
}

/** A note of {@link JsonStreamSummary.notes}. */
export interface JsonStreamNote {
  code: "max-lookahead";
  /** The limit, `maxLookahead`, and its value. */
  limit: "maxLookahead";
  limitValue: number;
  /** Offset in the input of the value that outgrew the window (it was taken as the result). */
  offset: number;
  message: string;
  /** How to get `repairJson`'s choice. */
  hint: string;
}

/** The limits of a streaming repair. */
export type StreamRepairLimits = Pick<Limits, "maxInputBytes" | "maxDepth" | "maxLookahead">;

/** Defaults: no input size limit (memory does not grow with the input), 100,000 levels, 1 MiB of output held back. */
export const DEFAULT_JSON_STREAM_LIMITS: Readonly<StreamRepairLimits> = Object.freeze({ maxInputBytes: Infinity, maxDepth: 100_000, maxLookahead: 1 << 20 });

/** Characters of input kept ahead of the parser before each step (a step that needs more is retried). */
const READ_AHEAD = 1 << 16;
/** Characters of output handed to `output` at a time. */
const OUTPUT_PIECE = 1 << 16;
/** Characters kept behind the parser's position (the look-back of a step: a missing comma's line, `-Infinity`). */
const KEEP_BEHIND = 256;
/** Most characters of whitespace or prose one step skips (so a long run does not hold the window). */
const SKIP_CHUNK = 4096;

/** What this file uses of `TextDecoder`. */
interface Utf8Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

/**
 * Text and edits held back with a candidate: the text in blocks of joined
 * pieces, the edits as counts (or as edits, for `onEdit`).
 */
class Held {
  blocks: string[] = [];
  parts: string[] = [];
  length = 0;
  edits: PendingEdit[] = [];
  readonly tally = new EditTally();
  constructor(readonly start: number) {}

  push(s: string): void {
    this.parts.push(s);
    this.length += s.length;
    if (this.parts.length >= 4096) {
      this.blocks.push(this.parts.join(""));
      this.parts = [];
    }
  }

  /** The text held, in pieces. */
  text(): string[] {
    return [...this.blocks, ...this.parts];
  }
}

/** Writes JSON text as the parser reads the value, in the layout of `JSON.stringify(value, null, indent)`. */
class JsonWriter implements ValueSink {
  private counts: number[] = [];
  /** Written before a value at the top (the `,` between the items of a top-level list). */
  rootPrefix = "";
  /** Levels of indentation outside the value (1 inside a top-level list). */
  baseDepth = 0;
  constructor(
    private readonly indent: number,
    private readonly write: (s: string) => void,
  ) {}

  private nl(depth: number): string {
    return this.indent > 0 ? `\n${" ".repeat(this.indent * depth)}` : "";
  }

  private before(key: string | undefined): void {
    const d = this.counts.length;
    if (d === 0) {
      if (this.rootPrefix !== "") this.write(this.rootPrefix);
      return;
    }
    let s = this.counts[d - 1]++ > 0 ? "," : "";
    s += this.nl(d + this.baseDepth);
    if (key !== undefined) s += JSON.stringify(key) + (this.indent > 0 ? ": " : ":");
    this.write(s);
  }

  open(kind: "object" | "array", key: string | undefined): void {
    this.before(key);
    this.write(kind === "object" ? "{" : "[");
    this.counts.push(0);
  }

  scalar(value: unknown, key: string | undefined): void {
    this.before(key);
    this.write(JSON.stringify(value));
  }

  close(kind: "object" | "array"): void {
    const count = this.counts.pop()!;
    this.write(`${count > 0 ? this.nl(this.counts.length + this.baseDepth) : ""}${kind === "object" ? "}" : "]"}`);
  }
}

type Phase = "seek" | "value" | "gap" | "done";
/** What the value being read is for: the first candidate, an item of a top-level list, a later candidate that may replace a held one, or one to drop. */
type Role = "first" | "item" | "alt" | "drop";

/**
 * A streaming JSON repair: `write` chunks (text, or bytes read as UTF-8),
 * take the output each returns, then `end`. See the module comment.
 */
export class JsonRepairStream {
  private readonly p = new TolerantJsonParser("", true);
  private readonly limits: StreamRepairLimits;
  private readonly indent: number;
  private readonly onEdit: ((e: Edit) => void) | undefined;
  private readonly tally = new EditTally();
  private readonly writer: JsonWriter;
  private decoder: Utf8Decoder | undefined;
  private checker: Utf8Decoder | undefined; // fatal: finds the first invalid UTF-8 sequence
  private final = false;
  private out: string[] = [];
  private outLength = 0;
  private readonly output: ((piece: string) => void) | undefined;
  private charsIn = 0;
  private bytesIn = 0;
  private charsOut = 0;
  /** Window characters a retried step needs ahead of its start. */
  private need = 0;
  private phase: Phase = "seek";
  private role: Role = "first";
  /** Where the writer writes now: the output, a held buffer, or nowhere (undefined with `discard`). */
  private target: Held | "out" | "discard" = "out";
  /** The first candidate's text while it may still become a list's first item or give way to a later candidate. */
  private held: Held | undefined;
  /** A candidate that replaces `held` if it completes (a later container after a held scalar). */
  private alt: Held | undefined;
  /** The first candidate is written, or given up: what follows is dropped. */
  private chosen = false;
  /** Inside a top-level list (its items are written as they are read). */
  private inList = false;
  private listCommas = false;
  private listItems = 0;
  private listStart = 0;
  private firstIsContainer = false;
  private firstFromTop = false;
  private candidates = 0;
  private chosenStart = 0;
  /** Offset of the held value that outgrew the window (taken as the result while a choice was open), if one did. */
  private overflowAt: number | undefined;
  /** The text read so far held no value and outgrew the window, so it can no longer be read as one string (as `repairJson` reads such a text). */
  private bareDropped = false;
  private sawProse = false;
  private proseStart = -1;
  private proseText = "";
  /** Edits made before the first candidate (dropped when the whole text is read as one string). */
  private outside: PendingEdit[] = [];
  /** The text while it may still be one line of plain text (`bareText` of repairJson). */
  private bare: string | undefined = "";
  private valueStart = 0;
  private errors: SchemaIssue[] = [];
  private summaryValue: JsonStreamSummary | undefined;

  private readonly readAhead: number;

  /**
   * The input while it is no longer than the window: when it ends within
   * it, it is repaired whole by `repairJson` (the same result exactly);
   * past it, it is streamed. Undefined once streaming.
   */
  private prefix: (string | Uint8Array)[] | undefined = [];
  private prefixLength = 0;

  /**
   * `tuning` (tests only): `readAhead`, the characters wanted ahead of each
   * step (default 64 Ki; outputs do not depend on it); `whole: false`
   * streams even an input that fits in the window.
   */
  constructor(options: RepairJsonStreamOptions = {}, tuning: { readAhead?: number; whole?: boolean } = {}) {
    this.readAhead = tuning.readAhead ?? READ_AHEAD;
    if (tuning.whole === false) this.prefix = undefined;
    if (options.schema !== undefined) {
      throw new ArgumentError("bad-option", "streaming repair does not take a schema: a schema-aware repair validates each whole candidate (use repairJson with the schema, or validate the streamed value afterwards)");
    }
    this.limits = repairLimits(DEFAULT_JSON_STREAM_LIMITS, options.limits);
    this.indent = options.indent ?? 0;
    this.onEdit = options.onEdit;
    this.output = options.output;
    this.writer = new JsonWriter(this.indent, (s) => this.emit(s));
    this.p.sink = this.writer;
  }

  /** Reads a chunk; returns the output decided so far (maybe empty). */
  write(chunk: string | Uint8Array): string {
    if (this.final) throw new ArgumentError("bad-option", "write after end");
    this.bytesIn += typeof chunk === "string" ? utf8ByteLength(chunk) : chunk.length;
    if (this.bytesIn > this.limits.maxInputBytes && this.phase !== "done") {
      this.fail(limitIssue(limitExceeded("maxInputBytes", this.limits.maxInputBytes, undefined, { what: "the text to repair" })));
    }
    if (this.prefix !== undefined) {
      this.prefix.push(chunk);
      this.prefixLength += chunk.length;
      if (this.prefixLength <= this.limits.maxLookahead || this.phase === "done") return this.flushOut();
      // Past the window: stream, from the start.
      const held = this.prefix;
      this.prefix = undefined;
      for (const c of held) this.feed(this.decode(c, false));
    } else this.feed(this.decode(chunk, false));
    this.pump();
    return this.flushOut();
  }

  /** The input ended within the window: `repairJson` on the whole of it. */
  private repairWhole(chunks: (string | Uint8Array)[]): void {
    let input: string | Uint8Array;
    if (chunks.every((c) => typeof c === "string")) input = chunks.join("");
    else {
      const enc = new TextEncoder();
      const parts = chunks.map((c) => (typeof c === "string" ? enc.encode(c) : c));
      input = new Uint8Array(parts.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of parts) {
        input.set(c, at);
        at += c.length;
      }
    }
    this.charsIn = typeof input === "string" ? input.length : this.prefixLength;
    const r = repairJson(input, { indent: this.indent, limits: this.limits, edits: this.onEdit === undefined ? "count" : "log" });
    if (r.text !== "") this.emit(r.text);
    if (this.onEdit !== undefined) for (const e of r.edits) this.deliver(e);
    else this.tally.merge(EditTally.of(r));
    this.errors.push(...r.errors);
    this.phase = "done";
    this.finishSummary(r.ok);
  }

  /** Ends the input; returns the rest of the output. `summary` is then set. */
  end(): string {
    if (!this.final && this.prefix !== undefined) {
      this.final = true;
      if (this.phase !== "done") this.repairWhole(this.prefix);
      this.prefix = undefined;
    }
    if (!this.final) {
      const rest = this.decoder !== undefined ? this.decode(new Uint8Array(0), true) : "";
      this.final = true;
      this.feed(rest);
      this.pump();
    }
    return this.flushOut();
  }

  /** After `end`: ok, the edits by kind, confidence, lossy, errors. */
  get summary(): JsonStreamSummary {
    if (this.summaryValue === undefined) throw new ArgumentError("bad-option", "the summary is known only after end()");
    return this.summaryValue;
  }

  private decode(chunk: string | Uint8Array, flush: boolean): string {
    if (typeof chunk === "string") return chunk;
    this.decoder ??= new TextDecoder("utf-8", { ignoreBOM: true });
    this.checker ??= new TextDecoder("utf-8", { ignoreBOM: true, fatal: true });
    const text = this.decoder.decode(chunk, { stream: !flush });
    if (this.checker !== undefined) {
      try {
        this.checker.decode(chunk, { stream: !flush });
      } catch {
        // Logged once, at the first U+FFFD of this chunk (later ones are replaced as TextDecoder does, and not logged).
        this.checker = undefined;
        const at = Math.max(0, text.indexOf("\uFFFD"));
        this.deliver({ kind: "invalid-utf8", offset: this.charsIn + at, message: "bytes that are not UTF-8 were replaced with U+FFFD (streaming logs the first such place only)" });
      }
    }
    return text;
  }

  private feed(text: string): void {
    const p = this.p;
    if (this.phase === "done") {
      this.charsIn += text.length;
      return;
    }
    this.charsIn += text.length;
    if (this.bare !== undefined && this.candidates === 0) {
      this.bare += text;
      if (this.bare.length > this.limits.maxLookahead) {
        this.bare = undefined;
        this.bareDropped = true;
      }
    }
    const cut = p.pos - KEEP_BEHIND;
    if (cut > this.readAhead && cut * 2 > p.text.length) p.shiftWindow(p.text.slice(cut) + text, cut, text.length);
    else p.shiftWindow(p.text + text, 0, text.length);
  }

  /** With `output`: hands over what is left; returns "". Else returns it. */
  private flushOut(): string {
    if (this.output === undefined) return this.take();
    if (this.outLength > 0) this.output(this.take());
    return "";
  }

  private take(): string {
    this.outLength = 0;
    const s = this.out.join("");
    this.out = [];
    return s;
  }

  private emit(s: string): void {
    const t = this.target;
    if (t === "discard") return;
    if (t === "out") {
      this.out.push(s);
      this.charsOut += s.length;
      this.outLength += s.length;
      if (this.output !== undefined && this.outLength >= OUTPUT_PIECE) this.output(this.take());
      return;
    }
    t.push(s);
    if (t.length > this.limits.maxLookahead) this.overflow(t);
  }

  /** A held candidate grew past the window: it is chosen now (what `repairJson` might have chosen instead is documented). */
  private overflow(t: Held): void {
    if (t === this.alt) {
      this.dropHeld(this.held);
      this.held = undefined;
      this.alt = undefined;
    } else this.held = undefined;
    this.chosen = true;
    this.chosenStart = t.start;
    this.target = "out";
    this.overflowAt ??= t.start;
    this.commit(t);
  }

  /** Writes a held candidate and its edits. */
  private commit(t: Held): void {
    for (const s of t.text()) this.emit(s);
    for (const e of t.edits) this.deliver(e);
    this.tally.merge(t.tally);
    t.blocks = [];
    t.parts = [];
    t.edits = [];
  }

  private dropHeld(t: Held | undefined): void {
    if (t === undefined) return;
    this.deliver({ kind: "strip-prose", offset: t.start, message: `removed another JSON value (at offset ${t.start}) that was not chosen`, confidence: "guess", lossy: true });
  }

  /** Counts an edit (and hands it to `onEdit`); `offset` is in the input. */
  private deliver(e: PendingEdit): void {
    const c = classOf(e.kind);
    const edit: Edit = { kind: e.kind, offset: e.offset, message: e.message, confidence: e.confidence ?? c.confidence, lossy: e.lossy ?? c.lossy };
    this.tally.add(edit.kind, edit.confidence, edit.lossy);
    this.onEdit?.(edit);
  }

  /** An edit of the current step: held with a held candidate, dropped with a dropped one, else delivered. */
  private note(e: PendingEdit): void {
    const t = this.target;
    if (t === "discard") return;
    if (t !== "out") {
      // Held: kept for onEdit, else counted.
      if (this.onEdit !== undefined) t.edits.push(e);
      else t.tally.add(e.kind, e.confidence, e.lossy);
    }
    else if (this.candidates === 0) this.outside.push(e);
    else this.deliver(e);
  }

  private drainEdits(): void {
    const p = this.p;
    if (p.edits.length === 0) return;
    for (const e of p.edits) this.note({ ...e, offset: e.offset + p.base });
    p.edits.length = 0;
  }

  /** Runs steps while the window holds enough text ahead (all of them once the input has ended). */
  private pump(): void {
    const p = this.p;
    while (this.phase !== "done") {
      if (!this.final && p.n - p.pos < Math.max(this.readAhead, this.need)) return;
      const mark = p.mark();
      const guard: StepGuard = { pos: p.pos, steps: p.steps, committed: false };
      p.setStreaming(guard, this.final);
      try {
        this.step();
        p.checkReach();
      } catch (err) {
        if (err !== NEED_MORE) throw err;
        if (guard.committed) throw new Error("internal error: a streaming step was taken back after a structural change");
        this.need = 2 * (p.steps - mark.steps + LOOK_SLACK);
        p.rewind(mark);
        return;
      } finally {
        p.setStreaming(undefined, true);
      }
      this.need = 0;
      this.drainEdits();
      if (p.depth > this.limits.maxDepth) this.fail(limitIssue(limitExceeded("maxDepth", this.limits.maxDepth, undefined, { what: "the text to repair", location: { kind: "span", start: p.base + p.pos, end: p.base + p.pos + 1 } })));
    }
  }

  private fail(issue: SchemaIssue): void {
    this.errors.push(issue);
    this.phase = "done";
    this.finishSummary(false);
  }

  /** One step of the phase. */
  private step(): void {
    switch (this.phase) {
      case "seek":
        return this.seekStep();
      case "value":
        this.p.step();
        if (this.p.depth === 0) this.valueEnded();
        return;
      case "gap":
        return this.gapStep();
    }
  }

  /** Between candidates: whitespace, fences, prose, or the start of a value (as `findCandidates`). */
  private seekStep(): void {
    const p = this.p;
    const t = p.text;
    const n = p.n;
    if (p.pos >= n) {
      p.checkReach();
      this.flushProse();
      return this.finish();
    }
    const c = t.charCodeAt(p.pos);
    p.steps++;
    if (isWs(c)) {
      const start = p.pos;
      let j = start;
      while (j < n && j - start < SKIP_CHUNK && isWs(t.charCodeAt(j))) j++;
      p.steps += j - start;
      p.checkReach();
      p.pos = j;
      return;
    }
    if (c === Ch.Backtick && t.startsWith("```", p.pos)) {
      let end = p.pos;
      while (end < n && t.charCodeAt(end) === Ch.Backtick) end++;
      while (end < n && /[\w+.-]/.test(t[end])) end++;
      p.steps += end - p.pos;
      p.checkReach();
      this.flushProse();
      this.note({ kind: "strip-fence", offset: p.base + p.pos, message: `removed the code fence ${JSON.stringify(t.slice(p.pos, end).trim())}` });
      p.pos = end;
      return;
    }
    const start = p.pos;
    if (isOpener(c)) {
      p.checkReach();
      this.startCandidate(start);
      p.beginValue();
      this.phase = "value";
      return;
    }
    if (!this.sawProse && this.candidates === 0 && p.canStartValue(p.pos)) {
      // A scalar at the start of the text: read it before deciding anything.
      const r = p.beginValue();
      p.checkReach();
      if (r !== undefined && r !== "pushed") {
        this.startCandidate(start);
        this.writer.scalar(r.value, undefined);
        this.valueEnded();
        return;
      }
      p.edits.length = 0;
      p.pos = start;
    }
    // Prose: up to the next place a container or a fence could start.
    let j = p.pos + 1;
    while (j < n && j - p.pos < SKIP_CHUNK) {
      const d = t.charCodeAt(j);
      if (isOpener(d) || d === Ch.Backtick) break;
      j++;
    }
    p.steps += j - p.pos;
    p.checkReach();
    if (this.proseStart < 0) {
      this.proseStart = p.base + p.pos;
      this.proseText = "";
    }
    this.sawProse = true;
    if (this.proseText.length < 200) this.proseText += t.slice(p.pos, Math.min(j, p.pos + 200));
    p.pos = j;
  }

  private flushProse(): void {
    if (this.proseStart < 0) return;
    const offset = this.proseStart;
    this.proseStart = -1;
    const after = this.chosen || this.inList || this.held !== undefined;
    this.note(proseEdit(offset, this.proseText, !after, after));
  }

  /** A value starts at `start`: what it is for decides where its text goes. */
  private startCandidate(start: number): void {
    const p = this.p;
    this.flushProse();
    this.candidates++;
    if (this.candidates === 1) {
      // The text is not one line of plain text: what came before it was prose.
      for (const e of this.outside) this.deliver(e);
      this.outside = [];
      this.bare = undefined;
    }
    if (this.chosen || this.inList) this.role = "drop";
    else if (this.candidates === 1) this.role = "first";
    else if (this.held !== undefined && this.alt === undefined) this.role = "alt";
    else this.role = "drop";
    this.valueStart = p.base + start;
    if (this.role === "first") {
      this.firstFromTop = !this.sawProse;
      this.held = new Held(this.valueStart);
      this.target = this.held;
    } else if (this.role === "alt") {
      this.alt = new Held(this.valueStart);
      this.target = this.alt;
    } else this.target = "discard";
    this.writer.rootPrefix = "";
  }

  /** The value being read ended (its last container closed, or it was a scalar). */
  private valueEnded(): void {
    const p = this.p;
    const node = p.endValue();
    this.drainEdits();
    const truncated = p.truncated;
    const container = node !== undefined && node.kind !== "scalar";
    this.phase = "seek";
    switch (this.role) {
      case "first":
        this.firstIsContainer = container;
        if (this.held === undefined) {
          // Written already (it outgrew the window): chosen.
          this.chosen = true;
          this.target = "out";
          if (!truncated) this.phase = "gap";
          return;
        }
        this.target = "out";
        if (!truncated) this.phase = "gap";
        return;
      case "item":
        this.listItems++;
        this.target = "out";
        if (!truncated) this.phase = "gap";
        else this.endList();
        return;
      case "alt": {
        const alt = this.alt;
        this.alt = undefined;
        this.target = "out";
        if (alt === undefined) return; // chosen when it outgrew the window
        if (container && !truncated) {
          this.dropHeld(this.held);
          this.held = undefined;
          this.chosen = true;
          this.chosenStart = alt.start;
          this.commit(alt);
        } else this.dropHeld(alt);
        return;
      }
      case "drop":
        this.target = "out";
        this.dropHeld(new Held(this.valueStart));
        return;
    }
  }

  /**
   * After a complete value that may start or continue a top-level list (as
   * `readList` of json-candidates.ts): whitespace, comments and at most one
   * comma, with a line break or the comma, then the next value.
   */
  private gapStep(): void {
    const p = this.p;
    const t = p.text;
    const n = p.n;
    const { j, commas, newline, comments } = scanListGap(t, n, p.pos);
    for (const c of comments) c.offset += p.base;
    p.steps += j - p.pos;
    const canList = this.inList || (this.held !== undefined && !this.chosen);
    let goes = canList && !(j >= n || commas > 1 || (commas === 0 && !newline));
    const opener = goes && isOpener(t.charCodeAt(j));
    if (goes && !opener && (!p.canStartValue(j) || !this.firstFromTop)) goes = false;
    p.checkReach();
    if (!goes) return this.noListHere();
    const back = p.pos;
    p.pos = j;
    if (opener) {
      this.startItem(j, commas > 0, comments);
      const r = p.beginValue();
      if (r !== "pushed") throw new Error("internal error: an opener did not open a container");
      this.phase = "value";
      return;
    }
    const logged = p.edits.length;
    const r = p.beginValue();
    if (r === undefined || r === "pushed" || !standsAlone(p)) {
      p.edits.length = logged;
      p.pos = back;
      p.truncated = false;
      p.checkReach();
      return this.noListHere();
    }
    p.checkReach();
    this.startItem(j, commas > 0, comments);
    this.writer.scalar(r.value, undefined);
    this.valueEnded();
  }

  /** The next value is an item of the top-level list: starts the list at the second item. */
  private startItem(at: number, comma: boolean, comments: PendingEdit[]): void {
    if (comma) this.listCommas = true;
    if (!this.inList) {
      const first = this.held!;
      this.held = undefined;
      this.inList = true;
      this.listItems = 1;
      this.listStart = first.start;
      this.target = "out";
      const pad = this.indent > 0 ? `\n${" ".repeat(this.indent)}` : "";
      this.emit(`[${pad}`);
      for (const s of first.text()) this.emit(this.indent > 0 ? s.replaceAll("\n", pad) : s);
      for (const e of first.edits) this.deliver(e);
      this.tally.merge(first.tally);
      this.writer.baseDepth = 1;
    }
    for (const e of comments) this.deliver(e);
    this.candidates++;
    this.role = "item";
    this.target = "out";
    this.valueStart = this.p.base + at;
    this.writer.rootPrefix = `,${this.indent > 0 ? `\n${" ".repeat(this.indent)}` : ""}`;
  }

  /** No (further) list item follows: a list ends; a complete first container is chosen; a first scalar waits for a container. */
  private noListHere(): void {
    this.phase = "seek";
    if (this.inList) return this.endList();
    if (this.held !== undefined && this.firstIsContainer) {
      const h = this.held;
      this.held = undefined;
      this.chosen = true;
      this.chosenStart = h.start;
      this.commit(h);
    }
  }

  private endList(): void {
    this.inList = false;
    this.chosen = true;
    this.writer.baseDepth = 0;
    this.writer.rootPrefix = "";
    this.emit(`${this.indent > 0 ? "\n" : ""}]`);
    this.deliver({ kind: "ndjson-to-array", offset: this.listStart, message: `read ${this.listItems} top-level values, ${this.listCommas ? "separated by commas" : "one per line"}, as an array`, confidence: this.listCommas ? "likely" : "certain" });
  }

  /** The input ended: write what is held, or the text as one string, or nothing. */
  private finish(): void {
    this.phase = "done";
    if (this.inList) this.endList();
    if (this.held !== undefined) {
      const h = this.held;
      this.held = undefined;
      this.chosen = true;
      this.chosenStart = h.start;
      this.target = "out";
      this.commit(h);
    }
    if (this.candidates === 0) {
      const value = this.bare?.trim();
      if (value !== undefined && value !== "" && !/[\n\r{}[\]"]/.test(value)) {
        this.outside = [];
        this.deliver({ kind: "quote-value", offset: this.bare!.indexOf(value), message: "the text holds no JSON value; read the whole of it as one string", confidence: "guess" });
        this.emit(JSON.stringify(value));
        return this.finishSummary(true);
      }
      for (const e of this.outside) this.deliver(e);
      this.errors.push({ instancePath: "", schemaPath: "", keyword: "parse", message: "no JSON value was found in the text" });
      return this.finishSummary(false);
    }
    if (this.candidates > 1 && this.listItems === 0) {
      this.deliver({ kind: "choose-candidate", offset: this.chosenStart, message: `the text holds ${this.candidates} JSON values; chose the one at offset ${this.chosenStart} because it is the first complete one`, confidence: "guess" });
    }
    this.finishSummary(true);
  }

  private finishSummary(ok: boolean): void {
    const notes: JsonStreamNote[] = [];
    // Another value followed the one the window chose: repairJson, reading the whole text, might have chosen it or made a list.
    const hint = `Raise it with the option limits: { maxLookahead: N } (CLI: --limit maxLookahead=N) to a length above the input's, or repair it whole with repairJson (formwork repair without --stream); see docs/repair.md.`;
    if (this.bareDropped && this.candidates === 0) {
      const limit = this.limits.maxLookahead;
      notes.push({
        code: "max-lookahead",
        limit: "maxLookahead",
        limitValue: limit,
        offset: 0,
        message: `the text holds no JSON value and is longer than the window maxLookahead = ${limit} characters, so it was not read as one string (repairJson reads such a text, of one line of plain text, as one string)`,
        hint,
      });
    }
    if (this.overflowAt !== undefined && this.candidates > 1) {
      const limit = this.limits.maxLookahead;
      notes.push({
        code: "max-lookahead",
        limit: "maxLookahead",
        limitValue: limit,
        offset: this.overflowAt,
        message: `the value at offset ${this.overflowAt} outgrew the window maxLookahead = ${limit} characters while the text could still become a top-level list or hold a better value, and was taken as the result; the text then held ${this.candidates - 1} more value(s), which repairJson might have chosen instead (or read with it as a list)`,
        hint,
      });
    }
    this.summaryValue = { ok, editCounts: { ...this.tally.counts }, confidence: this.tally.confidence, lossy: this.tally.lossy, errors: this.errors, charsIn: this.charsIn, charsOut: this.charsOut, notes };
  }
}

/** The edit for prose around the value (as `findCandidates` logs it). */
function proseEdit(offset: number, text: string, before: boolean, after: boolean): PendingEdit {
  if (before && JSONP_OPEN.test(text)) return { kind: "unwrap-call", offset, message: `removed the JSONP call ${JSON.stringify(text.trim())} around the value` };
  if (after && JSONP_CLOSE.test(text)) return { kind: "unwrap-call", offset, message: "removed the end of the JSONP call" };
  const snippet = text.slice(0, 40).trim();
  const e: PendingEdit = { kind: "strip-prose", offset, message: `removed text around the JSON: ${JSON.stringify(snippet)}${text.length > 40 ? "..." : ""}` };
  if (isQuote(text.trimStart().charCodeAt(0))) Object.assign(e, { confidence: "guess", lossy: true });
  return e;
}

/**
 * Repairs JSON as it streams (see `JsonRepairStream`): from an iterable of
 * chunks (text, or bytes read as UTF-8) to the output in pieces, as each is
 * decided. The summary (ok, edit counts) is passed to `onSummary` at the end.
 */
export async function* repairJsonStream(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: Omit<RepairJsonStreamOptions, "output"> & { onSummary?: (s: JsonStreamSummary) => void } = {},
): AsyncGenerator<string, JsonStreamSummary, undefined> {
  const pieces: string[] = [];
  const r = new JsonRepairStream({ ...options, output: (piece) => pieces.push(piece) });
  for await (const chunk of source) {
    r.write(chunk);
    while (pieces.length > 0) yield pieces.shift()!;
  }
  r.end();
  while (pieces.length > 0) yield pieces.shift()!;
  options.onSummary?.(r.summary);
  return r.summary;
}
