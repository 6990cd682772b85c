/**
 * `resolveConstraint`: the one place where a schema, a GBNF grammar or a
 * regular expression becomes a grammar. Each kind is one entry of `KINDS`;
 * a new kind (CSV columns, ...) is a new entry, and a new text syntax for
 * schemas is a new entry of `syntax.ts`, never a second resolver.
 */
import { ArgumentError } from "@formwork/core";
import { grammar as makeGrammar, parseGbnfWithWarnings, regex as regexNode, type Grammar } from "@formwork/grammar";
import { compileSchema, type CompileSchemaOptions } from "@formwork/json-schema";
import { compileRegex } from "@formwork/regex";
import { createValidator, type ValidationResult, type Validator } from "@formwork/validate";
import type { Constraint, ConstraintKind, ConstraintOptions, ConstraintWarning, Syntax } from "./constraint.js";
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
      const key = schemaCacheKey(o.schema, syntax, schemaOptions, o.strict === true);
      const hit = key === undefined ? undefined : schemaCache.get(key);
      if (hit !== undefined) {
        // Most recently used last.
        schemaCache.delete(key!);
        schemaCache.set(key!, hit);
        return hit;
      }
      const c = resolveSchema(o, syntax, schemaOptions);
      if (key !== undefined) {
        schemaCache.set(key, c);
        if (schemaCache.size > SCHEMA_CACHE_SIZE) schemaCache.delete(schemaCache.keys().next().value!);
      }
      return c;
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

/** Resolved plain JSON schemas, by `schemaCacheKey`, most recently used last. */
const schemaCache = new Map<string, Constraint>();
const SCHEMA_CACHE_SIZE = 16;
/** Keys longer than this (characters) are not cached. */
const SCHEMA_KEY_MAX = 1 << 18;

/**
 * The cache key of a schema call: the JSON text of the schema with the
 * options that shape its constraint (syntax, compile options with the
 * limits, strict), or undefined when the call is not cached: a library
 * schema (its value reader is the library's), a value that is not JSON data
 * (left to `schemaInput` and the compiler to refuse), a key past
 * `SCHEMA_KEY_MAX`. Non-finite numbers and undefined get their own marks, so
 * two keys are equal only for equal inputs. Resolving a schema (compile,
 * keyword checks, reader) costs 1-3 ms per call on the decode benchmark's
 * schemas, and `generate` resolves on every call.
 */
function schemaCacheKey(schema: unknown, syntax: string, schemaOptions: object, strict: boolean): string | undefined {
  if (typeof schema === "object" && schema !== null && (schema as Record<string, unknown>)["~standard"] !== undefined) return undefined;
  let json = true;
  const replacer = function (this: unknown, k: string, v: unknown): unknown {
    // The value before any toJSON: a Date or another class instance is not JSON data.
    const raw = (this as Record<string, unknown>)[k];
    if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
      const proto = Object.getPrototypeOf(raw) as unknown;
      if (proto !== Object.prototype && proto !== null) json = false;
    }
    switch (typeof v) {
      case "number":
        return Number.isFinite(v) ? v : `\u0000${String(v)}`;
      case "undefined":
        return "\u0000undefined";
      case "function":
      case "symbol":
      case "bigint":
        json = false;
        return null;
      default:
        return v;
    }
  };
  let key: string;
  try {
    key = JSON.stringify([schema, syntax, schemaOptions, strict], replacer);
  } catch {
    return undefined;
  }
  return json && key.length <= SCHEMA_KEY_MAX ? key : undefined;
}

function resolveSchema(o: ConstraintOptions, syntax: Syntax, schemaOptions: CompileSchemaOptions): Constraint {
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
}

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
