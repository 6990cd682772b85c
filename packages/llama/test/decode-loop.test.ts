// The decode loop over N sequences of one context: one native batch per step, each sequence with
// its own matcher, sampler and mask; a sequence's tokens depend on its own seed and logits only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sampler } from "@formwork/core";
import { compileSchema, createValidator } from "@formwork/json-schema";
import { decodeLoop, type LoadedModel, type SequenceOptions } from "@formwork/llama";
import { NativeLogits, type LogitsSource } from "@formwork/llama/internal";
import { tinyModel } from "./support.js";

let model: LoadedModel;
beforeAll(async () => {
  model = await tinyModel();
});
afterAll(async () => {
  await model?.dispose();
});

const schema = {
  type: "object",
  properties: { name: { type: "string", maxLength: 10 }, age: { type: "integer", minimum: 0 }, tags: { type: "array", items: { enum: ["a", "bb", "ccc"] }, maxItems: 3 } },
  required: ["name", "age", "tags"],
  additionalProperties: false,
};

/** One step of one sequence as the native side saw it. */
interface Step {
  input: number[];
  k: number;
  ids: number[];
  logits: number[];
  complete: boolean;
}

/** Records every step of a logits source. */
function recording(source: LogitsSource, steps: Step[]): LogitsSource {
  return {
    get violations() {
      return source.violations;
    },
    setMask: (mask, allowed) => source.setMask(mask, allowed),
    async evaluate(tokens, k) {
      const c = await source.evaluate(tokens, k);
      steps.push({ input: [...tokens], k, ids: Array.from(c.ids.subarray(0, c.count)), logits: Array.from(c.logits.subarray(0, c.count)), complete: c.complete });
      return c;
    },
  };
}

/** Replays recorded steps, checking that the loop asks for the same tokens in the same order. */
function replaying(steps: Step[]): LogitsSource {
  let at = 0;
  return {
    violations: 0,
    setMask: () => {},
    async evaluate(tokens, k) {
      const s = steps[at++];
      expect(s, "the replay asked for more steps than were recorded").toBeDefined();
      expect([...tokens]).toEqual(s.input);
      expect(k).toBe(s.k);
      return { ids: Int32Array.from(s.ids), logits: Float64Array.from(s.logits), count: s.ids.length, complete: s.complete };
    },
  };
}

interface Run {
  tokens: number[][];
  logprobs: number[][];
  ends: string[];
  steps: Step[][];
  batches: number;
  sequenceSteps: number;
}

/** Runs one sequence per seed through the loop together, each on `sources[i]`. */
async function run(sources: LogitsSource[], seeds: number[], temperature = 1): Promise<Run> {
  const compiled = model.compiler.compile(compileSchema(schema).grammar);
  const prompt = model.model.tokenize("JSON:", false) as number[];
  const r: Run = { tokens: seeds.map(() => []), logprobs: seeds.map(() => []), ends: seeds.map(() => ""), steps: seeds.map(() => []), batches: 0, sequenceSteps: 0 };
  const sequences: SequenceOptions[] = seeds.map((seed, i) => ({ native: recording(sources[i], r.steps[i]), prompt, matcher: compiled.createMatcher(), sampler: new Sampler({ temperature, seed }), maxTokens: 48 }));
  const loop = decodeLoop({ vocabulary: model.vocabulary, tokenize: (t) => model.model.tokenize(t, false), sequences, candidates: 256, fastForward: true });
  for (;;) {
    const next = await loop.next();
    if (next.done) {
      r.batches = next.value.steps;
      r.sequenceSteps = next.value.sequenceSteps;
      break;
    }
    const e = next.value;
    if (e.token) {
      r.tokens[e.sequence].push(e.token.id);
      r.logprobs[e.sequence].push(e.token.logprob);
    } else {
      expect(e.end.stats.maskViolations).toBe(0);
      expect(r.ends[e.sequence], "one end per sequence").toBe("");
      r.ends[e.sequence] = e.end.stopReason;
    }
  }
  return r;
}

