/**
 * A set of token ids as a bitset: bit `i` of word `i >>> 5` is token `i`.
 *
 * Layout: `words` is a `Uint32Array` of ⌈size/32⌉ words; bits at positions
 * `>= size` in the last word are always zero (every operation keeps that
 * invariant so that `count()` and `equals()` need no special case).
 */
export class TokenMask {
  /** Number of token ids (the logits' length). */
  readonly size: number;
  /** The bitset. Callers may read it directly; write only through methods or keep the tail bits zero. */
  readonly words: Uint32Array;

  constructor(size: number, words?: Uint32Array) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`TokenMask size must be a non-negative integer, got ${size}`);
    this.size = size;
    const n = (size + 31) >>> 5;
    if (words) {
      if (words.length !== n) throw new RangeError(`TokenMask of size ${size} needs ${n} words, got ${words.length}`);
      this.words = words;
    } else {
      this.words = new Uint32Array(n);
    }
  }

  /** A mask with every id in `[0, size)` set. */
  static full(size: number): TokenMask {
    return new TokenMask(size).fill();
  }

  /** A mask holding exactly `ids`. */
  static of(size: number, ids: Iterable<number>): TokenMask {
    const m = new TokenMask(size);
    for (const id of ids) m.add(id);
    return m;
  }

  /** Whether `id` is in the set. Out-of-range ids are never in it. */
  has(id: number): boolean {
    if (id < 0 || id >= this.size) return false;
    return (this.words[id >>> 5] & (1 << (id & 31))) !== 0;
  }

  /** Adds `id`. Throws on an out-of-range id. */
  add(id: number): this {
    if (id < 0 || id >= this.size || !Number.isInteger(id)) throw new RangeError(`token id ${id} is outside [0, ${this.size})`);
    this.words[id >>> 5] |= 1 << (id & 31);
    return this;
  }

  /** Removes `id` (no-op when absent or out of range). */
  delete(id: number): this {
    if (id >= 0 && id < this.size) this.words[id >>> 5] &= ~(1 << (id & 31));
    return this;
  }

  /** Removes every id. */
  clear(): this {
    this.words.fill(0);
    return this;
  }

  /** Adds every id in `[0, size)`. */
  fill(): this {
    this.words.fill(0xffffffff);
    this.trimTail();
    return this;
  }

  /** Makes this set equal to `other`. */
  copyFrom(other: TokenMask): this {
    this.checkSize(other);
    this.words.set(other.words);
    return this;
  }

  /** A new mask with the same ids. */
  clone(): TokenMask {
    return new TokenMask(this.size, this.words.slice());
  }

  /** In place: this ∪ other. */
  or(other: TokenMask): this {
    this.checkSize(other);
    const a = this.words, b = other.words;
    for (let i = 0; i < a.length; i++) a[i] |= b[i];
    return this;
  }

  /** In place: this ∩ other. */
  and(other: TokenMask): this {
    this.checkSize(other);
    const a = this.words, b = other.words;
    for (let i = 0; i < a.length; i++) a[i] &= b[i];
    return this;
  }

  /** In place: this \ other. */
  andNot(other: TokenMask): this {
    this.checkSize(other);
    const a = this.words, b = other.words;
    for (let i = 0; i < a.length; i++) a[i] &= ~b[i];
    return this;
  }

  /** In place: the complement within `[0, size)`. */
  invert(): this {
    const a = this.words;
    for (let i = 0; i < a.length; i++) a[i] = ~a[i];
    this.trimTail();
    return this;
  }

  /** Number of ids in the set. */
  count(): number {
    const a = this.words, len = a.length, end4 = len & ~3;
    let c = 0;
    // Masks are mostly empty or mostly full words (a decode step counts 4,748 words): skip empty blocks of
    // four words, and full words need no popcount.
    for (let w = 0; w < end4; w += 4) {
      if ((a[w] | a[w + 1] | a[w + 2] | a[w + 3]) === 0) continue;
      for (let k = w; k < w + 4; k++) {
        const x = a[k];
        if (x !== 0) c += x === 0xffffffff ? 32 : popcount32(x);
      }
    }
    for (let w = end4; w < len; w++) c += popcount32(a[w]);
    return c;
  }

  /**
   * Number of ids in the set, and the ids themselves, ascending, written to
   * `out` while they number at most `limit` (`out.length` at least `limit`):
   * one pass where `count()` and then listing the ids would take two. When
   * the count is above `limit`, `out` holds the first `limit` ids only.
   */
  listInto(out: Uint32Array, limit: number): number {
    const a = this.words, len = a.length, end4 = len & ~3;
    let n = 0;
    let w = 0;
    // Blocks of four words, empty ones skipped, until past the limit; then counting only.
    for (; w < end4 && n <= limit; w += 4) {
      if ((a[w] | a[w + 1] | a[w + 2] | a[w + 3]) === 0) continue;
      for (let k = w; k < w + 4; k++) {
        let bits = a[k];
        while (bits !== 0) {
          const low = bits & -bits;
          if (n < limit) out[n] = (k << 5) + (31 - Math.clz32(low));
          n++;
          bits ^= low;
        }
      }
    }
    if (n > limit) {
      for (; w < len; w++) {
        const x = a[w];
        if (x !== 0) n += x === 0xffffffff ? 32 : popcount32(x);
      }
      return n;
    }
    for (; w < len; w++) {
      let bits = a[w];
      while (bits !== 0) {
        const low = bits & -bits;
        if (n < limit) out[n] = (w << 5) + (31 - Math.clz32(low));
        n++;
        bits ^= low;
      }
    }
    return n;
  }

  /** Whether the set is empty. */
  isEmpty(): boolean {
    const a = this.words;
    for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
    return true;
  }

  /** Whether both sets hold the same ids (and have the same size). */
  equals(other: TokenMask): boolean {
    if (other.size !== this.size) return false;
    const a = this.words, b = other.words;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** Whether this ∩ other is non-empty. */
  intersects(other: TokenMask): boolean {
    this.checkSize(other);
    const a = this.words, b = other.words;
    for (let i = 0; i < a.length; i++) if ((a[i] & b[i]) !== 0) return true;
    return false;
  }

  /** Calls `fn` for every id in ascending order. */
  forEach(fn: (id: number) => void): void {
    const a = this.words;
    for (let w = 0; w < a.length; w++) {
      let bits = a[w];
      while (bits !== 0) {
        const low = bits & -bits;
        fn((w << 5) + (31 - Math.clz32(low)));
        bits ^= low;
      }
    }
  }

  /** The ids in ascending order. */
  toArray(): number[] {
    const out: number[] = [];
    this.forEach((id) => out.push(id));
    return out;
  }

  /** The smallest id in the set, or -1 when empty. */
  first(): number {
    const a = this.words;
    for (let w = 0; w < a.length; w++) {
      const bits = a[w];
      if (bits !== 0) return (w << 5) + (31 - Math.clz32(bits & -bits));
    }
    return -1;
  }

  private trimTail(): void {
    const rem = this.size & 31;
    if (rem !== 0) this.words[this.words.length - 1] &= (1 << rem) - 1;
  }

  private checkSize(other: TokenMask): void {
    if (other.size !== this.size) throw new RangeError(`TokenMask sizes differ: ${this.size} and ${other.size}`);
  }
}

/** Number of set bits in a 32-bit integer. */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
