/**
 * Regex benchmark: compile time and DFA size for realistic patterns (email,
 * ISO date-time, UUID, IPv4/6, phone numbers, URLs, SQL-ish fragments, JSON
 * Schema formats, large counted repetitions), in both modes; then, through
 * the grammar engine with a real vocabulary, the mask time per token while
 * walking texts sampled from each pattern.
 *
 * Usage: node packages/bench/dist/regex-bench.js [--json] [--vocab qwen3|llama3|none] [--reps N] [--samples N] [--engine-all]
 *
 * Compile times: the first (cold) compile, then the median of `--reps`
 * repeated compiles. Mask times: per mask in µs, p50/p99/max over every step
 * of every sampled text, after one untimed pass (the engine fills its lazy
 * per-state caches on the first pass).
 */
import { Rng, TokenMask } from "@formwork/core";
import { GrammarCompiler, grammar, regex } from "@formwork/grammar";
import { compileRegex, sampleMatch, type RegexMode } from "@formwork/regex";
import { hfTokenizer, npmVocabulary, type NpmTokenizerName } from "@formwork/testkit";
import { flagValue } from "./results.js";
import { quantile } from "./stats.js";

interface Pattern {
  name: string;
  pattern: string;
  flags?: string;
}

/** Realistic patterns; JSON Schema `format`s written as the regexes a schema compiler would use. */
export const REGEX_BENCH_PATTERNS: readonly Pattern[] = [
  { name: "label", pattern: "positive|negative|neutral" },
  { name: "email", pattern: "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}" },
  { name: "iso-date", pattern: "\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])" },
  { name: "iso-date-time", pattern: "\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)" },
  { name: "time", pattern: "([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d+)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)?" },
  { name: "duration", pattern: "P(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?" },
  { name: "uuid", pattern: "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}" },
  { name: "ipv4", pattern: "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)" },
  {
    name: "ipv6",
    pattern:
      "([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:(:[0-9a-fA-F]{1,4}){1,6}|:((:[0-9a-fA-F]{1,4}){1,7}|:)",
  },
  { name: "phone-e164", pattern: "\\+[1-9]\\d{1,14}" },
  { name: "phone-us", pattern: "(\\+1[ .-]?)?\\(?[2-9]\\d{2}\\)?[ .-]?\\d{3}[ .-]?\\d{4}" },
  { name: "url", pattern: "https?://[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:\\d{1,5})?(/[A-Za-z0-9._~%!$&'()*+,;=:@-]*)*(\\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?(#[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?" },
  { name: "hostname", pattern: "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*" },
  { name: "identifier-unicode", pattern: "[\\p{L}_][\\p{L}\\p{N}_]{0,31}", flags: "u" },
  // Over the default maxDfaStates: each copy of a large Unicode class costs hundreds of byte states.
  { name: "identifier-64", pattern: "[\\p{L}_][\\p{L}\\p{N}_]{0,63}", flags: "u" },
  {
    name: "sql-select",
    pattern:
      "SELECT (\\*|[a-z_]+(, [a-z_]+)*) FROM [a-z_]+( WHERE [a-z_]+ (=|<|>|<=|>=|<>) ('[^'\\n]*'|\\d+)( (AND|OR) [a-z_]+ (=|<|>|<=|>=|<>) ('[^'\\n]*'|\\d+))*)?( ORDER BY [a-z_]+( ASC| DESC)?)?( LIMIT \\d{1,6})?;",
    flags: "i",
  },
  { name: "semver", pattern: "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?" },
  { name: "digits{1,1000}", pattern: "\\d{1,1000}" },
  { name: "[a-z]{500}", pattern: "[a-z]{500}" },
  { name: "(a|b){0,300}", pattern: "(a|b){0,300}" },
];

/**
 * Patterns whose masks are not measured by default, and why (`--engine-all`
 * measures them anyway).
 */
const ENGINE_SKIP: Record<string, string> = {};

