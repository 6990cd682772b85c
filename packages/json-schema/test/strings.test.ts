// String keywords through @formwork/regex, judged by ajv on hand-made JSON
// texts: every text the grammar accepts has a value ajv accepts, and every
// JSON.stringify spelling of a value ajv accepts is accepted. The texts probe
// what a pattern can get wrong: escapes, surrogate pairs (one code point),
// anchors inside groups, complements and lengths.
import { describe, expect, it } from "vitest";
import { compileSchema, createValidator } from "@formwork/json-schema";
import { checkText } from "@formwork/grammar";

const VALUES = ["", "a", "ab", "abc", "x", "xy", "y", "ya", "ax", "ay", "c", "cc", "ba", "aab", "😀", "😀a", "a😀", "é", "\n", "a\nb", '"', "\\", "/", "\u0000", "\u001f", "10.0.0.1", "2024-02-29", "id", "name", "ids"];

/** JSON texts for the values: JSON.stringify's, and other legal spellings (\u escapes, surrogate pairs, \/). */
function texts(): string[] {
  const out = new Set<string>();
  for (const v of VALUES) {
    out.add(JSON.stringify(v));
    out.add(`"${[...v].map((ch) => [...ch].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")).join("")}"`);
    out.add(`"${[...v].map((ch) => (ch.length === 2 ? `\\u${ch.charCodeAt(0).toString(16)}\\u${ch.charCodeAt(1).toString(16)}` : ch === "/" ? "\\/" : JSON.stringify(ch).slice(1, -1))).join("")}"`);
  }
  out.add('"\\ud83d"'); // a lone surrogate escape
  return [...out];
}

const CASES: [string, Record<string, unknown>][] = [
  ["any two code points", { type: "string", pattern: "^[\\s\\S]{2}$" }],
  ["anchors inside a group", { type: "string", pattern: "(^x|y$)" }],
  ["anchors in the middle of alternatives", { type: "string", pattern: "^a+$|^c|b$" }],
  ["a pattern and a length", { type: "string", pattern: "a", maxLength: 2 }],
  ["a length alone", { type: "string", minLength: 2, maxLength: 2 }],
  ["not a pattern", { type: "string", not: { pattern: "^a" } }],
  ["a format and a pattern", { type: "string", format: "ipv4", pattern: "^10\\." }],
  ["enum exclusion", { type: "string", not: { enum: ["id", "name"] }, maxLength: 3 }],
  ["control characters", { type: "string", pattern: "^[\\u0000-\\u001f\\\\/\"]+$" }],
];

describe("string constraints agree with ajv on tricky spellings", () => {
  const all = texts();
  it.each(CASES)("%s", (_, schema) => {
    const grammar = compileSchema(schema, { whitespace: "compact" }).grammar;
    const valid = createValidator(schema);
    let accepted = 0;
    for (const t of all) {
      const value = JSON.parse(t) as string;
      const ok = valid(value).valid;
      const got = checkText(grammar, t).accepted;
      if (got) accepted++;
      // Never an invalid value; always JSON.stringify's spelling of a valid one
      // (lone surrogates aside: constrained strings hold Unicode text only, docs/json-schema.md).
      if (got) expect([t, ok]).toEqual([t, true]);
      if (ok && t === JSON.stringify(value) && !/\p{Cs}/u.test(value)) expect([t, got]).toEqual([t, true]);
    }
    expect(accepted).toBeGreaterThan(0);
  });
});
