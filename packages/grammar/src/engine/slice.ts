/**
 * Token slices (after llguidance's slicer): per vocabulary, the tokens made
 * only of whole characters from a set C. When an automaton state q can read
 * any number of characters of C without passing a call or a rule end
 * (inside a JSON string: every character but `"`, `\` and controls), every
 * slice token is accepted from q, so q's cache entry starts from the slice's
 * bitset and walks only the trie nodes whose subtree holds some token
 * outside the slice. Inside the walk, a node reached in a state with a
 * *run* (a loop, or a chain of counter states as in `maxLength`) long
 * enough for every continuation below it is accepted whole (`Slice.okAt`,
 * `maxSuffixChars`, `runLength`). Slices are built once per vocabulary and
 * shared by every grammar, each part on first need (see `Slice`).
 */
import type { TokenTrie } from "@formwork/core";
import { utf8Sequences } from "@formwork/regex/internal";
import { grownI32, popcount32 } from "@formwork/core/internal";
import type { Automaton } from "./automaton.js";

/**
 * The tokens of one character set, over one token trie. Built lazily: the token bitsets and exits
 * (one preorder pass over the trie, skipping every subtree that has left the set) on first read of
 * any of them, and `ok` per subtree as walks ask (`okAt`), so a set met only at a few trie nodes
 * costs those nodes' subtrees, not passes over the whole trie.
 */
export class Slice {
  readonly key: string;
  private readonly trie: TokenTrie;
  private readonly mode: number;
  /** tr[s << 8 | b]: the UTF-8 state after byte b from state s (-1: out of the set or not UTF-8); built on first need. */
  private trTable: Int8Array | null = null;
  /** The set's 256-bit byte set (`keyBytes`). */
  private readonly set: Uint32Array;
  private scanned = false;
  private _bits = EMPTY_U32;
  private _partialBits = EMPTY_U32;
  private _exits = EMPTY_I32;
  private _exitChars = EMPTY_I32;
  private _exitTop = EMPTY_U8;
  private _exitParent = EMPTY_I32;
  private _exitPre = EMPTY_U8;
  private _exitLead = EMPTY_I32;
  private _count = 0;
  private _partialCount = 0;
  /** Per trie node: bit n of `okBits` is valid when bit n of `known` is set (see `okAt`). */
  private okBits: Uint32Array | null = null;
  private known: Uint32Array | null = null;
  /** pre[b << 4 | t]: the UTF-8 states from which byte b leads to state t (non-ASCII modes). */
  private pre: Uint16Array | null = null;
  /** Milliseconds the token bitsets and exits took (`ok` is built in pieces, not timed). */
  buildMs = 0;

  constructor(trie: TokenTrie, key: string) {
    this.trie = trie;
    this.key = key;
    this.mode = modeOf(key);
    this.set = keyBytes(key);
  }

  private get tr(): Int8Array {
    if (this.trTable === null) {
      const ascii = this.set.subarray(0, 4);
      const tr = (this.trTable = new Int8Array(UTF8_STATES << 8));
      for (let st = 0; st < UTF8_STATES; st++) for (let b = 0; b < 256; b++) tr[(st << 8) | b] = utf8Next(st, b, ascii, this.mode);
    }
    return this.trTable;
  }

  /** Bitset over the vocabulary: the slice's tokens. */
  get bits(): Uint32Array {
    this.scan();
    return this._bits;
  }
  /** Number of the slice's tokens. */
  get count(): number {
    this.scan();
    return this._count;
  }
  /**
   * Where a token first leaves the set: nodes whose byte cannot start a character of C while
   * the bytes above are whole characters of C. `exitChars[i]`: characters above `exits[i]`.
   */
  get exits(): Int32Array {
    this.scan();
    return this._exits;
  }
  get exitChars(): Int32Array {
    this.scan();
    return this._exitChars;
  }
  /** The first byte of the tokens below each exit (the byte of its depth-1 ancestor). */
  get exitTop(): Uint8Array {
    this.scan();
    return this._exitTop;
  }
  /** The parent node of each exit (0 = the root). */
  get exitParent(): Int32Array {
    this.scan();
    return this._exitParent;
  }
  /**
   * 0, or the bytes of the character above an exit in its middle (a character outside the set
   * whose first bytes are shared with characters inside it: the third byte of U+2028 or U+2029
   * after E2 80 in modes `+d` and `+y`; in mode `+y` also U+0080..U+009F after C2, U+FEFF after
   * EF BB, U+FFFE/F after EF BF): the walk reads those bytes (`exitLead`) from the run's state first.
   */
  get exitPre(): Uint8Array {
    this.scan();
    return this._exitPre;
  }
  /** The bytes an exit in the middle of a character reads first, first byte lowest (`exitPre[i]` of them). */
  get exitLead(): Int32Array {
    this.scan();
    return this._exitLead;
  }
  /** Tokens that end inside a character (a valid UTF-8 prefix) after whole characters of C. */
  get partialBits(): Uint32Array {
    this.scan();
    return this._partialBits;
  }
  get partialCount(): number {
    this.scan();
    return this._partialCount;
  }

  /**
   * Whether every token strictly below trie node n continues, after the node's own bytes, with
   * whole characters of the set only (whatever the prefix was). A walk that reaches the node in a
   * state that can read enough characters of the set (a *run*, see `runLength`) accepts that whole
   * subtree at once. Computed for n's whole subtree (children first) the first time a node of it
   * is asked about, and kept (two bits per trie node).
   */
  okAt(n: number): boolean {
    if (this.mode === 1) {
      // Every non-ASCII character is in the set: n is ok when the bytes below it are whole
      // characters from a boundary (per trie, `clean`) and its ASCII bytes are in the set.
      const below = bytesBelow(this.trie), o = n * 4, set = this.set;
      return below.clean[n] === 1 && (below.ascii[o] & ~set[0]) === 0 && (below.ascii[o + 1] & ~set[1]) === 0 && (below.ascii[o + 2] & ~set[2]) === 0 && (below.ascii[o + 3] & ~set[3]) === 0;
    }
    const w = n >>> 5, bit = 1 << (n & 31);
    if (this.known === null || (this.known[w] & bit) === 0) this.fill(n, this.trie.next[n]);
    return (this.okBits![w] & bit) !== 0;
  }

