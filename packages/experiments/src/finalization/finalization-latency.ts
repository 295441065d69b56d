/**
 * How promptly each collector finalizes (the `finalization` experiment and the debate's claim that
 * "reference counting finalizes promptly").
 *
 * The workload is a program that opens files: each round allocates a file object (an instance with
 * 4 KiB of buffer, and a finalizer that would close it), does some work (temporaries: small objects
 * allocated and dropped, a few of them linked), then drops its only reference to the file. For each
 * file the experiment knows the operation that dropped it and the bytes allocated by then; it
 * listens to the heap's output for `finalize N` and measures the latency in operations and in bytes
 * allocated between the drop and the finalizer. Three shapes:
 * - `acyclic`: the file refers to nothing that refers back;
 * - `cyclic`: the file is in a reference cycle with a helper object (a bound method, a parent link),
 *   the case reference counting alone never finalizes;
 * - `resurrecting`: as acyclic, but the finalizer stores the file into a global (resurrection), and
 *   the program drops that global again at its next round.
 * Files not finalized by the end of the rounds are counted, then a final full collection runs and
 * finalizes what it can. Each shape also runs without finalizers, so the work finalization adds to
 * tracing (objects traced, bytes copied) and the memory it holds (peak reserved bytes) are measured
 * as differences on the same program.
 */
import { type CollectorDescriptor, glob, Heap, reg, type TraceOp, TracePerformer } from '@gclab/core';
import { type Experiment, integerFlag, numberValue } from '../experiment.ts';

/** The shapes of the workload. */
export const FINALIZATION_SHAPES = ['acyclic', 'cyclic', 'resurrecting'] as const;
/** A shape of the workload. */
export type FinalizationShape = (typeof FINALIZATION_SHAPES)[number];

/** Options of one run. */
export interface FinalizationOptions {
  /** Files opened (rounds). */
  files: number;
  /** Temporaries allocated per round between opening and dropping the file. */
  work: number;
}

/** Default options: 2,000 files, 40 temporaries per round. */
export const DEFAULT_FINALIZATION_OPTIONS: FinalizationOptions = { files: 2000, work: 40 };

/** Latencies of one shape under one collector. */
export interface FinalizationLatency {
  collector: string;
  shape: FinalizationShape;
  /** Files opened and dropped. */
  files: number;
  /** Finalized during the operation that dropped them. */
  prompt: number;
  /** Finalized by the end of the rounds (prompt included). */
  finalizedDuringRun: number;
  /** Finalized only by the final full collection. */
  finalizedAtEnd: number;
  /** Never finalized (even after the final full collection). */
  never: number;
  /** Operations from the drop to the finalizer: median, 90th percentile and maximum (finalized ones). */
  opsMedian: number;
  opsP90: number;
  opsMax: number;
  /** Bytes allocated from the drop to the finalizer: median, 90th percentile and maximum. */
  bytesMedian: number;
  bytesP90: number;
  bytesMax: number;
  /** Collections during the rounds. */
  collections: number;
  /** Objects traced and bytes copied during the rounds, and the same program without finalizers. */
  objectsTraced: number;
  objectsTracedWithout: number;
  bytesCopied: number;
  bytesCopiedWithout: number;
  /** Peak bytes reserved from the OS, with and without finalizers. */
  peakReservedBytes: number;
  peakReservedBytesWithout: number;
}

