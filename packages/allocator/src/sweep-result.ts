/** Figures returned by a space's sweep. */
export interface SweepResult {
  /** Objects freed (each reported with `heap.recordFree`). */
  objectsFreed: number;
  /** Bytes returned to the space: the block sizes of the freed objects (large objects: their size). */
  bytesFreed: number;
  /**
   * Bytes visited: the block sizes of every allocated block the sweep examined, live or dead. The
   * space does not touch `heap.counters`; the collector adds this to `counters.bytesSwept`.
   */
  bytesSwept: number;
}