function args() {
  const a = process.argv.slice(2);
  const get = (k: string) => flagValue(k, a);
  return {
    json: a.includes("--json"),
    vocab: (get("--vocab") ?? "qwen3") as NpmTokenizerName | "none",
    reps: Number(get("--reps") ?? 9),
    samples: Number(get("--samples") ?? 20),
    engineAll: a.includes("--engine-all"),
  };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

function timeCompile(p: Pattern, mode: RegexMode, reps: number) {
  let t = performance.now();
  const dfa = compileRegex(p.pattern, { flags: p.flags ?? "", mode });
  const coldMs = performance.now() - t;
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    t = performance.now();
    compileRegex(p.pattern, { flags: p.flags ?? "", mode });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { dfa, coldMs: r2(coldMs), p50Ms: r2(quantile(times, 0.5)), states: dfa.stateCount, byteClasses: dfa.byteClassCount };
}

async function main(): Promise<void> {
  const opt = args();
  const rows: Record<string, unknown>[] = [];
  const log = (s: string) => {
    if (!opt.json) console.log(s);
  };
  log(`regex benchmark on ${process.platform} ${process.arch}, Node ${process.version}; compile p50 over ${opt.reps} reps`);
  // JIT and Unicode-table warm-up, untimed.
  for (const p of REGEX_BENCH_PATTERNS.slice(0, 6)) compileRegex(p.pattern, { flags: p.flags ?? "" });

  let engine: { compiler: GrammarCompiler; encode: (s: string) => number[]; mask: TokenMask; name: string } | null = null;
  if (opt.vocab !== "none") {
    const vocab = npmVocabulary(opt.vocab);
    const tok = await hfTokenizer(opt.vocab);
    engine = {
      compiler: new GrammarCompiler(vocab),
      encode: (s) => tok.encode(s, { add_special_tokens: false }),
      mask: new TokenMask(vocab.size),
      name: `${opt.vocab} (${vocab.size} ids)`,
    };
    log(`masks through the grammar engine with ${engine.name}; ${opt.samples} sampled texts per pattern`);
  }
  log("");
  log(
    [
      "pattern".padEnd(20),
      "whole: states".padStart(13),
      "cold ms".padStart(8),
      "p50 ms".padStart(7),
      "search: states".padStart(15),
      "p50 ms".padStart(7),
      ...(engine ? ["engine ms".padStart(10), "mask p50 µs".padStart(12), "p99 µs".padStart(8), "max µs".padStart(8), "steps".padStart(6)] : []),
    ].join(" "),
  );

  for (const [k, p] of REGEX_BENCH_PATTERNS.entries()) {
    process.stderr.write(`regex-bench: ${k + 1}/${REGEX_BENCH_PATTERNS.length} ${p.pattern.slice(0, 40)}\n`);
    let whole: ReturnType<typeof timeCompile>;
    let search: ReturnType<typeof timeCompile>;
    try {
      whole = timeCompile(p, "whole", opt.reps);
      search = timeCompile(p, "search", opt.reps);
    } catch (e) {
      const code = (e as { code?: string }).code ?? "error";
      rows.push({ name: p.name, pattern: p.pattern, flags: p.flags ?? "", error: code, message: (e as Error).message });
      log(`${p.name.padEnd(20)} refused: ${code} (${(e as Error).message.split("\n")[0]})`);
      continue;
    }
    const row: Record<string, unknown> = {
      name: p.name,
      pattern: p.pattern,
      flags: p.flags ?? "",
      whole: { states: whole.states, byteClasses: whole.byteClasses, coldMs: whole.coldMs, p50Ms: whole.p50Ms },
      search: { states: search.states, byteClasses: search.byteClasses, coldMs: search.coldMs, p50Ms: search.p50Ms },
    };
    let engineCols: string[] = [];
    const skip = opt.engineAll ? undefined : ENGINE_SKIP[p.name];
    if (engine && skip) {
      row.engine = { skipped: skip };
      engineCols = [`skipped: ${skip}`];
    } else if (engine) {
      const g = grammar([["root", regex(p.pattern, p.flags ?? "")]]);
      let t = performance.now();
      const cg = engine.compiler.compile(g);
      const engineMs = performance.now() - t;
      const rng = new Rng(2026);
      const texts: number[][] = [];
      let rejected = 0;
      for (let i = 0; i < opt.samples; i++) {
        const text = sampleMatch(whole.dfa, rng, { softMaxBytes: 80 })!;
        const ids = engine.encode(text);
        const m = cg.createMatcher();
        if (ids.every((id) => m.acceptToken(id)) && m.isComplete()) texts.push(ids);
        else rejected++;
      }
      const times: number[] = [];
      for (let pass = 0; pass < 2; pass++) {
        for (const ids of texts) {
          const m = cg.createMatcher();
          for (const id of ids) {
            t = performance.now();
            m.fillNextTokenMask(engine.mask);
            const dt = performance.now() - t;
            if (pass === 1) times.push(dt * 1000);
            m.acceptToken(id);
          }
        }
      }
      times.sort((a, b) => a - b);
      const maskStats = { p50: r2(quantile(times, 0.5)), p99: r2(quantile(times, 0.99)), max: r2(times[times.length - 1] ?? NaN), steps: times.length, rejectedTexts: rejected };
      row.engine = { compileMs: r2(engineMs), mask: maskStats };
      engineCols = [
        String(r2(engineMs)).padStart(10),
        String(maskStats.p50).padStart(12),
        String(maskStats.p99).padStart(8),
        String(maskStats.max).padStart(8),
        String(maskStats.steps).padStart(6) + (rejected ? ` (${rejected} texts rejected!)` : ""),
      ];
    }
    rows.push(row);
    log(
      [
        p.name.padEnd(20),
        String(whole.states).padStart(13),
        String(whole.coldMs).padStart(8),
        String(whole.p50Ms).padStart(7),
        String(search.states).padStart(15),
        String(search.p50Ms).padStart(7),
        ...engineCols,
      ].join(" "),
    );
  }
  const p50s = rows.filter((r) => r.whole).map((r) => (r.whole as { p50Ms: number }).p50Ms).sort((a, b) => a - b);
  log(`\nwhole-mode compile p50 across patterns: ${quantile(p50s, 0.5)} ms; max ${p50s[p50s.length - 1]} ms`);
  if (opt.json) console.log(JSON.stringify({ platform: `${process.platform} ${process.arch}`, node: process.version, vocab: engine?.name ?? null, rows }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
