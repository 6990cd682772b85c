import { describe, expect, it } from "vitest";
import { hashList, ListTable } from "../src/int-lists.js";

describe("ListTable", () => {
  it("finds every list it added, across several growths of its arrays, and gives equal lists one id", () => {
    const t = new ListTable();
    const n = 5000;
    const a = new Int32Array(3);
    const list = (i: number): Int32Array => {
      a[0] = i;
      a[1] = i * 7;
      a[2] = -i;
      return a;
    };
    for (let i = 0; i < n; i++) {
      const owner = i % 3;
      const h = hashList(list(i), 0, 3, owner);
      expect(t.find(a, 3, owner, h)).toBe(-1);
      expect(t.add(a, 3, owner, h)).toBe(i);
    }
    // Every id, the ones written just after a growth included (512, 1024, ...), is found again.
    for (let i = 0; i < n; i++) {
      const owner = i % 3;
      expect(t.find(list(i), 3, owner, hashList(a, 0, 3, owner))).toBe(i);
      // The same list under another owner is another entry.
      const other = (owner + 1) % 3;
      expect(t.find(a, 3, other, hashList(a, 0, 3, other))).toBe(-1);
    }
    expect(t.size).toBe(n);
  });
});
