// Fast-check over the entry points fuzz.test.ts does not reach (issue 17, item 6): the engine's masks and
// token steps (what generate runs per token) under random grammars and limits, repair with a schema, generate
// and bestOfN's argument and constraint checks (a missing model path: nothing loads), and the four CLI verbs
// run in process on random argument vectors. Each ends in a result or a documented FormworkError (`outcome`
// rethrows anything else); the CLI in exit 0, 1 or 2 with `formwork: error [code]` on stderr for 2, never
// an internal error. Bounded: fixed seeds, a few dozen to a few hundred runs each.
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { TokenKind, TokenMask, Vocabulary } from "@formwork/core";
import { GrammarCompiler, parseGbnf } from "@formwork/grammar";
import { repairJson, repairYaml } from "@formwork/repair";
import { generate } from "@formwork/llama";
import { bestOfN } from "@formwork/select";
import { run } from "@formwork/cli";
import { captureCli } from "../../packages/cli/test/capture.js";
import { outcome } from "./outcome.js";

const io = captureCli("formwork-fuzz-entry-");
const enc = new TextEncoder();
/** A run of `piece` repeated 1 to `max` times: deep nesting comes from runs, not from luck. */
const run_ = (piece: string, max: number) => fc.integer({ min: 1, max }).map((n) => piece.repeat(n));

/** Every byte, bracket runs, a few words, and an end-of-generation token. */
function vocabulary(): Vocabulary {
  const texts = ["((", "((((", "))", "[[", "[[[[", "]]", "ab", "abc", '{"', '":', "true", "null", "é", "中文", " (", "x)"];
  const tokens = [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), ...texts.map((t) => enc.encode(t)), enc.encode("<eos>")];
  const kinds = tokens.map((_, i) => (i < 256 ? TokenKind.Byte : i === tokens.length - 1 ? TokenKind.Control : TokenKind.Normal));
  return new Vocabulary({ tokens, kinds, eog: [tokens.length - 1], eos: tokens.length - 1, name: "fuzz" });
}

const gbnfPiece = fc.oneof(
  fc.constantFrom("root ::= ", "x ::= ", "\nx ::= ", "\n", '"a"', '"("', '")"', "[a-z]", "[^x]", ".", " x", " root", " | ", "*", "+", "?", "{2,3}", "{0,500}", "(", ")", " "),
  fc.constant('root ::= x\nx ::= "(" x ")" | "a"\n'),
  fc.constant('root ::= x\nx ::= "[" (x ("," x)*)? "]" | "0"\n'),
  run_("(", 60),
  run_(")", 60),
);

const grammarsDir = resolve(import.meta.dirname, "../../grammars");
/** The repository's grammars (most of the runs), some with a random alternative added to the root, and random pieces. */
const grammarText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...readdirSync(grammarsDir).filter((f) => f.endsWith(".gbnf"))).map((f) => readFileSync(join(grammarsDir, f), "utf8")) },
  { weight: 2, arbitrary: fc.constantFrom('root ::= x\nx ::= "(" x ")" | "a"\n', 'root ::= x\nx ::= "[" (x ("," x)*)? "]" | "0"\n', "root ::= [a-z]{0,300}\n", 'root ::= ("ab" | "a" "b"?)*\n').chain((g) => fc.array(gbnfPiece, { maxLength: 3 }).map((p) => (p.length ? `${g.replace("root ::= ", "root ::= (")} ) | ${p.join("")}\n` : g))) },
  { weight: 1, arbitrary: fc.array(gbnfPiece, { maxLength: 10 }).map((p) => p.join("")) },
);

