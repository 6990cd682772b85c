/**
 * The reference recognizer: slow, simple and exact. It answers "is this text
 * a sentence of the grammar", "is it a prefix of one", and, when it is not,
 * where it leaves the grammar and what was expected there. The fast engine
 * is tested against it.
 */
import type { Grammar } from "../ir.js";
import { compileCfg, quoteChar, type Cfg } from "./cfg.js";
import { EarleyRecognizer, rangesIntersect } from "./earley.js";
import { utf8Length } from "@formwork/regex/internal";
import { decodeUtf8Strict } from "./utf8.js";

/** What {@link referenceMatch} says about a text. */
export interface ReferenceResult {
  /** The text is a whole sentence of the grammar (same as `complete`). */
  accepted: boolean;
  /** The text is a whole sentence of the grammar. */
  complete: boolean;
  /** The whole text is a prefix of some sentence (true when `complete`). */
  prefix: boolean;
  /**
   * The UTF-8 byte offset of the first character that no parse can accept
   * (the first invalid byte for byte input), or the text's byte length when
   * every character was accepted.
   */
  offset: number;
  /**
   * What could come next at `offset`: labels such as `"a"`, `[0-9]`,
   * `any character`, `the end of the text`, joined with " or "; empty when
   * nothing can (the grammar's language is empty).
   */
  expected: string;
  /** The character found at `offset` (JSON-quoted), or undefined at the end of the text. */
  found?: string;
}

const cache = new WeakMap<Grammar, Cfg>();

/** The compiled form of `g` for the recognizer, cached per grammar object (do not mutate a grammar after using it here). */
function cfgOf(g: Grammar): Cfg {
  let c = cache.get(g);
  if (!c) {
    c = compileCfg(g);
    cache.set(g, c);
  }
  return c;
}

/** The single character a terminal stands for, or undefined for a set of several. */
function singleChar(cfg: Cfg, sym: number): number | undefined {
  if (sym >= 0) return undefined;
  const r = cfg.terminals[-1 - sym].ranges;
  return r.length === 2 && r[0] === r[1] ? r[0] : undefined;
}

/**
 * Labels for what can come next: a run of single characters in a production
 * shows as the literal it spells (`"true"`, `"null"`), any other terminal as
 * its class (`[0-9]`).
 */
