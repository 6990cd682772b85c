/**
 * What a generation is constrained to: a JSON Schema, a GBNF grammar, a
 * regular expression or a grammar IR, turned into one `Grammar`.
 */
import { ArgumentError } from "@formwork/core";
import { grammar as makeGrammar, parseGbnf, regex as regexNode, type Grammar } from "@formwork/grammar";
import { compileSchema, type CompileSchemaOptions, type CompileWarning } from "@formwork/json-schema";

/** Exactly one of these (or none, for free text). */
export interface ConstraintOptions {
  /** A JSON Schema (object, boolean, or JSON text): the output is JSON valid under it. */
  schema?: unknown;
  /** Options for compiling `schema` (whitespace style, lenient mode, limits). */
  schemaOptions?: CompileSchemaOptions;
  /** A GBNF grammar (llama.cpp dialect) as text, or a grammar IR. */
  grammar?: string | Grammar;
  /** An ECMAScript regular expression (source text or `RegExp`), matched as a whole. */
  regex?: string | RegExp;
}

/** A resolved constraint. */
export interface ResolvedConstraint {
  kind: "schema" | "grammar" | "regex";
  grammar: Grammar;
  /** Warnings from the schema compiler (approximations under `lenient`). */
  warnings: CompileWarning[];
}

/**
 * Builds the grammar of a constraint, or returns null when none is given.
 * Throws `ArgumentError` (`constraint-conflict`) when more than one is given,
 * and the compilers' `CompileError`s / `UnsupportedError`s for bad specs.
 */
export function resolveConstraint(o: ConstraintOptions): ResolvedConstraint | null {
  const given = (["schema", "grammar", "regex"] as const).filter((k) => o[k] !== undefined);
  if (given.length > 1) {
    throw new ArgumentError("constraint-conflict", `give one of schema, grammar and regex, not ${given.join(" and ")}`, {
      hint: "Express the combination in one grammar instead.",
    });
  }
  if (o.schema !== undefined) {
    const { grammar, warnings } = compileSchema(o.schema, o.schemaOptions);
    return { kind: "schema", grammar, warnings };
  }
  if (o.grammar !== undefined) {
    return { kind: "grammar", grammar: typeof o.grammar === "string" ? parseGbnf(o.grammar) : o.grammar, warnings: [] };
  }
  if (o.regex !== undefined) {
    const pattern = typeof o.regex === "string" ? o.regex : o.regex.source;
    const flags = typeof o.regex === "string" ? "" : o.regex.flags.replace(/[gymd]/g, "");
    return { kind: "regex", grammar: makeGrammar([["root", regexNode(pattern, flags)]]), warnings: [] };
  }
  return null;
}
