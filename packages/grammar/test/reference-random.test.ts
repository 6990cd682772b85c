import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rng } from "@formwork/core";
import { ReferenceRecognizer, referenceMatch, referenceMatchBytes, referencePrefixOk, referencePrefixOkBytes } from "@formwork/grammar/testing";
import { bruteForce, candidateCodePoints, int, randomCfg, randomRegularGrammar, randomString, sampleSentence } from "./reference-random.js";

const enc = new TextEncoder();

describe("reference recognizer against oracles", () => {
  it("agrees with RegExp on random regular grammars (random strings and sampled sentences)", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = new Rng(seed);
        const { grammar, regex } = randomRegularGrammar(rng);
        const texts: string[] = [];
        for (let i = 0; i < 15; i++) texts.push(randomString(rng, 5));
        for (let i = 0; i < 15; i++) {
          const s = sampleSentence(grammar, rng);
          if (s !== null) texts.push(s);
        }
        for (const t of texts) {
          const want = regex.test(t);
          const got = referenceMatch(grammar, t);
          if (got.accepted !== want) throw new Error(`${regex} on ${JSON.stringify(t)}: reference says ${got.accepted}`);
          // Every sampled sentence is accepted, so every prefix of it is a viable prefix.
          if (want) for (let k = 0; k <= t.length; k++) if (!referencePrefixOk(grammar, t.slice(0, k)) && !/[\uDC00-\uDFFF]/.test(t[k] ?? "")) throw new Error(`prefix of ${JSON.stringify(t)} refused`);
        }
      }),
      { seed: 20261123, numRuns: 400 },
    );
  });

  it("agrees with brute force on random context-free grammars (membership and prefix)", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = new Rng(seed);
        const g = randomCfg(rng);
        const texts = new Set<string>([""]);
        for (let i = 0; i < 10; i++) texts.add(randomString(rng, 4));
        for (let i = 0; i < 10; i++) {
          const s = sampleSentence(g, rng);
          if (s !== null && [...s].length <= 6) {
            texts.add(s);
            texts.add(s.slice(0, Math.max(0, s.length - 1)));
          }
        }
        for (const t of texts) {
          const want = bruteForce(g, t);
          const got = referenceMatch(g, t);
          if (got.accepted !== want.member || got.prefix !== want.prefix || referencePrefixOk(g, t) !== want.prefix) {
            throw new Error(`${JSON.stringify(t)}: brute ${JSON.stringify(want)}, reference ${JSON.stringify(got)}`);
          }
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("checks byte prefixes that end inside a UTF-8 character exactly", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = new Rng(seed);
        const g = randomCfg(rng);
        for (let k = 0; k < 6; k++) {
          const t = sampleSentence(g, rng) ?? randomString(rng, 3);
          if ([...t].length > 5) continue;
          const bytes = enc.encode(t);
          for (let cut = 0; cut <= bytes.length; cut++) {
            const b = bytes.slice(0, cut);
            const got = referencePrefixOkBytes(g, b);
            // The complete characters before the cut, and the partial one.
            let head = "";
            let used = 0;
            for (const ch of t) {
              const n = enc.encode(ch).length;
              if (used + n > cut) break;
              head += ch;
              used += n;
            }
            let want: boolean;
            if (used === cut) want = bruteForce(g, head).prefix;
            else {
              const tail = b.slice(used);
              const lead = tail[0];
              const len = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
              // Code points whose encoding starts with the tail bytes.
              const bits = 6 * (len - tail.length);
              let v = lead & (0xff >> (len + 1));
              for (let i = 1; i < tail.length; i++) v = (v << 6) | (tail[i] & 0x3f);
              const lo = v * 2 ** bits;
              const hi = lo + 2 ** bits - 1;
              want = candidateCodePoints(g, lo, hi)
                .filter((c) => enc.encode(String.fromCodePoint(c)).length === len)
                .some((c) => bruteForce(g, head + String.fromCodePoint(c)).prefix);
            }
            if (got !== want) throw new Error(`${JSON.stringify(t)} cut at byte ${cut}: reference ${got}, brute ${want}`);
          }
        }
      }),
      { seed: 99, numRuns: 200 },
    );
  });

  it("rejects invalid UTF-8 at the first bad byte", () => {
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const g = randomCfg(rng);
      const t = sampleSentence(g, rng) ?? "a";
      const bytes = enc.encode(t);
      const bad = [0x80, 0xc0, 0xc1, 0xf5, 0xff][int(rng, 5)];
      // Insert at a character boundary, so the bad byte is the first invalid one.
      const bounds = [0];
      for (const ch of t) bounds.push(bounds[bounds.length - 1] + enc.encode(ch).length);
      const pos = bounds[int(rng, bounds.length)];
      const b = new Uint8Array([...bytes.slice(0, pos), bad, ...bytes.slice(pos)]);
      const r = referenceMatchBytes(g, b);
      expect(r.accepted).toBe(false);
      expect(r.prefix).toBe(false);
      expect(r.offset).toBeLessThanOrEqual(pos);
      if (referencePrefixOkBytes(g, bytes.slice(0, pos))) expect(r.offset).toBe(pos);
    }
  });

  it("ReferenceRecognizer (incremental, byte chunks) agrees with the one-shot functions", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = new Rng(seed);
        const g = randomCfg(rng);
        const rec = new ReferenceRecognizer(g);
        const target = enc.encode(sampleSentence(g, rng) ?? randomString(rng, 4));
        let fed = new Uint8Array(0);
        for (let at = 0; at < target.length; ) {
          // A random chunk of the sentence, and a random wrong chunk tried first.
          const len = 1 + int(rng, 3);
          const chunk = target.slice(at, at + len);
          const noise = enc.encode(randomString(rng, 2)).slice(0, 1 + int(rng, 3));
          const join = (a: Uint8Array, b: Uint8Array) => new Uint8Array([...a, ...b]);
          expect(rec.canAccept(noise)).toBe(referencePrefixOkBytes(g, join(fed, noise)));
          expect(rec.canAccept(chunk)).toBe(referencePrefixOkBytes(g, join(fed, chunk)));
          if (!rec.acceptBytes(chunk)) {
            expect(referencePrefixOkBytes(g, join(fed, chunk))).toBe(false);
            break;
          }
          fed = join(fed, chunk);
          at += chunk.length;
          expect(rec.isComplete()).toBe(referenceMatchBytes(g, fed).accepted);
        }
      }),
      { seed: 2718, numRuns: 200 },
    );
  });
});
