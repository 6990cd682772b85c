/**
 * The YAML syntax: block mappings and block sequences with a fixed indent,
 * arrays whose items are all scalars as flow sequences on one line (`[a, b]`;
 * `flowSequences: "never"`: block sequences too),
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
 * space; empty collections are `{}` and `[]`. The document may start with
 * a `---` line and end with a line break.
 *
 * The flexible layout (`whitespace: "flexible"`) keeps the indentation and
 * adds bounded spacing: 1 to 1 + maxSpaces spaces where the exact layout has
 * the one space before a scalar (after `:` and `-`), up to maxSpaces spaces
 * before each line break, and up to maxBlankLines blank lines (of up to
 * maxSpaces spaces) after each line break, at the start and at the end;
 * and a non-empty sequence under a key may stand at the key's column
 * (`key:\n- a`: the array laid out as a member one level up, `arrayAlsoAt`),
 * and an array of scalars may be written in either style, with bounded
 * spaces after `[` and `,` and before `]`.
 */
import { LimitError } from "@formwork/core";
import { alt, automaton, charClass, lexeme, literal, optional, ref, repeat, seq, type Node } from "@formwork/grammar";
import { astToIr, automatonToRules, dfaKey } from "@formwork/grammar/internal";
import { combineLanguages, parseRegex, quoteCharSet, type ByteDfa, type CharSet, type Language, type Quoting, type RegexAst } from "@formwork/regex";
import { anyNumber } from "../numbers.js";
import type { ResolvedOptions } from "../options.js";
import type { Container, Slot, StringWriter, Syntax } from "./syntax.js";
import { MAX_INT_DIGITS } from "../numbers.js";
import { plainConditions, YAML_DOUBLE_QUOTED, yamlNumber, yamlString, type YamlPlace } from "./yaml-dialect.js";

const EMPTY: Node = { type: "alt", items: [] };
/** Most DFA states of a plain-scalar language (a string language times the dialect's plain conditions); past it strings are only double-quoted. */
const MAX_PLAIN_STATES = 4_000;
/**
 * Length-bounded strings (`minLength`/`maxLength`, any characters) up to this
 * length are plain in every spelling the dialect allows (the plain-scalar
 * automaton times a length counter); longer ones are plain in the counted
 * forms of `longPlain`, whose size does not grow with the bound.
 */
const EXACT_PLAIN_MAX = 5;

/** Code-point ranges of characters. */
type Ranges = [number, number][];
const cps = (chars: string): Ranges => [...chars].map((c) => [c.codePointAt(0)!, c.codePointAt(0)!]);
/** NEVER_RAW of yaml-dialect.ts without the space. */
const NEVER_RAW_BUT_SPACE: Ranges = [
  [0x00, 0x1f],
  [0x7f, 0x9f],
  [0x2028, 0x2029],
  [0xfeff, 0xfeff],
  [0xfffe, 0xffff],
];
const NEVER_RAW: Ranges = [...NEVER_RAW_BUT_SPACE, [0x20, 0x20]];
/** Any character but these (surrogates never). */
const allBut = (...sets: Ranges[]): Node => charClass(sets.flat(), true);
const DIGITS: Ranges = [[0x30, 0x39]];

let longPlainParts: { first: Node; e: Node; paths: { mid: Node; second: Node; last: Node }[] } | null = null;

/**
 * Plain strings of `lo..hi` code points (lo >= 6), in two counted forms: a
 * sentence (spaces, no `:` or `#`) or a word (no space; `:` never last). The
 * first character is not an indicator, a digit or one of `. + _ ~ < =`
 * (which start the numbers, dates and other texts YAML_SUSPECT holds); an
 * `e`/`E` first is not followed by a sign or a digit (`e5`). Such a text of
 * six or more characters matches `plainSyntax` and no pattern of
 * YAML_SUSPECT (whose words are at most five long) or DOCUMENT_MARKER_START,
 * so every resolver reads it back as the same string. Each form is one
 * repetition of one character, so the engine counts it (no copy per length).
 */
