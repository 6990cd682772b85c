/**
 * Options of `compileSchema`. Every field documents its default and what it
 * costs.
 */
import { ArgumentError, type Limits } from "@formwork/core";
import { resolveLimits } from "@formwork/core/internal";
import { DEFAULT_VALIDATOR_LIMITS } from "@formwork/validate";
import { resolveCsvOptions, type CsvDialect, type CsvOptions } from "@formwork/csv";
import type { Draft } from "./resolver.js";

/** The text syntaxes `compileSchema` writes. */
export type SyntaxName = "json" | "yaml" | "csv";

/** Whitespace between JSON tokens in the generated text. */
export type WhitespaceStyle =
  /** No whitespace at all: `{"a":1}`. */
  | "compact"
  /** Bounded whitespace between tokens: nothing, up to two spaces/tabs, or a newline followed by up to `maxIndent` spaces/tabs. */
  | "flexible"
  /** Exactly the layout of `JSON.stringify(value, null, indent)`. */
  | { pretty: number };

/** Options for `compileSchema`. */
export interface CompileSchemaOptions {
  /**
   * The text syntax of the output. Default `"json"`. `"yaml"`: block-style YAML that YAML 1.1 and 1.2
   * parsers read to the same value (docs/yaml.md); `indent` applies, and `whitespace` is omitted
   * (the exact canonical layout, the default) or `"flexible"` (bounded spacing variations).
   * `"csv"`: a table (an array of flat records, docs/csv.md).
   */
  syntax?: SyntaxName;
  /** YAML only: spaces per nesting level, 2 to 8. Default 2. */
  indent?: number;
  /**
   * YAML only: which arrays are written in flow style. `"scalars"` (default): an array whose items
   * are all scalars (null, booleans, numbers, strings) is written on one line, `[a, b]` (the
   * cheapest in tokens), every other non-empty array as a block sequence; the flexible layout
   * accepts such an array in both styles. `"never"`: every non-empty array as a block sequence.
   */
  flowSequences?: "scalars" | "never";
  /**
   * The CSV dialect, for `syntax: "csv"` (delimiter, header, line ending,
   * quoting, the text of null; docs/csv.md). Default: `,`, a header, `\n`,
   * minimal quoting, null as the empty cell.
   */
  csv?: CsvOptions;
  /** Approximate instead of refusing, and list the approximations as warnings. Default false (refuse). Each warning says whether it `restricts` the output (a subset of the valid values) or `relaxes` it (validate the output then). */
  lenient?: boolean;
  /**
   * Whitespace style. Default `"flexible"` for JSON. YAML: omitted, the exact canonical layout
   * (default), or `"flexible"`: one to 1 + `maxSpaces` spaces after `:` and `-` before a scalar,
   * up to `maxSpaces` trailing spaces before a line break, up to `maxBlankLines` blank lines
   * before an entry and at the ends, the indentation unchanged (docs/yaml.md).
   */
  whitespace?: WhitespaceStyle;
  /** In `flexible` style, the most spaces/tabs after a newline. Default 32 (enough for `JSON.stringify(v, null, 2)` to depth 16). */
  maxIndent?: number;
  /** YAML `flexible` layout only: the most extra spaces in one run (after `:`/`-` beyond the one required, trailing before a line break). 0 to 32, default 3. */
  maxSpaces?: number;
  /** YAML `flexible` layout only: the most blank lines in one run (before an entry, at the start and the end). 0 to 8, default 2. */
  maxBlankLines?: number;
  /**
   * Property order: as listed in the schema (default, `"schema"`; other members last), or `"any"`
   * (named and other members in any order, each named one at most once; an object with more than
   * 10 named properties is refused, or kept in schema order under `lenient`).
   */
  propertyOrder?: "schema" | "any";
  /** The draft to assume when the schema has no `$schema`. Default 2020 (2020-12). */
  draft?: Draft;
  /** Documents that `$ref`s may point to, by absolute URI (like the test suite's `remotes/`). Default none. */
  remotes?: Record<string, unknown>;
  /** Deepest nesting of objects/arrays the pretty style unrolls (recursive schemas need one rule per depth). Default 24. */
  maxDepth?: number;
  /**
   * Most alternatives one schema may expand into (`anyOf` x `oneOf` x `if` x dependencies). Default 512. Each costs grammar size.
   * Also `limits.maxAlternatives` (CLI: `--limit maxAlternatives=N`); this option wins when both are set.
   */
  maxAlternatives?: number;
  /** Largest `multipleOf` divisor compiled as a digit automaton (one rule per remainder). Default 1000. */
  maxMultipleOf?: number;
  /** Most states of an object/array counting automaton (min/max properties, contains, uniqueItems). Default 20000. */
  maxStates?: number;
  /** Treat `format` as an assertion (default true, as ajv does) or ignore it (false). */
  assertFormat?: boolean;
  /**
   * Limits on the schema document, as the validator has them (docs/limits.md): `maxDepth`, its
   * JSON nesting (default 256), and `maxProperties`, the most entries under one keyword (default
   * 10,000). Past one: `LimitError` `max-depth` or `max-properties`, before anything is compiled.
   */
  limits?: Partial<Limits>;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  syntax: SyntaxName;
  indent: number;
  /** The CSV dialect when the syntax is CSV, else null. */
  csv: CsvDialect | null;
  lenient: boolean;
  whitespace: WhitespaceStyle;
  maxIndent: number;
  /** YAML: the flexible layout (whitespace "flexible") rather than the exact one. */
  yamlFlexible: boolean;
  /** YAML flexible layout: most extra spaces in one run (0 in the exact layout). */
  maxSpaces: number;
  /** YAML flexible layout: most blank lines in one run (0 in the exact layout). */
  maxBlankLines: number;
  /** YAML: arrays of scalars in flow style (`"scalars"`) or every array in block style (`"never"`). */
  flowSequences: "scalars" | "never";
  propertyOrder: "schema" | "any";
  draft: Draft;
  remotes: Record<string, unknown>;
  maxDepth: number;
  maxAlternatives: number;
  maxMultipleOf: number;
  maxStates: number;
  assertFormat: boolean;
  limits: Pick<Limits, "maxDepth" | "maxProperties">;
  /**
   * The regex limits given in `limits` (`maxRegexDfaStates`, `maxRegexNfaStates`,
   * `maxRepetition`; checked), for `pattern`s and string products; `{}` when none.
   */
  regexLimits: Partial<Pick<Limits, "maxRegexDfaStates" | "maxRegexNfaStates" | "maxRepetition">>;
}

