/**
 * `checkText`: is a text a sentence of a grammar, and if not, at which byte
 * does it leave the grammar and what was expected there. Runs the engine's
 * matcher (`GrammarMatcher.findMismatch`), so it takes time linear in the
 * text, over a compiler whose vocabulary is the 256 single bytes (the
 * answer does not depend on a model's tokens).
 */
import { Vocabulary, type Limits } from "@formwork/core";
import type { Grammar } from "./ir.js";
import { GrammarCompiler } from "./engine/compiler.js";
import { CompiledGrammar } from "./engine/compiled-grammar.js";

/** The verdict on one text. */
export interface TextCheck {
  /** The whole text is a sentence of the grammar. */
  accepted: boolean;
  /** UTF-8 byte offset of the first byte the grammar cannot take (the text's length when the text is a valid but incomplete start). */
  offset?: number;
  /** What is wrong there and what the grammar expected, for people. */
  message?: string;
}

let shared: GrammarCompiler | undefined;

/**
 * The grammar compiler `checkText` uses for grammars: a vocabulary of the 256
 * single bytes, the engine's default limits (or those `limits` sets:
 * `GrammarCompiler.withLimits`), the 16 most recent grammars cached. Compile
 * with it once to check many texts against one grammar.
 */
export function textCompiler(limits?: Partial<Limits>): GrammarCompiler {
  if (!shared) {
    const tokens = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
    const vocabulary = new Vocabulary({ tokens, eog: [], name: "bytes" });
    shared = new GrammarCompiler(vocabulary, { precomputeSlices: false });
  }
  return shared.withLimits(limits);
}

/**
 * Checks `text` against a grammar (compiled here with {@link textCompiler}
 * when given as IR, with the engine limits of `options.limits`; compile
 * errors propagate, and `LimitError` `max-stack-depth` for a text nested
 * deeper than the engine's stack): accepted, or the byte offset
 * where the text leaves the grammar with a message saying what was found and
 * what was expected. A text that is a valid start but stops early fails at
 * its own length.
 */
export function checkText(grammar: Grammar | CompiledGrammar, text: string | Uint8Array, options: { limits?: Partial<Limits> } = {}): TextCheck {
  const compiled = grammar instanceof CompiledGrammar ? grammar : textCompiler(options.limits).compile(grammar);
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const r = compiled.createMatcher().findMismatch(bytes);
  if (r.accepted) return { accepted: true };
  if (r.prefixOk) {
    return { accepted: false, offset: r.offset, message: `the text ends too early: it is a valid start, but the grammar expects ${r.expected} at byte ${r.offset}` };
  }
  return { accepted: false, offset: r.offset, message: `unexpected ${describeFound(bytes, r.offset)} at byte ${r.offset}; expected ${r.expected}` };
}

/** The byte at `offset` for people: an ASCII character, a whole UTF-8 character, or a byte inside one. */
function describeFound(bytes: Uint8Array, offset: number): string {
  const b = bytes[offset];
  if (b >= 0x20 && b < 0x7f) return `'${String.fromCharCode(b)}'`;
  if (b < 0x80) return `'${JSON.stringify(String.fromCharCode(b)).slice(1, -1)}'`;
  let start = offset;
  while (start > 0 && offset - start < 3 && (bytes[start] & 0xc0) === 0x80) start--;
  const lead = bytes[start];
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  const ch = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes.subarray(start, start + length));
  const whole = length > 1 && !ch.includes("\uFFFD") ? `'${ch}' (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})` : "";
  const hex = `byte 0x${b.toString(16).toUpperCase()}`;
  if (!whole) return `${hex} (not UTF-8)`;
  return start === offset ? whole : `${hex} of ${whole}`;
}