function longPlain(lo: number, hi: number): Node {
  const p = (longPlainParts ??= {
    first: allBut(NEVER_RAW, cps("-?:,[]{}#&*!|>'\"%@`"), DIGITS, cps(".+_~<=eE")),
    e: charClass([
      [0x45, 0x45],
      [0x65, 0x65],
    ]),
    paths: [
      // A sentence: words separated by spaces; without `:` and `#` no `: ` or ` #` can occur.
      { mid: allBut(NEVER_RAW_BUT_SPACE, cps(":#")), second: allBut(NEVER_RAW_BUT_SPACE, cps(":#+-"), DIGITS), last: allBut(NEVER_RAW, cps(":#")) },
      // A word: no space, so `:` and `#` are safe inside; `:` not last.
      { mid: allBut(NEVER_RAW), second: allBut(NEVER_RAW, cps("+-"), DIGITS), last: allBut(NEVER_RAW, cps(":")) },
    ],
  });
  const opt = (n: number) => Math.max(0, n);
  const forms: Node[] = [];
  for (const path of p.paths) {
    forms.push(seq(p.first, repeat(path.mid, opt(lo - 2), hi - 2), path.last));
    forms.push(seq(p.e, path.second, repeat(path.mid, opt(lo - 3), hi - 3), path.last));
  }
  return alt(...forms);
}

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

/**
 * The plain spellings of one language: one rule holding its DFA as an
 * automaton node (the engine builds one NFA state per DFA state, and calls
 * the rule when it is big and used more than once), by place and language,
 * for every compile of the process (null: no plain spelling).
 */
