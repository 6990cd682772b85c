/**
 * The YAML dialect Formwork writes: which strings may be written as plain
 * scalars, how the others are double-quoted, and how numbers are spelled, so
 * that a YAML 1.2 core-schema parser and a YAML 1.1 parser (the `yaml`
 * package with `version: "1.1"`, PyYAML, and the YAML 1.1 type repository)
 * read every text to the same JSON value.
 *
 * Everything here is data (regular-expression sources over code points,
 * anchored by the user) plus predicates built from it with `RegExp`: the
 * grammar writer compiles the same sources to automata, the tests check them
 * against the real parsers. docs/yaml.md has the table in prose.
 */

/** A plain-scalar resolver: the plain texts that one parser reads as something other than a string. */
export interface YamlResolver {
  /** Which parser or specification (`yaml-1.2-core`, `yaml-1.1-types`, `yaml-npm-1.1`, `pyyaml`). */
  source: "yaml-1.2-core" | "yaml-1.1-types" | "yaml-npm-1.1" | "pyyaml";
  /** The tag the text resolves to. */
  tag: "null" | "bool" | "int" | "float" | "timestamp" | "merge" | "value";
  /** The texts it resolves, as a regular expression matched against the whole text (no anchors, no lookaround). */
  pattern: string;
}

/**
 * Every resolver of the four sources, as documented: YAML 1.2.2 §10.3.2 (core
 * schema tag resolution), the YAML 1.1 type repository (yaml.org/type: bool,
 * int, float, null, timestamp, merge, value; its float pattern allows dots
 * after the point, `\.[0-9.]*`, which would make `1.2.3` a float: no YAML 1.1
 * parser does so (PyYAML, the `yaml` package, SnakeYAML all read `[0-9_]*`),
 * so the row follows the parsers and version numbers stay plain), the `yaml` package's
 * `yaml-1.1` schema (which also reads `.`, `1e3` and `1:30` style
 * sexagesimals) and PyYAML's `Resolver` (which reads `<<` and `=` as tags it
 * cannot construct: an error, not a string).
 */
