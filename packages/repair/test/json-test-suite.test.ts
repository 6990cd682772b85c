import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { repairJson } from "@formwork/repair";
import { sharedDataDir } from "./corruptions.js";

const dir = join(sharedDataDir(resolve(import.meta.dirname, "../../..")), "json-test-suite", "test_parsing");

describe.skipIf(!existsSync(dir))("JSONTestSuite", () => {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];

  test("every document JSON.parse accepts comes back with the same value and no edits", () => {
    let checked = 0;
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8");
      let expected: unknown;
      try {
        // A number past the doubles parses to ±Infinity, which JSON cannot hold: the repairer writes null (with an edit).
        expected = JSON.parse(text, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v));
      } catch {
        continue;
      }
      const r = repairJson(text);
      expect(r.ok, f).toBe(true);
      expect(r.value, f).toEqual(expected);
      // Duplicate keys are valid JSON (the last value wins), but the earlier value is lost: logged. So are numbers
      // a double cannot hold (`1e400`: replace-non-finite; an integer past 2^53 that loses digits: fix-number, lossy).
      const lossyNumber = (e: { kind: string; lossy: boolean }) => e.kind === "replace-non-finite" || (e.kind === "fix-number" && e.lossy);
      expect(r.edits.filter((e) => e.kind !== "remove-comment" && e.kind !== "duplicate-key" && !lossyNumber(e)), f).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThan(90);
  });

  test("every document, valid or not, is handled without throwing and within linear work", () => {
    for (const f of files) {
      const text = readFileSync(join(dir, f), "latin1");
      const r = repairJson(text);
      expect(typeof r.ok, f).toBe("boolean");
      expect(r.stats.steps, f).toBeLessThanOrEqual(12 * text.length + 16);
      if (r.ok) expect(() => JSON.parse(r.text), f).not.toThrow();
    }
  });
});
