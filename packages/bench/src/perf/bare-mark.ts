/**
 * The bare typed-array mark loop: the limit a marking collector's mark phase is measured against on
 * this machine. It is the bare version of `mark-sweep`'s marking algorithm (`MarkBitmap` in
 * @gclab/tracing-gc), what that mark phase must do and nothing more: a preallocated Int32Array
 * stack, marks in a side bitmap over the whole simulated memory (bit `(a >>> 3) & 31` of
 * `marks[a >>> 8]` for the object at `a`), mark on pop (every non-null referent is pushed; a popped
 * address is tested and marked, or dropped if already marked), field 0 followed at once instead of
 * pushed, the other fields pushed last to first (field 1 outside the loop, as in `MarkBitmap`). No
 * telemetry, no stack growth, no root scan, no call per object.
 *
 * The collector's mark phase changed from a shape-word bit set on push to this side bitmap set on
 * pop; this loop changed with it, so figure 4 keeps comparing the collector with the bare form of
 * the same algorithm. Restoring the heap after a measurement is `marks.fill(0)`.
 */
import { NREFS_MASK } from '@gclab/core';

/**
 * Marks everything reachable from `root` (non-null) in `marks`, a side bitmap covering `words`
 * (`Math.ceil(words.length / 64)` entries, all clear); `fieldOffset` is the heap's
 * `model.fieldOffset`; `stack` must have room for every address pushed and not yet popped (one more
 * than the number of references is always enough; for a tree, the number of objects). Returns the
 * number of objects marked.
 */
export function bareMark(
  words: Int32Array,
  root: number,
  fieldOffset: number,
  marks: Int32Array,
  stack: Int32Array,
): number {
  const fieldIndex = fieldOffset >> 2;
  let marked = 0;
  let top = 0;
  stack[top++] = root;
  while (top > 0) {
    let ref = stack[--top]!;
    while (ref !== 0) {
      const w = ref >>> 8;
      const bit = 1 << ((ref >>> 3) & 31);
      const m = marks[w]!;
      if ((m & bit) !== 0) break;
      marks[w] = m | bit;
      marked++;
      const i = ref >> 2;
      const n = words[i]! & NREFS_MASK;
      const first = i + fieldIndex;
      if (n > 1) {
        for (let p = first + 2 * (n - 1); p > first + 2; p -= 2) {
          const r = words[p]!;
          if (r !== 0) stack[top++] = r;
        }
        const r1 = words[first + 2]!;
        if (r1 !== 0) stack[top++] = r1;
      } else if (n === 0) {
        break;
      }
      ref = words[first]!;
    }
  }
  return marked;
}
