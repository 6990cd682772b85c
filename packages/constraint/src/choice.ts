/** `choice`: the schema of one value out of a list, typed as the union of its literals. */
import { ArgumentError } from "@formwork/core";

/** A value `choice` can list: what JSON writes as a literal. */
export type ChoiceValue = string | number | boolean | null;

/**
 * The JSON Schema `{ enum: values }`, typed so that a generation's `value`
 * is the union of the listed literals: `choice(["yes", "no"])` gives
 * `"yes" | "no"`. Throws `ArgumentError` `bad-option` for an empty list or
 * a value that is not a JSON literal (string, finite number, boolean, null).
 */
export function choice<const T extends readonly [ChoiceValue, ...ChoiceValue[]]>(values: T): { readonly enum: T } {
  if (!Array.isArray(values) || values.length === 0) {
    throw new ArgumentError("bad-option", "choice needs at least one value", { hint: 'List the values, e.g. choice(["yes", "no"]).' });
  }
  values.forEach((v: unknown, i) => {
    const ok = v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
    if (!ok) throw new ArgumentError("bad-option", `choice value ${i} is not a JSON literal (string, finite number, boolean or null)`, { hint: "Use a schema for other values." });
  });
  return { enum: values };
}
