/**
 * Planning a matrix: the cells to run (workload x size x seed x collector x heap size, with the
 * baseline cells added), and the share of them one shard runs.
 */
import { checkWorkload, resolveWorkload } from '../workloads/registry.ts';
import { WORKLOAD_SIZES } from '../workloads/workload.ts';
import { type Cell, formatHeapSpec, type HeapSpec, parseHeapSpec, UNLIMITED } from './cell.ts';
import { baselineOf, type MatrixOptions, type MatrixShard } from './matrix-options.ts';

/** A planned cell: the cell and whether the matrix added it as the baseline. */
export interface PlannedCell {
  readonly cell: Cell;
  readonly baseline: boolean;
}

/** The heap sizes of a run, parsed (default unlimited). Throws when there are none. */
export function heapSpecs(options: MatrixOptions): HeapSpec[] {
  const heaps = options.heaps ?? [UNLIMITED];
  if (heaps.length === 0) throw new RangeError('at least one heap size is needed');
  return heaps.map((h) => (typeof h === 'string' ? parseHeapSpec(h) : h));
}

/**
 * The planned cells of shard `shard`: cell k (plan order, baseline cells included) belongs to
 * shard (k mod count) + 1, so the shards together hold every cell once and get similar mixes of
 * workloads and collectors. Without a shard, every cell. Throws for an invalid shard.
 */
export function selectShard(planned: readonly PlannedCell[], shard: MatrixShard | undefined): PlannedCell[] {
  if (shard === undefined) return [...planned];
  const { index, count } = shard;
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 1 && index <= count)) {
    throw new RangeError(`shard must be I/N with 1 <= I <= N, got ${index}/${count}`);
  }
  return planned.filter((_, k) => k % count === index - 1);
}

/** Throws a `RangeError` when `values` names one thing twice (it would plan the same cells twice). */
function checkDistinct(what: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new RangeError(`${what} '${v}' is given twice; name each once`);
    seen.add(v);
  }
}

/**
 * Checks the inputs a run reads from outside before any cell runs: each workload resolves and a
 * trace workload's file exists and parses (`checkWorkload`). Throws as `checkWorkload` does.
 */
export function checkWorkloads(options: MatrixOptions): void {
  for (const spec of new Set(options.workloads)) checkWorkload(spec);
}

/**
 * The cells of a matrix, in run order (workload, size, seed, collector, heap), with the baseline
 * cells (the baseline collector, unlimited heap) added for each workload, size and seed unless the
 * matrix already has them. Throws for an unknown workload, an empty dimension, or a workload, size,
 * seed, collector or heap size given twice (each cell is planned once).
 */
export function planMatrix(options: MatrixOptions): PlannedCell[] {
  const sizes = options.sizes ?? ['small'];
  const seeds = options.seeds ?? [42];
  const heaps = heapSpecs(options);
  if (options.workloads.length === 0) throw new RangeError('at least one workload is needed');
  if (options.collectors.length === 0) throw new RangeError('at least one collector is needed');
  for (const size of sizes) {
    if (!WORKLOAD_SIZES.includes(size))
      throw new RangeError(`unknown size '${size}' (small, medium or large)`);
  }
  for (const spec of options.workloads) resolveWorkload(spec);
  checkDistinct('workload', options.workloads);
  checkDistinct('size', sizes);
  checkDistinct('seed', seeds.map(String));
  checkDistinct(
    'collector',
    options.collectors.map((c) => c.name),
  );
  checkDistinct('heap size', heaps.map(formatHeapSpec));
  const baseline = baselineOf(options);
  const out: PlannedCell[] = [];
  for (const workload of options.workloads) {
    for (const size of sizes) {
      for (const seed of seeds) {
        const program = { workload, size, seed };
        if (baseline !== null) {
          const present =
            options.collectors.some((c) => c.name === baseline.name) &&
            heaps.some((h) => h.kind === 'unlimited');
          if (!present)
            out.push({ cell: { ...program, collector: baseline.name, heap: UNLIMITED }, baseline: true });
        }
        for (const collector of options.collectors) {
          for (const heap of heaps)
            out.push({ cell: { ...program, collector: collector.name, heap }, baseline: false });
        }
      }
    }
  }
  return out;
}
