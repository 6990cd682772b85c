/**
 * Character sets that depend on Unicode data (property escapes, `\w` under
 * `iu`, case folding), computed **from the platform's own `RegExp`** so that
 * they are exact by construction for the JavaScript engine that runs Formwork:
 * each set is built once by testing every code point (or code unit) and then
 * cached.
 */
import { type CharSet, MAX_CODE_POINT, MAX_CODE_UNIT, hasChar, normalizeRanges, setFromPredicate } from "./char-set.js";

/** How the pattern reads its input: legacy (UTF-16 code units), `u`, or `v`. */
export type CharMode = "legacy" | "unicode" | "sets";

/** The largest character value in a mode's alphabet. */
export function maxCharOf(mode: CharMode): number {
  return mode === "legacy" ? MAX_CODE_UNIT : MAX_CODE_POINT;
}

function flagsOf(mode: CharMode, ignoreCase: boolean): string {
  return (ignoreCase ? "i" : "") + (mode === "unicode" ? "u" : mode === "sets" ? "v" : "");
}

function charOf(mode: CharMode, c: number): string {
  return mode === "legacy" ? String.fromCharCode(c) : String.fromCodePoint(c);
}

const escapeCache = new Map<string, CharSet>();

/**
 * The exact set of characters that the single-character escape `source`
 * (`\d`, `\W`, `\p{Script=Greek}`, ...) matches under the given mode and
 * case sensitivity, as decided by the platform's `RegExp`. Cached.
 */
export function escapeCharSet(source: string, mode: CharMode, ignoreCase: boolean): CharSet {
  const flags = flagsOf(mode, ignoreCase);
  const key = `${flags}\u0000${source}`;
  let set = escapeCache.get(key);
  if (set === undefined) {
    const re = new RegExp(`^${source}$`, flags);
    set = setFromPredicate(maxCharOf(mode), (c) => re.test(charOf(mode, c)));
    escapeCache.set(key, set);
  }
  return set;
}

/** Equivalence classes of characters under `i` with more than one member. */
interface FoldTable {
  /** Each orbit's members, ascending. */
  readonly orbits: readonly (readonly number[])[];
  /** Orbit index by character, for characters in some orbit. */
  readonly orbitOf: ReadonlyMap<number, number>;
}

const foldCache = new Map<CharMode, FoldTable>();

/**
 * Builds the case-insensitive equivalence classes of a mode. Candidates come
 * from `toLowerCase`/`toUpperCase` (connected components); membership is then
 * decided pairwise by the platform's `RegExp` with the `i` flag, so the
 * relation is exactly the engine's.
 */
function foldTable(mode: CharMode): FoldTable {
  const key: CharMode = mode === "sets" ? "unicode" : mode;
  const cached = foldCache.get(key);
  if (cached) return cached;
  const max = maxCharOf(key);
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    // Path compression.
    let y = x;
    while (y !== r) {
      const next = parent.get(y)!;
      parent.set(y, r);
      y = next;
    }
    return r;
  };
  const link = (a: number, b: number): void => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  const single = (s: string): number => {
    if (key === "legacy") return s.length === 1 ? s.charCodeAt(0) : -1;
    const cp = s.codePointAt(0)!;
    return s.length === (cp > 0xffff ? 2 : 1) ? cp : -1;
  };
  for (let c = 0; c <= max; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const s = charOf(key, c);
    const lo = single(s.toLowerCase());
    const up = single(s.toUpperCase());
    if (lo >= 0 && lo !== c && !(lo >= 0xd800 && lo <= 0xdfff)) link(c, lo);
    if (up >= 0 && up !== c && !(up >= 0xd800 && up <= 0xdfff)) link(c, up);
  }
  const components = new Map<number, number[]>();
  for (const c of parent.keys()) {
    const r = find(c);
    let list = components.get(r);
    if (!list) components.set(r, (list = []));
    list.push(c);
  }
  const flags = flagsOf(key, true);
  const escape = (c: number): string =>
    key === "legacy" ? `\\u${c.toString(16).padStart(4, "0")}` : `\\u{${c.toString(16)}}`;
  const orbits: number[][] = [];
  for (const members of components.values()) {
    members.sort((a, b) => a - b);
    const left = [...members];
    while (left.length > 0) {
      const head = left.shift()!;
      const re = new RegExp(`^${escape(head)}$`, flags);
      const orbit = [head];
      for (let i = 0; i < left.length; ) {
        if (re.test(charOf(key, left[i]))) orbit.push(...left.splice(i, 1));
        else i++;
      }
      if (orbit.length > 1) orbits.push(orbit);
    }
  }
  const orbitOf = new Map<number, number>();
  orbits.forEach((o, i) => o.forEach((c) => orbitOf.set(c, i)));
  const table = { orbits, orbitOf };
  foldCache.set(key, table);
  return table;
}

/**
 * The case-insensitive closure of `set`: every character that matches some
 * member of `set` under the `i` flag of `mode`.
 */
export function caseClosure(set: CharSet, mode: CharMode): CharSet {
  const table = foldTable(mode);
  const extra: number[] = [];
  for (const orbit of table.orbits) {
    if (orbit.some((c) => hasChar(set, c))) for (const c of orbit) extra.push(c, c);
  }
  return extra.length === 0 ? set : normalizeRanges([...set, ...extra]);
}
