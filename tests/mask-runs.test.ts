// Character runs and slices in the token cache (packages/grammar/src/engine/slice.ts) are a
// shortcut: a trie subtree is accepted whole when a state can read every continuation in it.
// Differential oracle: the masks with the shortcut must equal, token for token over the whole
// Qwen vocabulary (151k ids), the masks of the plain trie walk (itself checked against the
// reference recognizer in packages/grammar/test), at every step of real tokenized instances.
import { describe, expect, it } from "vitest";
import { TokenKind, TokenMask, Vocabulary } from "@formwork/core";
import { GrammarCompiler, parseGbnf, type CompiledGrammar } from "@formwork/grammar";
import { sliceTuning } from "@formwork/grammar/internal";
import { compileSchema, stringifyYaml } from "@formwork/json-schema";
import { hfTokenizer, qwenVocabulary } from "@formwork/testkit";

// Texts longer than Qwen's longest token: mixed scripts, escapes, a run of one character.
const LONG = `${'The quick brown fox jumps over the lazy dog; Zoë «Ωmega» 中文 🎉 "q" \\ tab\t '.repeat(3)}${"=".repeat(40)}${"long tail ".repeat(60)}`;
/** The first n characters (code points, as `maxLength` counts them) of LONG. */
const long = (n: number): string => [...LONG].slice(0, n).join("");
const ASCII = `${"Lorem ipsum dolor sit amet 42 ".repeat(4)}${"a".repeat(30)}${" consectetur adipiscing elit ".repeat(4)}`;

const cases: { name: string; schema: unknown; values: unknown[] }[] = [
  { name: "unbounded string (a loop)", schema: { type: "string" }, values: ["Zoë «Ωmega» 中文 🎉 \"q\" \\ \n\t end", ""] },
  { name: "string of at most 12 characters (a counted chain)", schema: { type: "string", maxLength: 12 }, values: ["hello world!", "中文中文 ab", "x"] },
  { name: "string of 3..40 characters", schema: { type: "string", minLength: 3, maxLength: 40 }, values: ["The quick brown fox jumps over the dog", "abc"] },
  { name: "ASCII pattern with a bounded run", schema: { type: "string", pattern: "^[A-Za-z0-9_ .,-]{2,30}$" }, values: ["Hello, world_1.0", "ab"] },
  { name: "pattern with an unbounded ASCII run", schema: { type: "string", pattern: "^[\\w .,-]*!$" }, values: ["some words here!", "!"] },
  {
    name: "object with declared and other keys",
    schema: { type: "object", properties: { base: { type: "number" }, height: { type: "string", maxLength: 20 }, label: { type: "string" } }, additionalProperties: { type: "string" } },
    values: [{ base: 2, height: "tall ones", label: "ok", bar: "x y", basement: "deep", "h\u00e9": "z" }],
  },
  { name: "regex dot (every character but U+2028/9)", schema: { type: "string", pattern: "^.*$" }, values: ["a — b … c\u2027\u202a 中 🎉", "x"] },
  { name: "regex dot, bounded", schema: { type: "string", pattern: "^.{0,14}$" }, values: ["a — b … 中文", ""] },
  { name: "regex dot in keys", schema: { type: "object", patternProperties: { "^.+$": { type: "integer" } }, additionalProperties: { type: "string" } }, values: [{ "k — 1": 1, "\u2028": "line" }] },
  { name: "first character restricted (a funnel into the string loop)", schema: { type: "string", pattern: "^[^a]" }, values: ["bcd a", "z"] },
  { name: "first character leads elsewhere for one letter", schema: { type: "string", pattern: "^(?:[^q]|q[0-9])" }, values: ["q1 rest", "hello"] },
  { name: "array of bounded strings", schema: { type: "array", items: { type: "string", maxLength: 5 }, maxItems: 4 }, values: [["ab", "cdefg", "", "中文"]] },
  // Bounds beyond the longest token (Qwen: 128 bytes): the copies far from them read alike, so the
  // run is taken as a loop there (`runLength`); the texts go on until the bound is within reach.
  { name: "string of at most 150 characters (copies that read alike)", schema: { type: "string", maxLength: 150 }, values: [long(150), long(131), "x"] },
  { name: "string of 140..1000 characters", schema: { type: "string", minLength: 140, maxLength: 1000 }, values: [long(140), long(900)] },
  { name: "regex dot, bounded past the longest token", schema: { type: "string", pattern: "^.{0,160}$" }, values: [long(160), "a"] },
  // A loop of three states: a letter, one of 36 other ASCII characters, a letter. No run on it is
  // endless (`runLength`'s loop check): from the last state, two letters are the most in a row.
  {
    name: "loop of states that read different sets",
    schema: { type: "string", pattern: "^(?:[a-zA-Z][0-9!#-/:-@\\[\\]-`{-~][a-zA-Z])*$" },
    values: ["a1bc2de3fG4hI5jk!lm#no$pq%rs&tu'vw(xy)zA*BC+DE,FG-HI.JK/LM:NO;PQ<RS=TU>VW?XY@Za[bc]de^fg_hi`jk{lm|no}pq~r".repeat(2), "Z9y"],
  },
  { name: "ASCII pattern with a run past the longest token", schema: { type: "string", pattern: "^[A-Za-z0-9 ]{3,150}$" }, values: [ASCII.slice(0, 150), "abc"] },
];

