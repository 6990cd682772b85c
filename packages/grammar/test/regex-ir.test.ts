// otherThanToIr (the keys other than an object's named ones, built straight as IR) against the
// AST path it replaces, astToIr(rx.otherThan(texts), chars): the same nodes, field for field, on
// random lists of texts, with spellings of sets that are classes, sequences and alternatives (so
// that the builders' flattening is exercised); and equal sub-tries built once.
import { describe, expect, it } from "vitest";
import { Rng } from "@formwork/core";
import { alt, charClass, literal, seq, type Node } from "@formwork/grammar";
import { astToIr, otherThanToIr, type CharsToIr } from "@formwork/grammar/internal";
import { rx } from "@formwork/regex";

const pairs = (set: readonly number[]): [number, number][] => {
  const out: [number, number][] = [];
  for (let i = 0; i < set.length; i += 2) out.push([set[i], set[i + 1]]);
  return out;
};

/** Odd code points as a class, even ones as `\` and a class (a sequence), several ranges as an alternative. */
const mixedChars: CharsToIr = (set) => {
  if (set.length === 2 && set[0] === set[1]) return set[0] % 2 ? charClass(pairs(set)) : seq(literal("\\"), charClass(pairs(set)));
  return set.length === 2 ? charClass(pairs(set)) : alt(charClass(pairs(set)), literal("~"));
};
const plainClasses: CharsToIr = (set) => charClass(pairs(set));

const ALPHABET = ["a", "b", "c", "_", "0", "é", "😀", "\u0000", "\u{10ffff}"];

function randomTexts(rng: Rng): string[] {
  const suffixes = ["", "_id", "Name", "a"];
  const texts: string[] = [];
  const n = 1 + Math.floor(rng.next() * 8);
  for (let i = 0; i < n; i++) {
    let t = "";
    const len = Math.floor(rng.next() * 5);
    for (let j = 0; j < len; j++) t += ALPHABET[Math.floor(rng.next() * ALPHABET.length)];
    texts.push(t + suffixes[Math.floor(rng.next() * suffixes.length)]);
  }
  return texts;
}

function distinctObjects(n: Node, seen = new Set<Node>()): number {
  if (seen.has(n)) return seen.size;
  seen.add(n);
  if (n.type === "seq" || n.type === "alt") for (const x of n.items) distinctObjects(x, seen);
  else if (n.type === "repeat" || n.type === "lexeme") distinctObjects(n.item, seen);
  return seen.size;
}

describe("otherThanToIr", () => {
  it("builds the nodes astToIr builds from rx.otherThan", () => {
    const rng = new Rng(7);
    for (let round = 0; round < 300; round++) {
      const texts = randomTexts(rng);
      for (const chars of [mixedChars, plainClasses]) {
        // astToIr merges runs of single characters into literals under its default spelling only.
        expect(otherThanToIr(texts, chars), JSON.stringify(texts)).toEqual(astToIr(rx.otherThan(texts), chars));
      }
    }
  });

  it("handles the empty text, duplicates and a lone text", () => {
    for (const texts of [[""], ["", ""], ["a", "a", "ab"], ["😀"], ["abc"], ["", "a"]]) {
      expect(otherThanToIr(texts, mixedChars), JSON.stringify(texts)).toEqual(astToIr(rx.otherThan(texts), mixedChars));
    }
  });

  it("shares equal sub-tries", () => {
    const texts = Array.from({ length: 50 }, (_, i) => `field${i}_identifier`);
    const direct = otherThanToIr(texts, plainClasses);
    expect(direct).toEqual(astToIr(rx.otherThan(texts), plainClasses));
    // The "_identifier" tails (and the end of every text) are one object each.
    expect(distinctObjects(direct)).toBeLessThan(distinctObjects(astToIr(rx.otherThan(texts), plainClasses)) / 4);
  });
});
