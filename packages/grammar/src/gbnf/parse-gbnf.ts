/**
 * `parseGbnf`: GBNF text (llama.cpp's dialect) → grammar IR, with spans and
 * errors that name the line and column.
 */
import type { IRecognitionException, IToken } from "chevrotain";
import { LimitError, type CompileError, type Limits } from "@formwork/core";
import { checkInputBytes, limitExceeded, lineColumnOf } from "@formwork/core/internal";
import type { Grammar } from "../ir.js";
import { analyzeGrammar, type GrammarWarning } from "../analyze.js";
import { gbnfLexer, significantTokens, Newline, Pipe, Star, Plus, Question, LBrace, LParen, RParen, Comma, Name, Define } from "./lexer.js";
import { gbnfParser } from "./parser.js";
import { cstToGrammar } from "./to-ir.js";
import { sourceError } from "./source-error.js";
import { checkGrammarLimits, resolveGrammarLimits, type GrammarLimits } from "../limits.js";

/** Options of {@link parseGbnf}. */
export interface ParseGbnfOptions {
  /** The start rule (default `"root"`, as in llama.cpp). */
  root?: string;
  /**
   * Size limits (defaults in `DEFAULT_GRAMMAR_LIMITS`): `maxInputBytes`
   * (8 MiB of text), `maxDepth` (200 levels of parentheses and repetition
   * operators), `maxRules` (100,000). Past one: `LimitError` `max-input-bytes`,
   * `max-depth` or `max-rules`. Other fields of a shared `limits` object are ignored.
   */
  limits?: Partial<Limits>;
}

/** A parsed grammar and the warnings found while checking it. */
export interface ParsedGbnf {
  grammar: Grammar;
  warnings: GrammarWarning[];
}

/**
 * Parses GBNF text into a {@link Grammar} and checks it, throwing a
 * `CompileError` for the first problem: a syntax error (`gbnf-syntax`,
 * `gbnf-bad-escape`, `gbnf-bad-class-range`, `gbnf-bad-repetition`,
 * `gbnf-duplicate-rule`, `gbnf-unterminated-literal`,
 * `gbnf-unterminated-class`), an unsupported construct
 * (`gbnf-token-reference`, an `UnsupportedError`), or a semantic error
 * (`gbnf-no-root`, `gbnf-undefined-rule`, `gbnf-empty-language`,
 * `gbnf-rule-never-finishes`), or a `LimitError` for text past
 * `options.limits`. Warnings (unused rules) are returned by
 * {@link parseGbnfWithWarnings}.
 */
export function parseGbnf(text: string, options: ParseGbnfOptions = {}): Grammar {
  return parseGbnfWithWarnings(text, options).grammar;
}

/** Like {@link parseGbnf}, and also returns the warnings (e.g. `gbnf-unused-rule`). */
export function parseGbnfWithWarnings(text: string, options: ParseGbnfOptions = {}): ParsedGbnf {
  const root = options.root ?? "root";
  const limits = resolveGrammarLimits(options.limits);
  checkInputBytes(text, limits.maxInputBytes, { what: "the GBNF text" });
  const lexed = gbnfLexer.tokenize(text);
  if (lexed.errors.length > 0) throw lexError(text, lexed.errors[0].offset);
  const tokens = significantTokens(lexed.tokens, text.length);
  // The parser recurses once per parenthesis: check the nesting before it runs.
  checkTokenLimits(text, tokens, limits);
  gbnfParser.input = tokens;
  let cst: ReturnType<typeof gbnfParser.grammar>;
  let grammar: Grammar;
  try {
    cst = gbnfParser.grammar();
    if (gbnfParser.errors.length > 0) throw syntaxError(text, gbnfParser.errors[0]);
    grammar = cstToGrammar(cst, text, root);
  } catch (err) {
    // A maxDepth raised past what the stack holds (the parser and the IR builder recurse once per
    // parenthesis; Node's default stack holds about 350 levels): a clear error, not a crash.
    if (err instanceof RangeError) {
      throw new LimitError("max-depth", `the GBNF text nests too deep for the parser's call stack (maxDepth = ${limits.maxDepth} was raised past what this process's stack holds)`, {
        hint: "Lower limits.maxDepth (the default 200 always fits), flatten the grammar with named rules, or run Node with a larger --stack-size.",
        limit: "maxDepth",
        limitValue: limits.maxDepth,
      });
    }
    throw err;
  }
  checkGrammarLimits(grammar, limits);
  const analysis = analyzeGrammar(grammar, { codePrefix: "gbnf" });
  if (analysis.errors.length > 0) throw analysis.errors[0];
  return { grammar, warnings: analysis.warnings };
}

