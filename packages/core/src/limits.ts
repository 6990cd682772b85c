/**
 * Limits as a feature: the size and time bounds every entry point enforces
 * on its input, by one set of names. Each entry point (the GBNF parser, the
 * schema compiler, the grammar compiler, `checkText`, the validator, the
 * repairers, model loading) takes a `limits` option with the fields that
 * apply to it, documents its defaults (chosen to hold on a 2-core, 24 GB
 * machine), and throws {@link LimitError} with the limit's name and how to
 * raise it when an input goes past one. `docs/limits.md` lists them all.
 */
import type { ErrorCode } from "./error-codes.js";
import { ArgumentError, LimitError, type ErrorLocation } from "./errors.js";


/** The limits, by name. An entry point uses the subset that applies to it. */
export interface Limits {
  /** Largest input text, in UTF-8 bytes (a grammar, a schema, a text to check or repair). Error code `max-input-bytes`. */
  maxInputBytes: number;
  /** Deepest nesting (parentheses in a grammar, subschemas in a schema, arrays and objects in a value). Error code `max-depth`. */
  maxDepth: number;
  /** Most rules in a grammar. Error code `max-rules`. */
  maxRules: number;
  /** Most properties named by one object schema. Error code `max-properties`. */
  maxProperties: number;
  /** Most byte-NFA states the grammar engine builds for one grammar. Error code `max-nfa-states`. */
  maxNfaStates: number;
  /** Most DFA states the grammar engine builds (lazily) for one grammar. Error code `max-dfa-states`. */
  maxDfaStates: number;
  /** Deepest stack of rule calls a text may build in the grammar engine (nesting of recursive rules). Error code `max-stack-depth`. */
  maxStackDepth: number;
  /** Most simultaneous parser configurations in the grammar engine after one byte. Error code `max-configurations`. */
  maxConfigurations: number;
  /** Most CPU threads given to the model backend. Error code `max-threads`. */
  maxThreads: number;
  /** Most alternatives one JSON Schema expands into (`anyOf` × `oneOf` × `if` × dependencies). Error code `too-many-alternatives` (its code before it was a limit). */
  maxAlternatives: number;
  /**
   * Streaming repair only: an input this long or shorter is repaired whole;
   * past it, the characters of output held back while a choice `repairJson`
   * takes from the whole text is open (a top-level list, which value to
   * take). Past it the stream decides with what it has read; not an error:
   * where that may change the result, the stream's summary holds a
   * `max-lookahead` note (and `repair --stream` prints a warning).
   */
  maxLookahead: number;
  /**
   * Most DFA states the regex compiler (`@formwork/regex`) builds for one
   * pattern or product of languages (`--regex`, a schema's string constraints,
   * a grammar's regex nodes). Error code `regex-dfa-limit` (its code from
   * before it was a limit).
   */
  maxRegexDfaStates: number;
  /** Most NFA states the regex compiler builds for one pattern (each copy of a counted repetition costs states). Error code `regex-nfa-limit`. */
  maxRegexNfaStates: number;
  /** Largest count in a regex's `{m}`, `{m,}`, `{m,n}`. Error code `regex-repetition-limit`. */
  maxRepetition: number;
}

/** The limit names, as `--limit NAME=VALUE` takes them. */
export const LIMIT_NAMES: readonly (keyof Limits)[] = ["maxInputBytes", "maxDepth", "maxRules", "maxProperties", "maxNfaStates", "maxDfaStates", "maxStackDepth", "maxConfigurations", "maxThreads", "maxAlternatives", "maxLookahead", "maxRegexDfaStates", "maxRegexNfaStates", "maxRepetition"];

const LIMIT_CODES = {
  maxInputBytes: "max-input-bytes",
  maxDepth: "max-depth",
  maxRules: "max-rules",
  maxProperties: "max-properties",
  maxNfaStates: "max-nfa-states",
  maxDfaStates: "max-dfa-states",
  maxStackDepth: "max-stack-depth",
  maxConfigurations: "max-configurations",
  maxThreads: "max-threads",
  maxAlternatives: "too-many-alternatives",
  maxLookahead: "max-lookahead",
  maxRegexDfaStates: "regex-dfa-limit",
  maxRegexNfaStates: "regex-nfa-limit",
  maxRepetition: "regex-repetition-limit",
} as const satisfies Record<keyof Limits, ErrorCode>;

/** The error code of a limit. */
export type LimitCode = (typeof LIMIT_CODES)[keyof Limits];

/**
 * The error code of a limit: its name in kebab case (`maxDepth` → `max-depth`),
 * but the codes from before they were limits for `maxAlternatives`
 * (`too-many-alternatives`) and the regex limits (`regex-dfa-limit`,
 * `regex-nfa-limit`, `regex-repetition-limit`).
 */
export function limitCode(name: keyof Limits): LimitCode {
  return LIMIT_CODES[name];
}

/**
 * Fills `defaults` with the fields of `given` that are set, checking each:
 * a limit is a positive integer or `Infinity` (no limit). Fields of `given`
 * that `defaults` lacks do not apply to this entry point and are ignored, so
 * one `limits` object can be passed to every call. Throws `ArgumentError`
 * `bad-limit` for a value that is not a positive integer.
 */
