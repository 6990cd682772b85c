// @formwork/testkit: private helpers for tests and benchmarks (see README.md).
export {
  loadTokenizerJson,
  loadTokenizerConfig,
  tokenizerModelsDir,
  npmVocabulary,
  qwenVocabulary,
  llama3Vocabulary,
  MODEL_VOCAB_SIZE,
  hfTokenizer,
  tokenizerPackageVersion,
  optionalNpmTokenizer,
  ggufTokenizerEntries,
  ggufTokenizerEntriesFromFile,
} from "./tokenizers.js";
export type { NpmTokenizerName, HfTokenizer, OptionalNpmTokenizer, GgufEntries } from "./tokenizers.js";
export { randomTexts } from "./random-text.js";
export type { RandomTextOptions } from "./random-text.js";
export { testLlama, testThreads, loadVocabOnlyModel, loadTestModel, readGgufTokenizerMetadata } from "./llama.js";
export { GgufWriter, GgufValueType, GgmlType, gguf, float16Bits, float16Value, toFloat16, isAsciiWord, FIXTURE_BUILDER_VERSION } from "@formwork/fixture/internal";
export type { FixtureModel, FixtureHparams, FixtureSize } from "@formwork/fixture";
export type { GgufValue, GgufScalarType, GgufTensor, GgufTensorType } from "@formwork/fixture/internal";
export { buildFixtureModel, buildVocabGguf, fixtureCacheDir, fixtureTokenizer, sharedDataDir, spmVocabPath } from "./fixtures.js";
export type { FixtureModelOptions, FixtureTokenizer } from "./fixtures.js";
export type { Llama, LlamaModel } from "node-llama-cpp";
export { teacherForcedLogprobs } from "./teacher-forcing.js";
export type { OracleMatcher } from "./teacher-forcing.js";
export { ggufHeader, ggufString, ggufU32, ggufU64 } from "./gguf-bytes.js";
