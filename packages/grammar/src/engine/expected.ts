/** What bytes a set of configurations can take next, and how to say it to people. */
import type { Automaton } from "./automaton.js";

/** The bytes some state of `states` can read next, as merged inclusive ranges `[lo0, hi0, ...]`. */
export function expectedBytes(a: Automaton, states: ArrayLike<number>): number[] {
  const nc = a.nClasses;
  const ok = new Uint8Array(nc);
  for (let i = 0; i < states.length; i++) {
    a.expand(states[i]);
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

/** A byte's family for messages: runs are shown as ranges only within digits, upper- or lowercase letters, or bytes past ASCII. */
const family = (b: number): number => (b >= 0x30 && b <= 0x39 ? 1 : b >= 0x41 && b <= 0x5a ? 2 : b >= 0x61 && b <= 0x7a ? 3 : b >= 0x80 ? 4 : 0);

/** A phrase such as `'"', '0'-'9' or end of input`. */
export function describeExpected(a: Automaton, states: ArrayLike<number>, canEnd: boolean): string {
  const r = expectedBytes(a, states);
  // Ranges split where the byte family changes, so that `')'-'+'` reads `')', '*', '+'`; merged when that makes too many.
  let parts: string[] = [];
  for (let i = 0; i < r.length; i += 2) {
    for (let lo = r[i]; lo <= r[i + 1]; ) {
      let hi = lo;
      while (hi < r[i + 1] && family(hi + 1) === family(lo)) hi++;
      if (family(lo) === 0 || hi - lo < 2) for (let b = lo; b <= hi; b++) parts.push(show(b));
      else parts.push(`${show(lo)}-${show(hi)}`);
      lo = hi + 1;
    }
  }
  if (parts.length > 12) {
    parts = [];
    for (let i = 0; i < r.length; i += 2) parts.push(r[i] === r[i + 1] ? show(r[i]) : `${show(r[i])}-${show(r[i + 1])}`);
  }
  if (parts.length > 12) parts.splice(12, parts.length - 12, `… (${r.length / 2 - 12} more ranges)`);
  if (canEnd) parts.push("end of input");
  if (parts.length === 0) return "nothing (the text must end before this byte)";
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} or ${parts[parts.length - 1]}`;
}
