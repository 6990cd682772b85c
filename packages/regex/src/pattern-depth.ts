/**
 * The nesting depth of a pattern's groups and classes, measured on its text
 * before the parser runs: regexpp's parser and the lowering recurse once per
 * group, and about 1,000 nested groups overflow Node's default stack.
 */
import { lineColumnOf, limitExceeded } from "@formwork/core/internal";
import { REGEX_LIMIT_CLI } from "./limit-advice.js";

/**
 * Throws `LimitError` `max-depth` at the first `(` (or, under `v`, nested
 * `[`) that opens more than `maxDepth` levels. Escapes are skipped; outside
 * `v` mode a class is flat and its brackets do not count.
 */
export function checkPatternDepth(pattern: string, maxDepth: number, vMode: boolean): void {
  let depth = 0;
  let classDepth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      i++;
      continue;
    }
    let opens = false;
    if (classDepth > 0) {
      if (c === 0x5d /* ] */) {
        classDepth--;
        depth--;
      } else if (c === 0x5b /* [ */ && vMode) opens = true;
    } else if (c === 0x28 /* ( */) opens = true;
    else if (c === 0x29 /* ) */) depth = Math.max(0, depth - 1);
    else if (c === 0x5b /* [ */) opens = true;
    if (!opens) continue;
    if (c === 0x5b) classDepth++;
    if (++depth > maxDepth) {
      const { line, column } = lineColumnOf(pattern, i);
      throw limitExceeded("maxDepth", maxDepth, undefined, {
        what: "the pattern",
        location: { kind: "span", start: i, end: i + 1, line, column },
        raise: "the option maxDepth of compileRegex",
        cli: REGEX_LIMIT_CLI,
      });
    }
  }
}
