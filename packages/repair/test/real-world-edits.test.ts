import { describe, expect, test } from "vitest";
import { repairJson, type Confidence, type EditKind } from "@formwork/repair";

/**
 * One table per kind of real-world breakage (issue 16, and behaviours other
 * repairers document): the input, the value a careful reader recovers, the
 * edit kinds that must be logged, and the result's confidence and lossiness.
 */
interface Row {
  input: string;
  value: unknown;
  kinds: EditKind[];
  confidence: Confidence;
  lossy?: boolean;
}

const KINDS: Record<string, Row[]> = {
  "escaped document": [
    { input: '{\\"id\\": 7, \\"name\\": \\"Ada\\"}', value: { id: 7, name: "Ada" }, kinds: ["unescape-document"], confidence: "likely" },
    { input: '{\\n  \\"tags\\": [\\"a\\", \\"b\\"],\\n  \\"ok\\": true\\n}', value: { tags: ["a", "b"], ok: true }, kinds: ["unescape-document"], confidence: "likely" },
    { input: '[{\\"q\\": \\"say \\\\\\"hi\\\\\\"\\"}]', value: [{ q: 'say "hi"' }], kinds: ["unescape-document"], confidence: "likely" },
    { input: 'Result: {\\"n\\": 1}', value: { n: 1 }, kinds: ["unescape-document", "strip-prose"], confidence: "likely" },
    { input: '\\"plain text\\"', value: "plain text", kinds: ["unescape-document"], confidence: "likely" },
  ],
  "missing closing quote": [
    { input: '{"city":"Paris}', value: { city: "Paris" }, kinds: ["close-string"], confidence: "likely" },
    { input: '{"home":"https://example.org/}', value: { home: "https://example.org/" }, kinds: ["close-string"], confidence: "likely" },
    { input: '{"a":"one,"b":"two"}', value: { a: "one", b: "two" }, kinds: ["close-string"], confidence: "likely" },
    { input: '{"a":"one, "b": 2}', value: { a: "one", b: 2 }, kinds: ["close-string"], confidence: "likely" },
    { input: '{"a":{"b":"deep},"c":3}', value: { a: { b: "deep" }, c: 3 }, kinds: ["close-string"], confidence: "likely" },
    { input: '["red, green]', value: ["red", "green"], kinds: ["close-string", "quote-value"], confidence: "likely" },
    { input: '[\n  "red,\n  "green"\n]', value: ["red", "green"], kinds: ["close-string"], confidence: "likely" },
    { input: '[{"id":1,"t":"open},{"id":2,"t":"z"}]', value: [{ id: 1, t: "open" }, { id: 2, t: "z" }], kinds: ["close-string"], confidence: "likely" },
    { input: '{"key:"value"}', value: { key: "value" }, kinds: ["close-string"], confidence: "likely" },
  ],
  "missing opening quote": [
    { input: '{name":"Ada"}', value: { name: "Ada" }, kinds: ["quote-key"], confidence: "certain" },
    { input: '{"name":Ada","age":36}', value: { name: "Ada", age: 36 }, kinds: ["quote-value"], confidence: "likely" },
    { input: '[red", "green"]', value: ["red", "green"], kinds: ["quote-value"], confidence: "likely" },
    { input: 'hello"', value: "hello", kinds: ["quote-value"], confidence: "likely" },
    { input: '{"a": "x",b":"y"}', value: { a: "x", b: "y" }, kinds: ["quote-key"], confidence: "certain" },
    { input: '{"n": 12345", "m": 1}', value: { n: 12345, m: 1 }, kinds: ["remove-garbage"], confidence: "likely" },
  ],
  "Unicode whitespace": [
    { input: '{"a":\u00a0"b"}', value: { a: "b" }, kinds: ["normalize-whitespace"], confidence: "certain" },
    { input: '{\n\u3000\u3000"a": 1,\u2003"b":\u2009[1,\u202f2]\n}', value: { a: 1, b: [1, 2] }, kinds: ["normalize-whitespace"], confidence: "certain" },
    { input: '{"a":\u1680"keep\u00a0inside"}', value: { a: "keep\u00a0inside" }, kinds: ["normalize-whitespace"], confidence: "certain" },
  ],
  "numbers that are not JSON numbers": [
    { input: '{"zip": 02134}', value: { zip: "02134" }, kinds: ["quote-value"], confidence: "likely" },
    { input: '{"a": .5, "b": -.25, "c": +3, "d": 4.}', value: { a: 0.5, b: -0.25, c: 3, d: 4 }, kinds: ["fix-number"], confidence: "certain" },
    { input: '[1e]', value: [1], kinds: ["fix-number"], confidence: "likely" },
    { input: '{"v": 2.3.4}', value: { v: "2.3.4" }, kinds: ["quote-value"], confidence: "likely" },
    { input: ".75", value: 0.75, kinds: ["fix-number"], confidence: "certain" },
    { input: "1.2.3", value: "1.2.3", kinds: ["quote-value"], confidence: "likely" },
    { input: '{"range": 10-20, "frac": 1/3}', value: { range: "10-20", frac: "1/3" }, kinds: ["quote-value"], confidence: "likely" },
    { input: '["-"]', value: ["-"], kinds: [], confidence: "certain" },
    { input: "[-]", value: ["-"], kinds: ["quote-value"], confidence: "likely" },
  ],
  "shell and JavaScript artefacts": [
    { input: '{"_id": ObjectId("5f1d7a2b"), "at": ISODate("2020-01-02T03:04:05Z")}', value: { _id: "5f1d7a2b", at: "2020-01-02T03:04:05Z" }, kinds: ["unwrap-call"], confidence: "certain" },
    { input: '{"n": NumberLong(42), "m": NumberInt(7), "d": NumberDecimal(1.5)}', value: { n: 42, m: 7, d: 1.5 }, kinds: ["unwrap-call"], confidence: "certain" },
    { input: '{"when": new Date("2021-05-06")}', value: { when: "2021-05-06" }, kinds: ["unwrap-call"], confidence: "certain" },
    { input: '{"pattern": /^[a-z]+$/i}', value: { pattern: "/^[a-z]+$/i" }, kinds: ["quote-value"], confidence: "likely" },
    { input: 'handle({"a": [1, 2]});', value: { a: [1, 2] }, kinds: ["unwrap-call"], confidence: "certain" },
    { input: "/* jsonp */ cb_1 ([true])", value: [true], kinds: ["unwrap-call"], confidence: "certain" },
    { input: "cb(null);", value: null, kinds: ["unwrap-call"], confidence: "certain" },
    { input: '{"s": "ab" + /* more */ "cd" +\n  "ef"}', value: { s: "abcdef" }, kinds: ["concatenate-strings", "remove-comment"], confidence: "certain" },
  ],
  "top-level list without brackets": [
    { input: "1, 2, 3", value: [1, 2, 3], kinds: ["ndjson-to-array"], confidence: "likely" },
    { input: "1\n2\n3\n", value: [1, 2, 3], kinds: ["ndjson-to-array"], confidence: "certain" },
    { input: '{"a":1},\n{"a":2},\n', value: [{ a: 1 }, { a: 2 }], kinds: ["ndjson-to-array"], confidence: "likely" },
    { input: '"x", "y"', value: ["x", "y"], kinds: ["ndjson-to-array"], confidence: "likely" },
    { input: '/* 1 */\n{"n":1}\n/* 2 */\n{"n":2}\n', value: [{ n: 1 }, { n: 2 }], kinds: ["ndjson-to-array", "remove-comment"], confidence: "certain" },
  ],
  "missing value": [
    { input: '{"a":}', value: { a: null }, kinds: ["fill-missing-value"], confidence: "guess" },
    { input: '{"a": , "b": 2}', value: { a: null, b: 2 }, kinds: ["fill-missing-value"], confidence: "guess" },
    { input: '[{"a":\n}]', value: [{ a: null }], kinds: ["fill-missing-value"], confidence: "guess" },
  ],
  "unescaped quote in a string": [
    { input: '{"q": "she said "yes" and left"}', value: { q: 'she said "yes" and left' }, kinds: ["escape-quote"], confidence: "likely" },
    { input: '{"tv": "a 55" screen", "n": 1}', value: { tv: 'a 55" screen', n: 1 }, kinds: ["escape-quote"], confidence: "likely" },
    { input: '{"q": "the "best", really", "n": 1}', value: { q: 'the "best", really', n: 1 }, kinds: ["escape-quote"], confidence: "likely" },
    { input: '{"html": "<a href="x.html">x</a>"}', value: { html: '<a href="x.html">x</a>' }, kinds: ["escape-quote"], confidence: "likely" },
    { input: '{"r": "Done.""next": 2}', value: { r: "Done.", next: 2 }, kinds: ["insert-comma"], confidence: "likely" },
  ],
  "one inner mistake in a long output": [
    {
      input: '[{"id":1,"d":"ok"},{"id":2,"d":"the "new" one"},{"id":3,"d":"ok"},{"id":4,"d":"ok"}]',
      value: [{ id: 1, d: "ok" }, { id: 2, d: 'the "new" one' }, { id: 3, d: "ok" }, { id: 4, d: "ok" }],
      kinds: ["escape-quote"],
      confidence: "likely",
    },
    {
      input: '[{"id":1,"d":"ok"},{"id":2,"d":"cut},{"id":3,"d":"ok"},{"id":4,"d":"ok"}]',
      value: [{ id: 1, d: "ok" }, { id: 2, d: "cut" }, { id: 3, d: "ok" }, { id: 4, d: "ok" }],
      kinds: ["close-string"],
      confidence: "likely",
    },
    {
      input: '[{"id":1,"d":"ok"},{"id":2,"d":"x",{"id":3,"d":"ok"}]',
      value: [{ id: 1, d: "ok" }, { id: 2, d: "x" }, { id: 3, d: "ok" }],
      kinds: ["close-container"],
      confidence: "likely",
    },
    {
      input: '[{"id":1}{"id":2} {"id":3}]',
      value: [{ id: 1 }, { id: 2 }, { id: 3 }],
      kinds: ["insert-comma"],
      confidence: "certain",
    },
  ],
  "documented by other repairers": [
    { input: '{"a": 1}, "b": 2}', value: { a: 1, b: 2 }, kinds: ["remove-stray-closer"], confidence: "likely" },
    { input: '{"a": true, NOTE "b": "x"}', value: { a: true, b: "x" }, kinds: ["remove-garbage"], confidence: "guess", lossy: true },
    { input: '{"a": ipsum, sic, datum.",}', value: { a: "ipsum, sic, datum." }, kinds: ["quote-value"], confidence: "likely" },
    { input: "{t: words{in brackets}}", value: { t: "words{in brackets}" }, kinds: ["quote-value"], confidence: "likely" },
    { input: "lead ```json {\"k\": 1} ``` tail", value: { k: 1 }, kinds: ["strip-fence", "strip-prose"], confidence: "certain" },
    { input: '````{"k": 2}````', value: { k: 2 }, kinds: ["strip-fence"], confidence: "certain" },
    { input: '{"k": "v, w"```', value: { k: "v, w" }, kinds: ["strip-fence", "close-container"], confidence: "likely" },
    { input: '{"p"3}', value: { p: 3 }, kinds: ["insert-colon"], confidence: "likely" },
    { input: '{"k:v}', value: { k: "v" }, kinds: ["close-string", "quote-value"], confidence: "likely" },
    { input: "[1, 2, ... , 3]", value: [1, 2, 3], kinds: ["remove-garbage"], confidence: "guess", lossy: true },
    { input: '{"k":', value: { k: null }, kinds: ["fill-missing-value", "truncated-container"], confidence: "guess", lossy: true },
  ],
};

describe("real-world breakage: one table per kind", () => {
  for (const [kind, rows] of Object.entries(KINDS)) {
    describe(kind, () => {
      for (const row of rows) {
        test(JSON.stringify(row.input), () => {
          const r = repairJson(row.input);
          const log = `edits: ${JSON.stringify(r.edits.map((e) => `${e.kind}:${e.confidence}${e.lossy ? ":lossy" : ""}`))}`;
          expect(r.ok, log).toBe(true);
          expect(r.value, log).toEqual(row.value);
          expect(JSON.parse(r.text)).toEqual(row.value);
          const got = new Set(r.edits.map((e) => e.kind));
          for (const k of row.kinds) expect(got, log).toContain(k);
          expect(r.confidence, log).toBe(row.confidence);
          expect(r.lossy, log).toBe(row.lossy ?? false);
          for (const e of r.edits) {
            expect(e.offset).toBeGreaterThanOrEqual(0);
            expect(e.offset).toBeLessThanOrEqual(row.input.length);
          }
        });
      }
    });
  }
});
