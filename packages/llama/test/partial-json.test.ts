// parsePartialJson against JSON.parse: every prefix of a JSON text parses without throwing,
// and the whole text gives the value JSON.parse gives.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePartialJson } from "@formwork/llama/internal";

describe("parsePartialJson", () => {
  it("whole texts equal JSON.parse; prefixes never throw and are contained in the value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(0, 2), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        expect(parsePartialJson(text + " ")).toEqual(JSON.parse(text));
        for (let i = 0; i < text.length; i++) {
          const p = parsePartialJson(text.slice(0, i));
          if (p !== null && typeof p === "object" && v !== null && typeof v === "object") {
            // Keys known in a partial object are keys of the value.
            if (!Array.isArray(p)) for (const k of Object.keys(p)) expect(Object.keys(v)).toContain(k);
            else expect((p as unknown[]).length).toBeLessThanOrEqual((v as unknown[]).length);
          }
        }
      }),
      { seed: 20261123, numRuns: 150 },
    );
  });

  it("cases", () => {
    expect(parsePartialJson("")).toBeUndefined();
    expect(parsePartialJson('{"a": [1, 2')).toEqual({ a: [1] });
    expect(parsePartialJson('{"a": "he')).toEqual({ a: "he" });
    expect(parsePartialJson('{"a": 1, "b')).toEqual({ a: 1 });
    expect(parsePartialJson("[true, fal")).toEqual([true]);
    expect(parsePartialJson('"x\\u00')).toEqual("x");
  });
});
