import { FormworkError } from "@formwork/core";
import { EXIT, type Command } from "./command.js";

/** Verbs and the module that implements each (loaded on demand, so a verb's dependencies load only when used). */
const VERBS: Record<string, () => Promise<{ command: Command }>> = {
  generate: () => import("./commands/generate.js"),
  check: () => import("./commands/check.js"),
  repair: () => import("./commands/repair.js"),
};

/** Runs `formwork` with `argv` (without node and the script) and returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    process.stdout.write(await topHelp());
    return verb === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = VERBS[verb];
  if (!load) {
    process.stderr.write(`formwork: unknown command "${verb}". Run "formwork --help" for the list of commands.\n`);
    return EXIT.usage;
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
    if (err instanceof FormworkError) {
      process.stderr.write(`formwork ${verb}: ${err.message}\n`);
      return EXIT.usage;
    }
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
  lines.push("", 'Run "formwork <command> --help" for the options of a command.', "");
  return lines.join("\n");
}

/**
 * The `formwork` executable: runs {@link run} on the process's arguments
 * and sets the exit code. Under a package manager's script (`pnpm formwork`
 * in the repository), relative paths are read from the folder the command
 * was typed in (`INIT_CWD`), not the package's.
 */
export function main(argv: string[] = process.argv.slice(2)): void {
  const typedIn = process.env.INIT_CWD;
  if (typedIn && process.env.npm_lifecycle_event === "formwork") {
    try {
      process.chdir(typedIn);
    } catch {
      // The folder is gone: stay where the script runs.
    }
  }
  run(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`formwork: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
