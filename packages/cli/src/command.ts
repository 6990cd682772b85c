/** What every CLI verb implements, and the exit codes they share. */

/** A CLI verb: gets its arguments (after the verb) and returns the exit code. */
export interface Command {
  /** One line for `formwork --help`. */
  summary: string;
  /** Full help text for `formwork <verb> --help`. */
  help: string;
  run(args: string[]): Promise<number>;
}

/** Exit codes shared by every verb. */
export const EXIT = { ok: 0, rejected: 1, usage: 2, internal: 70, interrupted: 130 } as const;

/** Ctrl-C (SIGINT) while a command runs: one line, and the shell's status for SIGINT, 130. */
export function interrupted(): void {
  process.stderr.write("\nformwork: interrupted\n");
  process.exit(EXIT.interrupted);
}
