import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { repairJson } from "@formwork/repair";
import { sharedDataDir } from "./corruptions.js";
import { sameJson as same } from "./oracle.js";
import { buildRealWorldCorpus, realWorldSamples, REAL_KINDS, type RealCase } from "./real-world-corpus.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const dataDir = sharedDataDir(repoRoot);
const hasData = existsSync(resolve(dataDir, "maskbench-dev"));


/** Share of each kind's documents that must come back exactly (the tuning part: see real-world-corpus.ts). */
const FLOOR = 0.95;

function check(cases: RealCase[]): void {
  const rows = new Map<string, { pass: number; total: number; silent: RealCase[]; misses: RealCase[] }>();
  for (const c of cases) {
    const row = rows.get(c.kind) ?? { pass: 0, total: 0, silent: [], misses: [] };
    rows.set(c.kind, row);
    row.total++;
    const r = repairJson(c.text);
    if (r.ok && same(r.value, c.expected)) row.pass++;
    else {
      row.misses.push(c);
      // A wrong value must never be reported as a clean, certain repair.
      if (r.ok && r.confidence === "certain" && !r.lossy) row.silent.push(c);
    }
  }
  console.log(REAL_KINDS.map((k) => `${k.padEnd(24)} ${rows.get(k)?.pass ?? 0} / ${rows.get(k)?.total ?? 0}`).join("\n"));
  for (const [kind, row] of rows) {
    for (const m of row.misses.slice(0, 2)) console.log(`not recovered (within the allowed miss rate): ${kind} [${m.variant}] ${JSON.stringify(m.text.slice(0, 200))}`);
    expect(row.silent.map((c) => c.text), `${kind}: wrong values reported as certain`).toEqual([]);
    expect(row.pass / row.total, kind).toBeGreaterThanOrEqual(FLOOR);
  }
  expect(rows.size).toBe(REAL_KINDS.length);
}

describe("real-world-shaped corpus (tuning part)", () => {
  test("from generated records: each kind comes back as intended, and no wrong value is reported as certain", () => {
    check(buildRealWorldCorpus([], 16).filter((c) => c.part === "tune"));
  });

  test.skipIf(!hasData)("from MaskBench instances and generated records", () => {
    check(buildRealWorldCorpus(realWorldSamples(dataDir), 16).filter((c) => c.part === "tune"));
  });
});
