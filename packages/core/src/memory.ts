import { isPoolable, recycleInt32Array, takeInt32Array } from './host-array-pool.ts';

/** Up to this many bytes the word array doubles when it grows; beyond, it grows by a quarter. */
export const MEMORY_DOUBLING_LIMIT = 64 << 20;
const DOUBLING_LIMIT_SLOTS = MEMORY_DOUBLING_LIMIT >>> 2;
/** The most 32-bit slots growth rounds up to: 2 GiB, the simulated address space. */
const MAX_SLOTS = 1 << 29;

/**
 * The simulated memory: one flat array of 64-bit words.
 *
 * A simulated word is 8 bytes and is held in two 32-bit host slots, so simulated bytes and host bytes
 * match one to one. Addresses are simulated byte addresses (multiples of 8 for words); 0 is null.
 * References are stored in the low slot of a word (addresses stay below 2^31); the high slot holds
 * the upper half of non-reference words such as an object's payload length.
 *
 * ```
 *  address a:   words[a >> 2]     words[(a >> 2) + 1]
 *               low 32 bits        high 32 bits
 * ```
 *
 * The array grows (copied) when the simulated OS maps past its end: by doubling up to
 * `MEMORY_DOUBLING_LIMIT` bytes, then by a quarter at a time (as Go grows large slices), so a large
 * heap costs at most 25% more host memory than it maps rather than up to 100%. Arrays the memory grew
 * out of that the host-array pool keeps (256 KiB to 32 MiB, so at most 64 MiB in all) are held until
 * `release`, which gives them and the current array back for the next heap of the process. Code that keeps
 * `words` in a local must read it again after anything that may `map`.
 *
 * A host-memory budget caps the array: growth stops at it, and `canHold` tells the simulated OS,
 * which refuses a `map` past it (the collector then raises `OutOfMemoryError`), so a runaway heap
 * ends as a typed error instead of exhausting the host.
 */
export class Memory {
  /** The word array: the low slot of the word at byte address `a` is `words[a >> 2]`. */
  words: Int32Array;

  /** The most bytes the array may grow to (the host-memory budget; `Infinity`: the address space). */
  readonly budgetBytes: number;
  private readonly budgetSlots: number;
  /** Arrays the memory grew out of, given back at `release`. */
  private readonly retired: Int32Array[] = [];

  constructor(initialBytes = 1 << 20, budgetBytes = Number.POSITIVE_INFINITY) {
    this.budgetBytes = budgetBytes;
    this.budgetSlots = Math.min(MAX_SLOTS, Math.floor(budgetBytes / 4));
    this.words = takeInt32Array(Math.max(16, Math.min(initialBytes >>> 2, this.budgetSlots)));
  }

  /** Whether `[0, endByte)` fits within the host-memory budget. */
  canHold(endByte: number): boolean {
    return Math.ceil(endByte / 4) <= Math.max(this.budgetSlots, this.words.length);
  }

  /** Simulated bytes the array currently covers. */
  get capacityBytes(): number {
    return this.words.length * 4;
  }

  /** Makes `[0, endByte)` addressable, growing the array (see the file comment). */
  ensure(endByte: number): void {
    const need = Math.ceil(endByte / 4);
    if (need <= this.words.length) return;
    let size = this.words.length;
    while (size < need) {
      // A quarter more, in whole 4 KiB pages (1024 slots), once past the doubling limit.
      size = size < DOUBLING_LIMIT_SLOTS ? size * 2 : Math.ceil((size * 1.25) / 1024) * 1024;
    }
    size = Math.min(size, Math.max(need, this.budgetSlots));
    const grown = takeInt32Array(size);
    grown.set(this.words);
    // Kept until `release`, not recycled now: a collector holding the old array by mistake must not
    // see it become another array of this heap.
    if (isPoolable(this.words)) this.retired.push(this.words);
    this.words = grown;
  }

  /**
   * Gives the word array back to the host-array pool (see `host-array-pool.ts`) when the memory is
   * no longer needed; the memory is empty afterwards. For processes that build many heaps in a row.
   */
  release(): void {
    for (const array of this.retired) recycleInt32Array(array);
    this.retired.length = 0;
    recycleInt32Array(this.words);
    this.words = new Int32Array(16);
  }

  /** Zeroes the bytes `[start, end)` (both multiples of 8). */
  clear(start: number, end: number): void {
    this.words.fill(0, start >> 2, end >> 2);
  }
}
