/**
 * The `OutOfMemoryError` every tracing collector raises when a full collection cannot satisfy an
 * allocation under the heap limit, with the heap's figures.
 */
import { type Heap, OutOfMemoryError } from '@gclab/core';

/** Builds the `OutOfMemoryError` for a failed request of `requestedBytes` by `collector`. */
export function outOfMemory(heap: Heap, collector: string, requestedBytes: number): OutOfMemoryError {
  const c = heap.counters;
  return new OutOfMemoryError({
    requestedBytes,
    reservedBytes: heap.os.reservedBytes,
    heapLimit: heap.os.heapLimit,
    allocatedBytes: c.bytesAllocated - c.bytesFreed,
    collector,
  });
}