describe("fuzz: the remaining entry points, documented errors only", () => {
  it("masks and token steps (generate's per-token work) on random grammars and engine limits", async () => {
    const vocab = vocabulary();
    const mask = new TokenMask(vocab.size);
    let steps = 0;
    const limits = fc.record({ maxStackDepth: fc.constantFrom(undefined, 1, 3, 20, 1_000), maxConfigurations: fc.constantFrom(undefined, 1, 4, 4_096), maxDfaStates: fc.constantFrom(undefined, 2, 50), maxNfaStates: fc.constantFrom(undefined, 10, 1_000_000) });
    await fc.assert(
      fc.asyncProperty(grammarText, limits, fc.array(fc.nat(vocab.size * 4), { maxLength: 40 }), async (text, lim, picks) => {
        const parsed = await outcome(() => parseGbnf(text));
        if (!parsed.ok) return;
        const compiled = await outcome(() => new GrammarCompiler(vocab, { precomputeSlices: false, ...Object.fromEntries(Object.entries(lim).filter(([, v]) => v !== undefined)) }).compile(parsed.value));
        if (!compiled.ok) return;
        const created = await outcome(() => compiled.value.createMatcher());
        if (!created.ok) return;
        const m = created.value;
        for (const p of picks) {
          const filled = await outcome(() => m.fillNextTokenMask(mask));
          if (!filled.ok) return;
          const allowed: number[] = [];
          for (let id = 0; id < vocab.size; id++) if (mask.has(id)) allowed.push(id);
          if (allowed.length === 0) return;
          const step = await outcome(() => m.acceptToken(allowed[p % allowed.length]));
          if (!step.ok) return;
          // A token the mask allows is accepted (or a limit said why not).
          expect(step.value).toBe(true);
          steps++;
          if (m.isTerminated()) return;
          await outcome(() => m.minTokensToFinish());
        }
      }),
      { seed: 23, numRuns: 200 },
    );
    // The property reached the matchers, not only the parser's errors.
    expect(steps).toBeGreaterThan(100);
  });

  it("repairJson and repairYaml with a schema", async () => {
    const schema = fc.letrec<{ s: unknown }>((tie) => ({
      s: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom<unknown>({ type: "string", pattern: "^(a+)+$" }, { type: "integer" }, { $ref: "#" }, true, false, { enum: [1, "a"] }, { type: "nope" }, { $ref: "#/nowhere" }, 5),
        fc.record({ type: fc.constant("array"), items: tie("s"), maxItems: fc.constantFrom(undefined, 2) }, { requiredKeys: ["type", "items"] }),
        fc.record({ type: fc.constant("object"), properties: fc.dictionary(fc.constantFrom("a", "b"), tie("s")), required: fc.constantFrom([], ["a"]) }),
        fc.record({ anyOf: fc.array(tie("s"), { minLength: 1, maxLength: 2 }) }),
      ),
    })).s;
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.array(fc.constantFrom("{", "}", "[", "]", '"a"', ":", ",", "1", "1e400", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "- ", "\n", "  ", "&x ", "*x"), { maxLength: 30 }).map((p) => p.join("")),
      run_("[", 5_000),
      run_("- ", 500).map((s) => s.replace(/- /g, (m, i: number) => `\n${" ".repeat(i % 40)}${m}`)),
    );
    await fc.assert(
      fc.asyncProperty(schema, text, fc.constantFrom<Record<string, unknown>>({}, { limits: { maxDepth: 50 } }, { limits: { maxInputBytes: 100 } }), async (s, t, options) => {
        for (const repair of [repairJson, repairYaml]) {
          const r = await outcome(() => repair(t, { schema: s, ...options }));
          if (r.ok) expect(typeof r.value.ok).toBe("boolean");
        }
      }),
      { seed: 24, numRuns: 80 },
    );
  });

  it("generate and bestOfN: options and constraints are checked before the (missing) model is looked for", async () => {
    const missing = join(io.dir, "no-such-model.gguf");
    const constraint = fc.oneof(
      fc.record({ schema: fc.constantFrom<unknown>({ type: "object" }, { type: "nope" }, { $ref: "#" }, "not json", { type: "string", pattern: "(a)\\1" }) }),
      fc.record({ grammar: fc.array(gbnfPiece, { maxLength: 8 }).map((p) => p.join("")) }),
      fc.record({ regex: fc.constantFrom("a+", "(", "(?<=a)b", "[a-z]{0,100000}") }),
      fc.constant({}),
    );
    const numbers = fc.record({
      maxTokens: fc.constantFrom<number | undefined>(undefined, 0, -1, 1.5, 8, 4_096, 1e12, NaN, Infinity),
      temperature: fc.constantFrom<number | undefined>(undefined, -1, 0, 2, NaN),
      topK: fc.constantFrom<number | undefined>(undefined, -1, 0, 40, 1e9),
      topP: fc.constantFrom<number | undefined>(undefined, -0.1, 0.9, 2),
    });
    await fc.assert(
      fc.asyncProperty(constraint, numbers, fc.constantFrom("", "x", "\u0000"), async (c, n, prompt) => {
        const options = Object.fromEntries(Object.entries({ ...c, ...n }).filter(([, v]) => v !== undefined));
        const one = await outcome(() => generate({ model: missing, prompt, ...options } as Parameters<typeof generate>[0]));
        expect(one.ok).toBe(false);
        const best = await outcome(() => bestOfN({ model: missing, prompt, n: 2, ...options } as Parameters<typeof bestOfN>[0]));
        expect(best.ok).toBe(false);
      }),
      { seed: 25, numRuns: 60 },
    );
  });

  it("the CLI verbs in process: exit 0, 1 or 2, a documented error line for 2, never an internal error", async () => {
    const schema = io.file("s.json", JSON.stringify({ type: "object", properties: { a: { type: "integer" } }, required: ["a"] }));
    const deepSchema = io.file("deep.json", JSON.stringify({ type: "array", items: { $ref: "#" } }));
    const grammar = io.file("g.gbnf", 'root ::= x\nx ::= "(" x ")" | "a"\n');
    const notUtf8 = io.file("latin1.gbnf", Buffer.from([0x72, 0x6f, 0x6f, 0x74, 0x20, 0x3a, 0x3a, 0x3d, 0x20, 0x22, 0xe9, 0x22]).toString("latin1"));
    const jsonl = io.file("t.jsonl", ['{"text": "{\\"a\\": 1}"}', '{"text": "[[["}', "not json", '{"value": {"a": "x"}}', ""].join("\n"));
    const deepText = `${"(".repeat(1_200)}a${")".repeat(1_200)}`;
    const codes = new Map<string, number>();
    const verb = fc.constantFrom("check", "validate", "repair", "generate");
    const flag = fc.oneof(
      fc.constantFrom<string[]>(["--schema", schema], ["--schema", deepSchema], ["--grammar", grammar], ["--grammar", notUtf8], ["--regex", "a+"], ["--regex", "(a)\\1"], ["--jsonl", jsonl]),
      fc.constantFrom<string[]>(["--text", '{"a": 1}'], ["--text", "[".repeat(3_000)], ["--text", deepText], ["--value", '{"a": 1}'], ["--value", "[[["], ["--json"], ["--quiet"], ["--format", "yaml"], ["--format", "csv"], ["--format", "xml"]),
      fc.constantFrom<string[]>(["--limit", "maxStackDepth=2000"], ["--limit", "maxDepth=5"], ["--limit", "maxNfaStates=1"], ["--limit", "bogus=1"], ["--limit", "maxDepth=-1"], ["--max-tokens", "1e12"], ["--max-tokens", "0"], ["--threads", "100000"], ["--whitespace", "pretty"], ["--nope"], ["--root", "x"]),
    );
    await fc.assert(
      fc.asyncProperty(verb, fc.nat(3), fc.array(flag, { maxLength: 3 }), async (v, b, flags) => {
        // A working command (most runs) with random flags added.
        const base: Record<string, string[][]> = {
          check: [["--schema", schema, "--text", '{"a": 1}'], ["--grammar", grammar, "--text", deepText], ["--regex", "a+", "--text", "aaa"], ["--schema", deepSchema, "--jsonl", jsonl]],
          validate: [["--schema", schema, "--value", '{"a": 1}'], ["--schema", deepSchema, "--value", "[[[]]]"], ["--schema", schema, "--jsonl", jsonl], ["--schema", schema, "--value", "{}"]],
          repair: [["--text", "[1, 2,"], ["--text", '{"a": 1e400'], ["--schema", schema, "--text", '{"a": "1"}'], ["--format", "yaml", "--text", "a: *x"]],
          generate: [["--schema", schema], ["--grammar", grammar], ["--regex", "a+"], []],
        };
        const args = [v, ...base[v][b], ...flags.flat()];
        // Never stdin (the runner's), never a model load: repair reads --jsonl or --text, generate has a missing model and a prompt.
        if (v === "repair" && !args.includes("--jsonl") && !args.includes("--text")) args.push("--text", "[1, 2,");
        if (v === "validate" && !args.includes("--jsonl") && !args.includes("--value")) args.push("--value", "1");
        if (v === "generate") args.push("--model", join(io.dir, "missing.gguf"), "--prompt", "x");
        io.out = "";
        io.err = "";
        const code = await run(args);
        expect([0, 1, 2], `${args.join(" ")}\n${io.err}`).toContain(code);
        expect(io.err).not.toContain("internal error");
        codes.set(`${v} ${code}`, (codes.get(`${v} ${code}`) ?? 0) + 1);
        if (code === 2 && v !== "repair") expect(io.err, args.join(" ")).toMatch(/^formwork: error \[[a-z0-9-]+\]|^\{"error"/m);
      }),
      { seed: 26, numRuns: 80 },
    );
    // Results as well as errors, on more than one verb.
    expect([...codes.keys()].filter((k) => !k.endsWith(" 2")).length, JSON.stringify([...codes])).toBeGreaterThan(2);
  });
});
