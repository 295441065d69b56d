/**
 * Strongly connected components of a heap graph by Tarjan's algorithm (Tarjan 1972, "Depth-first
 * search and linear graph algorithms"), iterative: an explicit typed-array call stack of (object,
 * next field) replaces the recursion, so a chain of millions of objects cannot overflow the host's
 * stack.
 *
 * Invariant of the walk: `low[v]` is the smallest `order` reachable from v through the fields
 * walked so far and objects still on the component stack; when a node's fields are exhausted and
 * `low[v] === order[v]`, v is the root of a component and the stack above it holds exactly that
 * component. A component of more than one object is a cycle structure that no count ever drops to
 * zero in: what reference counting alone cannot reclaim once the roots let go.
 */
import type { HeapGraph } from '@gclab/bench';

/** The components of a graph. */
export interface Components {
  /** Component number of each object (0..count-1, in the order Tarjan completes them). */
  readonly componentOf: Uint32Array;
  /** Objects in each component. */
  readonly sizes: Uint32Array;
  /** Number of components. */
  readonly count: number;
}

/** Tarjan's strongly connected components of `graph` (see the file comment). */
export function stronglyConnectedComponents(graph: HeapGraph): Components {
  const n = graph.objects;
  const { edgeStart, edges } = graph;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Uint32Array(n);
  const calls = new Uint32Array(n);
  const nextField = new Uint32Array(n);
  const componentOf = new Uint32Array(n);
  let sizes = new Uint32Array(Math.max(16, n >>> 4));
  let count = 0;
  let counter = 0;
  let sp = 0;
  for (let s = 0; s < n; s++) {
    if (order[s] !== -1) continue;
    let csp = 0;
    order[s] = low[s] = counter++;
    stack[sp++] = s;
    onStack[s] = 1;
    calls[csp] = s;
    nextField[csp++] = edgeStart[s]!;
    while (csp > 0) {
      const v = calls[csp - 1]!;
      const p = nextField[csp - 1]!;
      if (p < edgeStart[v + 1]!) {
        nextField[csp - 1] = p + 1;
        const w = edges[p]!;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          calls[csp] = w;
          nextField[csp++] = edgeStart[w]!;
        } else if (onStack[w] === 1 && order[w]! < low[v]!) low[v] = order[w]!;
        continue;
      }
      csp--;
      if (csp > 0) {
        const u = calls[csp - 1]!;
        if (low[v]! < low[u]!) low[u] = low[v]!;
      }
      if (low[v] === order[v]) {
        // v roots a component: everything above it on the stack.
        if (count === sizes.length) {
          const grown = new Uint32Array(sizes.length * 2);
          grown.set(sizes);
          sizes = grown;
        }
        let size = 0;
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          componentOf[w] = count;
          size++;
        } while (w !== v);
        sizes[count++] = size;
      }
    }
  }
  return { componentOf, sizes: sizes.subarray(0, count), count };
}
