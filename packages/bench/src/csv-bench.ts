/**
 * CSV benchmark (issue 13): table schemas of 3, 10 and 50 columns on the
 * Qwen vocabulary (151,936 ids). For each, the same 20 valid records are
 * written as CSV (`stringifyCsv`, the dialect's defaults) and as compact
 * JSON (`JSON.stringify`); the CSV grammar (`syntax: "csv"`) and the JSON
 * grammar of the same schema (`whitespace: "compact"`, the peer) are
 * measured in the same run:
 * - compile: schema to grammar IR, and IR to the engine (fresh, no cache),
 *   min of `--passes` runs;
 * - masks: the Qwen tokens of the text stepped through a matcher, the mask
 *   computed before every token; pass 1 cold (a fresh compile fills its
 *   lazy cache), warm = for each step the median over passes 2..N on the
 *   same compiled grammar; p50/p99 over the steps, in µs;
 * - tokens: Qwen tokens of the whole text and per record, CSV vs JSON.
 *
 * Usage: node packages/bench/dist/csv-bench.js [--json] [--passes N] [--columns 3,10,50]
 */
import { TokenMask } from "@formwork/core";
import { compileGrammar, GrammarCompiler, type Grammar } from "@formwork/grammar";
import { compileSchema } from "@formwork/json-schema";
import { stringifyCsv } from "@formwork/csv";
import { hfTokenizer, npmVocabulary } from "@formwork/testkit";

const ROWS = 20;

/** Column shapes cycled through, each column with its own bounds or values (no two columns share a schema): a schema and a value for row r. */
const SHAPES: { schema: (i: number) => Record<string, unknown>; value: (r: number) => unknown }[] = [
  { schema: (i) => ({ type: "string", maxLength: 24 + i }), value: (r) => ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra"][r % 4] },
  { schema: (i) => ({ type: "integer", minimum: 0, maximum: 150 + i }), value: (r) => (r * 37) % 150 },
  { schema: (i) => ({ type: "string", format: "email", maxLength: 60 + i }), value: (r) => `user${r}@example.com` },
  { schema: (i) => ({ enum: ["active", "inactive", "pending", `other${i}`] }), value: (r) => ["active", "inactive", "pending"][r % 3] },
  { schema: (i) => ({ type: "number", minimum: 0, maximum: 10000 + i }), value: (r) => Math.round(r * 1234.5) / 100 },
  { schema: (i) => ({ type: "boolean", title: `flag ${i}` }), value: (r) => r % 2 === 0 },
  { schema: (i) => ({ type: "string", format: "date", minLength: 10 - (i % 2) }), value: (r) => `2026-${String((r % 12) + 1).padStart(2, "0")}-${String((r % 28) + 1).padStart(2, "0")}` },
  { schema: (i) => ({ type: ["string", "null"], maxLength: 40 + i }), value: (r) => (r % 3 === 0 ? null : `note, with "quotes" ${r}`) },
];

function table(n: number): { schema: Record<string, unknown>; rows: Record<string, unknown>[] } {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) properties[`c${i}`] = SHAPES[i % SHAPES.length].schema(i);
  const schema = { type: "array", items: { type: "object", properties, required: Object.keys(properties), additionalProperties: false } };
  const rows = Array.from({ length: ROWS }, (_, r) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, SHAPES[i % SHAPES.length].value(r + i)])));
  return { schema, rows };
}

function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const stats = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return { p50: pct(s, 0.5), p99: pct(s, 0.99), max: s[s.length - 1] };
};
const r1 = (x: number) => Math.round(x * 10) / 10;

interface Measure {
  irMs: number;
  engineMs: number;
  tokens: number;
  cold: ReturnType<typeof stats>;
  warm: ReturnType<typeof stats>;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes("--json");
  const at = (f: string) => (argv.includes(f) ? argv[argv.indexOf(f) + 1] : undefined);
  const passes = Number(at("--passes") ?? 5);
  const sizes = (at("--columns") ?? "3,10,50").split(",").map(Number);
  const vocab = npmVocabulary("qwen3");
  const tok = await hfTokenizer("qwen3");
  const compiler = new GrammarCompiler(vocab);
  const mask = new TokenMask(vocab.size);
  const log = (s: string) => {
    if (!json) console.log(s);
  };
  log(`CSV benchmark on ${process.platform} ${process.arch}, Node ${process.version}; Qwen3 vocabulary (${vocab.size} ids); ${ROWS} records per table; passes ${passes} (pass 1 cold)`);

