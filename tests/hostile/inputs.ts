/**
 * Generators of hostile inputs (issue 17): built in memory, never committed
 * as files (some are megabytes).
 */

/** `root ::= ((...("a")...))` with `depth` nested parentheses. */
export function nestedParens(depth: number): string {
  return `root ::= ${"(".repeat(depth)}"a"${")".repeat(depth)}\n`;
}

/** A chain of `rules` rules, `r0 ::= "a" r1`, ..., ending in `"b"`: its language is a^rules b. */
export function ruleChain(rules: number): string {
  const lines = ["root ::= r0"];
  for (let i = 0; i < rules; i++) lines.push(`r${i} ::= "a" r${i + 1}`);
  lines.push(`r${rules} ::= "b"`);
  return `${lines.join("\n")}\n`;
}

/** `root ::= "aaaa..."`, a literal of `bytes` bytes. */
export function longLiteral(bytes: number): string {
  return `root ::= "${"a".repeat(bytes)}"\n`;
}
