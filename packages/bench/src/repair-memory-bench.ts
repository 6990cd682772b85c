/**
 * Repair memory benchmark (`pnpm bench:repair-memory`): peak memory (the
 * process's maxRSS) and wall time of `formwork repair` against input size,
 * each run in its own process, with peers in the same run:
 *
 * - `JSON.parse` of the valid output (read from a file): what holding the
 *   repaired value costs at the least;
 * - jsonrepair's streaming mode (`jsonrepair/stream`, a Node Transform,
 *   file to /dev/null): a repairer that does not hold the document;
 * - `formwork-stream`: `formwork repair --stream --quiet` (stdin to
 *   /dev/null), Formwork's own streaming mode (not run by default on the
 *   YAML and CSV shapes, which it does not take).
 *
 * Shapes: `edits` (broken JSON objects, 4 edits per 22 bytes: the input of
 * `pnpm bench:hostile`), `deep` (arrays nested `--depth` levels, repeated),
 * `strings` (long strings with single quotes), `valid` (valid JSON, no edit),
 * and, not by default, `yaml` (`--format yaml`, a missing space after a
 * colon every 30 bytes) and `csv` (`--format csv`, every third row short of
 * a field), which have no peer here.
 * Options: `--sizes 1,5,15,50` (MB), `--shapes edits,deep,strings,valid`,
 * `--runs formwork-quiet,formwork,json-parse,jsonrepair-stream,formwork-stream`, `--depth N`
 * (default 1000), `--json`. Inputs past 16 MiB run with
 * `--limit maxInputBytes=Infinity`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = join(repoRoot, "packages/cli/dist/bin.js");

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1,5,15,50" },
    shapes: { type: "string", default: "edits,deep,strings,valid" },
    runs: { type: "string", default: "formwork-quiet,formwork,json-parse,jsonrepair-stream,formwork-stream" },
    depth: { type: "string", default: "1000" },
    json: { type: "boolean", default: false },
  },
});

const MB = 1_000_000;
const depth = Number(values.depth);

/** About `bytes` of one shape of input. */
function makeInput(shape: string, bytes: number): string {
  const repeat = (unit: string, sep: string) => {
    const n = Math.max(1, Math.floor(bytes / (unit.length + sep.length)));
    return `[${new Array<string>(n).fill(unit).join(sep)}]`;
  };
  switch (shape) {
    case "edits":
      return repeat("{'a': 1, b: [1,2,],}", ",");
    case "deep":
      return repeat(`${"[".repeat(depth)}1${"]".repeat(depth)}`, ",");
    case "strings":
      return repeat(`'${"lorem ipsum dolor sit amet ".repeat(400)}'`, ",\n");
    case "valid":
      return repeat('{"id":12345,"name":"a name","tags":["x","y"],"ok":true}', ",");
    case "yaml": {
      // A missing space after a colon every 30 bytes (yaml-colon-space).
      const unit = "- name: item\n  a:1\n  tags: [x, y]\n";
      return unit.repeat(Math.max(1, Math.floor(bytes / unit.length)));
    }
    case "csv": {
      // Every third row short of a field (csv-pad-row).
      const rows = ["1,name one,1.5\n", "2,name two,2.5\n", "3,name three\n"].join("");
      return `id,name,price\n${rows.repeat(Math.max(1, Math.floor(bytes / rows.length)))}`;
    }
    default:
      throw new Error(`unknown shape ${shape}`);
  }
}

