/**
 * Structural guarantees of compiled DFAs (start 0, every state live, minimal,
 * byte classes consistent) and the tools: distances versus brute force,
 * samples, `checkText` explanations, code point DFAs.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rng } from "@formwork/core";
import {
  type ByteDfa,
  checkText,
  compileRegex,
  dfaFromCodePointRanges,
  encodeCodePoint,
  matchesText,
  minBytesToAccept,
  nextCodePoints,
  runBytes,
  sampleMatch,
} from "@formwork/regex";
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
      expect(checkText(dfa, "a").ok).toBe(false);
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

describe("checkText", () => {
  it("agrees with RegExp and points at the first character that cannot continue", () => {
    fc.assert(
      fc.property(patternArb("u"), fc.array(stringArb, { minLength: 10, maxLength: 10 }), (pattern, strings) => {
        const dfa = compileRegex(pattern, { flags: "u" });
        const re = new RegExp(`^(?:${pattern})$`, "u");
        const enc = new TextEncoder();
        for (const text of strings) {
          const r = checkText(dfa, text);
          expect(r.ok).toBe(re.test(text));
          if (r.ok) continue;
          const prefix = enc.encode(text.slice(0, r.charOffset));
          expect(prefix.length).toBe(r.byteOffset);
          const state = runBytes(dfa, prefix);
          if (dfa.stateCount === 0) continue;
          expect(state).toBeGreaterThanOrEqual(0); // the prefix is still viable
          if (r.reason === "unexpected") {
            const cp = text.codePointAt(r.charOffset)!;
            expect(runBytes(dfa, encodeCodePoint(cp), state)).toBe(-1);
          } else {
            expect(r.charOffset).toBe(text.length);
            expect(dfa.accepting[state]).toBe(0);
          }
          // Every expected character continues the match, and nothing else does.
          expect(r.expected).toEqual(nextCodePoints(dfa, state));
          for (let i = 0; i < r.expected.length && i < 20; i += 2) {
            expect(runBytes(dfa, encodeCodePoint(r.expected[i]), state)).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { seed: 11, numRuns: 100 },
    );
  });

  it("explains a date mismatch", () => {
    const r = checkText(compileRegex("\\d{4}-\\d{2}-\\d{2}"), "2024-1x-01");
    expect(r).toMatchObject({ ok: false, reason: "unexpected", byteOffset: 6, charOffset: 6, expected: [0x30, 0x39] });
    if (!r.ok) expect(r.message).toContain('expected "0"-"9"');
    expect(checkText(compileRegex("\\d{4}"), "20")).toMatchObject({ ok: false, reason: "incomplete", byteOffset: 2 });
  });
});

describe("dfaFromCodePointRanges and nextCodePoints", () => {
  it("accepts exactly one code point of the set", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0x10ffff }), { minLength: 2, maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 40 }), (bounds, probes) => {
        const flat: number[] = [];
        for (let i = 0; i + 1 < bounds.length; i += 2) flat.push(Math.min(bounds[i], bounds[i + 1]), Math.max(bounds[i], bounds[i + 1]));
        const inSet = (cp: number) => flat.some((v, i) => i % 2 === 0 && cp >= v && cp <= flat[i + 1]);
        const dfa = dfaFromCodePointRanges(flat);
        for (const cp of [...probes, ...flat]) {
          if (cp >= 0xd800 && cp <= 0xdfff) continue;
          expect(matchesText(dfa, String.fromCodePoint(cp))).toBe(inSet(cp));
        }
        const next = dfa.stateCount === 0 ? [] : nextCodePoints(dfa, 0);
        for (const cp of probes) if (!(cp >= 0xd800 && cp <= 0xdfff)) expect(next.some((v, i) => i % 2 === 0 && cp >= v && cp <= next[i + 1])).toBe(inSet(cp));
      }),
      { seed: 3, numRuns: 60 },
    );
  });
});
