// checkText (the engine's findMismatch over a byte vocabulary, what `formwork check` runs) against the
// reference recognizer: the same verdict, the same offset (the engine names the byte, the recognizer
// the character that holds it), the same "valid but too short" diagnosis.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Rng } from "@formwork/core";
import { checkText, parseGbnf, type Grammar } from "@formwork/grammar";
import { referenceMatch } from "@formwork/grammar/testing";
import { ALPHABET, int, pick, randomCfg, randomRegularGrammar, randomString, sampleSentence } from "./reference-random.js";

const GRAMMARS = resolve(import.meta.dirname, "../../../grammars");
const encoder = new TextEncoder();

/** The byte offset of the character that holds byte `offset` of `text`. */
function charStart(text: string, offset: number): number {
  const bytes = encoder.encode(text);
  let o = offset;
  while (o > 0 && o < bytes.length && (bytes[o] & 0xc0) === 0x80) o--;
  return o;
}

function agree(g: Grammar, text: string, where: string): void {
  const ours = checkText(g, text);
  const ref = referenceMatch(g, text);
  expect(ours.accepted, `${where}: ${JSON.stringify(text)}`).toBe(ref.accepted);
  if (ref.accepted) return;
  expect(charStart(text, ours.offset!), `${where}: ${JSON.stringify(text)} ${ours.message}`).toBe(ref.offset);
  expect(ours.message!.startsWith("the text ends too early"), `${where}: ${JSON.stringify(text)}`).toBe(ref.prefix);
}

/** The text with one character deleted, replaced or inserted at a random place. */
function mutate(rng: Rng, text: string, alphabet: readonly string[]): string {
  const chars = [...text];
  const at = int(rng, chars.length + 1);
  const op = int(rng, 3);
  if (op === 0 && chars.length > 0) chars.splice(Math.min(at, chars.length - 1), 1);
  else if (op === 1 && chars.length > 0) chars[Math.min(at, chars.length - 1)] = pick(rng, alphabet);
  else chars.splice(at, 0, pick(rng, alphabet));
  return chars.join("");
}

describe("checkText agrees with the reference recognizer", () => {
  it("on the repository's grammars, their cases and mutations of them", () => {
    const rng = new Rng(11);
    let n = 0;
    for (const file of readdirSync(GRAMMARS).filter((f) => f.endsWith(".gbnf"))) {
      const g = parseGbnf(readFileSync(join(GRAMMARS, file), "utf8"));
      const cases = readFileSync(join(GRAMMARS, file.replace(/\.gbnf$/, ".cases.jsonl")), "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => (JSON.parse(l) as { text: string }).text);
      const alphabet = [...new Set(cases.join("") + "é\"{}[],:;()0x \n")];
      for (const text of cases) {
        agree(g, text, file);
        for (let k = 0; k < 8; k++, n++) agree(g, mutate(rng, text, alphabet), file);
      }
    }
    expect(n).toBeGreaterThan(300);
  });

  it("on random grammars over 1- to 4-byte characters", () => {
    const rng = new Rng(5);
    let compared = 0;
    for (let i = 0; i < 60; i++) {
      const g = i % 2 === 0 ? randomRegularGrammar(rng).grammar : randomCfg(rng);
      try {
        checkText(g, "");
      } catch {
        continue; // a grammar the engine refuses (an empty language, a limit): nothing to compare
      }
      for (let k = 0; k < 12; k++) {
        const s = sampleSentence(g, rng);
        const text = s !== null && k % 2 === 0 ? mutate(rng, s, ALPHABET) : (s ?? randomString(rng, 6));
        agree(g, text, `grammar ${i}`);
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(40);
  });
});

describe("checkText messages", () => {
  const json = parseGbnf(readFileSync(join(GRAMMARS, "json.gbnf"), "utf8"));

  it("names the character found, a byte inside a character, and bytes that are not UTF-8", () => {
    expect(checkText(json, '{"a": x}')).toEqual({ accepted: false, offset: 6, message: expect.stringMatching(/^unexpected 'x' at byte 6; expected .*'t'.*'\{'/) });
    const g = parseGbnf('root ::= "é" | "ü"');
    expect(checkText(g, "è").message).toBe("unexpected byte 0xA8 of 'è' (U+00E8) at byte 1; expected 0xA9 or 0xBC");
    expect(checkText(g, Uint8Array.of(0xff)).message).toMatch(/^unexpected byte 0xFF \(not UTF-8\) at byte 0/);
    expect(checkText(g, "\uFEFF").message).toBe("unexpected '\uFEFF' (U+FEFF) at byte 0; expected 0xC3");
    expect(checkText(json, '{"a": 1').message).toMatch(/^the text ends too early: it is a valid start, but the grammar expects .*'}'.* at byte 7$/);
  });
});
