/**
 * The reference recognizer: slow, simple and exact. It answers "is this text
 * a sentence of the grammar", "is it a prefix of one", and, when it is not,
 * where it leaves the grammar and what was expected there. The fast engine
 * is tested against it.
 */
import type { Grammar } from "../ir.js";
import { compileCfg, quoteChar, type Cfg } from "./cfg.js";
import { EarleyRecognizer, rangesIntersect } from "./earley.js";
import { decodeUtf8Strict, utf8LengthOf } from "./utf8.js";

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

function describeExpected(cfg: Cfg, r: EarleyRecognizer): string {
  const labels = [...new Set(r.nextTerminals().map((t) => cfg.terminals[t].label))].sort();
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
    bytes += utf8LengthOf(cp);
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
 * where and why it fails. Throws `UnsupportedError` for grammars with `regex`
 * nodes.
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
