/**
 * `resolveConstraint`: the one place where a schema, a GBNF grammar or a
 * regular expression becomes a grammar. Each kind is one entry of `KINDS`;
 * a new kind (CSV columns, ...) is a new entry, and a new text syntax for
 * schemas is a new entry of `syntax.ts`, never a second resolver.
 */
import { ArgumentError } from "@formwork/core";
import { grammar as makeGrammar, parseGbnfWithWarnings, regex as regexNode, type Grammar } from "@formwork/grammar";
import { compileSchema } from "@formwork/json-schema";
import { compileRegex } from "@formwork/regex";
import { createValidator, type ValidationResult, type Validator } from "@formwork/validate";
import type { Constraint, ConstraintKind, ConstraintOptions, ConstraintWarning } from "./constraint.js";
import { checkKeywords } from "./keywords.js";
import { schemaInput, standardValue } from "./schema-input.js";
import type { SchemaValue } from "./schema-types.js";
import { checkSyntax, syntaxReader } from "./syntax.js";

const VALID: ValidationResult = Object.freeze({ valid: true, errors: [] }) as ValidationResult;

interface KindEntry {
  kind: ConstraintKind;
  /** The option that selects this kind. */
  option: "schema" | "grammar" | "regex";
  /** Options that only go with this kind. */
  companions: readonly (keyof ConstraintOptions)[];
  resolve(o: ConstraintOptions): Constraint;
}

/** A constraint whose outputs are plain text: nothing to parse, the grammar alone decides validity. */
function textConstraint(kind: ConstraintKind, grammar: Grammar, warnings: ConstraintWarning[]): Constraint {
  return { kind, syntax: null, grammar, warnings, valueOf: () => undefined, validate: () => VALID };
}

const KINDS: readonly KindEntry[] = [
  {
    kind: "schema",
    option: "schema",
    companions: ["schemaOptions", "syntax", "strict"],
    resolve(o) {
      const syntax = checkSyntax(o.syntax ?? "json");
      const schemaOptions = o.limits !== undefined && o.schemaOptions?.limits === undefined ? { ...o.schemaOptions, limits: o.limits } : (o.schemaOptions ?? {});
      const { jsonSchema, standard } = schemaInput(o.schema);
      const compiled = compileSchema(jsonSchema, { ...schemaOptions, syntax });
      const reader = syntaxReader(syntax, compiled);
      // compileSchema has refused schema text that is not JSON.
      const schema = typeof jsonSchema === "string" ? JSON.parse(jsonSchema) : jsonSchema;
      const warnings: ConstraintWarning[] = [...checkKeywords(schema, o.strict === true), ...compiled.warnings];
      const grammar = compiled.grammar;
      let validator: Validator | undefined;
      return {
        kind: "schema",
        syntax,
        grammar,
        warnings,
        schema,
        schemaOptions,
        ...(compiled.table ? { table: compiled.table } : {}),
        valueOf(text) {
          let value: unknown;
          try {
            value = reader.parse(text);
          } catch {
            return undefined;
          }
          if (!standard) return value;
          // A library schema reads its own value: defaults, transforms, refinements JSON Schema cannot express.
          const read = standardValue(standard, value);
          return read.ok ? read.value : undefined;
        },
        validate(value) {
          validator ??= createValidator(schema, { draft: schemaOptions.draft, remotes: schemaOptions.remotes, ...(schemaOptions.limits !== undefined ? { limits: schemaOptions.limits } : {}) });
          return validator(value);
        },
      };
    },
  },
  {
    kind: "grammar",
    option: "grammar",
    companions: ["grammarRoot"],
    resolve(o) {
      if (typeof o.grammar !== "string") {
        if (o.grammarRoot !== undefined) throw new ArgumentError("bad-option", "grammarRoot only goes with a GBNF grammar given as text", { hint: "Set the root of a grammar IR when building it." });
        return textConstraint("grammar", o.grammar as Grammar, []);
      }
      const { grammar, warnings } = parseGbnfWithWarnings(o.grammar, { ...(o.grammarRoot === undefined ? {} : { root: o.grammarRoot }), ...(o.limits === undefined ? {} : { limits: o.limits }) });
      return textConstraint("grammar", grammar, warnings);
    },
  },
  {
    kind: "regex",
    option: "regex",
    companions: ["regexFlags"],
    resolve(o) {
      const given = o.regex as string | RegExp;
      if (given instanceof RegExp && o.regexFlags !== undefined) throw new ArgumentError("bad-option", "regexFlags only goes with a regex given as text; a RegExp brings its own flags");
      const pattern = typeof given === "string" ? given : given.source;
      // Matching is always of the whole output: the search flags g, y (and d, m-less indices) mean nothing here.
      const flags = typeof given === "string" ? (o.regexFlags ?? "") : given.flags.replace(/[gyd]/g, "");
      // Refuses what cannot be exact (backreferences, lookaround, ...) now, before any model or text is involved.
      // With the call's limits (maxRegexDfaStates, maxRegexNfaStates, maxRepetition): the engine compiles it again with the same.
      compileRegex(pattern, { flags, mode: "whole", ...(o.limits === undefined ? {} : { limits: o.limits }) });
      return textConstraint("regex", makeGrammar([["root", regexNode(pattern, flags)]]), []);
    },
  },
];

const given = (o: ConstraintOptions, k: keyof ConstraintOptions) => o[k] !== undefined;

/**
 * Resolves the constraint of a call: compiles the schema (in its syntax),
 * parses the GBNF grammar, or checks the regex, once, and returns the
 * grammar with its warnings, its value reader and its validator; null when
 * no constraint is given (free text). A resolved `constraint` passed back in
 * is returned as is. Throws `ArgumentError` `constraint-conflict` when more
 * than one is given, `bad-option` for an option without its constraint or
 * an unknown syntax, and the compilers' `CompileError` / `UnsupportedError`
 * / `LimitError` for a bad schema, grammar or regex.
 */
export function resolveConstraint<const S = undefined>(o: ConstraintOptions & { schema?: S }): Constraint<SchemaValue<S>> | null {
  const chosen = [...KINDS.map((k) => k.option), "constraint" as const].filter((k) => given(o, k));
  if (chosen.length > 1) {
    throw new ArgumentError("constraint-conflict", `give one of schema, grammar, regex and constraint, not ${chosen.join(" and ")}`, {
      hint: "Express the combination in one grammar instead.",
    });
  }
  for (const entry of KINDS) {
    if (entry.option === chosen[0]) continue;
    const stray = entry.companions.find((c) => given(o, c));
    if (stray !== undefined) {
      throw new ArgumentError("bad-option", `${stray} only goes with ${entry.option}`, { hint: `Give a ${entry.option}, or drop ${stray}.` });
    }
  }
  if (chosen[0] === "constraint") return o.constraint as Constraint<SchemaValue<S>>;
  const entry = KINDS.find((k) => k.option === chosen[0]);
  return entry ? (entry.resolve(o) as Constraint<SchemaValue<S>>) : null;
}
