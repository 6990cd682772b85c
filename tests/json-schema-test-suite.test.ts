// JSON-Schema-Test-Suite (drafts 2020-12 and 7, required and optional tests)
// against @formwork/json-schema. For every test group whose schema compiles,
// each instance is serialised twice (compact `JSON.stringify(v)` and pretty
// `JSON.stringify(v, null, 2)`), and the compiled grammar (default flexible
// whitespace) must accept both texts exactly when the test says the instance
// is valid. Acceptance is decided by the grammar engine that users run: the
// grammar is compiled by one `GrammarCompiler` on the Qwen vocabulary and each
// text's UTF-8 bytes are walked with `matcher.acceptBytes`, then
// `isComplete()`. A group counts as compiled when both the schema compiler and
// the engine compile it (an engine refusal is a FormworkError with a code and
// is counted in `engineRefused`).
//
// Cross-check: the reference recognizer (`referenceMatch`, an independent
// Earley-style recognizer over the same grammar IR) decides every text too;
// any text where engine and reference disagree is reported and fails the
// test, as does a compile or matcher crash (an exception that is not a
// FormworkError).
//
// The compiler's contract is ajv (+ ajv-formats): it must never accept a value
// ajv rejects. Where ajv itself disagrees with the suite (some formats, content
// keywords), an accepted suite-invalid instance is counted as `ajvDisagrees`,
// not as `invalidAccepted`; both are reported. `invalidAccepted` (suite and
// ajv both say invalid) must be zero.
//
// Ratchet: tests/baselines/json-schema-test-suite.json holds per-file counts;
// the test fails when a file's `agreed` count drops, any invalid instance is
// accepted, or engine and reference disagree. Improvements are printed; `UPDATE_BASELINE=1` rewrites the file.
//
// The data lives outside the repository (../shared/data, or
// FORMWORK_SHARED_DATA); the suite is skipped when it is absent.
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { compileSchema, createValidator } from "@formwork/json-schema";
import { FormworkError } from "@formwork/core";
import { GrammarCompiler, type CompiledGrammar } from "@formwork/grammar";
import { referenceMatch } from "@formwork/grammar/testing";
import { qwenVocabulary } from "@formwork/testkit";

const repoRoot = resolve(import.meta.dirname, "..");
const dataRoot = process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data");
const suite = resolve(dataRoot, "json-schema-test-suite");
const baselinePath = resolve(repoRoot, "tests/baselines/json-schema-test-suite.json");

interface FileStats {
  groups: number;
  compiled: number;
  tests: number;
  run: number;
  agreed: number;
  invalidAccepted: number;
  validRejected: number;
  ajvDisagrees: number;
  engineRefused: number;
}

const isFormworkError = (e: unknown) => e instanceof FormworkError || (e instanceof Error && typeof (e as { code?: unknown }).code === "string");

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith(".json")) out.push(p);
  }
  return out;
}

function loadRemotes(): Record<string, unknown> {
  const dir = join(suite, "remotes");
  const out: Record<string, unknown> = {};
  for (const p of walk(dir)) out[`http://localhost:1234/${relative(dir, p).split("\\").join("/")}`] = JSON.parse(readFileSync(p, "utf8"));
  return out;
}

interface Group {
  description: string;
  schema: unknown;
  tests: { description: string; data: unknown; valid: boolean }[];
}

const DRAFTS: [string, 7 | 2020][] = [
  ["draft2020-12", 2020],
  ["draft7", 7],
];

