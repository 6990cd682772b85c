// @formwork/regex: the regular-language layer. Patterns and ASTs → exact byte-level DFAs,
// boolean operations and length bounds, quoted modes (see README.md and docs/design/regex-layer.md). The
// user API; the code-point and UTF-8 helpers the grammar engine builds on are in `@formwork/regex/internal`.
export { compileRegex, compileAst, parseRegex, sameDfa, DEFAULT_REGEX_LIMITS } from "./compile.js";
export type { ByteDfa, CompiledRegex, RegexCompileOptions, AstCompileOptions, ParseRegexOptions, RegexLimits, RegexLimitOptions, RegexMode } from "./compile.js";
export { compileMatcher } from "./lazy-match.js";
export type { RegexMatcher } from "./lazy-match.js";
export { rx, mapCharSets, hasAnchors, searchAst, lengthBounds, withLength } from "./ast.js";
export type { RegexAst } from "./ast.js";
export { combineLanguages, intersectLanguages, unionLanguages, complementLanguage, withoutAsciiChars } from "./languages.js";
export type { Language, LanguageSpec } from "./languages.js";
export { JSON_STRING, CSV_QUOTED, csvBare, quoteAst, quoteCharSet } from "./quote.js";
export type { Quoting } from "./quote.js";
export {
  union as charSetUnion,
  intersect as charSetIntersection,
  subtract as charSetDifference,
  complement as charSetComplement,
} from "./char-set.js";
export type { CharSet } from "./char-set.js";
export { runBytes, matchesBytes, matchesText, minBytesToAccept, sampleMatch } from "./dfa-tools.js";
export type { SampleOptions } from "./dfa-tools.js";
