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
} from "./tokenizers.js";
export type { NpmTokenizerName, HfTokenizer } from "./tokenizers.js";
export { randomTexts } from "./random-text.js";
export type { RandomTextOptions } from "./random-text.js";
