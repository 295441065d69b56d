/**
 * An object-remembering remembered set (GC Handbook §11.8): the mature objects that may hold a
 * pointer into the nursery, each recorded once. A GC bit in the shape word (`REMEMBERED_BIT`) says
 * the object is already recorded, so the barrier's duplicate check is one bit test and the set is a
 * plain typed-array buffer (no hashing, no allocation per store; the buffer doubles when full).
 *
 * The same buffer, with `LOGGED_BIT`, is sticky-immix's modified-objects buffer (MMTk's `modbuf`):
 * the bit is a constructor argument.
 *
 * Invariant: an object has the set's bit (`REMEMBERED_BIT` unless told otherwise) set iff it appears
 * in `entries[0 .. length)`, exactly once.
 */
import { REMEMBERED_BIT } from './gc-bits.ts';

/** Mature objects that may point into the nursery, in a growable typed-array buffer. */
export class RememberedSet {
  /** The buffer: `entries[0 .. length)` are the remembered objects' addresses. */
  entries: Int32Array;
  /** Number of remembered objects. */
  length = 0;
  /** The shape-word GC bit that says an object is an entry. */
  readonly bit: number;

  constructor(capacity = 256, bit: number = REMEMBERED_BIT) {
    this.entries = new Int32Array(Math.max(16, capacity));
    this.bit = bit;
  }

  /**
   * Records `obj` unless its bit is set; returns true when it was recorded (the barrier counts a hit
   * then).
   */
  remember(words: Int32Array, obj: number): boolean {
    const i = obj >> 2;
    const shape = words[i]!;
    const bit = this.bit;
    if ((shape & bit) !== 0) return false;
    words[i] = shape | bit;
    if (this.length === this.entries.length) this.grow();
    this.entries[this.length++] = obj;
    return true;
  }

  /** Forgets every object (clearing their bits): after a collection that emptied the nursery. */
  clear(words: Int32Array): void {
    const entries = this.entries;
    const keep = ~this.bit;
    for (let k = 0; k < this.length; k++) {
      const i = entries[k]! >> 2;
      words[i] = words[i]! & keep;
    }
    this.length = 0;
  }

  /**
   * Keeps only the objects whose shape word has `markBit` set (the live ones after a full marking),
   * before a sweep frees the others. Returns how many were dropped.
   */
  retainMarked(words: Int32Array, markBit: number): number {
    const entries = this.entries;
    let kept = 0;
    for (let k = 0; k < this.length; k++) {
      const obj = entries[k]!;
      if ((words[obj >> 2]! & markBit) !== 0) entries[kept++] = obj;
    }
    const dropped = this.length - kept;
    this.length = kept;
    return dropped;
  }

  /** Whether `obj` is an entry (linear: for verification only). */
  includes(obj: number): boolean {
    for (let k = 0; k < this.length; k++) if (this.entries[k] === obj) return true;
    return false;
  }

  private grow(): void {
    const grown = new Int32Array(this.entries.length * 2);
    grown.set(this.entries);
    this.entries = grown;
  }
}
