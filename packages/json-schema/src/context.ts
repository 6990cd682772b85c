/**
 * The state shared by the emitters while one schema compiles: the registry,
 * the options, the rules produced so far and the warnings.
 */
import { UnsupportedError, type WarningCode } from "@formwork/core";
import type { Node } from "@formwork/grammar";
import type { ResolvedOptions } from "./options.js";
import type { Frame, SchemaRegistry } from "./resolver.js";
import type { Layout } from "./whitespace.js";

/** One approximation made under `lenient: true`. */
export interface CompileWarning {
  /** A kebab-case code, e.g. `unsupported-keyword`. */
  code: WarningCode;
  /** JSON pointer of the keyword. */
  pointer: string;
  /** What was approximated and how. */
  message: string;
  /** `restricts`: the grammar allows a subset of the valid values (never an invalid one); `relaxes`: it may allow values the schema rejects (validate the output). */
  effect: "restricts" | "relaxes";
}

/** The kinds of JSON values, with `integer` as a sub-kind of `number`. */
export type Kind = "null" | "boolean" | "object" | "array" | "string" | "number" | "integer";

/** Shared compile state. */
export interface Ctx {
  reg: SchemaRegistry;
  opts: ResolvedOptions;
  layout: Layout;
  rules: Map<string, Node>;
  warnings: CompileWarning[];
  /** Compiles the conjunction of `frames` as a JSON value at nesting `depth`. */
  value(frames: Frame[], depth: number): Node;
  /** The deepest nesting compiled so far (for the memo of compiled values). */
  reached: number;
  /** Reserves a fresh rule name starting with `prefix`. */
  newRule(prefix: string): string;
  /** `node`, or a reference to a new rule holding it when it is big: for a node used at several places, so that the engine can call it instead of copying it. */
  share(node: Node, prefix: string): Node;
}

/**
 * Refuses (throws `UnsupportedError`) or, under `lenient`, records a warning
 * and returns normally so that the caller applies its restricting fallback.
 */
export function approximate(ctx: Ctx, pointer: string, message: string, hint?: string, effect: "restricts" | "relaxes" = "relaxes"): void {
  if (!ctx.opts.lenient) {
    throw new UnsupportedError("unsupported-keyword", message, {
      location: { kind: "pointer", pointer },
      hint: hint ?? "Simplify the schema, or pass lenient: true to approximate (the approximation only restricts output).",
    });
  }
  ctx.warnings.push({ code: "unsupported-keyword", pointer, message, effect });
}
