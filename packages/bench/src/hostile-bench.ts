/**
 * The hostile-input table (issue 17): every verb of the built `formwork`
 * command against the hostile and extreme inputs of the issue, each run in
 * its own process, with its outcome (a result, a documented error with its
 * code, or a crash / hang), exit status, wall time and peak memory (the
 * child's own maxRSS, written by a preloaded hook as it exits; "-" when it
 * died before that: a V8 fatal error, a kill).
 *
 * Usage: pnpm bench:hostile [--json] [--only TEXT] [--timeout S]
 *
 * Inputs are generated into a temporary folder (some are megabytes) and
 * removed afterwards. A case that runs past --timeout (default 120 s) is
 * killed and reported as a hang.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { ggufHeader } from "@formwork/testkit";

const repo = resolve(import.meta.dirname, "../../..");
const bin = join(repo, "packages/cli/dist/bin.js");

interface Case {
  verb: string;
  input: string;
  args: string[];
  stdin?: Buffer | string;
  /** Close stdout after the first chunk, as `| head -c1` does. */
  closeEarly?: boolean;
  /** Send SIGINT after the first chunk of stdout (or after `interruptAfterMs`). */
  interrupt?: boolean;
  /** With `interrupt`: send SIGINT this many ms after the start instead (a command that prints nothing until done). */
  interruptAfterMs?: number;
}

interface Row {
  verb: string;
  input: string;
  outcome: string;
  exit: string;
  seconds: number;
  peakMb: number | null;
}

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const json = argv.includes("--json");
const only = opt("--only");
const timeoutS = Number(opt("--timeout") ?? 120);

const dir = mkdtempSync(join(tmpdir(), "formwork-hostile-bench-"));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const hook = file("rss-hook.mjs", 'import { writeFileSync } from "node:fs";\nprocess.on("exit", () => { try { writeFileSync(process.env.FORMWORK_RSS_OUT, String(process.resourceUsage().maxRSS)); } catch {} });\n');