/** The program of one shape, as trace operations, and the op index of each file's drop. */
function program(shape: FinalizationShape, options: FinalizationOptions, finalizers: boolean): TraceOp[] {
  const ops: TraceOp[] = [];
  const file = glob('file');
  for (let round = 0; round < options.files; round++) {
    if (shape === 'resurrecting') ops.push({ op: 'set', dst: glob('saved'), src: null });
    ops.push({ op: 'new', dst: file, refs: 1, bytes: 4096, kind: 'object' });
    if (finalizers)
      ops.push({
        op: 'finalizer',
        obj: file,
        action: { kind: 'finalize', resurrect: shape === 'resurrecting' ? 'saved' : null },
      });
    if (shape === 'cyclic') {
      ops.push({ op: 'new', dst: reg(1), refs: 1, bytes: 0, kind: 'object' });
      ops.push({ op: 'put', obj: reg(1), index: 0, src: file });
      ops.push({ op: 'put', obj: file, index: 0, src: reg(1) });
      ops.push({ op: 'del', dst: reg(1) });
    }
    for (let t = 0; t < options.work; t++) {
      ops.push({ op: 'new', dst: reg(2 + (t % 4)), refs: 2, bytes: 16, kind: 'object' });
      if (t % 4 === 3) ops.push({ op: 'put', obj: reg(2), index: 0, src: reg(3) });
    }
    ops.push({ op: 'del', dst: file });
  }
  if (shape === 'resurrecting') ops.push({ op: 'set', dst: glob('saved'), src: null });
  return ops;
}

/** Sorted values' `q` quantile (nearest rank); 0 for none. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Runs `ops` on a fresh heap and returns it. */
function execute(descriptor: CollectorDescriptor, ops: readonly TraceOp[]): Heap {
  const heap = new Heap(descriptor);
  const performer = new TracePerformer(heap);
  for (const op of ops) performer.perform(op);
  return heap;
}

/** Measures one shape under one collector. */
export function measureFinalization(
  descriptor: CollectorDescriptor,
  shape: FinalizationShape,
  options: FinalizationOptions = DEFAULT_FINALIZATION_OPTIONS,
): FinalizationLatency {
  const ops = program(shape, options, true);
  // The finalizer registered by op i belongs to the file dropped by the next `del g:file`.
  const dropOf = new Map<number, number>();
  let pending: number[] = [];
  ops.forEach((op, i) => {
    if (op.op === 'finalizer') pending.push(i);
    else if (op.op === 'del' && op.dst.kind === 'global' && op.dst.name === 'file') {
      for (const id of pending) dropOf.set(id, i);
      pending = [];
    }
  });
  // The allocation clock at each drop, recorded as the run passes it.
  const clockAtDrop = new Map<number, number>();
  const latencyOps: number[] = [];
  const latencyBytes: number[] = [];
  let prompt = 0;
  let duringRun = 0;
  const finalizedIds = new Set<number>();
  let ended = false;
  let atEnd = 0;
  const heap = new Heap(descriptor);
  heap.onOutput = (line) => {
    if (!line.startsWith('finalize ')) return;
    const id = Number(line.slice(9));
    if (finalizedIds.has(id)) return;
    finalizedIds.add(id);
    if (ended) {
      atEnd++;
      return;
    }
    const drop = dropOf.get(id);
    if (drop === undefined || heap.opIndex < drop) return; // finalized before its drop: not a file
    duringRun++;
    const ops = heap.opIndex - drop;
    if (ops === 0) prompt++;
    latencyOps.push(ops);
    latencyBytes.push(heap.counters.bytesAllocated - (clockAtDrop.get(drop) ?? heap.counters.bytesAllocated));
  };
  const performer = new TracePerformer(heap);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.op === 'del' && op.dst.kind === 'global' && op.dst.name === 'file')
      clockAtDrop.set(i, heap.counters.bytesAllocated);
    performer.perform(op);
  }
  const collections = Object.values(heap.telemetry.collectionsByKind).reduce((a, b) => a + b, 0);
  const traced = heap.counters.objectsTraced;
  const copied = heap.counters.bytesCopied;
  const peak = heap.os.peakReservedBytes;
  ended = true;
  heap.gc();
  heap.gc();
  const without = execute(descriptor, program(shape, options, false));
  latencyOps.sort((a, b) => a - b);
  latencyBytes.sort((a, b) => a - b);
  return {
    collector: descriptor.name,
    shape,
    files: options.files,
    prompt,
    finalizedDuringRun: duringRun,
    finalizedAtEnd: atEnd,
    never: options.files - duringRun - atEnd,
    opsMedian: quantile(latencyOps, 0.5),
    opsP90: quantile(latencyOps, 0.9),
    opsMax: latencyOps.at(-1) ?? 0,
    bytesMedian: quantile(latencyBytes, 0.5),
    bytesP90: quantile(latencyBytes, 0.9),
    bytesMax: latencyBytes.at(-1) ?? 0,
    collections,
    objectsTraced: traced,
    objectsTracedWithout: without.counters.objectsTraced,
    bytesCopied: copied,
    bytesCopiedWithout: without.counters.bytesCopied,
    peakReservedBytes: peak,
    peakReservedBytesWithout: without.os.peakReservedBytes,
  };
}

