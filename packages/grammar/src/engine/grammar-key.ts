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
 * their encoding lies in `buf` (`spans[2k]`, `spans[2k + 1]`): a node that
 * several parents share (the schema compiler's compaction shares subtrees)
 * is copied, not walked again. Only nodes whose encoding is at least
 * {@link MEMO_MIN_CODES} long are kept (the map's growth cost more than
 * walking small ones again).
 */
const written = new Map<Node, number>();

/** The shortest encoding (in codes) of a seq or alt node that `written` keeps. */
const MEMO_MIN_CODES = 24;
let spans = new Int32Array(256);

function node(n: Node): void {
  room(3);
  switch (n.type) {
    case "literal":
      buf[len++] = 1;
      text(n.value);
      return;
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
          return;
        }
        buf[len++] = v;
      }
      return;
    }
    case "any":
      buf[len++] = 4;
      return;
    case "ref":
      buf[len++] = 5;
      text(n.name);
      return;
    case "seq":
    case "alt": {
      const k = written.get(n);
      if (k !== undefined) {
        const from = spans[2 * k], to = spans[2 * k + 1];
        room(to - from);
        buf.copyWithin(len, from, to);
        len += to - from;
        return;
      }
      const from = len;
      const items = n.items;
      buf[len++] = n.type === "seq" ? 6 : 7;
      buf[len++] = items.length;
      for (let i = 0; i < items.length; i++) node(items[i]);
      // A short encoding is cheaper to write again than to remember.
      if (len - from < MEMO_MIN_CODES) return;
      const id = written.size;
      if (2 * id + 2 > spans.length) {
        const b = new Int32Array(spans.length * 2);
        b.set(spans);
        spans = b;
      }
      spans[2 * id] = from;
      spans[2 * id + 1] = len;
      written.set(n, id);
      return;
    }
    case "repeat":
      buf[len++] = 8;
      num(n.min);
      num(n.max);
      node(n.item);
      return;
    case "regex":
      buf[len++] = 9;
      text(n.pattern);
      text(n.flags);
      return;
    case "lexeme":
      buf[len++] = 10;
      node(n.item);
      return;
    case "automaton":
      // `dfaKey`'s name for the tables: equal tables, equal name.
      buf[len++] = 13;
      text(dfaKey(n.dfa));
      return;
  }
}

/** The same key for the same rules and root, whatever the spans and source text. */
export function grammarKey(g: Grammar): GrammarKey {
  len = 0;
  written.clear();
  text(g.root);
  for (const [name, n] of g.rules) {
    text(name);
    node(n);
  }
  written.clear();
  let h = 0x811c9dc5 ^ len;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  const codes = buf.slice(0, len);
  // A huge grammar must not keep a huge buffer alive between compiles.
  if (buf.length > 1 << 22) buf = new Int32Array(1 << 14);
  if (spans.length > 1 << 16) spans = new Int32Array(256);
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
