/**
 * What a workload is: a mutator program that drives a heap through its API (`new`, `put`, `get`,
 * `set`, `del`, `call`, `ret`, `gc` with root codes), the same sequence of operations for the same
 * size and seed under every collector. Workloads keep every reference in a root (registers of the
 * current frame, or globals), so moving collectors may run at any allocation. They allocate nothing
 * on the JS heap per operation: arguments of `call` are preallocated typed arrays.
 */
import type { Heap } from '@gclab/core';

/** Workload sizes: `small` runs in a fraction of a second under no-gc; `large` in tens of seconds. */
export type WorkloadSize = 'small' | 'medium' | 'large';

/** Every workload size, smallest first. */
export const WORKLOAD_SIZES: readonly WorkloadSize[] = ['small', 'medium', 'large'];

/** Options of a workload, parsed from its spec (`churn:survival=0.2`, `trace:FILE`). */
export type WorkloadOptions = Readonly<Record<string, string>>;

/** Parameters of one run of a workload. */
export interface WorkloadParams {
  /** The size. */
  readonly size: WorkloadSize;
  /** The seed of the workload's random choices (workloads with no random choice ignore it). */
  readonly seed: number;
  /** Workload-specific options from the spec. */
  readonly options?: WorkloadOptions;
}

/** A workload: a documented, deterministic mutator program. */
export interface Workload {
  /** Registry name, e.g. `gcbench`. */
  readonly name: string;
  /** One line: what it models and what it stresses. */
  readonly summary: string;
  /** Whether its operations depend on the seed. */
  readonly seeded: boolean;
  /**
   * Runs the program against `heap` (a fresh heap) and returns the program's own result (a checksum
   * such as a node count), identical for the same parameters under every collector.
   */
  run(heap: Heap, params: WorkloadParams): number;
}

/** Empty `call` argument list. */
export const NO_ARGS: Int32Array = new Int32Array(0);

/** Reads a numeric option, or `fallback` when absent; throws a `RangeError` naming the option. */
export function numberOption(options: WorkloadOptions | undefined, name: string, fallback: number): number {
  const text = options?.[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new RangeError(`workload option ${name} must be a number, got '${text}'`);
  }
  return value;
}

/** Picks the parameter set of `size` from a table. */
export function bySize<T>(size: WorkloadSize, table: Readonly<Record<WorkloadSize, T>>): T {
  const value = table[size];
  if (value === undefined)
    throw new RangeError(`unknown workload size '${String(size)}' (small, medium or large)`);
  return value;
}
