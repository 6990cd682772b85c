/**
 * Schema compile time (`compileSchema(schema).grammar`, JSON Schema to
 * grammar IR) on MaskBench-dev schemas, split into what a schema costs the
 * first time a warm process meets it and what it costs once everything is
 * warm: for every `--every`-th schema, the first compile ("cold"), the
 * second, and the fastest of `--reps` ("warm"). With `--split` the process
 * first compiles the other half-offset sample (`--offset` every/2) three
 * times, so that "cold" is a new schema in a process whose JIT is warm (what
 * a MaskBench run measures) rather than the process's first compiles.
 *
 * Usage: node packages/bench/dist/schema-compile-bench.js [--every N] [--reps K] [--split]
 *          [--cpu] [--max-bytes B] [--top T] [--dir PATH] [--root PATH]
 *          [--prof-cold FILE] [--prof-warm FILE] [--json]
 *
 * `--cpu` times process CPU (user + system) instead of wall time (less
 * sensitive to a loaded machine). `--max-bytes B` keeps schemas whose JSON
 * text is at most B bytes (profile the typical schema, not the giants).
 * `--prof-cold FILE` / `--prof-warm FILE` write a V8 CPU profile
 * (`.cpuprofile`, 100 µs sampling) of the cold pass / of the warm passes
 * only. `--root PATH` loads `@formwork/json-schema` from another built
 * checkout (PATH/packages/json-schema/dist), for before/after runs.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { flagValue } from "./results.js";
import { distribution, type Distribution } from "./stats.js";

type SchemaModule = typeof import("@formwork/json-schema");

const arg = (name: string) => flagValue(name);
const has = (name: string) => process.argv.includes(name);

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((res, rej) => session.post(method, params ?? {}, (e, r) => (e ? rej(e) : res(r as T))));
}

async function main(): Promise<void> {
  const dir = arg("--dir") ?? "/work/shared/data/maskbench-dev";
  const every = Number(arg("--every") ?? 20);
  const reps = Math.max(2, Number(arg("--reps") ?? 10));
  const top = Number(arg("--top") ?? 5);
  const maxBytes = Number(arg("--max-bytes") ?? Infinity);
  const root = arg("--root");
  const json = has("--json");
  const mod: SchemaModule = root === undefined ? await import("@formwork/json-schema") : ((await import(pathToFileURL(resolve(root, "packages/json-schema/dist/index.js")).href)) as SchemaModule);
  const names = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  const load = (offset: number) =>
    names
      .filter((_, i) => i % every === offset)
      .map((f) => ({ file: f, schema: (JSON.parse(readFileSync(`${dir}/${f}`, "utf8")) as { schema: unknown }).schema }))
      .filter((x) => JSON.stringify(x.schema).length <= maxBytes);
  const sample = load(0);
  const clock = has("--cpu")
    ? () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      }
    : () => performance.now();
  const once = (schema: unknown): number => {
    const t = clock();
    try {
      mod.compileSchema(schema);
    } catch {
      // Refused schemas count with the time their refusal took.
    }
    return clock() - t;
  };
  if (has("--split") && every > 1) {
    const others = load(Math.floor(every / 2));
    for (let k = 0; k < 3; k++) for (const x of others) once(x.schema);
  }
  const session = new Session();
  session.connect();
  const profCold = arg("--prof-cold");
  const profWarm = arg("--prof-warm");
  if (profCold !== undefined || profWarm !== undefined) {
    await post(session, "Profiler.enable");
    await post(session, "Profiler.setSamplingInterval", { interval: 100 });
  }
  const profile = async (file: string | undefined, run: () => void) => {
    if (file === undefined) return run();
    await post(session, "Profiler.start");
    run();
    const { profile: p } = await post<{ profile: unknown }>(session, "Profiler.stop");
    writeFileSync(file, JSON.stringify(p));
  };
  let cold: number[] = [];
  await profile(profCold, () => {
    cold = sample.map((x) => once(x.schema));
  });
  const second = sample.map((x) => once(x.schema));
  const warm = second.slice();
  await profile(profWarm, () => {
    for (let k = 2; k < reps; k++) sample.forEach((x, i) => (warm[i] = Math.min(warm[i], once(x.schema))));
  });
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const show = (d: Distribution, total: number) => `p50 ${r3(d.p50)} p90 ${r3(d.p90)} p99 ${r3(d.p99)} max ${r3(d.max)} total ${Math.round(total)} ms`;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const rows = { cold: distribution(cold), second: distribution(second), warm: distribution(warm) };
  if (json) {
    console.log(JSON.stringify({ files: sample.length, every, reps, split: has("--split"), cpu: has("--cpu"), cold: rows.cold, second: rows.second, warm: rows.warm, totals: { cold: sum(cold), second: sum(second), warm: sum(warm) } }));
    return;
  }
  console.log(`schema compile (${has("--cpu") ? "CPU" : "wall"} ms), ${sample.length} schemas (every ${every}${Number.isFinite(maxBytes) ? `, at most ${maxBytes} bytes` : ""}), ${reps} compiles each${has("--split") ? ", JIT warmed on the other half-offset sample first" : ""}; Node ${process.version}`);
  console.log(`  cold (first compile)  ${show(rows.cold, sum(cold))}`);
  console.log(`  second compile        ${show(rows.second, sum(second))}`);
  console.log(`  warm (fastest)        ${show(rows.warm, sum(warm))}`);
  const slowest = sample.map((x, i) => ({ file: x.file, cold: cold[i], warm: warm[i] })).sort((a, b) => b.warm - a.warm);
  for (const s of slowest.slice(0, top)) console.log(`  ${s.file}: cold ${r3(s.cold)}, warm ${r3(s.warm)}`);
}

await main();