function lockstep(a: CompiledGrammar, b: CompiledGrammar, ids: number[]): string[] {
  const size = a.vocabulary.size;
  const ma = a.createMatcher(), mb = b.createMatcher();
  const maskA = new TokenMask(size), maskB = new TokenMask(size);
  const bad: string[] = [];
  for (let i = 0; i <= ids.length; i++) {
    sliceTuning.enabled = true;
    ma.fillNextTokenMask(maskA);
    sliceTuning.enabled = false;
    try {
      mb.fillNextTokenMask(maskB);
    } finally {
      sliceTuning.enabled = true;
    }
    if (!maskA.equals(maskB)) {
      const diff: string[] = [];
      for (let id = 0; id < size && diff.length < 5; id++) {
        if (maskA.has(id) !== maskB.has(id)) diff.push(`${id} ${JSON.stringify(a.vocabulary.textOf(id))} runs=${maskA.has(id)}`);
      }
      bad.push(`step ${i}: ${diff.join("; ")}`);
    }
    if (i === ids.length) break;
    if (!maskA.has(ids[i]) || !ma.acceptToken(ids[i]) || !mb.acceptToken(ids[i])) {
      bad.push(`step ${i}: token ${ids[i]} refused`);
      break;
    }
  }
  return bad;
}

describe("token cache: runs and slices equal the plain trie walk (Qwen, every token)", () => {
  const vocab = qwenVocabulary();
  for (const c of cases) {
    it(c.name, async () => {
      const tok = await hfTokenizer("qwen3");
      const g = compileSchema(c.schema).grammar;
      // Two compilers: separate caches, so each matcher fills its own entries.
      const withRuns = new GrammarCompiler(vocab).compile(g);
      const plain = new GrammarCompiler(vocab, { precomputeSlices: false }).compile(g);
      for (const v of c.values) {
        const ids = tok.encode(JSON.stringify(v), { add_special_tokens: false });
        expect(lockstep(withRuns, plain, ids), JSON.stringify(v)).toEqual([]);
      }
    }, 120_000);
  }
});

// String content as a rule of its own (called: used twice, inlineLimit 0), so the loop state is
// accepting: the rule can end anywhere and a token goes on through the caller (escape points).
const gbnfCases: { name: string; gbnf: string; texts: string[] }[] = [
  {
    name: "called string content, then a quote",
    gbnf: [String.raw`root ::= "{\"" body "\":\"" body "\"}"`, String.raw`body ::= [^"\\\x00-\x1f]*`].join("\n"),
    texts: ['{"key one":"value, two \u00e9 中"}', '{"":""}'],
  },
  {
    // After the rule ends the caller reads "." (a byte of the run's own set), then a quote: tokens
    // such as ')."' are accepted only by ending the rule before the dot.
    name: "called content whose follow byte is inside the set",
    gbnf: [String.raw`root ::= "\"" body ".\"" body ".\""`, String.raw`body ::= [^"\\\x00-\x1f]*`].join("\n"),
    texts: ['"a (b)."x."', '"."."'],
  },
  {
    name: "called bounded content",
    gbnf: [String.raw`root ::= "\"" body "\"," body "."`, String.raw`body ::= [a-zA-Z0-9 _-]{0,9}`].join("\n"),
    texts: ['"hello wor",abc.'],
  },
  {
    // Bounded past the longest token; the rule can end anywhere in the run.
    name: "called long bounded content (copies that read alike)",
    gbnf: [String.raw`root ::= "\"" body "\" " body "."`, String.raw`body ::= [a-zA-Z0-9 _-]{0,200}`].join("\n"),
    texts: [`"${ASCII.slice(0, 140)}" ${ASCII.slice(0, 200)}.`, '"ab" c.'],
  },
];