function describeExpected(cfg: Cfg, r: EarleyRecognizer): string {
  const set = new Set<string>();
  for (const [p, dot] of r.scanItems()) {
    const rhs = cfg.rhs[p];
    let text = "";
    for (let d = dot; d < rhs.length; d++) {
      const c = singleChar(cfg, rhs[d]);
      if (c === undefined) break;
      text += String.fromCodePoint(c);
    }
    set.add(text === "" ? cfg.terminals[-1 - rhs[dot]].label : JSON.stringify(text));
  }
  const labels = [...set].sort();
  if (r.isComplete()) labels.push("the end of the text");
  if (labels.length > 12) return `${labels.slice(0, 12).join(", ")} or ${labels.length - 12} more`;
  if (labels.length <= 1) return labels.join("");
  return `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}

function run(g: Grammar, codePoints: Iterable<number>): { r: EarleyRecognizer; cfg: Cfg; failedAt: number; failedCp?: number; bytes: number } {
  const cfg = cfgOf(g);
  const r = new EarleyRecognizer(cfg);
  let bytes = 0;
  let index = 0;
  for (const cp of codePoints) {
    if (!r.feed(cp)) return { r, cfg, failedAt: index, failedCp: cp, bytes };
    bytes += utf8Length(cp);
    index++;
  }
  return { r, cfg, failedAt: -1, bytes };
}

function* codePointsOf(text: string): Generator<number> {
  for (const ch of text) yield ch.codePointAt(0)!;
}

/**
 * Runs the grammar on `text` (a JS string; a lone surrogate is a character
 * no grammar contains) and says whether it is a sentence, a prefix, and
 * where and why it fails. `regex` nodes are compiled with `@formwork/regex`
 * (whose errors propagate for patterns it refuses).
 */
export function referenceMatch(grammar: Grammar, text: string): ReferenceResult {
  const { r, cfg, failedAt, failedCp, bytes } = run(grammar, codePointsOf(text));
  const complete = failedAt < 0 && r.isComplete();
  const prefix = failedAt < 0 && r.alive;
  const result: ReferenceResult = { accepted: complete, complete, prefix, offset: bytes, expected: describeExpected(cfg, r) };
  if (failedCp !== undefined) result.found = quoteChar(failedCp);
  return result;
}

/** {@link referenceMatch} for UTF-8 bytes; invalid UTF-8 fails at its first bad byte, a truncated last character is not a sentence. */
export function referenceMatchBytes(grammar: Grammar, bytes: Uint8Array): ReferenceResult {
  const d = decodeUtf8Strict(bytes);
  const { r, cfg, failedAt, failedCp } = run(grammar, d.codePoints);
  const expected = describeExpected(cfg, r);
  if (failedAt >= 0) {
    return { accepted: false, complete: false, prefix: false, offset: d.offsets[failedAt], expected, found: quoteChar(failedCp!) };
  }
  const end = d.offsets[d.offsets.length - 1];
  if (d.errorAt >= 0) {
    return { accepted: false, complete: false, prefix: false, offset: d.errorAt, expected, found: `invalid UTF-8 byte 0x${bytes[d.errorAt].toString(16).toUpperCase().padStart(2, "0")}` };
  }
  if (d.partial) {
    const p = d.partial;
    const ok = r.nextTerminals().some((t) => rangesIntersect(cfg.terminals[t].ranges, p.lo, p.hi));
    return { accepted: false, complete: false, prefix: ok, offset: ok ? bytes.length : p.at, expected, found: ok ? undefined : "an incomplete UTF-8 character that cannot continue the text" };
  }
  const complete = r.isComplete();
  return { accepted: complete, complete, prefix: r.alive, offset: end, expected };
}

/** Whether `text` is a prefix of some sentence of the grammar (every sentence is a prefix of itself). */
export function referencePrefixOk(grammar: Grammar, text: string): boolean {
  const { r, failedAt } = run(grammar, codePointsOf(text));
  return failedAt < 0 && r.alive;
}

/**
 * Whether `bytes` is a prefix of the UTF-8 encoding of some sentence: the
 * complete characters are a viable prefix, and a truncated last character
 * can still become some character the grammar accepts there.
 */
export function referencePrefixOkBytes(grammar: Grammar, bytes: Uint8Array): boolean {
  return referenceMatchBytes(grammar, bytes).prefix;
}

/**
 * The reference recognizer as a state that grows byte by byte, for oracles
 * that try many continuations of one prefix (e.g. every token of a
 * vocabulary): {@link canAccept} tries bytes without changing the state,
 * {@link acceptBytes} keeps them. Bytes may split a UTF-8 character anywhere.
 */
export class ReferenceRecognizer {
  private readonly cfg: Cfg;
  private readonly r: EarleyRecognizer;
  /** Bytes of a character not yet complete. */
  private pending: Uint8Array = new Uint8Array(0);

  constructor(grammar: Grammar) {
    this.cfg = cfgOf(grammar);
    this.r = new EarleyRecognizer(this.cfg);
  }

  /** Whether the bytes accepted so far followed by `bytes` are a prefix of the UTF-8 encoding of some sentence. The state does not change. */
  canAccept(bytes: Uint8Array): boolean {
    const mark = this.r.mark();
    const ok = this.run(bytes) !== undefined;
    this.r.restore(mark);
    return ok;
  }

  /** Appends `bytes` when {@link canAccept} holds and returns true; otherwise returns false and changes nothing. */
  acceptBytes(bytes: Uint8Array): boolean {
    const mark = this.r.mark();
    const pending = this.run(bytes);
    if (pending === undefined) {
      this.r.restore(mark);
      return false;
    }
    this.pending = pending;
    return true;
  }

  /** Whether the bytes accepted so far are a whole sentence. */
  isComplete(): boolean {
    return this.pending.length === 0 && this.r.isComplete();
  }

  /** Feeds the pending bytes and `bytes`; returns the new pending tail, or undefined when the result is not a viable prefix. */
  private run(bytes: Uint8Array): Uint8Array | undefined {
    const all = new Uint8Array(this.pending.length + bytes.length);
    all.set(this.pending);
    all.set(bytes, this.pending.length);
    const d = decodeUtf8Strict(all);
    if (d.errorAt >= 0 || !this.r.alive) return undefined;
    for (const cp of d.codePoints) if (!this.r.feed(cp, false)) return undefined;
    if (!d.partial) return new Uint8Array(0);
    const p = d.partial;
    const ok = this.r.nextTerminals().some((t) => rangesIntersect(this.cfg.terminals[t].ranges, p.lo, p.hi));
    return ok ? all.slice(p.at) : undefined;
  }
}