// --- inputs ---
const props = (n: number, required = 0) => ({
  type: "object",
  properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: "integer" }])),
  ...(required > 0 ? { required: Array.from({ length: required }, (_, i) => `p${i}`) } : {}),
});
function nest(keyword: string, depth: number): unknown {
  let s: unknown = { type: "integer" };
  for (let i = 0; i < depth; i++) s = keyword === "properties" ? { type: "object", properties: { a: s } } : keyword === "items" ? { type: "array", items: s } : { [keyword]: [s] };
  return s;
}
const j = (name: string, value: unknown) => file(name, JSON.stringify(value));
const chain = (n: number) => `root ::= r0\n${Array.from({ length: n }, (_, i) => `r${i} ::= "a" r${i + 1}\n`).join("")}r${n} ::= "b"\n`;
const f = {
  p1200: j("p1200.json", props(1_200)),
  p9999: j("p9999.json", props(9_999)),
  r2000: j("r2000.json", props(2_000, 2_000)),
  minContains: j("min-contains.json", { type: "array", contains: { const: 1 }, minContains: 1000, maxContains: 2000 }),
  maxItems: j("max-items.json", { type: "array", items: { type: "integer" }, maxItems: 1e9 }),
  allOf: j("allof-2000.json", nest("allOf", 2_000)),
  anyOf: j("anyof-2000.json", nest("anyOf", 2_000)),
  properties: j("properties-2000.json", nest("properties", 2_000)),
  defs: j("defs-2000.json", { $defs: Object.fromEntries(Array.from({ length: 2_001 }, (_, i) => [`d${i}`, i < 2_000 ? { $ref: `#/$defs/d${i + 1}` } : { type: "integer" }])), $ref: "#/$defs/d0" }),
  refCycle: j("ref-cycle.json", { $defs: { a: { $ref: "#/$defs/b" }, b: { $ref: "#/$defs/a" } }, $ref: "#/$defs/a" }),
  refSelf: j("ref-self.json", { $ref: "#" }),
  recursiveArray: j("recursive-array.json", { $defs: { a: { type: "array", items: { $ref: "#/$defs/a" } } }, $ref: "#/$defs/a" }),
  enum100k: j("enum-100k.json", { enum: Array.from({ length: 100_000 }, (_, i) => `value-${i}`) }),
  oneOf3000: j("oneof-3000.json", { oneOf: Array.from({ length: 3_000 }, (_, i) => ({ const: i })) }),
  pattern: j("pattern.json", { type: "string", pattern: "^(a+)+$" }),
  patternObject: j("pattern-object.json", { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } }),
  longPattern: j("long-pattern.json", { type: "string", pattern: "^(a|b|ab)*c$" }),
  parens400: file("parens-400.gbnf", `root ::= ${"(".repeat(400)}"a"${")".repeat(400)}\n`),
  chain2000: file("chain-2000.gbnf", chain(2_000)),
  chain50000: file("chain-50000.gbnf", chain(50_000)),
  brackets: file("brackets.gbnf", 'root ::= v\nv ::= "[" v "]" | "0"\n'),
  deepBrackets: file("deep-brackets.jsonl", `${JSON.stringify({ text: `${"[".repeat(1_500)}0${"]".repeat(1_500)}` })}\n`),
  literal10m: file("literal-10mb.gbnf", `root ::= "${"a".repeat(10_000_000)}"\n`),
  leftRec: file("left-recursion.gbnf", 'root ::= root "a" | "b"\n'),
  undefinedRule: file("undefined-rule.gbnf", 'root ::= foo "a"\n'),
  latin1: file("latin1.gbnf", Buffer.concat([Buffer.from('root ::= "caf'), Buffer.from([0xe9]), Buffer.from('"\n')])),
  kv63: file("kv-2p63.gguf", ggufHeader(0n, 2n ** 63n)),
  tensors63: file("tensors-2p63.gguf", ggufHeader(2n ** 63n, 0n)),
  truncated: file("truncated.gguf", ggufHeader(1n, 0n).subarray(0, 9)),
  notGguf: file("not-gguf.gguf", "this is not a model file\n".repeat(40)),
  folder: join(dir, "folder.gguf"),
  jsonl: file("many.jsonl", '{"text": "aaaa"}\n'.repeat(200_000)),
  text20k: file("a-20000.jsonl", `${JSON.stringify({ text: "a".repeat(20_000) })}\n`),
  text1m: file("a-1000000.jsonl", `${JSON.stringify({ text: "a".repeat(1_000_000) })}\n`),
  text12k: file("a-12000.jsonl", `${JSON.stringify({ text: "a".repeat(12_000) })}\n`),
  chainText: file("chain-text.jsonl", `${JSON.stringify({ text: `${"a".repeat(50_000)}b` })}\n`),
  patternText: file("pattern-text.jsonl", `${JSON.stringify({ text: JSON.stringify(`${"ab".repeat(1_600)}c`) })}\n`),
  deepValue: file("deep-value.jsonl", `{"value": ${"[".repeat(10_000)}${"]".repeat(10_000)}}\n`),
};
mkdirSync(f.folder);

/** About 15 MB of broken JSON: single quotes, unquoted keys, trailing commas. */
const broken15mb = `[${Array.from({ length: 15_000_000 / 22 }, () => "{'a': 1, b: [1,2,],}").join(",")}]`;
const nestedYaml = `${Array.from({ length: 1_000 }, (_, i) => `${"  ".repeat(i)}- `).join("\n")}\n${"  ".repeat(1_000)}x\n`;

