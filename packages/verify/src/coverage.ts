/**
 * Coverage the campaign can show: per program, how far it reached into the shapes that break
 * collectors (the longest garbage and live cycle present at a full collection, the widest object
 * with its last field set, sizes at size-class and page boundaries, large objects, growth of the
 * memory array, call depth, globals, length, collections forced in stress mode, how many operations
 * an incremental collector's cycle stayed in progress across), and per campaign how many programs
 * reached each shape (`COVERAGE_SHAPES`).
 *
 * An incremental cycle is seen through the telemetry every collector reports to: it opens at the
 * first operation that records a pause after the previous collection record, and closes at the
 * operation whose collection record ends it (an incremental collector records its collection when
 * the cycle completes); its span is the operations from the one to the other. Only collectors whose
 * constraints say `incremental` are measured (a reference-counting cascade is a pause with no
 * collection record after it).
 *
 * A cycle's length is the size of its strongly connected component (a ring of n objects is one
 * component of n; a self-reference is a component of one).
 *
 * Trace format 2: finalizers that ran, resurrections, a garbage cycle holding an object whose
 * finalizer has not run at a full collection, callbacks of cleared weak references, `deref`s that
 * read null, and `deref`s that returned a referent the collector had moved since the weak reference
 * was made (the lockstep run counts these events as it checks them).
 */

import type { TraceOp } from '@gclab/core';
import type { LockstepRun } from './lockstep.ts';
import { type ModelObject, ReferenceModel } from './reference-model.ts';

/** How far one program reached. */
export interface ProgramCoverage {
  /** Most objects on one cycle of garbage present at a full collection (0 = none). */
  garbageCycle: number;
  /** Most objects on one cycle of reachable objects present at a full collection (0 = none). */
  liveCycle: number;
  /** Most reference fields of an object whose last field was set to an object. */
  widestLastField: number;
  /** Objects allocated with a size at, or a word under or over, a multiple of 512 bytes. */
  boundaryObjects: number;
  /** Bytes of the largest object allocated. */
  largestObject: number;
  /** Times the memory array grew. */
  memoryGrowths: number;
  /** Deepest call depth (frames below the outermost). */
  maxDepth: number;
  /** Most globals defined at once. */
  globals: number;
  /** Operations run (forced collections included). */
  ops: number;
  /** Collections forced in stress mode. */
  forcedCollections: number;
  /**
   * Most operations one incremental collection cycle was in progress across (from the operation of
   * its first pause to the one that recorded the collection; 0 for a collector that is not
   * incremental, or whose cycles each fit in one operation).
   */
  incrementalSpan: number;
  /** Finalizers that ran. */
  finalizersRun: number;
  /** Finalizers that ran and stored their object into a global. */
  resurrections: number;
  /** Most objects on one garbage cycle holding an object with a finalizer not yet run, at a full collection. */
  finalizableCycle: number;
  /** Callbacks of cleared weak references that ran. */
  callbacks: number;
  /** `deref`s that gave null (a cleared weak reference). */
  derefNull: number;
  /** `deref`s that returned a referent the collector had moved since the weak reference was made. */
  derefMoved: number;
}

/** A shape of `COVERAGE_SHAPES`: a measure of `ProgramCoverage` at or above a threshold. */
export interface CoverageShapeSpec {
  /** Its name. */
  readonly shape: string;
  /** What it is, in words. */
  readonly label: string;
  /** The measure. */
  readonly measure: keyof ProgramCoverage;
  /** A program reaches the shape when its measure is at least this. */
  readonly atLeast: number;
}

