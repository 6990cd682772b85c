import { readFileSync } from "node:fs";
import { ArgumentError, FormworkError } from "@formwork/core";
import { nearest } from "./args.js";
import { Worker } from "node:worker_threads";
import { EXIT, interrupted, type Command } from "./command.js";
import { errorJson, formatError } from "./report-error.js";

/** Verbs and the module that implements each (loaded on demand, so a verb's dependencies load only when used). */
const VERBS: Record<string, () => Promise<{ command: Command }>> = {
  generate: () => import("./commands/generate.js"),
  check: () => import("./commands/check.js"),
  validate: () => import("./commands/validate.js"),
  repair: () => import("./commands/repair.js"),
};

/** This package's version (from its package.json, beside `src/` and `dist/`). */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

/** Prints a user-input error in the one CLI format (JSON with `--json`) and returns the usage exit code. */
function report(err: FormworkError, json: boolean): number {
  process.stderr.write(`${json ? errorJson(err) : formatError(err)}\n`);
  return EXIT.usage;
}

/** Runs `formwork` with `argv` (without node and the script) and returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    process.stdout.write(await topHelp());
    return verb === undefined ? EXIT.usage : EXIT.ok;
  }
  if (verb === "--version" || verb === "-v" || verb === "version") {
    process.stdout.write(`formwork ${cliVersion()}\n`);
    return EXIT.ok;
  }
  const json = rest.includes("--json");
  const load = Object.hasOwn(VERBS, verb) ? VERBS[verb] : undefined;
  if (!load) {
    const near = nearest(verb, Object.keys(VERBS));
    return report(new ArgumentError("bad-arguments", `unknown command "${verb}"${near !== undefined ? ` (did you mean "${near}"?)` : ""}`, { hint: `The commands are ${Object.keys(VERBS).join(", ")}; run "formwork --help".` }), json);
  }
  let command: Command;
  try {
    command = (await load()).command;
  } catch (err) {
    process.stderr.write(`formwork: the "${verb}" command is not available in this build (${(err as Error).message}).\n`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof FormworkError) return report(err, json);
    throw err;
  }
}

async function topHelp(): Promise<string> {
  const lines = ["Usage: formwork <command> [options]", "", "Commands:"];
  for (const [verb, load] of Object.entries(VERBS)) {
    try {
      lines.push(`  ${verb.padEnd(10)} ${(await load()).command.summary}`);
    } catch {
      // A verb whose module is missing from this build is not listed.
    }
  }
  lines.push("", 'Run "formwork <command> --help" for the options of a command; "formwork --version" for the version.', "");
  return lines.join("\n");
}

/**
 * The `formwork` executable: runs {@link run} on the process's arguments
 * and sets the exit code. Under a package manager's script (`pnpm formwork`
 * in the repository), relative paths are read from the folder the command
 * was typed in (`INIT_CWD`), not the package's.
 */
export function main(argv: string[] = process.argv.slice(2)): void {
  // Ctrl-C from the first moment (loading a verb's modules takes a second or more under load): one line
  // and status 130. The work runs in a worker (IN_WORKER) or yields often enough for it to run.
  process.once("SIGINT", interrupted);
  // A reader that stops early (formwork ... | head -c1) closes the pipe: the next write fails with
  // EPIPE. That is the reader's choice, not an error: end at once, quietly, with status 0.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(EXIT.ok);
      throw err;
    });
  }
  const typedIn = process.env.INIT_CWD;
  if (typedIn && process.env.npm_lifecycle_event === "formwork") {
    try {
      process.chdir(typedIn);
    } catch {
      // The folder is gone: stay where the script runs.
    }
  }
  (IN_WORKER.has(argv[0]) ? runInWorker(argv) : run(argv)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`formwork: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}

/**
 * Verbs whose work is synchronous (compiling a schema or grammar, checking
 * texts, repairing a document): `main` runs them in a worker thread, so that
 * this thread's event loop stays free and Ctrl-C gets the one-line message
 * and status 130 at once, in any phase (run here, a SIGINT handler only runs
 * once the synchronous work is over; without one the process ended with no
 * message, as `repair` did). `generate` stays in this thread: node-llama-cpp's
 * addon aborts the process (`terminate called after throwing an instance of
 * 'Napi::Error'`) when the worker it runs in is stopped mid-generation; its
 * own handler prints the line once a compile returns (generate.ts).
 */
const IN_WORKER = new Set(["check", "validate", "repair"]);

/**
 * Verbs that read the document from `process.stdin` as a stream: this
 * thread pipes its stdin to the worker's (a worker's own `process.stdin`
 * gets nothing otherwise). The others read stdin (`--prompt -`, `--schema
 * -`) with a synchronous read of descriptor 0, which a worker can do itself;
 * piping it here too would race that read.
 */
const STDIN_STREAM = new Set(["repair"]);

/** Runs `run(argv)` in a worker thread (its output goes to this process's stdout and stderr); Ctrl-C ends it. */
function runInWorker(argv: string[]): Promise<number> {
  // The worker's JavaScript stack is this thread's: --stack-size, or V8's default 984 KB (a worker's own
  // default is 4 MB, and ajv's compile of a 3,000-branch oneOf then ran for minutes instead of overflowing
  // into max-properties at once). Node keeps 192 KB of the thread's stack outside JavaScript's limit.
  const stackKb = Number(process.execArgv.map((a) => /^--stack-size=(\d+)$/.exec(a)?.[1]).find((v) => v !== undefined) ?? 984);
  const pipeStdin = STDIN_STREAM.has(argv[0]);
  const worker = new Worker(new URL("./worker.js", import.meta.url), {
    // A progress bar redraws in place on a terminal: the worker's stderr is a pipe to this thread, so it is told.
    workerData: { argv, stderrIsTTY: process.stderr.isTTY === true, pipedStdin: pipeStdin },
    stdin: pipeStdin,
    resourceLimits: { stackSizeMb: (stackKb + 192) / 1024 },
  });
  if (pipeStdin) process.stdin.pipe(worker.stdin!);
  const done = () => {
    // Stdin left unread (a terminal, a pipe that stays open, --jsonl) would keep the process alive.
    if (pipeStdin) {
      process.stdin.unpipe();
      process.stdin.destroy();
      worker.stdin?.end();
    }
  };
  return new Promise<number>((resolve, reject) => {
    let code: number | undefined;
    worker.on("message", (m: { code?: number; internal?: string }) => {
      if (m.internal !== undefined) reject(new Error(m.internal));
      else {
        code = m.code;
        // The verb has answered: stdin it did not read (an argument error before repair reads its document)
        // must not keep either thread alive (`echo x | formwork repair --quite` printed its error and hung).
        done();
      }
    });
    worker.on("error", reject);
    worker.on("exit", (exit) => (code !== undefined ? resolve(code) : reject(new Error(`the worker ended with status ${exit} before answering`))));
  }).finally(done);
}