const plainRulesCache = new Map<string, { rule: string; node: Node } | null>();
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
  readonly flowStrings: StringWriter;
  readonly keys: StringWriter;
  private readonly n: number;
  private readonly maxDepth: number;
  private readonly out: Out<Node>;
  constructor(
    opts: ResolvedOptions,
    private readonly rules: Map<string, Node>,
    private readonly newRule: (prefix: string) => string,
  ) {
    this.n = opts.indent;
    this.maxDepth = opts.maxDepth;
    this.out = opts.yamlFlexible ? flexibleOut(opts.maxSpaces, opts.maxBlankLines, opts.flowSequences === "scalars") : opts.flowSequences === "scalars" ? EXACT_OUT : EXACT_BLOCK_OUT;
    this.strings = this.writer("block", "yaml-string");
    this.flowStrings = this.writer("flow", "yaml-flow-string");
    this.keys = this.writer("key", "yaml-key");
  }
  /** The root value, optionally after a `---` line (the document start marker, read alike by YAML 1.1 and 1.2), optionally followed by a line break. */
  document(root: Node): Node {
    const o = this.out;
    return seq(o.start, optional(seq(literal("---"), o.eol)), root, o.end);
  }
  scalar(node: Node, _depth: number, slot: Slot): Node {
    return slot === "root" || slot === "flow" ? node : seq(this.out.sp, node);
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
    return yamlText(this.out, v, this.n, depth, slot) ?? EMPTY;
  }
  open(kind: Container, _depth: number, slot: Slot): Node {
    if (kind !== "flow") return literal("");
    return slot === "root" ? literal("[") : this.out.join([this.out.sp, literal("[")]);
  }
  before(kind: Container, depth: number, slot: Slot, first: boolean): Node {
    if (kind === "flow") return first ? this.out.flowFirst : this.out.flowComma;
    return this.lead(kind, depth, slot, first);
  }
  colon(): Node {
    return literal(":");
  }
  close(kind: Container, _depth: number, slot: Slot, empty: boolean): Node {
    if (kind === "flow") return empty ? literal("]") : this.out.flowEnd;
    if (!empty) return literal("");
    const brackets = literal(kind === "object" ? "{}" : "[]");
    return slot === "root" ? brackets : this.out.join([this.out.sp, brackets]);
  }

  /** Flexible layout: a sequence under a key may also stand at the key's column (`key:\n- a`), laid out as a member array one level up. */
  arrayAlsoAt(depth: number, slot: Slot): { depth: number; slot: Slot } | null {
    return this.out.zeroIndent && slot === "member" && depth > 0 ? { depth: depth - 1, slot: "member" } : null;
  }

  /** Arrays of scalars in flow style (`[a, b]`): only so in the exact layout, also so in the flexible one; never with `flowSequences: "never"`. */
  flowArray(_depth: number, slot: Slot): "only" | "also" | null {
    return slot === "flow" ? null : this.out.flow;
  }

  /**
   * Unconstrained values (schema `{}` or `true`) in block style at every depth, from rules this
   * syntax builds once per compile: one per depth and slot, over one shared scalar rule and one
   * key rule (the compiler would build every kind again at each depth). Containers at `maxDepth`
   * are empty, as everywhere in the grammar.
   */
  anyValue(depth: number, slot: Slot, only?: "scalar" | "container"): Node | null {
    if (only === "container") return slot === "flow" ? EMPTY : ref(this.anyContainerRule(depth, slot));
    if (only === "scalar") return slot === "root" || slot === "flow" ? ref(this.anyScalar(slot === "flow")) : this.out.join([this.out.sp, ref(this.anyScalar())]);
    return ref(this.anyRule(depth, slot));
  }

  private readonly anyRules = new Map<string, string>();
  private scalarRule: string | null = null;
  private flowScalarRule: string | null = null;
  private keyRule: string | null = null;
  /** null, booleans, any number, any string (`flow`: as an entry of a flow sequence). */
  private anyScalar(flow = false): string {
    const hit = flow ? this.flowScalarRule : this.scalarRule;
    if (hit) return hit;
    const r = this.newRule(flow ? "yfscalar" : "yscalar");
    if (flow) this.flowScalarRule = r;
    else this.scalarRule = r;
    this.rules.set(r, alt(this.null(), this.boolean(true), this.boolean(false), this.number(anyNumber(false), false), (flow ? this.flowStrings : this.strings).ofLength(0, Infinity)));
    return r;
  }
  private anyKey(): string {
    if (this.keyRule) return this.keyRule;
    const r = (this.keyRule = this.newRule("ykey"));
    this.rules.set(r, this.keys.ofLength(0, Infinity));
    return r;
  }
  /** Any value at `depth`/`slot`: a scalar, or what `anyContainerRule` writes. */
  private anyRule(depth: number, slot: Slot): string {
    if (slot === "flow") return this.anyScalar(true);
    const memo = `${depth}/${slot}`;
    const hit = this.anyRules.get(memo);
    if (hit) return hit;
    const name = this.newRule("yany");
    this.anyRules.set(memo, name);
    const sp = slot === "root" ? literal("") : this.out.sp;
    this.rules.set(name, alt(this.out.join([sp, ref(this.anyScalar())]), ref(this.anyContainerRule(depth, slot))));
    return name;
  }
  /** Any object or array at `depth`/`slot` (`{}`, `[]`, block collections, flow sequences of scalars). */
  private anyContainerRule(depth: number, slot: Slot): string {
    const memo = `${depth}/${slot}/c`;
    const hit = this.anyRules.get(memo);
    if (hit) return hit;
    const name = this.newRule("yanyc");
    this.anyRules.set(memo, name);
    const o = this.out;
    const sp = slot === "root" ? literal("") : o.sp;
    const forms: Node[] = [o.join([sp, literal("{}")]), o.join([sp, literal("[]")])];
    if (depth < this.maxDepth) {
      const member = (first: boolean) => seq(this.lead("object", depth, slot, first), ref(this.anyKey()), literal(":"), ref(this.anyRule(depth + 1, "member")));
      forms.push(seq(member(true), repeat(member(false), 0, Infinity)));
      const item = (first: boolean, what: Node) => seq(this.lead("array", depth, slot, first), what);
      const any = ref(this.anyRule(depth + 1, "item"));
      if (o.flow === "only") {
        // Block style needs an object or array item; the arrays of scalars are written in flow.
        const scalar = o.join([o.sp, ref(this.anyScalar())]);
        const container = ref(this.anyContainerRule(depth + 1, "item"));
        // The first dash, scalars each followed by the next dash, the collection, then any items.
        const next = this.lead("array", depth, slot, false);
        forms.push(seq(this.lead("array", depth, slot, true), repeat(seq(scalar, next), 0, Infinity), container, repeat(item(false, any), 0, Infinity)));
      } else forms.push(seq(item(true, any), repeat(item(false, any), 0, Infinity)));
      if (o.flow !== null) {
        const entry = ref(this.anyScalar(true));
        forms.push(seq(this.open("flow", depth, slot), o.flowFirst, entry, repeat(seq(o.flowComma, entry), 0, Infinity), o.flowEnd));
      }
      const also = this.arrayAlsoAt(depth, slot);
      if (also) {
        const zeroItem = (first: boolean) => seq(this.lead("array", also.depth, also.slot, first), ref(this.anyRule(also.depth + 1, "item")));
        forms.push(seq(zeroItem(true), repeat(zeroItem(false), 0, Infinity)));
      }
    }
    this.rules.set(name, alt(...forms));
    return name;
  }

  private lead(kind: Container, depth: number, slot: Slot, first: boolean): Node {
    return lead(this.out, this.n, kind, depth, slot, first);
  }

  /** Strings of a language at `place`: plain where the dialect allows, or double-quoted. */
  private writer(place: YamlPlace | "key-word", name: string): StringWriter {
    const quoted = (inner: Node, label: string) => lexeme(seq(literal('"'), inner, literal('"')), `${name}-quoted/${label}`);
    return {
      ofLength: (min, max) => {
        const q = quoted(repeat(quotedSet(ANY_CHAR), min, max), `{${min},${max === Infinity ? "" : max}}`);
        const exact = (lo: number, hi: number) => this.plainOf(place, `len:${lo},${hi}`, () => combineLanguages({ all: [plainDfa(place)], minLength: lo, maxLength: hi }, { maxDfaStates: MAX_PLAIN_STATES }));
        // Unbounded or short: the plain language exactly (its automaton does not count far).
        if (max === Infinity || max <= EXACT_PLAIN_MAX) {
          const plain = exact(min, max);
          return plain ? alt(plain, q) : q;
        }
        const forms: Node[] = [];
        if (min <= EXACT_PLAIN_MAX) {
          const short = exact(min, EXACT_PLAIN_MAX);
          if (short) forms.push(short);
        }
        forms.push(lexeme(longPlain(Math.max(min, EXACT_PLAIN_MAX + 1), max), `${name}-plain/{${Math.max(min, EXACT_PLAIN_MAX + 1)},${max}}`));
        return alt(...forms, q);
      },
      of: (ast, label) => {
        const q = quoted(astToIr(ast, quotedSet), label);
        return this.withPlain(q, place, `ast:${JSON.stringify(ast)}`, () => combineLanguages({ all: [ast, plainDfa(place)] }, { maxDfaStates: MAX_PLAIN_STATES }));
      },
      ofDfa: (dfa, rules, prefix) => {
        const states = automatonToRules(dfa, { prefix, chars: quotedSet, final: literal('"') });
        for (const [rule, node] of states) rules.set(rule, node);
        const q = seq(literal('"'), ref(states[0][0]));
        return this.withPlain(q, place, dfaKey(dfa), () => combineLanguages({ all: [dfa as Language, plainDfa(place)] }, { maxDfaStates: MAX_PLAIN_STATES }));
      },
    };
  }

  /**
   * `quoted`, or it and the plain spellings of the language `build` gives (none when it is empty or
   * too big). The plain rules of a language with a `key` are built once per process (shared names,
   * added to each compile that uses them); without a key, once per call.
   */
  private withPlain(quoted: Node, place: string, key: string | null, build: () => ByteDfa): Node {
    const plain = this.plainOf(place, key, build);
    return plain ? alt(plain, quoted) : quoted;
  }

  /** The plain spellings of the language `build` gives, as a reference to its start rule (null when empty or too big). */
  private plainOf(place: string, key: string | null, build: () => ByteDfa): Node | null {
    const memoKey = key === null ? null : `${place}\u0000${key}`;
    let plain: { rule: string; node: Node } | null | undefined = memoKey === null ? undefined : plainRulesCache.get(memoKey);
    if (plain === undefined) {
      plain = null;
      try {
        const dfa = build();
        if (dfa.stateCount > 0) plain = { rule: memoKey === null ? this.newRule("yplain") : `yplain_g${plainRulesSerial++}`, node: automaton(dfa, "yaml-plain") };
      } catch (e) {
        if (!(e instanceof LimitError)) throw e;
      }
      if (memoKey !== null) {
        if (plainRulesCache.size >= 2000) plainRulesCache.clear();
        plainRulesCache.set(memoKey, plain);
      }
    }
    if (plain === null) return null;
    if (!this.rules.has(plain.rule)) this.rules.set(plain.rule, plain.node);
    return ref(plain.rule);
  }
}

