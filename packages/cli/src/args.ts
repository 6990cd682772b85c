import { parseArgs, type ParseArgsConfig } from "node:util";
import { ArgumentError, LIMIT_NAMES, type Limits } from "@formwork/core";
import { editDistance } from "@formwork/core/internal";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses a verb's arguments with `node:util`'s `parseArgs`, turning its
 * errors into an `ArgumentError` that names the verb and points at `--help`.
 */
export function parseVerbArgs<O extends Options>(
  verb: string,
  args: string[],
  options: O,
  allowPositionals = false,
): { values: { [K in keyof O]?: O[K] extends { type: "boolean" } ? boolean : O[K] extends { multiple: true } ? string[] : string }; positionals: string[] } {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true }) as never;
  } catch (err) {
    const message = (err as Error).message;
    // An unknown option: name the nearest one (--grammer: did you mean --grammar?).
    const unknown = /^Unknown option '-{1,2}([^'=]+)/.exec(message)?.[1];
    const near = unknown !== undefined ? nearest(unknown, Object.keys(options)) : undefined;
    throw new ArgumentError("bad-arguments", near !== undefined ? `${message.replace(/\. .*$/s, "")} (did you mean --${near}?)` : message, {
      hint: `Run "formwork ${verb} --help" for the options.`,
    });
  }
}

/** The word of `words` nearest to `word` (edit distance, adjacent swaps counted once), if it is near enough to be a typo. */
export function nearest(word: string, words: readonly string[]): string | undefined {
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestD = limit + 1;
  for (const w of words) {
    const d = word.toLowerCase() === w.toLowerCase() ? 0.5 : editDistance(word, w, bestD, { transpositions: true });
    if (d < bestD) (best = w), (bestD = d);
  }
  return best;
}

/** The `--limit NAME=VALUE` flag (repeatable), shared by every verb. */
export const LIMIT_FLAG = { limit: { type: "string", multiple: true } } as const;

/** Help line for {@link LIMIT_FLAG}. */
export const LIMIT_HELP = `  --limit NAME=N        raise or lower a limit (repeatable): ${LIMIT_NAMES.join(", ")}; N a positive integer or Infinity (docs/limits.md)`;

/** The limits given with `--limit NAME=VALUE` (repeatable); `bad-limit` for an unknown name or a value that is not a positive integer or Infinity. */
export function limitsFlag(given: string[] | undefined): Partial<Limits> | undefined {
  if (given === undefined || given.length === 0) return undefined;
  const out: Partial<Limits> = {};
  for (const item of given) {
    const eq = item.indexOf("=");
    const name = eq < 0 ? item : item.slice(0, eq);
    if (!(LIMIT_NAMES as readonly string[]).includes(name)) {
      const near = nearest(name, LIMIT_NAMES);
      throw new ArgumentError("bad-limit", `--limit ${item}: "${name}" is not a limit${near !== undefined ? ` (did you mean ${near}?)` : ""}`, { hint: `The limits are ${LIMIT_NAMES.join(", ")}; write --limit NAME=N.` });
    }
    const text = eq < 0 ? "" : item.slice(eq + 1).trim();
    const value = /^(inf|infinity)$/i.test(text) ? Infinity : /^[0-9]+$/.test(text.replace(/_/g, "")) ? Number(text.replace(/_/g, "")) : NaN;
    if (!(value === Infinity || (Number.isSafeInteger(value) && value > 0))) {
      throw new ArgumentError("bad-limit", `--limit ${item}: the value must be a positive integer or Infinity`, { hint: `Write e.g. --limit ${name}=1000.` });
    }
    out[name as keyof Limits] = value;
  }
  return out;
}

/** Parses a numeric flag, naming it in the error when it is not a number in range. */
export function numberFlag(name: string, value: string | undefined, { min = -Infinity, max = Infinity, integer = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    const want = `${integer ? "an integer" : "a number"}${min > -Infinity ? ` >= ${min}` : ""}${max < Infinity ? ` <= ${max}` : ""}`;
    throw new ArgumentError("bad-arguments", `--${name} must be ${want}, got "${value}"`);
  }
  return n;
}
