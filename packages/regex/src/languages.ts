/**
 * Boolean operations and length bounds on regular languages, as products of
 * byte DFAs. Operands are ASTs (compiled on the way, whole match) or byte
 * DFAs; each result is a minimal {@link ByteDfa}. Complements are taken
 * within valid UTF-8 text (strings of Unicode scalar values), not bytes.
 */
import { grownI32, hashList, ListTable } from "@formwork/core/internal";
import { type RegexAst, rx } from "./ast.js";
import { type ByteDfa, type RegexLimitOptions, compileAst, resolveLimits } from "./compile.js";
import { byteClasses, minimizeDfa } from "./minimize.js";
import { regexLimitError } from "./limit-advice.js";

/** A regular language: an AST (whole match) or a byte DFA. */
export type Language = RegexAst | ByteDfa;

/** What {@link combineLanguages} keeps. */
export interface LanguageSpec {
  /** The strings must be in every one of these (none: every string). */
  readonly all?: readonly Language[];
  /** The strings must be in none of these. */
  readonly none?: readonly Language[];
  /** Fewest code points. Default 0. */
  readonly minLength?: number;
  /** Most code points. Default Infinity. */
  readonly maxLength?: number;
}

const isDfa = (l: Language): l is ByteDfa => "stateCount" in l;

let utf8Text: ByteDfa | undefined;
/** The minimal DFA of all UTF-8 texts (any string of Unicode scalar values). */
function anyText(): ByteDfa {
  return (utf8Text ??= compileAst(rx.star(rx.any)));
}

/**
 * The minimal byte DFA of the strings in every language of `spec.all`, in
 * none of `spec.none`, and with a length in code points within
 * `[minLength, maxLength]`. Throws `LimitError` `regex-dfa-limit` when the
 * product needs more than `maxDfaStates` states (default 20,000), and what
 * `compileAst` throws for an AST operand.
 */
export function combineLanguages(spec: LanguageSpec, limits: RegexLimitOptions = {}): ByteDfa {
  const lim = resolveLimits(limits);
  const toDfa = (l: Language) => (isDfa(l) ? l : compileAst(l, lim));
  const pos = (spec.all ?? []).map(toDfa);
  const neg = (spec.none ?? []).map(toDfa);
  // Negated operands accept what they do not read: the text must still be UTF-8.
  if (neg.length > 0 || pos.length === 0) pos.push(anyText());
  const counting = (spec.minLength ?? 0) > 0 || (spec.maxLength ?? Infinity) < Infinity;
  if (pos.length === 1 && neg.length === 0 && !counting) return pos[0]; // already minimal
  return product(pos, neg, spec.minLength ?? 0, spec.maxLength ?? Infinity, lim.maxDfaStates);
}

/** The strings in every one of `languages` (see {@link combineLanguages}). */
export function intersectLanguages(languages: readonly Language[], limits: RegexLimitOptions = {}): ByteDfa {
  return combineLanguages({ all: languages }, limits);
}

/** The UTF-8 texts that are not in `language` (see {@link combineLanguages}). */
export function complementLanguage(language: Language, limits: RegexLimitOptions = {}): ByteDfa {
  return combineLanguages({ none: [language] }, limits);
}

/** The strings in at least one of `languages`: those not in none of them (see {@link combineLanguages}). */
export function unionLanguages(languages: readonly Language[], limits: RegexLimitOptions = {}): ByteDfa {
  return combineLanguages({ none: [combineLanguages({ none: languages }, limits)] }, limits);
}

/**
 * The product automaton: a state is a tuple of operand states (-1 once an
 * operand can no longer accept) and a count of code points (UTF-8 lead
 * bytes) read, capped at `maxLength`, or at `minLength` when unbounded. A
 * tuple in which a positive operand is dead has no future and is not built.
 */
