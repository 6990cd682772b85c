// @formwork/llama: constrained generation on node-llama-cpp (see README.md). The user API; the decoding
// parts below it (native logits, fast-forward, length budget, model sources, the version check) are in
// `@formwork/llama/internal`.
export { generate, generateStream } from "./generate.js";
export type { GenerateOptions, GenerateResult, GenerateTimings, GenerateChunk, GeneratedValue } from "./generate.js";
export { loadModel, checkMaxTokensFit, DEFAULT_CONTEXT_SIZE } from "./load-model.js";
export type { LoadModelOptions, LoadedModel } from "./load-model.js";
export type { Constraint, ConstraintOptions, ConstraintWarning, SchemaValue } from "@formwork/constraint";
export { decodeLoop } from "./decode.js";
export type { DecodeLoopOptions, SequenceOptions, DecodeEvent, LoopStats, DecodedToken, DecodeStats, DecodeEnd, StopReason } from "./decode.js";
export type { ChatMessage } from "./prompt.js";
export { SUPPORTED_NODE_LLAMA_CPP } from "./version.js";
export type { DownloadProgress } from "./model-source.js";
export { candidateDecoder, decodeCandidates } from "./candidates.js";
export type { CandidateDecoderOptions, LlamaCandidateDecoder, DecodeCandidatesOptions } from "./candidates.js";
export type { CandidateDecoder, CandidateRequest, CandidateOutput, CandidateEvent, CandidateRunStats, CandidateStopReason } from "@formwork/core";
