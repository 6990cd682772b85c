/**
 * A canonical encoding of a grammar, used as the compiler's cache key: the
 * rules, root and nodes written as 32-bit integers into one reused buffer
 * (no strings built per node: the string key this replaces cost ~1 ms and
 * most of a collection per MaskBench-dev schema, its ropes being garbage
 * once flattened). Every node's encoding is self-delimiting (a kind, then
 * lengths or counts before what they count), so two grammars get equal keys
 * only when they have the same rules, root and nodes (an automaton node is
 * written as `dfaKey`'s name for its tables). Spans, source text
 * and lexeme names (which the engine does not read) are left out.
 *
 * A key is a snapshot (`codes` is a copy), so a grammar changed after it
 * was compiled cannot be mistaken for the one that was: the cache compares
 * the codes themselves, the hash only picks candidates.
 */
import type { Grammar, Node } from "../ir.js";
import { dfaKey } from "../regex-ir.js";

/** A grammar's encoding (`codes`) and a hash of it. */
export interface GrammarKey {
  readonly hash: number;
  readonly codes: Int32Array<ArrayBuffer>;
}

let buf = new Int32Array(1 << 14);
let len = 0;

function room(n: number): void {
  if (len + n <= buf.length) return;
  const b = new Int32Array(Math.max(len + n, buf.length * 2));
  b.set(buf.subarray(0, len));
  buf = b;
}

function text(s: string): void {
  room(s.length + 1);
  buf[len++] = s.length;
  for (let i = 0; i < s.length; i++) buf[len++] = s.charCodeAt(i);
}

const f64 = new Float64Array(1);
const f64Words = new Int32Array(f64.buffer);

/** Any number exactly: a 32-bit integer as 0, value; anything else (Infinity, 1e12, 0.5) as 1 and its 64 bits. */
function num(v: number): void {
  room(3);
  if ((v | 0) === v && !Object.is(v, -0)) {
    buf[len++] = 0;
    buf[len++] = v;
  } else {
    f64[0] = v;
    buf[len++] = 1;
    buf[len++] = f64Words[0];
    buf[len++] = f64Words[1];
  }
}

/**
 * The seq and alt nodes written so far in this key, by object, with where
 * their encoding lies in `buf` (`spans[3k]`, `spans[3k + 1]`) and their
 * height (`spans[3k + 2]`, levels of nesting, a leaf 1): a node that
 * several parents share (the schema compiler's compaction shares subtrees)
 * is copied, not walked again. Only nodes whose encoding is at least
 * {@link MEMO_MIN_CODES} long are kept (the map's growth cost more than
 * walking small ones again).
 */
const written = new Map<Node, number>();

/** The shortest encoding (in codes) of a seq or alt node that `written` keeps. */
const MEMO_MIN_CODES = 24;
let spans = new Int32Array(384);

/** The deepest level a node may be at (the root of a rule at 1), and whether one was found deeper. */
let maxDepth = Infinity;
let tooDeep = false;

/**
 * Writes `n`, at depth `d`; returns its height (levels of nesting under and including it, a leaf 1).
 * A node deeper than `maxDepth` sets `tooDeep` and is not walked into (so the recursion is bounded).
 */
function node(n: Node, d: number): number {
  if (d > maxDepth) {
    tooDeep = true;
    return 1;
  }
  room(3);
  switch (n.type) {
    case "literal":
      buf[len++] = 1;
      text(n.value);
      return 1;
    case "class": {
      const r = n.ranges;
      const at = len;
      buf[len++] = n.negated ? 3 : 2;
      buf[len++] = r.length;
      room(r.length);
      for (let i = 0; i < r.length; i++) {
        const v = r[i];
        if ((v | 0) !== v) {
          // Not code points: written exactly, under kinds of their own.
          len = at;
          buf[len++] = n.negated ? 12 : 11;
          buf[len++] = r.length;
          for (let j = 0; j < r.length; j++) num(r[j]);
          return 1;
        }
        buf[len++] = v;
      }
      return 1;
    }
    case "any":
      buf[len++] = 4;
      return 1;
    case "ref":
      buf[len++] = 5;
      text(n.name);
      return 1;
    case "seq":
    case "alt": {
      const k = written.get(n);
      if (k !== undefined) {
        const from = spans[3 * k], to = spans[3 * k + 1], h = spans[3 * k + 2];
        room(to - from);
        buf.copyWithin(len, from, to);
        len += to - from;
        if (d + h - 1 > maxDepth) tooDeep = true;
        return h;
      }
      const from = len;
      const items = n.items;
      buf[len++] = n.type === "seq" ? 6 : 7;
      buf[len++] = items.length;
      let hi = 0;
      for (let i = 0; i < items.length; i++) {
        const h = node(items[i], d + 1);
        if (h > hi) hi = h;
      }
      // A short encoding is cheaper to write again than to remember.
      if (len - from < MEMO_MIN_CODES) return hi + 1;
      const id = written.size;
      if (3 * id + 3 > spans.length) {
        const b = new Int32Array(spans.length * 2);
        b.set(spans);
        spans = b;
      }
      spans[3 * id] = from;
      spans[3 * id + 1] = len;
      spans[3 * id + 2] = hi + 1;
      written.set(n, id);
      return hi + 1;
    }
    case "repeat":
      buf[len++] = 8;
      num(n.min);
      num(n.max);
      return node(n.item, d + 1) + 1;
    case "regex":
      buf[len++] = 9;
      text(n.pattern);
      text(n.flags);
      return 1;
    case "lexeme":
      buf[len++] = 10;
      return node(n.item, d + 1) + 1;
    case "automaton":
      // `dfaKey`'s name for the tables: equal tables, equal name.
      buf[len++] = 13;
      text(dfaKey(n.dfa));
      return 1;
  }
}

/** Codes the hash reads at most: an even sample of a long key (equal hashes are compared code by code). */
const HASH_SAMPLE = 1024;

/**
 * The same key for the same rules and root, whatever the spans and source text; null when a node
 * lies deeper than `depthLimit` (the rule's body at 1), so that the key's walk, which recurses once
 * per level, doubles as the depth check of `checkGrammarLimits` (whose walk then finds the node to
 * report). A shared node written again is checked at its new depth too, by its height.
 */
export function grammarKey(g: Grammar, depthLimit = Infinity): GrammarKey | null {
  len = 0;
  written.clear();
  maxDepth = depthLimit;
  tooDeep = false;
  text(g.root);
  for (const [name, n] of g.rules) {
    text(name);
    node(n, 1);
  }
  written.clear();
  if (tooDeep) return null;
  // The hash reads every code of a short key and an even sample of a long one (with its length).
  let h = 0x811c9dc5 ^ len;
  const step = len <= HASH_SAMPLE ? 1 : Math.ceil(len / HASH_SAMPLE);
  for (let i = 0; i < len; i += step) h = Math.imul(h ^ buf[i], 0x01000193);
  const codes = buf.slice(0, len);
  // A huge grammar must not keep a huge buffer alive between compiles.
  if (buf.length > 1 << 22) buf = new Int32Array(1 << 14);
  if (spans.length > 3 << 16) spans = new Int32Array(384);
  return { hash: h | 0, codes };
}

/** Whether two keys encode the same grammar. */
export function sameGrammarKey(a: GrammarKey, b: GrammarKey): boolean {
  if (a.hash !== b.hash) return false;
  const x = a.codes, y = b.codes;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