function product(pos: readonly ByteDfa[], neg: readonly ByteDfa[], minLength: number, maxLength: number, maxStates: number): ByteDfa {
  if (minLength > maxLength || pos.some((d) => d.stateCount === 0)) return EMPTY_DFA;
  const ops = [...pos, ...neg];
  const P = pos.length;
  const n = ops.length;
  const counting = minLength > 0 || maxLength < Infinity;
  const cap = maxLength < Infinity ? maxLength : minLength;

  // Bytes that every operand (and the counter) treats alike.
  const classOf = ops.map((d) => byteClasses(d).classOf);
  const joint = new Map<string, number>();
  const reps: number[] = [];
  const members: number[][] = [];
  for (let b = 0; b < 256; b++) {
    let key = b >= 0x80 && b < 0xc0 ? "c" : "l";
    for (let i = 0; i < n; i++) key += `,${classOf[i][b]}`;
    let id = joint.get(key);
    if (id === undefined) {
      joint.set(key, (id = reps.length));
      reps.push(b);
      members.push([]);
    }
    members[id].push(b);
  }

  // States are tuples of w numbers, interned in a ListTable (dense ids in the order met, the
  // tuples one after another in its `data`); rows are kept per joint class and spread to the 256
  // bytes at the end (the classes are few: operands' patterns read few distinct byte sets).
  const w = n + 1;
  const C = reps.length;
  const states = new ListTable();
  let rows = new Int32Array(64 * C);
  const accepting: number[] = [];
  const next = new Int32Array(w);
  const intern = (t: Int32Array): number => {
    const h = hashList(t, 0, w, 0);
    const hit = states.find(t, w, 0, h);
    if (hit >= 0) return hit;
    if (states.size >= maxStates) {
      throw regexLimitError("maxDfaStates", maxStates, `Combining the languages needs more than ${maxStates} DFA states, past the limit maxRegexDfaStates = ${maxStates}`, "simplify the patterns or length bounds (a long maxLength multiplies the states of a pattern)");
    }
    const id = states.add(t, w, 0, h);
    rows = grownI32(rows, (id + 1) * C);
    rows.fill(-1, id * C, id * C + C);
    let acc = !counting || t[n] >= minLength;
    for (let k = 0; k < n && acc; k++) {
      const on = t[k] >= 0 && ops[k].accepting[t[k]] === 1;
      acc = k < P ? on : !on;
    }
    accepting.push(acc ? 1 : 0);
    return id;
  };
  intern(new Int32Array(w));
  for (let q = 0; q < states.size; q++) {
    for (let c = 0; c < C; c++) {
      const b = reps[c];
      // `states.data` grows as states are added: read it afresh for each step.
      const o = q * w;
      let dead = false;
      for (let i = 0; i < n; i++) {
        const from = states.data[o + i];
        const s = from < 0 ? -1 : ops[i].transitions[from * 256 + b];
        if (s < 0 && i < P) {
          dead = true;
          break;
        }
        next[i] = s;
      }
      if (dead) continue;
      let k = states.data[o + n];
      if (counting && !(b >= 0x80 && b < 0xc0)) {
        if (k + 1 > maxLength) continue;
        k = Math.min(k + 1, cap);
      }
      next[n] = k;
      const target = intern(next); // may grow `rows`: index it after
      rows[q * C + c] = target;
    }
  }
  const count = states.size;
  const transitions = new Int32Array(count * 256).fill(-1);
  for (let q = 0; q < count; q++) {
    for (let c = 0; c < C; c++) {
      const t = rows[q * C + c];
      if (t < 0) continue;
      for (const x of members[c]) transitions[q * 256 + x] = t;
    }
  }
  return minimizeDfa({ stateCount: count, transitions, accepting: Uint8Array.from(accepting) }, { k: C, delta: rows.subarray(0, count * C) });
}

const EMPTY_DFA: ByteDfa = Object.freeze({ stateCount: 0, transitions: new Int32Array(0), accepting: new Uint8Array(0) });

/**
 * The strings of `dfa` that hold none of the ASCII characters `chars` (a
 * byte below 0x80 is a whole character in UTF-8, so dropping its
 * transitions drops exactly those strings) and, with `nonEmpty`, not the
 * empty string (a fresh start state that does not accept). No product: for
 * a quoting without escapes (`csvBare`) over a language given as a DFA.
 * The result may hold states that no longer reach a match.
 */
export function withoutAsciiChars(dfa: ByteDfa, chars: readonly number[], nonEmpty = false): ByteDfa {
  for (const c of chars) if (!Number.isInteger(c) || c < 0 || c > 0x7f) throw new RangeError(`withoutAsciiChars takes ASCII characters, got ${c}`);
  if (dfa.stateCount === 0) return dfa;
  const shift = nonEmpty && dfa.accepting[0] === 1 ? 1 : 0;
  const n = dfa.stateCount + shift;
  const transitions = new Int32Array(n * 256);
  const accepting = new Uint8Array(n);
  for (let q = 0; q < dfa.stateCount; q++) {
    for (let b = 0; b < 256; b++) {
      const t = dfa.transitions[q * 256 + b];
      transitions[(q + shift) * 256 + b] = t < 0 ? -1 : t + shift;
    }
    accepting[q + shift] = dfa.accepting[q];
  }
  if (shift) transitions.copyWithin(0, 256, 512); // the fresh start reads as the old one, but does not accept
  for (let q = 0; q < n; q++) for (const c of chars) transitions[q * 256 + c] = -1;
  return { stateCount: n, transitions, accepting };
}
