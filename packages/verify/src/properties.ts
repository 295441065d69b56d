/**
 * The properties the verifier checks, and the error that reports a violated one.
 *
 * 1. `safety`: no reachable object is ever freed, moved incorrectly or corrupted: after every
 *    operation the reachable heap is isomorphic to the reference model (same shapes, same fields,
 *    one address per object, none shared), every reachable object is where the collector last said
 *    it put it, and core's checked mode agrees.
 * 2. `completeness`: after a full collection (a `gc`, or one the collector logs as 'full' inside any
 *    operation, unless it is incremental) nothing unreachable remains, except exactly what the
 *    collector cannot reclaim (see `Completeness`).
 * 3. `count-accuracy`: for collectors that count references, `referenceCount(addr)` equals the
 *    incoming references (fields of unfreed objects plus roots) after every operation.
 * 4. `allocator-integrity`: `collector.verify()` passes; unfreed objects do not overlap and lie in
 *    mapped memory; every free and move names an unfreed object; the heap's counters of allocated
 *    and freed objects and bytes agree with what the collector reported.
 * 5. `determinism`: the same program run twice gives identical deterministic figures, addresses
 *    included, after every operation (see `determinism.ts`).
 * 6. `reported-figures`: each collection record's `collected` equals the objects the collector
 *    reported freed since its previous record, and frees reported in bulk on an unobserved heap add
 *    up to what the observed run freed.
 * 7. `never-moves`: a collector whose constraints say `movesObjects: false` reports no move.
 *
 * Three more outcomes end a program with a failure: `out-of-memory` (an `OutOfMemoryError` while the
 * data the collector may not free fits comfortably under the heap limit), `crash` (any other
 * exception from the collector, naming the hook it came out of) and `time-limit` (the program ran
 * past its time limit; see `containment.ts`).
 */
import { GclabError } from '@gclab/core';

/** The name of a verified property (or of a failing outcome that is not one of the seven). */
export type PropertyName =
  | 'safety'
  | 'completeness'
  | 'count-accuracy'
  | 'allocator-integrity'
  | 'determinism'
  | 'reported-figures'
  | 'never-moves'
  | 'out-of-memory'
  | 'crash'
  | 'time-limit';

/** Every property name, in the order the verifier documents them. */
export const PROPERTY_NAMES: readonly PropertyName[] = [
  'safety',
  'completeness',
  'count-accuracy',
  'allocator-integrity',
  'determinism',
  'reported-figures',
  'never-moves',
  'out-of-memory',
  'crash',
  'time-limit',
];

/**
 * What a full collection must reclaim:
 * - `full`: every unreachable object (tracing collectors, `cpython`);
 * - `acyclic`: every unreachable object except the cyclic garbage and what only it reaches (reference
 *   counting: such objects keep each other's counts above zero), no more and no less;
 * - `none`: nothing is asserted (`no-gc` never frees).
 */
export type Completeness = 'full' | 'acyclic' | 'none';

/** A property violated by a collector, at operation `opIndex` of the program (0-based). */
export class PropertyViolation extends GclabError {
  override name = 'PropertyViolation';
  constructor(
    readonly property: PropertyName,
    readonly opIndex: number,
    readonly reason: string,
  ) {
    super(`${property} violated at op ${opIndex}: ${reason}`);
  }
}
