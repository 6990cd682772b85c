import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// Every error code that the packages throw must be listed in docs/errors.md
// (STYLE.md: "Every code is listed in docs/errors.md").
const root = resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

function thrownCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  // Constructors with a literal code, and the regex package's `refuse(pattern, node, "code", ...)` helper.
  const re = /(?:new (?:FormworkError|CompileError|UnsupportedError|LimitError|ModelError|ArgumentError)\(\s*|refuse\([^"()]*)"([a-z0-9-]+)"/g;
  for (const pkg of readdirSync(join(root, "packages"))) {
    const src = join(root, "packages", pkg, "src");
    try {
      statSync(src);
    } catch {
      continue;
    }
    for (const file of sourceFiles(src)) {
      for (const m of readFileSync(file, "utf8").matchAll(re)) if (!codes.has(m[1])) codes.set(m[1], file.slice(root.length + 1));
    }
  }
  return codes;
}

describe("docs/errors.md", () => {
  it("lists every error code thrown in packages/*/src", () => {
    const doc = readFileSync(join(root, "docs", "errors.md"), "utf8");
    const listed = new Set([...doc.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]));
    const codes = thrownCodes();
    expect(codes.size).toBeGreaterThan(20);
    const missing = [...codes].filter(([code]) => !listed.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });
});
