/**
 * The regex front end: an ECMAScript pattern parsed by
 * `@eslint-community/regexpp` and lowered to a small language-only AST
 * (character sets, sequences, alternations, bounded or unbounded repeats, and
 * the two edge anchors). Captures, laziness and group names vanish here: they
 * do not change which strings match. Everything a finite automaton cannot
 * express exactly is refused with an `UnsupportedError` that names the
 * construct and points at it.
 */
import { RegExpParser, type AST } from "@eslint-community/regexpp";
import { ArgumentError, CompileError, UnsupportedError, type ErrorCode } from "@formwork/core";
import { caretExcerpt, lineColumnOf } from "@formwork/core/internal";
import { type CharSet, complement, intersect, rangeSet, subtract, union, unionAll } from "./char-set.js";
import { type CharMode, caseClosure, escapeCharSet, maxCharOf } from "./unicode-tables.js";
import type { RegexAst } from "./ast.js";
import { regexLimitError } from "./limit-advice.js";

/** The flags that change the language, after validation. */
export interface RegexFlags {
  readonly ignoreCase: boolean;
  readonly dotAll: boolean;
  readonly multiline: boolean;
  readonly sticky: boolean;
  readonly mode: CharMode;
}

/** A parsed and lowered pattern. Character values are code points (`u`/`v`) or UTF-16 code units (legacy). */
export interface LoweredRegex {
  readonly root: RegexAst;
  readonly flags: RegexFlags;
}

/** Parses `flags` (any of `dgimsuvy`, each at most once, not both `u` and `v`); throws `ArgumentError` `regex-flags`. */
export function parseFlags(flags: string): RegexFlags {
  const seen = new Set<string>();
  for (const f of flags) {
    if (!"dgimsuvy".includes(f) || seen.has(f)) {
      throw new ArgumentError("regex-flags", `Invalid regex flags "${flags}": "${f}" is ${seen.has(f) ? "repeated" : "not a RegExp flag"}`, {
        hint: "Use a subset of d, g, i, m, s, u, v, y with each flag at most once.",
      });
    }
    seen.add(f);
  }
  if (seen.has("u") && seen.has("v")) {
    throw new ArgumentError("regex-flags", `Invalid regex flags "${flags}": "u" and "v" cannot be combined`, { hint: "Use v alone (it includes u)." });
  }
  return {
    ignoreCase: seen.has("i"),
    dotAll: seen.has("s"),
    multiline: seen.has("m"),
    sticky: seen.has("y"),
    mode: seen.has("v") ? "sets" : seen.has("u") ? "unicode" : "legacy",
  };
}

function span(pattern: string, start: number, end: number) {
  return { kind: "span" as const, start, end, source: pattern, ...lineColumnOf(pattern, start) };
}

/** Throws the `UnsupportedError` for a refused construct, with offset and caret excerpt. */
function refuse(pattern: string, node: { start: number; end: number }, code: ErrorCode, what: string, why: string): never {
  throw new UnsupportedError(code, `${what} is not supported in a regex constraint: ${why}\n${caretExcerpt(pattern, node.start)}\n`, {
    location: span(pattern, node.start, node.end),
    hint: "Rewrite the pattern without it (see docs/regex.md for what is supported).",
  });
}

/** Options of {@link lowerRegex}. */
export interface LowerOptions {
  /** Largest count allowed in `{m}`, `{m,}`, `{m,n}`. */
  readonly maxRepetition: number;
}

/**
 * Parses `pattern` under `flags` and lowers it. Throws `CompileError`
 * `regex-syntax` for invalid syntax, `UnsupportedError` for refused
 * constructs, and `LimitError` `regex-repetition-limit` for counts above
 * `maxRepetition`.
 */
