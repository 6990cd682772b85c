// Test helper: random sentences of a grammar IR (regex and automaton nodes
// spelled out as rules first), steered to terminate: every choice respects a
// height budget computed from each rule's minimum derivation height.
import type { Grammar, Node } from "@formwork/grammar";
import { effectiveRanges, withStateRules } from "@formwork/grammar/internal";

type Rand = () => number;

/** A seeded PRNG (mulberry32). */
export function rng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples sentences of `g`. */
export class IrSampler {
  private readonly height = new Map<string, number>();
  private readonly g: Grammar;
  constructor(g: Grammar) {
    this.g = withStateRules(g);
    for (let changed = true; changed; ) {
      changed = false;
      for (const [name, node] of this.g.rules) {
        const h = this.h(node);
        if (h < (this.height.get(name) ?? Infinity)) {
          this.height.set(name, h);
          changed = true;
        }
      }
    }
  }
  private h(n: Node): number {
    switch (n.type) {
      case "literal":
      case "any":
      case "regex":
      case "automaton":
        return 0;
      case "class":
        return effectiveRanges(n).length ? 0 : Infinity;
      case "ref":
        return 1 + (this.height.get(n.name) ?? Infinity);
      case "seq":
        return n.items.reduce((a, x) => Math.max(a, this.h(x)), 0);
      case "alt":
        return n.items.reduce((a, x) => Math.min(a, this.h(x)), Infinity);
      case "repeat":
        return n.min === 0 ? 0 : this.h(n.item);
      case "lexeme":
        return this.h(n.item);
    }
  }
  /** One random sentence, or null when the root derives nothing. */
  sample(rand: Rand, budget = 12): string | null {
    const root = this.g.rules.get(this.g.root)!;
    if (this.h(root) > budget + 1) return null;
    return this.gen(root, budget, rand);
  }
  private gen(n: Node, budget: number, rand: Rand): string {
    switch (n.type) {
      case "literal":
        return n.value;
      case "any":
        return "x";
      case "regex":
      case "automaton":
        throw new Error("regex and automaton nodes are not sampled");
      case "class": {
        const r = effectiveRanges(n);
        // Prefer printable ASCII when the class has some.
        const pairs: [number, number][] = [];
        for (let i = 0; i < r.length; i += 2) pairs.push([r[i], r[i + 1]]);
        const ascii = pairs.map(([a, b]) => [Math.max(a, 0x20), Math.min(b, 0x7e)] as [number, number]).filter(([a, b]) => a <= b);
        const pool = ascii.length && rand() < 0.9 ? ascii : pairs;
        const [a, b] = pool[Math.floor(rand() * pool.length)];
        return String.fromCodePoint(a + Math.floor(rand() * (b - a + 1)));
      }
      case "ref":
        return this.gen(this.g.rules.get(n.name)!, budget - 1, rand);
      case "seq":
        return n.items.map((x) => this.gen(x, budget, rand)).join("");
      case "alt": {
        const ok = n.items.filter((x) => this.h(x) <= budget);
        const pick = ok.length ? ok : [n.items.reduce((a, x) => (this.h(x) < this.h(a) ? x : a))];
        return this.gen(pick[Math.floor(rand() * pick.length)], budget, rand);
      }
      case "repeat": {
        const hi = Math.min(n.max, n.min + (budget > 2 ? 3 : 0));
        const count = n.min + Math.floor(rand() * (hi - n.min + 1));
        let out = "";
        for (let i = 0; i < count; i++) out += this.gen(n.item, i < n.min ? budget : budget - 1, rand);
        return out;
      }
      case "lexeme":
        return this.gen(n.item, budget, rand);
    }
  }
}