describe("token cache: runs in called rules equal the plain walk (Qwen, every token)", () => {
  const vocab = qwenVocabulary();
  for (const c of gbnfCases) {
    it(c.name, async () => {
      const tok = await hfTokenizer("qwen3");
      const g = parseGbnf(c.gbnf);
      const withRuns = new GrammarCompiler(vocab, { inlineLimit: 0 }).compile(g);
      const plain = new GrammarCompiler(vocab, { inlineLimit: 0, precomputeSlices: false }).compile(g);
      expect(withRuns.stats.calledRules).toContain("body");
      for (const text of c.texts) {
        const ids = tok.encode(text, { add_special_tokens: false });
        expect(lockstep(withRuns, plain, ids), text).toEqual([]);
      }
    }, 120_000);
  }
});

// Run states that call rules (a YAML plain scalar can end after any character, and the next key is
// a call): the cache entry starts from the slice only when what the calls read is outside the run's
// set, and a called rule that may read nothing can end the caller's rule at any exit.
const callingRunCases: { name: string; gbnf: string; called: string; texts: string[] }[] = [
  {
    name: "a call from the loop that starts with a byte of the set (no slice)",
    // Qwen splits ASCII letters from punctuation and digits: x starts with a letter, then leaves the set.
    gbnf: [String.raw`root ::= "<" [a-zA-Z ]* x? ">" x`, String.raw`x ::= "ió" [a-z]*`].join("\n"),
    called: "x",
    texts: ["<la informaci\u00f3n>i\u00f3n", "<acci\u00f3n>i\u00f3"],
  },
  {
    name: "a call that may read nothing ends the rule anywhere (escapes at exits)",
    gbnf: [String.raw`root ::= "(" item ")" ";" item "." opt`, String.raw`item ::= [a-zA-Z ]* opt`, String.raw`opt ::= "" | "#" [0-9]`].join("\n"),
    called: "opt",
    texts: ["(ab cd#1);xy.#2", "(hello);world."],
  },
];

describe("token cache: runs through states that call rules equal the plain walk (Qwen, every token)", () => {
  const vocab = qwenVocabulary();
  for (const c of callingRunCases) {
    it(c.name, async () => {
      const tok = await hfTokenizer("qwen3");
      const g = parseGbnf(c.gbnf);
      const withRuns = new GrammarCompiler(vocab, { inlineLimit: 0 }).compile(g);
      const plain = new GrammarCompiler(vocab, { inlineLimit: 0, precomputeSlices: false }).compile(g);
      expect(withRuns.stats.calledRules).toContain(c.called);
      for (const text of c.texts) expect(lockstep(withRuns, plain, tok.encode(text, { add_special_tokens: false })), text).toEqual([]);
    }, 120_000);
  }
});

// Qwen has no token holding U+2028/U+2029, so the exits in the middle of a character (a regex `.`
// leaves those two out) are checked on a vocabulary made for it: every printable ASCII character,
// words, the two characters alone and inside words, their partial bytes, and their neighbours.
describe("token cache: exits inside a character (regex dot), synthetic vocabulary", () => {
  const enc = new TextEncoder();
  const texts = new Set<string>();
  for (let c = 0x20; c < 0x7f; c++) texts.add(String.fromCharCode(c));
  for (const w of ["ab", "abc", '"', '",', 'a"', "\u2028", "x\u2028", "\u2028y", "a\u2029b\"", "\u2027", "\u202a", "\u2014", "q\u2026", "中", "é", "\u2028\u2029"]) texts.add(w);
  const tokens = [...texts].map((t) => enc.encode(t));
  tokens.push(Uint8Array.of(0xe2), Uint8Array.of(0xe2, 0x80), Uint8Array.of(0xa8), Uint8Array.of(0x80, 0xa8), Uint8Array.of(0xa9, 0x22));
  const kinds = tokens.map(() => TokenKind.Normal);
  tokens.push(enc.encode("<eos>"));
  kinds.push(TokenKind.Control);
  const vocab = new Vocabulary({ tokens, kinds, eog: [tokens.length - 1], eos: tokens.length - 1, name: "dot-test" });
  const idOf = (bytes: Uint8Array) => tokens.findIndex((t) => t.length === bytes.length && t.every((b, i) => b === bytes[i]));
  /** Greedy longest-match tokenization over the synthetic vocabulary. */
  const encode = (text: string): number[] => {
    const b = enc.encode(text);
    const out: number[] = [];
    for (let i = 0; i < b.length; ) {
      let best = -1, len = 0;
      for (let j = Math.min(b.length, i + 8); j > i; j--) {
        const id = idOf(b.slice(i, j));
        if (id >= 0) {
          best = id;
          len = j - i;
          break;
        }
      }
      if (best < 0) throw new Error(`no token at ${i}`);
      out.push(best);
      i += len;
    }
    return out;
  };
  for (const [name, schema, values] of [
    ["unbounded", { type: "string", pattern: "^.*$" }, ["a\u2014b", "x"]],
    ["bounded", { type: "string", pattern: "^.{0,6}$" }, ["ab\u2027", ""]],
    ["line separator only before an x", { type: "string", pattern: "^(?:.|\u2028x)*$" }, ["a\u2028xb", "abc"]],
    ["first character a dot, then the line separator too (a funnel)", { type: "string", pattern: "^.[\\s\\S]*$" }, ["ab\u2028c", "a"]],
  ] as const) {
    it(name, () => {
      const g = compileSchema(schema).grammar;
      const withRuns = new GrammarCompiler(vocab).compile(g);
      const plain = new GrammarCompiler(vocab, { precomputeSlices: false }).compile(g);
      for (const v of values) expect(lockstep(withRuns, plain, encode(JSON.stringify(v))), JSON.stringify(v)).toEqual([]);
    });
  }
});

