/**
 * How much of MaskBench-dev's first-visit cost is spent building token-cache
 * entries that an earlier grammar of the same process already built: the
 * same accepted tokens and the same escape nodes (content hashed, two 32-bit
 * FNV-1a hashes). Not a timing of a feature: an upper bound on what a cache
 * of entries shared across grammars (keyed by whatever makes two states read
 * alike) could save, measured on the masks MaskBench takes.
 *
 * The files run as `maskbench.js` runs them (one `GrammarCompiler`, masks
 * before every token of every instance). Each first visit's entry build
 * (`CompiledGrammar.cacheEntry` when it fills the cache) is timed; its time
 * is counted as "seen" when an entry with the same content was built by
 * another grammar before. Each mask's wall time is then also given without
 * the seen builds inside it: the masks' p50/p99/max and the counts over 300
 * µs and 10 ms that a perfect shared cache would leave, with no cost for
 * finding the entry (a real key costs something; the figure is a bound).
 *
 * Usage: node packages/bench/dist/fill-reuse.js [--data DIR] [--every K] [--only A,B]
 */
import { readdirSync } from "node:fs";
import { CompiledGrammar, GrammarCompiler, GrammarMatcher } from "@formwork/grammar";
import { hfTokenizer, npmVocabulary } from "@formwork/testkit";
import { evaluateMaskBenchPath, maskBenchFiles } from "./maskbench-eval.js";
import { flagValue } from "./results.js";
import { quantile } from "./stats.js";

interface Entry {
  bits: Uint32Array | null;
  ids: Uint32Array | null;
  escNodes: Int32Array;
}

/** FNV-1a over the words of `a` (and its length), from `h`. */
function mix(h: number, a: ArrayLike<number> | null): number {
  if (a === null) return Math.imul(h ^ 0x9e37, 16777619);
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a[i], 16777619);
  return Math.imul(h ^ a.length, 16777619);
}

/** Content key of an entry: two independent hashes of its tokens and escape nodes. */
function contentKey(e: Entry): string {
  const one = (seed: number) => mix(mix(mix(seed, e.bits), e.ids), e.escNodes) >>> 0;
  return `${one(2166136261)}:${one(0x811c9dc5 ^ 0x5bd1e995)}`;
}

async function main(): Promise<number> {
  const data = flagValue("--data") ?? "../shared/data/maskbench-dev";
  const every = Number(flagValue("--every") ?? 10);
  const only = flagValue("--only")?.split(",") ?? null;
  if (!Number.isInteger(every) || every < 1) {
    console.error(`fill-reuse: --every must be a positive integer, got ${flagValue("--every")}`);
    return 2;
  }
  const files = maskBenchFiles(readdirSync(data), every).filter((f) => only === null || only.some((x) => f.includes(x)));
  const compiler = new GrammarCompiler(npmVocabulary("qwen3"));
  const tokenizer = await hfTokenizer("qwen3");

  // The grammar that first built each content.
  const firstBuilder = new Map<string, object>();
  let fills = 0, fillUs = 0, seen = 0, seenUs = 0, sameGrammar = 0;
  let seenInMask = 0;
  const cacheEntry = CompiledGrammar.prototype.cacheEntry;
  CompiledGrammar.prototype.cacheEntry = function (this: CompiledGrammar, q: number) {
    const before = this.memory().cachedStates;
    const t = performance.now();
    const e = cacheEntry.call(this, q);
    const us = (performance.now() - t) * 1000;
    if (this.memory().cachedStates === before) return e;
    fills++;
    fillUs += us;
    const key = contentKey(e);
    const first = firstBuilder.get(key);
    if (first === undefined) firstBuilder.set(key, this);
    else if (first !== this) {
      seen++;
      seenUs += us;
      seenInMask += us;
    } else sameGrammar++;
    return e;
  };
  const real: number[] = [], bound: number[] = [];
  const fill = GrammarMatcher.prototype.fillNextTokenMask;
  GrammarMatcher.prototype.fillNextTokenMask = function (this: GrammarMatcher, mask) {
    seenInMask = 0;
    const t = performance.now();
    fill.call(this, mask);
    const us = (performance.now() - t) * 1000;
    real.push(us);
    bound.push(Math.max(0, us - seenInMask));
  };
  for (const f of files) evaluateMaskBenchPath(data, f, { compiler, tokenizer });

  const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
  const r = sorted(real), b = sorted(bound);
  const fmt = (a: number[]) => `p50 ${quantile(a, 0.5).toFixed(1)} p99 ${quantile(a, 0.99).toFixed(1)} max ${(a.at(-1) ?? 0).toFixed(0)}`;
  const over = (a: number[], us: number) => a.filter((x) => x > us).length;
  const ms = (us: number) => (us / 1000).toFixed(0);
  console.log(`fill-reuse: ${files.length} files of ${data}, Qwen vocabulary, Node ${process.version}`);
  console.log(`first-visit entry builds ${fills} (${ms(fillUs)} ms); content already built by an earlier grammar: ${seen} (${ms(seenUs)} ms, ${((100 * seenUs) / fillUs).toFixed(0)}% of the time); by the same grammar: ${sameGrammar}`);
  console.log(`masks ${real.length}, wall µs: ${fmt(r)}; over 300 µs ${over(r, 300)}, over 10 ms ${over(r, 10_000)}`);
  console.log(`  without the builds of content seen before (a bound): ${fmt(b)}; over 300 µs ${over(b, 300)}, over 10 ms ${over(b, 10_000)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