const cases: Case[] = [
  // generate
  { verb: "generate", input: "schema, 1,200 optional properties", args: ["generate", "--schema", f.p1200, "--max-tokens", "50"] },
  { verb: "generate", input: "schema, 2,000 required properties", args: ["generate", "--schema", f.r2000, "--max-tokens", "50"] },
  { verb: "generate", input: "GBNF, 400 nested parentheses", args: ["generate", "--grammar", f.parens400, "--max-tokens", "10"] },
  { verb: "generate", input: "GBNF, 2,000-rule chain, --max-tokens 20", args: ["generate", "--grammar", f.chain2000, "--max-tokens", "20"] },
  { verb: "generate", input: "GGUF header declaring 2^63 key-values", args: ["generate", "--model", f.kv63] },
  { verb: "generate", input: "GGUF header declaring 2^63 tensors", args: ["generate", "--model", f.tensors63] },
  { verb: "generate", input: "GGUF truncated after 9 bytes", args: ["generate", "--model", f.truncated] },
  { verb: "generate", input: "a text file as the model", args: ["generate", "--model", f.notGguf] },
  { verb: "generate", input: "a folder as the model", args: ["generate", "--model", f.folder] },
  ...["0", "-1", "abc", "1000", "10000", "100000"].map((t) => ({ verb: "generate", input: `--threads ${t}`, args: ["generate", `--threads=${t}`, "--prompt", "x", "--max-tokens", "5"] })),
  ...["0", "abc", "1000000000000"].map((n) => ({ verb: "generate", input: `--max-tokens ${n}`, args: ["generate", `--max-tokens=${n}`, "--prompt", "x"] })),
  { verb: "generate", input: "--stream | head -c1 (EPIPE)", args: ["generate", "--stream", "--max-tokens", "200", "--prompt", "x"], closeEarly: true },
  { verb: "generate", input: "GBNF, 50,000-rule chain, Ctrl-C after 3 s (compiling)", args: ["generate", "--grammar", f.chain50000, "--max-tokens", "5", "--prompt", "x"], interrupt: true, interruptAfterMs: 3_000 },
  { verb: "generate", input: "Ctrl-C (SIGINT) while generating", args: ["generate", "--stream", "--max-tokens", "3000", "--temperature", "1", "--prompt", "x"], interrupt: true },
  { verb: "generate", input: "unknown option --max-token", args: ["generate", "--max-token", "5"] },
  // check
  { verb: "check", input: "schema, 1,200 optional properties", args: ["check", "--schema", f.p1200, "--text", "{}"] },
  { verb: "check", input: "schema, 9,999 optional properties", args: ["check", "--schema", f.p9999, "--text", "{}"] },
  { verb: "check", input: "schema, 2,000 required properties", args: ["check", "--schema", f.r2000, "--text", "{}"] },
  { verb: "check", input: "schema, minContains 1000", args: ["check", "--schema", f.minContains, "--text", "[1]"] },
  { verb: "check", input: "schema, maxItems 1e9", args: ["check", "--schema", f.maxItems, "--text", "[1, 2]"] },
  { verb: "check", input: "schema, allOf nested 2,000 deep", args: ["check", "--schema", f.allOf, "--text", "1"] },
  { verb: "check", input: "schema, anyOf nested 2,000 deep", args: ["check", "--schema", f.anyOf, "--text", "1"] },
  { verb: "check", input: "schema, properties nested 2,000 deep", args: ["check", "--schema", f.properties, "--text", "1"] },
  { verb: "check", input: "schema, chain of 2,000 $defs $refs", args: ["check", "--schema", f.defs, "--text", "1"] },
  { verb: "check", input: "schema, $ref cycle a -> b -> a", args: ["check", "--schema", f.refCycle, "--text", "1"] },
  { verb: "check", input: 'schema, {"$ref": "#"}', args: ["check", "--schema", f.refSelf, "--text", "1"] },
  { verb: "check", input: "schema, enum of 100,000 strings", args: ["check", "--schema", f.enum100k, "--text", '"value-5"'] },
  { verb: "check", input: "schema, pattern ^(a+)+$, 35 a's and !", args: ["check", "--schema", f.pattern, "--text", `"${"a".repeat(35)}!"`] },
  { verb: "check", input: "schema, pattern (a|b|ab)*c, 3,201 chars", args: ["check", "--schema", f.longPattern, "--jsonl", f.patternText] },
  { verb: "check", input: "--regex a+, 20,000 chars", args: ["check", "--regex", "a+", "--jsonl", f.text20k] },
  { verb: "check", input: "--regex a+, 1,000,000 chars", args: ["check", "--regex", "a+", "--jsonl", f.text1m] },
  { verb: "check", input: "--regex a{12000} (past maxRepetition)", args: ["check", "--regex", "a{12000}", "--text", "a"] },
  { verb: "check", input: "--regex a{12000}, 12,000 chars, --limit maxRepetition=12000", args: ["check", "--regex", "a{12000}", "--jsonl", f.text12k, "--limit", "maxRepetition=12000"] },
  { verb: "check", input: "--regex (?:[a-z]{100}){210} (past maxRegexDfaStates)", args: ["check", "--regex", "(?:[a-z]{100}){210}", "--text", "a"] },
  { verb: "check", input: "GBNF, 400 nested parentheses", args: ["check", "--grammar", f.parens400, "--text", "a"] },
  { verb: "check", input: "GBNF, 400 parentheses, --limit maxDepth=Infinity", args: ["check", "--grammar", f.parens400, "--text", "a", "--limit", "maxDepth=Infinity"] },
  { verb: "check", input: "GBNF, 2,000-rule chain", args: ["check", "--grammar", f.chain2000, "--text", `${"a".repeat(2_000)}b`] },
  { verb: "check", input: "GBNF, 50,000-rule chain, 50,001 bytes", args: ["check", "--grammar", f.chain50000, "--jsonl", f.chainText] },
  { verb: "check", input: "GBNF, 50,000-rule chain, Ctrl-C after 2 s", args: ["check", "--grammar", f.chain50000, "--jsonl", f.chainText], interrupt: true, interruptAfterMs: 2_000 },
  { verb: "check", input: "GBNF brackets, valid text 1,500 deep", args: ["check", "--grammar", f.brackets, "--jsonl", f.deepBrackets] },
  { verb: "check", input: "GBNF brackets, 1,500 deep, --limit maxStackDepth=2000", args: ["check", "--grammar", f.brackets, "--jsonl", f.deepBrackets, "--limit", "maxStackDepth=2000"] },
  { verb: "check", input: "GBNF, 10 MB literal", args: ["check", "--grammar", f.literal10m, "--text", "a"] },
  { verb: "check", input: "GBNF, left recursion", args: ["check", "--grammar", f.leftRec, "--text", "ba"] },
  { verb: "check", input: "GBNF, undefined rule", args: ["check", "--grammar", f.undefinedRule, "--text", "a"] },
  { verb: "check", input: "GBNF file in Latin-1 (invalid UTF-8)", args: ["check", "--grammar", f.latin1, "--text", "café"] },
  { verb: "check", input: "200,000 results | head -c1 (EPIPE)", args: ["check", "--regex", "a+", "--jsonl", f.jsonl], closeEarly: true },
  // validate
  { verb: "validate", input: "schema, 9,999 properties", args: ["validate", "--schema", f.p9999, "--value", '{"p3": "x"}'] },
  { verb: "validate", input: "schema, oneOf of 3,000 branches", args: ["validate", "--schema", f.oneOf3000, "--value", "7"] },
  { verb: "validate", input: "schema, allOf nested 2,000 deep", args: ["validate", "--schema", f.allOf, "--value", "1"] },
  { verb: "validate", input: "schema, $ref cycle a -> b -> a", args: ["validate", "--schema", f.refCycle, "--value", "1"] },
  { verb: "validate", input: "recursive schema, 10,000-deep array", args: ["validate", "--schema", f.recursiveArray, "--jsonl", f.deepValue] },
  { verb: "validate", input: "pattern ^(a+)+$, 35 a's and !", args: ["validate", "--schema", f.pattern, "--value", `"${"a".repeat(35)}!"`] },
  // repair
  { verb: "repair", input: "5,000,000 nested [", args: ["repair", "--quiet"], stdin: "[".repeat(5_000_000) },
  { verb: "repair", input: "50,000 nested [", args: ["repair", "--quiet"], stdin: "[".repeat(50_000) },
  { verb: "repair", input: '{"a": 1e400}', args: ["repair"], stdin: '{"a": 1e400}' },
  { verb: "repair", input: "a 1,000,000-digit number", args: ["repair"], stdin: `{"a": ${"1".repeat(1_000_000)}}` },
  { verb: "repair", input: "invalid UTF-8 bytes in a string", args: ["repair"], stdin: Buffer.from([...Buffer.from('{"a": "x'), 0xff, 0xfe, ...Buffer.from('y"}')]) },
  { verb: "repair", input: "15 MB of broken JSON, --quiet", args: ["repair", "--quiet"], stdin: broken15mb },
  { verb: "repair", input: "17 MB (past maxInputBytes)", args: ["repair", "--quiet"], stdin: "x".repeat(17 * 1024 * 1024) },
  { verb: "repair", input: "recursive schema, 10,000-deep array", args: ["repair", "--schema", f.recursiveArray, "--quiet"], stdin: `${"[".repeat(10_000)}${"]".repeat(10_000)}` },
  { verb: "repair", input: "schema pattern ^(a+)+$, 35 a's and !", args: ["repair", "--schema", f.patternObject], stdin: `{"s": "${"a".repeat(35)}!"}` },
  { verb: "repair", input: "15 MB | head -c1 (EPIPE)", args: ["repair", "--quiet"], stdin: broken15mb, closeEarly: true },
  { verb: "repair --format yaml", input: "a: *nope (alias to no anchor)", args: ["repair", "--format", "yaml"], stdin: "a: *nope\n" },
  { verb: "repair --format yaml", input: "1,000 nested block sequences", args: ["repair", "--format", "yaml", "--quiet"], stdin: nestedYaml },
  { verb: "repair --format yaml", input: "anchor on a block mapping", args: ["repair", "--format", "yaml"], stdin: "a: &x\n  b: 1\nc: *x\n" },
  { verb: "repair --format yaml", input: "256 KB, one unclosed [ (30,844 errors before)", args: ["repair", "--format", "yaml"], stdin: `a: [1\n${Array.from({ length: 22_000 }, (_, i) => `k${i}: ${i}`).join("\n")}\n` },
  { verb: "repair --format yaml", input: "2 MB that does not parse (a: [1, then colon-space lines, a cut quote)", args: ["repair", "--format", "yaml", "--quiet"], stdin: unparsableYaml(2 * 1024 * 1024) },
  { verb: "repair --format yaml", input: "2 MB that does not parse, Ctrl-C after 2 s", args: ["repair", "--format", "yaml", "--quiet"], stdin: unparsableYaml(2 * 1024 * 1024), interrupt: true, interruptAfterMs: 2_000 },
  { verb: "repair", input: "unknown option --quite", args: ["repair", "--quite"], stdin: "{}" },
  // repair --stream: memory bounded by the window and the open containers, not the input
  { verb: "repair --stream", input: "50 MB of broken JSON, --quiet", args: ["repair", "--stream", "--quiet"], stdin: `[${"{'a': 1, b: [1,2,],},".repeat(50_000_000 / 22)}{}]` },
  { verb: "repair --stream", input: "5,000,000 nested [, --quiet", args: ["repair", "--stream", "--quiet"], stdin: "[".repeat(5_000_000) },
  { verb: "repair --stream", input: "two values, the first past --limit maxLookahead=64", args: ["repair", "--stream", "--limit", "maxLookahead=64"], stdin: `${JSON.stringify({ a: "x".repeat(200) })}\n{"b": 1}\n` },
];