describe.skipIf(!existsSync(suite))("JSON-Schema-Test-Suite", () => {
  it("agrees with the suite, accepts no invalid instance, and does not regress", () => {
    const remotes = loadRemotes();
    const results: Record<string, FileStats> = {};
    const problems: string[] = [];
    const compiler = new GrammarCompiler(qwenVocabulary());
    const engineRefusals: Record<string, number> = {};
    let disagreements = 0;
    for (const [folder, draft] of DRAFTS) {
      for (const file of walk(join(suite, folder))) {
        const key = relative(suite, file).split("\\").join("/");
        const stats: FileStats = { groups: 0, compiled: 0, tests: 0, run: 0, agreed: 0, invalidAccepted: 0, validRejected: 0, ajvDisagrees: 0, engineRefused: 0 };
        const groups = JSON.parse(readFileSync(file, "utf8")) as Group[];
        for (const group of groups) {
          stats.groups++;
          stats.tests += group.tests.length;
          let grammar;
          try {
            grammar = compileSchema(group.schema, { draft, remotes }).grammar;
          } catch (e) {
            if (!isFormworkError(e)) problems.push(`${key} / ${group.description}: compile crashed: ${(e as Error).stack}`);
            continue;
          }
          let cg: CompiledGrammar;
          try {
            cg = compiler.compile(grammar);
          } catch (e) {
            if (!isFormworkError(e)) problems.push(`${key} / ${group.description}: engine compile crashed: ${(e as Error).stack}`);
            else {
              stats.engineRefused++;
              const code = (e as FormworkError).code;
              engineRefusals[code] = (engineRefusals[code] ?? 0) + 1;
            }
            continue;
          }
          stats.compiled++;
          const engineAccepts = (text: string): boolean => {
            const m = cg.createMatcher();
            return m.acceptBytes(text) && m.isComplete();
          };
          let ajv: ((v: unknown) => { valid: boolean }) | null = null;
          try {
            // The oracle runs patterns on RegExp, independent of @formwork/regex (the suite's schemas are trusted).
            ajv = createValidator(group.schema, { draft, remotes, regExp: "backtracking" });
          } catch {
            ajv = null;
          }
          for (const t of group.tests) {
            stats.run++;
            const texts = [JSON.stringify(t.data), JSON.stringify(t.data, null, 2)];
            let accepted: boolean[];
            try {
              accepted = texts.map(engineAccepts);
            } catch (e) {
              problems.push(`${key} / ${group.description} / ${t.description}: matcher ${isFormworkError(e) ? "refused" : "crashed"}: ${(e as Error).stack}`);
              continue;
            }
            const reference = texts.map((text) => referenceMatch(grammar, text).accepted);
            for (const [i, text] of texts.entries()) {
              if (accepted[i] !== reference[i]) {
                disagreements++;
                problems.push(`ENGINE/REFERENCE DISAGREE ${key} / ${group.description} / ${t.description}: engine ${accepted[i] ? "accepts" : "rejects"}, reference ${reference[i] ? "accepts" : "rejects"}: ${text}`);
              }
            }
            const ajvValid = ajv ? ajv(t.data).valid : t.valid;
            if (accepted.every((a) => a === t.valid)) stats.agreed++;
            else if (!t.valid && ajvValid) stats.ajvDisagrees++;
            else if (!t.valid) {
              stats.invalidAccepted++;
              problems.push(`INVALID ACCEPTED ${key} / ${group.description} / ${t.description}: ${texts[0]}`);
            } else stats.validRejected++;
          }
        }
        results[key] = stats;
      }
    }
    const total = Object.values(results).reduce(
      (a, s) => ({ groups: a.groups + s.groups, compiled: a.compiled + s.compiled, tests: a.tests + s.tests, run: a.run + s.run, agreed: a.agreed + s.agreed, invalidAccepted: a.invalidAccepted + s.invalidAccepted, validRejected: a.validRejected + s.validRejected, ajvDisagrees: a.ajvDisagrees + s.ajvDisagrees, engineRefused: a.engineRefused + s.engineRefused }),
      { groups: 0, compiled: 0, tests: 0, run: 0, agreed: 0, invalidAccepted: 0, validRejected: 0, ajvDisagrees: 0, engineRefused: 0 },
    );
    console.log(`JSON-Schema-Test-Suite: ${total.compiled}/${total.groups} schemas compiled, ${total.agreed}/${total.tests} tests agreed (${total.run} run), ${total.invalidAccepted} invalid accepted, ${total.validRejected} valid rejected, ${total.ajvDisagrees} suite-invalid but ajv-valid accepted; engine (Qwen vocabulary, acceptBytes) decides, ${total.engineRefused} groups refused by the engine ${JSON.stringify(engineRefusals)}, ${disagreements} engine/reference disagreements`);
    const baseline: Record<string, FileStats> = existsSync(baselinePath) ? JSON.parse(readFileSync(baselinePath, "utf8")) : {};
    const regressions: string[] = [];
    const improvements: string[] = [];
    for (const [key, s] of Object.entries(results)) {
      const b = baseline[key];
      if (!b) continue;
      if (s.agreed < b.agreed) regressions.push(`${key}: agreed ${b.agreed} -> ${s.agreed}`);
      else if (s.agreed > b.agreed) improvements.push(`${key}: agreed ${b.agreed} -> ${s.agreed}`);
    }
    if (improvements.length) console.log(`improvements (run with UPDATE_BASELINE=1 to record):\n  ${improvements.join("\n  ")}`);
    if (process.env.UPDATE_BASELINE === "1") writeFileSync(baselinePath, `${JSON.stringify({ ...results, total }, null, 1)}\n`);
    expect(problems).toEqual([]);
    expect(regressions).toEqual([]);
  });
});
