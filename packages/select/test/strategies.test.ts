// The strategies as pure functions (@formwork/select/internal), each against its definition on
// hand-made reports where the tie rules matter; bestOfN's own choices on the model are in best-of-n.test.ts.
import { describe, expect, it } from "vitest";
import { canonicalJson, choose, tally, valueAt, voteDecided, type Scored } from "@formwork/select/internal";
import { STRATEGIES } from "@formwork/select";

const s = (index: number, valid: boolean, meanLogprob: number, sumLogprob: number, extra: Partial<Scored> = {}): Scored => ({ index, valid, meanLogprob, sumLogprob, ...extra });

describe("strategies (internal)", () => {
  it("mean / sum: the highest among valid ones; ties by mean logprob, then the lower index", () => {
    const c = [s(0, false, -0.1, -1), s(1, true, -0.5, -2), s(2, true, -0.3, -6), s(3, true, -0.3, -2)];
    expect(choose("mean-logprob", c)).toBe(2);
    expect(choose("sum-logprob", c)).toBe(3); // -2 tie between 1 and 3: mean -0.3 beats -0.5
    expect(choose("mean-logprob", [s(0, false, 0, 0)])).toBe(-1);
  });
  it("first-valid follows the finishing order, not the index", () => {
    expect(choose("first-valid", [s(0, true, 0, 0, { finished: 2 }), s(1, false, 0, 0, { finished: 0 }), s(2, true, 0, 0, { finished: 1 })])).toBe(2);
  });
  it("vote: the largest group, ties by the group's best mean logprob; decided only when the rest cannot overtake", () => {
    const c = [s(0, true, -1, 0, { voteKey: "a" }), s(1, true, -0.2, 0, { voteKey: "b" }), s(2, true, -0.5, 0, { voteKey: "a" }), s(3, true, -0.1, 0, { voteKey: "b" }), s(4, false, 0, 0, { voteKey: "c" })];
    expect(tally(c).map((g) => [g.key, g.count])).toEqual([["b", 2], ["a", 2]]);
    expect(choose("vote", c)).toBe(3);
    expect(voteDecided(c, 0)).toBe(false); // a tie is never "decided"
    const lead = [...c, s(5, true, -2, 0, { voteKey: "a" })];
    expect(voteDecided(lead, 0)).toBe(true);
    expect(voteDecided(lead, 1)).toBe(false);
    expect(choose("vote", lead)).toBe(2);
  });
  it("all chooses none; an unknown strategy is a clear error", () => {
    expect(choose("all", [s(0, true, 0, 0)])).toBe(-1);
    expect(() => choose("best" as never, [])).toThrow(/unknown selection strategy "best"/);
    expect(STRATEGIES).toContain("vote");
  });
  it("canonical JSON ignores key order; valueAt reads pointers and dotted paths", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [1, { y: 1, x: 2 }] } })).toBe(canonicalJson({ a: { c: [1, { x: 2, y: 1 }], d: 2 }, b: 1 }));
    const v = { a: { "x/y": [10, 20] } };
    expect(valueAt(v, "/a/x~1y/1")).toBe(20);
    expect(valueAt(v, "a.x/y.0")).toBe(10);
    expect(valueAt(v, "/a/missing")).toBeUndefined();
  });
});
