/**
 * Every code a `FormworkError` can carry, and every code a warning can carry,
 * as string-literal unions: a program may switch on them, and `tsc` refuses a
 * code that is not listed here. Each one is described in `docs/errors.md`
 * (what it means and how to fix it; `tests/error-codes.test.ts` checks that
 * the page and these lists agree).
 */
export const ERROR_CODES = [
  // Limits, every package (docs/limits.md): limitCode(name) of each limit name.
  "max-input-bytes",
  "max-depth",
  "max-rules",
  "max-properties",
  "max-threads",
  "max-lookahead",
  "bad-limit",
  // Grammars (GBNF front end and the engine): @formwork/grammar.
  "gbnf-syntax",
  "gbnf-bad-character",
  "gbnf-bad-escape",
  "gbnf-bad-class-range",
  "gbnf-bad-repetition",
  "gbnf-unterminated-literal",
  "gbnf-unterminated-class",
  "gbnf-duplicate-rule",
  "gbnf-token-reference",
  // analyzeGrammar's checks, prefixed `gbnf-` for GBNF text and `grammar-` for an IR built in code.
  "gbnf-no-root",
  "gbnf-undefined-rule",
  "gbnf-empty-language",
  "gbnf-rule-never-finishes",
  "grammar-no-root",
  "grammar-undefined-rule",
  "grammar-bad-repetition",
  "grammar-empty-language",
  "grammar-rule-never-finishes",
  "undefined-rule",
  "missing-root",
  "empty-language",
  "left-recursion",
  "max-configurations",
  "max-dfa-states",
  "max-nfa-states",
  "max-stack-depth",
  "reference-too-large",
  "mask-size",
  "bad-rollback",
  // Regular expressions: @formwork/regex.
  "regex-syntax",
  "regex-backreference",
  "regex-lookahead",
  "regex-lookbehind",
  "regex-word-boundary",
  "regex-multiline-anchor",
  "regex-modifiers",
  "regex-class-strings",
  "regex-property-of-strings",
  "regex-v-ignorecase-property",
  "regex-code-units",
  "regex-flags",
  "regex-option",
  "regex-dfa-limit",
  "regex-nfa-limit",
  "regex-repetition-limit",
  // JSON Schema (compiler and validator): @formwork/json-schema, @formwork/validate.
  "invalid-schema",
  "invalid-ref",
  "unresolved-ref",
  "invalid-pattern",
  "empty-schema",
  "unsupported-keyword",
  "too-many-alternatives",
  "unsupported-pattern",
  "bad-option",
  "not-a-table",
  // Constraints: @formwork/constraint.
  "constraint-conflict",
  "unknown-keyword",
  "bad-columns",
  // Models and vocabularies: @formwork/core, @formwork/llama.
  "model-not-found",
  "bad-model-uri",
  "model-download-failed",
  "fixture-unavailable",
  "model-load-failed",
  "gguf-header",
  "gguf-metadata",
  "bad-threads",
  "tokenizer-unsupported",
  "vocabulary-size",
  "node-llama-cpp-internals",
  "node-llama-cpp-version",
  "context-too-small",
  "budget-too-small",
  // Generation and the CLI.
  "bad-arguments",
  "bad-jsonl",
  "file-not-found",
  "invalid-utf8",
  "prompt-conflict",
  "empty-prompt",
  "empty-messages",
  "bad-message-role",
  "bad-max-tokens",
  "bad-sampling-option",
  "bad-candidates",
  "bad-share-prompt",
  "decoder-disposed",
  "bad-strategy",
] as const;

/** The code of a `FormworkError` (see `docs/errors.md`). */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Codes that only warnings carry. A warning may also carry an error code: under
 * `lenient: true` an `unsupported-keyword` is a warning, and without `strict`
 * an `unknown-keyword` is one.
 */
export const WARNING_ONLY_CODES = ["gbnf-unused-rule", "grammar-unused-rule", "format-subset", "unknown-format"] as const;

/** The code of a warning (a compile warning, a grammar warning). */
export type WarningCode = ErrorCode | (typeof WARNING_ONLY_CODES)[number];