/**
 * How the layout is spelled: as text (the exact layout, for `stringifyYaml`) or as grammar nodes
 * (the exact or the flexible layout). One writer (`yamlText`, `lead`) serves all three.
 */
interface Out<T> {
  text(s: string): T;
  join(parts: T[]): T;
  /** Between `:` or `-` and a scalar or `{}`/`[]`: one space, exactly. */
  sp: T;
  /** A line break (and, flexible, trailing spaces before it and blank lines after it). */
  eol: T;
  /** Whether a sequence under a key may also stand at the key's column (`key:\n- a`; flexible only). */
  zeroIndent: boolean;
  /** Either text (flexible nodes: both; otherwise the first). */
  either(a: T, b: T): T;
  /** Before the document (flexible: blank lines). */
  start: T;
  /** After the root value (exact: an optional line break). */
  end: T;
  /** Arrays of scalars in flow style (`[a, b]`): "only" so (exact), "also" so (flexible), or never (null). */
  flow: "only" | "also" | null;
  /** After `[`, before the first entry (exact: nothing; flexible: up to maxSpaces spaces). */
  flowFirst: T;
  /** Between two entries (exact: `, `; flexible: `,` and up to 1 + maxSpaces spaces). */
  flowComma: T;
  /** After the last entry (exact: `]`; flexible: up to maxSpaces spaces, then `]`). */
  flowEnd: T;
}

