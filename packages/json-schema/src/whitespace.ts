/**
 * Punctuation with whitespace for the three styles (compact, flexible,
 * pretty). Pretty output depends on the nesting depth, so every function
 * takes the depth of the enclosing container.
 */
import { alt, charClass, lexeme, literal, optional, repeat, seq, type Node } from "@formwork/grammar";
import type { ResolvedOptions } from "./options.js";

/** Builds the separators of one whitespace style. */
export class Layout {
  private readonly flexWs: Node | null;
  constructor(private readonly opts: ResolvedOptions) {
    this.flexWs =
      opts.whitespace === "flexible"
        ? lexeme(alt(repeat(charClass([[0x20, 0x20], [0x09, 0x09]]), 0, 2), seq(optional(literal("\r")), literal("\n"), repeat(charClass([[0x20, 0x20], [0x09, 0x09]]), 0, opts.maxIndent))), "json-ws")
        : null;
  }
  /** Whether output layout depends on depth (pretty style). */
  get depthMatters(): boolean {
    return typeof this.opts.whitespace === "object";
  }
  private indent(depth: number): string {
    const w = this.opts.whitespace;
    return typeof w === "object" ? " ".repeat(w.pretty * depth) : "";
  }
  /** Whitespace allowed around the whole document. */
  outer(): Node {
    return this.flexWs ?? literal("");
  }
  /** What precedes an element/member of a container at `depth` (the container's depth). */
  before(depth: number, first: boolean): Node {
    const w = this.opts.whitespace;
    if (w === "compact") return literal(first ? "" : ",");
    if (w === "flexible") return first ? this.flexWs! : seq(this.flexWs!, literal(","), this.flexWs!);
    if (w.pretty === 0) return literal(first ? "" : ",");
    return literal(`${first ? "" : ","}\n${this.indent(depth + 1)}`);
  }
  /** The closing bracket of a container at `depth`. */
  close(depth: number, empty: boolean, bracket: "}" | "]"): Node {
    const w = this.opts.whitespace;
    if (w === "compact") return literal(bracket);
    if (w === "flexible") return seq(this.flexWs!, literal(bracket));
    if (empty || w.pretty === 0) return literal(bracket);
    return literal(`\n${this.indent(depth)}${bracket}`);
  }
  /** The colon between a key and its value. */
  colon(): Node {
    const w = this.opts.whitespace;
    if (w === "compact") return literal(":");
    if (w === "flexible") return seq(this.flexWs!, literal(":"), this.flexWs!);
    return literal(w.pretty === 0 ? ":" : ": ");
  }
}
