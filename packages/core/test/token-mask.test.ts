import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TokenMask } from "@formwork/core";
import { popcount32 } from "@formwork/core/internal";

/** The reference: a plain Set of ids. */
const arbOps = (size: number) =>
  fc.array(fc.tuple(fc.constantFrom("add", "delete", "fill", "clear", "invert"), fc.integer({ min: 0, max: size - 1 })), { maxLength: 60 });

describe("TokenMask", () => {
  it("agrees with a Set under random operations, for sizes around word boundaries", () => {
    for (const size of [1, 31, 32, 33, 64, 100, 151_669]) {
      fc.assert(
        fc.property(arbOps(size), (ops) => {
          const m = new TokenMask(size);
          const ref = new Set<number>();
          for (const [op, id] of ops) {
            if (op === "add") (m.add(id), ref.add(id));
            else if (op === "delete") (m.delete(id), ref.delete(id));
            else if (op === "clear") (m.clear(), ref.clear());
            else if (op === "fill" && size <= 1000) {
              m.fill();
              for (let i = 0; i < size; i++) ref.add(i);
            } else if (op === "invert" && size <= 1000) {
              m.invert();
              for (let i = 0; i < size; i++) ref.has(i) ? ref.delete(i) : ref.add(i);
            }
          }
          expect(m.count()).toBe(ref.size);
          expect(m.toArray()).toEqual([...ref].sort((a, b) => a - b));
          expect(m.isEmpty()).toBe(ref.size === 0);
          expect(m.first()).toBe(ref.size ? Math.min(...ref) : -1);
          for (const id of ops.map(([, i]) => i)) expect(m.has(id)).toBe(ref.has(id));
        }),
        { numRuns: 60, seed: 7 },
      );
    }
  });

  it("listInto counts exactly and lists the ids ascending while they fit the limit; count skips empty and full words exactly", () => {
    for (const size of [1, 33, 100, 5000]) {
      fc.assert(
        fc.property(fc.uniqueArray(fc.nat(size - 1), { maxLength: 300 }), fc.boolean(), fc.nat(320), (ids, inverted, limit) => {
          const m = TokenMask.of(size, ids);
          if (inverted) m.invert();
          const want = m.toArray();
          const out = new Uint32Array(limit);
          const n = m.listInto(out, limit);
          expect(n).toBe(want.length);
          expect(m.count()).toBe(want.length);
          expect([...out.subarray(0, Math.min(n, limit))]).toEqual(want.slice(0, limit));
        }),
        { numRuns: 80, seed: 11 },
      );
    }
  });

  it("keeps tail bits clear so count and equals are exact", () => {
    const m = TokenMask.full(33);
    expect(m.count()).toBe(33);
    expect(m.words[1]).toBe(1);
    expect(m.clone().invert().count()).toBe(0);
    expect(TokenMask.full(33).equals(m)).toBe(true);
  });

  it("set algebra agrees with Sets", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(199)), fc.uniqueArray(fc.nat(199)), (a, b) => {
        const A = TokenMask.of(200, a), B = TokenMask.of(200, b);
        const sa = new Set(a), sb = new Set(b);
        expect(A.clone().or(B).toArray()).toEqual([...new Set([...a, ...b])].sort((x, y) => x - y));
        expect(A.clone().and(B).toArray()).toEqual(a.filter((x) => sb.has(x)).sort((x, y) => x - y));
        expect(A.clone().andNot(B).toArray()).toEqual(a.filter((x) => !sb.has(x)).sort((x, y) => x - y));
        expect(A.intersects(B)).toBe(a.some((x) => sb.has(x)));
        expect(A.equals(TokenMask.of(200, [...sa]))).toBe(true);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it("rejects out-of-range ids and size mismatches", () => {
    const m = new TokenMask(10);
    expect(() => m.add(10)).toThrow(RangeError);
    expect(() => m.add(-1)).toThrow(RangeError);
    expect(m.has(10)).toBe(false);
    expect(() => m.or(new TokenMask(11))).toThrow(/sizes differ/);
  });

  it("popcount32 counts bits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (x) => {
        expect(popcount32(x)).toBe(x.toString(2).split("1").length - 1);
      }),
      { seed: 1 },
    );
  });
});
