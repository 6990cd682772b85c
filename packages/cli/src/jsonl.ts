/** Reading a `--jsonl FILE` flag (`-`: stdin): one JSON object per line, one field of each. */
import { ArgumentError } from "@formwork/core";
import { readFlagFile } from "./files.js";

/** The `field` of every non-blank line of the `--jsonl` file; `ArgumentError` `bad-jsonl` naming the line otherwise. */
export function readJsonlField(path: string, field: string): unknown[] {
  const name = path === "-" ? "stdin" : path;
  const hint = `Each line must be an object such as {"${field}": ...}.`;
  const out: unknown[] = [];
  readFlagFile("jsonl", path)
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw new ArgumentError("bad-jsonl", `${name}: line ${i + 1} is not JSON (${(err as Error).message})`, { hint });
      }
      if (typeof value !== "object" || value === null || !Object.hasOwn(value, field)) {
        throw new ArgumentError("bad-jsonl", `${name}: line ${i + 1} has no "${field}" field`, { hint });
      }
      out.push((value as Record<string, unknown>)[field]);
    });
  return out;
}
