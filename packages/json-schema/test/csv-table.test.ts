// The CSV syntax (compileSchema(schema, { syntax: "csv" })) against oracles:
// 1. Exactness: random sentences of the grammar of random table schemas in
//    random dialects read back with parseCsv (csv-parse) into records that
//    ajv (@formwork/validate) accepts; zero exceptions.
// 2. Completeness: the text stringifyCsv (csv-stringify) writes for random
//    valid records (kept when ajv accepts them) is in the grammar's language.
// 3. csv-spectrum: each case (a table of required string columns) is in
//    the grammar's language and parseCsv reads it as the case's JSON.
// 4. Masks: at sampled states of the Qwen vocabulary's engine walk, the mask
//    equals the reference recognizer's answer on every sampled token (the
//    tokens holding CSV punctuation, and a random share of the rest).
// 5. Refusals: what is not a table names the pointer and the fix.
import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Rng, TokenMask, UnsupportedError } from "@formwork/core";
import { GrammarCompiler, checkText, textCompiler } from "@formwork/grammar";
import { referenceMatchBytes, referencePrefixOkBytes } from "@formwork/grammar/testing";
import { parseCsv, stringifyCsv, type CsvOptions } from "@formwork/csv";
import { compileSchema, createValidator } from "@formwork/json-schema";
import { qwenVocabulary } from "@formwork/testkit";
import { IrSampler, rng } from "./ir-sample.js";

const RUNS = Number(process.env.FORMWORK_CSV_RUNS ?? 120);

type Col = { name: string; schema: Record<string, unknown>; required: boolean; values: unknown[] };

/** Column shapes: a schema and candidate values (valid or not: ajv decides). */
const STRINGS = ["", "a", "abc", "a,b", "a;b", "a|b", "a\tb", 'say "hi"', '"', "line\nbreak", "cr\r\n", "12", "-1.5e3", "01", "true", "false", "NULL", "\\N", "null", " x ", "é😀", "2024-01-31", "x@y.io"];
const SHAPES: ((r: Rand) => Omit<Col, "name" | "required">)[] = [
  () => ({ schema: { type: "string" }, values: STRINGS }),
  (r) => ({ schema: { type: "string", maxLength: 1 + Math.floor(r() * 4) }, values: STRINGS }),
  () => ({ schema: { type: "string", minLength: 2, maxLength: 4 }, values: STRINGS }),
  () => ({ schema: { type: "string", pattern: "^[a-z, \"]+$" }, values: [...STRINGS, "a b", 'a "b", c'] }),
  () => ({ schema: { type: "string", pattern: "^[0-9]+$" }, values: ["0", "12", "007", "1.5"] }),
  () => ({ schema: { type: "string", format: "date" }, values: ["2024-01-31", "2024-02-30", "x"] }),
  () => ({ schema: { type: "string", format: "email" }, values: ["x@y.io", "a.b@c.de", "no"] }),
  () => ({ schema: { enum: ["a,b", 'q"q', "plain", "12", "true", "", "NULL"] }, values: ["a,b", 'q"q', "plain", "12", "true", "", "NULL"] }),
  () => ({ schema: { enum: ["x", 1, true, null, 2.5] }, values: ["x", 1, true, null, 2.5] }),
  (r) => ({ schema: { type: "integer", minimum: -5, maximum: 5 + Math.floor(r() * 100) }, values: [-5, 0, 3, 99, 1000, -6] }),
  () => ({ schema: { type: "integer", multipleOf: 5 }, values: [0, 5, -10, 12, 1e6] }),
  () => ({ schema: { type: "number", exclusiveMinimum: 0, maximum: 1 }, values: [0, 0.5, 1, 1e-7, 2] }),
  () => ({ schema: { type: "number" }, values: [0, -1.5, 1e21, 3.14159, -2e-7] }),
  () => ({ schema: { type: "boolean" }, values: [true, false] }),
  () => ({ schema: { type: "null" }, values: [null] }),
  () => ({ schema: { type: ["string", "null"] }, values: [...STRINGS, null] }),
  () => ({ schema: { type: ["integer", "null"], minimum: 0 }, values: [0, 7, -1, null] }),
  () => ({ schema: { type: ["integer", "string"] }, values: [...STRINGS, 3, -4] }),
  () => ({ schema: { anyOf: [{ type: "integer", maximum: 9 }, { type: "string", pattern: "^[a-z]+$" }, { type: "boolean" }] }, values: [...STRINGS, 3, 12, true] }),
  () => ({ schema: { $ref: "#/$defs/code" }, values: ["AB", "abc", "A,B"] }),
  // Strings that read as other values of the column unless quoted: digits (integers here are >= 100), true/false, the null text.
  () => ({ schema: { anyOf: [{ type: "string", pattern: "^([0-9]|true|false|NULL)+$" }, { type: "integer", minimum: 100 }, { type: "boolean", const: false }, { type: "null" }] }, values: ["12", "true", "false", "NULL", "\\N", 100, 7, false, true, null] }),
];
type Rand = () => number;

