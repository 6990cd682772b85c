// Numeric keywords against ajv: random bounds (inclusive/exclusive, integer or
// number, multipleOf) and texts near the bounds. The grammar never accepts a
// text whose value ajv rejects, and accepts every canonical (JSON.stringify,
// exponent-free) text of a value ajv accepts.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compileSchema, createValidator } from "@formwork/json-schema";
import { referenceMatch } from "@formwork/grammar/testing";

const BOUNDS = [0, 1, -1, 10, -10, 1.5, -2.25, 0.1, 0.3, 1e-3, 123.456, 2 ** 31, -(2 ** 31), 99, 100, 0.5, 7];

function textsNear(values: number[], extra: string[]): string[] {
  const out = new Set<string>(extra);
  for (const v of values) {
    for (const d of [0, 1, -1, 0.5, -0.5, 0.01, -0.01, 0.001, 1e-9, -1e-9, 10, -10]) {
      const x = v + d;
      if (!Number.isFinite(x)) continue;
      out.add(JSON.stringify(x));
      out.add(x.toFixed(3));
      out.add(String(Math.trunc(x)));
    }
  }
  return [...out];
}

describe("numeric bounds agree with ajv", () => {
  it("random bounds and texts (fixed seed)", () => {
    fc.assert(
      fc.property(
        fc.record({
          type: fc.constantFrom("integer", "number"),
          min: fc.option(fc.constantFrom(...BOUNDS), { nil: undefined }),
          max: fc.option(fc.constantFrom(...BOUNDS), { nil: undefined }),
          exMin: fc.boolean(),
          exMax: fc.boolean(),
          mult: fc.option(fc.constantFrom(2, 3, 5, 7, 10), { freq: 4, nil: undefined }),
          not: fc.option(fc.constantFrom(0, 1, -1, 1.5), { freq: 4, nil: undefined }),
          notInteger: fc.boolean(),
        }),
        (p) => {
          const schema: Record<string, unknown> = { type: p.type };
          if (p.min !== undefined) schema[p.exMin ? "exclusiveMinimum" : "minimum"] = p.min;
          if (p.max !== undefined) schema[p.exMax ? "exclusiveMaximum" : "maximum"] = p.max;
          if (p.mult !== undefined) {
            schema.multipleOf = p.mult;
            // Bounded multiples are enumerated; keep them enumerable.
            if (p.min === undefined || p.max === undefined) {
              delete schema.minimum;
              delete schema.maximum;
              delete schema.exclusiveMinimum;
              delete schema.exclusiveMaximum;
            }
          }
          if (p.not !== undefined) schema.not = { const: p.not };
          else if (p.notInteger) schema.not = { type: "integer" };
          let grammar;
          try {
            grammar = compileSchema(schema, { whitespace: "compact" }).grammar;
          } catch (e) {
            expect(["empty-schema", "unsupported-keyword"]).toContain((e as { code?: string }).code);
            return;
          }
          const validate = createValidator(schema);
          const texts = textsNear([p.min ?? 0, p.max ?? 0, p.not ?? 0], ["0", "-0", "0.0", "-0.0", "00", "1.", ".5", "-", "1e2", "007"]);
          for (const t of texts) {
            const accepted = referenceMatch(grammar, t).accepted;
            let value: unknown;
            try {
              value = JSON.parse(t);
            } catch {
              expect(accepted, `${JSON.stringify(schema)} accepted non-JSON ${t}`).toBe(false);
              continue;
            }
            const valid = validate(value).valid;
            if (accepted) expect(valid, `${JSON.stringify(schema)} accepted ${t}`).toBe(true);
            if (valid && JSON.stringify(value) === t && !/e/i.test(t)) expect(accepted, `${JSON.stringify(schema)} rejected canonical ${t}`).toBe(true);
          }
        },
      ),
      { seed: 20261123, numRuns: 400 },
    );
  });

  it("minimum: 10 lets no 9 through, and no -0 trick", () => {
    const g = compileSchema({ type: "integer", minimum: 10 }, { whitespace: "compact" }).grammar;
    expect(["10", "11", "100", "12345678901234567890"].map((t) => referenceMatch(g, t).accepted)).toEqual([true, true, true, true]);
    expect(["9", "-0", "09", "010", "-10", "9.99", "1e1"].map((t) => referenceMatch(g, t).accepted)).toEqual([false, false, false, false, false, false, false]);
    const z = compileSchema({ type: "number", exclusiveMinimum: 0 }, { whitespace: "compact" }).grammar;
    expect(["-0", "0", "0.0", "-0.0", "0.000"].some((t) => referenceMatch(z, t).accepted)).toBe(false);
    expect(["0.001", "1", "5e-324".replace("e-324", "")].every((t) => referenceMatch(z, t).accepted)).toBe(true);
  });

  it("strict bounds respect double rounding", () => {
    // 1.1 < x in exact decimals, but this text parses to the double 1.1 itself.
    const g = compileSchema({ type: "number", exclusiveMinimum: 1.1 }, { whitespace: "compact" }).grammar;
    expect(referenceMatch(g, "1.10000000000000000001").accepted).toBe(false);
    expect(referenceMatch(g, "1.2").accepted).toBe(true);
  });
});
