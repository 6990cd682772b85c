// Oracles of the CSV tests: csv-spectrum's cases (read from the npm
// package, never copied) and the table each case reads as.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { resolveCsvOptions, type CsvTable } from "@formwork/csv";

const spectrumDir = dirname(createRequire(import.meta.url).resolve("csv-spectrum/package.json"));

/** The csv-spectrum cases: name, CSV text, expected records. */
export function spectrumCases(): { name: string; csv: string; json: Record<string, string>[] }[] {
  return readdirSync(join(spectrumDir, "csvs"))
    .filter((f) => f.endsWith(".csv"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -4);
      const json: unknown = JSON.parse(readFileSync(join(spectrumDir, "json", `${name}.json`), "utf8"));
      // One case's JSON is its single record rather than a list.
      return { name, csv: readFileSync(join(spectrumDir, "csvs", f), "utf8"), json: (Array.isArray(json) ? json : [json]) as Record<string, string>[] };
    });
}

/** The table of a csv-spectrum case: its header's names as required string columns, its line ending. */
export function spectrumTable(c: { csv: string; json: Record<string, string>[] }): CsvTable {
  const names = Object.keys(c.json[0]);
  return { columns: names.map((name) => ({ name, kinds: ["string"], required: true })), dialect: resolveCsvOptions({ lineEnding: c.csv.includes("\r\n") ? "\r\n" : "\n" }) };
}

