/**
 * Errors raised by Formwork when a user's input (a schema, a grammar, a
 * regex, a model file, an option) cannot be used. Every error carries a
 * stable `code` (listed in `docs/errors.md`), a location when one exists, and
 * a message that says what is wrong, where, and how to fix it.
 *
 * Internal invariant violations are plain `Error`s: they are bugs, not input
 * problems.
 */

import type { ErrorCode } from "./error-codes.js";

/** Where in the user's input an error points. */
export type ErrorLocation =
  /** A JSON pointer into a schema or a JSON document (`/properties/age/minimum`). */
  | { kind: "pointer"; pointer: string }
  /** A span of text, as UTF-16 offsets `[start, end)`, with 1-based line and column of `start`. */
  | { kind: "span"; start: number; end: number; line?: number; column?: number; source?: string }
  /** A file on disk. */
  | { kind: "file"; path: string };

/** Options accepted by every `FormworkError` constructor. */
export interface FormworkErrorOptions {
  location?: ErrorLocation;
  /** What the user can do about it; appended to the message. */
  hint?: string;
  cause?: unknown;
}

/**
 * The base class of every error about user input. `code` is a short kebab-case
 * identifier that programs may switch on; `message` is for people.
 */
export class FormworkError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: FormworkErrorOptions = {}) {
    const where = options.location ? ` (at ${describeLocation(options.location)})` : "";
    const hint = options.hint ? ` ${options.hint}` : "";
    super(`${message}${where}.${hint}`.replace(/\.\.( |$)/g, ".$1"), { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.location = options.location;
    this.hint = options.hint;
  }
}

/** An error in a grammar, schema or regex the user gave to a compiler. */
export class CompileError extends FormworkError {}

/** A construct or keyword that Formwork cannot enforce exactly and so refuses. */
export class UnsupportedError extends CompileError {}

/** Options of a {@link LimitError}: which limit, when it is one of the named `Limits`. */
export interface LimitErrorOptions extends FormworkErrorOptions {
  /** The limit's name (`maxDepth`), as the option that raises it spells it. */
  limit?: string;
  /** The limit's value when it was exceeded. */
  limitValue?: number;
}

/** A compile or run-time limit (states, depth, repetition count) was exceeded. */
export class LimitError extends FormworkError {
  /** The limit's name (`maxDepth`), when the error comes from a named limit. */
  readonly limit: string | undefined;
  /** The limit's value when it was exceeded. */
  readonly limitValue: number | undefined;

  constructor(code: ErrorCode, message: string, options: LimitErrorOptions = {}) {
    super(code, message, options);
    this.limit = options.limit;
    this.limitValue = options.limitValue;
  }
}

/** A problem with a model file, a tokenizer or a vocabulary. */
export class ModelError extends FormworkError {}

/** A bad argument or option passed to an API or the CLI. */
export class ArgumentError extends FormworkError {}

/** Segments kept at each end of a long pointer by {@link shortPointer}. */
const POINTER_ENDS = 4;

/**
 * A JSON pointer short enough for a message: up to 12 segments as is; a
 * longer one (a schema or value nested 2,000 deep) as its first and last 4
 * segments around `/…(N segments)…`. The error's `location` keeps the whole
 * pointer.
 */
export function shortPointer(pointer: string): string {
  let n = 0;
  for (let i = 0; i < pointer.length; i++) if (pointer.charCodeAt(i) === 47) n++;
  if (n <= 3 * POINTER_ENDS) return pointer;
  const segments = pointer.split("/").slice(1);
  return `/${segments.slice(0, POINTER_ENDS).join("/")}/…(${n - 2 * POINTER_ENDS} segments)…/${segments.slice(-POINTER_ENDS).join("/")}`;
}

/** Formats a location for a message: `line 3, column 7`, `/properties/a`, or a path. */
export function describeLocation(location: ErrorLocation): string {
  switch (location.kind) {
    case "pointer":
      return `JSON pointer "${shortPointer(location.pointer)}"`;
    case "file":
      return location.path;
    case "span":
      if (location.line !== undefined && location.column !== undefined) {
        return `line ${location.line}, column ${location.column}`;
      }
      return `offset ${location.start}`;
  }
}

/**
 * Computes the 1-based line and column of a UTF-16 offset in `text`, for
 * building `span` locations.
 */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Renders the line of `text` that contains `offset` with a caret under the
 * offending column, for CLI messages.
 */
export function caretExcerpt(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  let end = text.indexOf("\n", offset);
  if (end < 0) end = text.length;
  const lineText = text.slice(start, end);
  return `${lineText}\n${" ".repeat(Math.max(0, offset - start))}^`;
}
