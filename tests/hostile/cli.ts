/**
 * The built `formwork` command in a child process, for hostile-input tests that go through the
 * CLI as a person runs it: exit code, stdout, stderr. `stackKb` runs Node with a smaller stack
 * (its default is 984 KB), so that recursion whose depth the input controls fails on inputs a
 * few times smaller and the test stays fast.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repo = resolve(import.meta.dirname, "../..");
export const bin = join(repo, "packages/cli/dist/bin.js");

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  ms: number;
}

export function formwork(args: string[], { input, stackKb, cwd, timeoutMs = 60_000 }: { input?: string | Buffer; stackKb?: number; cwd?: string; timeoutMs?: number } = {}): CliRun {
  const t = performance.now();
  const r = spawnSync(process.execPath, [...(stackKb ? [`--stack-size=${stackKb}`] : []), bin, ...args], { cwd, input, encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr, ms: performance.now() - t };
}

/** A scratch folder for input files, removed by `done()`. */
export function scratch(prefix: string): { dir: string; file(name: string, content: string | Buffer): string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(name, content) {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The error line the CLI prints for a documented error: `formwork: error [code] ...`, never an internal error or a stack. */
export function cliError(r: CliRun, code: string): string {
  if (r.err.includes("internal error") || /\n\s+at /.test(r.err)) throw new Error(`a crash, not a clear error:\n${r.err.slice(0, 2000)}`);
  const line = r.err.split("\n").find((l) => l.startsWith("formwork: error ["));
  if (!line) throw new Error(`no error line on stderr (exit ${r.code}):\n${r.err.slice(0, 2000)}`);
  if (!line.startsWith(`formwork: error [${code}]`)) throw new Error(`expected [${code}], got: ${line.slice(0, 500)}`);
  return line;
}
