/**
 * Quoted modes: the language of a pattern as it is spelled inside a quoted
 * string literal of some text format, escapes included. A {@link Quoting}
 * says which characters cannot appear raw and how each character may be
 * escaped; {@link quoteAst} maps every character of a language to its
 * spellings (a string homomorphism, so `quote(A ∩ B) = quote(A) ∩ quote(B)`).
 * In the spirit of llguidance's derivre (`JsonQuoteOptions`, string escape
 * options): escapes are ASCII and every escape starts with a character that
 * is never raw, so a quoted text decodes in exactly one way.
 *
 * {@link JSON_STRING} is JSON's string literal without its quotes;
 * {@link CSV_QUOTED} is the inside of an RFC 4180 quoted CSV field and
 * {@link csvBare} an unquoted one (a quoting with no escapes: the
 * characters it lists are dropped from the language).
 */
import { type CharSet, hasChar, normalizeRanges, subtract } from "./char-set.js";
import { type RegexAst, type TextTrie, replaceCharSets, rx, textTrie } from "./ast.js";

/** How characters are spelled inside a quoted literal. */
export interface Quoting {
  /** A name for caches and messages (e.g. `"json-string"`). */
  readonly name: string;
  /** Characters that never appear raw; one with no escape is dropped from the quoted language. */
  readonly escaped: CharSet;
  /** Escape spellings by character code (characters outside `escaped` may have them too: JSON's `\/`). */
  readonly escapes: Readonly<Record<number, readonly string[]>>;
  /**
   * Escapes by character code in two hex digits: `prefix` + hex + hex +
   * `suffix` for the characters in `chars` (at most U+00FF), with lowercase
   * digits only or either case (default `"either"`).
   */
  readonly hex?: { readonly prefix: string; readonly suffix?: string; readonly chars: CharSet; readonly digits?: "lower" | "either" };
}

/**
 * The inside of a JSON string literal, spelled as `JSON.stringify` spells it,
 * and `\/` for `/`: control characters, `"` and `\` are escaped, with the
 * short escapes `\" \\ \b \f \n \r \t` where JSON has one and `\u00xx`
 * (lowercase) for the other control characters. Other `\uXXXX` spellings are
 * not generated.
 */
export const JSON_STRING: Quoting = Object.freeze<Quoting>({
  name: "json-string",
  escaped: [0x00, 0x1f, 0x22, 0x22, 0x5c, 0x5c],
  escapes: { 0x22: ['\\"'], 0x5c: ["\\\\"], 0x2f: ["\\/"], 0x08: ["\\b"], 0x0c: ["\\f"], 0x0a: ["\\n"], 0x0d: ["\\r"], 0x09: ["\\t"] },
  hex: { prefix: "\\u00", chars: [0x00, 0x07, 0x0b, 0x0b, 0x0e, 0x1f], digits: "lower" },
});

/**
 * The inside of an RFC 4180 quoted CSV field: every character raw (the
 * delimiter, CR and LF included) but `"`, which is doubled.
 */
export const CSV_QUOTED: Quoting = Object.freeze<Quoting>({ name: "csv-quoted", escaped: [0x22, 0x22], escapes: { 0x22: ['""'] } });

const CSV_BARE = new Map<number, Quoting>();

/**
 * An unquoted RFC 4180 CSV field with the delimiter `delimiter` (one
 * character): no `"`, CR, LF or delimiter, and no escapes, so `quoteAst`
 * keeps the strings free of them, unchanged.
 */
export function csvBare(delimiter: string): Quoting {
  const d = delimiter.codePointAt(0);
  if (d === undefined || [...delimiter].length !== 1 || d === 0x22 || d === 0x0a || d === 0x0d) throw new RangeError(`a CSV delimiter is one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
  let hit = CSV_BARE.get(d);
  if (!hit) {
    hit = Object.freeze<Quoting>({ name: `csv-bare-${d}`, escaped: normalizeRanges([0x0a, 0x0a, 0x0d, 0x0d, 0x22, 0x22, d, d]), escapes: {} });
    CSV_BARE.set(d, hit);
  }
  return hit;
}

const HEX_DIGITS = "0123456789abcdef";

function spellings(c: number, q: Quoting): string[] {
  const out = [...(q.escapes[c] ?? [])];
  if (q.hex && hasChar(q.hex.chars, c)) {
    const hi = HEX_DIGITS[c >> 4];
    const lo = HEX_DIGITS[c & 15];
    const cases = (d: string) => (q.hex!.digits === "lower" ? [d] : [...new Set([d, d.toUpperCase()])]);
    for (const h of cases(hi)) for (const l of cases(lo)) out.push(`${q.hex.prefix}${h}${l}${q.hex.suffix ?? ""}`);
  }
  return out;
}

/** The trie as an AST: children with equal subtrees share one character set. */
function trieAst(t: TextTrie, memo: Map<TextTrie, { ast: RegexAst; key: string }>): { ast: RegexAst; key: string } {
  const hit = memo.get(t);
  if (hit) return hit;
  const groups = new Map<string, { chars: number[]; child: RegexAst }>();
  for (const [c, kid] of t.kids) {
    const k = trieAst(kid, memo);
    const g = groups.get(k.key);
    if (g) g.chars.push(c, c);
    else groups.set(k.key, { chars: [c, c], child: k.ast });
  }
  const alts: RegexAst[] = t.end ? [rx.empty] : [];
  const keys: string[] = t.end ? ["$"] : [];
  for (const [key, g] of groups) {
    alts.push(rx.seq(rx.chars(g.chars), g.child));
    keys.push(`${g.chars.join(".")}(${key})`);
  }
  const out = { ast: rx.alt(...alts), key: keys.join("|") };
  memo.set(t, out);
  return out;
}

/**
 * The spellings of one character of `set` under `quoting`: the raw
 * characters (those not in `escaped`) and every escape of a member, as an
 * AST with shared prefixes factored (`\` then one class of letters, ...).
 */
export function quoteCharSet(set: CharSet, quoting: Quoting): RegexAst {
  const raw = subtract(set, quoting.escaped);
  const candidates = [...Object.keys(quoting.escapes).map(Number)];
  if (quoting.hex) for (let i = 0; i < quoting.hex.chars.length; i += 2) for (let c = quoting.hex.chars[i]; c <= quoting.hex.chars[i + 1]; c++) candidates.push(c);
  const root = textTrie([...new Set(candidates)].filter((c) => hasChar(set, c)).flatMap((c) => spellings(c, quoting)));
  const escapes = root.kids.size > 0 ? [trieAst(root, new Map()).ast] : [];
  return rx.alt(...(raw.length > 0 ? [{ kind: "set", set: raw } as RegexAst] : []), ...escapes);
}

/** The quoted language of `ast`: every character replaced by its spellings under `quoting` (anchors kept). */
export function quoteAst(ast: RegexAst, quoting: Quoting): RegexAst {
  const cache = new Map<string, RegexAst>();
  return replaceCharSets(ast, (set) => {
    const key = set.join(",");
    let hit = cache.get(key);
    if (!hit) cache.set(key, (hit = quoteCharSet(set, quoting)));
    return hit;
  });
}
