import { describe, expect, it } from "vitest";
import { join, resolve } from "node:path";
import { run } from "@formwork/cli";
import { captureCli } from "./capture.js";

const GRAMMARS = resolve(import.meta.dirname, "../../../grammars");
const io = captureCli("formwork-check-");
const file = io.file;
const lines = () => io.out.trim().split("\n").map((l) => JSON.parse(l) as { accepted: boolean; offset?: number; message?: string });
const check = (...args: string[]) => run(["check", ...args]);

describe("formwork check", () => {
  it("accepts a matching text with exit 0", async () => {
    expect(await check("--grammar", join(GRAMMARS, "json.gbnf"), "--text", '{"a": [1, 2]}')).toBe(0);
    expect(lines()).toEqual([{ accepted: true }]);
    expect(io.err).toBe("");
  });

  it("rejects with the UTF-8 byte offset and what was expected, exit 1", async () => {
    expect(await check("--grammar", join(GRAMMARS, "json.gbnf"), "--text", '{"é": tru}')).toBe(1);
    const [r] = lines();
    expect(r.accepted).toBe(false);
    expect(r.offset).toBe(10); // {"é": tru} — é is two bytes; the "}" after "tru" is at byte 10
    expect(r.message).toContain("unexpected '}' at byte 10");
    expect(r.message).toContain("expected 'e'");
  });

  it("reports an incomplete text at its length", async () => {
    expect(await check("--grammar", join(GRAMMARS, "arithmetic.gbnf"), "--text", "(1 + 2")).toBe(1);
    const [r] = lines();
    expect(r.offset).toBe(6);
    expect(r.message).toContain("ends too early");
    expect(r.message).toContain("')'");
  });

  it("checks a JSONL file line by line, in order, skipping blank lines", async () => {
    const jsonl = file("in.jsonl", ['{"text": "1. e4 e5"}', "", '{"text": "1. e9", "note": "bad rank"}', '{"text": "1. O-O"}', ""].join("\n"));
    expect(await check("--grammar", join(GRAMMARS, "chess.gbnf"), "--jsonl", jsonl)).toBe(1);
    const rs = lines();
    expect(rs.map((r) => r.accepted)).toEqual([true, false, true]);
    expect(rs[1].offset).toBe(4);
  });

  it("exits 0 for a JSONL file whose texts all match", async () => {
    const jsonl = file("ok.jsonl", '{"text": "- a\\n"}\n{"text": "- b\\n- c\\n"}\n');
    expect(await check("--grammar", join(GRAMMARS, "list.gbnf"), "--jsonl", jsonl)).toBe(0);
    expect(lines()).toEqual([{ accepted: true }, { accepted: true }]);
  });

  it("exits 2 on a bad grammar, naming the file, line and column", async () => {
    const g = file("bad.gbnf", 'root ::= "a" item\nitem ::= [0-9\n');
    expect(await check("--grammar", g, "--text", "a1")).toBe(2);
    expect(io.out).toBe("");
    expect(io.err).toContain("bad.gbnf");
    expect(io.err).toContain("bad.gbnf:2:10");
    expect(io.err).toContain("never closed");
  });

  it("warns about unused rules on stderr but still checks", async () => {
    const g = file("w.gbnf", 'root ::= "a"\nspare ::= "b"\n');
    expect(await check("--grammar", g, "--text", "a")).toBe(0);
    expect(io.err).toContain('warning');
    expect(io.err).toContain('"spare"');
  });

  it("takes another start rule with --root", async () => {
    const g = file("r.gbnf", 'doc ::= "x" item\nitem ::= [0-9]\n');
    expect(await check("--grammar", g, "--root", "doc", "--text", "x7")).toBe(0);
  });

  it.each([
    [["--text", "a"], "exactly one of --grammar FILE, --regex PATTERN, --schema FILE or --columns SPEC"],
    [["--grammar", "x.gbnf", "--regex", "a", "--text", "a"], "give one of --schema FILE, --columns SPEC, --grammar FILE and --regex PATTERN, not --grammar and --regex"],
    [["--grammar", "x.gbnf", "--flags", "i", "--text", "a"], "--flags only goes with --regex"],
    [["--regex", "(a)\\1", "--text", "aa"], "backreference"],
    [["--schema", "/nonexistent/s.json", "--text", "a"], "--schema /nonexistent/s.json: the file cannot be read"],
    [["--grammar", "x.gbnf"], "exactly one of --text"],
    [["--grammar", "x.gbnf", "--text", "a", "--jsonl", "f"], "exactly one of --text"],
    [["--grammar", "/nonexistent/x.gbnf", "--text", "a"], "--grammar /nonexistent/x.gbnf: the file cannot be read"],
    [["--schema", "s.json", "--root", "r", "--text", "a"], "--root only goes with --grammar"],
    [["--grammar", "x.gbnf", "--bogus"], "Unknown option"],
  ])("exits 2 on bad arguments %j", async (args, message) => {
    expect(await check(...args)).toBe(2);
    expect(io.err).toContain(message);
  });

  it("exits 2 on a bad JSONL line, naming the line", async () => {
    const jsonl = file("bad.jsonl", '{"text": "a"}\nnot json\n');
    expect(await check("--grammar", join(GRAMMARS, "arithmetic.gbnf"), "--jsonl", jsonl)).toBe(2);
    expect(io.err).toContain("line 2 is not JSON");
    const jsonl2 = file("bad2.jsonl", '{"txt": "a"}\n');
    expect(await check("--grammar", join(GRAMMARS, "arithmetic.gbnf"), "--jsonl", jsonl2)).toBe(2);
    expect(io.err).toContain('line 1 has no "text" field');
  });

  it("checks whole matches of a regex, with flags, against RegExp's own verdict", async () => {
    const cases: [string, string, string][] = [
      ["\\d{4}-\\d{2}-\\d{2}", "", "2026-11-23"],
      ["\\d{4}-\\d{2}-\\d{2}", "", "2026-11-2"],
      ["\\d{4}-\\d{2}-\\d{2}", "", "x2026-11-23"],
      ["yes|no", "i", "YES"],
      ["yes|no", "", "YES"],
      ["[\\p{L}]+", "u", "héllo"],
      ["a.c", "s", "a\nc"],
      ["a.c", "", "a\nc"],
    ];
    for (const [pattern, flags, text] of cases) {
      io.out = "";
      const args = ["--regex", pattern, ...(flags ? ["--flags", flags] : []), "--text", text];
      const want = new RegExp(`^(?:${pattern})$`, flags).test(text);
      expect(await check(...args)).toBe(want ? 0 : 1);
      expect(lines()[0].accepted).toBe(want);
    }
  });

  it("checks JSON texts against a schema, with the offset of the first bad byte", async () => {
    const schema = file("s.json", JSON.stringify({ type: "object", properties: { age: { type: "integer", minimum: 10 } }, required: ["age"], additionalProperties: false }));
    expect(await check("--schema", schema, "--text", '{"age": 12}')).toBe(0);
    io.out = "";
    expect(await check("--schema", schema, "--text", '{"age": 9}')).toBe(1);
    // "9" may still start 90..99, so the text leaves the grammar at the "}" (byte 9).
    expect(lines()[0]).toMatchObject({ accepted: false, offset: 9 });
    io.out = "";
    expect(await check("--schema", schema, "--text", '{"age": 12, "x": 1}')).toBe(1);
    const bad = file("bad.json", "{not json");
    expect(await check("--schema", bad, "--text", "{}")).toBe(2);
    expect(io.err).toContain("not valid JSON");
  });

  it("takes the JSON Schema layout flags: whitespace, indent, property order, lenient", async () => {
    const schema = file("p.json", JSON.stringify({ type: "object", properties: { name: { type: "string" }, age: { type: "integer" } }, required: ["name", "age"], additionalProperties: false }));
    const reordered = '{"age":3,"name":"Ada"}';
    expect(await check("--schema", schema, "--text", reordered)).toBe(1);
    io.out = "";
    expect(await check("--schema", schema, "--property-order", "any", "--text", reordered)).toBe(0);
    io.out = "";
    expect(await check("--schema", schema, "--whitespace", "compact", "--text", '{"name": "Ada","age":3}')).toBe(1);
    io.out = "";
    expect(await check("--schema", schema, "--whitespace", "compact", "--text", '{"name":"Ada","age":3}')).toBe(0);
    io.out = "";
    expect(await check("--schema", schema, "--whitespace", "pretty", "--indent", "4", "--text", JSON.stringify({ name: "Ada", age: 3 }, null, 4))).toBe(0);
    io.out = "";
    expect(await check("--schema", schema, "--whitespace", "pretty", "--text", JSON.stringify({ name: "Ada", age: 3 }, null, 4))).toBe(1);
    // A keyword that cannot be exact: refused, or approximated with a warning under --lenient.
    const uniq = file("u.json", JSON.stringify({ type: "array", items: { type: "string" }, uniqueItems: true }));
    io.out = "";
    expect(await check("--schema", uniq, "--text", '["a"]')).toBe(2);
    io.out = "";
    io.err = "";
    expect(await check("--schema", uniq, "--lenient", "--text", '["a"]')).toBe(0);
    expect(io.err).toContain("warning");
    for (const [args, message] of [
      [["--schema", schema, "--whitespace", "wide", "--text", "{}"], "--whitespace must be compact, flexible or pretty"],
      [["--schema", schema, "--indent", "2", "--text", "{}"], "--indent only goes with --whitespace pretty"],
      [["--schema", schema, "--property-order", "sorted", "--text", "{}"], "--property-order must be schema or any"],
      [["--regex", "a", "--lenient", "--text", "a"], "--lenient only goes with --schema"],
    ] as const) {
      io.err = "";
      expect(await check(...args)).toBe(2);
      expect(io.err).toContain(message);
    }
  });

  it("explains every flag in --help", async () => {
    expect(await check("--help")).toBe(0);
    for (const flag of ["--grammar", "--text", "--jsonl", "--root", "--regex", "--flags", "--schema", "Exit status"]) expect(io.out).toContain(flag);
  });

  it("--schema --format yaml: YAML texts of the dialect", async () => {
    const schema = file("y.json", JSON.stringify({ type: "object", properties: { country: { type: "string" } }, required: ["country"] }));
    expect(await check("--schema", schema, "--format", "yaml", "--text", 'country: "NO"\n')).toBe(0);
    expect(io.out).toMatch(/"accepted":true/);
    io.out = "";
    expect(await check("--schema", schema, "--format", "yaml", "--text", "country: NO\n")).toBe(1);
    expect(io.out).toMatch(/"accepted":false/);
  });

  it("--schema --format yaml --whitespace flexible: bounded extra spaces and blank lines", async () => {
    const schema = file("y3.json", JSON.stringify({ type: "object", properties: { country: { type: "string" }, tags: { type: "array", items: { type: "string" } } } }));
    const spaced = '\ncountry:   "NO"  \n\ntags:\n  -  a\n';
    expect(await check("--schema", schema, "--format", "yaml", "--text", spaced)).toBe(1);
    expect(io.out).toMatch(/"accepted":false/);
    io.out = "";
    expect(await check("--schema", schema, "--format", "yaml", "--whitespace", "flexible", "--text", spaced)).toBe(0);
    expect(io.out).toMatch(/"accepted":true/);
    io.out = "";
    expect(await check("--schema", schema, "--format", "yaml", "--whitespace", "flexible", "--text", "country:\t\"NO\"\n")).toBe(1);
    expect(io.out).toMatch(/"accepted":false/);
    io.out = "";
    expect(await check("--schema", schema, "--format", "yaml", "--whitespace", "compact", "--text", "country: x\n")).toBe(2);
    expect(io.err).toMatch(/--whitespace compact applies to JSON only/);
  });

  it("--schema --format yaml: arrays of scalars in flow style, or in block style with --flow-sequences never", async () => {
    const schema = file("y4.json", JSON.stringify({ type: "object", properties: { tags: { type: "array", items: { type: "string" } } } }));
    const flow = "tags: [a, b]\n";
    const block = "tags:\n  - a\n  - b\n";
    expect(await check("--schema", schema, "--format", "yaml", "--text", flow)).toBe(0);
    expect(await check("--schema", schema, "--format", "yaml", "--text", block)).toBe(1);
    expect(await check("--schema", schema, "--format", "yaml", "--flow-sequences", "never", "--text", block)).toBe(0);
    expect(await check("--schema", schema, "--format", "yaml", "--flow-sequences", "never", "--text", flow)).toBe(1);
    io.err = "";
    expect(await check("--schema", schema, "--format", "yaml", "--flow-sequences", "always", "--text", flow)).toBe(2);
    expect(io.err).toMatch(/--flow-sequences must be scalars or never/);
    io.err = "";
    expect(await check("--schema", schema, "--flow-sequences", "never", "--text", "{}")).toBe(2);
    expect(io.err).toMatch(/--flow-sequences only goes with --format yaml/);
  });
});
