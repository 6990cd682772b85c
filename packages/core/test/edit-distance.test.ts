// editDistance against its definition: a brute-force breadth-first search over single edits on a small alphabet.
import { describe, expect, it } from "vitest";
import { Rng } from "@formwork/core";
import { editDistance } from "@formwork/core/internal";

/** The fewest edits from a to b found by breadth-first search (insert / delete / substitute from `alphabet`, optionally swap). */
function bruteForce(a: string, b: string, alphabet: string, swaps: boolean): number {
  let frontier = new Set([a]);
  const seen = new Set([a]);
  for (let d = 0; ; d++) {
    if (frontier.has(b)) return d;
    const next = new Set<string>();
    for (const s of frontier) {
      const out: string[] = [];
      for (let i = 0; i <= s.length; i++) for (const c of alphabet) out.push(s.slice(0, i) + c + s.slice(i));
      for (let i = 0; i < s.length; i++) {
        out.push(s.slice(0, i) + s.slice(i + 1));
        for (const c of alphabet) out.push(s.slice(0, i) + c + s.slice(i + 1));
        if (swaps && i + 1 < s.length) out.push(s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2));
      }
      for (const t of out) if (t.length <= Math.max(a.length, b.length) + 1 && !seen.has(t)) (seen.add(t), next.add(t));
    }
    frontier = next;
  }
}

describe("editDistance", () => {
  const rng = new Rng(11);
  const int = (n: number) => Math.floor(rng.next() * n);
  const word = () => Array.from({ length: int(6) }, () => "abc"[int(3)]).join("");
  const pairs = Array.from({ length: 150 }, () => [word(), word()] as const);

  it("equals the fewest single edits (brute force), with and without swaps", () => {
    for (const [a, b] of pairs) {
      expect(editDistance(a, b), `${a} -> ${b}`).toBe(bruteForce(a, b, "abc", false));
      // Optimal string alignment never edits a swapped pair again, which the search may: it is at least the search's
      // answer, equal to it at distance 1 or 0, and never more than plain Levenshtein.
      const osa = editDistance(a, b, Infinity, { transpositions: true });
      const search = bruteForce(a, b, "abc", true);
      expect(osa).toBeGreaterThanOrEqual(search);
      if (search <= 1) expect(osa).toBe(search);
      expect(osa).toBeLessThanOrEqual(editDistance(a, b));
    }
  });

  it("stops at limit + 1 without changing any answer within the limit", () => {
    for (const [a, b] of pairs) {
      for (const transpositions of [false, true]) {
        const full = editDistance(a, b, Infinity, { transpositions });
        for (let limit = 0; limit <= 5; limit++) expect(editDistance(a, b, limit, { transpositions })).toBe(full <= limit ? full : limit + 1);
      }
    }
  });

  it("counts a swap of neighbours as one edit only with transpositions", () => {
    expect(editDistance("propertes", "properties")).toBe(1);
    expect(editDistance("tpye", "type")).toBe(2);
    expect(editDistance("tpye", "type", Infinity, { transpositions: true })).toBe(1);
  });
});
