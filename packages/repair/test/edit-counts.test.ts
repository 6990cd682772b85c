/**
 * `edits: "count"` keeps counts, not edits: the same text, value, errors,
 * confidence and lossiness as with the log, and `editCounts` the log's
 * counts by kind, on the generated corpora (JSON with and without a schema,
 * YAML, CSV) and on bytes with invalid UTF-8.
 */
import { describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { repairCsv, repairJson, repairYaml, type CsvColumn, type RepairResult } from "@formwork/repair";
import { buildJsonCorpus, corruptCsv, corruptYaml, CSV_COLUMNS, CSV_KINDS, randomJsonValue, randomTable, SeededRandom, YAML_KINDS } from "./corruptions.js";

function countsOf(r: RepairResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of r.edits) out[e.kind] = (out[e.kind] ?? 0) + 1;
  return out;
}

function same(logged: RepairResult, counted: RepairResult): void {
  expect(counted.edits).toEqual([]);
  expect(counted.editCounts).toEqual(countsOf(logged));
  expect(logged.editCounts).toBeUndefined();
  expect({ ok: counted.ok, text: counted.text, value: counted.value, errors: counted.errors, confidence: counted.confidence, lossy: counted.lossy }).toEqual({
    ok: logged.ok,
    text: logged.text,
    value: logged.value,
    errors: logged.errors,
    confidence: logged.confidence,
    lossy: logged.lossy,
  });
}

describe('edits: "count"', () => {
  test("repairJson: the log's counts, the same result", () => {
    const cases = buildJsonCorpus([], 5, 400);
    let edits = 0;
    for (const c of cases) {
      const logged = repairJson(c.text);
      edits += logged.edits.length;
      same(logged, repairJson(c.text, { edits: "count" }));
      if (c.schema !== undefined) same(repairJson(c.text, { schema: c.schema }), repairJson(c.text, { schema: c.schema, edits: "count" }));
    }
    expect(edits).toBeGreaterThan(cases.length);
    // Escaped documents, several candidates, a top-level list, invalid UTF-8.
    for (const input of ['{\\"a\\": 1, \\"b\\": [1,2,]}', 'first {"a": 1} then {"b": 2,}', "{a: 1}\n{b: 2,}\n", new Uint8Array([0x7b, 0x61, 0x3a, 0xff, 0x31, 0x7d])]) {
      same(repairJson(input), repairJson(input, { edits: "count" }));
    }
  });

  test("repairYaml and repairCsv: the log's counts, the same result", () => {
    const rng = new SeededRandom(21);
    for (let i = 0; i < 60; i++) {
      const value = randomJsonValue(rng);
      if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
      for (const kind of YAML_KINDS) {
        const c = corruptYaml(value, stringify(value), kind, rng);
        if (c) same(repairYaml(c.text), repairYaml(c.text, { edits: "count" }));
      }
    }
    for (const kind of CSV_KINDS) {
      const c = corruptCsv(randomTable(rng), kind, rng);
      const columns = CSV_COLUMNS as unknown as CsvColumn[];
      same(repairCsv(c.text, { columns }), repairCsv(c.text, { columns, edits: "count" }));
    }
  });
});