/** `bytes` of YAML lines missing the space after a colon, after `a: [1` (never closed) and before `- last: 'cut` (a cut-off quote). */
function unparsableYaml(bytes: number): string {
  const lines = ["a: [1"];
  for (let i = 0, size = 0; size < bytes; i++) {
    lines.push(`key${i}:value ${i} text`);
    size += lines[lines.length - 1].length + 1;
  }
  lines.push("- last: 'cut");
  return lines.join("\n");
}

/** What a run did, read from its exit and its stderr. */
function outcomeOf(code: number | null, signal: string | null, err: string, timedOut: boolean, c: Case): string {
  if (timedOut) return "HANG (killed)";
  if (signal !== null && !(c.interrupt && signal === "SIGINT")) return `CRASH (${signal})`;
  if (/internal error|\n\s+at |FATAL ERROR|Unhandled/i.test(err) || code === 70) return "CRASH";
  const coded = /formwork: error \[([a-z0-9-]+)\]/.exec(err)?.[1] ?? /^error: .*\(([a-z0-9-]+)\)$/m.exec(err)?.[1];
  if (c.interrupt) return err.includes("formwork: interrupted") ? "interrupted" : "no message";
  if (c.closeEarly && code === 0) return "quiet exit";
  if (coded !== undefined) return `error [${coded}]`;
  const warned = /formwork: warning \[([a-z0-9-]+)\]/.exec(err)?.[1];
  if (code === 0 && warned !== undefined) return `result, warning [${warned}]`;
  if (code === 0 || code === 1) return code === 0 ? "result" : "result (rejected)";
  return `exit ${code}`;
}