// YAML scalars (compileSchema with syntax "yaml"): plain scalars are runs over printable characters
// but C1 controls, U+2028/9, U+FEFF, U+FFFE/F (slice mode `+y`), broken by spaces and `:`.
const yamlCases: { name: string; schema: unknown; values: unknown[] }[] = [
  { name: "YAML: unbounded plain and quoted strings", schema: { type: "object", properties: { text: { type: "string" }, n: { type: "integer" } }, required: ["text"] }, values: [{ text: "Zoë «Ωmega» 中文 🎉 a:b c#d", n: 3 }, { text: "yes" }, { text: "a: b \u0085" }] },
  { name: "YAML: bounded strings (counted sentence and word forms)", schema: { type: "object", properties: { title: { type: "string", maxLength: 80 }, id: { type: "string", maxLength: 12 } }, required: ["title"] }, values: [{ title: "Introduction to Machine Learning and to Natural Language Processing 中文", id: "ab:c/d-中" }, { title: "x" }] },
  { name: "YAML: list of strings and nested keys", schema: { type: "object", properties: { tags: { type: "array", items: { type: "string" } }, meta: { type: "object", additionalProperties: { type: "string" } } } }, values: [{ tags: ["alpha beta", "γ", "2024-01-01", "on"], meta: { "key one": "value: two", k: "http://x.y/z" } }] },
];

describe("token cache: runs and slices equal the plain trie walk on YAML grammars (Qwen, every token)", () => {
  const vocab = qwenVocabulary();
  for (const c of yamlCases) {
    it(c.name, async () => {
      const tok = await hfTokenizer("qwen3");
      const g = compileSchema(c.schema, { syntax: "yaml" }).grammar;
      const withRuns = new GrammarCompiler(vocab).compile(g);
      const plain = new GrammarCompiler(vocab, { precomputeSlices: false }).compile(g);
      for (const v of c.values) {
        const text = stringifyYaml(v)!;
        expect(lockstep(withRuns, plain, tok.encode(text, { add_special_tokens: false })), text).toEqual([]);
      }
    }, 120_000);
  }
});

