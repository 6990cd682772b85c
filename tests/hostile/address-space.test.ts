// The engine's transition tables grow in place in resizable buffers that reserve address space (96387f3),
// once they pass 1 MiB (smaller ones stay in plain buffers). Under an address-space limit (`ulimit -v`)
// the reservation fails: the engine must fall back to plain buffers, not crash. Runs the built package
// in a child process with `ulimit -v` set; the grammars' tables pass 1 MiB.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { alt, checkText, grammar, literal, seq, textCompiler } from "@formwork/grammar";

const grammarDist = pathToFileURL(resolve(__dirname, "../../packages/grammar/dist/index.js")).href;

// 40 grammars, each materialized and texts stepped through its matcher: 40 automata past 1 MiB, more
// than fit 1 GB reservations in 16 GB.
const script = `
const { checkText, grammar, alt, literal, seq, textCompiler } = await import(${JSON.stringify(grammarDist)});
const rab = [];
try { for (let i = 0; i < 100; i++) rab.push(new ArrayBuffer(8, { maxByteLength: 1 << 30 })); } catch {}
// 3,000 words of six letters and digits: a trie of thousands of DFA states over ~40 byte classes.
const words = Array.from({ length: 3000 }, (_, i) => (i * 7919 + 104729).toString(36).padStart(6, "q").slice(-6));
let accepted = 0, big = 0;
const kept = [];
for (let i = 0; i < 40; i++) {
  const g = textCompiler().compile(grammar([["root", seq(literal("k" + i + ":"), alt(...words.map((w) => literal(w))))]]));
  g.automaton.materialize();
  if (g.automaton.trans.length * 4 > 1 << 20) big++;
  kept.push(g);
  const ok = words.every((w, j) => j % 7 !== i % 7 || checkText(g, "k" + i + ":" + w).accepted);
  if (ok && !checkText(g, "k" + i + ":" + words[i].slice(0, 5)).accepted && !checkText(g, "k" + i + ":zzzzzz!").accepted) accepted++;
}
console.log(JSON.stringify({ reservations: rab.length, accepted, big }));
`;

describe("engine under an address-space limit", () => {
  it("compiles and matches when resizable buffers cannot reserve their address space", () => {
    const r = spawnSync("bash", ["-c", `ulimit -v 16000000 && exec "${process.execPath}" --input-type=module -e "$0"`, script], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { reservations: number; accepted: number; big: number };
    // The limit is real: fewer 1 GB reservations fit than asked for.
    expect(out.reservations).toBeLessThan(100);
    expect(out.accepted).toBe(40);
    // Every table passed the plain-buffer size, so each asked for a reservation.
    expect(out.big).toBe(40);
  });

  it("a table that moves from a plain buffer into a reservation keeps its transitions", () => {
    const words = Array.from({ length: 3000 }, (_, i) => (i * 7919 + 104729).toString(36).padStart(6, "q").slice(-6));
    const g = textCompiler().compile(grammar([["root", seq(literal("k:"), alt(...words.map((w) => literal(w))))]]));
    g.automaton.materialize();
    const trans = (g.automaton as unknown as { trans: Int32Array }).trans;
    expect(trans.length * 4).toBeGreaterThan(1 << 20);
    expect(words.filter((w) => !checkText(g, "k:" + w).accepted)).toEqual([]);
    expect(checkText(g, "k:" + words[0].slice(0, 5)).accepted).toBe(false);
    expect(checkText(g, "k:zzzzzz").accepted).toBe(false);
  });
});
