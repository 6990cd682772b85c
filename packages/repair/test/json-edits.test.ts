import { describe, expect, test } from "vitest";
import { repairJson, type EditKind } from "@formwork/repair";

// [input, expected value, edit kinds that must appear]
const CASES: [string, unknown, EditKind[]][] = [
  ['{"a": 1}', { a: 1 }, []],
  ["```json\n{\"a\": 1}\n```", { a: 1 }, ["strip-fence"]],
  ['Sure! Here it is: {"a": 1} Hope this helps.', { a: 1 }, ["strip-prose"]],
  ['{"a": 1} and also {"b": 2}', { a: 1 }, ["choose-candidate", "strip-prose"]],
  ['{"a":1}\n{"a":2}\n', [{ a: 1 }, { a: 2 }], ["ndjson-to-array"]],
  ['{"a": 1, // one\n "b": /* two */ 2 # three\n}', { a: 1, b: 2 }, ["remove-comment"]],
  ['{"a": [1, 2,],}', { a: [1, 2] }, ["remove-trailing-comma"]],
  ['{"a": 1 "b": 2}', { a: 1, b: 2 }, ["insert-comma"]],
  ["[1 2 3]", [1, 2, 3], ["insert-comma"]],
  ["[1,,2]", [1, 2], ["remove-extra-comma"]],
  ['{"a" 1}', { a: 1 }, ["insert-colon"]],
  ['{"a" = 1}', { a: 1 }, ["insert-colon"]],
  ["{'a': 'it\\'s'}", { a: "it's" }, ["normalize-quotes"]],
  ["{\u201ca\u201d: \u201cb\u201d}", { a: "b" }, ["normalize-quotes"]],
  ["{`a`: `b`}", { a: "b" }, ["normalize-quotes"]],
  ["{a: 1, $b_c: 2}", { a: 1, $b_c: 2 }, ["quote-key"]],
  ['{"a": hello world}', { a: "hello world" }, ["quote-value"]],
  ['{"d": 2024-01-05}', { d: "2024-01-05" }, ["quote-value"]],
  ['{"a": True, "b": False, "c": None, "d": undefined}', { a: true, b: false, c: null, d: null }, ["replace-literal"]],
  ['{"a": NaN, "b": Infinity, "c": -Infinity}', { a: null, b: null, c: null }, ["replace-non-finite"]],
  ['{"a": "x\ny\tz"}', { a: "x\ny\tz" }, ["escape-control-char"]],
  ['{"a": "say "hi" now"}', { a: 'say "hi" now' }, ["escape-quote"]],
  ['{"a": "C:\\dir"}', { a: "C:\\dir" }, ["fix-escape"]],
  ['{"a": "x" + "y" + "z"}', { a: "xyz" }, ["concatenate-strings"]],
  ['{"a": +1, "b": .5, "c": 1.}', { a: 1, b: 0.5, c: 1 }, ["fix-number"]],
  ['{"zip": 02134, "v": 2.3.4}', { zip: "02134", v: "2.3.4" }, ["quote-value"]],
  ['{"a": "open\n  "b": 2}', { a: "open", b: 2 }, ["close-string"]],
  ['[{"a": 1]', [{ a: 1 }], ["close-container"]],
  ['{"a": 1}}', { a: 1 }, ["strip-prose"]],
  ['[1, 2]]', [1, 2], ["strip-prose"]],
  ['{"a": [1 ; 2]}', { a: [1, 2] }, ["remove-garbage"]],
  ['[1, 2, ...]', [1, 2], ["remove-garbage"]],
  ['{"a": 1, "b"}', { a: 1 }, ["drop-dangling-key"]],
  ['{"a": "hel', { a: "hel" }, ["truncated-string", "truncated-container"]],
  ['{"a": 1.', { a: 1 }, ["truncated-number"]],
  ['{"a": 1e', { a: 1 }, ["truncated-number"]],
  ['{"a": tr', { a: true }, ["truncated-literal"]],
  ['{"a": nu', { a: null }, ["truncated-literal"]],
  ['{"a": "x\\u12', { a: "x" }, ["truncated-string"]],
  ['{"a":', { a: null }, ["fill-missing-value", "truncated-container"]],
  ['{"a": -', { a: null }, ["fill-missing-value"]],
  ['{"a":}', { a: null }, ["fill-missing-value"]],
  ['{"a', {}, ["drop-dangling-key"]],
  ["[[[", [[[]]], ["truncated-container"]],
  ['```json\n{"a": [1, {"b": "abc\n```\nmore text', { a: [1, { b: "abc" }] }, ["truncated-string", "strip-fence"]],
  ['"just a string"', "just a string", []],
  ["42", 42, []],
  ["True", true, ["replace-literal"]],
  ['{"__proto__": {"x": 1}}', JSON.parse('{"__proto__": {"x": 1}}'), []],
  ['{"a": 1, "b": 2, "a": 3}', { a: 3, b: 2 }, ["duplicate-key"]],
];

describe("repairJson: one table row per edit kind", () => {
  for (const [input, value, kinds] of CASES) {
    test(JSON.stringify(input), () => {
      const r = repairJson(input);
      expect(r.ok).toBe(true);
      expect(r.value).toEqual(value);
      const got = new Set(r.edits.map((e) => e.kind));
      for (const k of kinds) expect(got, `edits: ${JSON.stringify(r.edits)}`).toContain(k);
      if (kinds.length === 0) expect(r.edits).toEqual([]);
      // The repaired text is JSON for the same value.
      expect(JSON.parse(r.text)).toEqual(value);
      for (const e of r.edits) {
        expect(e.offset).toBeGreaterThanOrEqual(0);
        expect(e.offset).toBeLessThanOrEqual(input.length);
        expect(e.message.length).toBeGreaterThan(0);
      }
    });
  }

  test("valid JSON comes back unchanged, with no edits (JSONTestSuite-like sample)", () => {
    for (const s of ['{"a":[1,2,{"b":null}],"c":"\\u00e9\\n"}', "[]", "{}", '[-0.5e10,"\\""]', '"\\ud83d\\ude00"']) {
      const r = repairJson(s);
      expect(r.edits).toEqual([]);
      expect(r.value).toEqual(JSON.parse(s));
    }
  });

  test("one line of plain text is read as a string, as a guess", () => {
    for (const s of ["no json here", "  ES2021 ", "hello   world"]) {
      const r = repairJson(s);
      expect(r.ok).toBe(true);
      expect(r.value).toBe(s.trim());
      expect(r.confidence).toBe("guess");
      expect(r.edits.map((e) => e.kind)).toEqual(["quote-value"]);
    }
  });

  test("nothing to repair gives ok: false with a reason", () => {
    for (const s of ["", "   ", "}}}", "two lines\nof prose"]) {
      const r = repairJson(s);
      expect(r.ok).toBe(false);
      expect(r.value).toBeUndefined();
      expect(r.errors.length).toBeGreaterThan(0);
    }
  });

  test("deep nesting does not overflow the stack", () => {
    const depth = 100_000;
    const r = repairJson("[".repeat(depth));
    expect(r.ok).toBe(true);
    let v = r.value as unknown[];
    let d = 1;
    while (Array.isArray(v) && v.length === 1) {
      v = v[0] as unknown[];
      d++;
    }
    expect(d).toBe(depth);
    expect(r.text.length).toBe(2 * depth);
  });
});
