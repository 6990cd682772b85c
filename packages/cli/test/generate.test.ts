// `formwork generate` in process on the tiny fixture model (built and cached by @formwork/testkit).
import { describe, expect, it } from "vitest";
import { run } from "@formwork/cli";
import { createValidator } from "@formwork/json-schema";
import { testThreads } from "@formwork/testkit";
import { join } from "node:path";
import { captureCli } from "./capture.js";

const io = captureCli("formwork-generate-");
const file = io.file;
// In process, stdin is the test runner's (a pipe under CI): the prompt is always given, so nothing waits on it.
const gen = (...args: string[]) => run(["generate", "--threads", String(testThreads()), ...(args.includes("--prompt") ? [] : ["--prompt", "The answer is"]), ...args]);

const SCHEMA = {
  type: "object",
  properties: { name: { type: "string", maxLength: 10 }, score: { type: "number", minimum: 0, maximum: 1 }, ok: { type: "boolean" } },
  required: ["name", "score", "ok"],
  additionalProperties: false,
};

describe("formwork generate", () => {
  it("--schema: a valid JSON value on stdout, timings on stderr, exit 0", async () => {
    const schemaPath = file("s.json", JSON.stringify(SCHEMA));
    for (const seed of ["1", "2"]) {
      io.out = "";
      expect(await gen("--schema", schemaPath, "--prompt", "A record:", "--seed", seed, "--max-tokens", "60")).toBe(0);
      const value: unknown = JSON.parse(io.out);
      expect(createValidator(SCHEMA)(value).valid).toBe(true);
    }
    expect(io.err).toMatch(/fixture model/);
    expect(io.err).toMatch(/tokens\/s/);
  });

  it("--whitespace pretty and --property-order any shape the generated text", async () => {
    const schemaPath = file("s3.json", JSON.stringify(SCHEMA));
    expect(await gen("--schema", schemaPath, "--whitespace", "pretty", "--indent", "4", "--property-order", "any", "--json", "--max-tokens", "80", "--seed", "3")).toBe(0);
    const summary = JSON.parse(io.out.trim().split("\n").pop()!) as { text: string; value: unknown };
    expect(createValidator(SCHEMA)(summary.value).valid).toBe(true);
    // The pretty layout is exactly JSON.stringify's with that indent, whatever the key order.
    expect(summary.text).toBe(JSON.stringify(summary.value, null, 4));
  });

  it("--regex and --grammar constrain the text; --json prints a summary line", async () => {
    expect(await gen("--regex", "[a-z]{2,6}-[0-9]{3}", "--temperature", "1.2", "--max-tokens", "12")).toBe(0);
    expect(io.out.trim()).toMatch(/^[a-z]{2,6}-[0-9]{3}$/);
    io.out = "";
    const gbnf = file("g.gbnf", 'root ::= "yes" | "no" | "maybe " [0-9]');
    expect(await gen("--grammar", gbnf, "--json", "--stream")).toBe(0);
    const lines = io.out.trim().split("\n");
    const summary = JSON.parse(lines[lines.length - 1]) as { text: string; stopReason: string; complete: boolean };
    expect(summary.text).toMatch(/^(yes|no|maybe [0-9])$/);
    expect(lines[0]).toBe(summary.text);
    expect(summary.complete).toBe(true);
  });

  it("free text with no constraint", async () => {
    expect(await gen("--prompt", "Hello", "--max-tokens", "8")).toBe(0);
    expect(io.out.length).toBeGreaterThan(0);
  });

  it("--help explains every flag with an example", async () => {
    expect(await run(["generate", "--help"])).toBe(0);
    for (const flag of ["--schema", "--grammar", "--regex", "--model", "--prompt", "--temperature", "--top-k", "--top-p", "--min-p", "--seed", "--max-tokens", "--stream", "--threads", "--stop", "--start-after", "--chat", "--whitespace", "--indent", "--property-order", "--lenient"]) {
      expect(io.out).toContain(flag);
    }
    expect(io.out).toMatch(/Examples?:/);
  });

  it("bad input: clear message and a non-zero exit", async () => {
    expect(await gen("--model", join(io.dir, "missing.gguf"))).toBe(2);
    expect(io.err).toMatch(/does not exist/);
    io.err = "";
    expect(await gen("--schema", file("bad.json", '{"type": "object", "properties": {"a": {"$ref": "#/nowhere"}}}'))).toBe(2);
    expect(io.err).toMatch(/^formwork: error \[unresolved-ref\] at \S+bad.json \/properties\/a\/\$ref: /);
    io.err = "";
    expect(await gen("--schema", file("broken.json", "{nope"))).toBe(2);
    expect(io.err).toMatch(/not valid JSON/);
    io.err = "";
    expect(await gen("--schema", file("s2.json", JSON.stringify(SCHEMA)), "--max-tokens", "3")).toBe(2);
    expect(io.err).toMatch(/maxTokens is 3/);
    io.err = "";
    expect(await gen("--regex", "a", "--schema", "x.json")).toBe(2);
    expect(io.err).toMatch(/not --schema and --regex|--schema and --regex/);
  });

  it("--format yaml: YAML that parses (yaml 1.2 and 1.1) to a value ajv accepts, for seeds x temperatures, also under a tight --max-tokens and in the flexible layout", async () => {
    const { parseDocument } = await import("yaml");
    const schema = { type: "object", properties: { name: { type: "string", maxLength: 12 }, tags: { type: "array", items: { enum: ["yes", "no", "on", "off"] }, maxItems: 3 }, score: { type: "number", minimum: 0, maximum: 1 } }, required: ["name", "tags", "score"], additionalProperties: false };
    const schemaPath = file("y.json", JSON.stringify(schema));
    const validate = createValidator(schema);
    let runs = 0;
    for (const [seed, temp, max, ws] of [["1", "0.8", "80"], ["2", "1.5", "80"], ["3", "1", "80"], ["4", "1.2", "30"], ["5", "0.5", "30"], ["7", "1.5", "60", "flexible"]]) {
      io.out = "";
      expect(await gen("--schema", schemaPath, "--format", "yaml", ...(ws ? ["--whitespace", ws] : []), "--prompt", "A record in YAML:", "--seed", seed, "--temperature", temp, "--max-tokens", max, "--json")).toBe(0);
      const summary = JSON.parse(io.out.trim().split("\n").pop()!) as { text: string; value: unknown; complete: boolean };
      expect(summary.complete, summary.text).toBe(true);
      for (const version of ["1.2", "1.1"] as const) {
        const doc = parseDocument(summary.text, { version });
        expect(doc.errors, summary.text).toEqual([]);
        expect(doc.toJS(), `${version}: ${summary.text}`).toEqual(summary.value);
      }
      expect(validate(summary.value).valid, summary.text).toBe(true);
      // The exact layout writes an array of scalars in flow style.
      if (!ws && (summary.value as { tags: unknown[] }).tags.length > 0) expect(summary.text, summary.text).toMatch(/^tags: \[/m);
      runs++;
    }
    expect(runs).toBe(6);
    io.out = "";
    expect(await gen("--schema", schemaPath, "--format", "yaml", "--seed", "6", "--max-tokens", "80")).toBe(0);
    expect(validate(parseDocument(io.out).toJS()).valid, io.out).toBe(true);
    expect(io.out).not.toMatch(/^\{/);
  }, 300_000); // ~22 s alone; seven model runs, past 120 s under load (and a timed-out run kept writing into the next test's output)

  it("--columns writes a CSV table (one newline after its last row), the value in --json, and --n picks among tables", async () => {
    expect(await gen("--columns", "name:string<=8,age:integer>=0<=120", "--max-rows", "2", "--delimiter", ";", "--seed", "2", "--max-tokens", "60")).toBe(0);
    expect(io.out.split("\n")[0]).toMatch(/^"?name"?;"?age"?$/); // the header's names, bare or quoted
    expect(io.out.endsWith("\n") && !io.out.endsWith("\n\n"), JSON.stringify(io.out)).toBe(true);
    io.out = "";
    expect(await gen("--columns", "n:integer>=0<=9", "--min-rows", "1", "--max-rows", "2", "--seed", "3", "--max-tokens", "40", "--json")).toBe(0);
    const summary = JSON.parse(io.out.trim().split("\n").pop()!) as { text: string; value: { n: number }[]; complete: boolean };
    expect(summary.complete, summary.text).toBe(true);
    expect(summary.value.length >= 1 && summary.value.length <= 2 && summary.value.every((r) => Number.isInteger(r.n) && r.n >= 0 && r.n <= 9), summary.text).toBe(true);
    io.out = "";
    expect(await gen("--columns", "n:integer>=0<=9", "--max-rows", "2", "--n", "2", "--seed", "4", "--max-tokens", "40")).toBe(0);
    expect(io.out).not.toContain("[object Object]");
    expect(io.out.split("\n")[0]).toMatch(/^"?n"?$/);
  });

  it("--format refuses what it cannot do", async () => {
    const schemaPath = file("y2.json", JSON.stringify(SCHEMA));
    expect(await gen("--schema", schemaPath, "--format", "toml")).toBe(2);
    expect(io.err).toMatch(/--format must be json, yaml or csv/);
    io.err = "";
    expect(await gen("--schema", schemaPath, "--format", "yaml", "--whitespace", "pretty")).toBe(2);
    expect(io.err).toMatch(/--whitespace pretty applies to JSON only/);
  });
});
