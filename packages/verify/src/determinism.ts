/**
 * Property 5, determinism: a program's deterministic figures (counters, collection log, pause kinds
 * and work units, the collector's own stats, where the program ended) as one comparable text, and a
 * plain re-run (no checked mode, no model) that must reproduce them exactly.
 */
import {
  type CollectorDescriptor,
  type CollectorOptions,
  Heap,
  OutOfMemoryError,
  type TraceOp,
  TracePerformer,
} from '@gclab/core';
import { describeError } from './lockstep.ts';

/** The deterministic figures of a heap after a program, as canonical JSON. */
export function fingerprint(heap: Heap, outOfMemory: boolean): string {
  const pauses: Array<[string, number]> = [];
  for (let i = 0; i < heap.telemetry.pauses.length; i++) {
    const p = heap.telemetry.pauses.get(i);
    pauses.push([p.kind, p.work]);
  }
  return JSON.stringify({
    counters: { ...heap.counters },
    collections: heap.telemetry.collections,
    pauses,
    stats: heap.collector.stats(),
    reservedBytes: heap.os.reservedBytes,
    peakReservedBytes: heap.os.peakReservedBytes,
    outOfMemory,
  });
}

/** Runs `ops` on a fresh, unchecked heap and returns its fingerprint (or how it failed). */
export function plainFingerprint(
  descriptor: CollectorDescriptor,
  ops: readonly TraceOp[],
  heapLimit: number | null,
  collectorOptions: CollectorOptions,
): string {
  const heap = new Heap(descriptor, { collectorOptions, ...(heapLimit === null ? {} : { heapLimit }) });
  const performer = new TracePerformer(heap);
  let outOfMemory = false;
  for (const op of ops) {
    try {
      performer.perform(op);
    } catch (error) {
      if (!(error instanceof OutOfMemoryError)) return `threw ${describeError(error)}`;
      outOfMemory = true;
      break;
    }
  }
  return fingerprint(heap, outOfMemory);
}

/** The first difference between two fingerprints, for a message. */
export function firstDifference(a: string, b: string): string {
  let ja: unknown;
  let jb: unknown;
  try {
    ja = JSON.parse(a);
    jb = JSON.parse(b);
  } catch {
    return `${a.slice(0, 120)} vs ${b.slice(0, 120)}`;
  }
  const walk = (x: unknown, y: unknown, path: string): string | null => {
    if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const k of keys) {
        const d = walk(
          (x as Record<string, unknown>)[k],
          (y as Record<string, unknown>)[k],
          path === '' ? k : `${path}.${k}`,
        );
        if (d !== null) return d;
      }
      return null;
    }
    return Object.is(x, y) ? null : `${path}: ${JSON.stringify(x)} then ${JSON.stringify(y)}`;
  };
  return walk(ja, jb, '') ?? 'the figures differ';
}
