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
export { GgufWriter, GgufValueType, GgmlType, gguf, float16Bits, float16Value, toFloat16 } from "./gguf-writer.js";
export type { GgufValue, GgufScalarType, GgufTensor, GgufTensorType } from "./gguf-writer.js";
export {
  buildFixtureModel,
  buildVocabGguf,
  fixtureCacheDir,
  sharedDataDir,
  spmVocabPath,
  isAsciiWord,
  FIXTURE_BUILDER_VERSION,
} from "./fixture-model.js";
export type { FixtureModel, FixtureModelOptions, FixtureHparams, FixtureTokenizer, FixtureSize } from "./fixture-model.js";
export type { Llama, LlamaModel } from "node-llama-cpp";
