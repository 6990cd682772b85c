/**
 * Int lists in typed arrays: growth helpers, a short-list sort, and an
 * interning table of lists (equal lists get one dense id). Used by the
 * grammar engine's subset construction (NFA sets) and token walk
 * (configuration sets), and by the regex layer's product automaton (tuples of
 * operand states).
 */

/** `a` when it holds `need` entries, else a copy at least twice as long (new entries `fill`). */
export function grownI32(a: Int32Array<ArrayBuffer>, need: number, fill = 0): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}

/** `a` when it holds `need` entries, else a zero-extended copy at least twice as long. */
export function grownU8(a: Uint8Array<ArrayBuffer>, need: number): Uint8Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Uint8Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Writable int arrays (typed arrays of any width). */
type Ints = { [i: number]: number };

/**
 * Inserts `(l, h, t)` into the run `[from, end)` of three parallel arrays kept
 * sorted by the first (after equal keys); the run becomes `[from, end + 1)`.
 */
export function insertByLo(lo: Ints, hi: Ints, to: Ints, from: number, end: number, l: number, h: number, t: number): void {
  let j = end - 1;
  while (j >= from && lo[j] > l) {
    lo[j + 1] = lo[j];
    hi[j + 1] = hi[j];
    to[j + 1] = to[j];
    j--;
  }
  lo[j + 1] = l;
  hi[j + 1] = h;
  to[j + 1] = t;
}

/** Sorts `a[0..n)` ascending (insertion sort for short runs). */
export function sortPrefix(a: Int32Array, n: number): void {
  if (n > 24) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

/** Removes adjacent duplicates from the sorted `a[0..n)`; returns the new length. */
export function dedupSorted(a: Int32Array, n: number): number {
  if (n < 2) return n;
  let w = 1;
  for (let i = 1; i < n; i++) if (a[i] !== a[w - 1]) a[w++] = a[i];
  return w;
}

/** A 32-bit hash of `a[from..to)` under `seed`. */
export function hashList(a: Int32Array, from: number, to: number, seed: number): number {
  let h = Math.imul(seed + 1, 0x9e3779b1);
  for (let i = from; i < to; i++) {
    h = Math.imul(h ^ a[i], 0x85ebca6b);
    h ^= h >>> 13;
  }
  return h;
}

/**
 * A set of int lists (each tagged with an owner), interned: equal (owner,
 * list) pairs get the same id. Ids are dense, in insertion order.
 */
export class ListTable {
  data = new Int32Array(1024);
  off = new Int32Array(257);
  hash = new Int32Array(256);
  owner = new Int32Array(256);
  size = 0;
  private slots = new Int32Array(1024);
  private mask = 1023;

  /** The id of `a[0..n)` under `owner`, or -1. `h` must be `hashList(a, 0, n, owner)`. */
  find(a: Int32Array, n: number, owner: number, h: number): number {
    const { slots, mask, data, off } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = slots[i];
      if (v === 0) return -1;
      const id = v - 1;
      if (this.hash[id] !== h || this.owner[id] !== owner) continue;
      const o = off[id];
      if (off[id + 1] - o !== n) continue;
      let k = 0;
      while (k < n && data[o + k] === a[k]) k++;
      if (k === n) return id;
    }
  }

  /** Adds `a[0..n)` (known to be absent); returns its id. */
  add(a: Int32Array, n: number, owner: number, h: number): number {
    const id = this.size++;
    // Each array grows on its own: `off` holds one entry more than `hash` and `owner`, so a check on
    // `off` alone let `hash[id]` and `owner[id]` fall past their ends (lost writes: the list was never
    // found again and was added anew).
    this.off = grownI32(this.off, id + 2);
    this.hash = grownI32(this.hash, id + 1);
    this.owner = grownI32(this.owner, id + 1);
    const o = this.off[id];
    const data = (this.data = grownI32(this.data, o + n));
    for (let i = 0; i < n; i++) data[o + i] = a[i];
    this.off[id + 1] = o + n;
    this.hash[id] = h;
    this.owner[id] = owner;
    if (this.size * 2 > this.slots.length) this.rehash();
    else this.place(id);
    return id;
  }

  private place(id: number): void {
    const { slots, mask } = this;
    let i = this.hash[id] & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = id + 1;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let id = 0; id < this.size; id++) this.place(id);
  }
}