/** The shapes the coverage counts programs for. */
export const COVERAGE_SHAPES = [
  { shape: 'garbage-cycle', label: 'garbage cycle at a full gc', measure: 'garbageCycle', atLeast: 1 },
  {
    shape: 'garbage-cycle-8',
    label: 'garbage cycle of 8+ at a full gc',
    measure: 'garbageCycle',
    atLeast: 8,
  },
  {
    shape: 'garbage-cycle-64',
    label: 'garbage cycle of 64 at a full gc',
    measure: 'garbageCycle',
    atLeast: 64,
  },
  { shape: 'live-cycle', label: 'live cycle at a full gc', measure: 'liveCycle', atLeast: 1 },
  { shape: 'live-cycle-8', label: 'live cycle of 8+ at a full gc', measure: 'liveCycle', atLeast: 8 },
  { shape: 'live-cycle-64', label: 'live cycle of 64 at a full gc', measure: 'liveCycle', atLeast: 64 },
  { shape: 'fields-5', label: 'last of 5+ fields set', measure: 'widestLastField', atLeast: 5 },
  { shape: 'fields-64', label: 'last of 64 fields set', measure: 'widestLastField', atLeast: 64 },
  { shape: 'boundary-size', label: 'size at/near a multiple of 512', measure: 'boundaryObjects', atLeast: 1 },
  { shape: 'large-32k', label: 'object over 32 KiB', measure: 'largestObject', atLeast: (32 << 10) + 1 },
  { shape: 'large-1m', label: 'object over 1 MiB', measure: 'largestObject', atLeast: (1 << 20) + 1 },
  { shape: 'memory-grew', label: 'memory array grew', measure: 'memoryGrowths', atLeast: 1 },
  { shape: 'memory-grew-3', label: 'memory array grew 3+ times', measure: 'memoryGrowths', atLeast: 3 },
  { shape: 'depth-16', label: 'call depth 16+', measure: 'maxDepth', atLeast: 16 },
  { shape: 'depth-64', label: 'call depth 64+', measure: 'maxDepth', atLeast: 64 },
  { shape: 'globals-9', label: '9+ globals', measure: 'globals', atLeast: 9 },
  { shape: 'globals-64', label: '64 globals', measure: 'globals', atLeast: 64 },
  { shape: 'ops-200', label: '200+ operations', measure: 'ops', atLeast: 200 },
  { shape: 'ops-10000', label: '10000+ operations', measure: 'ops', atLeast: 10000 },
  { shape: 'stress', label: 'collections forced (stress)', measure: 'forcedCollections', atLeast: 1 },
  { shape: 'stress-100', label: '100+ collections forced', measure: 'forcedCollections', atLeast: 100 },
  {
    shape: 'incremental-16',
    label: 'incremental cycle across 16+ ops',
    measure: 'incrementalSpan',
    atLeast: 16,
  },
  {
    shape: 'incremental-100',
    label: 'incremental cycle across 100+ ops',
    measure: 'incrementalSpan',
    atLeast: 100,
  },
  { shape: 'finalizer-ran', label: 'finalizer ran', measure: 'finalizersRun', atLeast: 1 },
  { shape: 'resurrection', label: 'finalizer resurrected its object', measure: 'resurrections', atLeast: 1 },
  {
    shape: 'finalizable-cycle',
    label: 'finalizable object on a garbage cycle at a full gc',
    measure: 'finalizableCycle',
    atLeast: 1,
  },
  { shape: 'weakref-callback', label: 'weakref cleared with callback', measure: 'callbacks', atLeast: 1 },
  { shape: 'deref-null', label: 'deref of a cleared weakref', measure: 'derefNull', atLeast: 1 },
  { shape: 'deref-moved', label: 'deref after its referent moved', measure: 'derefMoved', atLeast: 1 },
] as const satisfies readonly CoverageShapeSpec[];

/** The name of a shape of `COVERAGE_SHAPES`. */
export type CoverageShape = (typeof COVERAGE_SHAPES)[number]['shape'];

/** Programs of a campaign that reached each shape. */
export type CoverageCounts = Record<CoverageShape, number>;

/** Counts of zero programs for every shape. */
export function emptyCoverage(): CoverageCounts {
  return Object.fromEntries(COVERAGE_SHAPES.map((s) => [s.shape, 0])) as CoverageCounts;
}

/** Adds one program's coverage to the counts. */
export function addCoverage(counts: CoverageCounts, program: ProgramCoverage): void {
  for (const s of COVERAGE_SHAPES) if (program[s.measure] >= s.atLeast) counts[s.shape]++;
}

/** Whether an object of `size` bytes is at, or a word under or over, a multiple of 512. */
function atBoundary(size: number): boolean {
  const rest = size % 512;
  return size >= 504 && (rest === 0 || rest === 8 || rest === 504);
}

/** Watches one lockstep run: call `before` and `after` around each operation it executes. */
export class CoverageProbe {
  /** What the run reached so far. */
  readonly reached: ProgramCoverage = {
    garbageCycle: 0,
    liveCycle: 0,
    widestLastField: 0,
    boundaryObjects: 0,
    largestObject: 0,
    memoryGrowths: 0,
    maxDepth: 0,
    globals: 0,
    ops: 0,
    forcedCollections: 0,
    incrementalSpan: 0,
    finalizersRun: 0,
    resurrections: 0,
    finalizableCycle: 0,
    callbacks: 0,
    derefNull: 0,
    derefMoved: 0,
  };
  private words: Int32Array;
  /** Whether the collector is incremental (only then are cycles measured). */
  private readonly incremental: boolean;
  /** Pauses of the log already accounted to a cycle (or before the first). */
  private pausesSeen = 0;
  /** The operation the cycle in progress opened at, or -1. */
  private openedAt = -1;

