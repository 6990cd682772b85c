/**
 * A text syntax: how the values that the schema analysis allows are spelled.
 *
 * The compiler (compiler.ts, emit-*.ts) decides which values are valid
 * (types, bounds, patterns, formats, combinators, `$ref`, recursion) and
 * builds their grammar out of the pieces a `Syntax` gives it: the spelling
 * of null, booleans, numbers and strings, of an enum/const value, and the
 * punctuation of objects and arrays. JSON (json.ts) is one syntax; every
 * other writer plugs in here without a second copy of any keyword's
 * semantics. docs/design/syntaxes.md describes the contract.
 */
import type { Node } from "@formwork/grammar";
import type { ByteDfa, RegexAst } from "@formwork/regex";

/**
 * Where a value stands: the whole document, the value of an object member, an item of an array, or
 * an entry of a flow sequence (YAML `[a, b]`; scalars only: the compiler emits no object or array there).
 */
export type Slot = "root" | "member" | "item" | "flow";

/** The kinds of container: objects, arrays, and arrays in flow style (`flowArray`). */
export type Container = "object" | "array" | "flow";

/**
 * The spellings of strings whose decoded value lies in a language. Each
 * returns a node for the whole scalar (quotes included). Nodes may be shared:
 * never mutate them.
 */
export interface StringWriter {
  /** A string of `[min, max]` code points (max may be Infinity), any characters. */
  ofLength(min: number, max: number): Node;
  /** A string whose value is in the language of the anchor-free AST `n`; `name` labels the lexeme. */
  of(n: RegexAst, name: string): Node;
  /**
   * Optional: a string whose value is none of `texts` (the keys other than an object's named
   * properties): the same language and nodes as `of(rx.otherThan(texts), name)`, built without
   * the AST. Absent: the compiler calls `of`.
   */
  otherThan?(texts: readonly string[], name: string): Node;
  /** A string whose value the DFA accepts: one rule per state, added to `rules` as `${prefix}${state}`. */
  ofDfa(dfa: ByteDfa, rules: Map<string, Node>, prefix: string): Node;
}

/**
 * One text syntax. Depth is the nesting of the value (the root is 0, the
 * value of a member of a depth-d object is d + 1); `slot` says what the value
 * follows. The compiler calls every method with the value's own depth and
 * slot, and the container methods with the container's.
 */
export interface Syntax {
  /** The syntax's name as users pass it (`"json"`). */
  readonly name: string;
  /** Whether a value's text depends on its depth (indentation): values are then compiled once per depth, up to `maxDepth`. */
  readonly depthMatters: boolean;
  /** Whether a value's text depends on its slot: values are then compiled once per slot. */
  readonly slotMatters: boolean;
  /** The document around the root value (leading/trailing whitespace, markers). */
  document(root: Node): Node;
  /** A scalar (the node from `null`, `boolean`, `number` or a `strings` writer) placed at `depth`/`slot` (e.g. a separator before it). */
  scalar(node: Node, depth: number, slot: Slot): Node;
  /** The null value. */
  null(): Node;
  /** A boolean. */
  boolean(b: boolean): Node;
  /**
   * A number from the language `n`, written in JSON's number syntax (the
   * schema analysis builds it in that syntax; the writer may restrict or
   * respell it). `integer`: every text in `n` is an integer.
   */
  number(n: RegexAst, integer: boolean): Node;
  /** String values. */
  readonly strings: StringWriter;
  /** String values at the `flow` slot (an entry of a flow sequence); needed when `flowArray` can return a mode. */
  readonly flowStrings?: StringWriter;
  /** Object keys drawn from a language (`additionalProperties`, `patternProperties`, `propertyNames`). */
  readonly keys: StringWriter;
  /** One named key. */
  key(k: string): Node;
  /** The text of one enum/const value at `depth`/`slot` (any JSON value). */
  literal(v: unknown, depth: number, slot: Slot): Node;
  /** What opens a container at `depth`/`slot` (JSON: the bracket). */
  open(kind: Container, depth: number, slot: Slot): Node;
  /** What precedes a member/item of a container at `depth`/`slot` (JSON: the comma and line break). */
  before(kind: Container, depth: number, slot: Slot, first: boolean): Node;
  /** Between a key and its value, in an object at `depth`. */
  colon(depth: number): Node;
  /** What closes a container at `depth`/`slot`; `empty` when it has no member/item. */
  close(kind: Container, depth: number, slot: Slot, empty: boolean): Node;
  /**
   * Optional: the text of an unconstrained value (schema `{}` or `true`) at `depth`/`slot`, when the
   * syntax builds it more cheaply than the compiler would kind by kind (YAML: one small rule per depth
   * and slot over shared scalars). `only`: just the scalars, or just the objects and arrays.
   * Null or absent: the compiler builds it from the methods above.
   */
  anyValue?(depth: number, slot: Slot, only?: "scalar" | "container"): Node | null;
  /**
   * Optional: another layout of a non-empty array standing at `depth`/`slot`: the compiler also
   * emits it (with `minItems: 1` added) as if it stood at the returned depth and slot (YAML's
   * flexible layout: a sequence under a key at the key's column, `key:\n- a`, is the array laid
   * out as a member one level up). Null or absent: none.
   */
  arrayAlsoAt?(depth: number, slot: Slot): { depth: number; slot: Slot } | null;
  /**
   * Optional: whether an array standing at `depth`/`slot` is also written in flow style (YAML
   * `[a, b]`): with the container kind `"flow"` (open, before, close) and its items at the slot
   * `"flow"` (scalars only). `"only"`: an array whose items are all scalars is written in flow and
   * in no other form (the other form then needs an item that is an object or an array, and the
   * empty array is the flow form's); `"also"`: the flow form is another spelling, besides the
   * other form, of a non-empty array of scalars. Null or absent: never.
   */
  flowArray?(depth: number, slot: Slot): "only" | "also" | null;
}
