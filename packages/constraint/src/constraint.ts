/**
 * What a generation or a check is constrained to, once resolved: one grammar,
 * the warnings made while building it, and how to read and validate the
 * value of a complete output.
 */
import type { Grammar, GrammarWarning } from "@formwork/grammar";
import type { CompileSchemaOptions, CompileWarning } from "@formwork/json-schema";
import type { ValidationResult } from "@formwork/validate";
import type { Limits } from "@formwork/core";
import type { CsvTable } from "@formwork/csv";

/** The constraint kinds: one of them per call. */
export type ConstraintKind = "schema" | "grammar" | "regex";

/** The text syntaxes a schema's values can be written in: JSON, YAML that YAML 1.1 and 1.2 parsers read alike (docs/yaml.md), or CSV for a table (an array of flat records; docs/csv.md). */
export type Syntax = "json" | "yaml" | "csv";

/** A warning from building the grammar: an unknown schema keyword, a schema approximated under `lenient`, a format enforced as a subset, an unused GBNF rule. */
export type ConstraintWarning = CompileWarning | GrammarWarning;

/** What to constrain to: at most one of `schema`, `grammar`, `regex` and `constraint` (none: free text). */
export interface ConstraintOptions {
  /**
   * A JSON Schema (object, boolean, or JSON text), or a schema from a library
   * that implements Standard Schema with JSON Schema output (zod 4): the
   * output is a text of a value valid under it. Any other object is refused
   * (`invalid-schema`).
   */
  schema?: unknown;
  /** Refuse keywords JSON Schema does not define (`unknown-keyword`) instead of ignoring them with a warning. Default false; only with `schema`. */
  strict?: boolean;
  /** Options for compiling `schema`: whitespace, property order, lenient mode, draft, remotes, limits. */
  schemaOptions?: CompileSchemaOptions;
  /** The syntax a `schema`'s value is written in: `"json"` (default), `"yaml"` or `"csv"` (its dialect from `schemaOptions.csv`); only with `schema`. Overrides `schemaOptions.syntax`. */
  syntax?: Syntax;
  /** A GBNF grammar (llama.cpp dialect) as text, or a grammar IR. */
  grammar?: string | Grammar;
  /** The start rule of a GBNF text (default `"root"`); only with a GBNF `grammar`. */
  grammarRoot?: string;
  /** An ECMAScript regular expression (source text or `RegExp`) that the whole output matches. */
  regex?: string | RegExp;
  /** Flags of a `regex` given as text (`i`, `s`, `u`, `v`); a `RegExp` brings its own. */
  regexFlags?: string;
  /** A constraint resolved before (by `resolveConstraint`): used as is, nothing is compiled again. */
  constraint?: Constraint;
  /**
   * Limits on the schema or grammar (docs/limits.md): passed to the GBNF parser, the schema
   * compiler (unless `schemaOptions.limits` is set) and the validator. Fields that do not apply
   * to the kind given are ignored.
   */
  limits?: Partial<Limits>;
}

/** A resolved constraint (see `resolveConstraint`); `T` is the type of its values. Immutable; share it between calls. */
export interface Constraint<T = unknown> {
  readonly kind: ConstraintKind;
  /** The syntax of the output's value (`json` for a schema); null for grammars and regexes, whose outputs are plain text. */
  readonly syntax: Syntax | null;
  /** The grammar whose sentences are the allowed outputs. */
  readonly grammar: Grammar;
  readonly warnings: readonly ConstraintWarning[];
  /** The parsed schema, for `kind: "schema"`. */
  readonly schema?: unknown;
  /** The schema compile options, for `kind: "schema"` (the validator reads `draft` and `remotes` from them). */
  readonly schemaOptions?: CompileSchemaOptions;
  /** For `syntax: "csv"`: the table's columns as the cell rule reads them, and its dialect (what `parseCsv` and `repairCsv` take). */
  readonly table?: CsvTable;
  /**
   * The value a complete output stands for: for a schema, the text parsed in
   * its syntax (undefined when it does not parse); for a library schema
   * (zod), the library's own parse of that value (undefined when it finds
   * issues, e.g. a refinement JSON Schema cannot express); undefined for
   * grammars and regexes.
   */
  valueOf(text: string): T | undefined;
  /**
   * Whether a value is valid: ajv under the schema (compiled on the first
   * call, then reused); always valid for grammars and regexes, whose outputs
   * the grammar alone decides.
   */
  validate(value: unknown): ValidationResult;
}