describe("decodeLoop over several sequences", () => {
  // llama.cpp's CPU kernels round differently for different batch shapes (about 1e-3 on the
  // logits of this f16 model, more on larger ones), so a sequence decoded beside others can see
  // slightly different logits than alone, and a draw near a boundary can then go the other way.
  // What the loop guarantees is that a sequence's tokens depend only on its own seed and its own
  // logits: replaying a sequence's recorded logits alone gives exactly its tokens, whatever ran
  // beside it. And the logits themselves agree between the two runs up to that rounding.
  it("N sequences share batches; each one's tokens depend only on its seed and its own logits", async () => {
    const N = 4;
    const ctxN = await model.model.createContext({ contextSize: 256, sequences: N, threads: model.threads });
    const ctx1 = await model.model.createContext({ contextSize: 256, sequences: 1, threads: model.threads });
    try {
      const together = Array.from({ length: N }, () => new NativeLogits(ctxN.getSequence(), model.vocabulary.size));
      const alone = new NativeLogits(ctx1.getSequence(), model.vocabulary.size);
      const seeds = [11, 12, 13, 14];
      const par = await run(together, seeds);
      expect(par.sequenceSteps / par.batches, "sequences per native batch").toBeGreaterThan(2);
      const validate = createValidator(schema);
      const texts = new Set<string>();
      let identical = 0;
      for (let i = 0; i < N; i++) {
        const text = new TextDecoder().decode(Buffer.concat(par.tokens[i].map((id) => model.vocabulary.bytesOf(id))));
        expect(validate(JSON.parse(text)).valid, text).toBe(true);
        texts.add(text);
        await alone.sequence.clearHistory();
        const seq = await run([alone], [seeds[i]]);
        // Replays: the same tokens, log-probabilities and end from a sequence's own logits alone.
        for (const [r, j] of [[par, i], [seq, 0]] as const) {
          const again = await run([replaying(r.steps[j])], [seeds[i]]);
          expect(again.tokens[0]).toEqual(r.tokens[j]);
          expect(again.logprobs[0]).toEqual(r.logprobs[j]);
          expect(again.ends[0]).toBe(r.ends[j]);
        }
        // Together and alone: the same inputs and nearly the same logits while the tokens agree.
        const a = par.steps[i], b = seq.steps[0];
        for (let s = 0; s < Math.min(a.length, b.length) && JSON.stringify(a[s].input) === JSON.stringify(b[s].input); s++) {
          const other = new Map(b[s].ids.map((id, j) => [id, b[s].logits[j]]));
          let shared = 0;
          a[s].ids.forEach((id, j) => {
            const v = other.get(id);
            if (v === undefined) return;
            shared++;
            expect(Math.abs(v - a[s].logits[j])).toBeLessThan(1e-2);
          });
          expect(shared).toBeGreaterThanOrEqual(0.9 * Math.min(a[s].ids.length, b[s].ids.length));
        }
        if (JSON.stringify(seq.tokens[0]) === JSON.stringify(par.tokens[i])) identical++;
      }
      expect(texts.size).toBeGreaterThan(1);
      // Most draws are nowhere near a boundary: most sequences come out identical.
      expect(identical).toBeGreaterThanOrEqual(N / 2);
    } finally {
      await ctxN.dispose();
      await ctx1.dispose();
    }
  });

  it("a sequence whose signal fires ends with 'abort' and the others go on", async () => {
    const ctx = await model.model.createContext({ contextSize: 256, sequences: 2, threads: model.threads });
    try {
      const natives = [0, 1].map(() => new NativeLogits(ctx.getSequence(), model.vocabulary.size));
      const stop = new AbortController();
      const prompt = model.model.tokenize("JSON:", false) as number[];
      const compiled = model.compiler.compile(compileSchema(schema).grammar);
      const sequences: SequenceOptions[] = [0, 1].map((i) => ({ native: natives[i], prompt, matcher: compiled.createMatcher(), sampler: new Sampler({ temperature: 1, seed: i }), maxTokens: 48, signal: i === 0 ? stop.signal : undefined }));
      const counts = [0, 0];
      const ends: string[] = [];
      for await (const e of decodeLoop({ vocabulary: model.vocabulary, tokenize: (t) => model.model.tokenize(t, false), sequences, candidates: 64, fastForward: true })) {
        if (e.token) {
          counts[e.sequence]++;
          if (e.sequence === 0 && counts[0] === 3) stop.abort();
        } else ends[e.sequence] = e.end.stopReason;
      }
      expect(ends[0]).toBe("abort");
      expect(counts[0]).toBe(3);
      expect(ends[1]).toBe("eog");
      expect(counts[1]).toBeGreaterThan(3);
    } finally {
      await ctx.dispose();
    }
  });
});

