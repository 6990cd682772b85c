/**
 * The selection strategies, as pure functions of the candidates' reports
 * (so that each choice can be checked against its definition).
 */
import { ArgumentError } from "@formwork/core";

/** How the chosen candidate is picked among the valid ones (see docs/select.md for when to use which). */
export type Strategy = "first-valid" | "mean-logprob" | "sum-logprob" | "vote" | "score" | "all";

export const STRATEGIES: readonly Strategy[] = ["first-valid", "mean-logprob", "sum-logprob", "vote", "score", "all"];

/** What a strategy reads of a candidate. */
export interface Scored {
  index: number;
  valid: boolean;
  meanLogprob: number;
  sumLogprob: number;
  /** The vote key (canonical JSON of the voted part); undefined when the candidate does not vote. */
  voteKey?: string;
  /** The user score (strategy `score`). */
  score?: number;
  /** Order in which the candidates finished (0 first). */
  finished?: number;
}

/** One group of the vote: the candidates with one key. */
export interface VoteCount {
  key: string;
  count: number;
  /** The candidates of the group, by index. */
  members: number[];
  /** The best mean log-probability in the group (the tie-break). */
  bestMeanLogprob: number;
}

/** Index of the best valid candidate by `metric` (higher is better; ties: the better mean logprob, then the lower index), or -1. */
function best(cands: readonly Scored[], metric: (c: Scored) => number): number {
  let at = -1;
  for (const c of cands) {
    if (!c.valid || Number.isNaN(metric(c))) continue;
    if (at < 0) {
      at = c.index;
      continue;
    }
    const b = cands.find((x) => x.index === at)!;
    const d = metric(c) - metric(b);
    if (d > 0 || (d === 0 && (c.meanLogprob > b.meanLogprob || (c.meanLogprob === b.meanLogprob && c.index < b.index)))) at = c.index;
  }
  return at;
}

/** The vote's groups among the valid candidates with a key, most votes first (ties: the better best mean logprob). */
export function tally(cands: readonly Scored[]): VoteCount[] {
  const groups = new Map<string, VoteCount>();
  for (const c of cands) {
    if (!c.valid || c.voteKey === undefined) continue;
    let g = groups.get(c.voteKey);
    if (!g) groups.set(c.voteKey, (g = { key: c.voteKey, count: 0, members: [], bestMeanLogprob: -Infinity }));
    g.count++;
    g.members.push(c.index);
    g.bestMeanLogprob = Math.max(g.bestMeanLogprob, c.meanLogprob);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || b.bestMeanLogprob - a.bestMeanLogprob);
}

/**
 * Whether the vote is decided with `remaining` candidates still to finish:
 * the leader has more votes than the runner-up could reach.
 */
export function voteDecided(cands: readonly Scored[], remaining: number): boolean {
  const t = tally(cands);
  if (t.length === 0) return false;
  const second = t.length > 1 ? t[1].count : 0;
  return t[0].count > second + remaining;
}

/**
 * The chosen candidate's index under `strategy` (-1: none valid; `all`
 * chooses none). `first-valid`: the valid candidate that finished first.
 * `mean-logprob` / `sum-logprob`: the highest among the valid ones. `vote`:
 * the most common key among the valid candidates (ties: the group with the
 * better best mean logprob), and in it the candidate with the best mean
 * logprob. `score`: the highest user score among the valid ones (ties: mean
 * logprob). Remaining ties: the lower index.
 */
export function choose(strategy: Strategy, cands: readonly Scored[]): number {
  switch (strategy) {
    case "first-valid": {
      let at = -1, when = Infinity;
      for (const c of cands) if (c.valid && (c.finished ?? c.index) < when) (at = c.index), (when = c.finished ?? c.index);
      return at;
    }
    case "mean-logprob":
      return best(cands, (c) => c.meanLogprob);
    case "sum-logprob":
      return best(cands, (c) => c.sumLogprob);
    case "score":
      return best(cands, (c) => c.score ?? NaN);
    case "vote": {
      const t = tally(cands);
      if (t.length === 0) return -1;
      const members = new Set(t[0].members);
      return best(
        cands.filter((c) => members.has(c.index)),
        (c) => c.meanLogprob,
      );
    }
    case "all":
      return -1;
    default:
      throw new ArgumentError("bad-strategy", `unknown selection strategy ${JSON.stringify(strategy)}`, { hint: `Use one of ${STRATEGIES.join(", ")}.` });
  }
}

/** JSON with object keys sorted at every level: equal values, equal keys (the vote's canonical form). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  });
}

/**
 * The part of `value` at `path`: a JSON pointer (`/answer/0`) or a dotted
 * path (`answer.0`); undefined when it is not there.
 */
export function valueAt(value: unknown, path: string): unknown {
  if (path === "" || path === "/") return path === "" ? value : (value as Record<string, unknown> | null)?.[""];
  const parts = path.startsWith("/") ? path.slice(1).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~")) : path.split(".");
  let v = value;
  for (const p of parts) {
    if (v === null || typeof v !== "object" || !Object.prototype.hasOwnProperty.call(v, p)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}
