import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { cyclicComponents } from "@formwork/grammar/internal";

// No import cycles between the modules of a package: each package's src/ files, with the edges of their
// relative imports and re-exports (type-only ones included: a type cycle is the same tangle of concepts),
// read with the TypeScript parser. Packages depend on each other one way already (tsc -b project references
// refuse a cycle between packages), so this covers the modules inside each one.
const root = resolve(import.meta.dirname, "..");

/** The relative-import graph of the .ts files under `src`: file -> files it imports. */
function importGraph(src: string): Map<string, Set<string>> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) files.push(p);
    }
  };
  walk(src);
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
    const deps = new Set<string>();
    const visit = (node: ts.Node) => {
      let spec: ts.Expression | undefined;
      if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) spec = node.moduleSpecifier;
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) spec = node.arguments[0];
      else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) spec = node.argument.literal;
      if (spec && ts.isStringLiteral(spec) && spec.text.startsWith(".")) deps.add(resolve(dirname(file), spec.text.replace(/\.js$/, ".ts")));
      ts.forEachChild(node, visit);
    };
    visit(sf);
    graph.set(file, deps);
  }
  return graph;
}

/** The import cycles: components with more than one file, or a file that imports itself (the grammar package's Tarjan). */
function importCycles(graph: Map<string, Set<string>>): string[][] {
  const succ = (v: string) => [...(graph.get(v) ?? [])].filter((w) => graph.has(w));
  return cyclicComponents(graph.keys(), succ).map((c) => c.sort());
}

describe("import cycles", () => {
  it("finds a planted cycle (the check can fail)", () => {
    const g = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
      ["d", new Set(["a"])],
    ]);
    expect(importCycles(g)).toEqual([["a", "b", "c"]]);
    expect(importCycles(new Map([["a", new Set(["b"])], ["b", new Set<string>()]]))).toEqual([]);
  });

  const packages = readdirSync(join(root, "packages")).filter((p) => existsSync(join(root, "packages", p, "src")));
  it.each(packages)("packages/%s/src has none", (pkg) => {
    const src = join(root, "packages", pkg, "src");
    const graph = importGraph(src);
    expect(graph.size).toBeGreaterThan(0);
    expect(importCycles(graph).map((c) => c.map((f) => relative(src, f)).join(" <-> "))).toEqual([]);
  });
});
