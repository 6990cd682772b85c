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
import { dfaKey, leafSizeEstimate, stronglyConnectedComponents } from "@formwork/grammar/internal";

/** Self-recursive rules up to this size (engine estimate) are compared up to the self-reference. */
const SELF_MERGE_MAX_SIZE = 20000;

/** Subtrees smaller than this (in the engine's NFA size estimate) are left inline. */
export const EXTRACT_MIN_SIZE = 400;

/** Returns a grammar with the same language, merged and shared as described above. */
export function compactGrammar(g: Grammar, minSize = EXTRACT_MIN_SIZE): Grammar {
  const succ = new Map<string, string[]>();
  // Inner nodes with no reference below them, shared by the walks of every rule (the writer shares
  // big subtrees, such as string languages, between rules).
  const marks = new Map<Node, number>();
  let walks = 0;
  const succOf = (v: string) => {
    let out = succ.get(v);
    if (!out) succ.set(v, (out = [...new Set(refsOf(g.rules.get(v)!, [], marks, ++walks))].filter((t) => g.rules.has(t))));
    return out;
  };
  const order = stronglyConnectedComponents([g.root], succOf);
  // Interning: one id per distinct structure (refs by canonical rule name). Leaves are keyed by
  // their own strings (V8 keeps a string's hash), inner nodes by a hash of their kind and
  // children's ids with the candidates compared field by field: no key strings built per node.
  const canon = new Map<string, string>();
  const bodyOf = new Map<string, number>();
  const cyclicRules = new Set<string>();
  const leafIds = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>(), new Map<string, number>(), new Map<string, number>()];
  const refIds = new Map<string, number>();
  const innerIds = new Map<number, number | number[]>();
  const nodeOf: Node[] = [];
  /** The canonical rule a `ref` node names (by id), else undefined. */
  const refTarget: (string | undefined)[] = [];
  const kids: number[][] = [];
  const sizes: number[] = [];
  const memo = new Map<Node, number>();
  const NO_KIDS: number[] = [];
  const add = (n: Node, ch: number[], size: number, target?: string): number => {
    const id = nodeOf.length;
    nodeOf.push(n);
    refTarget.push(target);
    kids.push(ch);
    sizes.push(size);
    return id;
  };
  const leaf = (table: Map<string, number>, key: string, n: Node): number => {
    let id = table.get(key);
    if (id === undefined) table.set(key, (id = add(n, NO_KIDS, leafSizeEstimate(n))));
    return id;
  };
  // Classes by a hash of their ranges, the candidates compared range by range (no key string per class).
  const classIds = new Map<number, number | number[]>();
  const sameClass = (id: number, n: Extract<Node, { type: "class" }>): boolean => {
    const m = nodeOf[id] as Extract<Node, { type: "class" }>;
    if (!m.negated !== !n.negated) return false;
    const a = m.ranges, b = n.ranges;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  const classLeaf = (n: Extract<Node, { type: "class" }>): number => {
    const r = n.ranges;
    let h = n.negated ? 0x5bd1e995 : 7;
    for (let i = 0; i < r.length; i++) h = Math.imul(h ^ r[i], 0x9e3779b1) ^ (h >>> 15);
    const hit = classIds.get(h);
    if (hit !== undefined) {
      if (typeof hit === "number") {
        if (sameClass(hit, n)) return hit;
      } else {
        for (const id of hit) if (sameClass(id, n)) return id;
      }
    }
    const id = add(n, NO_KIDS, leafSizeEstimate(n));
    if (hit === undefined) classIds.set(h, id);
    else if (typeof hit === "number") classIds.set(h, [hit, id]);
    else hit.push(id);
    return id;
  };
  // Same kind, same children and same own fields (min/max, lexeme name).
  const sameInner = (id: number, n: Node, ch: number[]): boolean => {
    const m = nodeOf[id];
    if (m.type !== n.type) return false;
    const k = kids[id];
    if (k.length !== ch.length) return false;
    for (let i = 0; i < ch.length; i++) if (k[i] !== ch[i]) return false;
    if (n.type === "repeat") return (m as typeof n).min === n.min && (m as typeof n).max === n.max;
    if (n.type === "lexeme") return ((m as typeof n).name ?? null) === (n.name ?? null);
    return true;
  };
  const internInner = (n: Node, ch: number[], size: number): number => {
    let h = n.type === "seq" ? 1 : n.type === "alt" ? 2 : n.type === "repeat" ? 3 + Math.imul(n.min, 31) + Math.imul(n.max === Infinity ? -1 : n.max, 977) : 4;
    for (let i = 0; i < ch.length; i++) h = Math.imul(h ^ ch[i], 0x9e3779b1) ^ (h >>> 15);
    const hit = innerIds.get(h);
    if (hit !== undefined) {
      if (typeof hit === "number") {
        if (sameInner(hit, n, ch)) return hit;
      } else {
        for (const id of hit) if (sameInner(id, n, ch)) return id;
      }
    }
    const id = add(n, ch, size);
    if (hit === undefined) innerIds.set(h, id);
    else if (typeof hit === "number") innerIds.set(h, [hit, id]);
    else hit.push(id);
    return id;
  };
  const intern = (n: Node): number => {
    // A literal's id is its text's: one lookup, no memo entry.
    if (n.type === "literal") return leaf(leafIds[0], n.value, n);
    const hit = memo.get(n);
    if (hit !== undefined) return hit;
    let id: number;
    switch (n.type) {
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
        const target = canon.get(n.name) ?? n.name;
        const found = refIds.get(target);
        if (found !== undefined) id = found;
        else {
          const body = bodyOf.get(target);
          // The engine copies a rule off every cycle at each use (unless it calls it).
          id = add(n, NO_KIDS, body !== undefined && !cyclicRules.has(target) ? sizes[body] : 2, target);
          refIds.set(target, id);
        }
        break;
      }
      case "seq":
      case "alt": {
        const items = n.items;
        const ch = new Array<number>(items.length);
        let size = n.type === "seq" ? 1 : 2;
        for (let i = 0; i < items.length; i++) size += sizes[(ch[i] = intern(items[i]))];
        id = internInner(n, ch, size);
        break;
      }
      case "repeat": {
        const c = intern(n.item);
        const copies = n.max === Infinity ? n.min + 1 : n.max;
        id = internInner(n, [c], Math.min(1e12, sizes[c] * Math.max(1, copies) + 2));
        break;
      }
      case "lexeme": {
        const c = intern(n.item);
        id = internInner(n, [c], sizes[c]);
        break;
      }
    }
    memo.set(n, id);
    return id;
  };

  // The structure of interned node `id` with references to the rule `self` written as "@".
  const selfKey = (id: number, self: string): string => {
    const has = new Map<number, boolean>();
    const mentions = (i: number): boolean => {
      let h = has.get(i);
      if (h === undefined) {
        h = refTarget[i] === self || kids[i].some(mentions);
        has.set(i, h);
      }
      return h;
    };
    const head = (i: number): string => {
      const n = nodeOf[i];
      return n.type === "seq" ? "s" : n.type === "alt" ? "|" : n.type === "repeat" ? `*${n.min},${n.max}` : n.type === "lexeme" ? `x${JSON.stringify(n.name ?? null)}` : "";
    };
    const walk = (i: number): string => (refTarget[i] === self ? "@" : !mentions(i) ? `#${i}` : `${head(i)}(${kids[i].map(walk).join(",")})`);
    return walk(id);
  };
  const selfTwins = new Map<string, string>();

  // Step 1: callees before callers; a rule off every cycle whose body equals an earlier one merges into it.
  const bodyRule = new Map<number, string>();
  const kept: string[] = [];
  for (const comp of order) {
    const cyclic = comp.length > 1 || succOf(comp[0]).includes(comp[0]);
    for (const name of comp) {
      canon.set(name, name);
      if (cyclic) cyclicRules.add(name);
    }
    for (const name of comp) {
      const id = intern(g.rules.get(name)!);
      const same = bodyRule.get(id);
      if (!cyclic && same !== undefined && name !== g.root) {
        canon.set(name, same);
        continue;
      }
      // A rule that refers only to itself and to earlier rules: equal bodies up to the self-reference
      // are the same equation X = F(X), so the same language.
      if (cyclic && comp.length === 1 && name !== g.root && sizes[id] < SELF_MERGE_MAX_SIZE) {
        const key = selfKey(id, name);
        const twin = selfTwins.get(key);
        if (twin !== undefined) {
          canon.set(name, twin);
          continue;
        }
        selfTwins.set(key, name);
      }
      if (!bodyRule.has(id) || name === g.root) bodyRule.set(id, name);
      kept.push(name);
      bodyOf.set(name, id);
    }
  }

  // Step 2: occurrences per structure, parents first (a parent's id is larger than its children's).
  const occ = new Float64Array(nodeOf.length);
  for (const name of kept) occ[bodyOf.get(name)!] += 1;
  const share = new Map<number, string>();
  const newRules: [string, number][] = [];
  const taken = new Set(g.rules.keys());
  let fresh = 0;
  const eligible = (id: number) => {
    const t = nodeOf[id].type;
    return (t === "seq" || t === "alt" || t === "repeat" || t === "lexeme") && sizes[id] >= minSize;
  };
  for (let id = nodeOf.length - 1; id >= 0; id--) {
    if (occ[id] === 0) continue;
    let times = occ[id];
    if (times >= 2 && eligible(id)) {
      let name = bodyRule.get(id);
      if (name === undefined || !bodyOf.has(name)) {
        while (taken.has(`shared${fresh}`)) fresh++;
        name = `shared${fresh++}`;
        taken.add(name);
        newRules.push([name, id]);
      }
      share.set(id, name);
      times = 1;
    }
    for (const c of kids[id]) occ[c] += times;
  }

  // Rebuild: `inner` keeps the top node (a rule body), `use` replaces shared subtrees by references.
  const built: (Node | undefined)[] = [];
  // A node whose parts come out the same objects is kept as it is (no copy, and shared subtrees stay shared).
  const inner = (id: number): Node => {
    const hit = built[id];
    if (hit !== undefined) return hit;
    const n = nodeOf[id];
    let out: Node;
    switch (n.type) {
      case "ref": {
        const name = canon.get(n.name) ?? n.name;
        out = name === n.name && n.span === undefined ? n : { type: "ref", name };
        break;
      }
      case "seq":
      case "alt": {
        const k = kids[id];
        const items = new Array<Node>(k.length);
        let same = n.span === undefined;
        for (let i = 0; i < k.length; i++) if ((items[i] = use(k[i])) !== n.items[i]) same = false;
        out = same ? n : { type: n.type, items };
        break;
      }
      case "repeat": {
        const item = use(kids[id][0]);
        out = item === n.item && n.span === undefined ? n : { type: "repeat", item, min: n.min, max: n.max };
        break;
      }
      case "lexeme": {
        const item = use(kids[id][0]);
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
    const name = share.get(id);
    return name === undefined ? inner(id) : { type: "ref", name };
  };
  const rules = new Map<string, Node>();
  const keptSet = new Set(kept);
  for (const name of g.rules.keys()) if (keptSet.has(name)) rules.set(name, inner(bodyOf.get(name)!));
  for (const [name, id] of newRules) rules.set(name, inner(id));
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

/**
 * The rule names referenced in `n`, each shared subtree walked once: `marks`
 * holds, per inner node, -1 when no reference lies below it (later walks
 * skip it) or the number of the walk that already pushed its references.
 */
function refsOf(n: Node, out: string[], marks: Map<Node, number>, walk: number): string[] {
  walkRefs(n, out, marks, walk);
  return out;
}

/** Pushes the references under `n` not pushed yet in this walk; returns whether there are none below `n`. */
function walkRefs(n: Node, out: string[], marks: Map<Node, number>, walk: number): boolean {
  switch (n.type) {
    case "ref":
      out.push(n.name);
      return false;
    case "seq":
    case "alt": {
      const m = marks.get(n);
      if (m === -1) return true;
      if (m === walk) return false;
      let free = true;
      const items = n.items;
      for (let i = 0; i < items.length; i++) if (!walkRefs(items[i], out, marks, walk)) free = false;
      // The IR is a tree of shared subtrees (no node lies below itself): marked once its walk is done.
      marks.set(n, free ? -1 : walk);
      return free;
    }
    case "repeat":
    case "lexeme": {
      const m = marks.get(n);
      if (m === -1) return true;
      if (m === walk) return false;
      const free = walkRefs(n.item, out, marks, walk);
      marks.set(n, free ? -1 : walk);
      return free;
    }
    default:
      return true;
  }
}
