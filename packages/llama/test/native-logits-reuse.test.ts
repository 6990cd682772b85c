// NativeLogits keeps a mask's bias encoding when the next mask is equal (inside a string, from token to
// token) and skips the native sampler's applyConfig when its bias and top-K are unchanged. Oracle: a fresh
// NativeLogits (nothing kept) on another context evaluating the same tokens with the same mask gives the
// same candidates bit for bit, through repeated masks (the same object and equal copies), the refused-side
// and allowed-side encodings, no mask, and a mask with the same count as the last one but another token
// allowed among the best (which must not get the last one's encoding).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenMask } from "@formwork/core";
import type { LoadedModel } from "@formwork/llama";
import { NativeLogits } from "@formwork/llama/internal";
import { tinyModel } from "./support.js";

let model: LoadedModel;
beforeAll(async () => {
  model = await tinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

function maskOf(size: number, allow: (id: number) => boolean): TokenMask {
  const m = new TokenMask(size);
  for (let id = 0; id < size; id++) if (allow(id)) m.add(id);
  return m;
}

describe("NativeLogits: an unchanged mask keeps its encoding and config", () => {
  it("gives the candidates a fresh NativeLogits gives, step by step", async () => {
    const size = model.vocabulary.size;
    const contexts = await Promise.all([0, 1, 2].map(() => model.model.createContext({ contextSize: 256, sequences: 1, threads: model.threads })));
    try {
      const [kept, freshSeq, fullSeq] = contexts.map((c) => c.getSequence());
      const under = new NativeLogits(kept, size);
      const full = new NativeLogits(fullSeq, size);
      const many = maskOf(size, (id) => id % 3 !== 0); // the refused side is encoded
      const few = maskOf(size, (id) => id % 997 === 5); // the allowed side
      const fewIds = new Uint32Array(few.toArray());
      type Step = { mask: TokenMask | null | "swap"; ids?: Uint32Array };
      const steps: Step[] = [
        { mask: many },
        { mask: many },
        { mask: many.clone() },
        { mask: few },
        { mask: few.clone(), ids: fewIds },
        { mask: null },
        { mask: many.clone() },
        { mask: "swap" },
        { mask: many },
        { mask: few },
        { mask: few },
      ];
      let tokens: number[] = [...model.model.tokenize("Output JSON:")];
      let reused = 0;
      for (const [s, step] of steps.entries()) {
        // The best token at this position without a mask decides the swapped mask: the same count as `many`, the
        // best token's bit flipped and a low-ranked token's the other way.
        full.setMask(null, size);
        const all = await full.evaluate(tokens, size);
        let mask = step.mask as TokenMask | null;
        if (step.mask === "swap") {
          const best = all.ids[0];
          const last = [...all.ids.subarray(0, all.count)].reverse().find((id) => many.has(id) !== many.has(best))!;
          mask = many.clone();
          for (const id of [best, last]) {
            if (mask.has(id)) mask.delete(id);
            else mask.add(id);
          }
          expect(mask.count()).toBe(many.count());
        }
        const allowed = mask ? mask.count() : size;
        const fresh = new NativeLogits(freshSeq, size);
        fresh.setMask(mask, allowed, step.ids);
        const want = await fresh.evaluate(tokens, 64);
        const wantIds = [...want.ids.subarray(0, want.count)], wantLogits = [...want.logits.subarray(0, want.count)];
        fresh.dispose();
        if (s > 0 && mask !== null && steps[s - 1].mask !== null && (mask === steps[s - 1].mask || mask.equals(steps[s - 1].mask as TokenMask))) reused++;
        under.setMask(mask, allowed, step.ids);
        const got = await under.evaluate(tokens, 64);
        expect([...got.ids.subarray(0, got.count)], `step ${s}`).toEqual(wantIds);
        expect([...got.logits.subarray(0, got.count)], `step ${s}`).toEqual(wantLogits);
        expect(got.complete, `step ${s}`).toBe(want.complete);
        if (mask) for (const id of wantIds) expect(mask.has(id)).toBe(true);
        if (step.mask === "swap") {
          // The swapped mask's candidates differ from `many`'s at the top: its encoding cannot be `many`'s.
          if (mask!.has(all.ids[0])) expect(wantIds[0]).toBe(all.ids[0]);
          else expect(wantIds).not.toContain(all.ids[0]);
        }
        tokens = [wantIds[0]];
      }
      expect(reused).toBeGreaterThanOrEqual(4);
      expect(under.violations).toBe(0);
      under.dispose();
      full.dispose();
    } finally {
      for (const c of contexts) await c.dispose();
    }
  });
});
