import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { repairCsv, repairJson, repairYaml } from "@formwork/repair";

// Alphabets biased toward the characters the parsers branch on.
const jsonish = fc.string({ unit: fc.constantFrom(..."{}[]\"':,/*#\\ \n\t+-.0123456789eEtrufalsnNITF`\u201c\u201d\u2018\u2019abx_$u"), maxLength: 300 });
const anyText = fc.string({ unit: "grapheme", maxLength: 200 });

/** The parser's work counter must stay within c·n (plus a constant) on any input. */
const STEP_FACTOR = 12;

describe("fuzzing: arbitrary input never throws and does linear work", () => {
  test("repairJson", () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, anyText), (s) => {
        const r = repairJson(s);
        expect(typeof r.ok).toBe("boolean");
        if (r.ok) expect(() => JSON.parse(r.text)).not.toThrow();
        expect(r.stats.steps).toBeLessThanOrEqual(STEP_FACTOR * s.length + 16);
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  test("repairJson with a schema", () => {
    const schema = { type: "object", properties: { a: { type: "integer" }, b: { enum: ["x", "y"] } }, required: ["a"] };
    fc.assert(
      fc.property(jsonish, (s) => {
        const r = repairJson(s, { schema });
        expect(typeof r.ok).toBe("boolean");
      }),
      { seed: 43, numRuns: 1500 },
    );
  });

  test("repairYaml and repairCsv", () => {
    const yamlish = fc.string({ unit: fc.constantFrom(..."ab: -#\n\t  '\"|>[]{},1"), maxLength: 200 });
    fc.assert(
      fc.property(fc.oneof(yamlish, anyText), (s) => {
        expect(typeof repairYaml(s).ok).toBe("boolean");
        expect(typeof repairCsv(s).ok).toBe("boolean");
      }),
      { seed: 44, numRuns: 1500 },
    );
  });

  test("work grows linearly on adversarial repetitions", () => {
    const patterns = ['"a\n', "[", "{", '"\\', '{"a":"b "c" ', "'", "\u201c", "1 ", "/*", '["x" ', "a:", ",", '"\n"'];
    for (const p of patterns) {
      const small = repairJson(p.repeat(1000)).stats.steps;
      const big = repairJson(p.repeat(8000)).stats.steps;
      expect(big, p).toBeLessThanOrEqual(8 * small * 1.5 + 100);
      expect(big, p).toBeLessThanOrEqual(STEP_FACTOR * p.length * 8000);
    }
  });
});
