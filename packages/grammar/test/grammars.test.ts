import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { analyzeGrammar, parseGbnfWithWarnings } from "@formwork/grammar";
import { referenceMatch, referencePrefixOk } from "@formwork/grammar/testing";

const DIR = resolve(import.meta.dirname, "../../../grammars");
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".gbnf")).sort();

interface Case {
  text: string;
  accept: boolean;
  note?: string;
}

describe("grammars/", () => {
  it("holds the expected grammars", () => {
    for (const name of ["json", "json-unbounded", "arithmetic", "list", "c-subset", "chess", "csv"]) expect(FILES).toContain(`${name}.gbnf`);
  });

  describe.each(FILES)("%s", (file) => {
    const text = readFileSync(resolve(DIR, file), "utf8");
    const casesFile = resolve(DIR, file.replace(/\.gbnf$/, ".cases.jsonl"));

    it("starts with a comment saying what it is, parses, and passes analysis without warnings", () => {
      expect(text.startsWith("# ")).toBe(true);
      const { grammar, warnings } = parseGbnfWithWarnings(text);
      expect(warnings).toEqual([]);
      expect(analyzeGrammar(grammar).errors).toEqual([]);
    });

    it("agrees with every line of its .cases.jsonl", () => {
      expect(existsSync(casesFile)).toBe(true);
      const { grammar } = parseGbnfWithWarnings(text);
      const lines = readFileSync(casesFile, "utf8").split("\n").filter((l) => l.trim() !== "");
      expect(lines.length).toBeGreaterThanOrEqual(10);
      const cases = lines.map((l) => JSON.parse(l) as Case);
      expect(cases.some((c) => c.accept)).toBe(true);
      expect(cases.some((c) => !c.accept)).toBe(true);
      const wrong: string[] = [];
      for (const c of cases) {
        const r = referenceMatch(grammar, c.text);
        if (r.accepted !== c.accept) wrong.push(`${JSON.stringify(c.text)} (${c.note}): expected ${c.accept ? "accept" : "reject"}, got offset ${r.offset}, expected ${r.expected}`);
        // Every prefix of an accepted text is a viable prefix.
        if (c.accept) {
          const chars = [...c.text];
          for (let k = 0; k < chars.length; k += Math.max(1, Math.floor(chars.length / 8))) {
            if (!referencePrefixOk(grammar, chars.slice(0, k).join(""))) wrong.push(`prefix ${k} of ${JSON.stringify(c.text)} refused`);
          }
        }
      }
      expect(wrong).toEqual([]);
    });
  });
});
