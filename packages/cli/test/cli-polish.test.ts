// The formwork command as a person runs it: the built bin in a child process (stdin, exit codes, the current
// directory), the error format, --version, validate, check's note on valid texts outside the canonical forms.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testThreads } from "@formwork/testkit";

const repo = resolve(import.meta.dirname, "../../..");
const bin = join(repo, "packages/cli/dist/bin.js");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "formwork-cli-"));
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "person.json"), JSON.stringify({ type: "object", properties: { name: { type: "string", maxLength: 8 }, age: { type: "integer", minimum: 0 } }, required: ["name", "age"], additionalProperties: false }));
  writeFileSync(join(dir, "typo.json"), JSON.stringify({ type: "object", propertes: { a: { type: "string" } } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the built `formwork` in `cwd` with `input` on stdin. */
function formwork(args: string[], { cwd = dir, input, env }: { cwd?: string; input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, input, encoding: "utf8", env: { ...process.env, ...env }, timeout: 280_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("formwork (the built command)", () => {
  it("--version prints the version", () => {
    const r = formwork(["--version"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^formwork \d+\.\d+\.\d+\n$/);
  });

  it("reads paths relative to the folder it runs in, also under a package manager's script", () => {
    const r = formwork(["validate", "--schema", "../person.json", "--value", '{"name": "Ada", "age": 3}'], { cwd: join(dir, "sub") });
    expect(r).toMatchObject({ code: 0, out: '{"valid":true}\n' });
    // `pnpm formwork` runs the script in the repository root and says where it was typed (INIT_CWD).
    const viaScript = formwork(["validate", "--schema", "../person.json", "--value", '{"name": "Ada", "age": 3}'], { cwd: repo, env: { INIT_CWD: join(dir, "sub"), npm_lifecycle_event: "formwork" } });
    expect(viaScript).toMatchObject({ code: 0, out: '{"valid":true}\n' });
  });

  it("validate: ajv's verdict per value, --jsonl - from stdin, exit 1 when one is invalid", () => {
    const r = formwork(["validate", "--schema", "person.json", "--jsonl", "-"], { input: '{"value": {"name": "Ada", "age": 3}}\n\n{"value": {"age": 3.0, "name": "Bob"}}\n{"value": {"name": "Ada", "age": -1}}\n' });
    expect(r.code).toBe(1);
    const lines = r.out.trim().split("\n").map((l) => JSON.parse(l) as { valid: boolean; errors?: { instancePath: string; keyword: string }[] });
    expect(lines.map((l) => l.valid)).toEqual([true, true, false]);
    expect(lines[2].errors![0]).toMatchObject({ instancePath: "/age", keyword: "minimum" });
  });

  it("check says when a text is valid but not in a form the grammar generates", () => {
    const reordered = formwork(["check", "--schema", "person.json", "--text", '{"age": 3, "name": "Ada"}']);
    expect(reordered.code).toBe(1);
    const verdict = JSON.parse(reordered.out) as { accepted: boolean; valid?: boolean; note?: string };
    expect(verdict).toMatchObject({ accepted: false, valid: true });
    expect(verdict.note).toMatch(/valid under the schema.*not one the grammar generates/);
    const invalid = JSON.parse(formwork(["check", "--schema", "person.json", "--text", '{"name": "Ada", "age": -3}']).out) as { accepted: boolean; valid?: boolean };
    expect(invalid.accepted).toBe(false);
    expect(invalid.valid).toBeUndefined();
    const texts = formwork(["check", "--regex", "[a-z]+", "--jsonl", "-"], { input: '{"text": "abc"}\n{"text": "ab1"}\n' });
    expect(texts.out.trim().split("\n").map((l) => (JSON.parse(l) as { accepted: boolean }).accepted)).toEqual([true, false]);
  });

  it("errors: one format with the code and the place, JSON under --json; warnings alike; --strict refuses", () => {
    const bad = formwork(["check", "--schema", "typo.json", "--strict", "--text", "{}"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^formwork: error \[unknown-keyword\] at typo\.json \/propertes: "propertes" is not a JSON Schema keyword \(did you mean "properties"\?\)\. Rename it to "properties"\.\n$/);
    const json = formwork(["check", "--schema", "typo.json", "--strict", "--text", "{}", "--json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.err)).toEqual({
      error: {
        code: "unknown-keyword",
        message: '"propertes" is not a JSON Schema keyword (did you mean "properties"?)',
        at: "typo.json /propertes",
        location: { kind: "pointer", pointer: "/propertes" },
        hint: 'Rename it to "properties".',
      },
    });
    const warned = formwork(["check", "--schema", "typo.json", "--text", "{}"]);
    expect(warned.code).toBe(0);
    expect(warned.err).toMatch(/^formwork: warning \[unknown-keyword\] at typo\.json \/propertes: "propertes" is not a JSON Schema keyword \(did you mean "properties"\?\); it is ignored\n$/);
    const unknownVerb = formwork(["frobnicate"]);
    expect(unknownVerb.code).toBe(2);
    expect(unknownVerb.err).toMatch(/^formwork: error \[bad-arguments\]: unknown command "frobnicate"/);
    const missing = formwork(["validate", "--schema", "nope.json", "--value", "1"]);
    expect(missing.err).toMatch(/^formwork: error \[file-not-found\] at nope\.json: --schema nope\.json: the file cannot be read \(ENOENT\)/);
  });

  it("generate: the prompt from stdin (--prompt -, or piped with no --prompt) is the prompt", { timeout: 1_200_000 }, () => {
    const common = ["generate", "--regex", "[a-z]{3,12}", "--seed", "5", "--temperature", "1", "--max-tokens", "8", "--threads", String(testThreads()), "--json"];
    const given = formwork([...common, "--prompt", "Once upon a time"]);
    expect(given.code).toBe(0);
    const dash = formwork([...common, "--prompt", "-"], { input: "Once upon a time\n" });
    const piped = formwork(common, { input: "Once upon a time" });
    const other = formwork([...common, "--prompt", "Zebra"]);
    const text = (r: { out: string }) => (JSON.parse(r.out) as { text: string }).text;
    expect(text(dash)).toBe(text(given));
    expect(text(piped)).toBe(text(given));
    expect(text(other)).not.toBe(text(given));
    // --json reports the real load time of the model, not the 0 of a model loaded before the call.
    const summary = JSON.parse(given.out) as { timings: { loadMs: number }; model: string };
    expect(summary.timings.loadMs).toBeGreaterThan(0);
    expect(summary.model).toMatch(/fixture-qwen3-tiny/);
  });
});
