// Hostile input to the repairers (issue 17): never a throw, a hang or a silent change; limits are issues with their code.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { repairCsv, repairJson, repairYaml } from "@formwork/repair";

const issue = (r: { ok: boolean; errors: { keyword: string; message: string }[] }, keyword: string) => {
  expect(r.ok).toBe(false);
  expect(r.errors.map((e) => e.keyword)).toContain(keyword);
  return r.errors.find((e) => e.keyword === keyword)!;
};

describe("hostile YAML", () => {
  it("an alias to no anchor (a: *nope): ok false with the parser's reason, no ReferenceError", () => {
    expect(issue(repairYaml("a: *nope\n"), "parse").message).toContain("nope");
  });

  it("1,000 nested block sequences, indented and inline: max-depth before the parser recurses", () => {
    const indented = `${Array.from({ length: 1_000 }, (_, i) => `${"  ".repeat(i)}- `).join("\n")}\n${"  ".repeat(1_000)}x\n`;
    for (const text of [indented, `${"- ".repeat(1_000)}x\n`, `${"[".repeat(1_000)}${"]".repeat(1_000)}`]) {
      expect(issue(repairYaml(text), "max-depth").message).toMatch(/maxDepth = 256.*Raise it/s);
    }
    expect(repairYaml(`${"- ".repeat(200)}x\n`).ok).toBe(true);
    expect(repairYaml(`${"- ".repeat(300)}x\n`, { limits: { maxDepth: 400 } }).ok).toBe(true);
  });

  it("valid YAML with anchors on blocks is kept as it is (a: &x, - &x, a: !!map)", () => {
    for (const [text, value] of [
      ["a: &x\n  b: 1\nc: *x\n", { a: { b: 1 }, c: { b: 1 } }],
      ["- &x\n  b: 1\n- *x\n", [{ b: 1 }, { b: 1 }]],
      ["a: !!map\n  b: 1\n", { a: { b: 1 } }],
      ["a: !!map &x\n  b: 1\nc: *x\n", { a: { b: 1 }, c: { b: 1 } }],
    ] as const) {
      const r = repairYaml(text);
      expect(r.value, text).toEqual(value);
      expect(r.edits, text).toEqual([]);
      expect(r.text, text).toBe(text);
    }
  });

  it("256 KB with one unclosed [: one parse error at the bracket's line and column, not one per line (30,844 before)", () => {
    const keys = Array.from({ length: 22_000 }, (_, i) => `k${i}: ${i}`).join("\n");
    const items = Array.from({ length: 25_000 }, (_, i) => `  - x${i}`).join("\n");
    for (const [text, at] of [
      [`a: [1\n${keys}`, "line 1, column 4"],
      [`a: [\n${items}`, "line 1, column 4"],
      [`${keys}\nz: {q: 1\n${keys.replace(/k/g, "m")}`, "line 22001, column 4"],
    ] as const) {
      expect(text.length).toBeGreaterThan(250_000);
      const r = repairYaml(text);
      expect(r.ok).toBe(false);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0].keyword).toBe("parse");
      expect(r.errors[0].message).toContain(`at ${at} is never closed`);
    }
  });

  it("a document with more than 20 parse errors: the first 20, each with its line, then how many more", () => {
    const r = repairYaml(Array.from({ length: 50 }, (_, i) => `k${i}: "x" y`).join("\n"));
    expect(r.ok).toBe(false);
    expect(r.errors).toHaveLength(21);
    expect(r.errors[0].message).toContain("(at line 1, column 9)");
    expect(r.errors[19].message).toContain("(at line 20, column");
    expect(r.errors[20].message).toBe("30 more parse errors not listed (at most 20 are)");
  });
});

describe("hostile JSON", () => {
  it("5,000,000 nested '[': max-depth at once, not out of memory; 20,000 are repaired", () => {
    issue(repairJson("[".repeat(5_000_000)), "max-depth");
    const r = repairJson("[".repeat(20_000));
    expect(r.ok).toBe(true);
    expect(r.text).toBe(`${"[".repeat(20_000)}${"]".repeat(20_000)}`);
  });

  it("numbers a double cannot hold are never changed silently", () => {
    const huge = repairJson('{"a": 1e400}');
    expect(huge.value).toEqual({ a: null });
    expect(huge.edits).toMatchObject([{ kind: "replace-non-finite", lossy: true }]);
    const digits = repairJson(`{"a": ${"1".repeat(1_000_000)}}`);
    expect(digits.value).toEqual({ a: null });
    expect(digits.edits.map((e) => e.kind)).toEqual(["replace-non-finite"]);
    const id = repairJson("[12345678901234567890, 9007199254740993, 9007199254740992]");
    expect(id.edits).toMatchObject([
      { kind: "fix-number", lossy: true, offset: 1 },
      { kind: "fix-number", lossy: true, offset: 23 },
    ]);
    expect(repairJson("[1.5e300, -0, 0.1]").edits).toEqual([]);
  });

  it("invalid UTF-8 given as bytes: the same text as TextDecoder, each run an invalid-utf8 edit", () => {
    const bytes = Uint8Array.from([...Buffer.from('{"a": "x'), 0xff, 0xfe, ...Buffer.from("y "), 0xe2, 0x82, ...Buffer.from('"}')]);
    const r = repairJson(bytes);
    expect(r.value).toEqual({ a: new TextDecoder().decode(bytes).slice(7, -2) });
    expect(r.edits.map((e) => [e.kind, e.offset])).toEqual([
      ["invalid-utf8", 8],
      ["invalid-utf8", 12],
    ]);
    expect(r.lossy).toBe(true);
    expect(repairYaml(Uint8Array.from([...Buffer.from("a: "), 0xc0])).edits[0].kind).toBe("invalid-utf8");
    expect(repairCsv(Uint8Array.from([...Buffer.from("a,b\n1,"), 0x80])).edits[0].kind).toBe("invalid-utf8");
  });

  it("a recursive schema and a 10,000-deep array: a max-depth issue, not a stack overflow in ajv", () => {
    const schema = { $defs: { a: { type: "array", items: { $ref: "#/$defs/a" } } }, $ref: "#/$defs/a" };
    issue(repairJson(`${"[".repeat(10_000)}${"]".repeat(10_000)}`, { schema }), "max-depth");
  });

  it('"pattern": "^(a+)+$" against 35 a\'s and a "!": decided at once, no backtracking', () => {
    const schema = { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } };
    issue(repairJson(`{"s": "${"a".repeat(35)}!"}`, { schema }), "pattern");
  });

  it("more than maxInputBytes: max-input-bytes, for each repairer", () => {
    const big = "x".repeat(17 * 1024 * 1024);
    for (const r of [repairJson(big), repairYaml(big), repairCsv(big)]) issue(r, "max-input-bytes");
    expect(repairJson("[1, 2,]", { limits: { maxInputBytes: 4 } }).errors[0].keyword).toBe("max-input-bytes");
  });

  it("fuzz: any bytes, to every repairer, never throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const r of [repairJson(bytes), repairYaml(bytes), repairCsv(bytes)]) expect(typeof r.ok).toBe("boolean");
      }),
      { seed: 21, numRuns: 500 },
    );
  });
});
