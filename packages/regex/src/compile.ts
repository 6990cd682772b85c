/**
 * `compileRegex`: ECMAScript pattern → minimal, trimmed byte-level DFA.
 *
 * Pipeline: regexpp parse → lowered AST (refusals here) → character NFA →
 * character DFA over atoms → UTF-8 byte DFA → Hopcroft minimisation and
 * dead-state removal.
 */
import { ArgumentError } from "@formwork/core";
import { buildCharNfa, type CharNfa } from "./char-nfa.js";
import { checkPatternDepth } from "./pattern-depth.js";
import { type CharDfa, determinize } from "./char-dfa.js";
import { expandToBytes } from "./byte-expand.js";
import { byteClasses, hopcroft, minimizeDfa, quotient } from "./minimize.js";
import { type RegexFlags, type RegexNode, lowerRegex, parseFlags } from "./regex-ast.js";
import { type CharSet, normalizeRanges, rangeSet } from "./char-set.js";
import { type CharMode, maxCharOf } from "./unicode-tables.js";

/**
 * A deterministic automaton over bytes. States are `0..stateCount-1`; the
 * start is 0. Every state is live (can reach an accepting state). A
 * `stateCount` of 0 means the language is empty (nothing matches).
 */
export interface ByteDfa {
  readonly stateCount: number;
  /** `transitions[state * 256 + byte]` = next state, or -1 (no continuation). */
  readonly transitions: Int32Array;
  /** `accepting[state] = 1` when the bytes read so far are a whole match. */
  readonly accepting: Uint8Array;
}

/** How the output must relate to the pattern. */
export type RegexMode = "whole" | "search";

/** Limits of {@link compileRegex}; each fails with a `LimitError` that names it. */
export interface RegexLimits {
  /**
   * Most DFA states built at any stage (character DFA, byte DFA before
   * minimisation); the subsets of the character DFA may also track at most
   * 1,000 × this many NFA positions in all. Default 20,000. Memory is about
   * 1 KiB per byte state. Exceeding it throws `LimitError` `regex-dfa-limit`.
   */
  readonly maxDfaStates: number;
  /**
   * Most NFA states. Default 250,000; each copy of a counted repetition costs
   * states. Exceeding it throws `LimitError` `regex-nfa-limit`.
   */
  readonly maxNfaStates: number;
  /**
   * Largest count in `{m}`, `{m,}`, `{m,n}`. Default 10,000. Exceeding it
   * throws `LimitError` `regex-repetition-limit`.
   */
  readonly maxRepetition: number;
  /**
   * Deepest nesting of groups (and of classes under `v`), checked on the
   * text before parsing (the parser recurses once per group). Default 200.
   * Exceeding it throws `LimitError` `max-depth`.
   */
  readonly maxDepth: number;
}

/** The default {@link RegexLimits}. */
export const DEFAULT_REGEX_LIMITS: RegexLimits = Object.freeze({
  maxDfaStates: 20_000,
  maxNfaStates: 250_000,
  maxRepetition: 10_000,
  maxDepth: 200,
});

/** Options of {@link compileRegex}. */
export interface RegexCompileOptions extends Partial<RegexLimits> {
  /** RegExp flags (`i`, `s`, `u`, `v`, `m`, `y`; `g` and `d` are accepted and ignored). Default `""`. */
  readonly flags?: string;
  /**
   * `"whole"` (default): the whole output must match, like `^(?:p)$`.
   * `"search"`: JSON Schema `pattern` semantics, like `RegExp.prototype.test`:
   * a match may start and end anywhere unless the pattern anchors itself.
   */
  readonly mode?: RegexMode;
}

/** A compiled regex: the byte DFA plus what it was compiled from. */
export interface CompiledRegex extends ByteDfa {
  readonly pattern: string;
  readonly flags: string;
  readonly mode: RegexMode;
  /** `byteClassOf[byte]`: bytes in one class have the same transition from every state. */
  readonly byteClassOf: Uint8Array;
  /** Number of byte classes. */
  readonly byteClassCount: number;
}

