import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { defineConfig } from "vitest/config";

// Tests import packages by name; resolve each @formwork/* name to its TypeScript
// source so that `pnpm test` needs no build step.
const root = resolve(import.meta.dirname);
const alias: Record<string, string> = {};
for (const dir of readdirSync(join(root, "packages"))) {
  const pkgFile = join(root, "packages", dir, "package.json");
  if (!existsSync(pkgFile)) continue;
  const name = JSON.parse(readFileSync(pkgFile, "utf8")).name as string;
  const entry = join(root, "packages", dir, "src", "index.ts");
  if (existsSync(entry)) alias[name] = entry;
}

export default defineConfig({
  resolve: { alias },
  test: {
    include: ["packages/*/test/**/*.test.ts", "tests/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
