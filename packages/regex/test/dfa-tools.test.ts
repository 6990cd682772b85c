/**
 * Structural guarantees of compiled DFAs (start 0, every state live, minimal,
 * byte classes consistent) and the tools: distances versus brute force,
 * samples, code point DFAs.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rng } from "@formwork/core";
import { type ByteDfa, compileRegex, compileAst, rx, matchesText, minBytesToAccept, runBytes, sampleMatch } from "@formwork/regex";
import { codePointTransitions } from "@formwork/regex/internal";
import { patternArb, stringArb } from "./regex-gen.js";

const PATTERNS: [string, string, "whole" | "search"][] = [
  ["[a-z]+@[a-z]+\\.(com|org)", "", "whole"],
  ["\\d{4}-\\d{2}-\\d{2}", "", "whole"],
  ["(ab|a)*c?", "i", "whole"],
  ["\\p{L}{1,3}", "u", "whole"],
  ["^x|y$", "", "search"],
  ["[😀-😎]+|é.", "u", "search"],
  ["..", "", "whole"],
];

/** Naive Moore refinement: the number of distinct (live) behaviours, for a minimality check. */
function mooreClassCount(dfa: ByteDfa): number {
  let cls = Array.from(dfa.accepting, (a) => a);
  for (;;) {
    const sig = new Map<string, number>();
    const next = cls.map((c, s) => {
      const row = [c];
      for (let b = 0; b < 256; b++) {
        const t = dfa.transitions[s * 256 + b];
        row.push(t < 0 ? -1 : cls[t]);
      }
      const k = row.join(",");
      if (!sig.has(k)) sig.set(k, sig.size);
      return sig.get(k)!;
    });
    if (sig.size === new Set(cls).size) return sig.size;
    cls = next;
  }
}

function bruteDistance(dfa: ByteDfa, from: number): number {
  const seen = new Set([from]);
  let frontier = [from];
  for (let d = 0; frontier.length > 0; d++) {
    if (frontier.some((s) => dfa.accepting[s])) return d;
    const next: number[] = [];
    for (const s of frontier)
      for (let b = 0; b < 256; b++) {
        const t = dfa.transitions[s * 256 + b];
        if (t >= 0 && !seen.has(t)) {
          seen.add(t);
          next.push(t);
        }
      }
    frontier = next;
  }
  return -1;
}

describe("compiled DFAs", () => {
  it.each(PATTERNS)("/%s/%s (%s) is trimmed, minimal, with consistent byte classes and distances", (pattern, flags, mode) => {
    const dfa = compileRegex(pattern, { flags, mode });
    expect(dfa.transitions.length).toBe(dfa.stateCount * 256);
    for (const t of dfa.transitions) expect(t >= -1 && t < dfa.stateCount).toBe(true);
    const dist = minBytesToAccept(dfa);
    for (let s = 0; s < dfa.stateCount; s++) {
      expect(dist[s]).toBe(bruteDistance(dfa, s));
      expect(dist[s]).toBeGreaterThanOrEqual(0); // every state is live
    }
    expect(mooreClassCount(dfa)).toBe(dfa.stateCount);
    for (let s = 0; s < dfa.stateCount; s++)
      for (let b = 1; b < 256; b++) {
        const a = dfa.byteClassOf[b];
        const first = dfa.byteClassOf.indexOf(a);
        expect(dfa.transitions[s * 256 + b]).toBe(dfa.transitions[s * 256 + first]);
      }
  });

  it("has no states for an empty language", () => {
    for (const p of ["[]", "a^", "$a"]) {
      const dfa = compileRegex(p);
      expect(dfa.stateCount).toBe(0);
      expect(matchesText(dfa, "")).toBe(false);
      expect(sampleMatch(dfa, new Rng(1))).toBeUndefined();
    }
  });

  it("random patterns: trimmed and minimal", () => {
    fc.assert(
      fc.property(patternArb("u"), fc.constantFrom("u", "iu"), fc.constantFrom("whole" as const, "search" as const), (pattern, flags, mode) => {
        const dfa = compileRegex(pattern, { flags, mode });
        const dist = minBytesToAccept(dfa);
        for (let s = 0; s < dfa.stateCount; s++) expect(dist[s]).toBeGreaterThanOrEqual(0);
        if (dfa.stateCount <= 60) expect(mooreClassCount(dfa)).toBe(dfa.stateCount);
      }),
      { seed: 7, numRuns: 80 },
    );
  });
});

describe("sampleMatch", () => {
  it("produces accepted, valid UTF-8 strings that RegExp accepts", () => {
    const rng = new Rng(42);
    for (const [pattern, flags, mode] of PATTERNS) {
      const dfa = compileRegex(pattern, { flags, mode });
      const re = mode === "whole" ? new RegExp(`^(?:${pattern})$`, flags) : new RegExp(pattern, flags);
      for (let i = 0; i < 30; i++) {
        const s = sampleMatch(dfa, rng)!;
        expect(matchesText(dfa, s)).toBe(true);
        expect(re.test(s)).toBe(true);
      }
    }
  });
});

describe("compileAst of one character set, and codePointTransitions", () => {
  it("accepts exactly one code point of the set", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0x10ffff }), { minLength: 2, maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 40 }), (bounds, probes) => {
        const flat: number[] = [];
        for (let i = 0; i + 1 < bounds.length; i += 2) flat.push(Math.min(bounds[i], bounds[i + 1]), Math.max(bounds[i], bounds[i + 1]));
        const inSet = (cp: number) => flat.some((v, i) => i % 2 === 0 && cp >= v && cp <= flat[i + 1]);
        const dfa = compileAst(rx.chars(flat));
        for (const cp of [...probes, ...flat]) {
          if (cp >= 0xd800 && cp <= 0xdfff) continue;
          expect(matchesText(dfa, String.fromCodePoint(cp))).toBe(inSet(cp));
        }
        const next = dfa.stateCount === 0 ? [] : codePointTransitions(dfa)[0];
        for (const cp of probes) if (!(cp >= 0xd800 && cp <= 0xdfff)) expect(next.some(([lo, hi]) => cp >= lo && cp <= hi)).toBe(inSet(cp));
      }),
      { seed: 3, numRuns: 60 },
    );
  });
});