/** Fills in defaults and checks option values (throws `ArgumentError`). */
export function resolveOptions(o: CompileSchemaOptions = {}): ResolvedOptions {
  const syntax = o.syntax ?? "json";
  if (syntax === "yaml" && o.whitespace !== undefined && o.whitespace !== "flexible") {
    throw new ArgumentError("bad-option", `whitespace for YAML must be "flexible" or omitted (the exact layout), got ${JSON.stringify(o.whitespace)}`, { hint: 'Omit it for the canonical layout, or pass "flexible" for bounded spacing variations (docs/yaml.md).' });
  }
  const yamlFlexible = syntax === "yaml" && o.whitespace === "flexible";
  for (const [name, v, max] of [["maxSpaces", o.maxSpaces, 32], ["maxBlankLines", o.maxBlankLines, 8]] as const) {
    if (v === undefined) continue;
    if (!yamlFlexible) throw new ArgumentError("bad-option", `${name} applies to YAML's flexible layout only`, { hint: 'Pass it with syntax: "yaml" and whitespace: "flexible", or drop it.' });
    if (!Number.isInteger(v) || v < 0 || v > max) throw new ArgumentError("bad-option", `${name} must be an integer from 0 to ${max}, got ${JSON.stringify(v)}`);
  }
  if (o.flowSequences !== undefined) {
    if (syntax !== "yaml") throw new ArgumentError("bad-option", "flowSequences applies to YAML only", { hint: 'Pass it with syntax: "yaml", or drop it.' });
    if (o.flowSequences !== "scalars" && o.flowSequences !== "never") throw new ArgumentError("bad-option", `flowSequences must be "scalars" or "never", got ${JSON.stringify(o.flowSequences)}`, { hint: 'Use "scalars" (the default: arrays of scalars on one line, [a, b]) or "never" (block sequences only).' });
  }
  const ws = o.whitespace ?? "flexible";
  if (typeof ws === "object" && (!Number.isInteger(ws.pretty) || ws.pretty < 0 || ws.pretty > 10)) {
    throw new ArgumentError("bad-option", `whitespace.pretty must be an integer from 0 to 10, got ${ws.pretty}`, { hint: "Use e.g. { pretty: 2 }." });
  }
  if (typeof ws === "string" && ws !== "compact" && ws !== "flexible") {
    throw new ArgumentError("bad-option", `whitespace must be "compact", "flexible" or { pretty: N }, got ${JSON.stringify(ws)}`);
  }
  if (o.propertyOrder !== undefined && o.propertyOrder !== "schema" && o.propertyOrder !== "any") {
    throw new ArgumentError("bad-option", `propertyOrder must be "schema" or "any", got ${JSON.stringify(o.propertyOrder)}`, { hint: 'Use "schema" (the default: members in the order of `properties`) or "any".' });
  }
  if (syntax !== "json" && syntax !== "yaml" && syntax !== "csv") {
    throw new ArgumentError("bad-option", `syntax must be "json", "yaml" or "csv", got ${JSON.stringify(syntax)}`, { hint: 'Use "json" (the default), "yaml" or "csv" (a table).' });
  }
  const indent = o.indent ?? 2;
  if (!Number.isInteger(indent) || indent < 2 || indent > 8) {
    throw new ArgumentError("bad-option", `indent must be an integer from 2 to 8, got ${JSON.stringify(o.indent)}`, { hint: "Use e.g. indent: 2 (YAML block style needs at least 2: a dash and a space)." });
  }
  if (o.csv !== undefined && syntax !== "csv") throw new ArgumentError("bad-option", 'the csv option needs syntax: "csv"', { hint: 'Pass syntax: "csv" with it, or drop it.' });
  return {
    syntax,
    indent,
    lenient: o.lenient ?? false,
    whitespace: ws,
    maxIndent: o.maxIndent ?? 32,
    yamlFlexible,
    maxSpaces: yamlFlexible ? (o.maxSpaces ?? 3) : 0,
    maxBlankLines: yamlFlexible ? (o.maxBlankLines ?? 2) : 0,
    flowSequences: o.flowSequences ?? "scalars",
    propertyOrder: o.propertyOrder ?? "schema",
    draft: o.draft ?? 2020,
    remotes: o.remotes ?? {},
    maxDepth: o.maxDepth ?? 24,
    maxAlternatives: resolveLimits({ maxAlternatives: 512 }, { ...o.limits, ...(o.maxAlternatives === undefined ? {} : { maxAlternatives: o.maxAlternatives }) }).maxAlternatives,
    maxMultipleOf: o.maxMultipleOf ?? 1000,
    maxStates: o.maxStates ?? 20000,
    assertFormat: o.assertFormat ?? true,
    limits: resolveLimits(DEFAULT_VALIDATOR_LIMITS, o.limits),
    regexLimits: Object.fromEntries(Object.entries(resolveLimits<Partial<Limits>>({ maxRegexDfaStates: undefined, maxRegexNfaStates: undefined, maxRepetition: undefined }, o.limits)).filter(([, v]) => v !== undefined)),
    csv: syntax === "csv" ? resolveCsvOptions(o.csv) : null,
  };
}