const dir = mkdtempSync(join(tmpdir(), "repair-memory-"));
const hook = join(dir, "rss-hook.mjs");
writeFileSync(hook, 'import { writeFileSync } from "node:fs";\nprocess.on("exit", () => { try { writeFileSync(process.env.FORMWORK_RSS_OUT, String(process.resourceUsage().maxRSS)); } catch {} });\n');
const req = createRequire(join(repoRoot, "packages/bench/package.json"));
const jsonrepairStream = req.resolve("jsonrepair/stream").replace(/\/cjs\//, "/esm/");
const parsePeer = join(dir, "parse.mjs");
writeFileSync(parsePeer, 'import { readFileSync } from "node:fs";\nconst v = JSON.parse(readFileSync(process.argv[2], "utf8"));\nif (v === undefined) process.exit(1);\n');
const streamPeer = join(dir, "stream.mjs");
writeFileSync(
  streamPeer,
  `import { createReadStream, createWriteStream } from "node:fs";\nimport { pipeline } from "node:stream/promises";\nimport { jsonrepairTransform } from ${JSON.stringify(jsonrepairStream)};\nawait pipeline(createReadStream(process.argv[2]), jsonrepairTransform(), createWriteStream("/dev/null"));\n`,
);

interface Row {
  shape: string;
  mb: number;
  run: string;
  exit: number;
  seconds: number;
  peakMb: number;
}

function runChild(args: string[], stdinFile: string | undefined, stdoutFile: string | undefined): Promise<{ exit: number; seconds: number; peakMb: number }> {
  const rssOut = join(dir, "rss.txt");
  rmSync(rssOut, { force: true });
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", hook, ...args], {
      env: { ...process.env, FORMWORK_RSS_OUT: rssOut },
      stdio: ["pipe", "pipe", "ignore"],
    });
    const out: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => stdoutFile !== undefined && out.push(c));
    if (stdinFile !== undefined) child.stdin.end(readFileSync(stdinFile));
    else child.stdin.end();
    child.on("close", (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (stdoutFile !== undefined) writeFileSync(stdoutFile, Buffer.concat(out));
      let kb = NaN;
      try {
        kb = Number(readFileSync(rssOut, "utf8"));
      } catch {
        // no figure: the child died before its exit hook
      }
      done({ exit: code ?? -1, seconds, peakMb: kb / 1024 });
    });
  });
}

const rows: Row[] = [];
const runs = values.runs.split(",");
const load0 = loadavg()[0];
for (const shape of values.shapes.split(",")) {
  for (const mb of values.sizes.split(",").map(Number)) {
    const inFile = join(dir, `${shape}-${mb}.txt`);
    const outFile = join(dir, `${shape}-${mb}.out.json`);
    writeFileSync(inFile, makeInput(shape, mb * MB));
    const limit = [...(mb * MB > 16 * 1024 * 1024 ? ["--limit", "maxInputBytes=Infinity"] : []), ...(shape === "yaml" || shape === "csv" ? ["--format", shape] : [])];
    // The quiet run first: its output is the valid JSON JSON.parse reads.
    for (const run of runs) {
      let r;
      if (run === "formwork-quiet") r = await runChild([bin, "repair", "--quiet", ...limit], inFile, outFile);
      else if (run === "formwork") r = await runChild([bin, "repair", ...limit], inFile, undefined);
      else if ((run === "json-parse" || run === "jsonrepair-stream" || run === "formwork-stream") && (shape === "yaml" || shape === "csv")) continue; // JSON only
      else if (run === "formwork-stream") r = await runChild([bin, "repair", "--stream", "--quiet", ...limit], inFile, undefined);
      else if (run === "json-parse") {
        if (!existsSync(outFile)) await runChild([bin, "repair", "--quiet", ...limit], inFile, outFile);
        r = await runChild([parsePeer, outFile], undefined, undefined);
      } else if (run === "jsonrepair-stream") r = await runChild([streamPeer, inFile], undefined, undefined);
      else throw new Error(`unknown run ${run}`);
      rows.push({ shape, mb, run, ...r });
      if (!values.json) process.stderr.write(`${shape} ${mb} MB ${run}: exit ${r.exit}, ${r.seconds.toFixed(1)} s, ${r.peakMb.toFixed(0)} MB\n`);
    }
  }
}
rmSync(dir, { recursive: true, force: true });

if (values.json) {
  process.stdout.write(`${JSON.stringify({ cpus: cpus().length, load: [load0, loadavg()[0]], rows })}\n`);
} else {
  process.stdout.write(`Repair memory: peak RSS (MB) and wall time (s) per run; ${cpus().length} CPUs, load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}\n\n`);
  process.stdout.write(`| shape | input MB | ${runs.map((r) => `${r} MB / s`).join(" | ")} |\n|---|---:|${runs.map(() => "---:").join("|")}|\n`);
  const keys = [...new Set(rows.map((r) => `${r.shape}\t${r.mb}`))];
  for (const k of keys) {
    const [shape, mb] = k.split("\t");
    const cells = runs.map((run) => {
      const r = rows.find((x) => x.shape === shape && String(x.mb) === mb && x.run === run);
      if (r === undefined) return "-";
      return `${Number.isNaN(r.peakMb) ? "-" : r.peakMb.toFixed(0)} / ${r.seconds.toFixed(1)}${r.exit !== 0 ? ` (exit ${r.exit})` : ""}`;
    });
    process.stdout.write(`| ${shape} | ${mb} | ${cells.join(" | ")} |\n`);
  }
}