export const YAML_RESOLVERS: readonly YamlResolver[] = [
  { source: "yaml-1.2-core", tag: "null", pattern: "null|Null|NULL|~|" },
  { source: "yaml-1.2-core", tag: "bool", pattern: "true|True|TRUE|false|False|FALSE" },
  { source: "yaml-1.2-core", tag: "int", pattern: "[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+" },
  { source: "yaml-1.2-core", tag: "float", pattern: "[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)" },
  { source: "yaml-1.1-types", tag: "null", pattern: "~|null|Null|NULL|" },
  { source: "yaml-1.1-types", tag: "bool", pattern: "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF" },
  { source: "yaml-1.1-types", tag: "int", pattern: "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+" },
  { source: "yaml-1.1-types", tag: "float", pattern: "[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)" },
  { source: "yaml-1.1-types", tag: "timestamp", pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?" },
  { source: "yaml-1.1-types", tag: "merge", pattern: "<<" },
  { source: "yaml-1.1-types", tag: "value", pattern: "=" },
  { source: "yaml-npm-1.1", tag: "bool", pattern: "Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON|N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF" },
  { source: "yaml-npm-1.1", tag: "int", pattern: "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?[0-9][0-9_]*|[-+]?0x[0-9a-fA-F_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+" },
  { source: "yaml-npm-1.1", tag: "float", pattern: "[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN|[-+]?(?:[0-9][0-9_]*)?(?:\\.[0-9_]*)?[eE][-+]?[0-9]+|[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*" },
  { source: "yaml-npm-1.1", tag: "timestamp", pattern: "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:t|T|[ \\t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\\.[0-9]+)?(?:[ \\t]*(?:Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?" },
  { source: "pyyaml", tag: "bool", pattern: "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF" },
  { source: "pyyaml", tag: "float", pattern: "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)" },
  { source: "pyyaml", tag: "int", pattern: "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+" },
  { source: "pyyaml", tag: "merge", pattern: "<<" },
  { source: "pyyaml", tag: "null", pattern: "~|null|Null|NULL|" },
  { source: "pyyaml", tag: "timestamp", pattern: "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?" },
  { source: "pyyaml", tag: "value", pattern: "=" },
];

/** Texts that some resolver reads as a non-string: the union of the table. */
export const YAML_NON_STRING = YAML_RESOLVERS.map((r) => `(?:${r.pattern})`).join("|");

/**
 * A simpler superset of `YAML_NON_STRING` (a smaller automaton, checked by the
 * tests to hold every text of the table): what a plain scalar must not be.
 * Besides the table it holds e.g. `1_2:3.4`, `+` and dates followed by any
 * text; such strings are double-quoted.
 */
export const YAML_SUSPECT = [
  "",
  "~",
  "<<",
  "=",
  "[Nn]ull|NULL",
  "[Tt]rue|TRUE|[Ff]alse|FALSE|[Yy]es|YES|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF|[YyNn]",
  "[-+]?[0-9_:]*(?:\\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?",
  "[-+]?0[xob][0-9a-fA-F_]+",
  "[-+]?\\.(?:inf|Inf|INF|nan|NaN|NAN)",
  "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \\t][\\s\\S]*)?",
].join("|");

/**
 * Code points never written raw in this dialect: C0 controls and space, DEL
 * and the C1 controls (not printable in YAML; PyYAML refuses them), NEL,
 * LS and PS (line breaks in YAML 1.1: a parser folds them), the byte order
 * mark, U+FFFE/U+FFFF (not printable) and the surrogates (not characters).
 * As a regex class body.
 */
const NEVER_RAW = "\\u0000-\\u0020\\u007F-\\u009F\\u2028\\u2029\\uFEFF\\uFFFE\\uFFFF\\uD800-\\uDFFF";
/** c-indicator of YAML 1.2 (§5.3), as a regex class body. */
const INDICATORS = "\\-?:,\\[\\]{}#&*!|>'\"%@`";
/** c-flow-indicator, plus `?`, which PyYAML ends a flow plain scalar at. */
const FLOW_STOPS = ",\\[\\]{}?";

/** Where a scalar is written: a block mapping value or a document, a block mapping key, or an entry of a flow sequence. */
export type YamlPlace = "block" | "key" | "flow";

/**
 * The plain-scalar syntax of one place, with no resolution: words of
 * non-space characters separated by spaces, a first character that is not an
 * indicator (`-`, `?` and `:` only when a non-space character follows, and in
 * flow only `-`), no word ending in `:` (`: ` and a final `:` would start a
 * mapping), no word after a space starting with `#` (a comment), no flow
 * indicator (nor `?`) in flow, no tab, no line break. As a regex source.
 */
export function plainSyntax(place: YamlPlace): string {
  const extra = place === "flow" ? FLOW_STOPS : "";
  const S = `[^${NEVER_RAW}${extra}]`;
  const Sn = `[^${NEVER_RAW}${extra}:]`;
  const Snh = `[^${NEVER_RAW}${extra}:#]`;
  const Sh = `[^${NEVER_RAW}${extra}#]`;
  const F1 = `[^${NEVER_RAW}${extra}${INDICATORS}]`;
  const F2 = place === "flow" ? "-" : "[-?:]";
  const first = `(?:${F1}(?:${S}*${Sn})?|${F2}${S}*${Sn})`;
  const word = `(?:${Snh}|${Sh}${S}*${Sn})`;
  return `${first}(?: +${word})*`;
}

/**
 * The plain keys written from a language (`additionalProperties`,
 * `patternProperties`): a word of letters, digits and `_ $ . - / @ + ~`,
 * with `:` inside (never last), starting with a letter, digit, `_` or `$`; a
 * subset of `plainSyntax("key")` whose automaton stays small when it is
 * multiplied by a length counter and the named keys to exclude. Other keys are
 * double-quoted.
 */
export const PLAIN_KEY_WORD = "[A-Za-z0-9_$\\u00A0-\\u2027\\u202A-\\uD7FF\\uE000-\\uFEFE\\uFF00-\\uFFFD\\u{10000}-\\u{10FFFF}](?:[A-Za-z0-9_$.\\-/@+~\\u00A0-\\u2027\\u202A-\\uD7FF\\uE000-\\uFEFE\\uFF00-\\uFFFD\\u{10000}-\\u{10FFFF}]|:+[A-Za-z0-9_$.\\-/@+~])*";

/** Plain texts that start a document marker (`---`, `...`) when written at column 0: never plain. */
export const DOCUMENT_MARKER_START = "(?:---|\\.\\.\\.)[\\s\\S]*";

/**
 * The conditions a string must meet to be written plain at `place`: every
 * `{ pattern }` matches the whole string and no `{ pattern, negate: true }`
 * does. The writer intersects them with the schema's string language.
 */
export function plainConditions(place: YamlPlace | "key-word"): { pattern: string; negate?: boolean }[] {
  if (place === "key-word") return [{ pattern: PLAIN_KEY_WORD }, { pattern: YAML_SUSPECT, negate: true }];
  return [{ pattern: plainSyntax(place) }, { pattern: YAML_SUSPECT, negate: true }, { pattern: DOCUMENT_MARKER_START, negate: true }];
}

const plainTests = new Map<YamlPlace, ((s: string) => boolean)[]>();

/** Whether `s` may be written as a plain scalar at `place` (read back as the same string by every resolver above). */
export function isPlainSafe(s: string, place: YamlPlace): boolean {
  let tests = plainTests.get(place);
  if (!tests) {
    tests = plainConditions(place).map(({ pattern, negate }) => {
      const re = new RegExp(`^(?:${pattern})$`, "u");
      return negate ? (x: string) => !re.test(x) : (x: string) => re.test(x);
    });
    plainTests.set(place, tests);
  }
  return tests.every((t) => t(s));
}

/** The short escapes of YAML double-quoted scalars valid in both 1.1 and 1.2 (no `\/`, which 1.1 lacks), by code point. */
const SHORT_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x00, "\\0"],
  [0x07, "\\a"],
  [0x08, "\\b"],
  [0x09, "\\t"],
  [0x0a, "\\n"],
  [0x0b, "\\v"],
  [0x0c, "\\f"],
  [0x0d, "\\r"],
  [0x1b, "\\e"],
  [0x22, '\\"'],
  [0x5c, "\\\\"],
  [0x85, "\\N"],
  [0x2028, "\\L"],
  [0x2029, "\\P"],
]);