export function resolveLimits<L extends Partial<Limits>>(defaults: Readonly<L>, given: Partial<Limits> | undefined): L {
  const out = { ...defaults };
  if (given === undefined) return out;
  if (typeof given !== "object" || given === null) throw new ArgumentError("bad-limit", `limits must be an object, got ${given === null ? "null" : typeof given}`);
  for (const key of Object.keys(defaults) as (keyof L & keyof Limits)[]) {
    const v = given[key];
    if (v === undefined) continue;
    if (typeof v !== "number" || !(v === Infinity || (Number.isInteger(v) && v > 0))) {
      throw new ArgumentError("bad-limit", `limits.${String(key)} must be a positive integer or Infinity, got ${JSON.stringify(v) ?? String(v)}`);
    }
    (out as Record<string, number>)[key as string] = v;
  }
  return out;
}

/** Where and what, for {@link limitExceeded}. */
export interface LimitContext {
  /** What went past the limit, for the message (`"the grammar"`, `"the value"`). */
  what: string;
  location?: ErrorLocation;
  /** How this entry point takes the limit, when not `limits: { name: N }` (e.g. a CLI flag). */
  raise?: string;
  /** What to change in the input instead, put before how to raise the limit. */
  advice?: string;
  /**
   * What the command line offers instead of `--limit NAME=N`, for a limit
   * `formwork --limit` does not reach (e.g. the regex compiler's own
   * `maxDepth`): replaces the `(CLI: --limit NAME=N)` advice, which would be untrue.
   */
  cli?: string;
}

/**
 * The {@link LimitError} for `actual` going past limit `name` (whose value is
 * `limit`): code {@link limitCode}(name), a message that names the limit,
 * its value and how to raise it.
 */
export function limitExceeded(name: keyof Limits, limit: number, actual: number | undefined, context: LimitContext): LimitError {
  const measured = actual === undefined ? `more than ${limit}` : `${actual}`;
  const unit = UNITS[name];
  return new LimitError(limitCode(name), `${context.what} ${VERBS[name]} ${measured}${unit}, past the limit ${name} = ${limit}`, {
    location: context.location,
    hint: `${context.advice ? `${context.advice} ` : ""}Raise it with ${context.raise ?? `the option limits: { ${name}: N }`} (${context.cli ?? `CLI: --limit ${name}=N`}) if the input is trusted; see docs/limits.md.`,
    limit: name,
    limitValue: limit,
  });
}

const VERBS: Record<keyof Limits, string> = {
  maxInputBytes: "is",
  maxDepth: "nests",
  maxRules: "has",
  maxProperties: "names",
  maxNfaStates: "needs",
  maxDfaStates: "needs",
  maxStackDepth: "nests rule calls",
  maxConfigurations: "has",
  maxThreads: "asks for",
  maxAlternatives: "expands into",
  maxLookahead: "needs a look-ahead of",
  maxRegexDfaStates: "needs",
  maxRegexNfaStates: "needs",
  maxRepetition: "asks for",
};

const UNITS: Record<keyof Limits, string> = {
  maxInputBytes: " bytes",
  maxDepth: " levels deep",
  maxRules: " rules",
  maxProperties: " properties",
  maxNfaStates: " NFA states",
  maxDfaStates: " DFA states",
  maxStackDepth: " deep",
  maxConfigurations: " parser configurations after one byte",
  maxThreads: " threads",
  maxAlternatives: " alternatives",
  maxLookahead: " characters",
  maxRegexDfaStates: " DFA states",
  maxRegexNfaStates: " NFA states",
  maxRepetition: " repetitions",
};

/** The UTF-8 length of `text` in bytes, without encoding it (lone surrogates count 3, as `TextEncoder` writes U+FFFD). */
export function utf8ByteLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: 2 UTF-16 units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

/**
 * Throws `max-input-bytes` when `text` is longer than `limit` UTF-8 bytes.
 * Cheap: a string of more than `limit` UTF-16 units is over it at once, one
 * of at most `limit / 3` is under it at once, and only the rest is counted.
 */
export function checkInputBytes(text: string, limit: number, context: LimitContext): void {
  if (limit === Infinity || text.length * 3 <= limit) return;
  const bytes = text.length > limit ? text.length : utf8ByteLength(text);
  if (bytes > limit) throw limitExceeded("maxInputBytes", limit, bytes, context);
}

/**
 * The nesting depth of a JSON-like value (a scalar is 0, `[]` and `{}` are 1,
 * `[[1]]` is 2), measured without recursion; stops counting at `stopAbove`
 * and returns the path (JSON pointer) of the first place that deep.
 */
export function valueDepth(value: unknown, stopAbove = Infinity): { depth: number; pointer: string } {
  if (typeof value !== "object" || value === null) return { depth: 0, pointer: "" };
  // An explicit stack of (container, keys, next index); `path` holds the keys down to the top.
  const stack: { items: unknown[]; keys: string[] | null; i: number }[] = [];
  const path: string[] = [];
  const open = (v: object) => {
    if (Array.isArray(v)) stack.push({ items: v, keys: null, i: 0 });
    else {
      const keys = Object.keys(v);
      stack.push({ items: keys.map((k) => (v as Record<string, unknown>)[k]), keys, i: 0 });
    }
  };
  let best = { depth: 0, pointer: "" };
  open(value);
  while (stack.length > 0) {
    if (stack.length > best.depth) {
      best = { depth: stack.length, pointer: pointerOf(path) };
      if (best.depth > stopAbove) return best;
    }
    const top = stack[stack.length - 1];
    if (top.i >= top.items.length) {
      stack.pop();
      path.pop();
      continue;
    }
    const i = top.i++;
    const child = top.items[i];
    if (typeof child === "object" && child !== null) {
      path.push(top.keys ? top.keys[i] : String(i));
      open(child);
    }
  }
  return best;
}

function pointerOf(path: string[]): string {
  return path.map((k) => `/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}
