import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, WARNING_ONLY_CODES } from "@formwork/core";

// The codes are a union type in @formwork/core (ERROR_CODES, WARNING_ONLY_CODES), so tsc refuses a thrown code
// that is not listed there (packages/core/test/error-codes.test-d.ts). These tests tie the lists to the docs and
// the sources: every listed code is in docs/errors.md, every code in a table of docs/errors.md is listed, and every
// listed code is still used somewhere in packages/*/src (no stale entries).
const root = resolve(import.meta.dirname, "..");
const codes: readonly string[] = [...ERROR_CODES, ...WARNING_ONLY_CODES];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

describe("error codes", () => {
  const doc = readFileSync(join(root, "docs", "errors.md"), "utf8");

  it("has no duplicates in the lists", () => {
    expect(codes.length).toBeGreaterThan(80);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("docs/errors.md lists every code", () => {
    const listed = new Set([...doc.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]));
    expect(codes.filter((c) => !listed.has(c))).toEqual([]);
  });

  it("every code in the first column of a table in docs/errors.md is in the lists", () => {
    const inTables = doc
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .flatMap((line) => [...line.split("|")[1].matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]));
    expect(inTables.length).toBeGreaterThan(60);
    expect(inTables.filter((c) => !codes.includes(c))).toEqual([]);
  });

  it("every listed code is used in packages/*/src", () => {
    let text = "";
    for (const pkg of readdirSync(join(root, "packages"))) {
      const src = join(root, "packages", pkg, "src");
      try {
        statSync(src);
      } catch {
        continue;
      }
      for (const file of sourceFiles(src)) if (!file.endsWith("error-codes.ts")) text += readFileSync(file, "utf8");
    }
    // analyzeGrammar writes `${prefix}-${check}` (prefix gbnf or grammar): look for the check's own name.
    const unused = codes.filter((c) => !text.includes(`"${c}"`) && !text.includes(`"${c.replace(/^(gbnf|grammar)-/, "")}"`) && !text.includes(`-${c.replace(/^(gbnf|grammar)-/, "")}\``));
    expect(unused).toEqual([]);
  });
});
