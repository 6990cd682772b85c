import { CompileError, UnsupportedError, type ErrorCode } from "@formwork/core";
import { caretExcerpt, lineColumnOf } from "@formwork/core/internal";

/**
 * Builds a `CompileError` (or `UnsupportedError`) that points at `[start, end)`
 * of `source`: the location carries line and column, and the hint ends with a
 * caret excerpt of the offending line.
 */
export function sourceError(
  code: ErrorCode,
  message: string,
  source: string | undefined,
  start: number,
  end: number,
  hint?: string,
  unsupported = false,
): CompileError {
  const Ctor = unsupported ? UnsupportedError : CompileError;
  if (source === undefined) return new Ctor(code, message, { location: { kind: "span", start, end }, hint });
  const { line, column } = lineColumnOf(source, start);
  const excerpt = caretExcerpt(source, Math.min(start, source.length));
  const fullHint = `${hint ? `${hint}\n` : ""}${excerpt}`;
  return new Ctor(code, message, { location: { kind: "span", start, end, line, column, source }, hint: fullHint });
}
