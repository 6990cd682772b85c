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
  // Each node is numbered by when it is opened (its Tarjan index): one map by name, the rest in arrays.
  const indexOf = new Map<string, number>();
  const names: string[] = [];
  const low: number[] = [];
  const onStack: number[] = [];
  const stack: number[] = [];
  const out: string[][] = [];
  const open = (v: string): number => {
    const i = names.length;
    indexOf.set(v, i);
    names.push(v);
    low.push(i);
    onStack.push(1);
    stack.push(i);
    return i;
  };
  // The work stack: a node's index and how many of its successors were visited, side by side.
  const work: number[] = [];
  for (const root of roots) {
    if (indexOf.has(root)) continue;
    work.push(open(root), 0);
    while (work.length > 0) {
      const top = work.length - 2;
      const v = work[top];
      const i = work[top + 1];
      const ss = succ(names[v]);
      if (i < ss.length) {
        work[top + 1] = i + 1;
        const w = indexOf.get(ss[i]);
        if (w === undefined) work.push(open(ss[i]), 0);
        else if (onStack[w] === 1 && w < low[v]) low[v] = w;
        continue;
      }
      work.length = top;
      if (top > 0) {
        const p = work[top - 2];
        if (low[v] < low[p]) low[p] = low[v];
      }
      if (low[v] === v) {
        // v and the nodes above it on the stack, from the top down.
        let at = stack.length - 1;
        while (stack[at] !== v) at--;
        const comp = new Array<string>(stack.length - at);
        for (let k = 0; k < comp.length; k++) {
          const w = stack.pop()!;
          onStack[w] = 0;
          comp[k] = names[w];
        }
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
      // v and the nodes above it on the stack, from the top down.
      let at = stack.length - 1;
      while (stack[at] !== v) at--;
      const comp = new Array<number>(stack.length - at);
      for (let k = 0; k < comp.length; k++) {
        const w = stack.pop()!;
        onStack[w] = 0;
        comp[k] = w;
      }
      out.push(comp);
    }
  }
  return out;
}
