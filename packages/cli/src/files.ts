/** Reading the files that CLI flags name, with errors that name the flag and the file. */
import { readFileSync } from "node:fs";
import { ArgumentError } from "@formwork/core";
import { readStdinBytes } from "./stdin.js";

/**
 * The text of the file given to `--flag` (relative to the current directory; `-`: stdin);
 * `ArgumentError` `file-not-found` when it cannot be read, `invalid-utf8` when it is not UTF-8
 * (read as text, each bad sequence would become U+FFFD: a grammar or schema silently changed).
 */
export function readFlagFile(flag: string, path: string): string {
  let bytes: Buffer;
  try {
    bytes = path === "-" ? readStdinBytes() : readFileSync(path);
  } catch (err) {
    throw new ArgumentError("file-not-found", `--${flag} ${path}: the file cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      location: { kind: "file", path },
      hint: "Pass the path of an existing, readable file.",
    });
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new ArgumentError("invalid-utf8", `--${flag} ${path === "-" ? "stdin" : path}: the file is not UTF-8 text (an invalid byte sequence at byte ${at})`, {
      location: { kind: "file", path },
      hint: "Save the file as UTF-8 (iconv -f LATIN1 -t UTF-8, or your editor's encoding setting).",
    });
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The offset of the first byte of the first invalid UTF-8 sequence (Unicode's well-formed byte sequences, table 3-7). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= b.length) return i;
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (b[i + 1] < lo || b[i + 1] > hi) return i;
    for (let k = 2; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return b.length;
}

/** The JSON value in the file given to `--flag`; `ArgumentError` with `code` (default `bad-arguments`) when it is not JSON. */
export function readJsonFlagFile(flag: string, path: string, code: "bad-arguments" | "invalid-schema" = "bad-arguments"): unknown {
  const text = readFlagFile(flag, path);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ArgumentError(code, `--${flag} ${path}: the file is not valid JSON (${(err as Error).message})`, {
      location: { kind: "file", path },
      hint: `Fix the JSON syntax of the ${flag} file.`,
    });
  }
}