function randomTable(r: Rand): { schema: Record<string, unknown>; cols: Col[]; csv: CsvOptions } {
  const n = 1 + Math.floor(r() * 5);
  const names = ["id", "name", "a,b", 'q"', "x y", "12", "é"];
  const cols: Col[] = [];
  for (let i = 0; i < n; i++) {
    const shape = SHAPES[Math.floor(r() * SHAPES.length)](r);
    cols.push({ name: i < names.length && r() < 0.5 ? names[i] : `c${i}`, required: r() < 0.6, ...shape });
  }
  const seen = new Set<string>();
  const uniq = cols.filter((c) => !seen.has(c.name) && (seen.add(c.name), true));
  const minItems = Math.floor(r() * 2);
  const schema: Record<string, unknown> = {
    type: "array",
    items: { type: "object", properties: Object.fromEntries(uniq.map((c) => [c.name, c.schema])), required: uniq.filter((c) => c.required).map((c) => c.name), additionalProperties: false },
    minItems,
    ...(r() < 0.5 ? { maxItems: minItems + Math.floor(r() * 4) } : {}),
    $defs: { code: { type: "string", pattern: "^[A-Z]{2}$" } },
  };
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const csv: CsvOptions = { delimiter: pick([",", ";", "\t", "|"] as const), header: r() < 0.8, lineEnding: pick(["\n", "\r\n"] as const), quoting: pick(["minimal", "strings"] as const), nullText: pick(["", "NULL", "\\N"]) };
  return { schema, cols: uniq, csv };
}

describe("CSV grammar: exactness", () => {
  it("random sentences parse with csv-parse into records ajv accepts", () => {
    const r = rng(7);
    let texts = 0;
    for (let t = 0; t < RUNS; t++) {
      const { schema, csv } = randomTable(r);
      const c = compileSchema(schema, { syntax: "csv", csv });
      const validate = createValidator(schema);
      const sampler = new IrSampler(c.grammar);
      for (let i = 0; i < 12; i++) {
        const text = sampler.sample(r, 14);
        if (text === null) continue;
        texts++;
        let records: unknown;
        try {
          records = parseCsv(text, c.table!);
        } catch (e) {
          throw new Error(`${JSON.stringify(schema)} ${JSON.stringify(csv)}: csv-parse refuses ${JSON.stringify(text)}: ${(e as Error).message}`);
        }
        const v = validate(records);
        expect(v.valid, `${JSON.stringify(schema)} ${JSON.stringify(csv)}: ${JSON.stringify(text)} -> ${JSON.stringify(records)}: ${JSON.stringify(v.errors)}`).toBe(true);
      }
    }
    expect(texts).toBeGreaterThan(RUNS * 6);
  });
});

const maskbench = resolve(process.env.FORMWORK_SHARED_DATA ?? resolve(import.meta.dirname, "../../../../shared/data"), "maskbench-dev");
/** The MaskBench-dev files (by name) whose schema is an array with an items schema: the candidates for a CSV table. */
function* arraySchemas(): Generator<[string, Record<string, unknown>]> {
  for (const f of readdirSync(maskbench).filter((x) => x.endsWith(".json")).sort()) {
    const schema = (JSON.parse(readFileSync(join(maskbench, f), "utf8")) as { schema: Record<string, unknown> }).schema;
    if (schema?.type === "array" && typeof schema.items === "object") yield [f, schema];
  }
}

