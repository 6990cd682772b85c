// @formwork/core: the per-model layer (see README.md for the key types).
export {
  FormworkError,
  CompileError,
  UnsupportedError,
  LimitError,
  ModelError,
  ArgumentError,
  describeLocation,
  lineColumnOf,
  caretExcerpt,
} from "./errors.js";
export type { ErrorLocation, FormworkErrorOptions, LimitErrorOptions } from "./errors.js";
export { ERROR_CODES, WARNING_ONLY_CODES } from "./error-codes.js";
export type { ErrorCode, WarningCode } from "./error-codes.js";
export { editDistance } from "./edit-distance.js";
export type { EditDistanceOptions } from "./edit-distance.js";
export { LIMIT_NAMES, limitCode, resolveLimits, limitExceeded, checkInputBytes, utf8ByteLength, valueDepth } from "./limits.js";
export type { Limits, LimitContext, LimitCode } from "./limits.js";
export { TokenMask, popcount32 } from "./token-mask.js";
export { Vocabulary, TokenKind } from "./vocabulary.js";
export type { VocabularyInit } from "./vocabulary.js";
export { BYTE_TO_CODE_POINT, byteOfCodePoint, encodeByteLevel, decodeByteLevel } from "./byte-unicode.js";
export { applySpecialTokenRules, EOG_TOKEN_TEXTS, EOT_TOKEN_TEXTS, FIM_TOKEN_TEXTS } from "./special-tokens.js";
export type { SpecialTokenIds } from "./special-tokens.js";
export { vocabularyFromTokenizerJson, tokenizerJsonEncoding } from "./vocabulary-hf.js";
export { vocabularyFromGguf } from "./vocabulary-gguf.js";
export type { GgufTokenizerMetadata, GgufVocabularyOptions } from "./vocabulary-gguf.js";
export type {
  TokenizerJson,
  TokenizerJsonComponent,
  TokenizerConfigJson,
  TokenizerJsonOptions,
  TokenizerJsonEncoding,
} from "./vocabulary-hf.js";
export { TokenTrie } from "./token-trie.js";
export { Rng } from "./rng.js";
export { Sampler, resolveSamplingOptions } from "./sampler.js";
export type { SamplingOptions, SampledToken } from "./sampler.js";
export type { CandidateDecoder, CandidateRequest, CandidateOutput, CandidateEvent, CandidateRunStats, CandidateStopReason } from "./candidates.js";
