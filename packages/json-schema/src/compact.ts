/**
 * Shrinks a compiled grammar without changing its language, so that the
 * grammar engine (which copies every non-recursive rule at each use unless
 * it is big and used twice) builds smaller automata:
 *
 * 1. Rules with identical bodies (after their references are renamed the same
 *    way) become one rule: the same subschema compiled again at another use,
 *    or counting states of an object that no longer differ.
 * 2. Big subtrees that occur more than once (an object's "other property"
 *    entry in every counting state, a property value in the states with and
 *    without members before it) become rules, or a reference to the rule whose
 *    body they equal, so that the engine can call them instead of copying.
 *
 * Both steps only rename or name parts of the grammar: every rule derives the
 * same strings as before. Rules unreachable from the root are dropped.
 */
import { type Grammar, type Node } from "@formwork/grammar";
import { componentsOf, dfaKey, leafSizeEstimate } from "@formwork/grammar/internal";

/** Self-recursive rules up to this size (engine estimate) are compared up to the self-reference. */
const SELF_MERGE_MAX_SIZE = 20000;

/** Subtrees smaller than this (in the engine's NFA size estimate) are left inline. */
export const EXTRACT_MIN_SIZE = 400;

/**
 * Subtrees that take at most this many index entries are indexed anew at each occurrence rather
 * than looked up by node (a quarter of the inner nodes of a typical schema's grammar, nearly all
 * used once; re-indexing the few shared ones adds under 1% to the entries).
 */
const REINDEX_MAX = 8;

/** Buffers of `compactGrammar` by dense node index, kept from call to call (it never runs nested). */
const freshScratch = () => ({
  free: new Int32Array(1024),
  ref: new Int32Array(1024),
  seen: new Int32Array(1024),
  kidStart: new Int32Array(1024),
  kids: new Int32Array(2048),
  stack: new Int32Array(256),
  memo: new Int32Array(1024),
  ikStart: new Int32Array(1024),
  ik: new Int32Array(2048),
  // By interned id: the rule a reference names (canonical, and as written), the size estimate, the hash (classes and inner nodes).
  refTarget: new Int32Array(1024),
  refNamed: new Int32Array(1024),
  sizes: new Float64Array(1024),
  hashOf: new Int32Array(1024),
  occ: new Float64Array(1024),
  // Open-addressing table of interned classes and inner nodes by hash (id + 1; 0: empty).
  slots: new Int32Array(2048),
});
const scratch = freshScratch();

/** A copy of `a` with room for at least `n` entries (twice the size, or more). */
function grown(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}

