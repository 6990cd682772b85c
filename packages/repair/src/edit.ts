/**
 * The edit log: every change a repairer makes is recorded as an `Edit`, so a
 * repair is never silent.
 */

/**
 * What kind of change an edit made. The union is stable: programs may switch
 * on it. Kinds are grouped by the stage that produces them.
 */
export type EditKind =
  // Finding the payload in the text.
  | "strip-fence" // removed a Markdown code fence around the payload
  | "strip-prose" // removed text before, between or after the payload
  | "choose-candidate" // several payloads were found; this one was chosen
  | "ndjson-to-array" // several top-level values, one per line or separated by commas (`1, 2, 3`), became an array
  | "invalid-utf8" // bytes that are not UTF-8 (given as bytes) became U+FFFD
  // JSON syntax.
  | "remove-comment" // removed a `//`, `/* */` or `#` comment
  | "remove-trailing-comma" // removed a comma before a closing bracket or brace
  | "insert-comma" // inserted a missing comma between two items
  | "remove-extra-comma" // removed a comma with no item before it
  | "insert-colon" // inserted a missing `:` (or replaced `=`) after a key
  | "normalize-quotes" // a string used single, curly or back quotes
  | "normalize-whitespace" // non-ASCII whitespace between tokens (no-break, ideographic, ... spaces) was read as a space
  | "quote-key" // an unquoted object key was quoted
  | "quote-value" // an unquoted value (not a literal or number) became a string
  | "replace-literal" // `True`, `False`, `None`, `undefined` became JSON literals
  | "replace-non-finite" // `NaN`, `Infinity`, `-Infinity` became `null`
  | "escape-control-char" // a raw newline, tab or other control character in a string was escaped
  | "escape-quote" // a quote inside a string that does not end it was escaped
  | "fix-escape" // an invalid escape sequence was kept literally
  | "concatenate-strings" // `"a" + "b"` became `"ab"`
  | "fix-number" // a number with a leading `+`, a leading or trailing `.`, or leading zeros
  | "close-string" // a string with no closing quote was closed at the end of its line
  | "close-container" // a missing `]` or `}` was inserted before a closer of an outer container
  | "remove-stray-closer" // a `]` or `}` that closes nothing was removed
  | "remove-garbage" // characters that cannot belong to the document were removed
  | "drop-dangling-key" // a key with no value was removed
  | "fill-missing-value" // a key with a colon but no value (`{"a":}`) got `null`
  | "duplicate-key" // a key appeared twice in one object; the last value was kept (as `JSON.parse` does)
  | "unwrap-call" // a call around a value was removed: MongoDB types (`ObjectId("…")`, `NumberLong(2)`), JSONP (`callback({...})`)
  | "unescape-document" // the whole document was the text of a JSON string (`{\"a\": 1}`) and was unescaped once
  // Truncation (the text ended early).
  | "truncated-string" // a string cut off at the end was closed
  | "truncated-number" // a number cut off at the end (`1.`, `1e`) was completed
  | "truncated-literal" // a literal cut off at the end (`tru`) was completed
  | "truncated-container" // a container left open at the end was closed
  | "drop-incomplete" // an item cut off at the end was removed so the value validates
  // Schema-aware repair.
  | "coerce-type" // `"42"` → `42`, `"true"` → `true`, `42` → `"42"` as the schema asks
  | "match-enum" // a value off by case, spacing or a small typo became the enum value
  | "drop-property" // a property that `additionalProperties: false` forbids was removed
  | "fill-default" // a missing required property was filled from the schema's `default`
  // YAML.
  | "json-in-yaml" // the YAML payload was JSON and was repaired as JSON
  | "yaml-tab-indent" // tabs used for indentation became spaces
  | "yaml-indent" // an indentation that matched no open block was aligned
  | "yaml-colon-space" // a missing space after `:` was inserted
  | "yaml-quote-value" // a value containing `: ` or ` #` was quoted
  | "yaml-truncated" // a line cut off at the end was removed or closed
  // CSV.
  | "csv-delimiter" // the delimiter was detected (not a comma)
  | "csv-stray-quote" // a quote inside a field was kept as a literal character
  | "csv-unclosed-quote" // a quoted field with no closing quote was closed
  | "csv-header" // a header name was normalised or matched to a column
  | "csv-pad-row" // a row with too few fields was padded with empty fields
  | "csv-merge-fields" // a row with too many fields had an unquoted delimiter merged back
  | "csv-trim-row" // empty extra fields at the end of a row were removed
  | "csv-drop-partial-row" // the last row, cut off, was removed
  | "csv-coerce"; // a field was converted to its column's type

