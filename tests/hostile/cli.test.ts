// The `formwork` command under hostile use (issue 17): pipes closed early, Ctrl-C, typos, out-of-range numbers,
// limits given on the command line, files that are not UTF-8, a folder for a model. Each ends in a clear outcome.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bin, cliError, formwork, scratch } from "./cli.js";
import { nestedParens, ruleChain } from "./inputs.js";

const files = scratch("formwork-hostile-cli-");
afterAll(() => files.done());

/** Runs the CLI with stdout read until the first chunk, then closed (as `| head -c1` does); resolves with the exit. */
function readOneChunk(args: string[]): Promise<{ code: number | null; signal: string | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.stdout.once("data", () => child.stdout.destroy());
    child.on("close", (code, signal) => resolve({ code, signal, err }));
  });
}

describe("pipes and signals", () => {
  it("stdout closed by the reader (| head -c1): status 0, nothing on stderr", async () => {
    const jsonl = files.file("many.jsonl", '{"text": "aaaa"}\n'.repeat(200_000));
    const r = await readOneChunk(["check", "--regex", "a+", "--jsonl", jsonl]);
    expect(r).toEqual({ code: 0, signal: null, err: "" });
  });

  it("Ctrl-C while generating: status 130 and one line, no stack", async () => {
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, "generate", "--stream", "--max-tokens", "3000", "--temperature", "1", "--prompt", "hi", "--threads", "1"], { stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      child.stdout.once("data", () => child.kill("SIGINT"));
      child.on("close", (code) => resolve({ code, err }));
    });
    expect(r.code).toBe(130);
    expect(r.err).toContain("formwork: interrupted");
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it.each(["check", "validate", "generate", "repair"])("Ctrl-C while %s works: status 130 and the line", async (verb) => {
    // check: a 50,000-rule chain and its 50,001-byte sentence (3.8 s CPU quiet, 12 s under load); validate: ajv
    // compiling 9,999 properties (6 s under load); generate: the same chain compiled before the model loads (12 s
    // under load; nothing else on stderr shows the model load had not begun); repair: 2 MB of YAML (several seconds).
    // Before every verb ran in a worker, generate's compile and repair ended with no message.
    const chain = () => files.file("chain.gbnf", ruleChain(50_000));
    const args =
      verb === "check"
        ? ["check", "--grammar", chain(), "--text", `${"a".repeat(50_000)}b`]
        : verb === "validate"
          ? ["validate", "--schema", files.file("p9999.json", JSON.stringify({ type: "object", properties: Object.fromEntries(Array.from({ length: 9_999 }, (_, i) => [`p${i}`, { type: "integer", minimum: i }])) })), "--value", "{}"]
          : verb === "generate"
            ? ["generate", "--grammar", chain(), "--max-tokens", "5", "--threads", "1", "--prompt", "x"]
            : ["repair", "--format", "yaml", "--quiet"];
    const input = verb === "repair" ? Array.from({ length: 150_000 }, (_, i) => `k${i}:${i}`).join("\n") : undefined;
    const r = await new Promise<{ code: number | null; signal: string | null; err: string; out: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
      let err = "";
      let out = "";
      child.stderr.on("data", (d) => (err += d));
      child.stdout.on("data", (d) => (out += d));
      const interrupt = () => setTimeout(() => child.kill("SIGINT"), 1_500);
      // repair: 1.5 s after the child took in the whole document (the work has begun), not while it reads.
      if (input !== undefined) child.stdin!.end(input, interrupt);
      else interrupt();
      child.on("close", (code, signal) => resolve({ code, signal, err, out }));
    });
    expect(r).toMatchObject({ code: 130, signal: null, out: "" });
    expect(r.err).toBe("\nformwork: interrupted\n");
  });
});

