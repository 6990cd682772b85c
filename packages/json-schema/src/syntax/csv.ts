/**
 * The cells of a CSV table: the values of one column spelled as
 * `@formwork/csv`'s dialect reads them (docs/csv.md). A `CsvCellSyntax` is
 * the `Syntax` the compiler writes one column's values with: numbers in
 * JSON's number syntax, `true`/`false`, null as the dialect's `nullText`,
 * strings quoted (RFC 4180: `"` doubled, `CSV_QUOTED`) or, in `minimal`
 * quoting, also bare (`csvBare`: no delimiter, quote, CR or LF, and not a
 * text that the cell rule reads as something else in this column). A
 * container anywhere in a cell is refused (`not-a-table`).
 *
 * Which bare texts read as something else depends on every kind the column
 * may hold (a bare `12` is a string in a column of strings, a number in a
 * column that may hold numbers), which is known only once the whole column
 * is compiled: string spellings are rules that `finish()` fills in after the
 * column's compile has recorded its kinds.
 */
import { LimitError, UnsupportedError } from "@formwork/core";
import { alt, lexeme, literal, ref, repeat, seq, type Node } from "@formwork/grammar";
import { astToIr, automatonToRules } from "@formwork/grammar/internal";
import { CSV_QUOTED, combineLanguages, csvBare, parseRegex, quoteAst, quoteCharSet, rx, withLength, withoutAsciiChars, type ByteDfa, type CharSet, type RegexAst } from "@formwork/regex";
import type { CellKind, CsvDialect, TableColumn } from "@formwork/csv";
import { JSON_NUMBER_SOURCE, needsQuotes, quoteForcing, readsAsOther } from "@formwork/csv/internal";
import type { Slot, StringWriter, Syntax } from "./syntax.js";

/** Most DFA states of a bare string spelling (the language minus the texts that read as other values); past it strings are written quoted only. */
const MAX_BARE_STATES = 4_000;

const quotedCache = new Map<string, Node>();
/** One character of `set` inside a quoted field (cached: shared nodes, do not mutate). */
function quotedChars(set: CharSet): Node {
  const key = set.join(",");
  let hit = quotedCache.get(key);
  if (!hit) {
    if (quotedCache.size > 10_000) quotedCache.clear();
    quotedCache.set(key, (hit = astToIr(quoteCharSet(set, CSV_QUOTED))));
  }
  return hit;
}
const JSON_NUMBER: RegexAst = parseRegex(JSON_NUMBER_SOURCE, { flags: "u" });

/** A string language waiting for the column's kinds. */
type Pending = { rule: string; lang: RegexAst | ByteDfa; min: number; max: number } | { rule: string; text: string };

/** The `Syntax` of one column's cells (see the module comment). */
export class CsvCellSyntax implements Syntax {
  readonly name = "csv";
  readonly depthMatters = false;
  readonly slotMatters = false;
  /** The kinds the column's values were written as, recorded during its compile. */
  readonly kinds = new Set<CellKind>();
  readonly strings: StringWriter;
  readonly keys: StringWriter;
  private readonly pending: Pending[] = [];

  /**
   * @param dialect the table's dialect
   * @param column the column's name and JSON pointer (for messages)
   * @param rules the grammar's rules (string spellings are added there)
   * @param newRule reserves a fresh rule name
   */
  constructor(
    private readonly dialect: CsvDialect,
    private readonly column: { name: string; ptr: string },
    private readonly rules: Map<string, Node>,
    private readonly newRule: (prefix: string) => string,
  ) {
    const later = (p: Omit<Pending, "rule">): Node => {
      this.kinds.add("string");
      const rule = this.newRule("csvstr");
      this.rules.set(rule, EMPTY);
      this.pending.push({ rule, ...p } as Pending);
      return ref(rule);
    };
    this.strings = {
      ofLength: (min, max) => later({ lang: rx.star(rx.any), min, max }),
      of: (n) => later({ lang: n, min: 0, max: Infinity }),
      ofDfa: (dfa) => later({ lang: dfa, min: 0, max: Infinity }),
    };
    const noKeys = (): never => this.refuse("an object");
    this.keys = { ofLength: noKeys, of: noKeys, ofDfa: noKeys };
  }

  document(root: Node): Node {
    return root;
  }
  scalar(node: Node): Node {
    return node;
  }
  null(): Node {
    this.kinds.add("null");
    return literal(this.dialect.nullText);
  }
  boolean(b: boolean): Node {
    this.kinds.add("boolean");
    return literal(b ? "true" : "false");
  }
  number(n: RegexAst, integer: boolean): Node {
    this.kinds.add(integer ? "integer" : "number");
    return lexeme(astToIr(n), integer ? "csv-integer" : "csv-number");
  }
  key(): Node {
    return this.refuse("an object");
  }
  literal(v: unknown, _depth: number, _slot: Slot): Node {
    if (v === null) return this.null();
    if (typeof v === "boolean") return this.boolean(v);
    if (typeof v === "number") {
      this.kinds.add(Number.isInteger(v) ? "integer" : "number");
      return literal(JSON.stringify(v));
    }
    if (typeof v === "string") {
      this.kinds.add("string");
      const rule = this.newRule("csvstr");
      this.rules.set(rule, EMPTY);
      this.pending.push({ rule, text: v });
      return ref(rule);
    }
    return this.refuse(Array.isArray(v) ? "an array" : "an object");
  }
  open(kind: "object" | "array"): Node {
    return this.refuse(kind === "object" ? "an object" : "an array");
  }
  before(): Node {
    return this.refuse("a container");
  }
  colon(): Node {
    return this.refuse("an object");
  }
  close(): Node {
    return this.refuse("a container");
  }

