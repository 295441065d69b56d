/**
 * A facade shaped like Python's `gc` module over a `cpython` collector, with Python's names, so a
 * Python snippet about the collector reads the same here:
 *
 * ```ts
 * const gc = (heap.collector as CPythonCollector).gc;
 * gc.callbacks.push((phase, info) => { if (phase === 'stop') log.push(info.collected); });
 * gc.collect();          // like gc.collect(): a full collection, returns the number collected
 * gc.get_count();        // [count0, count1, count2]
 * ```
 */
import { GclabError } from '@gclab/core';
import type { CPythonCollector, GenerationStats } from './cpython.ts';

/** What a `gc.callbacks` entry receives, as in Python: the generation and, at 'stop', the results. */
export interface GcCallbackInfo {
  /** The generation being collected. */
  generation: number;
  /** Objects collected (0 at 'start'). */
  collected: number;
  /** Uncollectable objects found (those with, or reachable only from, legacy finalizers). */
  uncollectable: number;
}

/** A `gc.callbacks` entry: called with 'start' before and 'stop' after each collection. */
export type GcCallback = (phase: 'start' | 'stop', info: GcCallbackInfo) => void;

/** A call to the `gc` facade with an argument Python's `gc` module would reject (its ValueError). */
export class GcValueError extends GclabError {
  override name = 'GcValueError';
}

/** Python's `gc` module, over one `cpython` collector. */
export class GcModule {
  /** `gc.callbacks`: called around every collection (registering one has an observer effect, see cpython.ts). */
  readonly callbacks: GcCallback[] = [];

  constructor(private readonly collector: CPythonCollector) {}

  /** `gc.collect(generation=2)`: collects `generation` (and younger ones); returns the number collected. */
  collect(generation = 2): number {
    if (!(Number.isInteger(generation) && generation >= 0 && generation <= 2)) {
      throw new GcValueError(`invalid generation ${generation}: expected 0, 1 or 2`);
    }
    return this.collector.collect(generation);
  }

  /** `gc.get_count()`: the three generation counts. */
  get_count(): [number, number, number] {
    const c = this.collector.counts;
    return [c[0]!, c[1]!, c[2]!];
  }

  /** `gc.get_threshold()`. */
  get_threshold(): [number, number, number] {
    const t = this.collector.thresholds;
    return [t[0]!, t[1]!, t[2]!];
  }

  /** `gc.set_threshold(threshold0[, threshold1[, threshold2]])`; 0 for threshold0 disables collection. */
  set_threshold(threshold0: number, threshold1?: number, threshold2?: number): void {
    const values = [threshold0, threshold1, threshold2];
    for (let g = 0; g < 3; g++) {
      const v = values[g];
      if (v === undefined) continue;
      if (!Number.isInteger(v) || v < 0)
        throw new GcValueError(`threshold${g} must be a non-negative integer, got ${v}`);
      this.collector.thresholds[g] = v;
    }
  }

  /** `gc.get_stats()`: per generation, collections, collected and uncollectable. */
  get_stats(): GenerationStats[] {
    return this.collector.generationStats.map((s) => ({ ...s }));
  }

  /** `gc.enable()`. */
  enable(): void {
    this.collector.enabled = true;
  }

  /** `gc.disable()`. */
  disable(): void {
    this.collector.enabled = false;
  }

  /** `gc.isenabled()`. */
  isenabled(): boolean {
    return this.collector.enabled;
  }

  /** `gc.freeze()`: moves every tracked object to the permanent generation and resets the counts. */
  freeze(): void {
    this.collector.freeze();
  }

  /** `gc.unfreeze()`: the permanent generation joins the oldest generation. */
  unfreeze(): void {
    this.collector.unfreeze();
  }

  /** `gc.get_freeze_count()`: objects in the permanent generation. */
  get_freeze_count(): number {
    return this.collector.generationSize(3);
  }

  /** `gc.garbage`: addresses of the objects it holds (a copy; each is a strong reference). */
  get garbage(): readonly number[] {
    return this.collector.garbage.slice();
  }

  /** `gc.garbage.clear()`: releases the references gc.garbage holds. */
  clear_garbage(): void {
    this.collector.clearGarbage();
  }

  /** `gc.set_debug(flags)`: only `DEBUG_SAVEALL` (32) changes what a collection does here. */
  set_debug(flags: number): void {
    if (!Number.isInteger(flags) || flags < 0)
      throw new GcValueError(`debug flags must be a non-negative integer, got ${flags}`);
    this.collector.debug = flags;
  }

  /** `gc.get_debug()`. */
  get_debug(): number {
    return this.collector.debug;
  }

  /** `gc.is_finalized(obj)` for the object at `addr`: its `__del__` ran. */
  is_finalized(addr: number): boolean {
    return this.collector.isFinalized(addr);
  }

  /** `gc.is_tracked(obj)` for the object at `addr`. */
  is_tracked(addr: number): boolean {
    return this.collector.isTracked(addr);
  }
}
