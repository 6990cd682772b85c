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
import { leafSizeEstimate, stronglyConnectedComponents } from "@formwork/grammar/internal";

/** Self-recursive rules up to this size (engine estimate) are compared up to the self-reference. */
const SELF_MERGE_MAX_SIZE = 20000;

/** Subtrees smaller than this (in the engine's NFA size estimate) are left inline. */
export const EXTRACT_MIN_SIZE = 400;

/** Returns a grammar with the same language, merged and shared as described above. */
export function compactGrammar(g: Grammar, minSize = EXTRACT_MIN_SIZE): Grammar {
  const succ = new Map<string, string[]>();
  const succOf = (v: string) => {
    let out = succ.get(v);
    if (!out) succ.set(v, (out = [...new Set(refsOf(g.rules.get(v)!))].filter((t) => g.rules.has(t))));
    return out;
  };
  const order = stronglyConnectedComponents([g.root], succOf);
  // Interning: one id per distinct structure (refs by canonical rule name).
  const canon = new Map<string, string>();
  const bodyOf = new Map<string, number>();
  const cyclicRules = new Set<string>();
  const ids = new Map<string, number>();
  const nodeOf: Node[] = [];
  const nodeKey: string[] = [];
  const kids: number[][] = [];
  const sizes: number[] = [];
  const memo = new Map<Node, number>();
  const intern = (n: Node): number => {
    const hit = memo.get(n);
    if (hit !== undefined) return hit;
    let key: string;
    let ch: number[] = [];
    let size: number;
    switch (n.type) {
      case "literal":
        key = `l${n.value}`;
        size = leafSizeEstimate(n);
        break;
      case "class":
        key = `c${n.negated ? "!" : ""}${n.ranges.join(",")}`;
        size = leafSizeEstimate(n);
        break;
      case "any":
        key = "a";
        size = leafSizeEstimate(n);
        break;
      case "regex":
        key = `r${n.flags}/${n.pattern}`;
        size = leafSizeEstimate(n);
        break;
      case "ref": {
        const target = canon.get(n.name) ?? n.name;
        const body = bodyOf.get(target);
        key = `>${target}`;
        // The engine copies a rule off every cycle at each use (unless it calls it).
        size = body !== undefined && !cyclicRules.has(target) ? sizes[body] : 2;
        break;
      }
      case "seq":
      case "alt":
        ch = n.items.map(intern);
        key = `${n.type === "seq" ? "s" : "|"}(${ch.join(",")})`;
        size = ch.reduce((a, c) => a + sizes[c], n.type === "seq" ? 1 : 2);
        break;
      case "repeat": {
        ch = [intern(n.item)];
        key = `*${n.min},${n.max}(${ch[0]})`;
        const copies = n.max === Infinity ? n.min + 1 : n.max;
        size = Math.min(1e12, sizes[ch[0]] * Math.max(1, copies) + 2);
        break;
      }
      case "lexeme":
        ch = [intern(n.item)];
        key = `x${JSON.stringify(n.name ?? null)}(${ch[0]})`;
        size = sizes[ch[0]];
        break;
    }
    let id = ids.get(key);
    if (id === undefined) {
      id = nodeOf.length;
      ids.set(key, id);
      nodeOf.push(n);
      nodeKey.push(key);
      kids.push(ch);
      sizes.push(size);
    }
    memo.set(n, id);
    return id;
  };

  // The structure of interned node `id` with references to the rule keyed `self` written as "@".
  const selfKey = (id: number, self: string): string => {
    const has = new Map<number, boolean>();
    const mentions = (i: number): boolean => {
      let h = has.get(i);
      if (h === undefined) {
        h = nodeKey[i] === self || kids[i].some(mentions);
        has.set(i, h);
      }
      return h;
    };
    const walk = (i: number): string => (nodeKey[i] === self ? "@" : !mentions(i) ? `#${i}` : `${nodeKey[i].slice(0, nodeKey[i].length - kidsText(i).length - 2)}(${kids[i].map(walk).join(",")})`);
    return walk(id);
  };
  const kidsText = (i: number) => kids[i].join(",");
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
        const key = selfKey(id, `>${name}`);
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

/** The rule names referenced in `n` (each shared subtree walked once). */
function refsOf(n: Node, out: string[] = [], seen = new Set<Node>()): string[] {
  if (seen.has(n)) return out;
  seen.add(n);
  switch (n.type) {
    case "ref":
      out.push(n.name);
      break;
    case "seq":
    case "alt":
      for (const x of n.items) refsOf(x, out, seen);
      break;
    case "repeat":
    case "lexeme":
      refsOf(n.item, out, seen);
      break;
    default:
      break;
  }
  return out;
}
