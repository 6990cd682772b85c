// @formwork/regex: ECMAScript regular expressions → exact byte-level DFAs (see README.md).
export { compileRegex, dfaFromCodePointRanges, DEFAULT_REGEX_LIMITS } from "./compile.js";
export { compileMatcher } from "./lazy-match.js";
export type { RegexMatcher } from "./lazy-match.js";
export type { ByteDfa, CompiledRegex, RegexCompileOptions, RegexLimits, RegexMode } from "./compile.js";
export {
  runBytes,
  matchesBytes,
  matchesText,
  minBytesToAccept,
  sampleMatch,
  nextCodePoints,
  describeCodePoints,
  checkText,
} from "./dfa-tools.js";
export type { SampleOptions, CheckResult } from "./dfa-tools.js";
export { byteClasses } from "./minimize.js";
export type { ByteClasses } from "./minimize.js";
export { utf8Sequences, utf8SequencesOfRanges, utf8Length, encodeCodePoint } from "./utf8-ranges.js";
export type { ByteRange } from "./utf8-ranges.js";
