/**
 * Shared helpers of the engine tests: a random IR grammar generator, a
 * synthetic vocabulary, and the brute-force mask oracle (the reference
 * recognizer on every token).
 */
import { FormworkError, Rng, TokenKind, TokenMask, Vocabulary } from "@formwork/core";
import { alt, any, charClass, grammar, literal, ref, repeat, seq, type CompiledGrammar, type Grammar, type GrammarCompiler, type GrammarMatcher, type Node } from "@formwork/grammar";
import { referenceMatchBytes, referencePrefixOkBytes } from "@formwork/grammar/testing";

const enc = new TextEncoder();

/** A few characters of every UTF-8 length, plus grammar punctuation. */
export const ALPHABET = ["a", "b", "c", "x", "0", "1", " ", "\n", '"', "{", "}", ",", "é", "ß", "中", "€", "😀", "\u{10FFFF}", "\u007f"];

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
export const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng.next() * (hi - lo + 1));

/** A random grammar with `nRules` rules: literals with Unicode, classes, any, repeats, alternatives, recursion. */
export function randomGrammar(rng: Rng, nRules = int(rng, 1, 4)): Grammar {
  const names = Array.from({ length: nRules }, (_, i) => `r${i}`);
  const node = (depth: number): Node => {
    const k = depth > 2 ? int(rng, 0, 2) : int(rng, 0, 7);
    switch (k) {
      case 0: {
        const n = int(rng, 0, 3);
        let s = "";
        for (let i = 0; i < n; i++) s += pick(rng, ALPHABET);
        return literal(s);
      }
      case 1: {
        const pairs: [number, number][] = [];
        for (let i = int(rng, 1, 3); i > 0; i--) {
          const c = pick(rng, ALPHABET).codePointAt(0)!;
          pairs.push([c, c + int(rng, 0, rng.next() < 0.2 ? 3000 : 3)]);
        }
        return charClass(pairs, rng.next() < 0.25);
      }
      case 2:
        return rng.next() < 0.15 ? any() : ref(pick(rng, names));
      case 3:
      case 4:
        return seq(...Array.from({ length: int(rng, 2, 3) }, () => node(depth + 1)));
      case 5:
        return alt(...Array.from({ length: int(rng, 2, 3) }, () => node(depth + 1)));
      default: {
        const min = int(rng, 0, 2);
        const max = rng.next() < 0.3 ? Infinity : min + int(rng, 0, 2);
        return repeat(node(depth + 1), min, max);
      }
    }
  };
  return grammar(names.map((n) => [n, node(0)] as const));
}

/**
 * A synthetic vocabulary: all 256 single bytes, random strings over
 * `ALPHABET` (some cut in the middle of a character), pieces of `extra`
 * texts, two control tokens and one end-of-generation token (the last id).
 */
export function syntheticVocabulary(rng: Rng, count = 300, extra: readonly string[] = []): Vocabulary {
  const tokens: Uint8Array[] = [];
  const kinds: number[] = [];
  const seen = new Set<string>();
  const add = (b: Uint8Array, kind: number = TokenKind.Normal) => {
    const key = Array.from(b).join(",");
    if (kind === TokenKind.Normal && seen.has(key)) return;
    seen.add(key);
    tokens.push(b);
    kinds.push(kind);
  };
  for (let i = 0; i < 256; i++) add(Uint8Array.of(i), TokenKind.Byte);
  for (const t of extra) {
    const b = enc.encode(t);
    for (let i = 0; i < 6; i++) {
      const s = int(rng, 0, b.length), e = Math.min(b.length, s + int(rng, 1, 6));
      if (e > s) add(b.slice(s, e));
    }
  }
  while (tokens.length < count) {
    let s = "";
    for (let i = int(rng, 1, 4); i > 0; i--) s += pick(rng, ALPHABET);
    let b = enc.encode(s);
    if (rng.next() < 0.25) b = b.slice(int(rng, 0, 2), Math.max(1, b.length - int(rng, 0, 2)));
    if (b.length > 0) add(b);
  }
  add(enc.encode("<ctl>"), TokenKind.Control);
  add(new Uint8Array(0), TokenKind.Control);
  add(enc.encode("<eos>"), TokenKind.Control);
  return new Vocabulary({ tokens, kinds, eog: [tokens.length - 1], eos: tokens.length - 1, name: "synthetic" });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The oracle: token t is allowed after `prefix` iff the reference
 * recognizer says prefix + bytes(t) is a prefix of a sentence; EOG iff the
 * prefix is a whole sentence; other special tokens never.
 */
export function bruteForceAllows(g: Grammar, vocab: Vocabulary, prefix: Uint8Array, id: number, complete: boolean): boolean {
  if (vocab.isEog(id)) return complete;
  if (!vocab.isText(id)) return false;
  return referencePrefixOkBytes(g, concat(prefix, vocab.bytesOf(id)));
}

/** Ids where the engine's mask and the oracle disagree, over `ids` (all ids when omitted). */
export function maskDiff(g: Grammar, m: GrammarMatcher, prefix: Uint8Array, ids?: Iterable<number>): string[] {
  const vocab = m.compiled.vocabulary;
  const mask = new TokenMask(vocab.size);
  m.fillNextTokenMask(mask);
  const complete = referenceMatchBytes(g, prefix).complete;
  const bad: string[] = [];
  const all = ids ?? Array.from({ length: vocab.size }, (_, i) => i);
  for (const id of all) {
    const want = bruteForceAllows(g, vocab, prefix, id, complete);
    if (mask.has(id) !== want) bad.push(`${id} ${JSON.stringify(vocab.textOf(id))} [${Array.from(vocab.bytesOf(id))}] engine=${mask.has(id)} oracle=${want}`);
  }
  return bad;
}

export { concat };

/** `compiler.compile(g)`, or null when the grammar is refused as left-recursive, empty or past `maxNfaStates`. */
export function compileOrSkip(compiler: GrammarCompiler, g: Grammar): CompiledGrammar | null {
  try {
    return compiler.compile(g);
  } catch (e) {
    if (e instanceof FormworkError && ["left-recursion", "empty-language", "max-nfa-states"].includes(e.code)) return null;
    throw e;
  }
}
