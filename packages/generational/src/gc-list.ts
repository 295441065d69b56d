/**
 * CPython's GC lists (`PyGC_Head`, Include/internal/pycore_gc.h and the list functions of
 * Modules/gcmodule.c) in simulated memory. Every container carries two header words after its
 * reference count, `_gc_next` and `_gc_prev`; a list is circular and doubly linked through them,
 * starting at a head node that has the same two words (heads live in a page the collector maps).
 *
 * ```
 *  word 0 | shape                                    |
 *  word 1 | ob_refcnt                                |
 *  word 2 | _gc_next: next node | NEXT_MASK_UNREACHABLE (bit 0, only inside move_unreachable) |
 *  word 3 | _gc_prev: prev node | flags (bits 0-1)   |  during a collection: gc_refs << 2 | flags |
 * ```
 *
 * Nodes are addressed by the object's address; `_gc_next = 0` means untracked. Between collections
 * `_gc_prev` is a plain pointer (flags clear). During a collection `update_refs` overwrites it with
 * `gc_refs << PREV_SHIFT | PREV_MASK_COLLECTING`, so the list is singly linked until
 * `move_unreachable` restores the pointers, exactly as CPython 3.8+ does to save a word.
 * Addresses are 16-byte aligned (obmalloc), so the low bits are free for the flags.
 */

/** Offset, in 32-bit slots from `node >> 2`, of `_gc_next` (header word 1, low half). */
export const NEXT_SLOT = 4;
/** Offset, in 32-bit slots from `node >> 2`, of `_gc_prev` (header word 2, low half). */
export const PREV_SLOT = 6;
/** `_gc_next` flag: the node is in move_unreachable's unreachable list. */
export const NEXT_MASK_UNREACHABLE = 1;
/** `_gc_prev` flag: tp_finalize was called (PEP 442; kept when the object is untracked). */
export const PREV_MASK_FINALIZED = 1;
/** `_gc_prev` flag: the object is in the generation being collected. */
export const PREV_MASK_COLLECTING = 2;
/** `_gc_prev` bits holding a pointer or gc_refs (everything but the two flags). */
export const PREV_MASK = ~3;
/** gc_refs is stored in `_gc_prev` shifted left by this much. */
export const PREV_SHIFT = 2;

/** `gc_list_init`: an empty list is a head pointing to itself both ways. */
export function gcListInit(words: Int32Array, list: number): void {
  const i = list >> 2;
  words[i + NEXT_SLOT] = list;
  words[i + PREV_SLOT] = list;
}

/** `gc_list_is_empty`. */
export function gcListIsEmpty(words: Int32Array, list: number): boolean {
  return words[(list >> 2) + NEXT_SLOT] === list;
}

/** `gc_list_append`: links `node` at the end of `list` (keeps `node`'s prev flags). */
export function gcListAppend(words: Int32Array, node: number, list: number): void {
  const n = node >> 2;
  const last = words[(list >> 2) + PREV_SLOT]!;
  words[n + PREV_SLOT] = (words[n + PREV_SLOT]! & ~PREV_MASK) | last;
  words[(last >> 2) + NEXT_SLOT] = node;
  words[n + NEXT_SLOT] = list;
  words[(list >> 2) + PREV_SLOT] = node;
}

/** `gc_list_remove`: unlinks `node` (flags clear) and marks it untracked (`_gc_next = 0`). */
export function gcListRemove(words: Int32Array, node: number): void {
  const n = node >> 2;
  const prev = words[n + PREV_SLOT]! & PREV_MASK;
  const next = words[n + NEXT_SLOT]!;
  words[(prev >> 2) + NEXT_SLOT] = next;
  const np = (next >> 2) + PREV_SLOT;
  words[np] = (words[np]! & ~PREV_MASK) | prev;
  words[n + NEXT_SLOT] = 0;
  words[n + PREV_SLOT] = 0;
}

/** `_PyObject_GC_UNTRACK`: unlinks `node`, `_gc_next = 0`, keeps only the FINALIZED flag in `_gc_prev`. */
export function gcUntrack(words: Int32Array, node: number): void {
  const finalized = words[(node >> 2) + PREV_SLOT]! & PREV_MASK_FINALIZED;
  gcListRemove(words, node);
  words[(node >> 2) + PREV_SLOT] = finalized;
}

/** `gc_list_move`: unlinks `node` from its list and appends it to `list`. */
export function gcListMove(words: Int32Array, node: number, list: number): void {
  const n = node >> 2;
  const fromPrev = words[n + PREV_SLOT]! & PREV_MASK;
  const fromNext = words[n + NEXT_SLOT]!;
  words[(fromPrev >> 2) + NEXT_SLOT] = fromNext;
  const np = (fromNext >> 2) + PREV_SLOT;
  words[np] = (words[np]! & ~PREV_MASK) | fromPrev;
  const toPrev = words[(list >> 2) + PREV_SLOT]!;
  words[n + PREV_SLOT] = (words[n + PREV_SLOT]! & ~PREV_MASK) | toPrev;
  words[(toPrev >> 2) + NEXT_SLOT] = node;
  words[(list >> 2) + PREV_SLOT] = node;
  words[n + NEXT_SLOT] = list;
}

/** `gc_list_merge`: appends list `from` onto list `to`; `from` becomes empty. */
export function gcListMerge(words: Int32Array, from: number, to: number): void {
  const f = from >> 2;
  const t = to >> 2;
  if (words[f + NEXT_SLOT] !== from) {
    const toTail = words[t + PREV_SLOT]!;
    const fromHead = words[f + NEXT_SLOT]!;
    const fromTail = words[f + PREV_SLOT]!;
    words[(toTail >> 2) + NEXT_SLOT] = fromHead;
    const hp = (fromHead >> 2) + PREV_SLOT;
    words[hp] = (words[hp]! & ~PREV_MASK) | toTail;
    words[(fromTail >> 2) + NEXT_SLOT] = to;
    words[t + PREV_SLOT] = fromTail;
  }
  gcListInit(words, from);
}

/** `gc_list_size`: walks the list (O(n)). */
export function gcListSize(words: Int32Array, list: number): number {
  let n = 0;
  for (let gc = words[(list >> 2) + NEXT_SLOT]!; gc !== list; gc = words[(gc >> 2) + NEXT_SLOT]!) n++;
  return n;
}
