/**
 * `compileRegex`: ECMAScript pattern → minimal, trimmed byte-level DFA;
 * `compileAst`: the same from a character-level AST; `parseRegex`: pattern →
 * AST over code points.
 *
 * Pipeline: regexpp parse → lowered AST (refusals here) → character NFA →
 * character DFA over atoms → UTF-8 byte DFA → Hopcroft minimisation and
 * dead-state removal.
 */
import { ArgumentError, UnsupportedError, type Limits } from "@formwork/core";
import { caretExcerpt, resolveLimits as resolveCoreLimits } from "@formwork/core/internal";
import { REGEX_LIMIT_NAMES } from "./limit-advice.js";
import { type RegexAst, mapCharSets } from "./ast.js";
import { buildCharNfa, type CharNfa } from "./char-nfa.js";
import { checkPatternDepth } from "./pattern-depth.js";
import { type CharDfa, determinize } from "./char-dfa.js";
import { expandToBytes } from "./byte-expand.js";
import { byteClasses, hopcroft, minimizeDfa, quotient } from "./minimize.js";
import { type RegexFlags, lowerRegex, parseFlags } from "./regex-ast.js";
import { type CharSet, intersect, normalizeRanges, rangeSet, subtract } from "./char-set.js";
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

/**
 * Limits of {@link compileRegex}; each fails with a `LimitError` that names
 * it. The first three are also limits of the one `limits` object
 * (docs/limits.md), as `maxRegexDfaStates`, `maxRegexNfaStates` and
 * `maxRepetition` (CLI: `--limit maxRegexDfaStates=N`): see
 * {@link RegexLimitOptions}.
 */
