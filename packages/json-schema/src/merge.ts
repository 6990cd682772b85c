/**
 * Merging a conjunction of "flat" schemas (no combinators left) into one set
 * of constraints per instance kind: the intersection of `type`s, the
 * intersection of `enum`/`const` values, the tightest numeric and length
 * bounds, and the lists of patterns and formats.
 */
import { CompileError } from "@formwork/core";
import type { Kind } from "./context.js";
import type { Frame, Draft } from "./resolver.js";

/** The merged scalar constraints of a conjunction. */
export interface Merged {
  frames: Frame[];
  kinds: Set<Kind>;
  /** Allowed values (from `enum`/`const`), or undefined when unconstrained. */
  values?: unknown[];
  /** Values excluded by negations. */
  notValues: unknown[];
  min?: number;
  minExclusive: boolean;
  max?: number;
  maxExclusive: boolean;
  multipleOf: { value: number; ptr: string }[];
  minLength: number;
  maxLength: number;
  patterns: { source: string; ptr: string }[];
  /** Patterns that must not match (from negation). */
  notPatterns: { source: string; ptr: string }[];
  /** Numbers must not be integers (from negating `type: "integer"`). */
  nonInteger: boolean;
  formats: { name: string; ptr: string }[];
}

const ALL: Kind[] = ["null", "boolean", "object", "array", "string", "number", "integer"];

/** A canonical text for deep equality of JSON values (object keys sorted). */
export function canonicalKey(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalKey).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalKey(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** The kind of a JSON value (`integer` for integral numbers). */
export function kindOf(v: unknown): Kind {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v as Kind;
}

function num(v: unknown, ptr: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new CompileError("invalid-schema", `Expected a number, got ${JSON.stringify(v)}`, { location: { kind: "pointer", pointer: ptr }, hint: "Numeric keywords take a JSON number." });
  }
  return v;
}

/** Merges flat frames. */
export function mergeFrames(frames: Frame[], draft: Draft): Merged {
  const m: Merged = { frames, kinds: new Set(ALL), notValues: [], minExclusive: false, maxExclusive: false, multipleOf: [], minLength: 0, maxLength: Infinity, patterns: [], notPatterns: [], nonInteger: false, formats: [] };
  const lower = (v: number, excl: boolean) => {
    if (m.min === undefined || v > m.min) [m.min, m.minExclusive] = [v, excl];
    else if (v === m.min) m.minExclusive ||= excl;
  };
  const upper = (v: number, excl: boolean) => {
    if (m.max === undefined || v < m.max) [m.max, m.maxExclusive] = [v, excl];
    else if (v === m.max) m.maxExclusive ||= excl;
  };
  for (const f of frames) {
    const s = f.s as Record<string, unknown>;
    const p = (k: string) => `${f.ptr}/${k}`;
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      for (const t of types) {
        if (typeof t !== "string" || !ALL.includes(t as Kind)) {
          throw new CompileError("invalid-schema", `Unknown type ${JSON.stringify(t)}`, { location: { kind: "pointer", pointer: p("type") }, hint: `Use one of ${ALL.join(", ")}.` });
        }
      }
      const allowed = new Set<string>(types as string[]);
      if (allowed.has("number")) allowed.add("integer");
      for (const k of [...m.kinds]) if (!allowed.has(k)) m.kinds.delete(k);
    }
    const vals: unknown[] | undefined = "const" in s ? [s.const] : Array.isArray(s.enum) ? s.enum : undefined;
    if (s.enum !== undefined && !Array.isArray(s.enum)) {
      throw new CompileError("invalid-schema", "enum must be an array", { location: { kind: "pointer", pointer: p("enum") }, hint: "Write enum: [value, ...]." });
    }
    if (vals) {
      if (m.values === undefined) {
        const seen = new Set<string>();
        m.values = vals.filter((v) => !seen.has(canonicalKey(v)) && (seen.add(canonicalKey(v)), true));
      } else {
        const keys = new Set(vals.map(canonicalKey));
        m.values = m.values.filter((v) => keys.has(canonicalKey(v)));
      }
    }
    if (Array.isArray(s["x-formwork-not-values"])) m.notValues.push(...(s["x-formwork-not-values"] as unknown[]));
    if (s.minimum !== undefined) lower(num(s.minimum, p("minimum")), draft === 4 && s.exclusiveMinimum === true);
    if (s.maximum !== undefined) upper(num(s.maximum, p("maximum")), draft === 4 && s.exclusiveMaximum === true);
    if (typeof s.exclusiveMinimum === "number") lower(num(s.exclusiveMinimum, p("exclusiveMinimum")), true);
    if (typeof s.exclusiveMaximum === "number") upper(num(s.exclusiveMaximum, p("exclusiveMaximum")), true);
    if (s.multipleOf !== undefined) {
      const v = num(s.multipleOf, p("multipleOf"));
      if (v <= 0) throw new CompileError("invalid-schema", `multipleOf must be greater than 0, got ${v}`, { location: { kind: "pointer", pointer: p("multipleOf") } });
      m.multipleOf.push({ value: v, ptr: p("multipleOf") });
    }
    if (s.minLength !== undefined) m.minLength = Math.max(m.minLength, Math.ceil(num(s.minLength, p("minLength"))));
    if (s.maxLength !== undefined) m.maxLength = Math.min(m.maxLength, Math.floor(num(s.maxLength, p("maxLength"))));
    if (s.pattern !== undefined) {
      if (typeof s.pattern !== "string") throw new CompileError("invalid-schema", "pattern must be a string", { location: { kind: "pointer", pointer: p("pattern") } });
      try {
        new RegExp(s.pattern, "u");
      } catch (e) {
        throw new CompileError("invalid-pattern", `The pattern ${JSON.stringify(s.pattern)} is not a valid ECMAScript regex with the u flag: ${(e as Error).message}`, { location: { kind: "pointer", pointer: p("pattern") }, hint: "JSON Schema patterns are ECMAScript regexes; ajv compiles them with the u flag." });
      }
      if (!m.patterns.some((x) => x.source === s.pattern)) m.patterns.push({ source: s.pattern, ptr: p("pattern") });
    }
    if (typeof s["x-formwork-not-pattern"] === "string") m.notPatterns.push({ source: s["x-formwork-not-pattern"] as string, ptr: p("pattern") });
    if (s["x-formwork-non-integer"] === true) {
      m.nonInteger = true;
      m.kinds.delete("integer");
    }
    if (typeof s.format === "string" && !m.formats.some((x) => x.name === s.format)) m.formats.push({ name: s.format, ptr: p("format") });
  }
  return m;
}
