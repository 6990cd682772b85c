import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { defineConfig } from "vitest/config";

// Tests import packages by name; resolve each @formwork/* name and each subpath
// of its package.json `exports` ("./testing" -> dist/testing.js) to its
// TypeScript source (src/testing.ts), so that `pnpm test` needs no build step.
const root = resolve(import.meta.dirname);
const alias: { find: RegExp; replacement: string }[] = [];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
for (const dir of readdirSync(join(root, "packages"))) {
  const pkgFile = join(root, "packages", dir, "package.json");
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { name: string; exports?: Record<string, { default?: string }> };
  for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
    const built = target.default;
    if (!built?.startsWith("./dist/")) continue;
    const source = join(root, "packages", dir, "src", built.slice("./dist/".length).replace(/\.js$/, ".ts"));
    if (existsSync(source)) alias.push({ find: new RegExp(`^${escape(sub === "." ? pkg.name : `${pkg.name}/${sub.slice(2)}`)}$`), replacement: source });
  }
}

export default defineConfig({
  resolve: { alias },
  test: {
    // The fixture model that loadModel builds when no model is given lives in the repository's cache in tests.
    env: { FORMWORK_CACHE_DIR: process.env.FORMWORK_CACHE_DIR ?? join(root, ".cache", "fixtures") },
    include: ["packages/*/test/**/*.test.ts", "tests/**/*.test.ts"],
    // Type tests: tsc over *.test-d.ts (expectTypeOf, @ts-expect-error) against the built .d.ts files.
    typecheck: { enabled: true, include: ["packages/*/test/**/*.test-d.ts"], tsconfig: "./tsconfig.typecheck.json" },
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
