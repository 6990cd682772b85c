/** What bytes a set of configurations can take next, and how to say it to people. */
import type { Automaton } from "./automaton.js";

/** The bytes some state of `states` can read next, as merged inclusive ranges `[lo0, hi0, ...]`. */
export function expectedBytes(a: Automaton, states: ArrayLike<number>): number[] {
  const nc = a.nClasses;
  const ok = new Uint8Array(nc);
  for (let i = 0; i < states.length; i++) {
    const row = states[i] * nc;
    for (let c = 0; c < nc; c++) if (a.trans[row + c] >= 0) ok[c] = 1;
  }
  const out: number[] = [];
  for (let c = 0; c < nc; c++) {
    if (!ok[c]) continue;
    const n = out.length;
    if (n > 0 && out[n - 1] + 1 === a.classLo[c]) out[n - 1] = a.classHi[c];
    else out.push(a.classLo[c], a.classHi[c]);
  }
  return out;
}

const show = (b: number): string =>
  b >= 0x21 && b < 0x7f ? `'${String.fromCharCode(b)}'` : b === 0x20 ? "' '" : b === 10 ? "'\\n'" : b === 9 ? "'\\t'" : b === 13 ? "'\\r'" : `0x${b.toString(16).toUpperCase().padStart(2, "0")}`;

/** A phrase such as `'"', '0'-'9' or end of input`. */
export function describeExpected(a: Automaton, states: ArrayLike<number>, canEnd: boolean): string {
  const r = expectedBytes(a, states);
  const parts: string[] = [];
  for (let i = 0; i < r.length; i += 2) parts.push(r[i] === r[i + 1] ? show(r[i]) : `${show(r[i])}-${show(r[i + 1])}`);
  if (parts.length > 12) parts.splice(12, parts.length - 12, `… (${r.length / 2} ranges)`);
  if (canEnd) parts.push("end of input");
  if (parts.length === 0) return "nothing (the text must end before this byte)";
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} or ${parts[parts.length - 1]}`;
}
