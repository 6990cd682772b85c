/**
 * Interned, immutable stack frames shared by a matcher and its forks. A
 * stack is a frame id; frame 0 is the empty stack. Equal stacks are the same
 * id, so a configuration (state, stack) is a pair of integers and duplicate
 * configurations are found by comparing integers.
 */

/** Append-only pool of call-stack frames (return state + parent frame). */
export class StackPool {
  /** Return state of frame f (the state to continue in after the callee ends). */
  state: Int32Array;
  parent: Int32Array;
  /** Number of frames in the stack f (0 for the empty stack). */
  depth: Int32Array;
  /** Fewest bytes to finish every caller in stack f once the current rule ends. */
  cost: Float64Array;
  count = 1;
  private readonly index = new Map<number, number>();

  /** `src.minBytes` is read at each push (the automaton's array grows as states are created). */
  constructor(private readonly src: { readonly minBytes: Float64Array }) {
    this.state = new Int32Array(256);
    this.parent = new Int32Array(256);
    this.depth = new Int32Array(256);
    this.cost = new Float64Array(256);
    this.state[0] = -1;
  }

  /** The stack `parent` with a frame returning to `ret` pushed on top. */
  push(ret: number, parent: number): number {
    const key = ret * 4294967296 + parent;
    const hit = this.index.get(key);
    if (hit !== undefined) return hit;
    const id = this.count++;
    if (id >= this.state.length) this.grow();
    this.state[id] = ret;
    this.parent[id] = parent;
    this.depth[id] = this.depth[parent] + 1;
    this.cost[id] = this.src.minBytes[ret] + this.cost[parent];
    this.index.set(key, id);
    return id;
  }

  /** Bytes held by the pool. */
  get memoryBytes(): number {
    return this.state.length * 20 + this.index.size * 24;
  }

  private grow(): void {
    const n = this.state.length * 2;
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.state = g32(this.state);
    this.parent = g32(this.parent);
    this.depth = g32(this.depth);
    const c = new Float64Array(n);
    c.set(this.cost);
    this.cost = c;
  }
}