function runCase(c: Case): Promise<Row> {
  return new Promise((done) => {
    const rssFile = join(dir, "rss.txt");
    rmSync(rssFile, { force: true });
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", hook, bin, ...c.args], {
      cwd: dir,
      env: { ...process.env, FORMWORK_RSS_OUT: rssFile },
      stdio: [c.stdin !== undefined ? "pipe" : "ignore", "pipe", "pipe"],
    });
    let err = "";
    let timedOut = false;
    child.stderr!.on("data", (d) => {
      if (err.length < 100_000) err += d;
    });
    child.stdout!.on("data", () => {});
    if (c.closeEarly) child.stdout!.once("data", () => child.stdout!.destroy());
    if (c.interrupt && c.interruptAfterMs !== undefined) setTimeout(() => child.kill("SIGINT"), c.interruptAfterMs);
    else if (c.interrupt) child.stdout!.once("data", () => child.kill("SIGINT"));
    if (c.stdin !== undefined) {
      child.stdin!.on("error", () => {});
      child.stdin!.end(c.stdin);
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutS * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const kb = existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) : NaN;
      done({
        verb: c.verb,
        input: c.input,
        outcome: outcomeOf(code, signal, err, timedOut, c),
        exit: signal !== null ? signal : String(code),
        seconds,
        peakMb: Number.isFinite(kb) ? kb / 1024 : null,
      });
    });
  });
}

