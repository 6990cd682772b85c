/**
 * chevrotain's runtime, from the self-contained bundle its package ships
 * (`lib/chevrotain.mjs`, the same version as its per-file entry).
 *
 * Why: chevrotain's package entry (`lib/src/api.js`) imports `lodash-es`,
 * whose index loads its ~650 modules one by one: about 1 s of Node start-up
 * on this project's 2-core machine (`node` importing `lodash-es/lodash.js`:
 * 0.9-1.0 s), paid by every process that imports `@formwork/grammar` (the
 * CLI, the library, each test worker), GBNF used or not. The bundle inlines
 * what chevrotain uses of lodash and loads in ~50 ms. The package's
 * `exports` map does not list the bundle, so it is found beside the entry
 * `require.resolve` gives; when it is not there (another layout), the entry
 * is imported as usual.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Chevrotain from "chevrotain";

/** What the runtime is imported from: the bundle's file URL, or `"chevrotain"` when the bundle is not found. */
export function bundleSpecifier(): string {
  try {
    const entry = createRequire(import.meta.url).resolve("chevrotain");
    // entry: <package>/lib/src/api.js; the bundle: <package>/lib/chevrotain.mjs.
    const bundle = join(dirname(entry), "..", "chevrotain.mjs");
    if (existsSync(bundle)) return pathToFileURL(bundle).href;
  } catch {
    // Resolution by require failed: the plain import below reports what is missing.
  }
  return "chevrotain";
}

const runtime = (await import(bundleSpecifier())) as typeof Chevrotain;

export const createToken = runtime.createToken;
export const Lexer = runtime.Lexer;
export type Lexer = Chevrotain.Lexer;
export const CstParser = runtime.CstParser;
export type CstParser = Chevrotain.CstParser;
