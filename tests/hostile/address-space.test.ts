// The engine's transition tables grow in place in resizable buffers that reserve address space (96387f3).
// Under an address-space limit (`ulimit -v`) the reservation fails: the engine must fall back to plain
// buffers, not crash. Runs the built package in a child process with `ulimit -v` set.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const grammarDist = pathToFileURL(resolve(__dirname, "../../packages/grammar/dist/index.js")).href;

// 40 grammars, each with a text stepped through its matcher: 40 automata, more than fit 1 GB reservations in 16 GB.
const script = `
const { checkText, parseGbnf, textCompiler } = await import(${JSON.stringify(grammarDist)});
const rab = [];
try { for (let i = 0; i < 100; i++) rab.push(new ArrayBuffer(8, { maxByteLength: 1 << 30 })); } catch {}
let accepted = 0;
const kept = [];
for (let i = 0; i < 40; i++) {
  const g = textCompiler().compile(parseGbnf('root ::= "k' + i + '" [a-z]{0,40} ("," [0-9]+)*'));
  kept.push(g);
  if (checkText(g, "k" + i + "abcdefgh,12,3").accepted && !checkText(g, "k" + i + "abc,").accepted) accepted++;
}
console.log(JSON.stringify({ reservations: rab.length, accepted }));
`;

describe("engine under an address-space limit", () => {
  it("compiles and matches when resizable buffers cannot reserve their address space", () => {
    const r = spawnSync("bash", ["-c", `ulimit -v 16000000 && exec "${process.execPath}" --input-type=module -e "$0"`, script], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { reservations: number; accepted: number };
    // The limit is real: fewer 1 GB reservations fit than asked for.
    expect(out.reservations).toBeLessThan(100);
    expect(out.accepted).toBe(40);
  });
});
