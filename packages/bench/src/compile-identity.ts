/**
 * Checks that a change to the compilers keeps what they build: for every
 * `--every`-th MaskBench-dev schema (from `--offset`) and every
 * `grammars/*.gbnf`, one line with a hash of the schema writer's grammar
 * (the IR, spans left out), and of the engine's NFA once every called rule
 * is built (edges, classes, calls, shortest completions, flags, counter
 * bodies, in a numbering that does not depend on the order rules were
 * built in), called rules and rule shortest strings; with `--dfa`, also of the whole rule automaton
 * (`materialize()`: every reachable DFA state, its transitions, calls,
 * acceptance and shortest completion). Refused inputs print their error code.
 *
 * Usage: node packages/bench/dist/compile-identity.js [--every N] [--offset K] [--dfa]
 *          [--root PATH] [--dir PATH] [--out FILE] [--against FILE]
 *
 * `--root PATH` loads the compilers from another built checkout (PATH/packages/
 * {grammar,json-schema}/dist), so an old build and a new one are compared
 * by running this twice: `--root /old --out old.txt`, then `--against old.txt`
 * (prints the lines that differ and exits 1 if any does).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Grammar, Node } from "@formwork/grammar";
import { npmVocabulary } from "@formwork/testkit";
import { flagValue } from "./results.js";

type GrammarModule = typeof import("@formwork/grammar");
type SchemaModule = typeof import("@formwork/json-schema");

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The IR as text: every node's kind and fields, spans and source text left out. */
function irText(g: Grammar): string {
  const node = (n: Node): string => {
    switch (n.type) {
      case "literal":
        return `L${JSON.stringify(n.value)}`;
      case "class":
        return `C${n.negated ? "!" : ""}[${n.ranges.join(",")}]`;
      case "any":
        return ".";
      case "ref":
        return `R${JSON.stringify(n.name)}`;
      case "seq":
      case "alt":
        return `${n.type === "seq" ? "S" : "A"}(${n.items.map(node).join(" ")})`;
      case "repeat":
        return `*${n.min},${n.max}(${node(n.item)})`;
      case "regex":
        return `/${JSON.stringify(n.pattern)}/${n.flags}`;
      case "lexeme":
        return `X${JSON.stringify(n.name ?? null)}(${node(n.item)})`;
      case "automaton":
        return `D${JSON.stringify(n.name ?? null)}(${digest([n.dfa.stateCount, n.dfa.transitions, n.dfa.accepting])})`;
    }
  };
  let s = `root ${JSON.stringify(g.root)}\n`;
  for (const [name, n] of g.rules) s += `${JSON.stringify(name)} = ${node(n)}\n`;
  return s;
}

/** A hash over typed arrays and plain values, in order. */
function digest(parts: readonly unknown[]): string {
  const h = createHash("sha1");
  for (const p of parts) {
    if (ArrayBuffer.isView(p)) h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    else h.update(JSON.stringify(p, (_k, v) => (v === Infinity ? "Inf" : v instanceof Map ? [...v] : v)));
    h.update("|");
  }
  return h.digest("hex").slice(0, 16);
}


type Automaton = InstanceType<GrammarModule["GrammarCompiler"]>["compile"] extends (g: Grammar) => infer C ? C extends { automaton: infer A } ? A : never : never;

/**
 * The NFA of every rule in a numbering that does not depend on when each rule was built: per
 * rule in order, its states, then the bodies of its counted repetitions by entry; copies of
 * counted repetitions left out (a link, patched to a copy's entry or not, reads as the link).
 * Per state: shortest completion, flags, epsilon edges, byte edges (class ranges), calls.
 */
function canonicalNfa(a: Automaton): unknown[] {
  const n = a.nfa;
  const inside = a as unknown as { starts: number[] };
  const nRules = a.ruleNames.length;
  const ranges: [number, number][] = [];
  const lazy = (n as unknown as { ruleLo?: number[]; ruleHi?: number[] }).ruleLo !== undefined;
  const firstBody = n.bodyEntry.length > 0 ? Math.min(...n.bodyEntry) : n.baseCount;
  for (let r = 0; r < nRules; r++) {
    const lo = inside.starts[r];
    let hi: number;
    if (lazy) {
      hi = (n as unknown as { ruleHi: number[] }).ruleHi[r];
      for (let b = 0; b < n.bodyEntry.length; b++) if (n.bodyRule[b] === r && n.bodyEntry[b] >= lo && n.bodyEntry[b] < hi) hi = Math.min(hi, n.bodyEntry[b]);
    } else hi = r + 1 < nRules ? inside.starts[r + 1] : firstBody;
    ranges.push([lo, hi]);
    const bodies = [...n.bodyEntry.keys()].filter((b) => n.bodyRule[b] === r).sort((x, y) => n.bodyEntry[x] - n.bodyEntry[y]);
    for (const b of bodies) ranges.push([n.bodyEntry[b], n.bodyEnd[b]]);
  }
  const idx = new Map<number, number>();
  for (const [lo, hi] of ranges) for (let s = lo; s < hi; s++) idx.set(s, idx.size);
  const copyOf = new Map<number, string>();
  n.ctrCopies.forEach((m, c) => m?.forEach((entry, copy) => copyOf.set(entry, `${c}:${copy}`)));
  const ctrDesc = (c: number) => `[${idx.get(n.bodyEntry[n.ctrBody[c]])},${n.ctrMin[c]},${n.ctrMax[c]},${idx.get(n.ctrEnd[c])}]`;
  const out: string[] = [];
  for (const [lo, hi] of ranges) {
    for (let s = lo; s < hi; s++) {
      let line = `${n.dist[s]} ${n.flags[s]} e`;
      for (let k = n.epsStart[s]; k < n.epsStart[s + 1]; k++) {
        const t = n.epsTo[k];
        if (t < 0) line += ` L${ctrDesc(n.linkCtr[-t - 1])}${n.linkCopy[-t - 1]}`;
        else if (idx.has(t)) line += ` ${idx.get(t)}`;
        else {
          const [c, copy] = copyOf.get(t)!.split(":").map(Number);
          line += ` L${ctrDesc(c)}${copy}`;
        }
      }
      line += " b";
      for (let k = n.edgeStart[s]; k < n.edgeStart[s + 1]; k++) line += ` ${n.edgeLo[k]}-${n.edgeHi[k]}>${idx.get(n.edgeTo[k])}`;
      line += " c";
      for (let k = n.callStart[s]; k < n.callStart[s + 1]; k++) line += ` ${n.callRule[k]}>${idx.get(n.callRet[k])}`;
      out.push(line);
    }
  }
  const bodies = [...n.bodyEntry.keys()].map((b) => [idx.get(n.bodyEntry[b])!, idx.get(n.bodyExit[b])!, n.bodyDist[b]]).sort((x, y) => x[0] - y[0]);
  return [idx.size, out.join("\n"), bodies];
}

