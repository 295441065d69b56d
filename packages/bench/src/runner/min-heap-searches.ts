/**
 * The minimum heaps a matrix run needs: one per program (workload, size, seed) and collector that
 * has a cell whose heap is a multiple of the minimum. Each comes from the cache when it is there
 * (keyed by the collector's fingerprint), else from a search in the worker processes.
 */
import type { Cell } from './cell.ts';
import {
  type MatrixOptions,
  type MatrixProgress,
  type MatrixSettings,
  taskOptionsOf,
} from './matrix-options.ts';
import { MinHeapCache, type MinHeapResult } from './min-heap.ts';
import type { PlannedCell } from './plan.ts';
import type { MinHeapTask, WorkerReply } from './protocol.ts';
import { collectorFingerprint } from './provenance.ts';
import type { MinHeapRecord } from './results.ts';
import { runTasks } from './worker-pool.ts';

/** The minimum heaps of a run's planned cells: the cached ones known at once, the others to search. */
export class MinHeapSearches {
  private readonly cache: MinHeapCache;
  private readonly fingerprints = new Map<string, string>();
  private readonly records = new Map<string, MinHeapRecord>();
  /** The searches to run, and the record key of each. */
  private readonly tasks: MinHeapTask[] = [];
  private readonly taskKeys: string[] = [];

  /** Lists the minimum heaps `planned` needs, reading the cache of `options`. */
  constructor(
    planned: readonly PlannedCell[],
    options: MatrixOptions,
    private readonly settings: MatrixSettings,
  ) {
    this.cache = new MinHeapCache(options.minHeapCacheFile ?? null);
    for (const { cell } of planned) {
      if (cell.heap.kind !== 'multiple') continue;
      const key = this.key(cell);
      if (this.records.has(key)) continue;
      const record: MinHeapRecord = {
        workload: cell.workload,
        size: cell.size,
        seed: cell.seed,
        collector: cell.collector,
        bytes: null,
        cached: false,
      };
      const cached = this.cache.get(key);
      if (cached !== undefined) {
        record.bytes = cached;
        record.cached = true;
      } else {
        this.tasks.push({
          kind: 'min-heap',
          ref: settings.entries.get(cell.collector)!.ref,
          workload: cell.workload,
          size: cell.size,
          seed: cell.seed,
          options: {
            ...(options.minHeapTolerance === undefined ? {} : { tolerance: options.minHeapTolerance }),
            ...taskOptionsOf(options, cell.collector),
          },
        });
        this.taskKeys.push(key);
      }
      this.records.set(key, record);
    }
  }

  /** Searches to run (minimum heaps not in the cache). */
  get searches(): number {
    return this.tasks.length;
  }

  /** Runs the searches in workers, reporting each, and saves what they found in the cache. */
  async run(onProgress: (event: MatrixProgress) => void): Promise<void> {
    const tasks = this.tasks;
    let searched = 0;
    await runTasks(
      tasks,
      (i) =>
        this.settings.isolation === 'collector'
          ? `min-heap ${tasks[i]!.ref.module}#${tasks[i]!.ref.exportName}`
          : `task ${i}`,
      this.settings.pool,
      (i, reply: WorkerReply) => {
        const key = this.taskKeys[i]!;
        const record = this.records.get(key)!;
        if (reply.ok) {
          record.bytes = (reply.value as MinHeapResult).bytes;
          this.cache.set(key, record.bytes);
        } else {
          record.error = reply.message;
        }
        onProgress({ type: 'min-heap', record, done: ++searched, total: tasks.length });
      },
    );
    this.cache.save();
  }

  /** The record of `cell`'s program and collector; undefined unless its heap is a multiple. */
  recordOf(cell: Cell): MinHeapRecord | undefined {
    return this.records.get(this.key(cell));
  }

  /** Every record, in plan order. */
  all(): MinHeapRecord[] {
    return [...this.records.values()];
  }

  private key(c: Cell): string {
    return MinHeapCache.key(c.workload, c.size, c.seed, c.collector, this.fingerprint(c.collector));
  }

  /** The collector's fingerprint, computed once per collector. */
  private fingerprint(name: string): string {
    let f = this.fingerprints.get(name);
    if (f === undefined) {
      f = collectorFingerprint(this.settings.entries.get(name)!.ref);
      this.fingerprints.set(name, f);
    }
    return f;
  }
}