function resolveLimits(options: RegexCompileOptions): RegexLimits {
  const out = { ...DEFAULT_REGEX_LIMITS };
  for (const key of Object.keys(DEFAULT_REGEX_LIMITS) as (keyof RegexLimits)[]) {
    const v = options[key];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 1) {
      throw new ArgumentError("regex-option", `The option ${key} must be a positive integer, got ${String(v)}`);
    }
    out[key] = v;
  }
  return out;
}

/**
 * Compiles an ECMAScript regular expression to a minimal byte-level DFA over
 * UTF-8 that accepts exactly the UTF-8 texts `t` for which
 * `new RegExp("^(?:" + pattern + ")$", flags).test(t)` (whole mode) or
 * `new RegExp(pattern, flags).test(t)` (search mode) is true.
 *
 * Throws `CompileError` `regex-syntax`, `UnsupportedError` for refused
 * constructs (backreferences, lookaround, `\b`, anchors under `m`, ...),
 * `ArgumentError` for bad flags or options, and `LimitError` when a limit is
 * exceeded.
 */
export function compileRegex(pattern: string, options: RegexCompileOptions = {}): CompiledRegex {
  const { root, flags, mode, limits } = lowerPattern(pattern, options);
  const dfa = compileNode(root, flags, mode, limits);
  const classes = byteClasses(dfa);
  return { ...dfa, pattern, flags: options.flags ?? "", mode, byteClassOf: classes.classOf, byteClassCount: classes.count };
}

/** Flags, mode and limits checked, the pattern's nesting checked, parsed and lowered (the front half of every compiler). */
export function lowerPattern(pattern: string, options: RegexCompileOptions): { root: RegexNode; flags: RegexFlags; mode: RegexMode; limits: RegexLimits } {
  const flags = parseFlags(options.flags ?? "");
  const mode = options.mode ?? "whole";
  if (mode !== "whole" && mode !== "search") {
    throw new ArgumentError("regex-option", `The option mode must be "whole" or "search", got ${JSON.stringify(mode)}`);
  }
  const limits = resolveLimits(options);
  checkPatternDepth(pattern, limits.maxDepth, flags.mode === "sets");
  return { root: lowerRegex(pattern, flags, limits).root, flags, mode, limits };
}

/** The character NFA of a lowered node in `mode` (search mode wraps it in Σ* … Σ*). */
export function charNfaOf(root: RegexNode, flags: RegexFlags, mode: RegexMode, limits: RegexLimits): CharNfa {
  const search = mode === "search";
  return buildCharNfa(root, {
    maxNfaStates: limits.maxNfaStates,
    prefixAny: search && !flags.sticky,
    suffixAny: search,
    anyChar: rangeSet(0, maxCharOf(flags.mode)),
  });
}

/** Compiles a lowered node (the shared back end of every front door). */
function compileNode(root: RegexNode, flags: RegexFlags, mode: RegexMode, limits: RegexLimits): ByteDfa {
  const maxChar = maxCharOf(flags.mode);
  const nfa = charNfaOf(root, flags, mode, limits);
  const charDfa = minimizeCharDfa(determinize(nfa, maxChar, limits.maxDfaStates, nfa.universal));
  const raw = expandToBytes(charDfa, flags.mode, limits.maxDfaStates);
  return minimizeDfa(raw);
}

/** Minimises the character DFA first, so that the byte expansion works on as few states as possible. */
function minimizeCharDfa(dfa: CharDfa): CharDfa {
  const A = dfa.atomCount;
  const q = quotient(dfa.stateCount, A, dfa.transitions, dfa.accepting, hopcroft(dfa.stateCount, A, dfa.transitions, dfa.accepting));
  return { ...dfa, stateCount: q.stateCount, transitions: q.transitions, accepting: q.accepting };
}

/**
 * A DFA that accepts exactly the UTF-8 encoding of one code point in the set
 * given as flat inclusive ranges `[lo0, hi0, lo1, hi1, ...]` (surrogates are
 * ignored: they have no UTF-8 encoding).
 */
export function dfaFromCodePointRanges(ranges: readonly number[], limits: Partial<RegexLimits> = {}): ByteDfa {
  const set: CharSet = normalizeRanges(ranges);
  const flags: RegexFlags = { ignoreCase: false, dotAll: true, multiline: false, sticky: false, mode: "unicode" as CharMode };
  return compileNode({ kind: "set", set }, flags, "whole", resolveLimits(limits));
}
