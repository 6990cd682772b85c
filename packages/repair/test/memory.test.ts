/**
 * Peak memory of `formwork repair --quiet` does not grow with the number of
 * edits or the nesting depth: measured in child processes (the built CLI,
 * its maxRSS at exit), against `JSON.parse` of the same output in a child.
 * Bounds are generous (peaks under load vary); before the change, 5 MB of
 * broken objects took 13x and 1,000-deep arrays 10x what JSON.parse took.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";

const repo = resolve(import.meta.dirname, "../../..");
const bin = join(repo, "packages/cli/dist/bin.js");
const dir = mkdtempSync(join(tmpdir(), "formwork-repair-memory-"));
const hook = join(dir, "rss-hook.mjs");
writeFileSync(hook, 'import { writeFileSync } from "node:fs";\nprocess.on("exit", () => { writeFileSync(process.env.FORMWORK_RSS_OUT, String(process.resourceUsage().maxRSS)); });\n');
const parse = join(dir, "parse.mjs");
writeFileSync(parse, 'import { readFileSync } from "node:fs";\nif (JSON.parse(readFileSync(0, "utf8")) === undefined) process.exit(1);\n');

/** Peak RSS in MB of `node args` with `input` on stdin, and its stdout. */
function peak(args: string[], input: string): { mb: number; out: string } {
  const rss = join(dir, "rss.txt");
  rmSync(rss, { force: true });
  const r = spawnSync(process.execPath, ["--import", hook, ...args], { input, encoding: "utf8", env: { ...process.env, FORMWORK_RSS_OUT: rss }, maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return { mb: Number(readFileSync(rss, "utf8")) / 1024, out: r.stdout };
}

const units = (unit: string, count: number) => `[${new Array<string>(count).fill(unit).join(",")}]`;

describe.skipIf(!existsSync(bin))("repair memory (child processes, the built CLI)", () => {
  test("--quiet: memory tracks the output, not the edits nor the depth", () => {
    const cliBase = peak([bin, "repair", "--quiet"], "{}").mb;
    const parseBase = peak([parse], "{}").mb;
    /** Growth of repair --quiet over its baseline, per growth of JSON.parse of the output over its own. */
    const ratio = (input: string) => {
      const r = peak([bin, "repair", "--quiet"], input);
      const p = peak([parse], r.out);
      return { ratio: (r.mb - cliBase) / Math.max(1, p.mb - parseBase), repair: r.mb, parse: p.mb, out: r.out };
    };
    // 200,000 objects (3.6 MB of valid JSON); broken, 4 edits each (quotes, unquoted key, two trailing commas): 800,000 edits, the same output.
    const valid = ratio(units('{"a":1,"b":[1,2]}', 200_000));
    const broken = ratio(units("{'a': 1, b: [1,2,],}", 200_000));
    expect(broken.out === valid.out, "the same output").toBe(true);
    // 2,000,000 arrays (4 MB), 1,000 deep or 10 deep.
    const deep = ratio(units(`${"[".repeat(1000)}1${"]".repeat(1000)}`, 2_000));
    const shallow = ratio(units(`${"[".repeat(10)}1${"]".repeat(10)}`, 200_000));
    const seen = JSON.stringify({ cliBase, parseBase, valid, broken, deep, shallow }, (k, v) => (k === "out" ? undefined : typeof v === "number" ? Math.round(v * 10) / 10 : v));
    for (const r of [valid, broken, deep, shallow]) expect(r.ratio, seen).toBeLessThan(4);
    // The edits cost no more than a third again; the depth no more than half again.
    expect(broken.repair - cliBase, seen).toBeLessThan(1.33 * (valid.repair - cliBase) + 20);
    expect(deep.repair - cliBase, seen).toBeLessThan(1.5 * (shallow.repair - cliBase) + 20);
  }, 300_000);

  test("--stream --quiet: peak memory does not grow with the input (8 MB vs 40 MB of broken JSON, 64 MB heap)", () => {
    const unit = "{'a': 1, b: [1,2,],}";
    // Both runs under a 64 MB V8 heap: repair --quiet takes about 11 MB per MB of this input (docs/repair.md), so 40 MB
    // could not finish if the stream held the input or the value; and the cap keeps V8 from letting garbage pile up,
    // which otherwise makes the peak vary by tens of MB from run to run (147 vs 182 MB seen under load).
    /** Peak RSS in MB of `repair --stream --quiet` on about `mb` MB of broken objects (output to nowhere). */
    const streamPeak = (mb: number) => {
      const rss = join(dir, "rss.txt");
      rmSync(rss, { force: true });
      const input = units(unit, Math.floor((mb * 1_000_000) / (unit.length + 1)));
      const r = spawnSync(process.execPath, ["--max-old-space-size=64", "--import", hook, bin, "repair", "--stream", "--quiet", "--limit", "maxInputBytes=Infinity"], {
        input,
        stdio: ["pipe", "ignore", "pipe"],
        env: { ...process.env, FORMWORK_RSS_OUT: rss },
        timeout: 400_000,
      });
      expect(r.status, String(r.stderr).slice(-2000)).toBe(0);
      return Number(readFileSync(rss, "utf8")) / 1024;
    };
    const small = streamPeak(8);
    const large = streamPeak(40);
    const seen = JSON.stringify({ small: Math.round(small), large: Math.round(large) });
    console.log(`repair --stream --quiet peak RSS, 64 MB heap: ${seen}`);
    expect(large - small, seen).toBeLessThan(24);
    expect(large, seen).toBeLessThan(200);
  }, 600_000);
});
