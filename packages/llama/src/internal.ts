// @formwork/llama/internal: the decoding parts below the user API, for benchmarks and tests. Not for
// applications: names here may change in any release. The user API is `@formwork/llama`.
export { modelVocabulary } from "./load-model.js";
export { NativeLogits, ALLOWED_BIAS, candidatesToRead, DEFAULT_CANDIDATES, SMALL_TOP_K } from "./native-logits.js";
export type { Candidates, LogitsSource } from "./native-logits.js";
export { fastForwardTokens } from "./fast-forward.js";
export { SequenceDecoder } from "./decode-sequence.js";
export type { Tokenize } from "./fast-forward.js";
export { greedyTokens, finishPlan, fitsBudget, acceptIfFits, everyByteIsToken, tokensToFinish } from "./length-budget.js";
export { parsePartialJson } from "./partial-json.js";
export { promptTokens } from "./prompt.js";
export { checkNodeLlamaCppVersion, nodeLlamaCppVersion } from "./version.js";
export { resolveModelSource, modelSourceKind } from "./model-source.js";
export type { ModelSourceKind, ModelSourceOptions } from "./model-source.js";
