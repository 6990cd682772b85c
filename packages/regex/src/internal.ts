// @formwork/regex/internal: the code-point and UTF-8 helpers the grammar engine and the schema compiler build
// on. Not for applications: names here may change in any release. The user API is `@formwork/regex`.
export { normalizeRanges, hasChar, MAX_CODE_POINT } from "./char-set.js";
export { codePointTransitions } from "./dfa-tools.js";
export type { CodePointRun } from "./dfa-tools.js";
export { byteClasses } from "./minimize.js";
export type { ByteClasses } from "./minimize.js";
export { utf8Sequences, utf8SequencesOfRanges, utf8Length, encodeCodePoint } from "./utf8-ranges.js";
export type { ByteRange } from "./utf8-ranges.js";
export { regexLimitsKey } from "./compile.js";