describe("arguments", () => {
  it("repair with a bad option and a stdin pipe left open (or never read): exit 2, not a process kept alive by unread stdin", async () => {
    for (const keepOpen of [true, false]) {
      const r = await new Promise<{ code: number | null; err: string; killed: boolean }>((resolve) => {
        const child = spawn(process.execPath, [bin, "repair", "--quite"], { stdio: ["pipe", "pipe", "pipe"] });
        let err = "";
        child.stderr.on("data", (d) => (err += d));
        child.stdout.resume();
        if (keepOpen) child.stdin.write('{"a": 1');
        else child.stdin.end('{"a": 1');
        // Hang detection, not a timing check: the error comes in about a second; this is 60 s.
        const kill = setTimeout(() => child.kill("SIGKILL"), 60_000);
        child.on("close", (code, signal) => {
          clearTimeout(kill);
          if (keepOpen) child.stdin.destroy();
          resolve({ code, err, killed: signal === "SIGKILL" });
        });
      });
      expect(r.killed).toBe(false);
      expect(r.code).toBe(2);
      expect(r.err).toContain("formwork: error [bad-arguments]");
    }
  }, 130_000);

  it("unknown options and commands: bad-arguments with the nearest name", () => {
    expect(cliError(formwork(["check", "--grammer", "g.gbnf", "--text", "a"]), "bad-arguments")).toContain("did you mean --grammar?");
    expect(cliError(formwork(["repair", "--quite"]), "bad-arguments")).toContain("did you mean --quiet?");
    expect(cliError(formwork(["generat"]), "bad-arguments")).toContain('did you mean "generate"?');
    expect(cliError(formwork(["check", "--zzzzzz"]), "bad-arguments")).not.toContain("did you mean");
  });

  it("--threads and --max-tokens out of range or not numbers: bad-arguments, bad-threads or max-threads before the model loads", () => {
    for (const t of ["0", "-1", "abc"]) cliError(formwork(["generate", `--threads=${t}`, "--prompt", "x"]), "bad-arguments");
    cliError(formwork(["generate", "--threads", "100000", "--prompt", "x"]), "bad-threads");
    for (const n of ["0", "abc"]) cliError(formwork(["generate", `--max-tokens=${n}`, "--prompt", "x"]), "bad-arguments");
  });

  it("--max-tokens past the context (1e12, 4096): context-too-small before the model loads", () => {
    for (const [n, extra] of [["1000000000000", []], ["4096", ["--n", "2"]]] as const) {
      const r = formwork(["generate", "--max-tokens", n, "--prompt", "x", ...extra]);
      expect(cliError(r, "context-too-small")).toContain(`--max-tokens ${n} cannot fit`);
      expect(r.err).not.toMatch(/formwork: loaded/);
    }
  });

  it("--limit NAME=N reaches the entry points; a bad name or value is bad-limit", () => {
    const parens = files.file("p250.gbnf", nestedParens(250));
    cliError(formwork(["check", "--grammar", parens, "--text", "a"]), "max-depth");
    expect(formwork(["check", "--grammar", parens, "--text", "a", "--limit", "maxDepth=300"])).toMatchObject({ code: 0, out: '{"accepted":true}\n' });
    // Raised past what the parser's stack holds: still a clear error.
    cliError(formwork(["check", "--grammar", files.file("p2000.gbnf", nestedParens(2_000)), "--text", "a", "--limit", "maxDepth=Infinity"]), "max-depth");
    cliError(formwork(["check", "--grammar", parens, "--text", "a", "--limit", "maxInputBytes=100"]), "max-input-bytes");
    const schema = files.file("wide.json", JSON.stringify({ type: "object", properties: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, {}])) }));
    cliError(formwork(["validate", "--schema", schema, "--value", "{}", "--limit", "maxProperties=10"]), "max-properties");
    expect(formwork(["repair", "--limit", "maxDepth=2"], { input: "[[[1]]]" }).err).toContain("(max-depth)");
    expect(cliError(formwork(["check", "--regex", "a", "--text", "a", "--limit", "maxDept=5"]), "bad-limit")).toContain("did you mean maxDepth?");
    for (const v of ["maxDepth=0", "maxDepth=abc"]) cliError(formwork(["check", "--regex", "a", "--text", "a", "--limit", v]), "bad-limit");
  });
});

describe("files", () => {
  it("a grammar or schema file that is not UTF-8: invalid-utf8 with the byte offset (it was read with U+FFFD in place)", () => {
    const g = files.file("latin1.gbnf", Buffer.concat([Buffer.from('root ::= "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    expect(cliError(formwork(["check", "--grammar", g, "--text", "café"]), "invalid-utf8")).toContain("at byte 13");
    const s = files.file("latin1.json", Buffer.concat([Buffer.from('{"const": "'), Buffer.from([0xe2, 0x82, 0x41]), Buffer.from('"}')]));
    expect(cliError(formwork(["validate", "--schema", s, "--value", '"x"']), "invalid-utf8")).toContain("at byte 11");
    // Valid UTF-8 of every length passes.
    expect(formwork(["check", "--grammar", files.file("ok.gbnf", 'root ::= "é€😀"\n'), "--text", "é€😀"])).toMatchObject({ code: 0 });
  });

  it("a folder given as the model: model-not-found saying it is a folder", () => {
    const dir = join(files.dir, "model.gguf");
    mkdirSync(dir);
    expect(cliError(formwork(["generate", "--model", dir, "--prompt", "x"]), "model-not-found")).toContain("is a directory");
  });
});
