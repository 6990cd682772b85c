/**
 * MaskBench-dev with two builds alternated file by file in one process, so that both see the same
 * load (this VM's speed varies ±30% between runs; separate processes cannot tell 5% apart).
 *
 * Usage: node packages/bench/dist/maskbench-ab.js --builds DIR_A,DIR_B [--every K] [--only A,B]
 *        [--rounds N] [--data DIR]
 *
 * Each DIR is a built worktree (`pnpm build`): its `packages/bench/dist/maskbench-eval.js`,
 * `packages/grammar` and `packages/testkit` are loaded as they are there (one compiler each).
 * Every mask's CPU time (`process.cpuUsage` around `fillNextTokenMask`) is counted per build;
 * which build runs first alternates from file to file. A build's position in `--builds` still
 * leaves a bias on single files (the first loaded runs some files slower): swap the order in a
 * second run and quote both. Prints per build: masks, compiled / passing, invalid accepted,
 * disagreements, mask CPU p50 / p99 / max, masks over 300 µs (and their summed CPU), over
 * 10 ms, and the total; then the files with the most mask CPU.
 */
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { quantile } from "./stats.js";

interface Build {
  dir: string;
  evaluate: (dir: string, file: string, ctx: Record<string, unknown>) => { compiled: boolean; passing: boolean; invalidAccepted: number; maskDisagrees: number };
  files: (names: readonly string[], every: number) => string[];
  compiler: unknown;
  tokenizer: unknown;
  cpu: number[];
  cur: number;
  perFile: Map<string, number>;
  compiled: number;
  passing: number;
  invalid: number;
  disagree: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function load(dir: string): Promise<Build> {
  const ev = (await import(join(dir, "packages/bench/dist/maskbench-eval.js"))) as { evaluateMaskBenchPath: Build["evaluate"]; maskBenchFiles: Build["files"] };
  const g = (await import(join(dir, "packages/grammar/dist/index.js"))) as {
    GrammarCompiler: new (v: unknown) => unknown;
    GrammarMatcher: { prototype: { fillNextTokenMask(mask: unknown): void } };
  };
  const tk = (await import(join(dir, "packages/testkit/dist/index.js"))) as { npmVocabulary(n: string): unknown; hfTokenizer(n: string): Promise<unknown> };
  const b: Build = {
    dir,
    evaluate: ev.evaluateMaskBenchPath,
    files: ev.maskBenchFiles,
    compiler: new g.GrammarCompiler(tk.npmVocabulary("qwen3")),
    tokenizer: await tk.hfTokenizer("qwen3"),
    cpu: [],
    cur: 0,
    perFile: new Map(),
    compiled: 0,
    passing: 0,
    invalid: 0,
    disagree: 0,
  };
  // Each build's own matcher class: time its masks.
  const proto = g.GrammarMatcher.prototype;
  const fill = proto.fillNextTokenMask;
  proto.fillNextTokenMask = function (this: unknown, mask: unknown): void {
    const c0 = process.cpuUsage();
    fill.call(this, mask);
    const c = process.cpuUsage(c0);
    b.cpu.push(c.user + c.system);
    b.cur += c.user + c.system;
  };
  return b;
}

async function main(): Promise<number> {
  const dirs = arg("--builds")?.split(",").map((d) => resolve(d));
  if (!dirs || dirs.length < 1) {
    console.error("usage: maskbench-ab --builds DIR_A,DIR_B [--every K] [--only A,B] [--rounds N] [--data DIR]");
    return 2;
  }
  const only = arg("--only")?.split(",") ?? null;
  const every = Number(arg("--every") ?? (only ? 1 : 10));
  const rounds = Number(arg("--rounds") ?? 1);
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
  const data = resolve(arg("--data") ?? join(process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data"), "maskbench-dev"));
  const builds: Build[] = [];
  for (const d of dirs) builds.push(await load(d));
  const files = builds[0].files(readdirSync(data), every).filter((f) => only === null || only.some((x) => f.includes(x)));
  console.log(`maskbench-ab: ${files.length} files from ${data}, ${rounds} round(s); builds ${dirs.join(", ")}`);
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const [i, f] of files.entries()) {
      for (const b of (i + r) % 2 === 0 ? builds : builds.slice().reverse()) {
        b.cur = 0;
        const res = b.evaluate(data, f, { compiler: b.compiler, tokenizer: b.tokenizer, masks: true });
        b.compiled += res.compiled ? 1 : 0;
        b.passing += res.passing ? 1 : 0;
        b.invalid += res.invalidAccepted;
        b.disagree += res.maskDisagrees;
        b.perFile.set(f, (b.perFile.get(f) ?? 0) + b.cur);
      }
    }
  }
  const ms = (us: number) => Math.round(us / 1000);
  for (const b of builds) {
    const a = b.cpu.slice().sort((x, y) => x - y);
    const slow = a.filter((x) => x > 300);
    console.log(
      `${b.dir}: ${a.length} masks, compiled ${b.compiled}, passing ${b.passing}, invalid accepted ${b.invalid}, disagreements ${b.disagree}; ` +
        `mask CPU µs p50 ${quantile(a, 0.5)} p99 ${quantile(a, 0.99)} max ${a[a.length - 1] ?? NaN}; over 300 µs ${slow.length} (${ms(slow.reduce((s, x) => s + x, 0))} ms), ` +
        `over 10 ms ${a.filter((x) => x > 10_000).length}; total ${ms(a.reduce((s, x) => s + x, 0))} ms`,
    );
  }
  const sum = (f: string) => builds.reduce((s, b) => s + (b.perFile.get(f) ?? 0), 0);
  for (const f of files.slice().sort((x, y) => sum(y) - sum(x)).slice(0, 8)) console.log(`  ${f}: ${builds.map((b) => `${ms(b.perFile.get(f) ?? 0)} ms`).join(" / ")}`);
  console.log(`wall ${Math.round((performance.now() - t0) / 100) / 10} s`);
  return builds.some((b) => b.invalid > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
