// Streaming repair against repairJson: the same output text, chunk boundaries anywhere (inside multi-byte
// UTF-8 characters and escapes), except in the cases docs/repair.md (Memory) lists, each counted by reason.
import fc from "fast-check";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { JsonRepairStream, repairJson, repairJsonStream, type Edit, type RepairResult } from "@formwork/repair";
import { buildJsonCorpus, loadMaskbench, SeededRandom, sharedDataDir } from "./corruptions.js";
import { buildRealWorldCorpus, realWorldSamples } from "./real-world-corpus.js";
import { sameJson } from "./oracle.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const dataDir = sharedDataDir(repoRoot);
const suiteDir = join(dataDir, "json-test-suite", "test_parsing");

/** Streams `bytes` cut at random places, with a random read-ahead (small, so steps are often taken back and retried). */
function streamed(bytes: Uint8Array, rng: SeededRandom, indent = 0, whole = false): { text: string; ok: boolean; counts: Record<string, number> } {
  // whole: false streams every input (by default one that fits in the window is repaired whole, by repairJson).
  const s = new JsonRepairStream({ indent }, { readAhead: 1 + rng.int(48), whole });
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const size = 1 + rng.int(rng.chance(0.5) ? 4 : 64);
    out += s.write(bytes.subarray(i, i + size));
    i += size;
  }
  out += s.end();
  return { text: out, ok: s.summary.ok, counts: s.summary.editCounts as Record<string, number> };
}

/** True when some object in `v` has a key that JavaScript orders first (an array index: "0", "42"). */
function hasIndexKey(v: unknown): boolean {
  const stack = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (x === null || typeof x !== "object") continue;
    if (!Array.isArray(x) && Object.keys(x).some((k) => /^(0|[1-9]\d*)$/.test(k) && Number(k) < 2 ** 32 - 1)) return true;
    for (const c of Object.values(x)) stack.push(c);
  }
  return false;
}

/**
 * Why the stream may differ from repairJson on this input (docs/repair.md, Memory), or undefined when it must not.
 * `value-equal` reasons: the texts differ but JSON.parse reads the same value.
 */
function documentedReason(r: RepairResult): string | undefined {
  const kinds = new Set(r.edits.map((e: Edit) => e.kind));
  if (kinds.has("unescape-document")) return "escaped document";
  if (kinds.has("choose-candidate")) return "top-level choice";
  if (kinds.has("ndjson-to-array") && r.edits.some((e) => e.kind === "strip-prose" && e.message.includes("another JSON value"))) return "top-level choice";
  if (kinds.has("duplicate-key")) return "duplicate keys (value-equal)";
  if (r.ok && hasIndexKey(r.value)) return "index-like keys (value-equal)";
  return undefined;
}

interface Tally {
  identical: number;
  /** Of the identical texts, those whose edit counts by kind are the same as repairJson's log (reported, not required: docs/repair.md). */
  sameCounts: number;
  /** Inputs within the window (repaired whole) whose output is not repairJson's: must be none. */
  wholeDifferent: number;
  different: Map<string, number>;
  undocumented: string[];
}

function compare(texts: (string | Uint8Array)[], seed: number, indented = true): Tally {
  const rng = new SeededRandom(seed);
  const tally: Tally = { identical: 0, sameCounts: 0, wholeDifferent: 0, different: new Map(), undocumented: [] };
  const enc = new TextEncoder();
  for (const t of texts) {
    const bytes = typeof t === "string" ? enc.encode(t) : t;
    const indent = indented && rng.chance(0.3) ? 2 : 0;
    const want = repairJson(bytes, { indent });
    // By default an input within the window (all of these) comes out exactly as repairJson's.
    const whole = streamed(bytes, rng, indent, true);
    if (whole.text !== want.text || whole.ok !== want.ok) tally.wholeDifferent++;
    const got = streamed(bytes, rng, indent);
    if (got.text === want.text && got.ok === want.ok) {
      tally.identical++;
      const counts: Record<string, number> = {};
      for (const e of want.edits) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
      if (sameJson(counts, got.counts)) tally.sameCounts++;
      continue;
    }
    const why = documentedReason(want);
    if (why === undefined) {
      tally.undocumented.push(JSON.stringify(new TextDecoder().decode(bytes).slice(0, 300)) + `\n  repairJson: ${JSON.stringify(want.text.slice(0, 200))}\n  stream:     ${JSON.stringify(got.text.slice(0, 200))}`);
      continue;
    }
    if (why.endsWith("(value-equal)")) expect(sameJson(JSON.parse(got.text), want.value), why).toBe(true);
    tally.different.set(why, (tally.different.get(why) ?? 0) + 1);
  }
  return tally;
}

function report(name: string, t: Tally): void {
  const diff = [...t.different].map(([k, n]) => `${k}: ${n}`).join(", ");
  console.log(`${name}: ${t.identical} identical (${t.sameCounts} with the same edit counts), ${[...t.different.values()].reduce((a, b) => a + b, 0)} different (${diff || "none"}), ${t.undocumented.length} undocumented`);
  for (const u of t.undocumented.slice(0, 5)) console.log(`undocumented difference: ${u}`);
  expect(t.undocumented.length, name).toBe(0);
  expect(t.wholeDifferent, `${name}: inputs within the window`).toBe(0);
}