const STRING_OUT: Out<string> = { text: (s) => s, join: (p) => p.join(""), sp: " ", eol: "\n", zeroIndent: false, either: (a) => a, start: "", end: "", flow: "only", flowFirst: "", flowComma: ", ", flowEnd: "]" };
const STRING_BLOCK_OUT: Out<string> = { ...STRING_OUT, flow: null };
/** A sequence of nodes, with adjacent literals joined into one. */
function joinNodes(parts: Node[]): Node {
  const out: Node[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.type === "literal" && last?.type === "literal") out[out.length - 1] = literal(last.value + p.value);
    else out.push(p);
  }
  return out.length === 1 ? out[0] : seq(...out);
}
const EXACT_OUT: Out<Node> = {
  text: literal,
  join: joinNodes,
  sp: literal(" "),
  eol: literal("\n"),
  zeroIndent: false,
  either: (a) => a,
  start: literal(""),
  end: optional(literal("\n")),
  flow: "only",
  flowFirst: literal(""),
  flowComma: literal(", "),
  flowEnd: literal("]"),
};
/** The exact layout with `flowSequences: "never"`: every non-empty array in block style. */
const EXACT_BLOCK_OUT: Out<Node> = { ...EXACT_OUT, flow: null };

/** The flexible layout's nodes: runs of at most `spaces` extra spaces, at most `blank` blank lines. */
function flexibleOut(spaces: number, blank: number, flow: boolean): Out<Node> {
  const space = literal(" ");
  const trailing = repeat(space, 0, spaces);
  const blankLines = repeat(seq(trailing, literal("\n")), 0, blank);
  const eol = lexeme(seq(trailing, literal("\n"), blankLines), "yaml-eol");
  return {
    text: literal,
    join: joinNodes,
    sp: lexeme(repeat(space, 1, 1 + spaces), "yaml-space"),
    eol,
    zeroIndent: true,
    either: (a, b) => alt(a, b),
    start: blankLines,
    end: seq(trailing, optional(seq(literal("\n"), blankLines))),
    flow: flow ? "also" : null,
    flowFirst: lexeme(trailing, "yaml-flow-space"),
    flowComma: lexeme(seq(literal(","), repeat(space, 0, 1 + spaces)), "yaml-flow-comma"),
    flowEnd: lexeme(seq(trailing, literal("]")), "yaml-flow-end"),
  };
}

