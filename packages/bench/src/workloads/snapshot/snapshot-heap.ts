/**
 * Builds a heap snapshot's graph in a simulated heap through the mutator API, under any collector,
 * and drops it in stages: the `snapshot:FILE` workload's program, and what the heap census measures
 * collectors on.
 *
 * Building, in the snapshot's order (every reference held in a root, so a moving collector may run
 * at any allocation):
 * 1. Allocate: object i gets `nrefs` = its pointer fields and a payload that makes its size under
 *    no-gc (8-byte shape word, 8 bytes a field, payload rounded to a word) the snapshot's size, or
 *    no payload when the fields alone are larger; every collector then adds its own header words.
 *    Each object is stored into an index (the global `snapshot index`: chunks of 4096 fields) so
 *    it stays reachable until it is wired.
 * 2. Wire: object i's fields are stored in order, targets fetched from the index (`get`, `put`).
 * 3. Roots: the snapshot's roots are stored, in the snapshot's order, into `stages` holder objects
 *    (globals `snapshot roots 0..stages-1`, contiguous runs of about roots/stages each).
 * 4. The index and the registers are dropped: from here only the roots keep the graph alive.
 *
 * Dropping stage s deletes its holder's global; what only its roots kept alive becomes garbage.
 * Scaffolding (the index, its chunks, the holders) is about objects/4096 + stages + 1 extra objects.
 */
import { type Heap, MAX_PAYLOAD, NULL_ROOT } from '@gclab/core';
import type { HeapGraph } from './heap-graph.ts';

/** log2 of the fields of an index chunk. */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** Registers of the outermost frame the build uses. */
const OBJ = 0;
const CHUNK_REG = 1;
const TARGET = 2;
const TARGET_CHUNK = 3;

/** Stages a snapshot's roots are dropped in by default. */
export const DEFAULT_SNAPSHOT_STAGES = 4;

/** A snapshot's graph built in a heap: the globals that hold its roots, one a stage. */
export interface SnapshotHeap {
  /** Root code of each stage's holder global. */
  readonly stages: Int32Array;
  /** Roots held by each stage. */
  readonly rootsPerStage: Uint32Array;
}

/** Payload bytes that make object i's no-gc size the snapshot's size (see the file comment). */
export function snapshotPayload(size: number, nrefs: number): number {
  const payload = size - 8 * (1 + nrefs);
  return payload <= 0 ? 0 : Math.min(payload, MAX_PAYLOAD);
}

/** Builds `graph` in `heap` (steps 1-4 of the file comment) with its roots in `stages` holders. */
export function buildSnapshotHeap(
  heap: Heap,
  graph: HeapGraph,
  stages = DEFAULT_SNAPSHOT_STAGES,
): SnapshotHeap {
  if (!(Number.isInteger(stages) && stages >= 1))
    throw new RangeError(`stages must be a positive integer, got ${stages}`);
  const n = graph.objects;
  const { sizes, edgeStart, edges, roots } = graph;
  const index = heap.global('snapshot index');
  heap.new(index, (n + CHUNK_MASK) >>> CHUNK_BITS, 0);
  for (let i = 0; i < n; i++) {
    if ((i & CHUNK_MASK) === 0) {
      heap.new(CHUNK_REG, Math.min(CHUNK, n - i), 0);
      heap.put(index, i >>> CHUNK_BITS, CHUNK_REG);
    }
    const nrefs = edgeStart[i + 1]! - edgeStart[i]!;
    heap.new(OBJ, nrefs, snapshotPayload(sizes[i]!, nrefs));
    heap.put(CHUNK_REG, i & CHUNK_MASK, OBJ);
  }
  let targetChunk = -1;
  let sourceChunk = -1;
  for (let i = 0; i < n; i++) {
    const first = edgeStart[i]!;
    const end = edgeStart[i + 1]!;
    if (first === end) continue;
    if (i >>> CHUNK_BITS !== sourceChunk) {
      sourceChunk = i >>> CHUNK_BITS;
      heap.get(CHUNK_REG, index, sourceChunk);
    }
    heap.get(OBJ, CHUNK_REG, i & CHUNK_MASK);
    for (let e = first; e < end; e++) {
      const j = edges[e]!;
      if (j >>> CHUNK_BITS !== targetChunk) {
        targetChunk = j >>> CHUNK_BITS;
        heap.get(TARGET_CHUNK, index, targetChunk);
      }
      heap.get(TARGET, TARGET_CHUNK, j & CHUNK_MASK);
      heap.put(OBJ, e - first, TARGET);
    }
  }
  let rootTotal = 0;
  for (let i = 0; i < n; i++) rootTotal += roots[i]!;
  const stageGlobals = new Int32Array(stages);
  const rootsPerStage = new Uint32Array(stages);
  for (let s = 0; s < stages; s++) {
    stageGlobals[s] = heap.global(`snapshot roots ${s}`);
    rootsPerStage[s] = Math.floor((rootTotal * (s + 1)) / stages) - Math.floor((rootTotal * s) / stages);
    heap.new(stageGlobals[s]!, rootsPerStage[s]!, 0);
  }
  let stage = 0;
  let slot = 0;
  targetChunk = -1;
  for (let i = 0; i < n; i++) {
    if (roots[i] === 0) continue;
    while (slot === rootsPerStage[stage]) {
      stage++;
      slot = 0;
    }
    if (i >>> CHUNK_BITS !== targetChunk) {
      targetChunk = i >>> CHUNK_BITS;
      heap.get(TARGET_CHUNK, index, targetChunk);
    }
    heap.get(TARGET, TARGET_CHUNK, i & CHUNK_MASK);
    heap.put(stageGlobals[stage]!, slot++, TARGET);
  }
  // Every register the build used, whichever steps ran (a graph without edges or roots included).
  if (n > 0) for (const register of [OBJ, CHUNK_REG, TARGET, TARGET_CHUNK]) heap.set(register, NULL_ROOT);
  heap.del(index);
  return { stages: stageGlobals, rootsPerStage };
}

/** Drops stage `s` of a built snapshot: its holder's global is deleted. */
export function dropSnapshotStage(heap: Heap, built: SnapshotHeap, s: number): void {
  heap.del(built.stages[s]!);
}

/**
 * The whole program of the `snapshot:FILE` workload: build, collect (what the snapshot held that its
 * roots do not reach is garbage now), then drop each stage and collect. Returns the objects built.
 */
export function runSnapshotHeap(heap: Heap, graph: HeapGraph, stages = DEFAULT_SNAPSHOT_STAGES): number {
  const built = buildSnapshotHeap(heap, graph, stages);
  heap.gc();
  for (let s = 0; s < stages; s++) {
    dropSnapshotStage(heap, built, s);
    heap.gc();
  }
  return graph.objects;
}
