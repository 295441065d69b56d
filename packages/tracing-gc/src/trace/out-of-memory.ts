/**
 * The `OutOfMemoryError` every tracing collector raises when a full collection cannot satisfy an
 * allocation under the heap limit, with the heap's figures (`Heap.outOfMemory`, which every collector
 * family uses).
 */
import type { Heap, OutOfMemoryError } from '@gclab/core';

/** Builds the `OutOfMemoryError` for a failed request of `requestedBytes` by `collector`. */
export function outOfMemory(heap: Heap, collector: string, requestedBytes: number): OutOfMemoryError {
  return heap.outOfMemory(collector, requestedBytes);
}
