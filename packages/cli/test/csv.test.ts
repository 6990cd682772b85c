// The CLI's CSV flags (issue 13): check --columns / --format csv with the dialect flags, repair --format csv with
// --columns SPEC or --schema (the cells typed by the CSV constraint's table, so repair and generation agree),
// and the argument errors.
import { describe, expect, it } from "vitest";
import { run } from "@formwork/cli";
import { runRepair } from "../src/commands/repair.js";
import { captureCli } from "./capture.js";

const io = captureCli("formwork-csv-");
const file = io.file;
const lines = () => io.out.trim().split("\n").map((l) => JSON.parse(l) as { accepted: boolean; offset?: number; message?: string; valid?: boolean });

describe("formwork check with CSV", () => {
  it("checks a table against --columns, in the dialect the flags give", async () => {
    expect(await run(["check", "--columns", "name:string,age:integer>=0", "--text", "name,age\nAda,36\n"])).toBe(0);
    expect(lines()).toEqual([{ accepted: true }]);
    io.out = "";
    expect(await run(["check", "--columns", "name:string,age:integer>=0", "--delimiter", ";", "--line-ending", "crlf", "--text", "name;age\r\nAda;-1\r\n"])).toBe(1);
    expect(lines()[0]).toMatchObject({ accepted: false, offset: 14 });
  });

  it("checks with --schema --format csv", async () => {
    const schema = file("t.json", JSON.stringify({ type: "array", items: { type: "object", properties: { a: { type: "boolean" }, b: { type: ["string", "null"] } }, required: ["a"] }, maxItems: 1 }));
    expect(await run(["check", "--schema", schema, "--format", "csv", "--null-text", "NULL", "--no-header", "--text", "true,NULL\n"])).toBe(0);
    io.out = "";
    expect(await run(["check", "--schema", schema, "--format", "csv", "--no-header", "--text", "true,x\nfalse,y\n"])).toBe(1);
  });

  it("refuses CSV flags without CSV, and a schema that is not a table", async () => {
    expect(await run(["check", "--regex", "a", "--delimiter", ";", "--text", "a"])).toBe(2);
    expect(io.err).toContain("--delimiter only goes with --format csv");
    io.err = "";
    const schema = file("o.json", JSON.stringify({ type: "array", items: { type: "object", properties: { a: { type: "object" } } } }));
    expect(await run(["check", "--schema", schema, "--format", "csv", "--text", "a\n"])).toBe(2);
    expect(io.err).toContain("[not-a-table]");
    expect(io.err).toContain("/items/properties/a");
  });
});

describe("formwork repair --format csv with a table", () => {
  const stdio = (input: string) => {
    const o = { out: "", err: "" };
    return { o, io: { readStdin: async () => input, stdout: (s: string) => void (o.out += s), stderr: (s: string) => void (o.err += s) } };
  };
  it("types cells as the constraint does (--columns SPEC) and writes the dialect", async () => {
    const { o, io: x } = stdio("Here you go:\nname;age\n\"Ann\";3\nBob; 4.0\n");
    expect(await runRepair(["--format", "csv", "--columns", "name:string,age:integer>=0", "--delimiter", ";"], x)).toBe(0);
    expect(o.out).toBe("name;age\nAnn;3\nBob;4\n");
  });
  it("with --schema, reports what the schema refuses", async () => {
    const schema = file("t.json", JSON.stringify({ type: "array", items: { type: "object", properties: { n: { type: "integer", minimum: 10 } }, required: ["n"] } }));
    const { o, io: x } = stdio("n\n12\n3\n");
    expect(await runRepair(["--format", "csv", "--schema", schema], x)).toBe(1);
    expect(o.err).toContain("/1/n");
  });
});