export interface RegexLimits {
  /**
   * Most DFA states built at any stage (character DFA, byte DFA before
   * minimisation); the subsets of the character DFA may also track at most
   * 1,000 × this many NFA positions in all. Default 20,000. Memory is about
   * 1 KiB per byte state. Exceeding it throws `LimitError` `regex-dfa-limit`
   * (limit `maxRegexDfaStates`).
   */
  readonly maxDfaStates: number;
  /**
   * Most NFA states. Default 250,000; each copy of a counted repetition costs
   * states. Exceeding it throws `LimitError` `regex-nfa-limit` (limit
   * `maxRegexNfaStates`).
   */
  readonly maxNfaStates: number;
  /**
   * Largest count in `{m}`, `{m,}`, `{m,n}`. Default 10,000. Exceeding it
   * throws `LimitError` `regex-repetition-limit` (limit `maxRepetition`).
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

/**
 * The limits of a regex compile: the options of {@link RegexLimits} by their
 * names, or the one `limits` object of every entry point (docs/limits.md),
 * whose `maxRegexDfaStates`, `maxRegexNfaStates` and `maxRepetition` set
 * `maxDfaStates`, `maxNfaStates` and `maxRepetition` (its other fields do
 * not apply and are ignored). An option given by its own name wins.
 */
export interface RegexLimitOptions extends Partial<RegexLimits> {
  /** Limits by their names in `@formwork/core`'s `Limits` (a positive integer or `Infinity` each). */
  readonly limits?: Partial<Limits>;
}

/** Options of {@link compileRegex}. */
export interface RegexCompileOptions extends RegexLimitOptions {
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

/**
 * The limits of `options` with defaults filled in: `options.limits` first
 * (`maxRegexDfaStates` → `maxDfaStates`, ...; `bad-limit` for a bad value),
 * then the options by their own names (`ArgumentError` `regex-option` for a
 * value that is not a positive integer or `Infinity`).
 */
export function resolveLimits(options: RegexLimitOptions): RegexLimits {
  const out = { ...DEFAULT_REGEX_LIMITS };
  if (options.limits !== undefined) {
    const given = resolveCoreLimits<Partial<Limits>>({ maxRegexDfaStates: undefined, maxRegexNfaStates: undefined, maxRepetition: undefined }, options.limits);
    for (const [option, name] of Object.entries(REGEX_LIMIT_NAMES) as [keyof typeof REGEX_LIMIT_NAMES, keyof Limits][]) {
      const v = given[name];
      if (v !== undefined) out[option] = v;
    }
  }
  for (const key of Object.keys(DEFAULT_REGEX_LIMITS) as (keyof RegexLimits)[]) {
    const v = options[key];
    if (v === undefined) continue;
    if (!(v === Infinity || (Number.isInteger(v) && v >= 1))) {
      throw new ArgumentError("regex-option", `The option ${key} must be a positive integer or Infinity, got ${String(v)}`);
    }
    out[key] = v;
  }
  return out;
}

/** The regex limits `limits` sets, as a short cache key (`""` when none differs from the defaults). */
export function regexLimitsKey(options: RegexLimitOptions | undefined): string {
  if (options === undefined) return "";
  const l = resolveLimits(options);
  const d = DEFAULT_REGEX_LIMITS;
  return l.maxDfaStates === d.maxDfaStates && l.maxNfaStates === d.maxNfaStates && l.maxRepetition === d.maxRepetition && l.maxDepth === d.maxDepth ? "" : `${l.maxDfaStates}/${l.maxNfaStates}/${l.maxRepetition}/${l.maxDepth}`;
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
export function lowerPattern(pattern: string, options: RegexCompileOptions): { root: RegexAst; flags: RegexFlags; mode: RegexMode; limits: RegexLimits } {
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
export function charNfaOf(root: RegexAst, flags: RegexFlags, mode: RegexMode, limits: RegexLimits): CharNfa {
  const search = mode === "search";
  return buildCharNfa(root, {
    maxNfaStates: limits.maxNfaStates,
    prefixAny: search && !flags.sticky,
    suffixAny: search,
    anyChar: rangeSet(0, maxCharOf(flags.mode)),
  });
}

/** Compiles a lowered node (the shared back end of every front door). */
function compileNode(root: RegexAst, flags: RegexFlags, mode: RegexMode, limits: RegexLimits): ByteDfa {
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

const UNICODE_FLAGS: RegexFlags = { ignoreCase: false, dotAll: true, multiline: false, sticky: false, mode: "unicode" as CharMode };

/** Options of {@link compileAst}. */
export interface AstCompileOptions extends RegexLimitOptions {
  /** `"whole"` (default) or `"search"` (a match may start and end anywhere; anchors as in `RegExp`). */
  readonly mode?: RegexMode;
}

/**
 * Compiles a character-level AST (code points) to the minimal byte DFA of
 * its language over UTF-8 (`^`/`$` nodes match only at the start/end of the
 * text). Throws `LimitError` past a limit, `ArgumentError` for bad options.
 */
export function compileAst(ast: RegexAst, options: AstCompileOptions = {}): ByteDfa {
  const mode = options.mode ?? "whole";
  if (mode !== "whole" && mode !== "search") {
    throw new ArgumentError("regex-option", `The option mode must be "whole" or "search", got ${JSON.stringify(mode)}`);
  }
  const limits = resolveLimits(options);
  // The same AST object (a format, a parsed pattern) is often compiled again: cache by identity.
  const key = `${mode}/${limits.maxDfaStates}/${limits.maxNfaStates}`;
  let byKey = astCache.get(ast);
  const hit = byKey?.get(key);
  if (hit) return hit;
  const dfa = compileNode(ast, UNICODE_FLAGS, mode, limits);
  if (!byKey) astCache.set(ast, (byKey = new Map()));
  byKey.set(key, dfa);
  return dfa;
}

/** Compiled DFAs by AST object and mode/limits (dropped with the AST). */
const astCache = new WeakMap<RegexAst, Map<string, ByteDfa>>();

/** Options of {@link parseRegex}. */
export interface ParseRegexOptions extends RegexLimitOptions {
  /** RegExp flags, as for {@link compileRegex} (`y`, `g`, `d` do not change the AST). Default `""`. */
  readonly flags?: string;
}

/**
 * Parses an ECMAScript pattern into the character-level AST of the strings
 * it matches as a whole, over code points, with the flags applied (`i`, `s`
 * fold into the character sets); `^` and `$` stay as anchor nodes.
 *
 * Without `u` or `v` a pattern is read over UTF-16 code units, as `RegExp`
 * does; its AST is then rewritten over code points (a supplementary
 * character stands for the pair of its surrogates) and the result is
 * checked against the exact compilation of the pattern. A legacy pattern
 * whose language cannot be written character by character (e.g. `^.$`,
 * which matches one code unit, never a whole emoji) is refused with
 * `UnsupportedError` `regex-code-units`. Throws what {@link compileRegex}
 * throws for syntax, refused constructs and limits.
 */
export function parseRegex(pattern: string, options: ParseRegexOptions = {}): RegexAst {
  const flagText = options.flags ?? "";
  const { root, flags, limits } = lowerPattern(pattern, { ...options, mode: "whole" });
  if (flags.mode !== "legacy") return root;
  let touchesSurrogates = false;
  const ast = mapCharSets(root, (set) => {
    if (intersect(set, SURROGATES).length > 0) touchesSurrogates = true;
    return codeUnitsToCodePoints(set);
  });
  // No set holds a surrogate code unit: every match is a sequence of BMP characters, one code unit each, and
  // the sets are the same over code points, so the check below cannot fail (it costs two DFA builds, hundreds
  // of milliseconds for ajv-formats' case-insensitive URI regex).
  if (!touchesSurrogates) return ast;
  const exact = compileNode(root, flags, "whole", limits);
  if (!sameDfa(compileNode(ast, UNICODE_FLAGS, "whole", limits), exact)) {
    throw new UnsupportedError("regex-code-units", `The pattern /${pattern}/${flagText} matches UTF-16 code units in a way no pattern over whole characters can express (a surrogate pair is split)\n${caretExcerpt(pattern, 0)}\n`, {
      location: { kind: "span", start: 0, end: pattern.length, source: pattern, line: 1, column: 1 },
      hint: "Add the u flag (then . and classes match whole characters), or compile the pattern with compileRegex, which is exact for code units.",
    });
  }
  return ast;
}

const HIGH: CharSet = [0xd800, 0xdbff];
const LOW: CharSet = [0xdc00, 0xdfff];
const SURROGATES: CharSet = [0xd800, 0xdfff];

/** A legacy set over code units → a set over code points: a supplementary character is in it when both its surrogates are. */
function codeUnitsToCodePoints(set: CharSet): CharSet {
  const highs = intersect(set, HIGH);
  const lows = intersect(set, LOW);
  const out = [...subtract(set, SURROGATES)];
  const cp = (h: number, l: number) => 0x10000 + (h - 0xd800) * 0x400 + (l - 0xdc00);
  for (let i = 0; i < highs.length; i += 2) {
    for (let j = 0; j < lows.length; j += 2) {
      if (lows[j] === 0xdc00 && lows[j + 1] === 0xdfff) out.push(cp(highs[i], 0xdc00), cp(highs[i + 1], 0xdfff));
      else for (let h = highs[i]; h <= highs[i + 1]; h++) out.push(cp(h, lows[j]), cp(h, lows[j + 1]));
    }
  }
  return normalizeRanges(out);
}

/** Whether two minimal DFAs are the same automaton (minimal DFAs numbered breadth-first are equal exactly when their languages are). */
export function sameDfa(a: ByteDfa, b: ByteDfa): boolean {
  if (a.stateCount !== b.stateCount) return false;
  for (let i = 0; i < a.accepting.length; i++) if (a.accepting[i] !== b.accepting[i]) return false;
  for (let i = 0; i < a.transitions.length; i++) if (a.transitions[i] !== b.transitions[i]) return false;
  return true;
}