export function lowerRegex(pattern: string, flags: RegexFlags, options: LowerOptions): LoweredRegex {
  let ast: AST.Pattern;
  try {
    ast = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(pattern, 0, pattern.length, {
      unicode: flags.mode === "unicode",
      unicodeSets: flags.mode === "sets",
    });
  } catch (e) {
    const index = typeof (e as { index?: unknown }).index === "number" ? (e as { index: number }).index : 0;
    const msg = (e as Error).message;
    throw new CompileError("regex-syntax", `${msg}\n${caretExcerpt(pattern, index)}\n`, {
      location: span(pattern, index, index + 1),
      hint: "Fix the syntax; the pattern is read as a JavaScript RegExp with the given flags.",
      cause: e,
    });
  }
  const mode = flags.mode;
  const max = maxCharOf(mode);
  const fold = (s: CharSet): CharSet => (flags.ignoreCase ? caseClosure(s, mode) : s);

  const escapeSet = (node: AST.CharacterSet): CharSet => {
    if (node.kind === "any") {
      return flags.dotAll ? rangeSet(0, max) : complement([0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029], max);
    }
    if (node.kind === "property" && node.strings) {
      refuse(pattern, node, "regex-property-of-strings", `The property of strings ${node.raw}`, "it matches multi-character strings, which Formwork does not compile yet.");
    }
    if (node.kind === "property" && flags.ignoreCase && mode === "sets" && node.parent.type !== "Alternative" && node.parent.type !== "Quantifier") {
      refuse(pattern, node, "regex-v-ignorecase-property", `The property escape ${node.raw} inside a class under the flags i and v`, "engines disagree on how it folds case there (V8 does not follow the specification), so it cannot be compiled exactly; use it outside the class or drop the i flag.");
    }
    return escapeCharSet(node.raw, mode, flags.ignoreCase);
  };

  const classElement = (el: AST.Node): CharSet => {
    switch (el.type) {
      case "Character":
        return fold([el.value, el.value]);
      case "CharacterClassRange":
        return fold(rangeSet(el.min.value, el.max.value));
      case "CharacterSet":
        return escapeSet(el);
      case "CharacterClass":
        return classSet(el);
      case "ExpressionCharacterClass": {
        const inner = expression(el.expression);
        return el.negate ? complement(inner, max) : inner;
      }
      case "ClassStringDisjunction":
        refuse(pattern, el, "regex-class-strings", `The string disjunction ${el.raw}`, "classes that contain strings are not compiled yet.");
      // eslint-disable-next-line no-fallthrough
      default:
        throw new Error(`unexpected class element ${el.type}`);
    }
  };

  const expression = (e: AST.ClassIntersection | AST.ClassSubtraction): CharSet => {
    const left = e.left.type === "ClassIntersection" || e.left.type === "ClassSubtraction" ? expression(e.left) : classElement(e.left);
    const right = classElement(e.right);
    return e.type === "ClassIntersection" ? intersect(left, right) : subtract(left, right);
  };

  const classSet = (node: AST.CharacterClass): CharSet => {
    const members = unionAll(node.elements.map((el) => classElement(el)));
    // Under `i`, every member set is already closed under case folding, so
    // the complement of the union is exactly "no member folds to it".
    return node.negate ? complement(members, max) : members;
  };

  const alternatives = (alts: readonly AST.Alternative[]): RegexAst => {
    const items = alts.map((a) => sequence(a));
    return items.length === 1 ? items[0] : { kind: "alt", items };
  };

  const sequence = (alt: AST.Alternative): RegexAst => {
    const items = alt.elements.map((el) => element(el));
    return items.length === 1 ? items[0] : { kind: "seq", items };
  };

  const element = (el: AST.Element): RegexAst => {
    switch (el.type) {
      case "Character":
      case "CharacterClass":
      case "CharacterSet":
      case "ExpressionCharacterClass":
        return { kind: "set", set: classElement(el) };
      case "Group":
        if (el.modifiers) {
          refuse(pattern, el.modifiers, "regex-modifiers", `The inline modifier group ${el.raw.slice(0, el.modifiers.end - el.start + 1)}`, "pattern modifiers are not supported by the Node.js versions Formwork targets, so they cannot be checked against RegExp.");
        }
        return alternatives(el.alternatives);
      case "CapturingGroup":
        return alternatives(el.alternatives);
      case "Quantifier": {
        const limit = options.maxRepetition;
        const count = Number.isFinite(el.max) ? el.max : el.min;
        if (count > limit) {
          throw regexLimitError("maxRepetition", limit, `The repetition ${el.raw.slice(el.element.end - el.start)} asks for ${count} repetitions, past the limit maxRepetition = ${limit}\n${caretExcerpt(pattern, el.element.end)}\n`, "use an unbounded quantifier (* or +) if any count is acceptable", span(pattern, el.element.end, el.end));
        }
        return { kind: "repeat", item: element(el.element), min: el.min, max: el.max };
      }
      case "Assertion":
        switch (el.kind) {
          case "start":
          case "end":
            if (flags.multiline) {
              refuse(pattern, el, "regex-multiline-anchor", `The anchor ${el.raw} under the m flag`, "line anchors depend on the neighbouring character; drop the m flag or the anchor.");
            }
            return { kind: el.kind === "start" ? "bol" : "eol" };
          case "word":
            return refuse(pattern, el, "regex-word-boundary", `The word boundary ${el.raw}`, "it depends on the characters on both sides, which this compiler does not track.");
          case "lookahead":
            return refuse(pattern, el, "regex-lookahead", `The lookahead ${el.raw}`, "lookaround depends on the text around a position, which the AST cannot express (write the condition as a separate pattern to intersect, e.g. with combineLanguages).");
          case "lookbehind":
            return refuse(pattern, el, "regex-lookbehind", `The lookbehind ${el.raw}`, "lookaround depends on the text around a position, which the AST cannot express (write the condition as a separate pattern to intersect, e.g. with combineLanguages).");
        }
      // eslint-disable-next-line no-fallthrough
      case "Backreference":
        return refuse(pattern, el, "regex-backreference", `The backreference ${el.raw}`, "a backreference repeats captured text, which no finite automaton can express.");
    }
  };

  return { root: alternatives(ast.alternatives), flags };
}
