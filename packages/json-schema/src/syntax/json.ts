/**
 * The JSON syntax: values as JSON text in one of three whitespace styles
 * (compact, flexible, pretty). Pretty output depends on the nesting depth, so
 * the punctuation takes the depth of the enclosing container. String
 * spelling is in json-text.ts.
 */
import { alt, charClass, lexeme, literal, optional, repeat, seq, type Node } from "@formwork/grammar";
import { astToIr } from "@formwork/grammar/internal";
import type { RegexAst } from "@formwork/regex";
import type { ResolvedOptions } from "../options.js";
import { stringOf, stringOfDfa, stringOfLength, stringOtherThan } from "./json-text.js";
import type { Container, Slot, StringWriter, Syntax } from "./syntax.js";

/** Number nodes by language (the unbounded languages are shared objects, so their nodes are built once). */
const NUMBER_CACHE = new WeakMap<RegexAst, Node>();

const JSON_STRINGS: StringWriter = { ofLength: stringOfLength, of: stringOf, ofDfa: stringOfDfa, otherThan: stringOtherThan };

/** JSON text, laid out in the style of `opts.whitespace`. */
export class JsonSyntax implements Syntax {
  readonly name = "json";
  readonly slotMatters = false;
  readonly strings = JSON_STRINGS;
  readonly keys = JSON_STRINGS;
  private readonly flexWs: Node | null;
  constructor(private readonly opts: ResolvedOptions) {
    this.flexWs =
      opts.whitespace === "flexible"
        ? lexeme(alt(repeat(charClass([[0x20, 0x20], [0x09, 0x09]]), 0, 2), seq(optional(literal("\r")), literal("\n"), repeat(charClass([[0x20, 0x20], [0x09, 0x09]]), 0, opts.maxIndent))), "json-ws")
        : null;
  }
  /** Pretty output depends on depth. */
  get depthMatters(): boolean {
    return typeof this.opts.whitespace === "object";
  }
  private indent(depth: number): string {
    const w = this.opts.whitespace;
    return typeof w === "object" ? " ".repeat(w.pretty * depth) : "";
  }
  document(root: Node): Node {
    const outer = this.flexWs ?? literal("");
    return seq(outer, root, outer);
  }
  scalar(node: Node): Node {
    return node;
  }
  null(): Node {
    return literal("null");
  }
  boolean(b: boolean): Node {
    return literal(b ? "true" : "false");
  }
  number(n: RegexAst, integer: boolean): Node {
    let hit = NUMBER_CACHE.get(n);
    if (!hit) NUMBER_CACHE.set(n, (hit = { type: "lexeme", item: astToIr(n), name: integer ? "json-integer" : "json-number" }));
    return hit;
  }
  key(k: string): Node {
    return literal(JSON.stringify(k));
  }
  open(kind: Container): Node {
    return literal(kind === "object" ? "{" : "[");
  }
  before(_kind: Container, depth: number, _slot: Slot, first: boolean): Node {
    const w = this.opts.whitespace;
    if (w === "compact") return literal(first ? "" : ",");
    if (w === "flexible") return first ? this.flexWs! : seq(this.flexWs!, literal(","), this.flexWs!);
    if (w.pretty === 0) return literal(first ? "" : ",");
    return literal(`${first ? "" : ","}\n${this.indent(depth + 1)}`);
  }
  close(kind: Container, depth: number, _slot: Slot, empty: boolean): Node {
    const bracket = kind === "object" ? "}" : "]";
    const w = this.opts.whitespace;
    if (w === "compact") return literal(bracket);
    if (w === "flexible") return seq(this.flexWs!, literal(bracket));
    if (empty || w.pretty === 0) return literal(bracket);
    return literal(`\n${this.indent(depth)}${bracket}`);
  }
  colon(): Node {
    const w = this.opts.whitespace;
    if (w === "compact") return literal(":");
    if (w === "flexible") return seq(this.flexWs!, literal(":"), this.flexWs!);
    return literal(w.pretty === 0 ? ":" : ": ");
  }
  /** The canonical JSON text of a value laid out for `depth`. */
  literal(v: unknown, depth: number, slot: Slot): Node {
    if (v === null || typeof v !== "object") return literal(JSON.stringify(v));
    if (Array.isArray(v)) {
      if (v.length === 0) return seq(literal("["), this.close("array", depth, slot, true));
      const items: Node[] = [literal("[")];
      v.forEach((x, i) => items.push(this.before("array", depth, slot, i === 0), this.literal(x, depth + 1, "item")));
      items.push(this.close("array", depth, slot, false));
      return seq(...items);
    }
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) return seq(literal("{"), this.close("object", depth, slot, true));
    const items: Node[] = [literal("{")];
    entries.forEach(([k, x], i) => items.push(this.before("object", depth, slot, i === 0), literal(JSON.stringify(k)), this.colon(), this.literal(x, depth + 1, "member")));
    items.push(this.close("object", depth, slot, false));
    return seq(...items);
  }
}
