// @formwork/grammar: the grammar IR, the GBNF front end, the compiler and the matcher (see README.md). The
// user API; the analyses, IR helpers and engine tuning the other Formwork packages use are in
// `@formwork/grammar/internal`, the test oracles in `@formwork/grammar/testing`.

// --- IR ---
export { literal, charClass, any, ref, seq, alt, repeat, optional, star, plus, regex, lexeme, automaton, grammar } from "./ir.js";
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
  AutomatonNode,
} from "./ir.js";

// --- GBNF front end, printer, analysis ---
export { parseGbnf, parseGbnfWithWarnings } from "./gbnf/parse-gbnf.js";
export type { ParseGbnfOptions, ParsedGbnf } from "./gbnf/parse-gbnf.js";
export { analyzeGrammar, findLeftRecursion } from "./analyze.js";
export type { GrammarAnalysis, GrammarWarning, AnalyzeOptions } from "./analyze.js";
export { printGbnf } from "./print.js";
export type { PrintGbnfOptions } from "./print.js";
export { regexToRules } from "./regex-ir.js";
export type { RegexRules } from "./regex-ir.js";

// --- compiler, matcher, masks ---
export { GrammarCompiler, compileGrammar } from "./engine/compiler.js";
export { CompiledGrammar } from "./engine/compiled-grammar.js";
export type { CompiledGrammarStats } from "./engine/compiled-grammar.js";
export { GrammarMatcher } from "./engine/matcher.js";
export type { Mismatch } from "./engine/matcher.js";
export { checkText, textCompiler } from "./check-text.js";
export type { TextCheck } from "./check-text.js";
export type { EngineOptions } from "./engine/options.js";
