/**
 * The YAML syntax: block mappings and block sequences with a fixed indent,
 * scalars in the dialect of yaml-dialect.ts (plain where every YAML 1.1 and
 * 1.2 resolver reads the text back as the same string, else double-quoted
 * on one line; numbers spelled so that both read the same finite number), so
 * that a YAML 1.2 core parser and a YAML 1.1 parser read every text to the
 * same JSON value. docs/yaml.md describes the output.
 *
 * Layout, with indent n (default 2) and a container at depth D: its entries
 * start at column n*D. A mapping's value that is a non-empty collection
 * starts on the next line (`key:` then `\n` and the entries); a sequence
 * item's collection starts on the dash's line (`- k: v`, `- - x`), the
 * dash followed by n - 1 spaces; scalars follow `key:` and `-` after one
 * space; empty collections are `{}` and `[]`. The document may end with a
 * line break.
 */
import { LimitError } from "@formwork/core";
import { alt, lexeme, literal, optional, ref, repeat, seq, type Node } from "@formwork/grammar";
import { astToIr, automatonToRules } from "@formwork/grammar/internal";
import { combineLanguages, parseRegex, quoteCharSet, type ByteDfa, type CharSet, type Language, type Quoting, type RegexAst } from "@formwork/regex";
import { anyNumber } from "../numbers.js";
import type { ResolvedOptions } from "../options.js";
import type { Container, Slot, StringWriter, Syntax } from "./syntax.js";
import { MAX_INT_DIGITS } from "../numbers.js";
import { plainConditions, YAML_DOUBLE_QUOTED, yamlNumber, yamlString, type YamlPlace } from "./yaml-dialect.js";

const EMPTY: Node = { type: "alt", items: [] };
/** Unconstrained values (schema `{}`) at this depth and deeper are written in flow style. */
export const FLOW_DEPTH = 4;
/** Most DFA states of a plain-scalar language (a string language times the dialect's plain conditions); past it strings are only double-quoted. */
const MAX_PLAIN_STATES = 4_000;

/** Any number the dialect writes: JSON's decimals below 1e308, or `d.d[eE]±N` with N up to 307 (and any negative N of up to 3 digits). */
const YAML_ANY_NUMBER_SOURCE = `-?(?:0|[1-9][0-9]{0,${MAX_INT_DIGITS - 1}})(?:\\.[0-9]+)?|-?[0-9]\\.[0-9]+[eE](?:-[0-9]{1,3}|\\+(?:[0-9]{1,2}|[12][0-9]{2}|30[0-7]))`;
let yamlAnyNumber: Node | null = null;

const quotedCache = new Map<string, Node>();
/** The double-quoted spellings of one code point of `set`. */
function quotedSet(set: CharSet): Node {
  const key = set.join(",");
  let hit = quotedCache.get(key);
  if (!hit) {
    hit = astToIr(quoteCharSet(set, YAML_DOUBLE_QUOTED as Quoting));
    if (quotedCache.size > 10000) quotedCache.clear();
    quotedCache.set(key, hit);
  }
  return hit;
}
const ANY_CHAR: CharSet = [0, 0xd7ff, 0xe000, 0x10ffff];

/** The plain conditions of a place as one minimal DFA, built once per process. */
const plainDfas = new Map<YamlPlace | "key-word", ByteDfa>();
function plainDfa(place: YamlPlace | "key-word"): ByteDfa {
  let hit = plainDfas.get(place);
  if (!hit) {
    const conds = plainConditions(place);
    const ast = (p: string) => parseRegex(p, { flags: "u" });
    hit = combineLanguages({ all: conds.filter((c) => !c.negate).map((c) => ast(c.pattern)), none: conds.filter((c) => c.negate).map((c) => ast(c.pattern)) });
    plainDfas.set(place, hit);
  }
  return hit;
}

/** The rules of the plain spellings of one language: the start rule and every state's rule. */
interface PlainRules {
  start: string;
  rules: [string, Node][];
}
/** Plain-spelling rules by place and language, for every compile of the process (null: no plain spelling). */
const plainRulesCache = new Map<string, PlainRules | null>();
let plainRulesSerial = 0;

