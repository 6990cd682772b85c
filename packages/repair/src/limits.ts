/**
 * The repairers' limits (internal): how long and how deeply nested a text
 * they take. Past a limit a repair does not throw (repairers never throw for
 * a text): it returns `ok: false` with one issue whose `keyword` is the
 * limit's error code (`max-input-bytes`, `max-depth`) and whose message names
 * the limit and how to raise it.
 */
import { LimitError, type Limits } from "@formwork/core";
import { checkInputBytes, resolveLimits } from "@formwork/core/internal";
import type { SchemaIssue } from "./edit.js";

/** The limits of a repairer: `maxInputBytes` and `maxDepth`. */
export type RepairLimits = Pick<Limits, "maxInputBytes" | "maxDepth">;

/**
 * Defaults: 16 MiB of text (the repairers hold the whole document and its
 * value: broken JSON takes about 11 MB of memory per MB of input with
 * `edits: "count"`, 41 with the log; YAML about 270, the `yaml` package's
 * tree; see docs/repair.md, Memory); nesting 100,000 levels for JSON (its
 * parser and serialiser are iterative; an open level costs about 0.6 KB
 * while repairing) and 256 for YAML (the `yaml` parser recurses once per level and
 * overflowed the stack, fatally, near 1,000).
 */
export const DEFAULT_JSON_REPAIR_LIMITS: Readonly<RepairLimits> = Object.freeze({ maxInputBytes: 16 * 1024 * 1024, maxDepth: 100_000 });
export const DEFAULT_YAML_REPAIR_LIMITS: Readonly<RepairLimits> = Object.freeze({ maxInputBytes: 16 * 1024 * 1024, maxDepth: 256 });
export const DEFAULT_CSV_REPAIR_LIMITS: Readonly<Pick<RepairLimits, "maxInputBytes">> = Object.freeze({ maxInputBytes: 16 * 1024 * 1024 });

/** `defaults` with the fields of `given` set (an `ArgumentError` `bad-limit` for a bad value). */
export function repairLimits<L extends Partial<RepairLimits>>(defaults: Readonly<L>, given: Partial<Limits> | undefined): L {
  return resolveLimits(defaults, given);
}

/** The issue a repair reports for a limit error. */
export function limitIssue(err: LimitError): SchemaIssue {
  return { instancePath: "", schemaPath: "", keyword: err.code, message: err.message };
}

/** The issue for `text` past `maxInputBytes`, or undefined. */
export function inputBytesIssue(text: string, limits: Pick<RepairLimits, "maxInputBytes">): SchemaIssue | undefined {
  try {
    checkInputBytes(text, limits.maxInputBytes, { what: "the text to repair" });
    return undefined;
  } catch (err) {
    if (err instanceof LimitError) return limitIssue(err);
    throw err;
  }
}

/** The validator's limits from a repairer's: only a `maxDepth` the caller set applies to both. */
export function validatorLimits(limits: Partial<Limits> | undefined): Partial<Limits> | undefined {
  return limits?.maxDepth === undefined ? undefined : { maxDepth: limits.maxDepth };
}
