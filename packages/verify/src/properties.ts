/**
 * The properties the verifier checks, and the error that reports a violated one.
 *
 * 1. `safety`: no reachable object is ever freed, moved incorrectly or corrupted: after every
 *    operation the reachable heap is isomorphic to the reference model (same shapes, same fields,
 *    one address per object, none shared), every reachable object is where the collector last said
 *    it put it, and core's checked mode agrees.
 * 2. `completeness`: after a full collection (a `gc` or `gc.collect`, or one the collector logs as
 *    'full' inside any operation, unless it is incremental) nothing unreachable remains, except
 *    exactly what the collector cannot reclaim (see `Completeness`) and what finalization keeps
 *    (see lockstep.ts).
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
 * 8. `finalizers` (trace format 2): a finalizer runs at most once, only while its registration is
 *    the object's latest, never for a freed object, and only for an object that was unreachable
 *    (before the operation, or after it but for what this operation's finalizers resurrected); an
 *    object is never freed while its finalizer is registered and has not run; a resurrected object
 *    and what it reaches stay intact (safety, with the model storing it into its global).
 * 9. `weak-references` (trace format 2): a weak reference to a freed or moved object never keeps
 *    the old address (checked after every operation, and at every `deref`); `deref` gives null only
 *    when the referent is freed, unreachable, or was seen unreachable before (a resurrected object's
 *    weak references may stay cleared), and never live again once it gave null; a callback runs at
 *    most once, only for a weak reference that has one and is not freed (and, for a collector that
 *    does not count references, is reachable), and only once its referent is dead.
 *
 * Three more outcomes end a program with a failure: `out-of-memory` (an `OutOfMemoryError` while the
 * data the collector may not free fits comfortably under the heap limit), `crash` (any other
 * exception from the collector, naming the hook it came out of) and `time-limit` (the program ran
 * past its time limit; see `containment.ts`).
 */
import { GclabError } from '@gclab/core';

/** The name of a verified property (or of a failing outcome that is not one of the nine). */
export type PropertyName =
  | 'safety'
  | 'completeness'
  | 'count-accuracy'
  | 'allocator-integrity'
  | 'determinism'
  | 'reported-figures'
  | 'never-moves'
  | 'finalizers'
  | 'weak-references'
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
  'finalizers',
  'weak-references',
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
