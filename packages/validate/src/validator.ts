/**
 * The one ajv wrapper: every Formwork package that asks "is this value valid
 * under this JSON Schema" (the schema compiler's tests and `check`, repair,
 * best-of-N, the CLI) asks it here, so they cannot disagree about a schema.
 *
 * ajv 8 with ajv-formats ("full" formats asserted), strict mode off, the
 * meta-schema not checked. Drafts: 2020-12 and 2019-09 with ajv's own
 * validators; 07 and 06 with ajv's draft-07 validator (draft 06 is a subset
 * of it); 04 with the draft-07 validator after rewriting `id` and the boolean
 * exclusive bounds (draft4.ts). A schema marked `$async` is validated
 * synchronously.
 *
 * Hostile input (issue 17): ajv runs `pattern` and `patternProperties`
 * through a linear-time engine (`@formwork/regex`'s DFA) unless told
 * otherwise (`RegExp` backtracks: `^(a+)+$` kept it busy for minutes), and
 * ajv recurses once per nesting level of the schema when compiling and of
 * the value when validating, so both depths are checked first, without
 * recursion (`limits.maxDepth`).
 */
import { Ajv, type ErrorObject, type Options as AjvOptions, type ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { CompileError, FormworkError, LimitError, UnsupportedError, type Limits } from "@formwork/core";
import { limitExceeded, resolveLimits, valueDepth } from "@formwork/core/internal";
import { draftOfSchema, type Draft } from "./draft.js";
import { fromDraft4 } from "./draft4.js";
import { linearRegExp } from "./linear-regexp.js";
import { regexLimitsKey } from "@formwork/regex/internal";

// ajv-formats is CommonJS; under NodeNext its default export may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => void;

/** A regular-expression engine for `pattern` keywords: compiles `(source, flags)` to something that tests strings. */
export type RegExpEngine = (source: string, flags: string) => { test(text: string): boolean };

/** Options of {@link createValidator} and {@link validate}. */
export interface ValidatorOptions {
  /** Draft of a schema without `$schema` (default 2020). A `$schema` naming a known draft wins. */
  draft?: Draft;
  /** Documents that `$ref`s may point to, by absolute URI (default none; nothing is fetched). */
  remotes?: Record<string, unknown>;
  /** Report every failing keyword instead of the first (default false; costs a little more per invalid value). */
  allErrors?: boolean;
  /**
   * The engine for `pattern` and `patternProperties`. Default `"linear"`:
   * `@formwork/regex`'s DFA, time linear in the value; a pattern it cannot
   * express (backreferences, lookaround, `\b`) makes `createValidator` throw
   * `UnsupportedError` `unsupported-pattern`. `"backtracking"`: JavaScript's
   * `RegExp` with the `u` flag, which takes every pattern but can take
   * exponential time (`^(a+)+$`): only for trusted schemas. Or an engine of
   * your own.
   */
  regExp?: "linear" | "backtracking" | RegExpEngine;
  /**
   * `maxDepth`: deepest nesting of the schema and of a value, counted as JSON
   * nesting (`[[1]]` is 2; `{"allOf": [{}]}` is 3). ajv recurses once per
   * level and overflows the stack between 500 and 1,000 levels of schema.
   * Default 256. Past it: `LimitError` `max-depth`, from `createValidator`
   * for the schema and from the validator for a value.
   *
   * `maxProperties`: most entries under one keyword of the schema (named
   * properties, pattern properties, `$defs`, `dependentSchemas`,
   * `dependentRequired`, branches of `allOf`/`anyOf`/`oneOf`, `prefixItems`).
   * Default 10,000. Past it: `LimitError` `max-properties` from
   * `createValidator`, with the keyword's pointer.
   *
   * `maxRegexNfaStates` (default 250,000) and `maxRepetition` (10,000): the
   * regex limits of `pattern` and `patternProperties` under the default
   * `regExp: "linear"` (`@formwork/regex`'s `compileMatcher`). Past them:
   * `LimitError` `regex-nfa-limit` / `regex-repetition-limit` from
   * `createValidator`.
   */
  limits?: Partial<Limits>;
}

/** Default {@link ValidatorOptions.limits}. */
export const DEFAULT_VALIDATOR_LIMITS: Readonly<Pick<Limits, "maxDepth" | "maxProperties">> = Object.freeze({ maxDepth: 256, maxProperties: 10_000 });

/**
 * Above this many entries under one keyword, ajv compiles with `allErrors`: without it, its code
 * nests one block per entry (`if (valid) { ... }`) and its code generator recursed past the stack
 * near 3,000 properties; with it the checks are written one after another (9,999 properties in
 * 1.7 s). Only the first error is then kept, unless `allErrors` was asked for.
 */
const FLAT_ABOVE = 256;

/**
 * Checks a schema document against `maxDepth` (its JSON nesting) and `maxProperties` (the most
 * entries under one keyword: named properties, pattern properties, `$defs`, dependencies,
 * branches of `allOf`/`anyOf`/`oneOf`, `prefixItems`), both measured without recursion, and
 * returns the widest keyword and the depth. Throws `LimitError` `max-depth` or `max-properties` with the
 * pointer of the first place past the limit. `createValidator` and the schema compiler call it
 * first: ajv and the compiler recurse once per level, and ajv's compile time grows faster than
 * the width.
 */
export function checkSchemaLimits(schema: unknown, limits: Pick<Limits, "maxDepth" | "maxProperties">): { width: number; pointer: string; depth: number } {
  const { maxDepth, maxProperties } = limits;
  const deep = valueDepth(schema, maxDepth);
  if (deep.depth > maxDepth) throw limitExceeded("maxDepth", maxDepth, undefined, { what: "the schema", location: { kind: "pointer", pointer: deep.pointer } });
  const wide = schemaWidth(schema);
  if (wide.width > maxProperties) {
    throw new LimitError("max-properties", `the schema's keyword at ${wide.pointer} has ${wide.width} entries, past the limit maxProperties = ${maxProperties}`, {
      location: { kind: "pointer", pointer: wide.pointer },
      hint: "Raise it with the option limits: { maxProperties: N } (CLI: --limit maxProperties=N) if the schema is trusted (ajv takes seconds per few thousand entries); see docs/limits.md.",
      limit: "maxProperties",
      limitValue: maxProperties,
    });
  }
  return { ...wide, depth: deep.depth };
}

/** Keywords whose value is an object of subschemas (or of arrays, for `dependentRequired`) by name. */
const BY_NAME = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependentRequired", "dependencies"];
/** Keywords whose value is an array of subschemas. */
const BY_INDEX = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];
/** Keywords whose value is data, not schemas: not walked. */
const DATA = new Set(["const", "enum", "examples", "default"]);

