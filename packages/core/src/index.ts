// @formwork/core: the per-model layer (see README.md for the key types). The user API; what the other
// Formwork packages share below it (limit checks, text locations, byte-level tokenizer helpers, edit
// distance) is in `@formwork/core/internal`, with no compatibility promise.
export {
  FormworkError,
  CompileError,
  UnsupportedError,
  LimitError,
  ModelError,
  ArgumentError,
  describeLocation,
  shortPointer,
} from "./errors.js";
export type { ErrorLocation, FormworkErrorOptions, LimitErrorOptions } from "./errors.js";
export { ERROR_CODES, WARNING_ONLY_CODES } from "./error-codes.js";
export type { ErrorCode, WarningCode } from "./error-codes.js";
export { LIMIT_NAMES } from "./limits.js";
export type { Limits, LimitCode } from "./limits.js";
export { TokenMask } from "./token-mask.js";
export { Vocabulary, TokenKind } from "./vocabulary.js";
export type { VocabularyInit } from "./vocabulary.js";
export { vocabularyFromTokenizerJson } from "./vocabulary-hf.js";
export { vocabularyFromGguf } from "./vocabulary-gguf.js";
export type { GgufTokenizerMetadata, GgufVocabularyOptions } from "./vocabulary-gguf.js";
export type { TokenizerJson, TokenizerJsonComponent, TokenizerConfigJson, TokenizerJsonOptions, TokenizerJsonEncoding } from "./vocabulary-hf.js";
export { TokenTrie } from "./token-trie.js";
export { Rng } from "./rng.js";
export { Sampler } from "./sampler.js";
export type { SamplingOptions, SampledToken, CandidateTail } from "./sampler.js";
export type { CandidateDecoder, CandidateRequest, CandidateOutput, CandidateEvent, CandidateRunStats, CandidateStopReason } from "./candidates.js";
