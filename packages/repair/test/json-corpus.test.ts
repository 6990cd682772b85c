import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { repairJson } from "@formwork/repair";
import { ajvAccepts, sameJson as deepEqual } from "./oracle.js";
import { buildJsonCorpus, loadMaskbench, sharedDataDir, JSON_KINDS, type JsonCase } from "./corruptions.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const dataDir = sharedDataDir(repoRoot);
const hasData = existsSync(resolve(dataDir, "maskbench-dev"));


/** Runs the corpus and returns, per kind, [passed, total] and the first failures. */
function runCorpus(cases: JsonCase[]) {
  const byKind = new Map<string, { pass: number; total: number; failures: JsonCase[] }>();
  for (const c of cases) {
    // Truncation counts apart when no value validates without inventing one (see completedPrefix).
    const kind = c.kind === "truncation" && (c.prefix === undefined || ajvAccepts(c.schema, c.prefix) !== true) ? "truncation-uncompletable" : c.kind;
    const r = byKind.get(kind) ?? { pass: 0, total: 0, failures: [] };
    byKind.set(kind, r);
    r.total++;
    let ok: boolean;
    if (c.kind === "truncation") {
      const res = repairJson(c.text, { schema: c.schema });
      ok = res.ok && ajvAccepts(c.schema, res.value) === true;
    } else {
      const res = repairJson(c.text);
      ok = res.ok && deepEqual(res.value, c.expected);
      // A wrong value must never be reported as a clean, certain repair.
      if (res.ok && !ok) expect(res.confidence === "certain" && !res.lossy, `silent wrong value: ${JSON.stringify(c.text.slice(0, 200))}`).toBe(false);
    }
    if (ok) r.pass++;
    else if (r.failures.length < 3) r.failures.push(c);
  }
  return byKind;
}

function report(byKind: ReturnType<typeof runCorpus>): string {
  const lines = [`${"kind".padEnd(20)} passed / total`];
  for (const k of [...JSON_KINDS, "truncation-uncompletable"]) {
    const r = byKind.get(k);
    if (r) lines.push(`${k.padEnd(20)} ${r.pass} / ${r.total} (${((100 * r.pass) / r.total).toFixed(1)}%)`);
  }
  return lines.join("\n");
}

// Share each kind must reach (truncation: share that validates against the schema).
// Unescaped quotes are ambiguous (`"a "b": c"`); the floor records today's heuristics.
const FLOOR: Record<string, number> = { truncation: 1, "truncation-uncompletable": 0, combined: 0.97, "unescaped-quote": 0.95 };

describe.skipIf(!hasData)("JSON corruption corpus from MaskBench instances", () => {
  test("each kind of mistake is repaired back to the original value", () => {
    const samples = loadMaskbench(dataDir, 400, 7).filter((s) => {
      try {
        repairJson("{}", { schema: s.schema });
        return true;
      } catch {
        return false; // schemas ajv cannot compile (remote $refs) are left out
      }
    });
    const byKind = runCorpus(buildJsonCorpus(samples, 11));
    console.log(report(byKind));
    for (const [kind, r] of byKind) for (const f of r.failures) console.log(`not recovered (within the allowed miss rate): ${kind} [${f.applied.join("+")}] ${f.source}: ${JSON.stringify(f.text.slice(0, 300))}`);
    for (const [kind, r] of byKind) {
      expect(r.pass / r.total, kind).toBeGreaterThanOrEqual(FLOOR[kind] ?? 0.99);
    }
  });
});

describe("JSON corruption corpus from generated values", () => {
  test("each kind of mistake is repaired back to the original value", () => {
    const byKind = runCorpus(buildJsonCorpus([], 3, 300));
    console.log(report(byKind));
    for (const [kind, r] of byKind) for (const f of r.failures) console.log(`not recovered (within the allowed miss rate): ${kind} [${f.applied.join("+")}]: ${JSON.stringify(f.text.slice(0, 300))}`);
    for (const [kind, r] of byKind) {
      expect(r.pass / r.total, kind).toBeGreaterThanOrEqual(FLOOR[kind] ?? 0.99);
    }
  });
});
