/**
 * The words the tolerant JSON parser reads as literals (JSON's, Python's and
 * JavaScript's), and the number syntaxes it recognises.
 */
import type { EditKind } from "./edit.js";

/** Literal words and the JSON value each stands for (with the edit kind when it is not JSON's own). */
export const LITERALS: Record<string, { value: boolean | null; kind?: EditKind }> = {
  true: { value: true },
  false: { value: false },
  null: { value: null },
  True: { value: true, kind: "replace-literal" },
  False: { value: false, kind: "replace-literal" },
  None: { value: null, kind: "replace-literal" },
  undefined: { value: null, kind: "replace-literal" },
  NaN: { value: null, kind: "replace-non-finite" },
  Infinity: { value: null, kind: "replace-non-finite" },
};
export const LITERAL_NAMES = Object.keys(LITERALS);

/** True when `word` is one of `LITERALS`. */
export function isLiteral(word: string): boolean {
  return Object.hasOwn(LITERALS, word);
}

/** A JSON number, exactly. */
export const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LOOSE_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Reads a loosely written number (`+1`, `.5`, `1.`, `007`); undefined when it is not one. */
export function fixNumber(s: string): number | undefined {
  if (!LOOSE_NUMBER.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}
