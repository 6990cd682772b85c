/**
 * Sets of parser configurations `(state, stack)` and the two moves on them:
 * the closure (enter called rules, return from finished ones, no input) and
 * the byte step.
 */
import { LimitError } from "@formwork/core";
import type { Automaton } from "./automaton.js";
import type { StackPool } from "./stack-pool.js";

/** A growable list of configurations: `q[i]` is the state, `s[i]` the stack. */
export class ConfigBuffer {
  q = new Int32Array(64);
  s = new Int32Array(64);
  len = 0;

  push(q: number, s: number): void {
    if (this.len === this.q.length) {
      const q2 = new Int32Array(this.len * 2);
      q2.set(this.q);
      const s2 = new Int32Array(this.len * 2);
      s2.set(this.s);
      this.q = q2;
      this.s = s2;
    }
    this.q[this.len] = q;
    this.s[this.len] = s;
    this.len++;
  }

  /** A compact copy of configurations `[from, to)` as pairs `q0, s0, q1, s1, ...`. */
  snapshot(from = 0, to = this.len): Int32Array {
    const out = new Int32Array((to - from) * 2);
    for (let i = from; i < to; i++) {
      out[(i - from) * 2] = this.q[i];
      out[(i - from) * 2 + 1] = this.s[i];
    }
    return out;
  }

  /** Replaces the content with pairs from `snapshot`. */
  load(pairs: Int32Array): void {
    this.len = 0;
    for (let i = 0; i < pairs.length; i += 2) this.push(pairs[i], pairs[i + 1]);
  }
}

/** The run-time context of a matcher family: the automaton, its stack pool and limits. */
export interface RunContext {
  a: Automaton;
  pool: StackPool;
  maxStackDepth: number;
  maxConfigurations: number;
}

const work: number[] = [];

/**
 * Adds `(q, st)` and every configuration reachable from it without input
 * (calls into rules, returns from finished rules) to `out`, skipping any
 * already in `out[from..]`.
 */
export function closure(ctx: RunContext, q: number, st: number, out: ConfigBuffer, from: number): void {
  const { a, pool } = ctx;
  const base = work.length;
  work.push(q, st);
  while (work.length > base) {
    const s = work.pop()!;
    const p = work.pop()!;
    let dup = false;
    for (let i = from; i < out.len; i++) {
      if (out.q[i] === p && out.s[i] === s) {
        dup = true;
        break;
      }
    }
    if (dup) continue;
    if (out.len - from >= ctx.maxConfigurations) {
      work.length = base;
      throw new LimitError("max-configurations", `the grammar is too ambiguous here: more than ${ctx.maxConfigurations} parser configurations at once (limit maxConfigurations)`, {
        hint: "Make alternatives that start alike differ earlier, or raise maxConfigurations.",
      });
    }
    out.push(p, s);
    if (a.accepting[p] && s !== 0) work.push(pool.state[s], pool.parent[s]);
    const k1 = a.callStart[p + 1];
    for (let k = a.callStart[p]; k < k1; k++) {
      if (pool.depth[s] >= ctx.maxStackDepth) break;
      work.push(a.ruleStart[a.callRule[k]], pool.push(a.callRet[k], s));
    }
  }
}

/**
 * Moves every configuration of `src[from, to)` over byte `b` and closes the
 * result into `out` (appended). Returns how many configurations were added.
 */
export function step(ctx: RunContext, src: ConfigBuffer, from: number, to: number, b: number, out: ConfigBuffer): number {
  const a = ctx.a;
  const nc = a.nClasses, c = a.classOf[b], trans = a.trans;
  const start = out.len;
  for (let i = from; i < to; i++) {
    const q2 = trans[src.q[i] * nc + c];
    if (q2 >= 0) closure(ctx, q2, src.s[i], out, start);
  }
  return out.len - start;
}

/** Whether some configuration of `buf[from, to)` is a finished sentence (root rule ended, empty stack). */
export function anyComplete(a: Automaton, buf: ConfigBuffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf.s[i] === 0 && a.accepting[buf.q[i]]) return true;
  return false;
}