/**
 * The keyword with the most entries anywhere in `schema` (see `maxProperties`) and its pointer,
 * found with an explicit stack.
 */
function schemaWidth(schema: unknown): { width: number; pointer: string } {
  let width = 0;
  let best: PathStep | null = null;
  // Each value with the step that reached it; a pointer is spelled only for a new widest keyword.
  const values: unknown[] = [schema];
  const steps: (PathStep | null)[] = [null];
  while (values.length > 0) {
    const v = values.pop();
    const step = steps.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        values.push(v[i]);
        steps.push({ up: step, key: i });
      }
      continue;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (DATA.has(k)) continue;
      const child = o[k];
      const at: PathStep = { up: step, key: k };
      const n = BY_NAME.includes(k) && typeof child === "object" && child !== null && !Array.isArray(child) ? Object.keys(child).length : BY_INDEX.includes(k) && Array.isArray(child) ? child.length : 0;
      if (n > width) (width = n), (best = at);
      values.push(child);
      steps.push(at);
    }
  }
  return { width, pointer: pointerOf(best) };
}

/** One step of a path into the schema: the key or index taken from the step before (`up`). */
interface PathStep {
  up: PathStep | null;
  key: string | number;
}

/** The JSON pointer of a path (`""`: the root). */
function pointerOf(step: PathStep | null): string {
  const keys: string[] = [];
  for (let s = step; s !== null; s = s.up) keys.push(typeof s.key === "number" ? String(s.key) : s.key.replace(/~/g, "~0").replace(/\//g, "~1"));
  return keys.reverse().map((k) => `/${k}`).join("");
}

/** One reason a value is invalid (ajv's error object, with a message always set). */
export interface ValidationIssue {
  /** JSON pointer into the value. */
  instancePath: string;
  /** JSON pointer into the schema (`#/properties/a/type`). */
  schemaPath: string;
  /** The failing keyword (`type`, `required`, ...). */
  keyword: string;
  /** What failed, for people. */
  message: string;
  /** ajv's keyword parameters (`{ missingProperty: "a" }`, ...). */
  params: Record<string, unknown>;
}

/** The verdict on one value. */
export interface ValidationResult {
  valid: boolean;
  /** Why not (empty when valid; only the first reason unless `allErrors`). */
  errors: ValidationIssue[];
}

/** A compiled schema: call it with a value. */
export type Validator = (value: unknown) => ValidationResult;

const FALSE_SCHEMA: ValidationIssue = { instancePath: "", schemaPath: "#", keyword: "false schema", message: "the schema is false: no value is valid", params: {} };

/** Validators of schemas compiled without remotes or a custom engine, per schema object and options. */
const cache = new WeakMap<object, Map<string, Validator>>();

/**
 * Compiles `schema` (an object or a boolean) for its draft and returns a
 * validator. Compiling costs about a millisecond plus ajv's code generation;
 * a schema object compiled again with the same options (and no `remotes` or
 * `regExp`) is served from a cache. Throws `CompileError` (`invalid-schema`)
 * when `schema` is not a schema ajv can compile.
 */
export function createValidator(schema: unknown, options: ValidatorOptions = {}): Validator {
  if (typeof schema === "boolean") return schema ? () => ({ valid: true, errors: [] }) : () => ({ valid: false, errors: [FALSE_SCHEMA] });
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new CompileError("invalid-schema", `a JSON Schema must be an object or a boolean, got ${Array.isArray(schema) ? "an array" : JSON.stringify(schema) ?? typeof schema}`, {
      location: { kind: "pointer", pointer: "" },
      hint: "Pass the parsed schema document.",
    });
  }
  const draft = draftOfSchema(schema, options.draft);
  const { maxDepth, maxProperties } = resolveLimits(DEFAULT_VALIDATOR_LIMITS, options.limits);
  const engine = options.regExp ?? "linear";
  const cacheable = options.remotes === undefined && typeof engine === "string";
  const key = `${draft}/${options.allErrors === true}/${String(engine)}/${maxDepth}/${maxProperties}/${regexLimitsKey(options.limits === undefined ? undefined : { limits: options.limits })}`;
  const hit = cacheable ? cache.get(schema)?.get(key) : undefined;
  if (hit) return hit;
  const wide = checkSchemaLimits(schema, { maxDepth, maxProperties });
  const flat = wide.width > FLAT_ABOVE && options.allErrors !== true;
  const fn = compile(schema as Record<string, unknown>, draft, flat ? { ...options, allErrors: true } : options, engine, wide);
  const validator: Validator = (value) => {
    const d = valueDepth(value, maxDepth);
    if (d.depth > maxDepth) throw limitExceeded("maxDepth", maxDepth, undefined, { what: "the value", location: { kind: "pointer", pointer: d.pointer } });
    const r = run(fn, value);
    return flat && r.errors.length > 1 ? { valid: r.valid, errors: r.errors.slice(0, 1) } : r;
  };
  if (cacheable) {
    let byOptions = cache.get(schema);
    if (!byOptions) cache.set(schema, (byOptions = new Map()));
    byOptions.set(key, validator);
  }
  return validator;
}

/** Validates `value` against `schema` (see {@link createValidator}). */
export function validate(schema: unknown, value: unknown, options: ValidatorOptions = {}): ValidationResult {
  return createValidator(schema, options)(value);
}

/** What the pattern engine refused while ajv compiled (ajv wraps what its engine throws). */
interface PatternFailure {
  pattern: string;
  error: FormworkError;
}

function newAjv(draft: Draft, options: ValidatorOptions, regExp: "linear" | "backtracking" | RegExpEngine, failure: { last?: PatternFailure }): Ajv {
  const opts: AjvOptions = { strict: false, allErrors: options.allErrors === true, validateFormats: true, validateSchema: false, logger: false };
  if (regExp !== "backtracking") {
    const given: RegExpEngine = regExp === "linear" ? (source, flags) => linearRegExp(source, flags, options.limits) : regExp;
    const engine: RegExpEngine = (source, flags) => {
      try {
        return given(source, flags);
      } catch (err) {
        if (err instanceof FormworkError) failure.last = { pattern: source, error: err };
        throw err;
      }
    };
    // ajv keys its compiled patterns by `toString()` (two patterns with one string would share a matcher),
    // and wants the engine's source text (`code`) for standalone code, which is never generated here.
    const wrapped = (source: string, flags: string) => {
      const m = engine(source, flags);
      return { test: (text: string) => m.test(text), toString: () => `/${source}/${flags}` };
    };
    opts.code = { regExp: Object.assign(wrapped, { code: "formwork-regexp" }) };
  }
  // Each validator gets its own ajv (about 1 ms with formats): `$id`s and remotes of one schema cannot collide with another's.
  const ajv = draft === 2020 ? new Ajv2020(opts) : draft === 2019 ? new Ajv2019(opts) : new Ajv(opts);
  addFormats(ajv);
  return ajv;
}

function compile(schema: Record<string, unknown>, draft: Draft, options: ValidatorOptions, regExp: "linear" | "backtracking" | RegExpEngine, wide: { width: number; pointer: string; depth: number }): ValidateFunction {
  const failure: { last?: PatternFailure } = {};
  // `$async: true` makes ajv return a promise; validation here is synchronous.
  const sync = schema.$async === true ? { ...schema, $async: false } : schema;
  const compileWith = (rewrite: (s: unknown) => unknown): ValidateFunction => {
    const ajv = newAjv(draft, options, regExp, failure);
    for (const [uri, doc] of Object.entries(options.remotes ?? {})) {
      try {
        ajv.addSchema(rewrite(doc) as object, uri);
      } catch {
        // A remote ajv cannot take (another draft's meta-schema, a duplicate id): `$ref`s to it fail at compile time.
      }
    }
    return ajv.compile(rewrite(sync) as object);
  };
  try {
    try {
      return compileWith(draft === 4 ? (s) => fromDraft4(s) : (s) => s);
    } catch (e) {
      // A draft-04 style `id` in a later-draft schema: an unknown keyword there, which ajv refuses; drop it.
      if (draft === 4 || !String((e as Error).message).includes('keyword "id"')) throw e;
      return compileWith((s) => fromDraft4(s, true));
    }
  } catch (e) {
    if (failure.last) throw patternError(failure.last);
    if (e instanceof RangeError) {
      // ajv's compiler recursed past the stack although depth and width are within their limits
      // (a oneOf of about 3,000 branches does this, as do a raised maxDepth and many $ref hops):
      // say which of the two is the likelier cause.
      if (wide.width > 1_000) {
        throw new LimitError("max-properties", `ajv cannot compile the schema: its keyword at ${wide.pointer} has ${wide.width} entries and ajv's compiler ran out of call stack on it`, {
          location: { kind: "pointer", pointer: wide.pointer },
          hint: "Split it (oneOf branches into $defs grouped under fewer oneOfs), or lower limits.maxProperties so such schemas are refused up front; see docs/limits.md.",
          limit: "maxProperties",
        });
      }
      // Within the default depth, what overflows ajv's compiler is a $ref loop that reads nothing
      // (a -> b -> a): the same schema error validation reports for {"$ref": "#"}.
      if (wide.depth <= DEFAULT_VALIDATOR_LIMITS.maxDepth) {
        throw new CompileError("invalid-schema", "the schema refers back to itself without reading any deeper into the value (a $ref loop such as a -> b -> a, through allOf, anyOf, oneOf, not, if or $ref alone): ajv's compiler recursed without end", {
          location: { kind: "pointer", pointer: "" },
          hint: "Make every $ref cycle pass through a keyword that reads into the value (properties, items, ...).",
        });
      }
      throw new LimitError("max-depth", `the schema, ${wide.depth} levels deep, is too deep or too recursive for ajv to compile (the call stack overflowed)`, {
        location: { kind: "pointer", pointer: "" },
        hint: "Lower limits.maxDepth back toward its default (256), or flatten the schema with $defs.",
        limit: "maxDepth",
      });
    }
    throw new CompileError("invalid-schema", `ajv cannot compile the schema: ${(e as Error).message}`, {
      location: { kind: "pointer", pointer: "" },
      hint: "Fix the schema (a JSON Schema validator names the keyword); remote $refs are not fetched, pass them as remotes.",
      cause: e,
    });
  }
}

/** The error for a pattern the linear engine refused: which pattern, why, and the way out. */
function patternError({ pattern, error }: PatternFailure): FormworkError {
  if (error instanceof LimitError) return error;
  return new UnsupportedError("unsupported-pattern", `the pattern ${JSON.stringify(pattern)} cannot be validated in linear time: ${error.message}`, {
    hint: 'Rewrite it without backreferences, lookaround or \\b, or pass regExp: "backtracking" to run it on RegExp (only for trusted schemas: it can take exponential time).',
    cause: error,
  });
}

function run(fn: ValidateFunction, value: unknown): ValidationResult {
  try {
    const valid = fn(value);
    if (typeof valid !== "boolean") {
      return { valid: false, errors: [{ instancePath: "", schemaPath: "#/$async", keyword: "$async", message: "asynchronous schemas are not supported", params: {} }] };
    }
    return { valid, errors: valid ? [] : (fn.errors ?? []).map(toIssue) };
  } catch (err) {
    // A nested `$async` schema throws ajv's ValidationError with the errors.
    const errors = (err as { errors?: ErrorObject[] }).errors;
    if (Array.isArray(errors)) return { valid: false, errors: errors.map(toIssue) };
    // The value's depth was checked first: an overflow here is the schema calling itself without end.
    if (err instanceof RangeError) {
      throw new CompileError("invalid-schema", "the schema refers back to itself without reading any deeper into the value (a $ref loop through allOf, anyOf, oneOf, not, if or $ref alone), so validation never ends", {
        location: { kind: "pointer", pointer: "" },
        hint: "Make every $ref cycle pass through a keyword that reads into the value (properties, items, ...).",
      });
    }
    throw err;
  }
}

function toIssue(e: ErrorObject): ValidationIssue {
  return { instancePath: e.instancePath, schemaPath: e.schemaPath, keyword: e.keyword, message: e.message ?? e.keyword, params: e.params as Record<string, unknown> };
}
