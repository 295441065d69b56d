/**
 * The object layout every collector shares.
 *
 * ```
 *  addr ->  +--------------------------------+--------------------------------+
 *  word 0   | shape, low 32 bits             | shape, high 32 bits            |
 *           |  bits 0-23  reference fields   |  payload bytes                 |
 *           |  bits 24-30 GC bits (collector)|                                |
 *           +--------------------------------+--------------------------------+
 *  word 1.. | H header words declared by the collector (refcount, GC links, ...)  |
 *           +-----------------------------------------------------------------+
 *  word 1+H | reference field 0 (an address or 0 = null, in the low slot)     |
 *  ...      | reference field n-1                                              |
 *           +-----------------------------------------------------------------+
 *           | payload: bytes that count for size but are never scanned        |
 *           +-----------------------------------------------------------------+
 * ```
 *
 * Size in bytes = 8 * (1 + H + n) + payload rounded up to 8. The GC bits give tracing collectors a
 * mark bit or a colour without paying a header word, as real VMs keep them in the header.
 */

/** Mask of the reference-field count in the shape word's low slot. */
export const NREFS_MASK = 0x00ff_ffff;
/** The largest number of reference fields an object may have. */
export const MAX_REFS = NREFS_MASK;
/** First of the 7 GC bits a collector may use in the shape word's low slot. */
export const GC_BIT_0 = 1 << 24;
/** Mask of all 7 GC bits. */
export const GC_BITS_MASK = 0x7f00_0000;
/** The largest payload in bytes. */
export const MAX_PAYLOAD = 0x7fff_fff8;
/** Bytes in a simulated word. */
export const WORD = 8;

/** Rounds a payload byte count up to whole words. */
export function payloadWordBytes(payloadBytes: number): number {
  // Exact for any size (`(n + 7) & ~7` would wrap past 2^31).
  return payloadBytes + (-payloadBytes & 7);
}

/** Size in bytes of an object with `nrefs` fields and `payloadBytes` payload under `headerWords`. */
export function objectSize(headerWords: number, nrefs: number, payloadBytes: number): number {
  return 8 * (1 + headerWords + nrefs) + payloadWordBytes(payloadBytes);
}

/** Reference-field count of the object at `addr`. */
export function refCount(words: Int32Array, addr: number): number {
  return words[addr >> 2]! & NREFS_MASK;
}

/** Payload bytes of the object at `addr`. */
export function payloadBytes(words: Int32Array, addr: number): number {
  return words[(addr >> 2) + 1]!;
}

/**
 * Reads, writes and walks objects for one heap (one header-word count). Collectors use it as their
 * tracer; every method is a few typed-array accesses.
 */
export class ObjectModel {
  /** Extra header words per object, declared by the collector. */
  readonly headerWords: number;
  /** Byte offset from an object's address to its first reference field. */
  readonly fieldOffset: number;

  constructor(headerWords: number) {
    if (!Number.isInteger(headerWords) || headerWords < 0 || headerWords > 16) {
      throw new RangeError(`header words must be an integer from 0 to 16, got ${headerWords}`);
    }
    this.headerWords = headerWords;
    this.fieldOffset = 8 * (1 + headerWords);
  }

  /** Size in bytes of an object with this shape. */
  sizeOf(nrefs: number, payload: number): number {
    return this.fieldOffset + 8 * nrefs + payloadWordBytes(payload);
  }

  /** Size in bytes of the object at `addr`. */
  size(words: Int32Array, addr: number): number {
    const i = addr >> 2;
    return this.fieldOffset + 8 * (words[i]! & NREFS_MASK) + ((words[i + 1]! + 7) & ~7);
  }

  /** Writes a fresh object's shape and zeroes its header words and fields (payload is left alone). */
  format(words: Int32Array, addr: number, nrefs: number, payload: number): void {
    const i = addr >> 2;
    words[i] = nrefs;
    words[i + 1] = payload;
    // Small objects: a loop, since the builtin call of `fill` costs more than a few stores.
    const end = i + 2 * (1 + this.headerWords + nrefs);
    if (end - i > 64) words.fill(0, i + 2, end);
    else for (let j = i + 2; j < end; j++) words[j] = 0;
  }

  /** Byte address of field `index` of the object at `addr`. */
  fieldAddress(addr: number, index: number): number {
    return addr + this.fieldOffset + 8 * index;
  }

  /** Value of field `index` of the object at `addr`. */
  getField(words: Int32Array, addr: number, index: number): number {
    return words[(addr + this.fieldOffset + 8 * index) >> 2]!;
  }

  /** Sets field `index` of the object at `addr` (no barrier: collectors use this internally). */
  setField(words: Int32Array, addr: number, index: number, value: number): void {
    words[(addr + this.fieldOffset + 8 * index) >> 2] = value;
  }

  /** Low slot of header word `k` (0-based, after the shape word) of the object at `addr`. */
  getHeader(words: Int32Array, addr: number, k: number): number {
    return words[(addr >> 2) + 2 + 2 * k]!;
  }

  /** Sets the low slot of header word `k` of the object at `addr`. */
  setHeader(words: Int32Array, addr: number, k: number, value: number): void {
    words[(addr >> 2) + 2 + 2 * k] = value;
  }

  /**
   * Pushes every non-null reference of the object at `addr` onto `stack` from index `top`, returning
   * the new top. The caller guarantees room for `refCount` more entries.
   */
  pushReferences(words: Int32Array, addr: number, stack: Int32Array, top: number): number {
    const n = words[addr >> 2]! & NREFS_MASK;
    let p = (addr + this.fieldOffset) >> 2;
    const end = p + 2 * n;
    for (; p < end; p += 2) {
      const ref = words[p]!;
      if (ref !== 0) stack[top++] = ref;
    }
    return top;
  }
}
