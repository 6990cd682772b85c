/** Standard input for the verbs: `-` for a file flag, and the prompt when stdin is a pipe or a file. */
import { fstatSync, readFileSync } from "node:fs";

/** Whether stdin is a pipe or a file (something was sent), not a terminal or /dev/null. */
export function stdinIsPiped(): boolean {
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isFile();
  } catch {
    return false;
  }
}

/** All of stdin as UTF-8 text (blocks until it ends). */
export function readStdinText(): string {
  return readFileSync(0, "utf8");
}
