/**
 * `compileMatcher`: a pattern → a `test(text)` that runs in time linear in
 * the text and needs no DFA built ahead. It simulates the character NFA
 * (the subset of NFA states alive after each character) and caches the
 * subsets it meets as DFA states with their transitions, built lazily and
 * flushed when the cache is full (as RE2 does): a pattern whose full DFA
 * would be huge (a counted repetition in search mode) costs at most
 * O(NFA states) per character, never more, and nothing backtracks.
 *
 * It works on characters (code points under `u`/`v`, UTF-16 code units
 * otherwise), so it reads JavaScript strings as `RegExp` does, lone
 * surrogates included.
 */
import { hasChar } from "./char-set.js";
import type { CharNfa } from "./char-nfa.js";
import { charNfaOf, lowerPattern, type RegexCompileOptions } from "./compile.js";

/** A compiled pattern's linear-time test. */
export interface RegexMatcher {
  readonly pattern: string;
  readonly flags: string;
  /**
   * Whether `text` matches: as a whole (mode `"whole"`), or anywhere unless
   * the pattern anchors itself (mode `"search"`, `RegExp.prototype.test`).
   */
  test(text: string): boolean;
}

/** Cached DFA states before the cache is flushed (each holds its subset and the transitions seen so far). */
const MAX_CACHED_STATES = 2_000;

/**
 * Compiles `pattern` to a {@link RegexMatcher} (options as `compileRegex`;
 * `maxDfaStates` does not apply: no DFA is built ahead). Throws what
 * `compileRegex` throws for the pattern itself: `regex-syntax`,
 * `UnsupportedError` for refused constructs, `LimitError` for
 * `maxNfaStates`, `maxRepetition`, `maxDepth` (the first two also as
 * `limits: { maxRegexNfaStates, maxRepetition }`).
 */
export function compileMatcher(pattern: string, options: RegexCompileOptions = {}): RegexMatcher {
  const { root, flags, mode, limits } = lowerPattern(pattern, options);
  const nfa = charNfaOf(root, flags, mode, limits);
  const sim = new Simulation(nfa);
  const codePoints = flags.mode !== "legacy";
  return {
    pattern,
    flags: options.flags ?? "",
    test(text: string): boolean {
      let state = sim.startState();
      for (let i = 0; i < text.length && state !== DEAD && state !== sim.universalState; i++) {
        let c = text.charCodeAt(i);
        if (codePoints && c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
          const d = text.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
          }
        }
        state = sim.step(state, c);
      }
      if (state === DEAD) return false;
      return state === sim.universalState || sim.acceptsAtEnd(state);
    },
  };
}

const DEAD = -1;

/** The subset simulation and its cache of DFA states. */
class Simulation {
  private subsets: Int32Array[] = [];
  private ids = new Map<string, number>();
  private next: Map<number, number>[] = [];
  private startId = DEAD;
  /** The cached state whose subset holds search mode's Σ* tail (every continuation matches), or -2. */
  universalState = -2;
  // Scratch for closures: a mark per NFA state and a stack.
  private readonly mark: Uint32Array;
  private epoch = 0;
  private readonly stack: number[] = [];

  constructor(private readonly nfa: CharNfa) {
    this.mark = new Uint32Array(nfa.stateCount);
  }

  startState(): number {
    if (this.startId === DEAD || this.subsets[this.startId] === undefined) this.startId = this.intern(this.closure([this.nfa.start], true, false));
    return this.startId;
  }

  step(state: number, c: number): number {
    const row = this.next[state];
    const hit = row.get(c);
    if (hit !== undefined) return hit;
    const subset = this.subsets[state];
    const moved: number[] = [];
    const { chars, sets } = this.nfa;
    for (let k = 0; k < subset.length; k++) {
      const edges = chars[subset[k]];
      for (let e = 0; e < edges.length; e += 2) if (hasChar(sets[edges[e]], c)) moved.push(edges[e + 1]);
    }
    if (moved.length === 0) {
      row.set(c, DEAD);
      return DEAD;
    }
    const closed = this.closure(moved, false, false);
    if (this.subsets.length >= MAX_CACHED_STATES) {
      // Flush (the state we step from is dropped too: the caller only needs the new one).
      this.subsets = [];
      this.ids.clear();
      this.next = [];
      this.universalState = -2;
      this.startId = DEAD;
      return this.intern(closed);
    }
    const id = this.intern(closed);
    row.set(c, id);
    return id;
  }

  /** Whether the subset of `state` reaches the final state at the end of the text (following `$` edges). */
  acceptsAtEnd(state: number): boolean {
    const subset = this.subsets[state];
    const closed = this.closure(Array.from(subset), state === this.startId, true);
    return closed.includes(this.nfa.final);
  }

  private intern(subset: number[]): number {
    const key = subset.join(",");
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.subsets.length;
      this.subsets.push(Int32Array.from(subset));
      this.next.push(new Map());
      this.ids.set(key, id);
      if (this.nfa.universal >= 0 && subset.includes(this.nfa.universal)) this.universalState = id;
    }
    return id;
  }

  /** The sorted ε-closure of `from`, following `^` edges when `atStart` and `$` edges when `atEnd`. */
  private closure(from: number[], atStart: boolean, atEnd: boolean): number[] {
    const { eps, bol, eol } = this.nfa;
    if (++this.epoch === 0xffffffff) {
      this.mark.fill(0);
      this.epoch = 1;
    }
    const mark = this.mark;
    const epoch = this.epoch;
    const stack = this.stack;
    const out: number[] = [];
    for (const s of from) {
      if (mark[s] === epoch) continue;
      mark[s] = epoch;
      stack.push(s);
    }
    while (stack.length > 0) {
      const s = stack.pop()!;
      out.push(s);
      const follow = (targets: readonly number[]) => {
        for (const t of targets) {
          if (mark[t] === epoch) continue;
          mark[t] = epoch;
          stack.push(t);
        }
      };
      follow(eps[s]);
      if (atStart) follow(bol[s]);
      if (atEnd) follow(eol[s]);
    }
    return out.sort((a, b) => a - b);
  }
}
