/**
 * `pyperf-btree`: pyperformance's btree benchmark in its `--gc-only` variant (btree_gc), from
 * python/pyperformance `pyperformance/data-files/benchmarks/bm_btree/run_benchmark.py` at commit
 * cd861dc0d562f912934974a1aa268fcf544cac72 (2026-04-23).
 *
 * Setup (`run_bench`): `records = list(make_records(NUM_NODES))`, a list of NUM_NODES `Record`s
 * (six attributes, none of them a container). One iteration (`run_once` with gc_only):
 * `random.seed(0)`; `make_tree(NUM_NODES, records)`: the ids shuffled by `random.shuffle`, inserted
 * into a B-tree of minimum degree 16 as `(key, record)` tuples, then the lowest fifth deleted and
 * inserted again; the timed `gc.collect()` with the tree alive; the tree dropped when `run_once`
 * returns. Size = NUM_NODES (the source's 200,000).
 *
 * The B-tree algorithm is ported (insert, split, the delete cases of CLRS 19.3) over plain arrays of
 * keys, with the same shuffle (MT19937 and `_randbelow`, mersenne-twister.ts), so the tree the
 * program ends with has exactly the source's nodes, lists and tuples, and every container the
 * Python code allocates on the way is counted by kind: the `enumerate` object and its result tuple
 * of each `get_position`, the `is_big` closure of each `delete`, the lists that slicing and `+`
 * make, the `[]` a new BNode starts with, lists and nodes that a split or merge replaces, the tuple
 * of each insert, the `ids` list, the bound method `shuffle` takes.
 *
 * Not expressed, and how the model differs: (1) the tree is built in the heap after the port has
 * run: first every object that does not survive `make_tree`, each allocated and dropped at once,
 * then the final tree; CPython allocates and frees them interleaved, so its generation-0 collections
 * fall at other moments (the same number of containers is allocated, and none of them is cyclic
 * garbage, so collections collect nothing in both). (2) A list is allocated at its final length; the
 * model has no list growth. (3) CPython takes tuples, lists and dicts from free lists without
 * counting them in generation 0's count (see docs/pyperformance.md); the model counts every
 * allocation. (4) Ints, strs, bytes and floats are not objects here.
 */
import { type Heap, ObjectKind } from '@gclab/core';
import { MersenneTwister } from '../mersenne-twister.ts';
import { KEPT, type PyperformanceProgram, pyperformanceWorkload } from './pyperformance-program.ts';

/** `BNode.minimum_degree` (t). */
const T = 16;
/** RECREATE_FRACTION of the source. */
const RECREATE_FRACTION = 0.2;

/** A B-tree node of the port: keys, and children (null for a leaf). */
interface PortNode {
  items: number[];
  nodes: PortNode[] | null;
}

/** Containers the Python code allocates that do not survive `make_tree`, by kind. */
export interface BtreeTransients {
  /** Lists: slices and `+` results replaced later, `[extreme]`, the `[]` of split nodes, `ids`. */
  lists: number;
  /** Tuples: each `get_position`'s enumerate result, and `(key, value)` tuples of deleted keys. */
  tuples: number;
  /** Other objects: enumerate objects, `is_big` closures, dropped BNodes, the bound method. */
  objects: number;
}

/** The port's state: the root and the transient counts. */
class BtreePort {
  root: PortNode = { items: [], nodes: null };
  readonly transient: BtreeTransients = { lists: 0, tuples: 0, objects: 0 };
  /** Lists and tuples allocated (whether they survive or not), to derive the transients. */
  lists = 1;
  tuples = 0;
  objects = 1;

  private getPosition(node: PortNode, key: number): number {
    // enumerate(self.items) and its result tuple.
    this.transient.objects++;
    this.transient.tuples++;
    const items = node.items;
    for (let p = 0; p < items.length; p++) if (items[p]! >= key) return p;
    return items.length;
  }

  private newNode(): PortNode {
    this.objects++;
    this.lists++;
    return { items: [], nodes: null };
  }

  private splitChild(self: PortNode, position: number, child: PortNode): void {
    const bigger = this.newNode();
    const middle = T - 1;
    const splittingKey = child.items[middle]!;
    bigger.items = child.items.slice(middle + 1);
    child.items = child.items.slice(0, middle);
    this.lists += 2;
    if (child.nodes !== null) {
      bigger.nodes = child.nodes.slice(middle + 1);
      child.nodes = child.nodes.slice(0, middle + 1);
      this.lists += 2;
    }
    self.items.splice(position, 0, splittingKey);
    self.nodes!.splice(position + 1, 0, bigger);
  }

