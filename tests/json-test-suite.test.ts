// JSONTestSuite (nst/JSONTestSuite, test_parsing/) against grammars/json.gbnf,
// through the reference recognizer. Files are bytes: a file that is not valid
// UTF-8 must be rejected. `y_` files must be accepted, `n_` files rejected,
// `i_` files (implementation-defined) are only run to check nothing throws.
//
// The data lives outside the repository (../shared/data, or
// FORMWORK_SHARED_DATA); the suite is skipped when it is absent.
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseGbnf } from "@formwork/grammar";
import { referenceMatchBytes } from "@formwork/grammar/testing";

const repoRoot = resolve(import.meta.dirname, "..");
const dataRoot = process.env.FORMWORK_SHARED_DATA ?? resolve(repoRoot, "../shared/data");
const dir = resolve(dataRoot, "json-test-suite/test_parsing");
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : [];

describe.skipIf(!existsSync(dir))("JSONTestSuite test_parsing against json.gbnf", () => {
  const json = parseGbnf(readFileSync(resolve(repoRoot, "grammars/json.gbnf"), "utf8"));

  it("has the y_ and n_ files", () => {
    expect(files.filter((f) => f.startsWith("y_")).length).toBeGreaterThanOrEqual(90);
    expect(files.filter((f) => f.startsWith("n_")).length).toBeGreaterThanOrEqual(180);
  });

  it("accepts every y_ file", () => {
    const refused = files
      .filter((f) => f.startsWith("y_"))
      .map((f) => [f, referenceMatchBytes(json, readFileSync(resolve(dir, f)))] as const)
      .filter(([, r]) => !r.accepted)
      .map(([f, r]) => `${f}: offset ${r.offset}, expected ${r.expected}`);
    expect(refused).toEqual([]);
  });

  it("rejects every n_ file", () => {
    const accepted = files.filter((f) => f.startsWith("n_")).filter((f) => referenceMatchBytes(json, readFileSync(resolve(dir, f))).accepted);
    expect(accepted).toEqual([]);
  });

  it("decides every i_ file without throwing", () => {
    for (const f of files.filter((f) => f.startsWith("i_"))) {
      expect(typeof referenceMatchBytes(json, readFileSync(resolve(dir, f))).accepted).toBe("boolean");
    }
  });
});
