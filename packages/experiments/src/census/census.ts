/**
 * The heap census of a snapshot: what a real program's heap looks like to a garbage collector.
 *
 * From the graph alone: objects and bytes by type; the share of objects and bytes in strongly
 * connected components of more than one object (Tarjan, `strongly-connected.ts`: what pure
 * reference counting leaks when the roots go) and the largest; size and fan-out distributions; the
 * header overhead each collector would pay on this size distribution (the shape word plus its
 * declared header words on every object: refcount's count word, CPython's count and two words of
 * GC links), exactly, object by object, as the snapshot workload lays objects out.
 *
 * From running each collector on the snapshot (`buildSnapshotHeap` in @gclab/bench): the work units
 * (deterministic) and wall time (reported, never asserted) of one full collection of the live heap,
 * then every root dropped at once: the objects freed at that moment (a counting collector's cascade,
 * with its pause work and longest pause), those freed by the next full collection, and those never
 * freed (leaked: cycles and all they reach, under counting alone).
 */
import {
  buildSnapshotHeap,
  DEFAULT_SNAPSHOT_STAGES,
  dropSnapshotStage,
  graphBytes,
  type HeapGraph,
  headerBytes,
  rootCount,
  snapshotPayload,
} from '@gclab/bench';
import { type CollectorDescriptor, Heap, OpCode, OutOfMemoryError, objectSize } from '@gclab/core';
import { type Distribution, fanOutDistribution, sizeDistribution } from './distribution.ts';
import { stronglyConnectedComponents } from './strongly-connected.ts';

/** Objects and bytes of one type. */
export interface TypeCount {
  type: string;
  objects: number;
  bytes: number;
}

/** Objects in cycles: strongly connected components of more than one object. */
export interface CycleFigures {
  /** Objects and bytes in components of more than one object, and their shares of the heap. */
  objects: number;
  bytes: number;
  objectShare: number;
  byteShare: number;
  /** Components of more than one object. */
  components: number;
  /** Objects in the largest component. */
  largest: number;
  /** Objects alone in their component that refer to themselves (a cycle of one). */
  selfLoops: number;
}

/** What one collector pays and does on the snapshot. */
export interface CollectorCensus {
  name: string;
  family: string;
  headerWords: number;
  /** Whether it ran on the snapshot to the end (the figures from `fullWork` on are 0 when not). */
  ran: boolean;
  /**
   * Why it did not run to the end although asked to: the `OutOfMemoryError`'s message (a copying
   * collector's two halves of a large heap may not fit the simulated 2 GiB address space); null when
   * it ran or was not asked to.
   */
  failure: string | null;
  /** Header bytes of every object (shape word and header words) and the heap's bytes under this layout. */
  headerBytes: number;
  heapBytes: number;
  /** headerBytes / heapBytes. */
  headerShare: number;
  /** heapBytes over no-gc's layout (header words 0), minus 1. */
  overNoGc: number;
  /** One full collection with the whole snapshot live: work units (deterministic), wall milliseconds. */
  fullWork: number;
  fullMs: number;
  /** Dropping every root at once: objects and bytes freed at that moment, the pauses' work and longest pause. */
  dropFreedObjects: number;
  dropFreedBytes: number;
  dropWork: number;
  dropMaxPauseMs: number;
  /** Freed by the full collection after the drop. */
  collectedObjects: number;
  /** Never freed: still unfreed after that collection. */
  leakedObjects: number;
  leakedBytes: number;
}

/** The census of one snapshot. */
export interface Census {
  /** The snapshot: its file (as given), format and what produced it. */
  file: string;
  format: string;
  source: string;
  objects: number;
  edges: number;
  bytes: number;
  roots: number;
  /** Types by bytes, largest first (the first `topTypes`), and how many types there are. */
  types: TypeCount[];
  typeCount: number;
  cycles: CycleFigures;
  sizes: Distribution;
  fanOut: Distribution;
  /** Per collector, in the order given. */
  collectors: CollectorCensus[];
}