/** Whether an AST contains the letter e or E (a number language with exponents). */
function hasExponent(n: RegexAst): boolean {
  const stack: RegexAst[] = [n];
  while (stack.length) {
    const x = stack.pop()! as RegexAst & { set?: number[]; items?: RegexAst[]; item?: RegexAst };
    if (x.kind === "set" && x.set) {
      for (let i = 0; i < x.set.length; i += 2) if ((x.set[i] <= 0x65 && x.set[i + 1] >= 0x65) || (x.set[i] <= 0x45 && x.set[i + 1] >= 0x45)) return true;
    }
    if (x.items) stack.push(...x.items);
    if (x.item) stack.push(x.item);
  }
  return false;
}

/** YAML text in block style with indent `opts.indent`. */
export class YamlSyntax implements Syntax {
  readonly name = "yaml";
  readonly depthMatters = true;
  readonly slotMatters = true;
  readonly strings: StringWriter;
  readonly keys: StringWriter;
  private readonly n: number;
  constructor(
    opts: ResolvedOptions,
    private readonly rules: Map<string, Node>,
    private readonly newRule: (prefix: string) => string,
  ) {
    this.n = opts.indent;
    this.strings = this.writer("block", "yaml-string");
    this.keys = this.writer("key", "yaml-key");
  }
  document(root: Node): Node {
    return seq(root, optional(literal("\n")));
  }
  scalar(node: Node, _depth: number, slot: Slot): Node {
    return slot === "root" ? node : seq(literal(" "), node);
  }
  null(): Node {
    return literal("null");
  }
  boolean(b: boolean): Node {
    return literal(b ? "true" : "false");
  }
  number(n: RegexAst, integer: boolean): Node {
    if (n === anyNumber(false)) return (yamlAnyNumber ??= lexeme(astToIr(parseRegex(YAML_ANY_NUMBER_SOURCE)), "yaml-number"));
    // Every other number language the analysis builds is exponent-free decimals, which the dialect writes as they are.
    if (hasExponent(n)) throw new Error("internal: a bounded number language with exponents has no YAML spelling here");
    return lexeme(astToIr(n), integer ? "yaml-integer" : "yaml-number");
  }
  key(k: string): Node {
    return literal(yamlString(k, "key"));
  }
  literal(v: unknown, depth: number, slot: Slot): Node {
    const text = yamlText(v, this.n, depth, slot);
    return text === null ? EMPTY : literal(text);
  }
  open(): Node {
    return literal("");
  }
  before(kind: Container, depth: number, slot: Slot, first: boolean): Node {
    return literal(this.lead(kind, depth, slot, first));
  }
  colon(): Node {
    return literal(":");
  }
  close(kind: Container, _depth: number, slot: Slot, empty: boolean): Node {
    if (!empty) return literal("");
    return literal(`${slot === "root" ? "" : " "}${kind === "object" ? "{}" : "[]"}`);
  }

  /** Unconstrained values from depth FLOW_DEPTH on: flow style on one line (one rule set for all depths). */
  anyValue(depth: number, slot: Slot): Node | null {
    if (depth < FLOW_DEPTH || slot === "root") return null;
    return seq(literal(" "), ref(this.flowAny()));
  }

  private flowRule: string | null = null;
  /** `null`, booleans, numbers, double-quoted strings, `[a, b]` and `{"k": v}` (keys always quoted). */
  private flowAny(): string {
    if (this.flowRule) return this.flowRule;
    const v = (this.flowRule = this.newRule("yflow"));
    const q = lexeme(seq(literal('"'), repeat(quotedSet(ANY_CHAR), 0, Infinity), literal('"')), "yaml-string-quoted");
    const member = seq(q, literal(": "), ref(v));
    this.rules.set(
      v,
      alt(
        literal("null"),
        literal("true"),
        literal("false"),
        this.number(anyNumber(false), false),
        q,
        seq(literal("["), optional(seq(ref(v), repeat(seq(literal(", "), ref(v)), 0, Infinity))), literal("]")),
        seq(literal("{"), optional(seq(member, repeat(seq(literal(", "), member), 0, Infinity))), literal("}")),
      ),
    );
    return v;
  }

  private lead(kind: Container, depth: number, slot: Slot, first: boolean): string {
    return lead(this.n, kind, depth, slot, first);
  }

