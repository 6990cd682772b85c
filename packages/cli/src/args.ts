import { parseArgs, type ParseArgsConfig } from "node:util";
import { ArgumentError } from "@formwork/core";

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
    throw new ArgumentError("bad-arguments", `${(err as Error).message}`, { hint: `Run "formwork ${verb} --help" for the options.` });
  }
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
