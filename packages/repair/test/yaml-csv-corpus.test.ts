import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { repairCsv, repairJson, repairYaml, type CsvColumn } from "@formwork/repair";
import { CSV_COLUMNS, CSV_KINDS, corruptCsv, corruptYaml, loadMaskbench, randomJsonValue, randomTable, SeededRandom, sharedDataDir, YAML_KINDS, type YamlCase } from "./corruptions.js";
import { ajvAccepts } from "./oracle.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const dataDir = sharedDataDir(repoRoot);
const hasData = existsSync(resolve(dataDir, "maskbench-dev"));

const canon = (v: unknown): string => JSON.stringify(sortKeys(v));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

function runYaml(sources: { name: string; value: unknown; schema?: unknown }[], seed: number) {
  const rng = new SeededRandom(seed);
  const byKind = new Map<string, { pass: number; total: number; fails: YamlCase[] }>();
  for (const s of sources) {
    if (s.value === null || typeof s.value !== "object" || Array.isArray(s.value) || Object.keys(s.value).length === 0) continue;
    const y = stringify(s.value);
    if (canon(parse(y)) !== canon(s.value)) continue; // not stable through YAML
    for (const kind of YAML_KINDS) {
      const c = corruptYaml(s.value, y, kind, rng, s.name, s.schema);
      if (!c) continue;
      // Truncation counts apart unless the complete lines before the cut already validate.
      let key: string = kind;
      if (kind === "truncation") {
        let prefix: unknown;
        try {
          prefix = parse(c.text.slice(0, c.text.lastIndexOf("\n") + 1));
        } catch {
          prefix = undefined;
        }
        key = prefix !== undefined && ajvAccepts(c.schema, prefix) === true ? "truncation" : "truncation-uncompletable";
      }
      const r = byKind.get(key) ?? { pass: 0, total: 0, fails: [] };
      byKind.set(key, r);
      r.total++;
      const res = repairYaml(c.text, kind === "truncation" ? { schema: c.schema } : {});
      const ok = kind === "truncation" ? res.ok && ajvAccepts(c.schema, res.value) === true : res.ok && canon(res.value) === canon(c.expected);
      if (ok) r.pass++;
      else if (r.fails.length < 3) r.fails.push(c);
    }
  }
  const lines: string[] = [];
  for (const [k, r] of byKind) {
    lines.push(`${k.padEnd(14)} ${r.pass} / ${r.total}`);
    for (const f of r.fails) lines.push(`  not recovered (within the allowed miss rate): ${f.source}: ${JSON.stringify(f.text.slice(0, 200))}`);
  }
  console.log(lines.join("\n"));
  return byKind;
}

// Truncated YAML often cuts a required key: only part of those can validate.
const YAML_FLOOR: Record<string, number> = { truncation: 1, "truncation-uncompletable": 0 };

describe("YAML corruption corpus", () => {
  test("generated values: each kind is repaired back to the original value", () => {
    const rng = new SeededRandom(21);
    const sources = Array.from({ length: 300 }, (_, i) => ({ name: `random-${i}`, value: randomJsonValue(rng) }));
    for (const [kind, r] of runYaml(sources, 5)) if (!kind.startsWith("truncation")) expect(r.pass / r.total, kind).toBeGreaterThanOrEqual(0.97);
  });
  test.skipIf(!hasData)("MaskBench instances: each kind is repaired back to the original value", () => {
    const samples = loadMaskbench(dataDir, 200, 9).filter((s) => ajvAccepts(s.schema, s.instances[0]) === true);
    const byKind = runYaml(samples.map((s) => ({ name: s.name, value: s.instances[0], schema: s.schema })), 6);
    for (const [kind, r] of byKind) expect(r.pass / r.total, kind).toBeGreaterThanOrEqual(YAML_FLOOR[kind] ?? 0.97);
  });
});

describe("CSV corruption corpus", () => {
  test("each kind is repaired back to the original table", () => {
    const rng = new SeededRandom(31);
    const columns = CSV_COLUMNS.map((c) => ({ ...c })) as CsvColumn[];
    const lines: string[] = [];
    for (const kind of CSV_KINDS) {
      let pass = 0;
      const total = 100;
      const fails: string[] = [];
      for (let i = 0; i < total; i++) {
        const c = corruptCsv(randomTable(rng), kind, rng);
        const res = repairCsv(c.text, { columns });
        if (res.ok && canon(res.value) === canon(c.expected)) pass++;
        else if (fails.length < 2) fails.push(`  not recovered: ${JSON.stringify(c.text.slice(0, 300))} -> ${JSON.stringify(res.value)?.slice(0, 300)} ${JSON.stringify(res.errors)}`);
      }
      lines.push(`${kind.padEnd(20)} ${pass} / ${total}`, ...fails);
      expect.soft(pass / total, kind).toBeGreaterThanOrEqual(0.98);
    }
    console.log(lines.join("\n"));
  });
});

test("repairJson is what YAML's JSON mode uses", () => {
  expect(repairYaml('{"a": 1,}').value).toEqual(repairJson('{"a": 1,}').value);
});
