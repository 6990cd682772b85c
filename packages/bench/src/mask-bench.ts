/**
 * Mask benchmark: for each grammar in grammars/ and each real vocabulary
 * (Qwen 151,936, Llama 3 128,256), step through real documents token by
 * token, computing the mask before every token, with Formwork and with
 * `@mlc-ai/web-xgrammar` interleaved in the same process.
 *
 * Usage: node packages/bench/dist/mask-bench.js [--json] [--passes N]
 *        [--vocab qwen3,llama3] [--grammar json.gbnf,...] [--out FILE]
 *
 * `--out FILE` also writes the results as JSON (docs/benchmarks/mask.json;
 * `pnpm bench:charts` draws them as SVG latency distributions).
 *
 * Pass 1 is cold (Formwork fills its lazy per-state cache as it goes;
 * XGrammar built its cache at compile time; both after a JIT warm-up on
 * another instance); "warm" is, for every step, the median over passes
 * 2..N, then p50/p99/max over the steps. Times are per mask in µs; XGrammar's include the `await` and the copy of its
 * bitmask into a new Int32Array (about 5 µs of its cost, see
 * shared/notes/web-xgrammar.md).
 *
 * "cold again" is pass 1 on the third fresh compiled grammar of the process
 * (Formwork only): the same cache fills, with every code path they take
 * already compiled by V8. The first cold pass also pays for the paths the
 * warm-up on two documents did not reach (a new process's first masks);
 * the gap between the two is that JIT cost, the rest is the fills.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TokenMask } from "@formwork/core";
import { compileGrammar, GrammarCompiler, parseGbnf, type Grammar } from "@formwork/grammar";
import { hfTokenizer, npmVocabulary, type NpmTokenizerName } from "@formwork/testkit";
import { flagValue, outArg, writeResult } from "./results.js";
import { distribution as stats, median } from "./stats.js";
import { loadWebXgrammar, xgrammarTokenizerInfo } from "./web-xgrammar.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const grammarsDir = join(repoRoot, "grammars");
const dataDir = join(repoRoot, "packages/bench/data");

interface Doc {
  name: string;
  text: string;
}

interface Case {
  file: string;
  ir: Grammar;
  source: string;
  docs: Doc[];
}


/** For each step, the median of its times over the passes (robust to noise from other processes). */
function perStepMedian(passes: number[][]): number[] {
  if (passes.length === 0) return [];
  return passes[0].map((_, k) => median(passes.map((p) => p[k])));
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Grammars web-xgrammar is not given by default, and why (`--xgrammar-all`
 * gives it every grammar anyway).
 */
const XGRAMMAR_SKIP: Record<string, string> = {
  "json.gbnf": "web-xgrammar 0.1.27 did not finish compiling it in 6 minutes (bounded whitespace [ \\t]{0,32}); compare on json-unbounded.gbnf",
};

/**
 * Grammars for which web-xgrammar gets its own builtin JSON grammar instead
 * of the GBNF text: on the GBNF text of json-unbounded.gbnf its masks take
 * 0.2-1.5 s each (measured here), while its builtin JSON grammar (the same
 * language, any whitespace) is its fast path.
 */
const XGRAMMAR_BUILTIN_JSON = new Set(["json-unbounded.gbnf"]);

function args(): { json: boolean; passes: number; vocabs: NpmTokenizerName[]; grammars: string[] | null; xgrammarAll: boolean } {
  const a = process.argv.slice(2);
  const get = (k: string) => flagValue(k, a);
  return {
    json: a.includes("--json"),
    passes: Number(get("--passes") ?? 5),
    vocabs: (get("--vocab") ?? "qwen3,llama3").split(",") as NpmTokenizerName[],
    grammars: get("--grammar")?.split(",") ?? null,
    xgrammarAll: a.includes("--xgrammar-all"),
  };
}

/** Documents for a grammar: `packages/bench/data/<grammar stem>/*` (JSON grammars share `json/`), else its accepted `.cases.jsonl` texts. */
function documentsFor(file: string): Doc[] {
  const stem = file.replace(/\.gbnf$/, "");
  const dir = stem.startsWith("json") ? join(dataDir, "json") : join(dataDir, stem);
  const docs: Doc[] = [];
  if (existsSync(dir)) for (const f of readdirSync(dir).sort()) docs.push({ name: f, text: readFileSync(join(dir, f), "utf8") });
  const cases = join(grammarsDir, `${stem}.cases.jsonl`);
  if (docs.length === 0 && existsSync(cases)) {
    let i = 0;
    for (const line of readFileSync(cases, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const c = JSON.parse(line) as Record<string, unknown>;
      const ok = c.accept ?? c.valid ?? c.pass ?? c.ok ?? c.expected;
      if (typeof c.text === "string" && (ok === true || ok === "accept" || ok === "pass") && c.text.length > 0) docs.push({ name: `case ${i++}`, text: c.text });
    }
  }
  return docs;
}

interface Row {
  vocab: string;
  grammar: string;
  /** What web-xgrammar compiled: the same GBNF file, or its builtin JSON grammar. */
  xgrammarGrammar: string | null;
  tokens: number;
  docs: number;
  formwork: {
    compileMs: number;
    compileP50Ms: number;
    warmUpMs: number;
    cold: ReturnType<typeof stats>;
    /** Pass 1 on the third fresh compiled grammar (cache fills with the JIT warm). */
    coldAgain: ReturnType<typeof stats>;
    warm: ReturnType<typeof stats>;
    cacheMB: number;
    cachedStates: number;
    dfaStates: number;
    rejectedDocs: number;
  };
  xgrammar: { compileMs: number; cold: ReturnType<typeof stats>; warm: ReturnType<typeof stats>; rejectedDocs: number; error?: string } | null;
}

const progress = (s: string) => {
  if (process.argv.includes("--verbose")) process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);
};

async function main(): Promise<void> {
  const opt = args();
  const files = readdirSync(grammarsDir).filter((f) => f.endsWith(".gbnf") && (!opt.grammars || opt.grammars.includes(f))).sort();
  const cases: Case[] = [];
  for (const file of files) {
    const source = readFileSync(join(grammarsDir, file), "utf8");
    const docs = documentsFor(file);
    if (docs.length === 0) continue;
    cases.push({ file, ir: parseGbnf(source), source, docs });
  }
  const xg = loadWebXgrammar();
  const rows: Row[] = [];
  const log = (s: string) => {
    if (!opt.json) console.log(s);
  };
  log(`mask benchmark on ${process.platform} ${process.arch}, Node ${process.version}; passes ${opt.passes} (pass 1 cold)`);

  for (const vname of opt.vocabs) {
    const vocab = npmVocabulary(vname);
    const tok = await hfTokenizer(vname);
    let t0 = performance.now();
    const compiler = new GrammarCompiler(vocab);
    const trieMs = performance.now() - t0;
    t0 = performance.now();
    const info = await xgrammarTokenizerInfo(xg, vname);
    const xgInfoMs = performance.now() - t0;
    const xgCompiler = await xg.GrammarCompiler.createGrammarCompiler(info);
    log(`\n${vname}: ${vocab.size} ids, trie ${compiler.trie.nodeCount} nodes (${r1(trieMs)} ms); xgrammar TokenizerInfo ${r1(xgInfoMs)} ms`);
    const mask = new TokenMask(vocab.size);

    for (const c of cases) {
      progress(`${vname} ${c.file}: compiling`);
      // Compile: the first compile, then the median of repeated compiles (no cache).
      t0 = performance.now();
      const cg = compileGrammar(c.ir, compiler.trie, compiler.options);
      const compileMs = performance.now() - t0;
      const reps: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t = performance.now();
        compileGrammar(c.ir, compiler.trie, compiler.options);
        reps.push(performance.now() - t);
      }
      const compileP50Ms = stats(reps).p50;
      let xcg: Awaited<ReturnType<typeof xgCompiler.compileGrammar>> | null = null;
      let xgCompileMs = NaN;
      let xgError: string | undefined = opt.xgrammarAll ? undefined : XGRAMMAR_SKIP[c.file];
      if (!xgError) try {
        t0 = performance.now();
        xcg = XGRAMMAR_BUILTIN_JSON.has(c.file) && !opt.xgrammarAll ? await xgCompiler.compileBuiltinJSONGrammar() : await xgCompiler.compileGrammar(c.source, "root");
        xgCompileMs = performance.now() - t0;
      } catch (e) {
        xgError = String(e).slice(0, 200);
      }

      progress(`${vname} ${c.file}: formwork ${r1(compileMs)} ms, xgrammar ${r1(xgCompileMs)} ms; checking documents`);
      // Tokenize; keep documents both engines accept.
      const docs: number[][] = [];
      let fwRejected = 0, xgRejected = 0;
      for (const d of c.docs) {
        const ids = tok.encode(d.text, { add_special_tokens: false });
        const fm = cg.createMatcher();
        const fwOk = ids.every((id) => fm.acceptToken(id)) && fm.isComplete();
        let xgOk = true;
        if (xcg) {
          const xm = await xg.GrammarMatcher.createGrammarMatcher(xcg);
          xgOk = ids.every((id) => xm.acceptToken(id));
          xm.dispose();
        }
        if (!fwOk) fwRejected++;
        if (!xgOk) xgRejected++;
        if (fwOk && xgOk) docs.push(ids);
      }
      // JIT warm-up on the compiled grammar used above (not measured), so that
      // the cold pass below measures cache fills, not the JavaScript engine.
      for (const ids of docs.slice(0, 2)) {
        const fm = cg.createMatcher();
        for (const id of ids) {
          fm.fillNextTokenMask(mask);
          fm.acceptToken(id);
        }
      }
      // A separate compiled grammar, never used above: pass 1 on it is cold.
      const fresh = compileGrammar(c.ir, compiler.trie, compiler.options);
      // times[p][k]: mask k of pass p (all documents in a row).
      const fw: number[][] = [], xt: number[][] = [];
      for (let p = 0; p < opt.passes; p++) {
        progress(`${vname} ${c.file}: pass ${p + 1}`);
        fw.push([]);
        xt.push([]);
        for (const ids of docs) {
          const fm = fresh.createMatcher();
          const xm = xcg ? await xg.GrammarMatcher.createGrammarMatcher(xcg) : null;
          for (let i = 0; i <= ids.length; i++) {
            let t = performance.now();
            fm.fillNextTokenMask(mask);
            fw[p].push((performance.now() - t) * 1000);
            if (xm) {
              t = performance.now();
              await xm.getNextTokenBitmask();
              xt[p].push((performance.now() - t) * 1000);
            }
            if (i === ids.length) break;
            if (!mask.has(ids[i])) throw new Error(`formwork mask lacks token ${ids[i]} in ${c.file}`);
            fm.acceptToken(ids[i]);
            xm?.acceptToken(ids[i]);
          }
          xm?.dispose();
        }
      }
      const mem = fresh.memory();
      // Two more fresh grammars, each filled by one pass; the second's times are "cold again".
      let again: number[] = [];
      for (let r = 0; r < 2; r++) {
        const g2 = compileGrammar(c.ir, compiler.trie, compiler.options);
        again = [];
        for (const ids of docs) {
          const fm = g2.createMatcher();
          for (let i = 0; i <= ids.length; i++) {
            const t = performance.now();
            fm.fillNextTokenMask(mask);
            again.push((performance.now() - t) * 1000);
            if (i === ids.length) break;
            fm.acceptToken(ids[i]);
          }
        }
      }
      const warmUpMs = compileGrammar(c.ir, compiler.trie, compiler.options).warmUp();
      const row: Row = {
        vocab: vname,
        grammar: c.file,
        xgrammarGrammar: xcg ? (XGRAMMAR_BUILTIN_JSON.has(c.file) && !opt.xgrammarAll ? "builtin JSON" : c.file) : null,
        tokens: docs.reduce((a, d) => a + d.length + 1, 0),
        docs: docs.length,
        formwork: {
          compileMs: r1(compileMs * 1000) / 1000,
          compileP50Ms: Math.round(compileP50Ms * 1000) / 1000,
          warmUpMs: r1(warmUpMs),
          cold: stats(fw[0]),
          coldAgain: stats(again),
          warm: stats(perStepMedian(fw.slice(1))),
          cacheMB: Math.round((mem.cacheBytes + mem.automatonBytes) / 1e4) / 100,
          cachedStates: mem.cachedStates,
          dfaStates: mem.dfaStates,
          rejectedDocs: fwRejected,
        },
        xgrammar: xcg
          ? { compileMs: r1(xgCompileMs), cold: stats(xt[0]), warm: stats(perStepMedian(xt.slice(1))), rejectedDocs: xgRejected }
          : { compileMs: NaN, cold: stats([]), warm: stats([]), rejectedDocs: 0, error: xgError },
      };
      rows.push(row);
      const f = row.formwork, x = row.xgrammar!;
      const s = (st: ReturnType<typeof stats>) => `${r1(st.p50)} / ${r1(st.p99)} / ${r1(st.max)}`;
      log(`  ${c.file}: ${row.docs} docs, ${row.tokens} masks per pass${XGRAMMAR_BUILTIN_JSON.has(c.file) && !opt.xgrammarAll ? " (xgrammar: its builtin JSON grammar)" : ""}`);
      log(`    formwork  compile ${r1(f.compileMs)} ms (p50 ${f.compileP50Ms} ms), warm-up of all states ${f.warmUpMs} ms, ${f.dfaStates} DFA states, cache ${f.cacheMB} MB (${f.cachedStates} states)`);
      log(`              cold p50/p99/max ${s(f.cold)} µs   warm ${s(f.warm)} µs   rejected docs ${f.rejectedDocs}`);
      log(`              cold again (third fresh grammar, JIT warm) p50/p99/max ${s(f.coldAgain)} µs`);
      if (x.error) log(`    xgrammar  not measured: ${x.error}`);
      else {
        log(`    xgrammar  compile ${x.compileMs} ms`);
        log(`              cold p50/p99/max ${s(x.cold)} µs   warm ${s(x.warm)} µs   rejected docs ${x.rejectedDocs}`);
        log(`    ratio xgrammar/formwork: cold p50 ${r1(x.cold.p50 / f.cold.p50)}× p99 ${r1(x.cold.p99 / f.cold.p99)}×; warm p50 ${r1(x.warm.p50 / f.warm.p50)}× p99 ${r1(x.warm.p99 / f.warm.p99)}×`);
      }
    }
  }
  if (opt.json) console.log(JSON.stringify({ bench: "mask", node: process.version, passes: opt.passes, rows }));
  const out = outArg();
  if (out) writeResult(out, "mask", { passes: opt.passes, rows });
}

await main();
