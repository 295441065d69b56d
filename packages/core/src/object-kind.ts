/**
 * Object kinds (trace format 2): what an object is, for collectors whose rules depend on it. Only
 * CPython's collectors read them (its tracking rules); every other collector treats all kinds alike.
 * The heap sets `Heap.allocKind` to the kind of the object being allocated before it calls the
 * collector's `allocate`, and it stays set through `postAlloc`.
 */
import type { ObjectKindName } from './trace/ops.ts';

/** An object kind, as a small integer (`allocKind`). */
export const ObjectKind = {
  /** Version 1's rule: tracked exactly when the object has a reference field. */
  default: 0,
  /** An instance of a class: tracked. */
  object: 1,
  /** A list: tracked, even empty. */
  list: 2,
  /** A dict: untracked until it holds a tracked object; untracked again by a collection (`untrack_dicts`). */
  dict: 3,
  /** A tuple: untracked by a collection once it holds only untracked objects (`untrack_tuples`). */
  tuple: 4,
  /** An int, str or bytes: never tracked. */
  atomic: 5,
  /** A weak reference object (made by the `weakref` operation): tracked. */
  weakref: 6,
} as const;
/** An object kind code. */
export type ObjectKind = (typeof ObjectKind)[keyof typeof ObjectKind];

/** The kind code of a kind's name in the trace format (`undefined`: the default). */
export function objectKindCode(name: ObjectKindName | undefined): ObjectKind {
  return name === undefined ? ObjectKind.default : ObjectKind[name];
}

/**
 * Payload bytes of a weak reference object: CPython's `PyWeakReference` beyond the object header
 * (`wr_object`, `wr_callback`, `hash`, `wr_prev`, `wr_next`, `vectorcall`: 48 bytes) less the 16
 * bytes this model's header words and shape word stand for.
 */
export const WEAKREF_PAYLOAD_BYTES = 32;