// Qwen holds few of the characters YAML scalars leave out inside a UTF-8 sequence (U+0085, U+FEFF,
// U+FFFE/F after C2, EF BB, EF BF): a vocabulary made for them, their neighbours and partial bytes.
describe("token cache: exits inside a character (YAML scalars), synthetic vocabulary", () => {
  const enc = new TextEncoder();
  const texts = new Set<string>();
  for (let c = 0x20; c < 0x7f; c++) texts.add(String.fromCharCode(c));
  for (const w of ["ab", "abc", "\n", "a\n", "k:", ": ", "\u0085", "x\u0085", "\u0085y", "\u00a0", "\u009f", "\u00a9b", "\ufeff", "a\ufeff", "\ufefe", "\uff00", "\ufffd", "\ufffe", "\uffff", "\uffbf", "\u2028", "x\u2029", "\u2027", "中", "é", "ab c", " d", "b\u0085x", "\u0085x", "a\ufeffy", "\ufffez", "c\ufffez", "\u2028w", '"', '",', 'a"']) texts.add(w);
  const tokens = [...texts].map((t) => enc.encode(t));
  tokens.push(Uint8Array.of(0xc2), Uint8Array.of(0xef), Uint8Array.of(0xef, 0xbb), Uint8Array.of(0xef, 0xbf), Uint8Array.of(0x85), Uint8Array.of(0xbf, 0x61), Uint8Array.of(0xbe), Uint8Array.of(0xbb, 0xbf), Uint8Array.of(0xe2, 0x80));
  const kinds = tokens.map(() => TokenKind.Normal);
  tokens.push(enc.encode("<eos>"));
  kinds.push(TokenKind.Control);
  const vocab = new Vocabulary({ tokens, kinds, eog: [tokens.length - 1], eos: tokens.length - 1, name: "yaml-chars-test" });
  const idOf = (bytes: Uint8Array) => tokens.findIndex((t) => t.length === bytes.length && t.every((b, i) => b === bytes[i]));
  const encode = (text: string): number[] => {
    const b = enc.encode(text);
    const out: number[] = [];
    for (let i = 0; i < b.length; ) {
      let best = -1, len = 0;
      for (let j = Math.min(b.length, i + 8); j > i; j--) {
        const id = idOf(b.slice(i, j));
        if (id >= 0) {
          best = id;
          len = j - i;
          break;
        }
      }
      if (best < 0) throw new Error(`no token at ${i}`);
      out.push(best);
      i += len;
    }
    return out;
  };
  // In YAML grammars those characters lead nowhere; the pattern (a JSON string) reads each of
  // them into a state of its own, so the exits in their middle lead somewhere.
  const pattern = "^(?:[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ufeff\\ufffe\\uffff]|\\u0085x|\\ufeffy|\\ufffez|\\u2028w)*$";
  for (const [name, schema, values, syntax] of [
    ["unbounded", { type: "object", properties: { k: { type: "string" } } }, [{ k: "a\u00a0b\ufefe\uff00c\ufffd" }, { k: "\u0085" }, { k: "x\ufeff" }], "yaml"],
    ["bounded", { type: "object", properties: { k: { type: "string", maxLength: 9 } } }, [{ k: "ab\u00a9b c" }, { k: "\ufffd\u2027 d" }], "yaml"],
    ["list", { type: "array", items: { type: "string" } }, [["\u00a0", "ab c", "\u2028"]], "yaml"],
    ["JSON string whose excluded characters lead elsewhere", { type: "string", pattern }, ["ab\u0085xc\ufeffy\ufffez\u2028w", "b\u0085x"], "json"],
    ["first character printable in YAML, then any (a funnel)", { type: "string", pattern: "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ufeff\\ufffe\\uffff][\\s\\S]*$" }, ["\u00a0\u0085x\ufeff", "a"], "json"],
  ] as const) {
    it(name, () => {
      const g = compileSchema(schema, syntax === "yaml" ? { syntax: "yaml" } : {}).grammar;
      const withRuns = new GrammarCompiler(vocab).compile(g);
      const plain = new GrammarCompiler(vocab, { precomputeSlices: false }).compile(g);
      for (const v of values) {
        const text = syntax === "yaml" ? stringifyYaml(v)! : JSON.stringify(v);
        expect(lockstep(withRuns, plain, encode(text)), text).toEqual([]);
      }
    });
  }
});

// The run of a long bounded string is taken as a loop where its copies read alike (same token-cache
// key): the first mask inside the string builds a few states, not the chain of copies up to the
// longest token ahead of the walk (about nine DFA states per character: over 1,100 before).
describe("token cache: a long bounded string builds no chain ahead", () => {
  it("maxLength 1000: the first mask inside the string", async () => {
    const tok = await hfTokenizer("qwen3");
    const compiled = new GrammarCompiler(qwenVocabulary()).compile(compileSchema({ type: "string", maxLength: 1000 }).grammar);
    const m = compiled.createMatcher();
    const mask = new TokenMask(compiled.vocabulary.size);
    for (const id of tok.encode('"ab', { add_special_tokens: false })) expect(m.acceptToken(id)).toBe(true);
    const before = compiled.memory().dfaStates;
    m.fillNextTokenMask(mask);
    expect(compiled.memory().dfaStates - before).toBeLessThan(100);
    // Exactness of the same masks against the plain walk is checked above (string of 140..1000 characters).
    expect(mask.has(tok.encode("xyz", { add_special_tokens: false })[0])).toBe(true);
  }, 60_000);
});
