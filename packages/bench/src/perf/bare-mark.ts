/**
 * The bare typed-array mark loop: the limit a marking collector's mark phase is measured against on
 * this machine. It is what a mark phase must do and nothing more: a preallocated Int32Array stack,
 * a mark bit set in each object's shape word when it is pushed, fields visited last to first (so
 * field 0 is popped next, as in the collectors' `Marker`). No telemetry, no budget, no stack growth,
 * no call per object.
 *
 * `bareUnmark` is the same traversal clearing the bit, to restore the heap after a measurement.
 */
import { GC_BIT_0, NREFS_MASK } from '@gclab/core';

/** The GC bit the perf measurements mark with: the last of the seven (no collector runs meanwhile). */
export const BARE_MARK_BIT = GC_BIT_0 << 6;

/**
 * Marks everything reachable from `root` (non-null) with `bit` in the shape words of `words`;
 * `fieldOffset` is the heap's `model.fieldOffset`; `stack` must have room for every object that can
 * be grey at once (the number of objects is always enough). Returns the number of objects marked.
 */
export function bareMark(
  words: Int32Array,
  root: number,
  fieldOffset: number,
  bit: number,
  stack: Int32Array,
): number {
  const fieldIndex = fieldOffset >> 2;
  let marked = 1;
  let top = 0;
  words[root >> 2]! |= bit;
  stack[top++] = root;
  while (top > 0) {
    const i = stack[--top]! >> 2;
    const first = i + fieldIndex;
    for (let p = first + 2 * ((words[i]! & NREFS_MASK) - 1); p >= first; p -= 2) {
      const ref = words[p]!;
      if (ref !== 0) {
        const j = ref >> 2;
        const shape = words[j]!;
        if ((shape & bit) === 0) {
          words[j] = shape | bit;
          stack[top++] = ref;
          marked++;
        }
      }
    }
  }
  return marked;
}

/** Clears `bit` on everything `bareMark` marked from `root`; returns the number of objects cleared. */
export function bareUnmark(
  words: Int32Array,
  root: number,
  fieldOffset: number,
  bit: number,
  stack: Int32Array,
): number {
  const fieldIndex = fieldOffset >> 2;
  if ((words[root >> 2]! & bit) === 0) return 0;
  let cleared = 1;
  let top = 0;
  words[root >> 2]! &= ~bit;
  stack[top++] = root;
  while (top > 0) {
    const i = stack[--top]! >> 2;
    const first = i + fieldIndex;
    for (let p = first + 2 * ((words[i]! & NREFS_MASK) - 1); p >= first; p -= 2) {
      const ref = words[p]!;
      if (ref !== 0) {
        const j = ref >> 2;
        const shape = words[j]!;
        if ((shape & bit) !== 0) {
          words[j] = shape & ~bit;
          stack[top++] = ref;
          cleared++;
        }
      }
    }
  }
  return cleared;
}
