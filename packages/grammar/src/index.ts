// @formwork/grammar: the IR, the GBNF front end, the compiler and the matcher.

// --- IR (lead) ---
export {
  literal,
  charClass,
  any,
  ref,
  seq,
  alt,
  repeat,
  optional,
  star,
  plus,
  regex,
  lexeme,
  grammar,
  normalizeRanges,
  effectiveRanges,
  MAX_CODE_POINT,
} from "./ir.js";
export type {
  Node,
  Grammar,
  SourceSpan,
  LiteralNode,
  ClassNode,
  AnyNode,
  RefNode,
  SeqNode,
  AltNode,
  RepeatNode,
  RegexNode,
  LexemeNode,
} from "./ir.js";

// --- GBNF front end, printer, analysis, reference recognizer (helper: front end) ---
export { parseGbnf, parseGbnfWithWarnings } from "./gbnf/parse-gbnf.js";
export type { ParseGbnfOptions, ParsedGbnf } from "./gbnf/parse-gbnf.js";
export {
  analyzeGrammar,
  findLeftRecursion,
  nullableRules,
  productiveRules,
  reachableRules,
  isNullable,
  isProductive,
  walkNodes,
} from "./analyze.js";
export type { GrammarAnalysis, GrammarWarning, AnalyzeOptions } from "./analyze.js";
export { printGbnf } from "./print.js";
export type { PrintGbnfOptions } from "./print.js";
export { astToIr, automatonToRules, regexToRules } from "./regex-ir.js";
export type { AutomatonRulesOptions, CharsToIr, RegexRules } from "./regex-ir.js";

// --- compiler, matcher, masks (helper: engine) ---
export { GrammarCompiler, compileGrammar } from "./engine/compiler.js";
export { CompiledGrammar } from "./engine/compiled-grammar.js";
export type { CompiledGrammarStats } from "./engine/compiled-grammar.js";
export { GrammarMatcher } from "./engine/matcher.js";
export { checkText, textCompiler } from "./check-text.js";
export type { TextCheck } from "./check-text.js";
export type { Mismatch } from "./engine/matcher.js";
export { DEFAULT_ENGINE_OPTIONS, resolveEngineOptions } from "./engine/options.js";
export type { EngineOptions, ResolvedEngineOptions } from "./engine/options.js";
export { sliceTuning } from "./engine/slice.js";
export { cyclicComponents, stronglyConnectedComponents } from "./cycles.js";
export { leafSizeEstimate } from "./engine/rule-graph.js";
