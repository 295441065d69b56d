/**
 * Typed errors of the simulated machine. Every error a user can cause names what went wrong and
 * where: an operation index for mutator and integrity errors, `file:line:col` for trace syntax.
 */

/** Base class of every gclab error, so callers can tell a user's mistake from a crash. */
export class GclabError extends Error {
  override name = 'GclabError';
}

/** Figures a collector reports when it cannot satisfy an allocation. */
export interface HeapFigures {
  /** Bytes of the request that failed. */
  requestedBytes: number;
  /** Bytes the simulated OS has mapped now. */
  reservedBytes: number;
  /** The heap limit in bytes, or `Infinity` when none is set. */
  heapLimit: number;
  /** Bytes in objects not yet freed (allocated minus freed). */
  allocatedBytes: number;
  /** Name of the collector that gave up. */
  collector: string;
}

/** Raised when a collector cannot free enough memory for an allocation under the heap limit. */
export class OutOfMemoryError extends GclabError {
  override name = 'OutOfMemoryError';
  constructor(readonly figures: HeapFigures) {
    super(
      `out of memory: ${figures.collector} could not allocate ${figures.requestedBytes} bytes ` +
        `(reserved ${figures.reservedBytes} of limit ${figures.heapLimit} bytes, ` +
        `${figures.allocatedBytes} bytes in unfreed objects)`,
    );
  }
}

/** A malformed trace file: the message starts with `file:line:col:`. */
export class TraceSyntaxError extends GclabError {
  override name = 'TraceSyntaxError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}

/** An invalid mutator operation (null dereference, field index out of range, unknown register...). */
export class MutatorError extends GclabError {
  override name = 'MutatorError';
  constructor(
    readonly opIndex: number,
    readonly opText: string,
    readonly reason: string,
  ) {
    super(`op ${opIndex} (${opText}): ${reason}`);
  }
}

/** Checked mode found the heap corrupted: a reachable object freed, moved wrongly, or altered. */
export class HeapIntegrityError extends GclabError {
  override name = 'HeapIntegrityError';
  constructor(
    readonly opIndex: number,
    readonly reason: string,
  ) {
    super(`heap integrity violated after op ${opIndex}: ${reason}`);
  }
}

/** A misuse of the simulated OS or a space (unmapping what was never mapped, a bad size...). */
export class MemoryError extends GclabError {
  override name = 'MemoryError';
}
