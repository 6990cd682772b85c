/**
 * Strongly connected components of a directed graph (Tarjan's algorithm,
 * iterative so that deep grammars cannot overflow the call stack).
 */

/**
 * The components, among the nodes reachable from `roots`, that contain a
 * cycle (more than one node, or one node with an edge to itself), in the
 * order Tarjan's algorithm closes them. `succ(v)` lists `v`'s successors;
 * every successor must itself be a node `succ` accepts.
 */
export function cyclicComponents(roots: Iterable<string>, succ: (v: string) => readonly string[]): string[][] {
  return stronglyConnectedComponents(roots, succ).filter((comp) => comp.length > 1 || succ(comp[0]).includes(comp[0]));
}

/**
 * Every strongly connected component among the nodes reachable from `roots`,
 * cyclic or not, in the order Tarjan's algorithm closes them (a component
 * after every component it reaches: callees first).
 */
export function stronglyConnectedComponents(roots: Iterable<string>, succ: (v: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  const open = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
  };
  for (const root of roots) {
    if (index.has(root)) continue;
    open(root);
    const work: Array<[string, number]> = [[root, 0]];
    while (work.length > 0) {
      const top = work[work.length - 1];
      const [v, i] = top;
      const ss = succ(v);
      if (i < ss.length) {
        top[1]++;
        const w = ss[i];
        if (!index.has(w)) {
          open(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const p = work[work.length - 1][0];
        low.set(p, Math.min(low.get(p)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== v);
        out.push(comp);
      }
    }
  }
  return out;
}

/**
 * {@link stronglyConnectedComponents} over nodes numbered `0..count-1`, from
 * the one root `root`: the same components in the same order (for the same
 * successor lists), kept in arrays rather than maps by name.
 */
export function componentsOf(count: number, root: number, succ: (v: number) => readonly number[]): number[][] {
  const index = new Array<number>(count).fill(-1);
  const low = new Array<number>(count).fill(0);
  const onStack = new Array<number>(count).fill(0);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  const open = (v: number) => {
    index[v] = counter;
    low[v] = counter++;
    stack.push(v);
    onStack[v] = 1;
  };
  open(root);
  // The work stack: a node and how many of its successors were visited, side by side.
  const work: number[] = [root, 0];
  while (work.length > 0) {
    const top = work.length - 2;
    const v = work[top];
    const i = work[top + 1];
    const ss = succ(v);
    if (i < ss.length) {
      work[top + 1] = i + 1;
      const w = ss[i];
      if (index[w] === -1) {
        open(w);
        work.push(w, 0);
      } else if (onStack[w] === 1) {
        low[v] = Math.min(low[v], index[w]);
      }
      continue;
    }
    work.length = top;
    if (top > 0) {
      const p = work[top - 2];
      low[p] = Math.min(low[p], low[v]);
    }
    if (low[v] === index[v]) {
      const comp: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = 0;
        comp.push(w);
      } while (w !== v);
      out.push(comp);
    }
  }
  return out;
}
