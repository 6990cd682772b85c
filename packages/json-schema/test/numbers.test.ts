// Numeric keywords against ajv: random bounds (inclusive/exclusive, integer or
// number, multipleOf) and texts near the bounds. The grammar never accepts a
// text whose value ajv rejects, and accepts every canonical (JSON.stringify,
// exponent-free) text of a value ajv accepts.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compileSchema, createValidator } from "@formwork/json-schema";
import { referenceMatch } from "@formwork/grammar/testing";
import { checkText } from "@formwork/grammar";

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

// JSON.parse reads 1e400 and a 400-digit integer as Infinity (not a JSON
// value; ajv rejects it as a number and as an integer). The number grammar
// must accept no such text, and keep JSON.stringify of every finite double.
describe("no number text overflows to Infinity (ajv and JSON.parse as oracle)", () => {
  const mantissas = (k: number): string[] => ["9".repeat(k), `1${"0".repeat(k - 1)}`, `9`.repeat(k) + ".99", `1${"0".repeat(k - 1)}.5`];
  const texts: string[] = ["1e985", "1E400", "-1e309", "1e308", "2e308", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1.79769313486231571e308", "1.8e308", "0.5e308", "1e+0308", "123e45", "1e-400", "1e-99999", "5e-324", `17${"0".repeat(307)}`, `17${"0".repeat(307)}.5`, `-17${"0".repeat(307)}`];
  for (const k of [1, 2, 8, 9, 208, 209, 298, 299, 307, 308, 309, 400]) {
    for (const m of mantissas(k)) {
      for (const e of ["", "e0", "e+9", "E9", "e10", "e99", "e100", "e299", "e300", "e307", "e+0307", "e308", "e309", "e-5", "e-400"]) {
        texts.push(m + e, `-${m}${e}`);
      }
    }
  }
  const doubles = [Number.MAX_VALUE, -Number.MAX_VALUE, 1e308, 1.5e308, 1e307, 9.999e307, 1e21, 123e45, Number.MIN_VALUE, 2 ** 1023, 1.7976931348623155e308];
  const schemas: Record<string, unknown>[] = [
    { type: "number" },
    { type: "integer" },
    { type: "number", minimum: 0 },
    { type: "integer", minimum: -5 },
    { type: "number", maximum: 3 },
    { type: "integer", exclusiveMaximum: 0 },
    { type: "number", minimum: 1e307 },
    { type: "number", exclusiveMinimum: 1.5e308 },
    { type: "integer", maximum: -1e308 },
    { type: "number", not: { const: 0 } },
  ];
  for (const schema of schemas) {
    it(JSON.stringify(schema), () => {
      const grammar = compileSchema(schema, { whitespace: "compact" }).grammar;
      const validate = createValidator(schema);
      let accepted = 0;
      for (const t of texts) {
        if (!checkText(grammar, t).accepted) continue;
        accepted++;
        const v = JSON.parse(t) as number;
        expect(Number.isFinite(v), `${t} parses to ${v}`).toBe(true);
        expect(validate(v).valid, `ajv rejects ${t}`).toBe(true);
      }
      expect(accepted).toBeGreaterThan(0);
      for (const x of doubles) {
        const t = JSON.stringify(x);
        // Bounded numbers are written without exponents (numbers.ts): only the unbounded ones must keep every double.
        if (Object.keys(schema).length === 1 && validate(x).valid && (schema.type === "number" || !/e/.test(t))) {
          expect(checkText(grammar, t).accepted, `${JSON.stringify(schema)} rejects ${t}`).toBe(true);
        }
      }
    });
  }
  it("the any-number grammar keeps every digit-count/exponent pair below 1e307, and refuses more", () => {
    const grammar = compileSchema({ type: "number" }, { whitespace: "compact" }).grammar;
    for (const [k, e] of [[298, 9], [208, 99], [8, 299], [1, 307], [300, 0], [308, 0], [308, -5], [308, -100]] as const) {
      const t = `${"9".repeat(k)}${e === 0 ? "" : `e${e}`}`;
      expect(checkText(grammar, t).accepted, t).toBe(true);
    }
    // Past the digit counts: refused even where the value would be finite (a documented restriction).
    for (const [k, e] of [[299, 9], [209, 99], [9, 299], [2, 307], [309, 0], [400, -100]] as const) {
      const t = `${"9".repeat(k)}${e === 0 ? "" : `e${e}`}`;
      expect(checkText(grammar, t).accepted, t).toBe(false);
    }
  });
});

// ajv tests multipleOf on the double JSON.parse reads; past 2^53 that double
// is the written integer rounded, and the rounded value need not be a
// multiple. Unbounded multiples are kept to the digits a double holds exactly.
describe("unbounded integer multipleOf agrees with ajv past 2^53", () => {
  for (const m of [2, 3, 5, 7, 10, 997]) {
    it(`multipleOf ${m}`, () => {
      const schema = { type: "integer", multipleOf: m };
      const g = compileSchema(schema, { whitespace: "compact" }).grammar;
      const validate = createValidator(schema);
      const texts: string[] = [];
      for (let digits = 13; digits <= 30; digits++) {
        for (const lead of ["1", "3", "9", "39264932323232326475394370"]) {
          let n = BigInt((lead + "7".repeat(40)).slice(0, digits));
          n -= n % BigInt(m); // a decimal multiple of m, as written
          texts.push(String(n), `-${n}`);
        }
      }
      let accepted = 0;
      for (const t of texts) {
        if (!referenceMatch(g, t).accepted) continue;
        accepted++;
        expect(validate(JSON.parse(t)).valid, `multipleOf ${m} accepted ${t}`).toBe(true);
      }
      // Every written multiple of up to 15 digits is still accepted.
      for (const t of texts) if (t.replace("-", "").length <= 15) expect(referenceMatch(g, t).accepted, t).toBe(true);
      expect(accepted).toBeGreaterThan(0);
      expect(checkText(g, "39264932323232326475394370").accepted).toBe(false);
    });
  }
});