  /** Computes `ok` for every node now (a precomputed slice: no walk pays for it later). */
  complete(): void {
    this.scan();
    if (this.known === null || (this.known[0] & 1) === 0) this.fill(0, this.trie.nodeCount);
  }

  /** Fills `ok` for the nodes `[from, to)`, a subtree (children before parents: reverse preorder). */
  private fill(from: number, to: number): void {
    const { nodeCount, next, byte, tokenStart } = this.trie;
    const words = (nodeCount + 31) >>> 5;
    const ok = (this.okBits ??= new Uint32Array(words));
    const known = (this.known ??= new Uint32Array(words));
    const ascii = this.set;
    if (this.mode === 0) {
      // ASCII only: state 0 is the only one a byte of the set leads to, so n is ok when no node of
      // its subtree (the preorder range (n, next[n])) has a byte outside the set. `bad`: the first
      // such node after n (nodes past the subtree `[from, to)` are never compared).
      let bad = to;
      for (let m = to - 1; m >= from; m--) {
        const w = m >>> 5, bit = 1 << (m & 31);
        if (bad >= next[m]) ok[w] |= bit;
        else ok[w] &= ~bit;
        known[w] |= bit;
        const b = byte[m];
        if (m > 0 && (b >= 0x80 || (ascii[b >>> 5] & (1 << (b & 31))) === 0)) bad = m;
      }
    } else {
      // st[n] bit s: reading the bytes below n from UTF-8 state s stays inside the set and every
      // token there ends on a character boundary; kept in a scratch array (only n's subtree is
      // read, written just before), ok keeps bit 0.
      let pre = this.pre;
      if (pre === null) {
        pre = this.pre = new Uint16Array(256 << 4);
        const tr = this.tr;
        for (let st = 0; st < UTF8_STATES; st++) {
          for (let b = 0; b < 256; b++) {
            const t = tr[(st << 8) | b];
            if (t >= 0) pre[(b << 4) | t] |= 1 << st;
          }
        }
      }
      const st = scratchStates(nodeCount);
      for (let m = to - 1; m >= from; m--) {
        let bitsOk = tokenStart[m + 1] > tokenStart[m] ? 1 : 0xffff;
        for (let c = m + 1; c < next[m] && bitsOk !== 0; c = next[c]) {
          const base = byte[c] << 4;
          let allowed = 0;
          for (let o = st[c] & ((1 << UTF8_STATES) - 1); o !== 0; o &= o - 1) allowed |= pre[base | (31 - Math.clz32(o & -o))];
          bitsOk &= allowed;
        }
        st[m] = bitsOk;
        const w = m >>> 5, bit = 1 << (m & 31);
        if (bitsOk & 1) ok[w] |= bit;
        else ok[w] &= ~bit;
        known[w] |= bit;
      }
    }
  }

  /** The token bitsets and exits: one preorder pass (see the getters). */
  private scan(): void {
    if (this.scanned) return;
    this.scanned = true;
    const t0 = performance.now();
    const trie = this.trie, tr = this.tr;
    const { nodeCount, next, byte, depth, tokenStart, tokenIds } = trie;
    const bits = new Uint32Array((trie.vocabulary.size + 31) >>> 5);
    const perDepth = new Int8Array(trie.maxDepth + 1);
    const charsAt = new Int32Array(trie.maxDepth + 1);
    const exits: number[] = [];
    const exitChars: number[] = [];
    const exitTop: number[] = [];
    const exitParent: number[] = [];
    const exitPre: number[] = [];
    const exitLead: number[] = [];
    const pathNode = new Int32Array(trie.maxDepth + 1);
    let top = 0;
    const partialBits = new Uint32Array(bits.length);
    let count = 0, partialCount = 0;
    const below = bytesBelow(trie);
    const allNonAscii = this.mode === 1;
    const out0 = ~this.set[0], out1 = ~this.set[1], out2 = ~this.set[2], out3 = ~this.set[3];
    // Preorder; below a node whose bytes left the set (or UTF-8) nothing is recorded: skip its subtree.
    for (let m = 1; m < nodeCount; ) {
      const d = depth[m];
      const ps = perDepth[d - 1];
      const s = tr[(ps << 8) | byte[m]];
      if (d === 1) top = byte[m];
      if (s < 0) {
        if (ps === 0) {
          exits.push(m);
          exitChars.push(charsAt[d - 1]);
          exitTop.push(top);
          exitParent.push(pathNode[d - 1]);
          exitPre.push(0);
          exitLead.push(0);
        } else {
          // A character outside the set that begins like characters inside it (U+2028 under a `.`):
          // leaves the set in the middle of the character.
          const pre = midCharExit(ps, byte[m]);
          if (pre > 0) {
            exits.push(m);
            exitChars.push(charsAt[d - 1] - 1);
            exitTop.push(top);
            exitParent.push(0);
            exitPre.push(pre);
            exitLead.push(pre === 1 ? byte[pathNode[d - 1]] : byte[pathNode[d - 2]] | (byte[pathNode[d - 1]] << 8));
          }
        }
        m = next[m];
        continue;
      }
      perDepth[d] = s;
      charsAt[d] = charsAt[d - 1] + ((byte[m] & 0xc0) !== 0x80 ? 1 : 0);
      pathNode[d] = m;
      if (s > 0) {
        for (let k = tokenStart[m]; k < tokenStart[m + 1]; k++) {
          partialBits[tokenIds[k] >>> 5] |= 1 << (tokenIds[k] & 31);
          partialCount++;
        }
      } else {
        const end = next[m];
        // Every byte below m is an ASCII byte of the set, or (every non-ASCII character being in
        // the set) the bytes below are whole characters and their ASCII bytes are in the set: every
        // token there is in the slice, and nothing below is an exit or a partial token. Take the
        // subtree's tokens at once.
        const k1 = end > m + 1 && (below.high[m] === 0 || (allNonAscii && below.clean[m] === 1)) && (below.ascii[m * 4] & out0) === 0 && (below.ascii[m * 4 + 1] & out1) === 0 && (below.ascii[m * 4 + 2] & out2) === 0 && (below.ascii[m * 4 + 3] & out3) === 0 ? tokenStart[end] : tokenStart[m + 1];
        for (let k = tokenStart[m]; k < k1; k++) {
          bits[tokenIds[k] >>> 5] |= 1 << (tokenIds[k] & 31);
          count++;
        }
        if (k1 !== tokenStart[m + 1]) {
          m = end;
          continue;
        }
      }
      m++;
    }
    this._bits = bits;
    this._partialBits = partialBits;
    this._count = count;
    this._partialCount = partialCount;
    this._exits = Int32Array.from(exits);
    this._exitChars = Int32Array.from(exitChars);
    this._exitTop = Uint8Array.from(exitTop);
    this._exitParent = Int32Array.from(exitParent);
    this._exitPre = Uint8Array.from(exitPre);
    this._exitLead = Int32Array.from(exitLead);
    this.buildMs += performance.now() - t0;
  }
}

