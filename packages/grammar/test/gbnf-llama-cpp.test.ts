// Differential test of the GBNF parser against llama.cpp's own grammar parser
// (through node-llama-cpp, no model needed): on random texts built from GBNF's
// characters, Formwork accepts a grammar exactly when llama.cpp does, except
// for the documented differences (docs/grammars.md), where Formwork refuses
// what llama.cpp accepts silently. llama.cpp writes parse errors to the
// process's stderr from native code, so it runs in a child process.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CompileError } from "@formwork/core";
import { findLeftRecursion, parseGbnf } from "@formwork/grammar";

const repoRoot = resolve(import.meta.dirname, "../../..");
let llamaModule: string | undefined;
try {
  llamaModule = pathToFileURL(createRequire(resolve(repoRoot, "packages/testkit/package.json")).resolve("node-llama-cpp")).href;
} catch {
  llamaModule = undefined;
}

/** The child process's script: reads texts (JSON) on stdin, prints one boolean per text, or "unavailable". */
const CHILD = `
const nlc = await import(process.argv[2]);
const { readFileSync } = await import("node:fs");
let llama;
try {
  llama = await nlc.getLlama({ gpu: false, build: "never", maxThreads: 1, logLevel: nlc.LlamaLogLevel.error, progressLogs: false, logger: () => {} });
} catch {
  process.stdout.write("unavailable");
  process.exit(0);
}
const out = [];
for (const t of JSON.parse(readFileSync(0, "utf8"))) {
  try {
    await llama.createGrammar({ grammar: t });
    out.push(true);
  } catch {
    out.push(false);
  }
}
process.stdout.write(JSON.stringify(out));
process.exit(0);
`;

/** Runs llama.cpp's parser on each text in a child process: true when it accepts. Undefined when node-llama-cpp cannot load. */
function llamaCppAccepts(texts: string[]): boolean[] | undefined {
  // node-llama-cpp probes its binary in a subprocess that inherits execArgv, so the child must be a file, not `-e`.
  const dir = mkdtempSync(join(tmpdir(), "formwork-gbnf-"));
  const script = join(dir, "llama-parse.mjs");
  writeFileSync(script, CHILD);
  try {
    const stdout = execFileSync(process.execPath, [script, llamaModule!], {
      input: JSON.stringify(texts),
      stdio: ["pipe", "pipe", "ignore"],
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    }).toString();
    return stdout === "unavailable" ? undefined : (JSON.parse(stdout) as boolean[]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Codes where Formwork deliberately refuses what llama.cpp accepts (docs/grammars.md, "Differences from llama.cpp"). */
const STRICTER = new Set(["gbnf-duplicate-rule", "gbnf-bad-class-range", "gbnf-rule-never-finishes", "gbnf-empty-language", "gbnf-token-reference"]);

function ours(text: string): { ok: boolean; comparable: boolean } {
  try {
    const g = parseGbnf(text);
    // llama.cpp refuses left recursion when it builds the grammar; Formwork's parser accepts it.
    return { ok: true, comparable: findLeftRecursion(g).length === 0 };
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return { ok: false, comparable: !STRICTER.has(e.code) };
  }
}

const PIECES = ["root", " ::= ", "::=", "a", "b-c", "9", '"', '"x"', "[", "]", "[a-z]", "[^", "\\", "\\x4", "\\u00e9", "\\-", "(", ")", "|", "*", "+", "?", "{", "}", "{2,3}", "{2}", "{1,}", "{0,1}", ",", ".", "#c", "\n", "\r\n", " ", "\t", "é", "_", "'"];
const EXTRA_RULES = '\nb-c ::= "q"\na ::= [x]\n9 ::= "z"';

describe.skipIf(llamaModule === undefined)("GBNF parser versus llama.cpp's parser", () => {
  it("accepts and refuses the same random texts (documented differences aside)", (ctx) => {
    const arb = fc.tuple(fc.boolean(), fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }), fc.boolean()).map(([prefix, parts, extra]) => `${prefix ? "root ::= " : ""}${parts.join("")}${extra ? EXTRA_RULES : ""}`);
    const texts = fc.sample(arb, { seed: 20261123, numRuns: 5000 });
    const mine = texts.map(ours);
    const compared = texts.filter((_, i) => mine[i].comparable);
    const theirs = llamaCppAccepts(compared);
    if (theirs === undefined) return ctx.skip();
    const mineCompared = mine.filter((m) => m.comparable);
    const disagree = compared.filter((t, i) => mineCompared[i].ok !== theirs[i]).map((t, i) => ({ text: t, formwork: mineCompared[i].ok, llamaCpp: theirs[i] }));
    expect(disagree).toEqual([]);
    // The sample must exercise both outcomes.
    expect(theirs.filter(Boolean).length).toBeGreaterThan(150);
    expect(theirs.filter((x) => !x).length).toBeGreaterThan(300);
  });

  it("treats line breaks exactly as llama.cpp does", (ctx) => {
    const texts = [
      'root ::=\n  "a"',
      'root ::= "a" |\n  "b"',
      'root ::= "a"\n  | "b"',
      'root ::= (\n"a"\n|\n"b"\n)',
      'root ::= "a"\n"b"',
      'root ::= "a" # c\n\n\nx ::= "b"\nroot2 ::= x',
      'root\n::= "a"',
      'root ::= "a"{2,\n3}',
      'root ::= ("a"{2,\n3})',
      'root ::= "a"\r\nx ::= "b"',
      'root ::= "a"\rx ::= "b"',
      'root ::= "a\nb"',
      'root ::= [\n]',
    ];
    const theirs = llamaCppAccepts(texts);
    if (theirs === undefined) return ctx.skip();
    expect(texts.map((t) => ours(t).ok)).toEqual(theirs);
  });
});
