// Shared set-up of the CLI's in-process tests (`run(["check", ...])` and the like): each test's writes to
// stdout and stderr are captured into `out` and `err` (reset before each test), and a scratch folder made
// before the file's tests and removed after holds their input files.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, vi } from "vitest";

export interface CliCapture {
  /** What the command wrote to stdout in this test (tests may reset it between runs). */
  out: string;
  /** What the command wrote to stderr in this test. */
  err: string;
  /** The scratch folder (made before the file's tests). */
  readonly dir: string;
  /** Writes `text` to `name` in the scratch folder and returns its path. */
  file(name: string, text: string): string;
}

/** Registers the hooks (call at the top level of a test file); `prefix` names the scratch folder. */
export function captureCli(prefix: string): CliCapture {
  let dir = "";
  const io: CliCapture = {
    out: "",
    err: "",
    get dir() {
      return dir;
    },
    file(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    io.out = "";
    io.err = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((io.out += String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((io.err += String(chunk)), true));
  });
  afterEach(() => vi.restoreAllMocks());
  return io;
}
