// maxLookahead is a window, not an error: past it the stream decides with what it has read. Where that
// decision may differ from repairJson's (the first value outgrew the window and the text then held another
// value), the summary carries a `max-lookahead` note naming the limit and how to get repairJson's choice,
// and `formwork repair --stream` prints it as a warning (also under --quiet). Where it cannot differ (one
// value, or a window that held the choice), there is no note and the output is repairJson's.
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonRepairStream, repairJson } from "@formwork/repair";

const bin = join(resolve(import.meta.dirname, "../../.."), "packages/cli/dist/bin.js");

function stream(text: string, maxLookahead: number) {
  const s = new JsonRepairStream({ limits: { maxLookahead } });
  let out = "";
  // In pieces, as a pipe delivers it.
  for (let i = 0; i < text.length; i += 17) out += s.write(text.slice(i, i + 17));
  out += s.end();
  return { out, summary: s.summary };
}

// Two values on separate lines: repairJson reads them as a top-level list (ndjson-to-array).
const first = JSON.stringify({ a: "x".repeat(200), b: [1, 2, 3] });
const twoValues = `${first}\n{"c": 4}\n`;

describe("the stream's max-lookahead note", () => {
  it("a first value past the window followed by another value: a different result from repairJson, and a note saying so", () => {
    const whole = repairJson(twoValues);
    expect(whole.ok).toBe(true);
    expect(JSON.parse(whole.text)).toEqual([JSON.parse(first), { c: 4 }]);
    const { out, summary } = stream(twoValues, 64);
    expect(JSON.parse(out)).toEqual(JSON.parse(first)); // the window chose the first value alone
    expect(summary.ok).toBe(true);
    expect(summary.notes).toHaveLength(1);
    expect(summary.notes[0]).toMatchObject({ code: "max-lookahead", limit: "maxLookahead", limitValue: 64, offset: 0 });
    expect(summary.notes[0].message).toContain("maxLookahead = 64");
    expect(summary.notes[0].hint).toContain("--limit maxLookahead=N");
  });
  it("the same text with a window that holds the choice: repairJson's result, no note", () => {
    const window = first.length + 3; // the input is longer: it is streamed; the first value fits in the window
    expect(twoValues.length).toBeGreaterThan(window);
    const { out, summary } = stream(twoValues, window);
    expect(out).toBe(repairJson(twoValues).text);
    expect(summary.notes).toEqual([]);
  });
  it("one value past the window and nothing after it: repairJson's result, no note", () => {
    const one = `${first.slice(0, -1)}, "d": [1, 2,`; // broken too
    const { out, summary } = stream(one, 64);
    expect(out).toBe(repairJson(one).text);
    expect(summary.notes).toEqual([]);
  });
  it("a text with no value, longer than the window: not read as one string (repairJson does), and a note saying so", () => {
    const text = "just some words, no JSON here";
    expect(JSON.parse(repairJson(text).text)).toBe(text);
    const { summary } = stream(text, 8);
    expect(summary.ok).toBe(false);
    expect(summary.notes.map((n) => n.code)).toEqual(["max-lookahead"]);
  });
  it("no silent difference: on 3,000 fuzzed texts with a window of 8, every result whose value differs from repairJson's (or ok) has a note", () => {
    // The fuzzed texts of json-stream.test.ts's differential test (same seed).
    const jsonish = fc.string({ unit: fc.constantFrom(..."{}[]\"':,/*#\\ \n\t+-.0123456789eEtrufalsnNITF`\u201c\u201d\u2018\u2019abx_$u\u00e9"), maxLength: 300 });
    const anyText = fc.string({ unit: "grapheme", maxLength: 200 });
    const texts = fc.sample(fc.oneof(jsonish, anyText), { seed: 45, numRuns: 3000 });
    const value = (ok: boolean, text: string) => (ok ? JSON.stringify(JSON.parse(text)) : "(not ok)");
    let differ = 0;
    const silent: string[] = [];
    for (const t of texts) {
      const s = new JsonRepairStream({ limits: { maxLookahead: 8 } });
      const out = s.write(t) + s.end();
      const whole = repairJson(t);
      if (value(s.summary.ok, out) === value(whole.ok, whole.text)) continue;
      differ++;
      if (s.summary.notes.length === 0) silent.push(t);
    }
    expect(differ).toBeGreaterThan(100); // the window does change results here (690 on 2026-12-02)
    expect(silent).toEqual([]);
  });
  it("formwork repair --stream prints the note as a warning, under --quiet too; none without a difference", () => {
    for (const quiet of [[], ["--quiet"]]) {
      const r = spawnSync(process.execPath, [bin, "repair", "--stream", ...quiet, "--limit", "maxLookahead=64"], { input: twoValues, encoding: "utf8" });
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(first));
      expect(r.stderr).toMatch(/^formwork: warning \[max-lookahead\] the value at offset 0 outgrew the window maxLookahead = 64 .*--limit maxLookahead=N/m);
    }
    const r = spawnSync(process.execPath, [bin, "repair", "--stream", "--quiet", "--limit", "maxLookahead=64"], { input: `${first}\n`, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });
});