async function main(): Promise<void> {
  const root = resolve(flagValue("--root") ?? repo);
  const dir = flagValue("--dir") ?? resolve(repo, "../shared/data/maskbench-dev");
  const every = Number(flagValue("--every") ?? 4);
  const offset = Number(flagValue("--offset") ?? 0);
  const withDfa = process.argv.includes("--dfa");
  const gm = (await import(`${root}/packages/grammar/dist/index.js`)) as GrammarModule;
  const sm = (await import(`${root}/packages/json-schema/dist/index.js`)) as SchemaModule;
  const base = new gm.GrammarCompiler(npmVocabulary("qwen3"));
  const lines: string[] = [];
  const engine = (g: Grammar): string => {
    try {
      const cg = new gm.GrammarCompiler(base.vocabulary, { precomputeSlices: false, cacheSize: 0 }, base.trie).compile(g);
      const a = cg.automaton, n = a.nfa;
      // Builds that build called rules on first need: build them all (rule order) first.
      (a as unknown as { buildRules?: () => void }).buildRules?.();
      const nfa = digest([n.classOf, ...canonicalNfa(a), a.ruleNames, a.ruleMinBytes, a.ruleStart]);
      if (!withDfa) return `nfa ${nfa} states ${n.baseCount}`;
      const states = a.materialize();
      const callRule: number[] = [];
      for (let q = 0; q < states; q++) for (let k = a.callStart[q]; k < a.callEnd[q]; k++) callRule.push(a.callRule[k], a.callRet[k]);
      const dfa = digest([states, n.count, a.trans.subarray(0, states * a.nClasses), a.accepting.subarray(0, states), a.minBytes.subarray(0, states), a.ruleOf.subarray(0, states), a.hasBytes.subarray(0, states), a.hasCalls.subarray(0, states), a.cacheKey.subarray(0, states), callRule]);
      return `nfa ${nfa} states ${n.baseCount} dfa ${dfa} ${states}`;
    } catch (e) {
      return `engine refused ${(e as { code?: string }).code ?? String(e)}`;
    }
  };
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort().filter((_, i) => i % every === offset);
  for (const [k, f] of files.entries()) {
    if ((k + 1) % 200 === 0) process.stderr.write(`compile-identity: ${k + 1}/${files.length}\n`);
    let g: Grammar;
    try {
      g = sm.compileSchema(JSON.parse(readFileSync(`${dir}/${f}`, "utf8")).schema).grammar;
    } catch (e) {
      lines.push(`${f} schema refused ${(e as { code?: string }).code ?? String(e)}`);
      continue;
    }
    lines.push(`${f} ir ${digest([irText(g)])} ${engine(g)}`);
  }
  const gdir = resolve(repo, "grammars");
  for (const f of readdirSync(gdir).filter((x) => x.endsWith(".gbnf")).sort()) {
    lines.push(`grammars/${f} ${engine(gm.parseGbnf(readFileSync(`${gdir}/${f}`, "utf8")))}`);
  }
  const out = flagValue("--out");
  if (out) writeFileSync(out, `${lines.join("\n")}\n`);
  const against = flagValue("--against");
  if (against) {
    const old = readFileSync(against, "utf8").trimEnd().split("\n");
    let differ = 0;
    for (let i = 0; i < Math.max(old.length, lines.length); i++) {
      if (old[i] !== lines[i]) {
        differ++;
        if (differ <= 20) console.log(`- ${old[i] ?? "(none)"}\n+ ${lines[i] ?? "(none)"}`);
      }
    }
    console.log(`compile-identity: ${lines.length} inputs, ${differ} differ from ${against}`);
    if (differ > 0) process.exitCode = 1;
  } else if (!out) {
    console.log(lines.join("\n"));
  } else {
    console.log(`compile-identity: ${lines.length} inputs written to ${out}`);
  }
}

await main();