/** Options of `takeCensus`. */
export interface CensusOptions {
  /** Types listed (default 15). */
  topTypes?: number;
  /**
   * Which collectors run on the snapshot: all (true, the default), none (false), or those named; a
   * collector that did not run has `ran` false and its run figures at 0.
   */
  run?: boolean | readonly string[];
  /**
   * The heap limit each collector runs under, in bytes (default none: the simulated 2 GiB address
   * space); a collector that cannot hold the snapshot under it has `failure` set.
   */
  heapLimit?: number;
  /** Called before each collector runs on the snapshot (a large heap takes seconds per collector). */
  onCollector?: (name: string, index: number, total: number) => void;
}

/** Objects and bytes by type, largest bytes first. */
export function typeCounts(graph: HeapGraph): TypeCount[] {
  const objects = new Float64Array(graph.typeNames.length);
  const bytes = new Float64Array(graph.typeNames.length);
  for (let i = 0; i < graph.objects; i++) {
    const t = graph.types[i]!;
    objects[t]!++;
    bytes[t]! += graph.sizes[i]!;
  }
  return graph.typeNames
    .map((type, t) => ({ type, objects: objects[t]!, bytes: bytes[t]! }))
    .sort((a, b) => b.bytes - a.bytes || b.objects - a.objects || (a.type < b.type ? -1 : 1));
}

/** Objects and bytes in strongly connected components of more than one object. */
export function cycleFigures(graph: HeapGraph): CycleFigures {
  const { componentOf, sizes, count } = stronglyConnectedComponents(graph);
  let objects = 0;
  let bytes = 0;
  let selfLoops = 0;
  for (let i = 0; i < graph.objects; i++) {
    if (sizes[componentOf[i]!]! > 1) {
      objects++;
      bytes += graph.sizes[i]!;
      continue;
    }
    for (let e = graph.edgeStart[i]!; e < graph.edgeStart[i + 1]!; e++) {
      if (graph.edges[e] === i) {
        selfLoops++;
        break;
      }
    }
  }
  let components = 0;
  let largest = 0;
  for (let c = 0; c < count; c++) {
    if (sizes[c]! > 1) components++;
    if (sizes[c]! > largest) largest = sizes[c]!;
  }
  const total = graphBytes(graph);
  return {
    objects,
    bytes,
    objectShare: graph.objects > 0 ? objects / graph.objects : 0,
    byteShare: total > 0 ? bytes / total : 0,
    components,
    largest: components > 0 ? largest : 0,
    selfLoops,
  };
}

/** Bytes of the snapshot's objects laid out with `headerWords` header words (as the workload builds them). */
export function layoutBytes(graph: HeapGraph, headerWords: number): number {
  let total = 0;
  for (let i = 0; i < graph.objects; i++) {
    const nrefs = graph.edgeStart[i + 1]! - graph.edgeStart[i]!;
    total += objectSize(headerWords, nrefs, snapshotPayload(graph.sizes[i]!, nrefs));
  }
  return total;
}

/** The figures of running a collector on the snapshot. */
type RunFigures = Pick<
  CollectorCensus,
  | 'fullWork'
  | 'fullMs'
  | 'dropFreedObjects'
  | 'dropFreedBytes'
  | 'dropWork'
  | 'dropMaxPauseMs'
  | 'collectedObjects'
  | 'leakedObjects'
  | 'leakedBytes'
>;

/** The run figures of a collector that did not run. */
const NOT_RUN: RunFigures = {
  fullWork: 0,
  fullMs: 0,
  dropFreedObjects: 0,
  dropFreedBytes: 0,
  dropWork: 0,
  dropMaxPauseMs: 0,
  collectedObjects: 0,
  leakedObjects: 0,
  leakedBytes: 0,
};

