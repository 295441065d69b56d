/**
 * CPython's free lists of lists, dicts and tuples, as far as the cycle collector sees them: a
 * container freed onto a free list skips `PyObject_GC_Del` (generation 0's count is not decreased),
 * and one taken from a free list skips `_PyObject_GC_Link` (the count is not increased and no
 * collection is triggered or scheduled). A full collection empties them (`clear_freelists`), each
 * object then freed by `PyObject_GC_Del` (count[0] -= 1 unless 0).
 *
 * Sources: Objects/listobject.c (`PyList_New`, `list_dealloc`: PyList_MAXFREELIST 80),
 * Objects/dictobject.c (`new_dict`, `dict_dealloc`: PyDict_MAXFREELIST 80), Objects/tupleobject.c
 * (`maybe_freelist_pop`, `maybe_freelist_push`: PyTuple_MAXFREELIST 2000 of each length), and
 * Modules/gcmodule.c / Python/gc.c (`clear_freelists` after a generation-2 collection). Measured in
 * CPython 3.11.7 (native), 3.12.7, 3.13.2 and 3.15.0rc1 (WebAssembly) by allocating, freeing and
 * allocating again 100 or 3,000 containers and reading `gc.get_count()`: 80 lists and 80 dicts
 * are freed uncounted, 2,000 tuples of a length; a tuple of 1 to 19 items (3.11) or 1 to 20 (3.12
 * on) is taken from its free list, and in 3.11 one of 20 items is pushed but never taken. 3.14
 * counts containers as they are tracked and untracked, so it has none of this (no `freeLists`).
 *
 * Only the counts are modelled: the memory of a free-listed object goes back to obmalloc at once.
 * Every list, dict and tuple of a trace is taken to be of the exact type (a subclass never uses the
 * free lists); an empty tuple is allocated like any other (CPython's is a singleton).
 */
import { ObjectKind } from '@gclab/core';

/** The free lists' sizes of a CPython version. */
export interface FreeListSizes {
  /** Lists a free list keeps (PyList_MAXFREELIST). */
  lists: number;
  /** Dicts (PyDict_MAXFREELIST). */
  dicts: number;
  /** Tuples of each length (PyTuple_MAXFREELIST). */
  tuples: number;
  /** The longest tuple taken from a free list. */
  tupleTakeMax: number;
  /** The longest tuple freed onto one. */
  tupleFreeMax: number;
}

/** How many containers of each kind (and tuple length) the free lists hold. */
export class FreeLists {
  private lists = 0;
  private dicts = 0;
  /** Tuples held, by length (index 0 unused). */
  private readonly tuples: Int32Array;

  constructor(readonly sizes: FreeListSizes) {
    this.tuples = new Int32Array(sizes.tupleFreeMax + 1);
  }

  /** A container of `kind` with `nrefs` items is allocated: whether a free list gives it. */
  take(kind: number, nrefs: number): boolean {
    if (kind === ObjectKind.list) {
      if (this.lists === 0) return false;
      this.lists--;
      return true;
    }
    if (kind === ObjectKind.dict) {
      if (this.dicts === 0) return false;
      this.dicts--;
      return true;
    }
    if (kind === ObjectKind.tuple && nrefs >= 1 && nrefs <= this.sizes.tupleTakeMax) {
      if (this.tuples[nrefs] === 0) return false;
      this.tuples[nrefs]!--;
      return true;
    }
    return false;
  }

  /** A container of `kind` with `nrefs` items is freed: whether a free list keeps it. */
  keep(kind: number, nrefs: number): boolean {
    if (kind === ObjectKind.list) {
      if (this.lists >= this.sizes.lists) return false;
      this.lists++;
      return true;
    }
    if (kind === ObjectKind.dict) {
      if (this.dicts >= this.sizes.dicts) return false;
      this.dicts++;
      return true;
    }
    if (kind === ObjectKind.tuple && nrefs >= 1 && nrefs <= this.sizes.tupleFreeMax) {
      if (this.tuples[nrefs]! >= this.sizes.tuples) return false;
      this.tuples[nrefs]!++;
      return true;
    }
    return false;
  }

  /** `clear_freelists`: empties every free list; returns how many objects they held. */
  clear(): number {
    let n = this.lists + this.dicts;
    for (let i = 1; i < this.tuples.length; i++) n += this.tuples[i]!;
    this.lists = 0;
    this.dicts = 0;
    this.tuples.fill(0);
    return n;
  }
}