  const measure = (schemaToGrammar: () => Grammar, text: string): Measure => {
    let irMs = Infinity;
    let engineMs = Infinity;
    let ir: Grammar | undefined;
    for (let p = 0; p < passes; p++) {
      let t0 = performance.now();
      ir = schemaToGrammar();
      irMs = Math.min(irMs, performance.now() - t0);
      t0 = performance.now();
      compileGrammar(ir, compiler.trie, compiler.options);
      engineMs = Math.min(engineMs, performance.now() - t0);
    }
    const ids = tok.encode(text, { add_special_tokens: false });
    const times: number[][] = [];
    // Pass 1 on a fresh compile fills the lazy per-state cache (cold); later passes reuse it (warm).
    const compiled = compileGrammar(ir!, compiler.trie, compiler.options);
    for (let p = 0; p < passes; p++) {
      const m = compiled.createMatcher();
      const step: number[] = [];
      for (const id of ids) {
        const t = performance.now();
        m.fillNextTokenMask(mask);
        step.push((performance.now() - t) * 1000);
        if (!m.acceptToken(id)) throw new Error(`the grammar refuses token ${id} ${JSON.stringify(vocab.textOf(id))} of its own text`);
      }
      if (!m.isComplete()) throw new Error("the text is not complete in its grammar");
      times.push(step);
    }
    const warm = times[0].map((_, k) => {
      const xs = times.slice(1).map((t) => t[k]).sort((a, b) => a - b);
      return xs[xs.length >> 1] ?? times[0][k];
    });
    return { irMs, engineMs, tokens: ids.length, cold: stats(times[0]), warm: stats(warm) };
  };

  // JIT warm-up on another table (not measured).
  {
    const { schema } = table(8);
    for (let i = 0; i < 2; i++) {
      compileGrammar(compileSchema(schema, { syntax: "csv" }).grammar, compiler.trie, compiler.options);
      compileGrammar(compileSchema(schema, { whitespace: "compact" }).grammar, compiler.trie, compiler.options);
    }
  }
  const out: Record<string, unknown>[] = [];
  log("\n| columns | syntax | schema→IR ms | IR→engine ms | mask p50 cold µs | p99 cold µs | p50 warm µs | p99 warm µs | tokens (20 rows) | tokens/record |");
  log("|---|---|---|---|---|---|---|---|---|---|");
  for (const n of sizes) {
    const { schema, rows } = table(n);
    const csvTable = compileSchema(schema, { syntax: "csv" }).table!;
    const csvText = stringifyCsv(rows, csvTable);
    const jsonText = JSON.stringify(rows);
    const csv = measure(() => compileSchema(schema, { syntax: "csv" }).grammar, csvText);
    const js = measure(() => compileSchema(schema, { whitespace: "compact" }).grammar, jsonText);
    for (const [name, m] of [["csv", csv], ["json", js]] as const) {
      log(`| ${n} | ${name} | ${r1(m.irMs)} | ${r1(m.engineMs)} | ${r1(m.cold.p50)} | ${r1(m.cold.p99)} | ${r1(m.warm.p50)} | ${r1(m.warm.p99)} | ${m.tokens} | ${r1(m.tokens / ROWS)} |`);
    }
    log(`  ${n} columns: CSV/JSON tokens ${r1((100 * csv.tokens) / js.tokens)}% (header included: ${tok.encode(csvText.slice(0, csvText.indexOf("\n") + 1), { add_special_tokens: false }).length} tokens)`);
    out.push({ columns: n, rows: ROWS, csv, json: js, tokenRatio: csv.tokens / js.tokens });
  }
  if (json) console.log(JSON.stringify({ bench: "csv", vocab: "qwen3", passes, results: out }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
