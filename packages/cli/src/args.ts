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

/** The `parseArgs` specs of the JSON Schema layout flags (generate and check). */
export const SCHEMA_FLAGS = {
  whitespace: { type: "string" },
  indent: { type: "string" },
  "property-order": { type: "string" },
  lenient: { type: "boolean" },
} as const;

/** Help lines for `SCHEMA_FLAGS`. */
export const SCHEMA_FLAGS_HELP = `JSON Schema layout (with --schema):
  --whitespace W        compact (no whitespace), flexible (default: at most
                        two spaces or a newline and up to 32 spaces/tabs
                        between tokens) or pretty (JSON.stringify's layout)
  --indent N            the pretty layout's indent (default 2; 0-10)
  --property-order O    schema (default: properties in the schema's order) or
                        any (any order, each property at most once; objects
                        with more than 10 named properties are refused)
  --lenient             approximate keywords that cannot be enforced exactly
                        (each approximation printed as a warning) instead of
                        refusing the schema`;

/** JSON Schema compile options from the layout flags; checks that they go with --schema. */
export function schemaOptionsFromFlags(values: { whitespace?: string; indent?: string; "property-order"?: string; lenient?: boolean; schema?: string }): {
  whitespace?: "compact" | "flexible" | { pretty: number };
  propertyOrder?: "schema" | "any";
  lenient?: boolean;
} {
  const used = (["whitespace", "indent", "property-order", "lenient"] as const).filter((f) => values[f] !== undefined);
  if (used.length > 0 && values.schema === undefined) {
    throw new ArgumentError("bad-arguments", `--${used[0]} only goes with --schema`, { hint: "Give a JSON Schema with --schema FILE.json, or drop the layout flags." });
  }
  const out: ReturnType<typeof schemaOptionsFromFlags> = {};
  const ws = values.whitespace;
  if (ws !== undefined && ws !== "compact" && ws !== "flexible" && ws !== "pretty") {
    throw new ArgumentError("bad-arguments", `--whitespace must be compact, flexible or pretty, got "${ws}"`);
  }
  const indent = numberFlag("indent", values.indent, { min: 0, max: 10, integer: true });
  if (indent !== undefined && ws !== "pretty") throw new ArgumentError("bad-arguments", "--indent only goes with --whitespace pretty");
  if (ws === "pretty") out.whitespace = { pretty: indent ?? 2 };
  else if (ws !== undefined) out.whitespace = ws;
  const order = values["property-order"];
  if (order !== undefined && order !== "schema" && order !== "any") {
    throw new ArgumentError("bad-arguments", `--property-order must be schema or any, got "${order}"`);
  }
  if (order !== undefined) out.propertyOrder = order;
  if (values.lenient === true) out.lenient = true;
  return out;
}