/** Throws `max-depth` at the first parenthesis nested deeper than `maxDepth`, `max-rules` for too many rules. */
function checkTokenLimits(text: string, tokens: IToken[], limits: GrammarLimits): void {
  let depth = 0;
  let rules = 0;
  for (const t of tokens) {
    if (t.tokenType === LParen) {
      if (++depth > limits.maxDepth) {
        const { line, column } = lineColumnOf(text, t.startOffset);
        throw limitExceeded("maxDepth", limits.maxDepth, undefined, {
          what: "the GBNF text",
          location: { kind: "span", start: t.startOffset, end: t.startOffset + 1, line, column },
        });
      }
    } else if (t.tokenType === RParen && depth > 0) depth--;
    else if (t.tokenType === Define && ++rules > limits.maxRules) throw limitExceeded("maxRules", limits.maxRules, undefined, { what: "the GBNF text" });
  }
}

function lexError(text: string, offset: number): CompileError {
  const ch = text[offset];
  if (ch === '"') {
    return sourceError("gbnf-unterminated-literal", "this string literal is never closed", text, offset, offset + 1, 'End it with a double quote; write a quote inside it as \\".');
  }
  if (ch === "[") {
    return sourceError("gbnf-unterminated-class", "this character class is never closed", text, offset, offset + 1, "End it with ']'; write a bracket inside it as \\].");
  }
  const cp = text.codePointAt(offset)!;
  const shown = cp < 0x20 || cp === 0x7f ? `U+${cp.toString(16).toUpperCase().padStart(4, "0")}` : `'${String.fromCodePoint(cp)}'`;
  if (/\{[^}\r\n"\[]*$/.test(text.slice(0, offset))) {
    return sourceError("gbnf-syntax", `expected an integer, ',' or '}' in the repetition bounds but found ${shown}`, text, offset, offset + 1,
      "Repetition bounds look like {2}, {2,} or {2,5}.");
  }
  let hint = "Rule names use letters, digits and dashes; text goes in double quotes, character sets in [...].";
  if (ch === "_") hint = "GBNF rule names cannot contain '_' (llama.cpp allows letters, digits and dashes); use '-' instead.";
  else if (ch === "'") hint = "GBNF literals use double quotes: write \"...\" instead of '...'.";
  else if (ch === "}" || ch === ",") hint = "Repetition bounds look like {2}, {2,} or {2,5}, right after the item they repeat.";
  return sourceError("gbnf-syntax", `unexpected character ${shown}`, text, offset, offset + 1, hint);
}

function syntaxError(text: string, e: IRecognitionException): CompileError {
  const t = e.token;
  const start = Number.isNaN(t.startOffset) ? text.length : t.startOffset;
  const end = t.image === "" ? start : (t.endOffset ?? start) + 1;
  const type = t.tokenType;
  let hint: string | undefined;
  const prevIsNewline = start > 0 && /[\r\n][ \t]*$/.test(text.slice(0, start));
  if (type === Star || type === Plus || type === Question || type === LBrace) {
    hint = "A repetition operator must follow the item it repeats, e.g. [0-9]+ or (\"a\" | \"b\")*.";
  } else if (type === Pipe && prevIsNewline) {
    hint = "Outside parentheses a rule ends at the end of its line, so '|' cannot start a line; end the previous line with '|' or put the alternatives in parentheses.";
  } else if (type === Comma && /\{[ \t]*$/.test(text.slice(0, start))) {
    hint = "Write {0,n} for at most n repetitions ({,n} is not GBNF).";
  } else if (type === Define) {
    hint = "Each rule starts on its own line: end the previous rule with a newline before \"name ::=\".";
  } else if (type === Name && e.message.includes("'::='")) {
    hint = "A rule is written: name ::= definition. Outside parentheses a definition ends at the end of its line; continue it on the next line only after '|' or inside parentheses.";
  } else if (type === Newline && t.image !== "" && e.message.includes("')'")) {
    hint = "Close the parenthesis.";
  } else if (type === Newline && t.image === "") {
    hint = "The text ended in the middle of a rule.";
  }
  return sourceError("gbnf-syntax", e.message, text, start, end, hint);
}
