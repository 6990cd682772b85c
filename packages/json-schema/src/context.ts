/**
 * The state shared by the emitters while one schema compiles: the registry,
 * the options, the rules produced so far and the warnings.
 */
import { UnsupportedError, type WarningCode } from "@formwork/core";
import { alt, ref, type Node } from "@formwork/grammar";
import type { ResolvedOptions } from "./options.js";
import type { Frame, SchemaRegistry } from "./resolver.js";
import type { Slot, Syntax } from "./syntax/syntax.js";

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
  /** How values are spelled (JSON, ...). */
  syntax: Syntax;
  rules: Map<string, Node>;
  warnings: CompileWarning[];
  /** Compiles the conjunction of `frames` as a value at nesting `depth`, standing in `slot`. */
  value(frames: Frame[], depth: number, slot: Slot): Node;
  /** The deepest nesting compiled so far (for the memo of compiled values). */
  reached: number;
  /** Reserves a fresh rule name starting with `prefix`. */
  newRule(prefix: string): string;
  /** `node`, or a reference to a new rule holding it when it is big: for a node used at several places, so that the engine can call it instead of copying it. */
  share(node: Node, prefix: string): Node;
}

/** The node no text matches (an empty alternation). */
export const EMPTY: Node = { type: "alt", items: [] };

/**
 * The rules of a counting automaton (array items, object members), one rule
 * `${base}_${key}` per state: `rule(key, build)` returns a reference to the
 * state's rule, defining it on first use as the alternation of `build()`
 * (EMPTY when there is none). The rule is reserved before `build` runs, so
 * `build` may refer to states being built, itself included.
 */
export function stateRules(ctx: Ctx, base: string): (key: string, build: () => Node[]) => Node {
  // Built depth first with an explicit stack, not by recursion (one level per state overflowed
  // the stack near 3,000 object members), in the order the recursive walk made them: a rule is
  // registered and built, then the states its body named, first to last, each with its own.
  // While a body is built, the states it names are only recorded (`named`).
  let named: { name: string; build: () => Node[] }[] | null = null;
  return (key, build) => {
    const name = `${base}_${key}`;
    if (named !== null) {
      if (!ctx.rules.has(name)) named.push({ name, build });
      return ref(name);
    }
    const stack = [{ name, build }];
    while (stack.length > 0) {
      const job = stack.pop()!;
      if (ctx.rules.has(job.name)) continue;
      ctx.rules.set(job.name, EMPTY);
      const children: { name: string; build: () => Node[] }[] = (named = []);
      let items: Node[];
      try {
        items = job.build();
      } finally {
        named = null;
      }
      ctx.rules.set(job.name, items.length === 0 ? EMPTY : alt(...items));
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
    return ref(name);
  };
}

/**
 * The warnings in first-seen order, each (code, pointer, message, effect) once. A subschema reached
 * along many paths (a `$ref`'d definition used in many places) is compiled once and its warnings
 * replayed at each use; the replays repeat one pointer, and without this the list grows with the
 * number of paths (exponentially in the nesting of definitions that use each other twice).
 */
export function uniqueWarnings(warnings: readonly CompileWarning[]): CompileWarning[] {
  const seen = new Set<string>();
  const out: CompileWarning[] = [];
  for (const w of warnings) {
    const key = `${w.code}\u0000${w.pointer}\u0000${w.effect}\u0000${w.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(w);
  }
  return out;
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