const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`;
const loadBefore = loadavg()[0];
const rows: Row[] = [];
try {
  for (const c of cases) {
    if (only !== undefined && !`${c.verb} ${c.input}`.includes(only)) continue;
    const row = await runCase(c);
    rows.push(row);
    if (!json) process.stderr.write(`${row.verb}: ${row.input}: ${row.outcome} (${row.seconds.toFixed(1)} s)\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const loadAfter = loadavg()[0];

const bad = rows.filter((r) => /CRASH|HANG|no message|exit /.test(r.outcome));
if (json) {
  process.stdout.write(`${JSON.stringify({ machine, load: [loadBefore, loadAfter], timeoutS, rows, bad: bad.length })}\n`);
} else {
  const lines = [
    `Machine: ${machine}; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after; timeout ${timeoutS} s.`,
    "",
    "| verb | hostile input | outcome | exit | time (s) | peak memory (MB) |",
    "|---|---|---|---|---:|---:|",
    ...rows.map((r) => `| ${r.verb} | ${r.input.replace(/\|/g, "\\|")} | ${r.outcome} | ${r.exit} | ${r.seconds.toFixed(1)} | ${r.peakMb === null ? "-" : r.peakMb.toFixed(0)} |`),
    "",
    `${rows.length} inputs: ${rows.filter((r) => r.outcome.startsWith("result")).length} results, ${rows.filter((r) => r.outcome.startsWith("error")).length} clear errors, ${rows.filter((r) => /quiet exit|interrupted/.test(r.outcome)).length} clean exits, ${bad.length} crashes, hangs or unclear exits.`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
process.exitCode = bad.length > 0 ? 1 : 0;
