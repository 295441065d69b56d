/**
 * Distributions of a heap graph's objects: by size (bytes as the snapshot reports them) and by
 * fan-out (pointer fields), in fixed buckets so that heaps can be compared bucket by bucket.
 */
import type { HeapGraph } from '@gclab/bench';

/** One bucket: objects (and their bytes) with a value up to `upTo` and above the previous bucket's. */
export interface Bucket {
  /** `16 B`, `3-4`, `65+`... */
  label: string;
  /** Inclusive upper bound (null for the last bucket: no bound). */
  upTo: number | null;
  objects: number;
  bytes: number;
}

/** A distribution and its summary figures. */
export interface Distribution {
  buckets: Bucket[];
  mean: number;
  median: number;
  max: number;
}

/** Upper bounds of the size buckets (bytes). */
export const SIZE_BOUNDS: readonly number[] = [16, 32, 64, 128, 256, 512, 1024, 4096, Infinity];
/** Upper bounds of the fan-out buckets (pointer fields). */
export const FAN_OUT_BOUNDS: readonly number[] = [0, 1, 2, 4, 8, 16, 64, Infinity];

function labels(bounds: readonly number[], unit: string): string[] {
  return bounds.map((b, i) => {
    const lo = i === 0 ? 0 : bounds[i - 1]! + 1;
    if (b === Infinity) return `${lo}+${unit}`;
    return lo >= b || i === 0 ? `${unit === '' ? '' : '≤'}${b}${unit}` : `${lo}-${b}${unit}`;
  });
}

function distribution(
  graph: HeapGraph,
  bounds: readonly number[],
  unit: string,
  value: (i: number) => number,
): Distribution {
  const names = labels(bounds, unit);
  const buckets: Bucket[] = bounds.map((b, i) => ({
    label: names[i]!,
    upTo: b === Infinity ? null : b,
    objects: 0,
    bytes: 0,
  }));
  const n = graph.objects;
  const values = new Uint32Array(n);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = value(i);
    values[i] = v;
    sum += v;
    if (v > max) max = v;
    let b = 0;
    while (v > bounds[b]!) b++;
    buckets[b]!.objects++;
    buckets[b]!.bytes += graph.sizes[i]!;
  }
  values.sort();
  return { buckets, mean: n > 0 ? sum / n : 0, median: n > 0 ? values[n >>> 1]! : 0, max };
}

/** Objects and bytes by size. */
export function sizeDistribution(graph: HeapGraph): Distribution {
  return distribution(graph, SIZE_BOUNDS, ' B', (i) => graph.sizes[i]!);
}

/** Objects and bytes by fan-out (pointer fields). */
export function fanOutDistribution(graph: HeapGraph): Distribution {
  return distribution(graph, FAN_OUT_BOUNDS, '', (i) => graph.edgeStart[i + 1]! - graph.edgeStart[i]!);
}