/** The figures of the `finalization` experiment (what `--json` prints). */
export interface FinalizationResult {
  experiment: 'finalization';
  options: FinalizationOptions;
  runs: FinalizationLatency[];
}

/** Every shape under every collector of `collectors`. */
export function runFinalization(
  collectors: readonly CollectorDescriptor[],
  options: FinalizationOptions = DEFAULT_FINALIZATION_OPTIONS,
): FinalizationResult {
  const runs: FinalizationLatency[] = [];
  for (const shape of FINALIZATION_SHAPES)
    for (const descriptor of collectors) runs.push(measureFinalization(descriptor, shape, options));
  return { experiment: 'finalization', options, runs };
}

/** The text form: a table per shape. */
export function formatFinalization(result: FinalizationResult): string {
  const lines: string[] = [
    `${result.options.files} files opened and dropped, ${result.options.work} temporaries between open and drop.`,
    'Latency from the drop of the last reference to the finalizer, in operations and bytes allocated',
    '(median / 90th percentile / max over the files finalized during the run).',
  ];
  const width = Math.max(9, ...result.runs.map((r) => r.collector.length));
  for (const shape of FINALIZATION_SHAPES) {
    lines.push(
      '',
      `${shape}:`,
      `${'collector'.padEnd(width)}  prompt  by end  at final gc  never  ops (med/p90/max)    bytes (med/p90/max)`,
    );
    for (const r of result.runs.filter((x) => x.shape === shape)) {
      lines.push(
        `${r.collector.padEnd(width)}  ${String(r.prompt).padStart(6)}  ${String(r.finalizedDuringRun).padStart(6)}  ${String(r.finalizedAtEnd).padStart(11)}  ${String(r.never).padStart(5)}  ${`${r.opsMedian}/${r.opsP90}/${r.opsMax}`.padEnd(18)}  ${r.bytesMedian}/${r.bytesP90}/${r.bytesMax}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The `finalization` experiment: every collector of the context. */
export const finalization: Experiment<FinalizationResult> = {
  name: 'finalization',
  summary: 'How promptly each collector runs finalizers: acyclic, cyclic and resurrecting objects',
  options: [
    integerFlag({
      key: 'files',
      value: 'count',
      description: 'files opened and dropped',
      defaultValue: DEFAULT_FINALIZATION_OPTIONS.files,
      min: 1,
      max: 1_000_000,
      expected: 'a file count from 1 to 1000000',
    }),
    integerFlag({
      key: 'work',
      value: 'count',
      description: 'temporaries allocated per file',
      defaultValue: DEFAULT_FINALIZATION_OPTIONS.work,
      min: 0,
      max: 100_000,
      expected: 'a count from 0 to 100000',
    }),
  ],
  examples: ['experiment finalization', 'experiment finalization --files 500 --json'],
  run: (options, context) =>
    runFinalization(context.collectors, {
      files: numberValue(options, 'files'),
      work: numberValue(options, 'work'),
    }),
  format: formatFinalization,
};