interface BytesBelow {
  ascii: Uint32Array;
  high: Uint8Array;
  clean: Uint8Array;
}
const belowByTrie = new WeakMap<TokenTrie, BytesBelow>();

/** pre[b << 3 | t]: the UTF-8 states (0..7, every character valid) from which byte b leads to state t. */
let cleanPre: Uint8Array | null = null;

/**
 * Per trie node n, built once per trie: the ASCII bytes of the nodes strictly below n
 * (`ascii[4n .. 4n + 4)`, a 128-bit set), whether some byte there is 0x80 or above (`high[n]`),
 * and whether the bytes below n, read from a character boundary, are whole valid UTF-8
 * characters with every token there ending on a boundary (`clean[n]`). A slice's scan takes a
 * subtree whose bytes are all in its set at once, and for a set that holds every non-ASCII
 * character, `ok` of a node is `clean` and its ASCII bytes in the set (about 6.5 MB for Qwen).
 */
function bytesBelow(trie: TokenTrie): BytesBelow {
  let out = belowByTrie.get(trie);
  if (out) return out;
  const { nodeCount, next, byte, tokenStart } = trie;
  const ascii = new Uint32Array(nodeCount * 4);
  const high = new Uint8Array(nodeCount);
  const clean = new Uint8Array(nodeCount);
  if (cleanPre === null) {
    const all = new Uint32Array([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
    cleanPre = new Uint8Array(256 << 3);
    for (let st = 0; st < 8; st++) {
      for (let b = 0; b < 256; b++) {
        const t = utf8Next(st, b, all, 1);
        if (t >= 0) cleanPre[(b << 3) | t] |= 1 << st;
      }
    }
  }
  const pre = cleanPre;
  // ok[n] bit s: the bytes below n, read from UTF-8 state s, are valid and end every token there
  // on a boundary (as `Slice.fill` computes for a set of every character).
  const ok = new Uint8Array(nodeCount);
  for (let m = nodeCount - 1; m >= 0; m--) {
    let w0 = 0, w1 = 0, w2 = 0, w3 = 0, h = 0;
    let bitsOk = tokenStart[m + 1] > tokenStart[m] ? 1 : 0xff;
    for (let c = m + 1; c < next[m]; c = next[c]) {
      const b = byte[c];
      let allowed = 0;
      for (let o = ok[c]; o !== 0; o &= o - 1) allowed |= pre[(b << 3) | (31 - Math.clz32(o & -o))];
      bitsOk &= allowed;
      if (b >= 0x80) h = 1;
      else if (b < 0x20) w0 |= 1 << b;
      else if (b < 0x40) w1 |= 1 << (b - 0x20);
      else if (b < 0x60) w2 |= 1 << (b - 0x40);
      else w3 |= 1 << (b - 0x60);
      const o = c * 4;
      w0 |= ascii[o];
      w1 |= ascii[o + 1];
      w2 |= ascii[o + 2];
      w3 |= ascii[o + 3];
      h |= high[c];
    }
    const o = m * 4;
    ascii[o] = w0;
    ascii[o + 1] = w1;
    ascii[o + 2] = w2;
    ascii[o + 3] = w3;
    high[m] = h;
    ok[m] = bitsOk;
    clean[m] = bitsOk & 1;
  }
  out = { ascii, high, clean };
  belowByTrie.set(trie, out);
  return out;
}

const EMPTY_U32 = new Uint32Array(0);
const EMPTY_I32 = new Int32Array(0);
const EMPTY_U8 = new Uint8Array(0);

const slices = new WeakMap<TokenTrie, Map<string, Slice>>();

/** Fewest ASCII bytes a state must loop on before a slice is worth it. */
const MIN_ASCII = 32;

/** Which non-ASCII characters a slice holds besides its ASCII bytes (see `modeOf`). */
export type NonAsciiMode = boolean | "dot" | "yaml";

/** Each byte as two hex digits (`sliceKey` builds a key per new run step, in the middle of a mask). */
const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** The key of the slice with ASCII bytes `ascii` (128-bit set) and the non-ASCII characters of `nonAscii` (`true`: every one). */
export function sliceKey(ascii: Uint32Array, nonAscii: NonAsciiMode): string {
  let key = "";
  for (let i = 0; i < 4; i++) {
    const w = ascii[i];
    key += HEX2[w >>> 24] + HEX2[(w >>> 16) & 0xff] + HEX2[(w >>> 8) & 0xff] + HEX2[w & 0xff];
  }
  return key + (nonAscii === "dot" ? "+d" : nonAscii === "yaml" ? "+y" : nonAscii ? "+u" : "");
}

/**
 * Non-ASCII membership of a slice key: 0 none, 1 every non-ASCII character (`+u`), 2 all but
 * U+2028 and U+2029 (`+d`, a regex `.`), 3 all but U+0080..U+009F, U+2028, U+2029, U+FEFF, U+FFFE
 * and U+FFFF (`+y`, the printable characters of YAML scalars in Formwork's YAML dialect).
 * Each mode's set holds the next one's.
 */
function modeOf(key: string): number {
  return key.endsWith("+u") ? 1 : key.endsWith("+d") ? 2 : key.endsWith("+y") ? 3 : 0;
}

let nonAsciiSeqs: ReturnType<typeof utf8Sequences> | null = null;
let dotSeqs: ReturnType<typeof utf8Sequences> | null = null;
let yamlSeqs: ReturnType<typeof utf8Sequences> | null = null;

/**
 * Whether reading any non-ASCII character from q leads to p through states that neither call nor
 * end the rule: every one ("all"), every one but U+2028 and U+2029 ("dot", the characters a
 * regex `.` leaves out beyond the controls a JSON string cannot hold raw anyway), or every one
 * that YAML scalars hold in Formwork's dialect ("yaml": also not the C1 controls, U+FEFF, U+FFFE, U+FFFF).
 */
function nonAsciiMode(a: Automaton, q: number, p: number): NonAsciiMode {
  nonAsciiSeqs ??= utf8Sequences(0x80, 0x10ffff);
  dotSeqs ??= [...utf8Sequences(0x80, 0x2027), ...utf8Sequences(0x202a, 0x10ffff)];
  yamlSeqs ??= [...utf8Sequences(0xa0, 0x2027), ...utf8Sequences(0x202a, 0xfefe), ...utf8Sequences(0xff00, 0xfffd), ...utf8Sequences(0x10000, 0x10ffff)];
  if (allLead(a, q, p, nonAsciiSeqs)) return true;
  if (allLead(a, q, p, dotSeqs)) return "dot";
  return allLead(a, q, p, yamlSeqs) ? "yaml" : false;
}

function allLead(a: Automaton, q: number, p: number, seqs: ReturnType<typeof utf8Sequences>): boolean {
  // The states reached so far (few: a run reads each byte range into one state): small arrays, no allocation per step.
  let cur = leadA, nxt = leadB;
  for (const seq of seqs) {
    cur[0] = q;
    let n = 1;
    for (let i = 0; i < seq.length; i++) {
      let m = 0;
      const c0 = a.classOf[seq[i][0]], c1 = a.classOf[seq[i][1]];
      for (let j = 0; j < n; j++) {
        const st = cur[j];
        for (let c = c0; c <= c1; c++) {
          const to = a.next(st, c);
          if (to < 0) return false;
          if (i < seq.length - 1 && a.escapes[to]) return false;
          let seen = false;
          for (let k = 0; k < m; k++) {
            if (nxt[k] === to) {
              seen = true;
              break;
            }
          }
          if (seen) continue;
          if (m === nxt.length) {
            nxt = grownLead(nxt, m + 1);
            if (cur === leadA) leadB = nxt;
            else leadA = nxt;
          }
          nxt[m++] = to;
        }
      }
      const t = cur;
      cur = nxt;
      nxt = t;
      n = m;
    }
    if (n !== 1 || cur[0] !== p) return false;
  }
  return true;
}

let leadA = new Int32Array(64);
let leadB = new Int32Array(64);

function grownLead(x: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const y = new Int32Array(Math.max(n, x.length * 2));
  y.set(x);
  return y;
}

// UTF-8 validation states: 0 between characters, 1..3 continuation bytes left,
// 4..7 the constrained second byte after E0, ED, F0, F4; in modes 2 and 3 (no U+2028/9),
// 8 after E2 and 9 after E2 80; in mode 3 (no U+0080..U+009F, U+FEFF, U+FFFE/F), 10 after C2,
// 11 after EF, 12 after EF BB, 13 after EF BF; -1 invalid or outside the set.
const UTF8_STATES = 14;

function utf8Next(s: number, b: number, ascii: Uint32Array, mode: number): number {
  switch (s) {
    case 0:
      if (b < 0x80) return ascii[b >>> 5] & (1 << (b & 31)) ? 0 : -1;
      if (mode === 0) return -1;
      if (b === 0xe2 && mode >= 2) return 8;
      if (b === 0xc2 && mode === 3) return 10;
      if (b === 0xef && mode === 3) return 11;
      if (b >= 0xc2 && b <= 0xdf) return 1;
      if (b === 0xe0) return 4;
      if (b === 0xed) return 5;
      if (b >= 0xe1 && b <= 0xef) return 2;
      if (b === 0xf0) return 6;
      if (b >= 0xf1 && b <= 0xf3) return 3;
      if (b === 0xf4) return 7;
      return -1;
    case 1:
    case 2:
    case 3:
      return b >= 0x80 && b <= 0xbf ? s - 1 : -1;
    case 4:
      return b >= 0xa0 && b <= 0xbf ? 1 : -1;
    case 5:
      return b >= 0x80 && b <= 0x9f ? 1 : -1;
    case 6:
      return b >= 0x90 && b <= 0xbf ? 2 : -1;
    case 7:
      return b >= 0x80 && b <= 0x8f ? 2 : -1;
    case 8:
      return b === 0x80 ? 9 : b > 0x80 && b <= 0xbf ? 1 : -1;
    case 9:
      return b >= 0x80 && b <= 0xbf && b !== 0xa8 && b !== 0xa9 ? 0 : -1;
    case 10:
      return b >= 0xa0 && b <= 0xbf ? 0 : -1;
    case 11:
      return b === 0xbb ? 12 : b === 0xbf ? 13 : b >= 0x80 && b <= 0xbf ? 1 : -1;
    case 12:
      return b >= 0x80 && b <= 0xbe ? 0 : -1;
    case 13:
      return b >= 0x80 && b <= 0xbd ? 0 : -1;
    default:
      return -1;
  }
}

let scratch = new Uint16Array(0);

/**
 * Bytes of the character begun above a byte b that leaves the set from UTF-8 state `s` in the
 * middle of a valid character (1 or 2), or 0 when b is not such a byte (an exit inside a character).
 */
function midCharExit(s: number, b: number): number {
  if (s === 9 || s === 12 || s === 13) return b >= 0x80 && b <= 0xbf ? 2 : 0;
  if (s === 10) return b >= 0x80 && b <= 0x9f ? 1 : 0;
  return 0;
}

/** A scratch array of at least n entries (its contents are overwritten before being read). */
function scratchStates(n: number): Uint16Array {
  if (scratch.length < n) scratch = new Uint16Array(n);
  return scratch;
}

/**
 * The slice with `key` over `trie`, created on first use and kept for the trie's lifetime; its
 * parts are built when first read (see `Slice`).
 */
export function getSlice(trie: TokenTrie, key: string): Slice {
  let byKey = slices.get(trie);
  if (!byKey) slices.set(trie, (byKey = new Map()));
  let slice = byKey.get(key);
  if (slice === undefined) byKey.set(key, (slice = new Slice(trie, key)));
  // Kept for good from now on: no longer one of the on-demand slices that `demandSlice` may drop.
  const lru = demandByTrie.get(trie);
  if (lru) for (const family of lru) family.delete(key);
  return slice;
}

/** The slice of JSON string bodies: `[^"\\\x00-\x1F]` (every non-ASCII character included). */
export function jsonStringSliceKey(): string {
  const ascii = new Uint32Array(4);
  for (let b = 0x20; b < 0x80; b++) if (b !== 0x22 && b !== 0x5c) ascii[b >>> 5] |= 1 << (b & 31);
  return sliceKey(ascii, true);
}

/**
 * Most slices kept on demand per trie and family (each holds about 100 KB at 151k tokens, more with
 * its per-length tables and `ok` bits); past it, the least recently asked for slice of that family
 * is dropped from the per-trie map (grammars whose runs hold it keep using it; a later ask builds
 * it again, the same). The families are the YAML-scalar sets (mode `+y`) and the rest, each with
 * its own budget, so that a process that compiled many JSON grammars (one slice per `pattern`
 * character set, 59 for every 8th MaskBench file) does not push its YAML grammars' slices out.
 * The slices `precomputeSliceTables` built are never dropped. (Until 2026-12-03 a new set past the
 * budget got no slice at all: in a long MaskBench run every later grammar with a new set walked the
 * whole trie in its strings, 326k nodes and 13-40 ms a first mask.)
 */
const MAX_SLICES = 64;

/** Per trie: the on-demand slices per family (index 0 the rest, 1 mode `+y`), least recently asked for first. */
const demandByTrie = new WeakMap<TokenTrie, [Map<string, Slice>, Map<string, Slice>]>();

/**
 * The slice with `key` over `trie` for a run (see `MAX_SLICES`): kept, or built now, dropping the
 * least recently asked for one of its family when the family is full.
 */
export function demandSlice(trie: TokenTrie, key: string): Slice {
  let byKey = slices.get(trie);
  if (!byKey) slices.set(trie, (byKey = new Map()));
  let lru = demandByTrie.get(trie);
  if (!lru) demandByTrie.set(trie, (lru = [new Map(), new Map()]));
  const family = lru[modeOf(key) === 3 ? 1 : 0];
  let slice = family.get(key);
  if (slice !== undefined) {
    // Most recently asked for: to the end of the map's order.
    family.delete(key);
    family.set(key, slice);
    return slice;
  }
  slice = byKey.get(key);
  // Precomputed: not counted, never dropped.
  if (slice !== undefined) return slice;
  if (family.size >= MAX_SLICES) {
    const oldest = family.keys().next().value!;
    family.delete(oldest);
    byKey.delete(oldest);
  }
  slice = new Slice(trie, key);
  byKey.set(key, slice);
  family.set(key, slice);
  return slice;
}

/** Test hook: the number of slices kept for `trie` (precomputed ones included). */
export function sliceCount(trie: TokenTrie): number {
  return slices.get(trie)?.size ?? 0;
}

const suffixChars = new WeakMap<TokenTrie, Uint16Array>();

/** Per trie node: the most characters (UTF-8 lead bytes) any token strictly below it has after the node's own bytes. */
export function maxSuffixChars(trie: TokenTrie): Uint16Array {
  let s = suffixChars.get(trie);
  if (s) return s;
  const { nodeCount, next, byte } = trie;
  s = new Uint16Array(nodeCount);
  for (let m = nodeCount - 1; m >= 0; m--) {
    let best = 0;
    for (let c = m + 1; c < next[m]; c = next[c]) {
      const v = ((byte[c] & 0xc0) !== 0x80 ? 1 : 0) + s[c];
      if (v > best) best = v;
    }
    s[m] = Math.min(best, 0xffff);
  }
  suffixChars.set(trie, s);
  return s;
}

/** Switch for differential tests: with `enabled` false, cache entries use neither slices nor runs (plain trie walks). */
export const sliceTuning = { enabled: true };

/** Run length of a state that loops on its character set. */
export const RUN_FOREVER = 0x7fffffff;
const UNKNOWN = -2;
const NONE = -1;

/**
 * Character runs of an automaton: state q has a run of length R over a set C
 * (at least 32 ASCII bytes, maybe every non-ASCII character) when every
 * string of at most R characters of C can be read from q along a chain of
 * states (they may be accepting: string content in a rule of its own can end
 * anywhere, and the walk then records escape points at exits; they may call
 * rules: a YAML plain scalar can end after any character, before a call): inside an unbounded JSON string R is
 * infinite (a loop), inside a string of at most n characters R counts down
 * along the chain of counter states. A token walk that reaches a trie node
 * in such a state accepts the whole subtree below the node at once when the
 * slice of C says every token there continues with characters of C only
 * (`Slice.okAt`) and none has more than R of them (`maxSuffixChars`).
 */
export interface Runs {
  /** Per state: the run length (`RUN_FOREVER` for a loop), -1 none, -2 not computed yet. */
  len: Int32Array;
  /** Per state with a run: the slice of its character set. */
  slice: (Slice | null)[];
  key: (string | null)[];
  /**
   * Per state with a run step: where every character of its set leads (-1 none), or the state
   * itself when that target has the same `Automaton.cacheKey` (reads alike for as many bytes as
   * the longest token, so every state the run reaches within a token reads like it; see `runLength`).
   */
  target: Int32Array;
  /** Per state: 1 once its run step (`key`, `target`) is known. */
  stepped: Uint8Array;
}

const runsByAutomaton = new WeakMap<Automaton, Runs>();

/** The run table of `a` (filled lazily by `runLength`), grown to the automaton's states (read its arrays again after creating states). */
export function runsOf(a: Automaton): Runs {
  let r = runsByAutomaton.get(a);
  if (!r) {
    const n = Math.max(64, a.stateCount);
    r = { len: new Int32Array(n).fill(UNKNOWN), slice: new Array(n).fill(null), key: new Array(n).fill(null), target: new Int32Array(n).fill(-1), stepped: new Uint8Array(n) };
    runsByAutomaton.set(a, r);
  } else if (r.len.length < a.stateCount) {
    const n = Math.max(a.stateCount, r.len.length * 2);
    const len = new Int32Array(n).fill(UNKNOWN);
    len.set(r.len);
    const target = new Int32Array(n).fill(-1);
    target.set(r.target);
    const stepped = new Uint8Array(n);
    stepped.set(r.stepped);
    r.len = len;
    r.target = target;
    r.stepped = stepped;
    for (let i = r.slice.length; i < n; i++) {
      r.slice.push(null);
      r.key.push(null);
    }
  }
  return r;
}

/**
 * One step of a run from q: the ASCII bytes (at least 32) that all lead to
 * the same state t, plus every non-ASCII character when those lead to t too.
 * Returns the key of that set and leaves t in `stepTarget`; null when q has
 * no such set. q and t may call rules (a YAML plain scalar
 * can end after any character, and what follows it is a call): a walk that
 * takes the subtree whole needs only the run; a cache entry that starts from
 * the slice checks the calls first (`TokenWalker`).
 */
function runStep(a: Automaton, q: number): string | null {
  a.expand(q);
  const nc = a.nClasses, row = q * nc, { classLo, classHi, classOf, trans } = a;
  // The target most ASCII bytes lead to (classes are byte ranges, so few distinct targets), in
  // scratch arrays: a chain asks once per state, in the middle of a mask.
  const targets = stepTargets, counts = stepCounts;
  let nT = 0, live = 0;
  let best = -1, bestCount = 0;
  for (let c = 0; c < nc && classLo[c] < 0x80; c++) {
    const t = trans[row + c];
    if (t < 0) continue;
    const w = Math.min(classHi[c], 0x7f) - classLo[c] + 1;
    live += w;
    let i = 0;
    while (i < nT && targets[i] !== t) i++;
    if (i === nT) {
      targets[nT] = t;
      counts[nT++] = 0;
    }
    const n = (counts[i] += w);
    if (n > bestCount) {
      bestCount = n;
      best = t;
    }
  }
  // Fewer than MIN_ASCII ASCII bytes lead anywhere, or to one state.
  if (live < MIN_ASCII || best < 0 || bestCount < MIN_ASCII) return null;
  const ascii = stepAscii;
  ascii.fill(0);
  for (let b = 0; b < 0x80; b++) if (trans[row + classOf[b]] === best) ascii[b >>> 5] |= 1 << (b & 31);
  stepTarget = best;
  return stepKey(ascii, nonAsciiMode(a, q, best));
}

/** The target of the last step `runStep` found. */
let stepTarget = -1;
/** Scratch of `runStep` (at most 128 ASCII classes). */
const stepTargets = new Int32Array(128);
const stepCounts = new Int32Array(128);
const stepAscii = new Uint32Array(4);
/** The last key `stepKey` built, and its set: the states along a chain mostly read one set. */
const lastAscii = new Uint32Array(4);
let lastMode: NonAsciiMode | null = null;
let lastKey = "";

/** `sliceKey(ascii, mode)`, reusing the previous call's string when the set is the same. */
function stepKey(ascii: Uint32Array, mode: NonAsciiMode): string {
  if (mode !== lastMode || ascii[0] !== lastAscii[0] || ascii[1] !== lastAscii[1] || ascii[2] !== lastAscii[2] || ascii[3] !== lastAscii[3]) {
    lastKey = sliceKey(ascii, mode);
    lastMode = mode;
    lastAscii.set(ascii);
  }
  return lastKey;
}

/** Scratch of `runLength`: the chain followed, and a stamp per state on it. */
let chainPath = new Int32Array(256);
let chainMark = new Int32Array(0);
let chainStamp = 0;

/**
 * The run length of q (see `Runs`), computed along the chain of states and
 * memoised. A state whose successor has a different character set (the first
 * character of a string that is not a plain loop) gets none: the walk goes
 * one level down and finds the successor's run there.
 */
export function runLength(a: Automaton, trie: TokenTrie, q: number): number {
  const runs = runsOf(a);
  if (runs.len[q] !== UNKNOWN) return runs.len[q];
  const cap = trie.maxDepth + 2;
  if (chainPath.length < cap + 2) chainPath = new Int32Array(cap + 2);
  const path = chainPath;
  let nPath = 0;
  // Stamps mark the states on this call's path (the table only grows; a new call, a new stamp).
  if (chainStamp === 0x7fffffff) {
    chainStamp = 0;
    chainMark.fill(0);
  }
  const stamp = ++chainStamp;
  let x = q;
  let tail: number;
  let truncated = false;
  for (;;) {
    // runStep expands states (new targets): grow the table to them.
    if (runs.len.length < a.stateCount) runsOf(a);
    if (runs.len[x] !== UNKNOWN) {
      tail = runs.len[x];
      break;
    }
    if (chainMark.length < a.stateCount) chainMark = grownI32(chainMark, a.stateCount);
    if (chainMark[x] === stamp) {
      // A loop: endless only when every state on it reads the same set.
      const k = runs.key[x];
      let i = nPath - 1;
      while (path[i] !== x) i--;
      let same = true;
      for (let j = i; j < nPath; j++) if (runs.key[path[j]] !== k) same = false;
      tail = same ? RUN_FOREVER : 0;
      break;
    }
    // Steps are memoised: the states of a chain longer than the horizon get no length of their
    // own (see below), and each of them asks again for the steps after it.
    if (!runs.stepped[x]) {
      const key = runStep(a, x);
      if (runs.len.length < a.stateCount) runsOf(a);
      runs.key[x] = key;
      // A target that reads like x for the longest token (the same token-cache key: a copy of a
      // long counted repetition, as in a string of `maxLength` 1000, with as many copies left as a
      // token can read, clamped) is taken as x itself, a loop: every state x reaches on its set
      // within a token's reach reads like x, so the chain need not be built ahead (it cost about
      // nine DFA states per character, 130 characters deep: 1,168 states in one mask).
      runs.target[x] = key === null ? -1 : stepTarget !== x && a.cacheKey[stepTarget] === a.cacheKey[x] ? x : stepTarget;
      runs.stepped[x] = 1;
    }
    if (runs.key[x] === null) {
      runs.len[x] = NONE;
      tail = NONE;
      break;
    }
    path[nPath++] = x;
    chainMark[x] = stamp; // grown to x above
    if (nPath > cap) {
      // Past the longest token: the last state counts as reading one character of its set (what
      // its step does), and the keys are compared along the path as for any chain. The set may
      // change before the horizon; a run never crosses that change.
      truncated = true;
      tail = 0;
      break;
    }
    x = runs.target[x];
  }
  // Resolve backwards: R(p) from R(y), y = p's successor.
  let yLen = tail, yKey = truncated ? runs.key[path[nPath - 1]] : runs.key[x];
  for (let i = nPath - 1; i >= 0; i--) {
    const p = path[i], pKey = runs.key[p];
    let len: number;
    if (yKey === pKey && yLen >= 0) len = yLen === RUN_FOREVER ? RUN_FOREVER : yLen + 1;
    else len = yKey === null || yKey === pKey ? 1 : NONE;
    if (len !== NONE) runs.slice[p] = demandSlice(trie, pKey!);
    if (!truncated || i === 0) runs.len[p] = len;
    yLen = len;
    yKey = pKey;
  }
  return runs.len[q];
}

/** The state reached from q (whose run is endless) after k characters of its set. */
export function runStateAfter(runs: Runs, q: number, k: number): number {
  let x = q;
  for (let i = 0; i < k; i++) {
    const t = runs.target[x];
    if (t === x) return x;
    x = t;
  }
  return x;
}

/** The 256-bit byte set of a slice key: its ASCII bytes, plus every byte from 0x80 when it holds the non-ASCII characters. */
export function keyBytes(key: string): Uint32Array {
  const out = new Uint32Array(8);
  for (let i = 0; i < 4; i++) out[i] = parseInt(key.slice(i * 8, i * 8 + 8), 16);
  if (modeOf(key) !== 0) out.fill(0xffffffff, 4);
  return out;
}

/**
 * A state that funnels into an endless run: its own character set leads to
 * one state t whose run is endless over a larger set (the first character
 * of a key that must not be a declared name: every character but a few
 * leads into the plain string loop). The cache entry of q is then t's slice
 * minus the tokens whose first byte is one of the few (`except`, a 256-bit
 * byte set), whose subtrees are walked from q. Null when q is not such a state.
 */
export function funnelOf(a: Automaton, trie: TokenTrie, q: number): { slice: Slice; except: Uint32Array } | null {
  const runs = runsOf(a);
  if (runLength(a, trie, q) !== NONE) return null;
  const t = runs.target[q];
  if (t < 0 || runs.key[q] === null || runLength(a, trie, t) !== RUN_FOREVER) return null;
  const own = keyBytes(runs.key[q]!), wide = keyBytes(runs.key[t]!);
  const except = new Uint32Array(8);
  for (let i = 0; i < 8; i++) {
    if ((own[i] & ~wide[i]) !== 0) return null;
    except[i] = wide[i] & ~own[i];
  }
  // q leaves out non-ASCII characters the run reads (U+2028/9, and in mode +y also C2, EF
  // characters): walk the tokens starting with their lead bytes from q.
  const ownMode = modeOf(runs.key[q]!), wideMode = modeOf(runs.key[t]!);
  if (ownMode > wideMode && wideMode !== 0) {
    if (wideMode === 1) except[0xe2 >>> 5] |= 1 << (0xe2 & 31);
    if (ownMode === 3) for (const b of [0xc2, 0xef]) except[b >>> 5] |= 1 << (b & 31);
  }
  return { slice: runs.slice[t]!, except };
}

/**
 * Whether some accepting state on q's endless run can be followed (after its rule ends, per
 * `Automaton.followBytes`) by a byte of the run's own set. Then escape points can sit at any node of the run,
 * not only above exits, and a cache entry must not take the exits shortcut.
 */
export function runFollowClashes(a: Automaton, runs: Runs, q: number, key: string, follow: Uint32Array): boolean {
  const set = keyBytes(key);
  let x = q;
  for (let guard = 0; guard <= a.stateCount; guard++) {
    if (a.accepting[x]) for (let i = 0; i < 8; i++) if (follow[a.ruleOf[x] * 8 + i] & set[i]) return true;
    const t = runs.target[x];
    if (t < 0 || t === x) return false;
    x = t;
  }
  return false;
}

/** Token lengths are tracked exactly up to this many characters per cumulative bitset; longer tokens are listed. */
const LEN_BITSETS = 24;

const tokenCharsByTrie = new WeakMap<TokenTrie, Uint16Array>();

/** Characters (UTF-8 lead bytes) of every token of the trie's vocabulary. */
function tokenChars(trie: TokenTrie): Uint16Array {
  let out = tokenCharsByTrie.get(trie);
  if (out) return out;
  const { nodeCount, byte, depth, tokenStart, tokenIds } = trie;
  out = new Uint16Array(trie.vocabulary.size);
  const chars = new Int32Array(trie.maxDepth + 1);
  for (let m = 1; m < nodeCount; m++) {
    const d = depth[m];
    chars[d] = chars[d - 1] + ((byte[m] & 0xc0) !== 0x80 ? 1 : 0);
    for (let k = tokenStart[m]; k < tokenStart[m + 1]; k++) out[tokenIds[k]] = Math.min(chars[d], 0xffff);
  }
  tokenCharsByTrie.set(trie, out);
  return out;
}

/** A slice's tokens by length, for states that can read only a bounded number of characters of the set. */
export interface SliceLengths {
  /** `upTo[k]`: bitset of the slice's tokens with at most k characters (k ≤ LEN_BITSETS). */
  upTo: Uint32Array[];
  /** Slice tokens longer than LEN_BITSETS characters, and their lengths. */
  longIds: Uint32Array;
  longChars: Uint16Array;
  /** Tokens ending inside a character (see `Slice.partialBits`) and their character counts, the partial one included. */
  partialIds: Uint32Array;
  partialChars: Uint16Array;
  /** The longest slice token, in characters. */
  maxChars: number;
  /** The most characters of any slice or partial token: bounds from here on allow them all. */
  maxAll: number;
  /** `start[k]` (built on first use, k < maxAll): the tokens `startBits` gives for a bound of k characters. */
  start: ({ bits: Uint32Array; count: number } | undefined)[];
}

const lengthsBySlice = new WeakMap<Slice, SliceLengths>();

/** The length tables of `slice` over `trie`, built on first use. */
export function sliceLengths(trie: TokenTrie, slice: Slice): SliceLengths {
  let out = lengthsBySlice.get(slice);
  if (out) return out;
  const chars = tokenChars(trie);
  const words = slice.bits.length;
  const upTo = Array.from({ length: LEN_BITSETS + 1 }, () => new Uint32Array(words));
  const longIds: number[] = [];
  const longChars: number[] = [];
  const partialIds: number[] = [];
  const partialChars: number[] = [];
  let maxChars = 0;
  for (let w = 0; w < words; w++) {
    for (let x = slice.bits[w]; x !== 0; x &= x - 1) {
      const low = x & -x;
      const id = (w << 5) + (31 - Math.clz32(low));
      const c = chars[id];
      if (c > maxChars) maxChars = c;
      if (c <= LEN_BITSETS) upTo[c][w] |= low;
      else {
        longIds.push(id);
        longChars.push(c);
      }
    }
    for (let x = slice.partialBits[w]; x !== 0; x &= x - 1) {
      const id = (w << 5) + (31 - Math.clz32(x & -x));
      partialIds.push(id);
      partialChars.push(chars[id]);
    }
  }
  for (let k = 1; k <= LEN_BITSETS; k++) for (let w = 0; w < words; w++) upTo[k][w] |= upTo[k - 1][w];
  out = { upTo, longIds: Uint32Array.from(longIds), longChars: Uint16Array.from(longChars), partialIds: Uint32Array.from(partialIds), partialChars: Uint16Array.from(partialChars), maxChars, maxAll: partialChars.reduce((m, c) => Math.max(m, c), maxChars), start: [] };
  lengthsBySlice.set(slice, out);
  return out;
}

const startOfSlice = new WeakMap<Slice, { bits: Uint32Array; count: number }>();

/**
 * The tokens a state with a run over `slice` accepts before any exit is walked: with an endless
 * run (`bound` Infinity) every slice token and every token ending inside a character of the set;
 * with at most `bound` characters, those of them with at most `bound` characters (the partial
 * character counted). Built once per slice and bound (bounds past the longest token are one
 * entry) and shared: the caller copies it. `count` is its number of tokens.
 */
export function startBits(trie: TokenTrie, slice: Slice, bound: number): { bits: Uint32Array; count: number } {
  const lens = bound === Infinity ? null : sliceLengths(trie, slice);
  if (lens === null || bound >= lens.maxAll) {
    // Every token of the slice and every partial one.
    let s = startOfSlice.get(slice);
    if (s === undefined) {
      const bits = slice.bits.slice();
      for (let w = 0; w < bits.length; w++) bits[w] |= slice.partialBits[w];
      // Disjoint: a token ends at one node, inside a character or on a boundary.
      s = { bits, count: slice.count + slice.partialCount };
      startOfSlice.set(slice, s);
    }
    return s;
  }
  let s = lens.start[bound];
  if (s === undefined) {
    const bits = lens.upTo[Math.min(bound, lens.upTo.length - 1)].slice();
    for (let i = 0; i < lens.longIds.length; i++) if (lens.longChars[i] <= bound) bits[lens.longIds[i] >>> 5] |= 1 << (lens.longIds[i] & 31);
    for (let i = 0; i < lens.partialIds.length; i++) if (lens.partialChars[i] <= bound) bits[lens.partialIds[i] >>> 5] |= 1 << (lens.partialIds[i] & 31);
    let count = 0;
    for (let w = 0; w < bits.length; w++) count += popcount32(bits[w]);
    s = { bits, count };
    lens.start[bound] = s;
  }
  return s;
}

/** Whether state x reads no character of the set of `key` (no ASCII byte of it, no non-ASCII lead byte when it holds those). */
export function closedOn(a: Automaton, x: number, key: string): boolean {
  const set = keyBytes(key);
  a.expand(x);
  const nc = a.nClasses, row = x * nc;
  for (let b = 0; b < 0xf5; b++) {
    if (b >= 0x80 && b < 0xc2) continue;
    if (set[b >>> 5] & (1 << (b & 31)) && a.trans[row + a.classOf[b]] >= 0) return false;
  }
  return true;
}

/**
 * Builds the per-trie tables every grammar's walks read (token lengths in characters, the longest
 * continuation below each node) and the JSON-string slice with its length tables, so that no
 * first mask pays for them.
 */
export function precomputeSliceTables(trie: TokenTrie): void {
  maxSuffixChars(trie);
  const json = getSlice(trie, jsonStringSliceKey());
  json.complete();
  sliceLengths(trie, json);
}