/**
 * How sure a repairer is that an edit restores what the model meant:
 * `certain` (the text admits one reading: a fence, a trailing comma, a
 * comment), `likely` (the usual reading, but another exists: a quote closed
 * before a delimiter, an unquoted value), `guess` (one reading among several,
 * or content invented or dropped: a truncated value completed, garbage removed).
 */
export type Confidence = "certain" | "likely" | "guess";

/** One change made by a repairer. */
export interface Edit {
  /** What kind of change (stable; switch on it). */
  kind: EditKind;
  /** How sure the repairer is that this edit restores what the model meant (see `Confidence`). */
  confidence: Confidence;
  /**
   * True when the edit left out content: text of the input was dropped
   * (garbage, a dangling key, a property the schema forbids, an earlier
   * duplicate key) or the input itself was cut off (truncation).
   */
  lossy: boolean;
  /**
   * UTF-16 offset in the input text where the change applies. For schema
   * edits on YAML and CSV, where values have no single place in the text,
   * the offset of the payload's start.
   */
  offset: number;
  /** What was changed and why, for people. */
  message: string;
  /** JSON pointer of the value concerned, for schema and CSV edits. */
  path?: string;
}

/**
 * What a repairer keeps of its edits: `"log"` (default) every edit in
 * `edits`; `"count"` only their number by kind in `editCounts` (`edits` is
 * empty), so memory does not grow with the number of edits.
 */
export type EditLogMode = "log" | "count";

/** An edit as the repair stages record it; `finishEdits` adds the confidence its kind implies unless the stage set one. */
export type PendingEdit = Omit<Edit, "confidence" | "lossy"> & Partial<Pick<Edit, "confidence" | "lossy">>;

/** One reason a repaired value does not satisfy the schema (from ajv). */
export interface SchemaIssue {
  /** JSON pointer into the value. */
  instancePath: string;
  /** JSON pointer into the schema. */
  schemaPath: string;
  /** The failing keyword (`type`, `required`, ...). */
  keyword: string;
  /** What failed, for people. */
  message: string;
}

/**
 * The outcome of a repair. `ok` is true when a value was recovered and, with
 * a schema, that value validates; `value` and `text` are then the repaired
 * document. When `ok` is false, `value` and `text` hold the best attempt (or
 * `undefined` and `""` when nothing could be parsed) and `errors` says why.
 * `confidence` and `lossy` say whether the value may not be what the model
 * meant: only `confidence: "certain"` with `lossy: false` is a clean repair.
 */
export interface RepairResult<T = unknown> {
  ok: boolean;
  /** The lowest confidence of any edit (`certain` when there is none). */
  confidence: Confidence;
  /** True when any edit is lossy: some content of the input is not in the value. */
  lossy: boolean;
  value: T | undefined;
  /** The repaired document, serialised (JSON for `repairJson`, YAML for `repairYaml`, CSV for `repairCsv`). */
  text: string;
  /**
   * Every change, in input order within each stage. Empty when the input
   * was already valid, and with the option `edits: "count"` (see `editCounts`).
   */
  edits: Edit[];
  /**
   * With the option `edits: "count"` only: how many edits of each kind were
   * made (kinds with none left out), in place of the log, which then need not
   * be held (`repairJson` keeps counts, not edits, as it parses; `repairYaml`
   * and `repairCsv` count their log at the end). `confidence` and `lossy`
   * are the same as with the log.
   */
  editCounts?: Partial<Record<EditKind, number>>;
  /** Schema violations (from ajv) or parse failures when `ok` is false. */
  errors: SchemaIssue[];
  /** Work counters: `steps` grows at most linearly with the input length (checked by the tests). */
  stats: { steps: number };
}