  /** The column as the cell rule reads it, once its values are compiled. */
  tableColumn(required: boolean): TableColumn {
    const order: CellKind[] = ["null", "boolean", "integer", "number", "string"];
    return { name: this.column.name, kinds: order.filter((k) => this.kinds.has(k)), required };
  }

  /** Fills in the string spellings now that the column's kinds are known. */
  finish(required: boolean): void {
    const col = this.tableColumn(required);
    const bareOk = this.dialect.quoting === "minimal";
    for (const p of this.pending) {
      if ("text" in p) {
        const q = literal(`"${p.text.replaceAll('"', '""')}"`);
        const bare = bareOk && !needsQuotes(p.text, this.dialect) && !readsAsOther(p.text, col, this.dialect);
        this.rules.set(p.rule, bare ? alt(literal(p.text), q) : q);
        continue;
      }
      const spellings = [this.quoted(p.lang, p.min, p.max, p.rule)];
      if (bareOk) {
        const b = this.bare(p.lang, p.min, p.max, col, p.rule);
        if (b) spellings.push(b);
      }
      this.rules.set(p.rule, alt(...spellings));
    }
    this.pending.length = 0;
  }

  /** `"` + the language with quotes doubled + `"`. */
  private quoted(lang: RegexAst | ByteDfa, min: number, max: number, rule: string): Node {
    if (isDfa(lang)) return this.dfaRules(lang, `${rule}_q`, quotedChars, literal('"'), literal('"'));
    const inside = min === 0 && max === Infinity ? astToIr(lang, quotedChars) : repeat(quotedChars(ANY_CHAR), min, max); // bounded: only from ofLength, whose language is any text
    return lexeme(seq(literal('"'), inside, literal('"')), "csv-quoted");
  }

  /**
   * The language's strings that can stand bare: no delimiter, quote, CR or
   * LF (the `csvBare` quoting), not empty, and not a text the cell rule
   * reads as the column's null, boolean or number. Null when there are none
   * or their automaton passes `MAX_BARE_STATES` (the strings are then
   * written quoted only: every value still has its spelling).
   */
  private bare(lang: RegexAst | ByteDfa, min: number, max: number, col: TableColumn, rule: string): Node | null {
    const other: RegexAst[] = [];
    if (col.kinds.includes("null") && this.dialect.nullText !== "") other.push(rx.text(this.dialect.nullText));
    if (col.kinds.includes("boolean")) other.push(rx.text("true"), rx.text("false"));
    if (col.kinds.includes("integer") || col.kinds.includes("number")) other.push(JSON_NUMBER);
    const bareQuoting = csvBare(this.dialect.delimiter);
    if (other.length === 0 && isDfa(lang) && min === 0 && max === Infinity) {
      // A language given as a DFA (a format, a pattern with lengths): drop the forcing characters' transitions, no product.
      const dfa = withoutAsciiChars(lang, quoteForcing(this.dialect.delimiter), true);
      return this.dfaRules(dfa, `${rule}_b`, undefined, literal(""), literal(""));
    }
    if (other.length === 0 && !isDfa(lang)) {
      // Only the empty text reads as something else: no automaton product (a long maxLength would multiply its states).
      const free = quoteAst(lang, bareQuoting);
      const cut = withLength(free, Math.max(1, min), max);
      if (cut) return lexeme(astToIr(cut), "csv-bare");
    }
    let dfa: ByteDfa;
    try {
      dfa = combineLanguages({ all: [lang, quoteAst(rx.star(rx.any), bareQuoting)], none: other, minLength: Math.max(1, min), maxLength: max }, { maxDfaStates: MAX_BARE_STATES });
    } catch (e) {
      if (e instanceof LimitError) return null;
      throw e;
    }
    if (dfa.stateCount === 0) return null;
    return this.dfaRules(dfa, `${rule}_b`, undefined, literal(""), literal(""));
  }

  private dfaRules(dfa: ByteDfa, prefix: string, chars: ((set: CharSet) => Node) | undefined, open: Node, close: Node): Node {
    const states = automatonToRules(dfa, { prefix, chars, final: close });
    for (const [name, node] of states) this.rules.set(name, node);
    return seq(open, ref(states[0][0]));
  }

  private refuse(what: string): never {
    throw new UnsupportedError("not-a-table", `the column ${JSON.stringify(this.column.name)} may hold ${what}, and a CSV cell holds one scalar (a string, number, boolean or null)`, {
      location: { kind: "pointer", pointer: this.column.ptr },
      hint: 'Give the column a scalar type ("type": "string", "integer", "number", "boolean" or "null"), flatten the nested value into columns of their own ("address_city"), or ask for JSON instead (syntax "json").',
    });
  }
}

const EMPTY: Node = { type: "alt", items: [] };
const ANY_CHAR: CharSet = [0, 0x10ffff];
const isDfa = (l: RegexAst | ByteDfa): l is ByteDfa => "stateCount" in l;