/**
 * How a code point is written inside a double-quoted scalar: raw when
 * printable and safe in 1.1 (see `NEVER_RAW`; space is raw), else its
 * escape: the short escapes above (as the `yaml` package writes them), `\xXX`
 * (lower-case hex) for the other C0/C1 controls and DEL, `\uXXXX` for U+FEFF,
 * U+FFFE and U+FFFF. Surrogates have no encoding (strings are code points).
 */
export function doubleQuotedChar(cp: number): string {
  const short = SHORT_ESCAPES.get(cp);
  if (short) return short;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `\\x${cp.toString(16).padStart(2, "0")}`;
  if (cp === 0xfeff || cp === 0xfffe || cp === 0xffff) return `\\u${cp.toString(16)}`;
  return String.fromCodePoint(cp);
}

/** The double-quoted scalar of `s`, on one line. */
export function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) out += doubleQuotedChar(ch.codePointAt(0)!);
  return `${out}"`;
}

/** The text of a string scalar at `place`: plain when safe, else double-quoted. */
export function yamlString(s: string, place: YamlPlace): string {
  return isPlainSafe(s, place) ? s : doubleQuoted(s);
}

/**
 * Number texts read as the same finite number by every resolver: JSON's
 * decimal syntax, and an exponent only after one integer digit and a
 * fraction, with a sign (`1.5e+21`: PyYAML and YAML 1.1 read `1e21` and
 * `1e+21` as strings), below e+308 and e-999 (so that no text overflows to
 * infinity, which is not a JSON value).
 */
export const YAML_NUMBER = "-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?|-?[0-9]\\.[0-9]+[eE](?:-[0-9]{1,3}|\\+(?:[0-9]{1,2}|[12][0-9]{2}|30[0-7]))";

/** The YAML text of a finite number (`String(x)`, with an exponent written `d.d[eE]±d`); a number of e+308 or more has none in this dialect (null). */
export function yamlNumber(x: number): string | null {
  const s = String(x);
  const e = s.indexOf("e");
  if (e < 0) return s;
  const mant = s.slice(0, e);
  const text = `${mant.includes(".") ? mant : `${mant}.0`}e${s.slice(e + 1)}`;
  return new RegExp(`^(?:${YAML_NUMBER})$`).test(text) ? text : null;
}

/**
 * The inside of a double-quoted scalar as a `@formwork/regex` quoting: the
 * characters `doubleQuotedChar` escapes, each with its one escape (so a
 * quoted text decodes one way, and each code point is one spelling).
 */
export const YAML_DOUBLE_QUOTED = ((): { name: string; escaped: number[]; escapes: Record<number, string[]> } => {
  const escaped: number[] = [0x00, 0x1f, 0x22, 0x22, 0x5c, 0x5c, 0x7f, 0x9f, 0x2028, 0x2029, 0xfeff, 0xfeff, 0xfffe, 0xffff];
  const escapes: Record<number, string[]> = {};
  for (let i = 0; i < escaped.length; i += 2) for (let c = escaped[i]; c <= escaped[i + 1]; c++) escapes[c] = [doubleQuotedChar(c)];
  return { name: "yaml-double-quoted", escaped, escapes };
})();