describe("decodeLoop, one sequence without fast-forward: its tokens are yielded once the next batch is dispatched", () => {
  const options = () => {
    const compiled = model.compiler.compile(compileSchema(schema).grammar);
    return { compiled, prompt: model.model.tokenize("JSON:", false) as number[] };
  };

  it("the same events in the same order; an abort on the third token ends it after three; leaving early leaves nothing in flight", async () => {
    const ctx = await model.model.createContext({ contextSize: 256, sequences: 1, threads: model.threads });
    try {
      const native = new NativeLogits(ctx.getSequence(), model.vocabulary.size);
      const { compiled, prompt } = options();
      // Each event arrives after the loop evaluated the batch of the token before it: the evaluation of a token's
      // successor has started (or the sequence has ended) when the consumer sees the token.
      const evaluated: number[][] = [];
      const watched: LogitsSource = {
        get violations() {
          return native.violations;
        },
        setMask: (m, a, ids) => native.setMask(m, a, ids),
        maskLater: () => native.maskLater(),
        evaluate: (tokens, k) => {
          evaluated.push([...tokens]);
          return native.evaluate(tokens, k);
        },
      };
      const go = (signal?: AbortSignal) => decodeLoop({ vocabulary: model.vocabulary, tokenize: (t) => model.model.tokenize(t, false), sequences: [{ native: watched, prompt, matcher: compiled.createMatcher(), sampler: new Sampler({ temperature: 1, seed: 3 }), maxTokens: 48, signal }], candidates: 64, fastForward: false });
      const all: number[] = [];
      let end = "";
      for await (const e of go()) {
        if (e.token) {
          all.push(e.token.id);
          // The token's own evaluation is the batch in flight (or the last one) when it is seen.
          expect(evaluated[evaluated.length - 1]).toEqual([e.token.id]);
        } else end = e.end.stopReason;
      }
      expect(end).toBe("eog");
      expect(all.length).toBeGreaterThan(5);
      const text = new TextDecoder().decode(Buffer.concat(all.map((id) => model.vocabulary.bytesOf(id))));
      expect(createValidator(schema)(JSON.parse(text)).valid, text).toBe(true);

      // Abort on the third token: three tokens, then "abort".
      await native.sequence.clearHistory();
      const stop = new AbortController();
      const seen: number[] = [];
      let stopped = "";
      for await (const e of go(stop.signal)) {
        if (e.token) {
          seen.push(e.token.id);
          if (seen.length === 3) stop.abort();
        } else stopped = e.end.stopReason;
      }
      expect(stopped).toBe("abort");
      expect(seen).toEqual(all.slice(0, 3));

      // Leaving at the second token: the evaluation in flight is awaited, and the sequence takes the next call.
      await native.sequence.clearHistory();
      let n = 0;
      for await (const e of go()) if (e.token && ++n === 2) break;
      await native.sequence.clearHistory();
      const again: number[] = [];
      for await (const e of go()) if (e.token) again.push(e.token.id);
      expect(again).toEqual(all);
    } finally {
      await ctx.dispose();
    }
  });
});
