// @formwork/llama: constrained generation on node-llama-cpp (see README.md).
export { generate, generateStream } from "./generate.js";
export type { GenerateOptions, GenerateResult, GenerateTimings, GenerateChunk, GeneratedValue } from "./generate.js";
export { loadModel, modelVocabulary } from "./load-model.js";
export type { LoadModelOptions, LoadedModel } from "./load-model.js";
export type { Constraint, ConstraintOptions, ConstraintWarning, SchemaValue } from "@formwork/constraint";
export { decodeLoop } from "./decode.js";
export type { DecodeLoopOptions, SequenceOptions, DecodeEvent, LoopStats, DecodedToken, DecodeStats, DecodeEnd, StopReason } from "./decode.js";
export { NativeLogits, ALLOWED_BIAS } from "./native-logits.js";
export type { Candidates, LogitsSource } from "./native-logits.js";
export { fastForwardTokens } from "./fast-forward.js";
export type { Tokenize } from "./fast-forward.js";
export { greedyTokens, finishPlan, fitsBudget } from "./length-budget.js";
export { parsePartialJson } from "./partial-json.js";
export { promptTokens } from "./prompt.js";
export type { ChatMessage } from "./prompt.js";
export { checkNodeLlamaCppVersion, nodeLlamaCppVersion, SUPPORTED_NODE_LLAMA_CPP } from "./version.js";
export { resolveModelSource, modelSourceKind } from "./model-source.js";
export type { ModelSourceKind, ModelSourceOptions, DownloadProgress } from "./model-source.js";