/** Returns a grammar with the same language, merged and shared as described above. */
export function compactGrammar(g: Grammar, minSize = EXTRACT_MIN_SIZE): Grammar {
  // Rules by number (in the grammar's order), so that the passes below keep arrays per rule
  // rather than maps by name.
  const ruleNames = [...g.rules.keys()];
  const ruleBodies = [...g.rules.values()];
  const ruleCount = ruleNames.length;
  const ruleIdx = new Map<string, number>();
  for (let r = 0; r < ruleCount; r++) ruleIdx.set(ruleNames[r], r);
  const root = ruleIdx.get(g.root) ?? -1;

  // Every node reachable from a walked rule gets a dense index (children first), once per node
  // object: the one lookup by node. The later walks (successors, interning) read the index's
  // arrays instead of keeping maps of their own by node. The per-index numbers live in typed
  // buffers kept between calls (see `scratch`), the children of index i at
  // kidBuf[kidStart[i] .. kidStart[i + 1]): a compile allocates no array per node.
  const index = new Map<Node, number>();
  const nodeAt: Node[] = [];
  let { free: freeAt, ref: refRuleAt, seen: seenIn, kidStart, kids: kidBuf, stack } = scratch;
  /** freeAt[i] = 1: no reference lies at or below the node. refRuleAt[i]: for a reference, the number of the rule it names (-1: no such rule). seenIn[i]: the walk for successors that last passed the node (see walkRefs). */
  let kidTop = 0;
  let sp = 0;
  kidStart[0] = 0;
  const stackPush = (c: number): void => {
    if (sp === stack.length) stack = scratch.stack = grown(stack, sp + 1);
    stack[sp++] = c;
  };
  // Index a node whose children are stack[base .. sp).
  const push = (n: Node, free: number, target: number, base: number): number => {
    const i = nodeAt.length;
    nodeAt.push(n);
    if (i + 1 >= freeAt.length) {
      freeAt = scratch.free = grown(freeAt, i + 2);
      refRuleAt = scratch.ref = grown(refRuleAt, i + 2);
      seenIn = scratch.seen = grown(seenIn, i + 2);
      kidStart = scratch.kidStart = grown(kidStart, i + 2);
    }
    freeAt[i] = free;
    refRuleAt[i] = target;
    seenIn[i] = 0;
    const k = sp - base;
    if (kidTop + k > kidBuf.length) kidBuf = scratch.kids = grown(kidBuf, kidTop + k);
    for (let j = base; j < sp; j++) kidBuf[kidTop++] = stack[j];
    kidStart[i + 1] = kidTop;
    sp = base;
    return i;
  };
  const indexOf = (n: Node): number => {
    // Leaves other than references intern by their content: each occurrence gets an index of its
    // own, without a lookup by node.
    const t = n.type;
    if (t === "literal" || t === "class" || t === "any" || t === "regex" || t === "automaton") return push(n, 1, -1, sp);
    const known = index.get(n);
    if (known !== undefined) return known;
    const first = nodeAt.length;
    const base = sp;
    let free = 1;
    let target = -1;
    switch (n.type) {
      case "ref":
        free = 0;
        target = ruleIdx.get(n.name) ?? -1;
        break;
      case "seq":
      case "alt": {
        const items = n.items;
        for (let i = 0; i < items.length; i++) {
          const c = indexOf(items[i]);
          stackPush(c);
          if (freeAt[c] === 0) free = 0;
        }
        break;
      }
      case "repeat":
      case "lexeme": {
        const c = indexOf(n.item);
        stackPush(c);
        free = freeAt[c];
        break;
      }
    }
    const i = push(n, free, target, base);
    // A small subtree is indexed again at each occurrence (it interns to the same id): most are
    // used once, and a node never put in a map never gets an identity hash either.
    if (i + 1 - first > REINDEX_MAX) index.set(n, i);
    return i;
  };
  // The rules referenced under a rule's body in first-occurrence order (references to no rule
  // left out), each shared subtree walked once per rule.
  let walks = 0;
  const lastWalk = new Array<number>(ruleCount).fill(0);
  const walkRefs = (i: number, out: number[]): void => {
    if (freeAt[i] === 1 || seenIn[i] === walks) return;
    seenIn[i] = walks;
    const t = refRuleAt[i];
    if (t >= 0) {
      if (lastWalk[t] !== walks) {
        lastWalk[t] = walks;
        out.push(t);
      }
    } else for (let p = kidStart[i], e = kidStart[i + 1]; p < e; p++) walkRefs(kidBuf[p], out);
  };
  const succ: (number[] | undefined)[] = new Array(ruleCount).fill(undefined);
  const bodyIndex = new Array<number>(ruleCount).fill(-1);
  const succOf = (r: number): number[] => {
    let out = succ[r];
    if (out === undefined) {
      const b = indexOf(ruleBodies[r]);
      bodyIndex[r] = b;
      out = [];
      walks++;
      walkRefs(b, out);
      succ[r] = out;
    }
    return out;
  };
  const order = root < 0 ? [] : componentsOf(ruleCount, root, succOf);
  // Interning: one id per distinct structure (refs by canonical rule). Leaves other than classes
  // are keyed by their own strings (V8 keeps a string's hash); classes and inner nodes by a hash
  // (of the ranges; of the kind and children's ids) in an open-addressing table kept between
  // calls, the candidates compared field by field: no key strings and no map entry per node.
  /** Each rule's canonical rule (itself until merged into another). */
  const canon = new Array<number>(ruleCount);
  for (let r = 0; r < ruleCount; r++) canon[r] = r;
  /** The interned body of each kept rule (-1: none). */
  const bodyOf = new Array<number>(ruleCount).fill(-1);
  const cyclicRule = new Array<number>(ruleCount).fill(0);
  const leafIds = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>(), new Map<string, number>(), new Map<string, number>()];
  /** The interned reference to each canonical rule (-1: none yet); references to no rule by name. */
  const refIds = new Array<number>(ruleCount).fill(-1);
  const danglingIds = new Map<string, number>();
  const nodeOf: Node[] = [];
  // Every id is made by interning one indexed node, so there are at most nodeAt.length ids: the
  // buffers by id are sized once here. refTarget[id]: the canonical rule a `ref` node names, else
  // -1; refNamed[id]: the rule it names as written, else -1; sizes[id]: the engine's size
  // estimate; hashOf[id]: the hash a class or inner node is filed under in `slots`.
  // The children of interned node id (ids) are ikBuf[ikStart[id] .. ikStart[id + 1]].
  const maxIds = nodeAt.length + 2;
  if (scratch.refTarget.length < maxIds) {
    const m = Math.max(maxIds, 2 * scratch.refTarget.length);
    scratch.refTarget = new Int32Array(m);
    scratch.refNamed = new Int32Array(m);
    scratch.sizes = new Float64Array(m);
    scratch.hashOf = new Int32Array(m);
  }
  if (scratch.ikStart.length < maxIds) scratch.ikStart = new Int32Array(Math.max(maxIds, 2 * scratch.ikStart.length));
  const { refTarget, refNamed, sizes, hashOf, ikStart } = scratch;
  let ikBuf = scratch.ik;
  let ikTop = 0;
  ikStart[0] = 0;
  // At most half full: a power of two at least twice the number of ids.
  let slotCount = 1024;
  while (slotCount < 2 * maxIds) slotCount *= 2;
  if (scratch.slots.length < slotCount) scratch.slots = new Int32Array(slotCount);
  const slots = scratch.slots;
  const slotMask = slotCount - 1;
  slots.fill(0, 0, slotCount);
  /** The interned id of each indexed node (-1: not interned yet). */
  if (scratch.memo.length < nodeAt.length) scratch.memo = new Int32Array(Math.max(nodeAt.length, 2 * scratch.memo.length));
  const memo = scratch.memo;
  memo.fill(-1, 0, nodeAt.length);
  /** A new id for `n`; its children are those of the indexed node `at` (interned), none when -1. */
  const add = (n: Node, at: number, size: number, target = -1, named = -1): number => {
    const id = nodeOf.length;
    nodeOf.push(n);
    refTarget[id] = target;
    refNamed[id] = named;
    sizes[id] = size;
    if (at >= 0) {
      const k0 = kidStart[at];
      const k1 = kidStart[at + 1];
      if (ikTop + (k1 - k0) > ikBuf.length) ikBuf = scratch.ik = grown(ikBuf, ikTop + (k1 - k0));
      for (let p = k0; p < k1; p++) ikBuf[ikTop++] = memo[kidBuf[p]];
    }
    ikStart[id + 1] = ikTop;
    return id;
  };
  /** Files a new id under hash `h` (a free slot was found at `slot`). */
  const file = (id: number, h: number, slot: number): number => {
    hashOf[id] = h;
    slots[slot] = id + 1;
    return id;
  };
  const leaf = (table: Map<string, number>, key: string, n: Node): number => {
    let id = table.get(key);
    if (id === undefined) table.set(key, (id = add(n, -1, leafSizeEstimate(n))));
    return id;
  };
  const sameClass = (id: number, n: Extract<Node, { type: "class" }>): boolean => {
    const m = nodeOf[id];
    if (m.type !== "class" || !m.negated !== !n.negated) return false;
    const a = m.ranges, b = n.ranges;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  const classLeaf = (n: Extract<Node, { type: "class" }>): number => {
    const r = n.ranges;
    let h = n.negated ? 0x5bd1e995 : 7;
    for (let i = 0; i < r.length; i++) h = Math.imul(h ^ r[i], 0x9e3779b1) ^ (h >>> 15);
    h &= 0x3fffffff;
    let slot = h & slotMask;
    for (let e = slots[slot]; e !== 0; slot = (slot + 1) & slotMask, e = slots[slot]) if (hashOf[e - 1] === h && sameClass(e - 1, n)) return e - 1;
    return file(add(n, -1, leafSizeEstimate(n)), h, slot);
  };
  // Same kind, same children (those of the indexed node `at`, interned) and same own fields (min/max, lexeme name).
  const sameInner = (id: number, n: Node, at: number): boolean => {
    const m = nodeOf[id];
    if (m.type !== n.type) return false;
    const k0 = kidStart[at];
    const len = kidStart[at + 1] - k0;
    const i0 = ikStart[id];
    if (ikStart[id + 1] - i0 !== len) return false;
    for (let i = 0; i < len; i++) if (ikBuf[i0 + i] !== memo[kidBuf[k0 + i]]) return false;
    if (n.type === "repeat") return (m as typeof n).min === n.min && (m as typeof n).max === n.max;
    if (n.type === "lexeme") return ((m as typeof n).name ?? null) === (n.name ?? null);
    return true;
  };
  /** The id of `n`, the indexed node `at` (its children interned already). */
  const internInner = (n: Node, at: number, size: number): number => {
    let h = n.type === "seq" ? 1 : n.type === "alt" ? 2 : n.type === "repeat" ? 3 + Math.imul(n.min, 31) + Math.imul(n.max === Infinity ? -1 : n.max, 977) : 4;
    for (let p = kidStart[at], e = kidStart[at + 1]; p < e; p++) h = Math.imul(h ^ memo[kidBuf[p]], 0x9e3779b1) ^ (h >>> 15);
    h &= 0x3fffffff;
    let slot = h & slotMask;
    for (let e = slots[slot]; e !== 0; slot = (slot + 1) & slotMask, e = slots[slot]) if (hashOf[e - 1] === h && sameInner(e - 1, n, at)) return e - 1;
    return file(add(n, at, size), h, slot);
  };
  const intern = (at: number): number => {
    const hit = memo[at];
    if (hit !== -1) return hit;
    const n = nodeAt[at];
    let id: number;
    switch (n.type) {
      case "literal":
        id = leaf(leafIds[0], n.value, n);
        break;
      case "class":
        id = classLeaf(n);
        break;
      case "any":
        id = leaf(leafIds[2], "", n);
        break;
      case "regex":
        id = leaf(leafIds[3], `${n.flags}/${n.pattern}`, n);
        break;
      case "automaton":
        id = leaf(leafIds[4], dfaKey(n.dfa), n);
        break;
      case "ref": {
        const named = refRuleAt[at];
        if (named < 0) {
          const found = danglingIds.get(n.name);
          if (found !== undefined) id = found;
          else danglingIds.set(n.name, (id = add(n, -1, 2)));
          break;
        }
        const target = canon[named];
        const found = refIds[target];
        if (found !== -1) id = found;
        else {
          const body = bodyOf[target];
          // The engine copies a rule off every cycle at each use (unless it calls it).
          id = add(n, -1, body !== -1 && cyclicRule[target] === 0 ? sizes[body] : 2, target, named);
          refIds[target] = id;
        }
        break;
      }
      case "seq":
      case "alt": {
        let size = n.type === "seq" ? 1 : 2;
        for (let p = kidStart[at], e = kidStart[at + 1]; p < e; p++) size += sizes[intern(kidBuf[p])];
        id = internInner(n, at, size);
        break;
      }
      case "repeat": {
        const c = intern(kidBuf[kidStart[at]]);
        const copies = n.max === Infinity ? n.min + 1 : n.max;
        id = internInner(n, at, Math.min(1e12, sizes[c] * Math.max(1, copies) + 2));
        break;
      }
      case "lexeme": {
        const c = intern(kidBuf[kidStart[at]]);
        id = internInner(n, at, sizes[c]);
        break;
      }
    }
    memo[at] = id;
    return id;
  };

  // The structure of interned node `id` with references to the rule `self` written as "@".
  const selfKey = (id: number, self: number): string => {
    const has = new Map<number, boolean>();
    const mentions = (i: number): boolean => {
      let h = has.get(i);
      if (h === undefined) {
        h = refTarget[i] === self;
        for (let p = ikStart[i]; !h && p < ikStart[i + 1]; p++) h = mentions(ikBuf[p]);
        has.set(i, h);
      }
      return h;
    };
    const head = (i: number): string => {
      const n = nodeOf[i];
      return n.type === "seq" ? "s" : n.type === "alt" ? "|" : n.type === "repeat" ? `*${n.min},${n.max}` : n.type === "lexeme" ? `x${JSON.stringify(n.name ?? null)}` : "";
    };
    const walk = (i: number): string => {
      if (refTarget[i] === self) return "@";
      if (!mentions(i)) return `#${i}`;
      // The children joined by commas (no subarray or array per node).
      let text = `${head(i)}(`;
      for (let p = ikStart[i], e = ikStart[i + 1]; p < e; p++) text += p === ikStart[i] ? walk(ikBuf[p]) : `,${walk(ikBuf[p])}`;
      return `${text})`;
    };
    return walk(id);
  };
  const selfTwins = new Map<string, number>();

  // Step 1: callees before callers; a rule off every cycle whose body equals an earlier one merges into it.
  const bodyRule = new Map<number, number>();
  const kept: number[] = [];
  for (const comp of order) {
    const cyclic = comp.length > 1 || succOf(comp[0]).includes(comp[0]);
    for (const r of comp) {
      canon[r] = r;
      if (cyclic) cyclicRule[r] = 1;
    }
    for (const r of comp) {
      const id = intern(bodyIndex[r]);
      const same = bodyRule.get(id);
      if (!cyclic && same !== undefined && r !== root) {
        canon[r] = same;
        continue;
      }
      // A rule that refers only to itself and to earlier rules: equal bodies up to the self-reference
      // are the same equation X = F(X), so the same language.
      if (cyclic && comp.length === 1 && r !== root && sizes[id] < SELF_MERGE_MAX_SIZE) {
        const key = selfKey(id, r);
        const twin = selfTwins.get(key);
        if (twin !== undefined) {
          canon[r] = twin;
          continue;
        }
        selfTwins.set(key, r);
      }
      if (!bodyRule.has(id) || r === root) bodyRule.set(id, r);
      kept.push(r);
      bodyOf[r] = id;
    }
  }

  // Step 2: occurrences per structure, parents first (a parent's id is larger than its children's).
  if (scratch.occ.length < nodeOf.length) scratch.occ = new Float64Array(Math.max(nodeOf.length, 2 * scratch.occ.length));
  const occ = scratch.occ;
  occ.fill(0, 0, nodeOf.length);
  for (const r of kept) occ[bodyOf[r]] += 1;
  /** The reference that stands for each shared subtree (one node, used at every occurrence). */
  const share = new Array<Node | undefined>(nodeOf.length);
  const newRules: [string, number][] = [];
  let fresh = 0;
  const eligible = (id: number) => {
    const t = nodeOf[id].type;
    return (t === "seq" || t === "alt" || t === "repeat" || t === "lexeme") && sizes[id] >= minSize;
  };
  for (let id = nodeOf.length - 1; id >= 0; id--) {
    if (occ[id] === 0) continue;
    let times = occ[id];
    if (times >= 2 && eligible(id)) {
      const r = bodyRule.get(id);
      let name: string;
      if (r !== undefined && bodyOf[r] !== -1) name = ruleNames[r];
      else {
        // The names made here count up, so only the grammar's own names can be taken.
        while (ruleIdx.has(`shared${fresh}`)) fresh++;
        name = `shared${fresh++}`;
        newRules.push([name, id]);
      }
      share[id] = { type: "ref", name };
      times = 1;
    }
    for (let p = ikStart[id], e = ikStart[id + 1]; p < e; p++) occ[ikBuf[p]] += times;
  }

  // Rebuild: `inner` keeps the top node (a rule body), `use` replaces shared subtrees by references.
  const built = new Array<Node | undefined>(nodeOf.length);
  // A node whose parts come out the same objects is kept as it is (no copy, and shared subtrees stay shared).
  const inner = (id: number): Node => {
    const hit = built[id];
    if (hit !== undefined) return hit;
    const n = nodeOf[id];
    let out: Node;
    switch (n.type) {
      case "ref": {
        const named = refNamed[id];
        const name = named < 0 ? n.name : ruleNames[canon[named]];
        out = name === n.name && n.span === undefined ? n : { type: "ref", name };
        break;
      }
      case "seq":
      case "alt": {
        // The items array is made only once an item differs (or the node has a span to drop).
        const k0 = ikStart[id];
        const len = ikStart[id + 1] - k0;
        let items: Node[] | null = null;
        const old = n.items;
        const spanless = n.span === undefined;
        for (let i = 0; i < len; i++) {
          const x = use(ikBuf[k0 + i]);
          if (items === null) {
            if (x === old[i] && spanless) continue;
            items = new Array<Node>(len);
            for (let j = 0; j < i; j++) items[j] = old[j];
          }
          items[i] = x;
        }
        if (items === null && !spanless) items = [];
        out = items === null ? n : { type: n.type, items };
        break;
      }
      case "repeat": {
        const item = use(ikBuf[ikStart[id]]);
        out = item === n.item && n.span === undefined ? n : { type: "repeat", item, min: n.min, max: n.max };
        break;
      }
      case "lexeme": {
        const item = use(ikBuf[ikStart[id]]);
        out = item === n.item && n.span === undefined ? n : n.name === undefined ? { type: "lexeme", item } : { type: "lexeme", item, name: n.name };
        break;
      }
      default:
        out = n;
    }
    built[id] = out;
    return out;
  };
  const use = (id: number): Node => {
    const r = share[id];
    return r === undefined ? inner(id) : r;
  };
  const rules = new Map<string, Node>();
  const isKept = new Array<number>(ruleCount).fill(0);
  for (const r of kept) isKept[r] = 1;
  for (let r = 0; r < ruleCount; r++) if (isKept[r] === 1) rules.set(ruleNames[r], inner(bodyOf[r]));
  for (const [name, id] of newRules) rules.set(name, inner(id));
  // A huge grammar does not keep its buffers' memory for good.
  if (scratch.kids.length > 1 << 20 || scratch.free.length > 1 << 19 || scratch.ik.length > 1 << 20 || scratch.ikStart.length > 1 << 19 || scratch.refTarget.length > 1 << 19 || scratch.occ.length > 1 << 19 || scratch.slots.length > 1 << 20) Object.assign(scratch, freshScratch());
  return { rules, root: g.root };
}

/**
 * Whether the engine's estimate of `n`'s NFA size when inlined reaches
 * `limit` (each reference counted as 2, its callee not included). Stops
 * walking once it does.
 */
export function sizeAtLeast(n: Node, limit: number): boolean {
  return boundedSize(n, limit) >= limit;
}

function boundedSize(n: Node, limit: number): number {
  switch (n.type) {
    case "literal":
    case "class":
    case "any":
    case "regex":
    case "automaton":
      return leafSizeEstimate(n);
    case "ref":
      return 2;
    case "seq":
    case "alt": {
      let size = n.type === "seq" ? 1 : 2;
      for (const x of n.items) {
        size += boundedSize(x, limit - size);
        if (size >= limit) break;
      }
      return size;
    }
    case "repeat": {
      const copies = Math.max(1, n.max === Infinity ? n.min + 1 : n.max);
      return boundedSize(n.item, Math.ceil(limit / copies)) * copies + 2;
    }
    case "lexeme":
      return boundedSize(n.item, limit);
  }
}
