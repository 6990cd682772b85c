/**
 * An independent oracle for a decoded output's log-probabilities: the prompt
 * and the output evaluated on a fresh one-sequence context in one batch
 * (teacher forcing), the raw logits of exactly the tokens a fresh matcher
 * allows at each step, and log-softmax over them (T = 1). Nothing of the
 * decode loop's path (bias encoding, top-K, sampler) is used.
 */
import { TokenMask } from "@formwork/core";
import type { LlamaModel, Token } from "node-llama-cpp";

/** The matcher side of the oracle (a `GrammarMatcher` fits). */
export interface OracleMatcher {
  fillNextTokenMask(mask: TokenMask): unknown;
  acceptToken(id: number): boolean;
}

/**
 * Per output token: log p(token | prompt, earlier tokens) over the allowed
 * set (every token when `matcher` is null), 0 for forced tokens. Throws when
 * a token is not allowed by the matcher.
 */
export async function teacherForcedLogprobs(
  model: LlamaModel,
  o: { threads: number; vocabSize: number; prompt: readonly number[]; tokens: readonly number[]; forced: readonly boolean[]; matcher: OracleMatcher | null },
): Promise<number[]> {
  const ctx = await model.createContext({ contextSize: Math.ceil((o.prompt.length + o.tokens.length + 1) / 256) * 256, sequences: 1, threads: o.threads });
  try {
    const seq = ctx.getSequence();
    const mask = new TokenMask(o.vocabSize);
    const L = o.prompt.length;
    const input: (Token | [Token, object])[] = [...o.prompt, ...o.tokens.slice(0, -1)] as Token[];
    const allowedCount: number[] = [];
    for (let i = 0; i < o.tokens.length; i++) {
      let allowed: number[] | undefined;
      if (o.matcher) {
        o.matcher.fillNextTokenMask(mask);
        allowed = [];
        for (let id = 0; id < o.vocabSize; id++) if (mask.has(id)) allowed.push(id);
        if (!mask.has(o.tokens[i])) throw new Error(`token ${i} (${o.tokens[i]}) is not allowed by the matcher`);
        if (!o.matcher.acceptToken(o.tokens[i])) throw new Error(`the matcher refused token ${i}`);
      }
      allowedCount.push(allowed?.length ?? o.vocabSize);
      if (!o.forced[i]) input[L - 1 + i] = [input[L - 1 + i] as Token, { generateNext: { logits: allowed ? { filter: { tokens: allowed } } : true } }];
    }
    const res = await seq.controlledEvaluate(input as never);
    const out: number[] = [];
    for (let i = 0; i < o.tokens.length; i++) {
      if (o.forced[i]) {
        out.push(0);
        continue;
      }
      const logits = (res[L - 1 + i] as { next: { logits: Map<number, number> } }).next.logits;
      if (logits.size !== allowedCount[i]) throw new Error(`step ${i}: ${logits.size} logits for ${allowedCount[i]} allowed tokens`);
      let max = -Infinity;
      for (const v of logits.values()) max = Math.max(max, v);
      let sum = 0;
      for (const v of logits.values()) sum += Math.exp(v - max);
      out.push(logits.get(o.tokens[i])! - max - Math.log(sum));
    }
    return out;
  } finally {
    await ctx.dispose();
  }
}
