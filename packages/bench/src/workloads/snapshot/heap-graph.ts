/**
 * A heap snapshot as one compact object graph: what a V8 `.heapsnapshot` or a CPython heap snapshot
 * (`scripts/heap_snapshot.py`) becomes once read, in typed arrays (never one JS object per object),
 * so a snapshot of millions of objects costs a few arrays.
 *
 * Objects are numbered 0..objects-1 in the snapshot's order. The pointer fields of object i are
 * `edges[edgeStart[i] .. edgeStart[i + 1])` (object numbers, in the snapshot's order; duplicates kept,
 * as a real object may hold the same reference twice). `roots[i]` is 1 when something outside the
 * snapshot's graph refers to object i: V8's synthetic root nodes (the GC roots, handle scopes, the
 * global object's shortcut), or, in CPython, a reference count above the references found inside
 * the graph (gcmodule.c's `subtract_refs`). `GraphBuilder` grows the arrays while a reader streams.
 */

/** Which kind of snapshot a graph was read from. */
export type SnapshotFormat = 'v8' | 'cpython';

/** A heap snapshot's object graph. */
export interface HeapGraph {
  /** The format it was read from. */
  readonly format: SnapshotFormat;
  /** Number of objects. */
  readonly objects: number;
  /** Number of pointer fields over all objects. */
  readonly edgeCount: number;
  /** Bytes of each object as the snapshot reports it (V8 `self_size`, CPython `sys.getsizeof`). */
  readonly sizes: Uint32Array;
  /** Type of each object: an index into `typeNames`. */
  readonly types: Uint32Array;
  /** Type names, in the order they were first seen. */
  readonly typeNames: readonly string[];
  /** First pointer field of each object in `edges`; `objects + 1` entries. */
  readonly edgeStart: Uint32Array;
  /** Targets of the pointer fields (object numbers). */
  readonly edges: Uint32Array;
  /** 1 for an object referenced from outside the graph (a root). */
  readonly roots: Uint8Array;
  /** What produced it (V8 version, or the Python program and version), when the snapshot says. */
  readonly source: string;
}

/** Accumulates a graph object by object while a reader streams a snapshot. */
export class GraphBuilder {
  private sizes: Uint32Array;
  private types: Uint32Array;
  private edgeStart: Uint32Array;
  private edges: Uint32Array;
  private roots: Uint8Array;
  private readonly typeNames: string[] = [];
  private readonly typeIndex = new Map<string, number>();
  /** Objects added so far. */
  objects = 0;
  /** Pointer fields added so far. */
  edgeCount = 0;

  /** `objects` and `edges` are capacity hints (0 when unknown). */
  constructor(objects = 0, edges = 0) {
    const n = Math.max(16, objects);
    this.sizes = new Uint32Array(n);
    this.types = new Uint32Array(n);
    this.roots = new Uint8Array(n);
    this.edgeStart = new Uint32Array(n + 1);
    this.edges = new Uint32Array(Math.max(16, edges));
  }

  /** The type id of `name`, interning it when new. */
  typeId(name: string): number {
    let id = this.typeIndex.get(name);
    if (id === undefined) {
      id = this.typeNames.length;
      this.typeNames.push(name);
      this.typeIndex.set(name, id);
    }
    return id;
  }

  /** Starts object number `objects` with its size and type; its edges follow with `addEdge`. */
  addObject(size: number, type: number): void {
    const i = this.objects;
    if (i + 1 >= this.edgeStart.length) this.growObjects(i + 2);
    this.sizes[i] = size;
    this.types[i] = type;
    this.edgeStart[i] = this.edgeCount;
    this.objects = i + 1;
    this.edgeStart[i + 1] = this.edgeCount;
  }

  /** Adds a pointer field to the last object started. */
  addEdge(target: number): void {
    if (this.edgeCount >= this.edges.length) this.edges = grow(this.edges, this.edgeCount + 1);
    this.edges[this.edgeCount++] = target;
    this.edgeStart[this.objects] = this.edgeCount;
  }

  /** Sets the type of object `i` (a reader that learns type names late). */
  setType(i: number, type: number): void {
    this.types[i] = type;
  }

  /** Marks object `i` as referenced from outside the graph. */
  markRoot(i: number): void {
    this.roots[i] = 1;
  }

  /** Overwrites the target of pointer field `e` (a reader that renumbers objects). */
  setEdge(e: number, target: number): void {
    this.edges[e] = target;
  }

  /** Target of pointer field `e` as added. */
  edgeAt(e: number): number {
    return this.edges[e]!;
  }

  /** The finished graph (the builder must not be used afterwards). */
  finish(format: SnapshotFormat, source: string): HeapGraph {
    const n = this.objects;
    return {
      format,
      objects: n,
      edgeCount: this.edgeCount,
      sizes: this.sizes.subarray(0, n),
      types: this.types.subarray(0, n),
      typeNames: this.typeNames,
      edgeStart: this.edgeStart.subarray(0, n + 1),
      edges: this.edges.subarray(0, this.edgeCount),
      roots: this.roots.subarray(0, n),
      source,
    };
  }

  private growObjects(min: number): void {
    this.sizes = grow(this.sizes, min);
    this.types = grow(this.types, min);
    this.edgeStart = grow(this.edgeStart, min + 1);
    const roots = new Uint8Array(this.sizes.length);
    roots.set(this.roots);
    this.roots = roots;
  }
}

function grow(array: Uint32Array, min: number): Uint32Array {
  const next = new Uint32Array(Math.max(min, array.length * 2));
  next.set(array);
  return next;
}

/** Total bytes of the graph's objects as the snapshot reports them. */
export function graphBytes(graph: HeapGraph): number {
  let total = 0;
  for (let i = 0; i < graph.objects; i++) total += graph.sizes[i]!;
  return total;
}

/** Number of objects marked as roots. */
export function rootCount(graph: HeapGraph): number {
  let n = 0;
  for (let i = 0; i < graph.objects; i++) n += graph.roots[i]!;
  return n;
}
