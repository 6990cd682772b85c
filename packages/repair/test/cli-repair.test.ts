import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { FormworkError } from "@formwork/core";
// The CLI verb module is tested in-process (the built `formwork` binary is wired by the lead).
import { command, runRepair, type RepairIo } from "../../cli/src/commands/repair.js";

async function run(args: string[], stdin = ""): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: RepairIo = { readStdin: async () => stdin, stdout: (s) => void (out += s), stderr: (s) => void (err += s) };
  const code = await runRepair(args, io);
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), "formwork-repair-cli-"));
const schemaFile = join(dir, "schema.json");
writeFileSync(schemaFile, JSON.stringify({ type: "object", properties: { n: { type: "integer" } }, required: ["n"] }));

describe("formwork repair --stream", () => {
  async function runStream(args: string[], chunks: (string | Uint8Array)[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const io: RepairIo = {
      readStdin: async () => chunks.join(""),
      stdinChunks: async function* () {
        yield* chunks;
      },
      stdout: (s) => void (out += s),
      stderr: (s) => void (err += s),
    };
    const code = await runRepair(args, io);
    return { code, out, err };
  }

  test("the same JSON as without --stream, edits by offset as they come, then their counts", async () => {
    const text = "Sure:\n```json\n{'a': True, b: [1, 2,], c: \"é€\"}\n```";
    const bytes = new TextEncoder().encode(text);
    // Chunks cut inside the multi-byte characters.
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 38), bytes.subarray(38, 39), bytes.subarray(39)];
    const plain = await run(["--quiet"], text);
    const r = await runStream(["--stream"], chunks);
    expect(r.code).toBe(0);
    expect(r.out).toBe(plain.out);
    expect(r.err).toMatch(/^@0 strip-prose \(certain\): /);
    expect(r.err).toMatch(/^@\d+ replace-literal \(certain\): /m);
    expect(r.err).toMatch(/^edits: strip-prose 1, strip-fence 2, .*replace-literal 1/m);
    const quiet = await runStream(["--stream", "--quiet", "--indent", "2"], [text]);
    expect(quiet.err).toBe("");
    expect(quiet.out).toBe((await run(["--quiet", "--indent", "2"], text)).out);
  });

  test("refuses a schema, YAML and --jsonl with a clear error; a limit stops it with exit 1", async () => {
    await expect(runStream(["--stream", "--schema", schemaFile], ["{}"])).rejects.toThrow(/--stream repairs JSON without a schema; it does not take --schema/);
    await expect(runStream(["--stream", "--format", "yaml"], ["a: 1"])).rejects.toThrow(/does not take --format yaml/);
    const deep = await runStream(["--stream", "--limit", "maxDepth=10"], ["[".repeat(20)]);
    expect(deep.code).toBe(1);
    expect(deep.err).toContain("(max-depth)");
    const big = await runStream(["--stream", "--limit", "maxInputBytes=100"], ["[1,", "2,".repeat(100), "3]"]);
    expect(big.code).toBe(1);
    expect(big.err).toContain("(max-input-bytes)");
    const none = await runStream(["--stream"], ["no json here\nat all"]);
    expect(none.code).toBe(1);
    expect(none.err).toContain("no JSON value was found");
  });
});

describe("formwork repair", () => {
  test("repairs stdin to stdout with edits on stderr, one per line", async () => {
    const r = await run([], "```json\n{'a': True, b: [1, 2,]\n```");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ a: true, b: [1, 2] });
    const lines = r.err.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const l of lines) expect(l).toMatch(/^(\d+:\d+ [a-z-]+ \((certain|likely|guess)(, lossy)?\): |warning: the repair is )/);
    expect(r.err).toContain("strip-fence");
  });

  test("says when the repair is a guess or lossy, and stays quiet about certain ones", async () => {
    const certain = await run([], '{"a": 1,}');
    expect(certain.code).toBe(0);
    expect(certain.err).toMatch(/\(certain\)/);
    expect(certain.err).not.toContain("warning:");
    const prose = await run([], "hello world");
    expect(prose.code).toBe(0);
    expect(JSON.parse(prose.out)).toBe("hello world");
    expect(prose.err).toMatch(/\(guess\)/);
    expect(prose.err).toContain("warning: the repair is a guess");
    const cut = await run([], '{"a": [1, 2');
    expect(cut.err).toMatch(/lossy|warning: the repair is/);
    const quiet = await run(["--quiet"], "hello world");
    expect(quiet.err).toBe("");
  });

  test("with --schema: exit 0 when valid, 1 with the reasons when not", async () => {
    const ok = await run(["--schema", schemaFile], '{"n": "7"}');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toEqual({ n: 7 });
    expect(ok.err).toContain("coerce-type");
    const bad = await run(["--schema", schemaFile], '{"m": 1}');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("error:");
  });

  test("--format yaml and --format csv", async () => {
    const y = await run(["--format", "yaml"], "a:\n\tb: 1\n");
    expect(y.code).toBe(0);
    expect(y.out).toContain("b: 1");
    const cols = join(dir, "cols.json");
    writeFileSync(cols, JSON.stringify([{ name: "id", type: "integer" }, { name: "ok", type: "boolean" }]));
    const c = await run(["--format", "csv", "--columns", cols], "ID;OK\n1;yes\n2;no\n");
    expect(c.code).toBe(0);
    expect(c.out).toBe("id,ok\n1,true\n2,false\n");
  });

  test("--jsonl: one JSON line out per line in", async () => {
    const file = join(dir, "batch.jsonl");
    writeFileSync(file, [JSON.stringify({ input: "{a: 1,}" }), JSON.stringify({ input: "[1, 2" }), "not json", ""].join("\n"));
    const r = await run(["--jsonl", file]);
    const lines = r.out.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ ok: true, value: { a: 1 }, text: '{"a":1}' });
    expect(lines[0].edits.length).toBeGreaterThan(0);
    expect(lines[1]).toMatchObject({ ok: true, value: [1, 2] });
    expect(lines[2].ok).toBe(false);
    expect(r.code).toBe(1);
  });

  test("nothing repairable: exit 1", async () => {
    // (One line of plain text would be read as a string, as a guess: see json-edits.test.ts.)
    const r = await run([], "no json\nat all");
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
  });

  test("bad arguments throw ArgumentError (exit 2 through the dispatcher)", async () => {
    await expect(run(["--format", "xml"])).rejects.toBeInstanceOf(FormworkError);
    await expect(run(["--bogus"])).rejects.toBeInstanceOf(FormworkError);
    await expect(run(["--schema", join(dir, "missing.json")])).rejects.toThrow(/cannot be read/);
    await expect(run(["--columns", schemaFile])).rejects.toThrow(/csv only/);
  });

  test("--help text explains every flag with an example", () => {
    for (const flag of ["--format", "--schema", "--columns", "--jsonl", "--indent", "--quiet"]) expect(command.help).toContain(flag);
    expect(command.help).toContain("Example");
  });
});