  private insertItem(self: PortNode, key: number): void {
    let position = this.getPosition(self, key);
    if (position < self.items.length && self.items[position] === key) {
      self.items[position] = key;
    } else if (self.nodes === null) {
      self.items.splice(position, 0, key);
    } else {
      const child = self.nodes[position]!;
      if (child.items.length === 2 * T - 1) {
        this.splitChild(self, position, child);
        if (key === self.items[position]) {
          self.items[position] = key;
        } else {
          if (key > self.items[position]!) position += 1;
          this.insertItem(self.nodes[position]!, key);
        }
      } else {
        this.insertItem(child, key);
      }
    }
  }

  add(key: number): void {
    if (this.root.items.length === 2 * T - 1) {
      const node = this.newNode();
      node.nodes = [this.root];
      this.lists++;
      this.splitChild(node, 0, this.root);
      this.root = node;
    }
    this.tuples++;
    this.insertItem(this.root, key);
  }

  private static isBig(node: PortNode | null): boolean {
    return node !== null && node.items.length >= T;
  }

  private static maxItem(node: PortNode): number {
    let n = node;
    while (n.nodes !== null) n = n.nodes[n.nodes.length - 1]!;
    return n.items[n.items.length - 1]!;
  }

  private static minItem(node: PortNode): number {
    let n = node;
    while (n.nodes !== null) n = n.nodes[0]!;
    return n.items[0]!;
  }

  /**
   * `target.items = left.items + [key] + right.items` (three lists: `[key]` and two sums) and, for
   * inner nodes, `target.nodes = left.nodes + right.nodes` (one list): cases 2c, 3b1 and 3b2. The
   * sibling merged away is dropped by its parent's `del` (the caller's splice).
   */
  private merge(target: PortNode, left: PortNode, key: number, right: PortNode): void {
    target.items = [...left.items, key, ...right.items];
    this.lists += 3;
    if (target.nodes !== null) {
      target.nodes = [...left.nodes!, ...right.nodes!];
      this.lists++;
    }
  }

  delete(self: PortNode, key: number): void {
    this.transient.objects++; // the is_big closure
    const p = this.getPosition(self, key);
    const matches = p < self.items.length && self.items[p] === key;
    if (self.nodes === null) {
      if (!matches) throw new RangeError(`btree port: key ${key} is not in the tree`);
      self.items.splice(p, 1);
    } else {
      const nodes = self.nodes;
      const node = nodes[p]!;
      const lower = p > 0 ? nodes[p - 1]! : null;
      const upper = p < nodes.length - 1 ? nodes[p + 1]! : null;
      if (matches) {
        if (BtreePort.isBig(node)) {
          const extreme = BtreePort.maxItem(node);
          this.delete(node, extreme);
          self.items[p] = extreme;
        } else if (BtreePort.isBig(upper)) {
          const extreme = BtreePort.minItem(upper!);
          this.delete(upper!, extreme);
          self.items[p] = extreme;
        } else {
          const extreme = BtreePort.minItem(upper!);
          this.delete(upper!, extreme);
          this.merge(node, node, extreme, upper!);
          self.items.splice(p, 1);
          nodes.splice(p + 1, 1);
        }
      } else {
        if (!BtreePort.isBig(node)) {
          if (BtreePort.isBig(lower)) {
            node.items.unshift(self.items[p - 1]!);
            self.items[p - 1] = lower!.items.pop()!;
            if (node.nodes !== null) node.nodes.unshift(lower!.nodes!.pop()!);
          } else if (BtreePort.isBig(upper)) {
            node.items.push(self.items[p]!);
            self.items[p] = upper!.items.shift()!;
            if (node.nodes !== null) node.nodes.push(upper!.nodes!.shift()!);
          } else if (lower !== null) {
            this.merge(node, lower, self.items[p - 1]!, node);
            self.items.splice(p - 1, 1);
            nodes.splice(p - 1, 1);
          } else {
            this.merge(node, node, self.items[p]!, upper!);
            self.items.splice(p, 1);
            nodes.splice(p + 1, 1);
          }
        }
        this.delete(node, key);
      }
      if (self.items.length === 0) {
        const only = self.nodes[0]!;
        // The root takes its only child's lists; the child is dropped.
        self.items = only.items;
        self.nodes = only.nodes;
      }
    }
  }
}

