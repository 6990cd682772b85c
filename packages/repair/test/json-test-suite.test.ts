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
        expected = JSON.parse(text);
      } catch {
        continue;
      }
      const r = repairJson(text);
      expect(r.ok, f).toBe(true);
      expect(r.value, f).toEqual(expected);
      // Duplicate keys are valid JSON (the last value wins), but the earlier value is lost: logged.
      expect(r.edits.filter((e) => e.kind !== "remove-comment" && e.kind !== "duplicate-key"), f).toEqual([]);
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