describe.skipIf(!existsSync(maskbench))("CSV grammar: MaskBench-dev tables", () => {
  it("random sentences of every MaskBench-dev array-of-records schema the CSV syntax takes read back valid", () => {
    const r = rng(12);
    let tables = 0;
    let refused = 0;
    for (const [f, schema] of arraySchemas()) {
      let c;
      try {
        c = compileSchema(schema, { syntax: "csv" });
      } catch (e) {
        // Nested values in cells, rows that are not objects, combinators on rows (not-a-table); what JSON output refuses too.
        expect(["not-a-table", "unsupported-keyword", "unsupported-pattern", "empty-schema"], `${f}: ${(e as Error).message}`).toContain((e as { code?: string }).code);
        refused++;
        continue;
      }
      tables++;
      const validate = createValidator(schema, { regExp: "backtracking" });
      const sampler = new IrSampler(c.grammar);
      for (let i = 0; i < 8; i++) {
        const text = sampler.sample(r, 14);
        if (text === null) continue;
        const records = parseCsv(text, c.table!);
        const v = validate(records);
        expect(v.valid, `${f}: ${JSON.stringify(text)} -> ${JSON.stringify(records)}: ${JSON.stringify(v.errors)}`).toBe(true);
      }
    }
    expect(tables).toBeGreaterThan(40);
    expect(refused).toBeGreaterThan(0);
  });

  it("the text stringifyCsv writes for their valid instances (sentences of the JSON grammar) is in the CSV grammar", () => {
    const r = rng(13);
    let checked = 0;
    for (const [f, schema] of arraySchemas()) {
      let c;
      try {
        c = compileSchema(schema, { syntax: "csv" });
      } catch {
        continue;
      }
      const csv = textCompiler().compile(c.grammar);
      const json = new IrSampler(compileSchema(schema, { whitespace: "compact" }).grammar);
      const validate = createValidator(schema, { regExp: "backtracking" });
      for (let i = 0; i < 8; i++) {
        const t = json.sample(r, 14);
        if (t === null) continue;
        const records = JSON.parse(t) as Record<string, unknown>[];
        // A number past the doubles (1e999) parses as Infinity, which has no JSON or CSV text.
        if (records.some((rec) => Object.values(rec).some((v) => typeof v === "number" && !Number.isFinite(v)))) continue;
        if (!validate(records).valid) continue;
        const text = stringifyCsv(records, c.table!);
        const v = checkText(csv, text);
        expect(v.accepted, `${f}: ${t} as ${JSON.stringify(text)}: ${v.message}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});

describe("CSV grammar: exactness by brute force over short cells", () => {
  // Every cell text of up to 2 characters over an alphabet of CSV punctuation, number and literal pieces
  // (3 over a smaller one), plus whole words, in a one-column table: where the grammar accepts it,
  // csv-parse reads a value ajv accepts.
  const ALPHABET = ["0", "1", "9", "-", ".", "e", "+", "a", "t", "N", '"', ",", ";", " ", "\\", "x"];
  const SHORT = ["0", "1", "-", ".", "e", "t", "N", '"'];
  const WORDS = ["true", "false", "null", "NULL", "\\N", "100", "1e2", "12", '"12"', '"true"', '"NULL"', '""', "2.5", "AB"];
  const cells: string[] = [...WORDS, ""];
  for (const a of ALPHABET) {
    cells.push(a);
    for (const b of ALPHABET) cells.push(a + b);
  }
  for (const a of SHORT) for (const b of SHORT) for (const c of SHORT) cells.push(a + b + c);
  it("holds for every column shape in four dialects", () => {
    const r = rng(9);
    let accepted = 0;
    const dialects: CsvOptions[] = [{}, { nullText: "NULL", quoting: "strings" }, { delimiter: ";", nullText: "\\N" }, { delimiter: "|", header: false, lineEnding: "\r\n" }];
    for (const shape of SHAPES) {
      for (const csv of dialects) {
        const col = shape(r);
        {
          const required = r() < 0.5;
          const schema = { type: "array", items: { type: "object", properties: { v: col.schema }, required: required ? ["v"] : [] }, $defs: { code: { type: "string", pattern: "^[A-Z]{2}$" } } };
          const c = compileSchema(schema, { syntax: "csv", csv });
          const g = textCompiler().compile(c.grammar);
          const validate = createValidator(schema);
          const head = csv.header === false ? "" : `v${csv.lineEnding ?? "\n"}`;
          for (const cell of cells) {
            const text = `${head}${cell}${csv.lineEnding ?? "\n"}`;
            if (!checkText(g, text).accepted) continue;
            accepted++;
            const records = parseCsv(text, c.table!);
            const v = validate(records);
            expect(v.valid, `${JSON.stringify(col.schema)} ${JSON.stringify(csv)}: ${JSON.stringify(text)} -> ${JSON.stringify(records)}`).toBe(true);
          }
        }
      }
    }
    expect(accepted).toBeGreaterThan(1000);
  });
});

describe("CSV grammar: completeness", () => {
  it("every table stringifyCsv writes for random valid records is accepted", () => {
    const r = rng(8);
    let checked = 0;
    let outside = 0;
    for (let t = 0; t < RUNS; t++) {
      const { schema, cols, csv } = randomTable(r);
      const c = compileSchema(schema, { syntax: "csv", csv });
      const g = textCompiler().compile(c.grammar);
      const json = textCompiler().compile(compileSchema(schema, { whitespace: "compact" }).grammar);
      const validate = createValidator(schema);
      const items = schema.items as Record<string, unknown>;
      const validateRow = createValidator({ ...items, $defs: schema.$defs });
      for (let i = 0; i < 8; i++) {
        const rows: Record<string, unknown>[] = [];
        const want = Math.floor(r() * 4);
        for (let tries = 0; rows.length < want && tries < 40; tries++) {
          const rec: Record<string, unknown> = {};
          for (const col of cols) if (col.required || r() < 0.7) rec[col.name] = col.values[Math.floor(r() * col.values.length)];
          if (validateRow(rec).valid) rows.push(rec);
        }
        if (!validate(rows).valid) continue;
        // Numbers the JSON grammar does not write either (1e-7 within bounds: the shared number forms) are outside the question.
        if (!checkText(json, JSON.stringify(rows)).accepted) {
          outside++;
          continue;
        }
        const text = stringifyCsv(rows, c.table!);
        checked++;
        const v = checkText(g, text);
        expect(v.accepted, `${JSON.stringify(schema)} ${JSON.stringify(csv)}: ${JSON.stringify(rows)} as ${JSON.stringify(text)}: ${v.message}`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(RUNS * 2);
    expect(outside).toBeLessThan(checked / 5);
  });
});

describe("CSV grammar: csv-spectrum", () => {
  const dir = dirname(createRequire(import.meta.url).resolve("csv-spectrum/package.json"));
  const cases = readdirSync(join(dir, "csvs")).filter((f) => f.endsWith(".csv")).sort();
  it.each(cases)("%s", (f) => {
    const name = f.slice(0, -4);
    const raw = readFileSync(join(dir, "csvs", f), "utf8");
    const eol = raw.includes("\r\n") ? "\r\n" : "\n";
    // The dialect ends every row with the line ending, the last one included; three cases stop without one.
    const text = raw.endsWith(eol) ? raw : raw + eol;
    const json0: unknown = JSON.parse(readFileSync(join(dir, "json", `${name}.json`), "utf8"));
    const json = (Array.isArray(json0) ? json0 : [json0]) as Record<string, string>[];
    const names = Object.keys(json[0]);
    const schema = { type: "array", items: { type: "object", properties: Object.fromEntries(names.map((n) => [n, { type: "string" }])), required: names } };
    const c = compileSchema(schema, { syntax: "csv", csv: { lineEnding: eol } });
    const inGrammar = checkText(c.grammar, text).accepted;
    let parsed: unknown = null;
    try {
      parsed = parseCsv(text, c.table!);
    } catch {
      parsed = null;
    }
    // Where the case is in the dialect, grammar and reference parser agree; the one case outside RFC 4180 is refused by both.
    if (name === "location_coordinates") {
      expect([inGrammar, parsed]).toEqual([false, null]);
    } else {
      expect(inGrammar).toBe(true);
      expect(parsed).toEqual(json);
    }
  });
});

describe("CSV grammar: masks on the Qwen vocabulary", () => {
  it("equal the reference recognizer on sampled tokens at sampled states", () => {
    const vocab = qwenVocabulary();
    const compiler = new GrammarCompiler(vocab);
    const mask = new TokenMask(vocab.size);
    const rand = new Rng(11);
    // Tokens with CSV punctuation (quotes, delimiters, line breaks, digits), and a random share of the rest.
    const punct = /[",;|\t\r\n0-9]/;
    const ids: number[] = [];
    for (let id = 0; id < vocab.size; id++) {
      if (!vocab.isText(id)) continue;
      if (punct.test(vocab.textOf(id)) ? rand.next() < 0.15 : rand.next() < 0.01) ids.push(id);
    }
    const schemas: [Record<string, unknown>, CsvOptions][] = [
      [{ type: "array", items: { type: "object", properties: { name: { type: "string", maxLength: 8 }, age: { type: "integer", minimum: 0, maximum: 120 }, ok: { type: ["boolean", "null"] } }, required: ["name", "age"] }, maxItems: 3 }, {}],
      [{ type: "array", items: { type: "object", properties: { code: { enum: ["a,b", "c", "12"] }, n: { type: ["number", "string"] } }, required: ["code"] } }, { delimiter: ";", lineEnding: "\r\n", nullText: "NULL" }],
    ];
    const enc = new TextEncoder();
    let states = 0;
    for (const [schema, csv] of schemas) {
      const c = compileSchema(schema, { syntax: "csv", csv });
      const compiled = compiler.compile(c.grammar);
      const sampler = new IrSampler(c.grammar);
      const r = rng(3);
      for (let s = 0; s < 4; s++) {
        const text = sampler.sample(r, 10)!;
        const bytes = enc.encode(text);
        for (const cut of [0, Math.floor(bytes.length / 3), Math.floor((2 * bytes.length) / 3), bytes.length]) {
          const prefix = bytes.subarray(0, cut);
          const m = compiled.createMatcher();
          expect(m.acceptBytes(prefix)).toBe(true);
          m.fillNextTokenMask(mask);
          const complete = referenceMatchBytes(c.grammar, prefix).complete;
          const bad: string[] = [];
          for (const id of ids) {
            const want = referencePrefixOkBytes(c.grammar, concat(prefix, vocab.bytesOf(id)));
            if (mask.has(id) !== want) bad.push(`${JSON.stringify(vocab.textOf(id))} engine=${mask.has(id)} oracle=${want}`);
          }
          for (const id of vocab.eogIds) if (mask.has(id) !== complete) bad.push(`eog ${id}`);
          expect(bad, `${JSON.stringify(text.slice(0, cut))}`).toEqual([]);
          states++;
        }
      }
    }
    expect(states).toBe(32);
  });
});

describe("CSV grammar: what is not a table", () => {
  const refused = (schema: unknown, ptr: string, msg: RegExp) => {
    let err: unknown;
    try {
      compileSchema(schema, { syntax: "csv" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as UnsupportedError).code).toBe("not-a-table");
    expect((err as UnsupportedError).location).toEqual({ kind: "pointer", pointer: ptr });
    expect((err as Error).message).toMatch(msg);
  };
  it("a nested object or array in a cell", () => {
    refused({ type: "array", items: { type: "object", properties: { a: { type: "object" } } } }, "/items/properties/a", /column "a" may hold an object.*flatten/s);
    refused({ type: "array", items: { type: "object", properties: { a: { type: "array" } } } }, "/items/properties/a", /column "a" may hold an array/);
    refused({ type: "array", items: { type: "object", properties: { a: {} } } }, "/items/properties/a", /column "a" may hold/);
    refused({ type: "array", items: { type: "object", properties: { a: { enum: [[1]] } } } }, "/items/properties/a", /an array/);
  });
  it("a root or row of the wrong shape", () => {
    refused({ type: "object" }, "", /not an array of rows/);
    refused({ type: "array", items: { type: "string" } }, "/items", /not objects/);
    refused({ type: "array" }, "", /no items schema/);
    refused({ type: "array", items: { type: "object" } }, "/items", /no properties/);
    refused({ type: "array", items: { type: "object", properties: { a: { type: "string" } } }, uniqueItems: true }, "/uniqueItems", /uniqueItems/);
    refused({ type: "array", items: { anyOf: [{ type: "object" }] } }, "/items/anyOf", /anyOf/);
    refused({ type: "array", items: { type: "object", properties: { a: { type: "string" } }, patternProperties: { x: {} } } }, "/items/patternProperties", /patternProperties/);
    refused({ type: "array", items: { type: "object", properties: { a: { type: "string" } }, minProperties: 1 } }, "/items/minProperties", /minProperties/);
  });
  it("ignores what cannot matter, and relaxes uniqueItems only under lenient", () => {
    const cols = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    // Unknown keywords, keywords of other types, and row keywords that every row of these columns meets.
    const ok = compileSchema({ type: "array", items: { ...cols, minProperties: 1, maxProperties: 1, unevaluatedProperties: false, patternProperties: {} }, _uniqueItems: true, properties: { x: {} }, uniqueItems: false }, { syntax: "csv" });
    expect(checkText(ok.grammar, "a\nx\n").accepted).toBe(true);
    const lenient = compileSchema({ type: "array", items: cols, uniqueItems: true }, { syntax: "csv", lenient: true });
    expect(lenient.warnings).toEqual([expect.objectContaining({ code: "unsupported-keyword", pointer: "/uniqueItems", effect: "relaxes" })]);
  });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