/** The B-tree `make_tree(numNodes, records)` ends with, and the containers it dropped on the way. */
export function makeTreePort(numNodes: number): { root: PortNode; transient: BtreeTransients } {
  const ids = new Int32Array(numNodes);
  for (let i = 0; i < numNodes; i++) ids[i] = i;
  const rng = new MersenneTwister(0);
  rng.shuffle(ids);
  const port = new BtreePort();
  for (let i = 0; i < numNodes; i++) port.add(ids[i]!);
  const remake = Math.trunc(numNodes * RECREATE_FRACTION);
  for (let k = 0; k < remake; k++) port.delete(port.root, k);
  for (let k = 0; k < remake; k++) port.add(k);
  // What survives: every node's lists and BNode, the tuples of the keys; the rest was dropped.
  let lists = 0;
  let nodes = 0;
  const stack: PortNode[] = [port.root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    nodes++;
    lists += n.nodes === null ? 1 : 2;
    if (n.nodes !== null) for (const c of n.nodes) stack.push(c);
  }
  const t = port.transient;
  // The ids list and the lists replaced or dropped; the bound method self._randbelow of shuffle and
  // the BNodes dropped; the tuples of deleted keys.
  t.lists += 1 + port.lists - lists;
  t.objects += 1 + port.objects - nodes;
  t.tuples += port.tuples - numNodes;
  return { root: port.root, transient: t };
}

// Registers of the outermost frame, and of `fill`'s frame.
const SCRATCH = 0;
const ITEMS = 1;
const NODES = 2;
const CHILD = 3;
const RECORD = 4;
const TUPLE = 5;
const FILL_ARGS = Int32Array.of(CHILD);

/** Allocates `count` objects of `kind` and drops each at once (the containers make_tree drops). */
function transients(heap: Heap, count: number, kind: ObjectKind, nrefs: number): void {
  for (let i = 0; i < count; i++) {
    heap.new(SCRATCH, nrefs, 0, kind);
    heap.del(SCRATCH);
  }
}

/**
 * Fills the BNode in register 0 of a new frame with the port's `node`: its items list of
 * `(key, records[key])` tuples and, for an inner node, its nodes list of filled BNodes.
 */
function fill(heap: Heap, node: PortNode, records: number): void {
  heap.call(6, FILL_ARGS);
  const items = node.items;
  heap.new(ITEMS, items.length, 0, ObjectKind.list);
  for (let i = 0; i < items.length; i++) {
    heap.get(RECORD, records, items[i]!);
    heap.new(TUPLE, 1, 0, ObjectKind.tuple);
    heap.put(TUPLE, 0, RECORD);
    heap.put(ITEMS, i, TUPLE);
  }
  heap.put(0, 0, ITEMS);
  const children = node.nodes;
  if (children !== null) {
    heap.new(NODES, children.length, 0, ObjectKind.list);
    for (let i = 0; i < children.length; i++) {
      heap.new(CHILD, 2, 0, ObjectKind.object);
      heap.put(NODES, i, CHILD);
      fill(heap, children[i]!, records);
    }
    heap.put(0, 1, NODES);
  }
  heap.ret();
}

/** btree_gc as steps; size = NUM_NODES. */
export const btreeProgram: PyperformanceProgram = {
  name: 'btree',
  pre: 0,
  post: 1,
  keeps: true,
  setup(heap, size) {
    const records = heap.global('records');
    // list(make_records(n)): the generator, the list, n Records.
    transients(heap, 1, ObjectKind.object, 0);
    heap.new(records, size, 0, ObjectKind.list);
    for (let i = 0; i < size; i++) {
      heap.new(SCRATCH, 0, 0, ObjectKind.object);
      heap.put(records, i, SCRATCH);
    }
    heap.del(SCRATCH);
  },
  body(heap, size) {
    const { root, transient } = makeTreePort(size);
    transients(heap, transient.lists, ObjectKind.list, 0);
    transients(heap, transient.tuples, ObjectKind.tuple, 0);
    transients(heap, transient.objects, ObjectKind.object, 0);
    const tree = heap.global(KEPT);
    heap.new(tree, 1, 0, ObjectKind.object);
    heap.new(CHILD, 2, 0, ObjectKind.object);
    heap.put(tree, 0, CHILD);
    fill(heap, root, heap.global('records'));
    heap.del(CHILD);
  },
};

/** The `pyperf-btree` workload. */
export const pyperfBtree = pyperformanceWorkload(btreeProgram, {
  name: 'pyperf-btree',
  summary:
    'pyperformance btree_gc: a B-tree of records built, a fifth deleted and re-inserted, then a full collection',
  scales: {
    small: { size: 20_000, iterations: 3 },
    medium: { size: 200_000, iterations: 3 },
    large: { size: 200_000, iterations: 20 },
  },
});