/** What precedes an entry of a container at `depth`/`slot` with indent `n` (the dash included for sequences). */
function lead<T>(o: Out<T>, n: number, kind: Container, depth: number, slot: Slot, first: boolean): T {
  const dash = kind === "array" ? "-" : "";
  if (!first || slot === "member") return o.join([o.eol, o.text(`${" ".repeat(n * depth)}${dash}`)]);
  if (slot === "root") return o.text(dash);
  return o.text(`${" ".repeat(n - 1)}${dash}`);
}

/** The text of a JSON value at `depth`/`slot`; null when a number has no spelling in the dialect (1e308 and up). */
function yamlText<T>(o: Out<T>, v: unknown, n: number, depth: number, slot: Slot): T | null {
  const scalar = (t: string) => (slot === "root" || slot === "flow" ? o.text(t) : o.join([o.sp, o.text(t)]));
  // An entry of a flow sequence is a scalar.
  if (slot === "flow" && typeof v === "object" && v !== null) return null;
  if (v === null) return scalar("null");
  if (typeof v === "boolean") return scalar(String(v));
  if (typeof v === "number") {
    const t = yamlNumber(v);
    return t === null ? null : scalar(t);
  }
  if (typeof v === "string") return scalar(yamlString(v, slot === "flow" ? "flow" : "block"));
  if (Array.isArray(v)) {
    if (v.length === 0) return scalar("[]");
    let flow: T | null = null;
    if (o.flow !== null && v.every((x) => typeof x !== "object" || x === null)) {
      // In flow style: `[a, b]`.
      const parts: T[] = [slot === "root" ? o.text("[") : o.join([o.sp, o.text("[")])];
      for (let i = 0; i < v.length; i++) {
        const x = yamlText(o, v[i], n, depth + 1, "flow");
        if (x === null) return null;
        parts.push(i === 0 ? o.flowFirst : o.flowComma, x);
      }
      parts.push(o.flowEnd);
      flow = o.join(parts);
      if (o.flow === "only") return flow;
    }
    // At (depth, slot), or (flexible, under a key) at the key's column: laid out as a member one level up.
    const at = (d: number, s: Slot): T | null => {
      const parts: T[] = [];
      for (let i = 0; i < v.length; i++) {
        const x = yamlText(o, v[i], n, d + 1, "item");
        if (x === null) return null;
        parts.push(lead(o, n, "array", d, s, i === 0), x);
      }
      return o.join(parts);
    };
    const indented = at(depth, slot);
    if (indented === null) return null;
    const block = !o.zeroIndent || slot !== "member" || depth === 0 ? indented : o.either(indented, at(depth - 1, "member")!);
    return flow === null ? block : o.either(flow, block);
  }
  const parts: T[] = [];
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return scalar("{}");
  for (let i = 0; i < entries.length; i++) {
    const x = yamlText(o, entries[i][1], n, depth + 1, "member");
    if (x === null) return null;
    parts.push(lead(o, n, "object", depth, slot, i === 0), o.text(`${yamlString(entries[i][0], "key")}:`), x);
  }
  return o.join(parts);
}

/**
 * A JSON value as the canonical YAML text of this dialect (what the grammar
 * of a schema the value satisfies accepts; keys in the value's order), with a
 * final line break; null when a number has no spelling here (1e308 and up).
 */
export function stringifyYaml(v: unknown, indent = 2, flowSequences: "scalars" | "never" = "scalars"): string | null {
  const t = yamlText(flowSequences === "scalars" ? STRING_OUT : STRING_BLOCK_OUT, v, indent, 0, "root");
  return t === null ? null : `${t}\n`;
}
