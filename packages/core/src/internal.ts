// @formwork/core/internal: what the Formwork packages share below their user APIs. Not for applications:
// names here may change in any release. The user API is `@formwork/core`.
export { lineColumnOf, caretExcerpt } from "./errors.js";
export { editDistance } from "./edit-distance.js";
export type { EditDistanceOptions } from "./edit-distance.js";
export { limitCode, resolveLimits, limitExceeded, checkInputBytes, utf8ByteLength, valueDepth } from "./limits.js";
export type { LimitContext } from "./limits.js";
export { popcount32 } from "./token-mask.js";
export { BYTE_TO_CODE_POINT, byteOfCodePoint, encodeByteLevel, decodeByteLevel } from "./byte-unicode.js";
export { applySpecialTokenRules, EOG_TOKEN_TEXTS, EOT_TOKEN_TEXTS, FIM_TOKEN_TEXTS } from "./special-tokens.js";
export type { SpecialTokenIds } from "./special-tokens.js";
export { tokenizerJsonEncoding } from "./vocabulary-hf.js";
export { resolveSamplingOptions } from "./sampler.js";
export { grownI32, grownU8, insertByLo, sortPrefix, dedupSorted, hashList, ListTable } from "./int-lists.js";
