/** Reading the files that CLI flags name, with errors that name the flag and the file. */
import { readFileSync } from "node:fs";
import { ArgumentError } from "@formwork/core";
import { readStdinText } from "./stdin.js";

/** The text of the file given to `--flag` (relative to the current directory; `-`: stdin); `ArgumentError` `file-not-found` when it cannot be read. */
export function readFlagFile(flag: string, path: string): string {
  try {
    return path === "-" ? readStdinText() : readFileSync(path, "utf8");
  } catch (err) {
    throw new ArgumentError("file-not-found", `--${flag} ${path}: the file cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      location: { kind: "file", path },
      hint: "Pass the path of an existing, readable file.",
    });
  }
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