  /** Strings of a language at `place`: plain where the dialect allows, or double-quoted. */
  private writer(place: YamlPlace | "key-word", name: string): StringWriter {
    const quoted = (inner: Node, label: string) => lexeme(seq(literal('"'), inner, literal('"')), `${name}-quoted/${label}`);
    return {
      ofLength: (min, max) => {
        const q = quoted(repeat(quotedSet(ANY_CHAR), min, max), `{${min},${max === Infinity ? "" : max}}`);
        return this.withPlain(q, place, `len:${min},${max}`, () => combineLanguages({ all: [plainDfa(place)], minLength: min, maxLength: max }, { maxDfaStates: MAX_PLAIN_STATES }));
      },
      of: (ast, label) => {
        const q = quoted(astToIr(ast, quotedSet), label);
        return this.withPlain(q, place, `ast:${JSON.stringify(ast)}`, () => combineLanguages({ all: [ast, plainDfa(place)] }, { maxDfaStates: MAX_PLAIN_STATES }));
      },
      ofDfa: (dfa, rules, prefix) => {
        const states = automatonToRules(dfa, { prefix, chars: quotedSet, final: literal('"') });
        for (const [rule, node] of states) rules.set(rule, node);
        const q = seq(literal('"'), ref(states[0][0]));
        return this.withPlain(q, place, null, () => combineLanguages({ all: [dfa as Language, plainDfa(place)] }, { maxDfaStates: MAX_PLAIN_STATES }));
      },
    };
  }

  /**
   * `quoted`, or it and the plain spellings of the language `build` gives (none when it is empty or
   * too big). The plain rules of a language with a `key` are built once per process (shared names,
   * added to each compile that uses them); those of a DFA (no key) once per call.
   */
  private withPlain(quoted: Node, place: string, key: string | null, build: () => ByteDfa): Node {
    const memoKey = key === null ? null : `${place}\u0000${key}`;
    let plain: PlainRules | null | undefined = memoKey === null ? undefined : plainRulesCache.get(memoKey);
    if (plain === undefined) {
      plain = null;
      try {
        const dfa = build();
        if (dfa.stateCount > 0) {
          const prefix = memoKey === null ? `${this.newRule("yplain")}_` : `yplain_g${plainRulesSerial++}_`;
          const rules = automatonToRules(dfa, { prefix });
          plain = { start: rules[0][0], rules };
        }
      } catch (e) {
        if (!(e instanceof LimitError)) throw e;
      }
      if (memoKey !== null) {
        if (plainRulesCache.size >= 2000) plainRulesCache.clear();
        plainRulesCache.set(memoKey, plain);
      }
    }
    if (plain === null) return quoted;
    if (!this.rules.has(plain.start)) for (const [rule, node] of plain.rules) this.rules.set(rule, node);
    return alt(ref(plain.start), quoted);
  }
}

/** What precedes an entry of a container at `depth`/`slot` with indent `n` (the dash included for sequences). */
function lead(n: number, kind: Container, depth: number, slot: Slot, first: boolean): string {
  let out: string;
  if (!first || slot === "member") out = `\n${" ".repeat(n * depth)}`;
  else if (slot === "root") out = "";
  else out = " ".repeat(n - 1);
  return kind === "array" ? `${out}-` : out;
}

/** The text of a JSON value at `depth`/`slot`; null when a number has no spelling in the dialect (1e308 and up). */
function yamlText(v: unknown, n: number, depth: number, slot: Slot): string | null {
  const sp = slot === "root" ? "" : " ";
  if (v === null) return `${sp}null`;
  if (typeof v === "boolean") return `${sp}${v}`;
  if (typeof v === "number") {
    const t = yamlNumber(v);
    return t === null ? null : `${sp}${t}`;
  }
  if (typeof v === "string") return `${sp}${yamlString(v, "block")}`;
  if (Array.isArray(v)) {
    if (v.length === 0) return `${sp}[]`;
    let out = "";
    for (let i = 0; i < v.length; i++) {
      const x = yamlText(v[i], n, depth + 1, "item");
      if (x === null) return null;
      out += lead(n, "array", depth, slot, i === 0) + x;
    }
    return out;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return `${sp}{}`;
  let out = "";
  for (let i = 0; i < entries.length; i++) {
    const x = yamlText(entries[i][1], n, depth + 1, "member");
    if (x === null) return null;
    out += `${lead(n, "object", depth, slot, i === 0)}${yamlString(entries[i][0], "key")}:${x}`;
  }
  return out;
}

/**
 * A JSON value as the canonical YAML text of this dialect (what the grammar
 * of a schema the value satisfies accepts; keys in the value's order), with a
 * final line break; null when a number has no spelling here (1e308 and up).
 */
export function stringifyYaml(v: unknown, indent = 2): string | null {
  const t = yamlText(v, indent, 0, "root");
  return t === null ? null : `${t}\n`;
}
