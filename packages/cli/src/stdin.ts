/** Standard input for the verbs: `-` for a file flag, and the prompt when stdin is a pipe or a file. */
import { fstatSync, readFileSync } from "node:fs";

/**
 * Whether stdin is a pipe, a socket or a file (something was sent), not a
 * terminal or /dev/null. Node and libuv give a child's piped stdin as a
 * socket pair, a shell as a FIFO.
 */
export function stdinIsPiped(): boolean {
  try {
    // bigint: a plain fstatSync of a pipe leaves S_IFIFO in the buffer fs.realpathSync reads, and module
    // resolution then stops following pnpm's symlinks (nodejs/node#51142): later imports fail.
    const st = fstatSync(0, { bigint: true });
    return st.isFIFO() || st.isSocket() || st.isFile();
  } catch {
    return false;
  }
}

/** All of stdin as UTF-8 text (blocks until it ends). */
export function readStdinText(): string {
  return readFileSync(0, "utf8");
}

/** All of stdin as bytes (blocks until it ends). */
export function readStdinBytes(): Buffer {
  return readFileSync(0);
}
