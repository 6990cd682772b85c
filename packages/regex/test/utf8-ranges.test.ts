import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { utf8Sequences, encodeCodePoint } from "@formwork/regex/internal";

function matches(seqs: ReturnType<typeof utf8Sequences>, bytes: number[]): boolean {
  return seqs.some((s) => s.length === bytes.length && s.every(([lo, hi], i) => bytes[i] >= lo && bytes[i] <= hi));
}

describe("utf8Sequences", () => {
  it("encodes like TextEncoder", () => {
    const enc = new TextEncoder();
    for (const cp of [0, 0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff]) {
      expect(encodeCodePoint(cp)).toEqual([...enc.encode(String.fromCodePoint(cp))]);
    }
  });

  it("matches exactly the encodings of the range (random ranges, brute force on samples)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x10ffff }), fc.integer({ min: 0, max: 0x10ffff }), fc.array(fc.integer({ min: 0, max: 0x10ffff }), { minLength: 50, maxLength: 50 }), (a, b, probes) => {
        const lo = Math.min(a, b), hi = Math.max(a, b);
        const seqs = utf8Sequences(lo, hi);
        for (const cp of [...probes, lo, hi, lo - 1, hi + 1].filter((c) => c >= 0 && c <= 0x10ffff)) {
          const inSet = cp >= lo && cp <= hi && !(cp >= 0xd800 && cp <= 0xdfff);
          if (cp >= 0xd800 && cp <= 0xdfff) continue;
          expect(matches(seqs, encodeCodePoint(cp))).toBe(inSet);
        }
        // No sequence matches a byte string that is not valid UTF-8 of some code point in range:
        for (const s of seqs) {
          const bytes = s.map(([l]) => l);
          const cp = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes)).codePointAt(0)!;
          expect(cp >= lo && cp <= hi).toBe(true);
          const bytes2 = s.map(([, h]) => h);
          const cp2 = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes2)).codePointAt(0)!;
          expect(cp2 >= lo && cp2 <= hi).toBe(true);
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it("covers the whole space with the classic sequences", () => {
    expect(utf8Sequences(0, 0x10ffff).map((s) => s.map(([l, h]) => `${l.toString(16)}-${h.toString(16)}`).join(" "))).toMatchInlineSnapshot(`
      [
        "0-7f",
        "c2-df 80-bf",
        "e0-e0 a0-bf 80-bf",
        "e1-ec 80-bf 80-bf",
        "ed-ed 80-9f 80-bf",
        "ee-ef 80-bf 80-bf",
        "f0-f0 90-bf 80-bf 80-bf",
        "f1-f3 80-bf 80-bf 80-bf",
        "f4-f4 80-8f 80-bf 80-bf",
      ]
    `);
  });
});