describe("streaming repair is repairJson, chunk by chunk (streamed even when the input fits in the window)", () => {
  test("generated corruption corpus (no shared data needed)", () => {
    const cases = buildJsonCorpus([], 3, 300).map((c) => c.text);
    report("corruption corpus, random values", compare(cases, 1));
  });

  test.skipIf(!existsSync(join(dataDir, "maskbench-dev")))("corruption corpus and real-world corpus (MaskBench)", () => {
    const corr = buildJsonCorpus(loadMaskbench(dataDir, 400, 7), 11).map((c) => c.text);
    report("corruption corpus, MaskBench", compare(corr, 2));
    const real = buildRealWorldCorpus(realWorldSamples(dataDir), 16).map((c) => c.text);
    report("real-world corpus", compare(real, 3));
  }, 300_000);

  // Compact output only: 100,000 nested arrays indented would be a 10 GB text.
  test.skipIf(!existsSync(suiteDir))("JSONTestSuite, every file as bytes", () => {
    const files = readdirSync(suiteDir).filter((f) => f.endsWith(".json")).sort();
    report("JSONTestSuite", compare(files.map((f) => new Uint8Array(readFileSync(join(suiteDir, f)))), 4, false));
  });

  test("fuzzing: arbitrary text never throws, and differs from repairJson only where documented", () => {
    const jsonish = fc.string({ unit: fc.constantFrom(..."{}[]\"':,/*#\\ \n\t+-.0123456789eEtrufalsnNITF`\u201c\u201d\u2018\u2019abx_$u\u00e9"), maxLength: 300 });
    const anyText = fc.string({ unit: "grapheme", maxLength: 200 });
    const texts = fc.sample(fc.oneof(jsonish, anyText), { seed: 45, numRuns: 3000 });
    report("fuzzed text", compare(texts, 5));
    // A window of 8 characters: the top-level choices are taken early (other results, documented), never a throw or invalid JSON.
    const rng = new SeededRandom(6);
    for (const t of texts) {
      const st = new JsonRepairStream({ limits: { maxLookahead: 8 } }, { readAhead: 1 + rng.int(16), whole: false });
      let out = "";
      for (let i = 0, size = 1; i < t.length; i += size, size = 1 + rng.int(8)) out += st.write(t.slice(i, i + size));
      out += st.end();
      if (st.summary.ok) expect(() => JSON.parse(out), JSON.stringify(t)).not.toThrow();
    }
  });

  test("edit counts are the same as repairJson's with edits: count, on a broken document", () => {
    const text = `[${Array.from({ length: 300 }, (_, i) => `{'a': ${i}, b: [1,2,], c: True, /* x */ "d": "é€𝄞\\u00e9"}`).join(",\n")}`;
    const want = repairJson(text, { edits: "count" });
    const got = streamed(new TextEncoder().encode(text), new SeededRandom(9));
    expect(got.text).toBe(want.text);
    expect(got.counts).toEqual(want.editCounts);
  });

  test("output comes out while the input is read, and onEdit gets each edit with its offset", async () => {
    const unit = "{'a': 1, b: [1,2,],}";
    const text = `[${Array.from({ length: 5000 }, () => unit).join(",")}]`;
    const edits: Edit[] = [];
    const chunks = Array.from({ length: Math.ceil(text.length / 1000) }, (_, i) => text.slice(i * 1000, (i + 1) * 1000));
    let outputsBeforeEnd = 0;
    let consumed = 0;
    async function* source() {
      for (const c of chunks) {
        consumed++;
        yield c;
      }
    }
    let out = "";
    for await (const piece of repairJsonStream(source(), { limits: { maxLookahead: 4096 }, onEdit: (e) => edits.push(e) })) {
      if (consumed < chunks.length) outputsBeforeEnd++;
      out += piece;
    }
    expect(out).toBe(repairJson(text).text);
    // About 100 chunks; the stream reads 64 Ki characters ahead before its first step, then writes as it goes.
    expect(outputsBeforeEnd).toBeGreaterThan(20);
    expect(edits.map((e) => [e.kind, e.offset])).toEqual(repairJson(text).edits.map((e) => [e.kind, e.offset]));
  });

  test("repairJson does not throw when the indented output would be too long for a string; the stream writes it in pieces", () => {
    const text = "[".repeat(100_000);
    const r = repairJson(text, { indent: 2 });
    expect(r.ok).toBe(false);
    expect(r.errors[0].keyword).toBe("output-too-long");
    // Each closing bracket is written on its own indented line: count the pieces, do not join them.
    let length = 0;
    const s = new JsonRepairStream({ indent: 2, output: (piece) => void (length += piece.length) }, { whole: false });
    expect(s.write(text)).toBe("");
    expect(s.end()).toBe("");
    expect(s.summary.ok).toBe(true);
    expect(length).toBeGreaterThan(1e9);
  }, 120_000);

  test("a schema is refused with a clear error", () => {
    expect(() => new JsonRepairStream({ schema: { type: "object" } })).toThrow(/does not take a schema/);
  });

  test("maxDepth stops the stream with ok false and the limit's code", () => {
    const s = new JsonRepairStream({ limits: { maxDepth: 50 } }, { whole: false });
    s.write("[".repeat(100));
    s.end();
    expect(s.summary.ok).toBe(false);
    expect(s.summary.errors[0].keyword).toBe("max-depth");
  });
});