  constructor(private readonly run: LockstepRun) {
    this.words = run.heap.memory.words;
    this.incremental = run.config.descriptor.constraints.incremental;
    if (this.incremental) run.heap.telemetry.collectionListeners.push(() => this.recorded());
  }

  /** A collection record: it ends the cycle in progress. */
  private recorded(): void {
    const reached = this.reached;
    if (this.openedAt >= 0)
      reached.incrementalSpan = Math.max(reached.incrementalSpan, reached.ops - this.openedAt);
    this.openedAt = -1;
    this.pausesSeen = this.run.heap.telemetry.pauses.length;
  }

  /** Before `op` runs: the cycles present at a full collection. */
  before(op: TraceOp): void {
    if (!ReferenceModel.isFullCollection(op)) return;
    const model = this.run.model;
    model.markReachable();
    const finalizers = model.finalizers.size > 0;
    for (const component of cycles(model.objects)) {
      const live = model.isMarked(component[0]!);
      const reached = this.reached;
      if (live) reached.liveCycle = Math.max(reached.liveCycle, component.length);
      else {
        reached.garbageCycle = Math.max(reached.garbageCycle, component.length);
        if (finalizers && component.some((o) => o.finalizer?.state === 'pending'))
          reached.finalizableCycle = Math.max(reached.finalizableCycle, component.length);
      }
    }
  }

  /** After `op` ran (`forced` when stress mode forced it). */
  after(op: TraceOp, forced: boolean): void {
    const reached = this.reached;
    const model = this.run.model;
    if (this.incremental) {
      const pauses = this.run.heap.telemetry.pauses.length;
      if (this.openedAt < 0 && pauses > this.pausesSeen) this.openedAt = reached.ops;
      this.pausesSeen = pauses;
    }
    reached.ops++;
    if (forced) reached.forcedCollections++;
    const events = this.run.events;
    reached.finalizersRun = events.finalizers;
    reached.resurrections = events.resurrections;
    reached.callbacks = events.callbacks;
    reached.derefNull = events.derefNull;
    reached.derefMoved = events.derefMoved;
    reached.maxDepth = Math.max(reached.maxDepth, model.depth);
    reached.globals = Math.max(reached.globals, model.globals.size);
    const words = this.run.heap.memory.words;
    if (words !== this.words) {
      reached.memoryGrowths++;
      this.words = words;
    }
    if (op.op === 'new') {
      const size = model.objects[model.objects.length - 1]!.size;
      reached.largestObject = Math.max(reached.largestObject, size);
      if (atBoundary(size)) reached.boundaryObjects++;
    } else if (op.op === 'put') {
      const fields = model.read(op.obj)!.fields;
      if (op.index === fields.length - 1 && fields[op.index] !== null)
        reached.widestLastField = Math.max(reached.widestLastField, fields.length);
    }
  }
}

/**
 * The cycles among the unfreed objects: strongly connected components (Tarjan's algorithm,
 * iterative) of more than one object or of one object referring to itself.
 */
function cycles(objects: readonly ModelObject[]): ModelObject[][] {
  const index = new Map<ModelObject, number>();
  const low = new Map<ModelObject, number>();
  const onStack = new Set<ModelObject>();
  const stack: ModelObject[] = [];
  const out: ModelObject[][] = [];
  let next = 0;
  for (const root of objects) {
    if (root.freed || index.has(root)) continue;
    const work: Array<{ o: ModelObject; field: number }> = [{ o: root, field: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const { o } = top;
      if (top.field < o.fields.length) {
        const f = o.fields[top.field++];
        if (f === null || f === undefined || f.freed) continue;
        if (!index.has(f)) {
          index.set(f, next);
          low.set(f, next++);
          stack.push(f);
          onStack.add(f);
          work.push({ o: f, field: 0 });
        } else if (onStack.has(f)) low.set(o, Math.min(low.get(o)!, index.get(f)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.o;
        low.set(parent, Math.min(low.get(parent)!, low.get(o)!));
      }
      if (low.get(o) !== index.get(o)) continue;
      const component: ModelObject[] = [];
      let member: ModelObject;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== o);
      if (component.length > 1 || o.fields.includes(o)) out.push(component);
    }
  }
  return out;
}
