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
  const refFree = new Set<Node>();
  const succOf = (v: string) => {
    let out = succ.get(v);
    if (!out) succ.set(v, (out = [...new Set(refsOf(g.rules.get(v)!, [], new Set(), refFree))].filter((t) => g.rules.has(t))));
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
    const hit = memo.get(n);
    if (hit !== undefined) return hit;
    let id: number;
    switch (n.type) {
      case "literal":
        id = leaf(leafIds[0], n.value, n);
        break;
      case "class":
        id = leaf(leafIds[1], `${n.negated ? "!" : ""}${n.ranges.join(",")}`, n);
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
  const built = new Map<number, Node>();
  const inner = (id: number): Node => {
    const hit = built.get(id);
    if (hit) return hit;
    const n = nodeOf[id];
    let out: Node;
    switch (n.type) {
      case "ref":
        out = { type: "ref", name: canon.get(n.name) ?? n.name };
        break;
      case "seq":
      case "alt":
        out = { type: n.type, items: kids[id].map(use) };
        break;
      case "repeat":
        out = { type: "repeat", item: use(kids[id][0]), min: n.min, max: n.max };
        break;
      case "lexeme":
        out = n.name === undefined ? { type: "lexeme", item: use(kids[id][0]) } : { type: "lexeme", item: use(kids[id][0]), name: n.name };
        break;
      default:
        out = n;
    }
    built.set(id, out);
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
 * The rule names referenced in `n` (each shared subtree walked once; only
 * inner nodes are remembered: `seen` per walk, `refFree` those with no
 * reference below them, which later walks skip).
 */
function refsOf(n: Node, out: string[], seen: Set<Node>, refFree: Set<Node>): string[] {
  walkRefs(n, out, seen, refFree);
  return out;
}

/** Pushes the references under `n`; returns whether there are none (then `n`, if inner, is in `refFree`). */
function walkRefs(n: Node, out: string[], seen: Set<Node>, refFree: Set<Node>): boolean {
  switch (n.type) {
    case "ref":
      out.push(n.name);
      return false;
    case "seq":
    case "alt": {
      if (refFree.has(n)) return true;
      // Seen in this walk and not free: its references are already out.
      if (seen.has(n)) return false;
      seen.add(n);
      let free = true;
      for (const x of n.items) if (!walkRefs(x, out, seen, refFree)) free = false;
      if (free) refFree.add(n);
      return free;
    }
    case "repeat":
    case "lexeme": {
      if (refFree.has(n)) return true;
      if (seen.has(n)) return false;
      seen.add(n);
      const free = walkRefs(n.item, out, seen, refFree);
      if (free) refFree.add(n);
      return free;
    }
    default:
      return true;
  }
}