/** Runs `descriptor` on the snapshot: the full collection, the drop, the collection after it. */
function runCollector(
  graph: HeapGraph,
  descriptor: CollectorDescriptor,
  heapLimit: number | undefined,
): RunFigures {
  const heap = new Heap(descriptor, heapLimit === undefined ? {} : { heapLimit });
  try {
    const built = buildSnapshotHeap(heap, graph);
    // What the snapshot held that its roots do not reach goes first, so the timed collection sees
    // exactly the live graph.
    heap.gc();
    const pauses = heap.telemetry.pauses;
    let first = pauses.length;
    const started = performance.now();
    heap.gc();
    const fullMs = performance.now() - started;
    let fullWork = 0;
    for (let p = first; p < pauses.length; p++) fullWork += pauses.get(p).work;
    const freed = heap.telemetry.freedDuringOp;
    const bytesFreed = heap.telemetry.bytesFreedDuringOp;
    const objectsBefore = freed[OpCode.del]!;
    const bytesBefore = bytesFreed[OpCode.del]!;
    const holders = built.stages.length;
    first = pauses.length;
    for (let s = 0; s < holders; s++) dropSnapshotStage(heap, built, s);
    let dropWork = 0;
    let dropMaxPauseMs = 0;
    for (let p = first; p < pauses.length; p++) {
      const pause = pauses.get(p);
      dropWork += pause.work;
      dropMaxPauseMs = Math.max(dropMaxPauseMs, pause.nanos / 1e6);
    }
    // The holders themselves are scaffolding, not the snapshot's objects.
    const dropFreedObjects = Math.max(0, freed[OpCode.del]! - objectsBefore - holders);
    const dropFreedBytes = bytesFreed[OpCode.del]! - bytesBefore;
    const unfreedBefore = heap.stats().unfreedObjects;
    heap.gc();
    const after = heap.stats();
    return {
      fullWork,
      fullMs,
      dropFreedObjects,
      dropFreedBytes,
      dropWork,
      dropMaxPauseMs,
      collectedObjects: unfreedBefore - after.unfreedObjects,
      leakedObjects: after.unfreedObjects,
      leakedBytes: after.unfreedBytes,
    };
  } finally {
    heap.release();
  }
}

/** The census of `graph` read from `file`, with every collector of `descriptors` (see the file comment). */
export function takeCensus(
  file: string,
  graph: HeapGraph,
  descriptors: readonly CollectorDescriptor[],
  options: CensusOptions = {},
): Census {
  const types = typeCounts(graph);
  const noGcBytes = layoutBytes(graph, 0);
  const collectors = descriptors.map((d, i): CollectorCensus => {
    const headerWords = d.constraints.headerWords;
    const heapBytes = layoutBytes(graph, headerWords);
    const headers = headerBytes(graph.objects, headerWords);
    const asked =
      options.run === undefined ||
      options.run === true ||
      (options.run !== false && options.run.includes(d.name));
    let run = NOT_RUN;
    let failure: string | null = null;
    if (asked) {
      options.onCollector?.(d.name, i, descriptors.length);
      try {
        run = runCollector(graph, d, options.heapLimit);
      } catch (error) {
        // The heap does not fit this collector: a finding about the collector on this heap, not a
        // failed census; the other collectors' figures stand.
        if (!(error instanceof OutOfMemoryError)) throw error;
        failure = error.message;
      }
    }
    return {
      name: d.name,
      family: d.family,
      headerWords,
      ran: asked && failure === null,
      failure,
      headerBytes: headers,
      heapBytes,
      headerShare: heapBytes > 0 ? headers / heapBytes : 0,
      overNoGc: noGcBytes > 0 ? heapBytes / noGcBytes - 1 : 0,
      ...run,
    };
  });
  return {
    file,
    format: graph.format,
    source: graph.source,
    objects: graph.objects,
    edges: graph.edgeCount,
    bytes: graphBytes(graph),
    roots: rootCount(graph),
    types: types.slice(0, options.topTypes ?? 15),
    typeCount: types.length,
    cycles: cycleFigures(graph),
    sizes: sizeDistribution(graph),
    fanOut: fanOutDistribution(graph),
    collectors,
  };
}

/** The stages `takeCensus` builds a snapshot's roots in (the drop removes them all at once). */
export const CENSUS_STAGES = DEFAULT_SNAPSHOT_STAGES;
