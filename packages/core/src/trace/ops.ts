/**
 * The operations of the trace format as data. Version 1 has the mutator operations; version 2 adds
 * object kinds, finalizers, weak references, `safepoint`, `immortal` and the `gc` module calls. See
 * docs/trace-format.md.
 */

/** A root: register `index` of the current frame, or the global `name`. */
export type TraceRoot =
  | { readonly kind: 'reg'; readonly index: number }
  | { readonly kind: 'global'; readonly name: string };

/** A source: a root or the constant null. */
export type TraceSource = TraceRoot | null;

/**
 * What an object is, for the collectors that treat kinds differently (CPython's tracking rules):
 * `object` an instance (tracked), `list` (tracked, even empty), `dict` (untracked until it holds a
 * tracked object), `tuple` (untracked by a collection once it holds only untracked objects), `atomic`
 * (an int or str: never tracked). A version-1 `new` has no kind: tracked exactly when it has a
 * reference field.
 */
export type ObjectKindName = 'object' | 'list' | 'dict' | 'tuple' | 'atomic';

/** What a finalizer does when it runs (besides writing `finalize #ID` to the output). */
export type FinalizerAction =
  /** PEP 442's `tp_finalize` (`__del__`): runs at most once; `resurrect` stores the object into a global. */
  | { readonly kind: 'finalize'; readonly resurrect: string | null }
  /** A legacy finalizer (`tp_del`): under CPython's cycle collector, a cycle holding one is uncollectable. */
  | { readonly kind: 'legacy' };

/** A call of Python's `gc` module (trace format 2); those marked "output" write one line. */
export type GcCall =
  | { readonly call: 'collect'; readonly generation: number | null } // output: collected N
  | { readonly call: 'get_count' } // output: count A B C
  | { readonly call: 'set_threshold'; readonly thresholds: readonly number[] }
  | { readonly call: 'enable' }
  | { readonly call: 'disable' }
  | { readonly call: 'freeze' }
  | { readonly call: 'unfreeze' }
  | { readonly call: 'garbage' } // output: garbage N (its length)
  | { readonly call: 'garbage_clear' } // gc.garbage.clear()
  | { readonly call: 'set_debug'; readonly flags: number }
  | { readonly call: 'is_tracked'; readonly src: TraceRoot } // output: tracked true|false
  | { readonly call: 'is_finalized'; readonly src: TraceRoot }; // output: finalized true|false

/** Names of the `gc` module calls, as a trace writes them after `gc.`. */
export const GC_CALLS: readonly GcCall['call'][] = [
  'collect',
  'get_count',
  'set_threshold',
  'enable',
  'disable',
  'freeze',
  'unfreeze',
  'garbage',
  'garbage_clear',
  'set_debug',
  'is_tracked',
  'is_finalized',
];

/** How a trace writes a `gc` call: `gc.collect`, ..., `gc.garbage.clear`. */
export function gcCallText(call: GcCall['call']): string {
  return call === 'garbage_clear' ? 'gc.garbage.clear' : `gc.${call}`;
}

/** One trace operation. */
export type TraceOp =
  | {
      readonly op: 'new';
      readonly dst: TraceRoot;
      readonly refs: number;
      readonly bytes: number;
      /** Version 2: the object's kind (absent: version 1's rule). */
      readonly kind?: ObjectKindName;
    }
  | { readonly op: 'set'; readonly dst: TraceRoot; readonly src: TraceSource }
  | { readonly op: 'del'; readonly dst: TraceRoot }
  | { readonly op: 'put'; readonly obj: TraceRoot; readonly index: number; readonly src: TraceSource }
  | { readonly op: 'get'; readonly dst: TraceRoot; readonly obj: TraceRoot; readonly index: number }
  | { readonly op: 'call'; readonly nregs: number; readonly args: readonly TraceSource[] }
  | { readonly op: 'ret' }
  | { readonly op: 'gc'; readonly generation: number | null }
  | { readonly op: 'refcount'; readonly src: TraceRoot }
  // ---- version 2 ----
  | { readonly op: 'finalizer'; readonly obj: TraceRoot; readonly action: FinalizerAction }
  | {
      readonly op: 'weakref';
      readonly dst: TraceRoot;
      readonly referent: TraceRoot;
      readonly callback: boolean;
    }
  | { readonly op: 'deref'; readonly dst: TraceRoot; readonly weakref: TraceRoot }
  | { readonly op: 'safepoint' }
  /** PEP 683: the object becomes immortal (held forever; see `Heap.immortal`). */
  | { readonly op: 'immortal'; readonly obj: TraceRoot }
  | { readonly op: 'gc-call'; readonly gc: GcCall };

/** The header line of a version-1 trace. */
export const TRACE_HEADER = 'gclab-trace 1';
/** The header line of a version-2 trace. */
export const TRACE_HEADER_2 = 'gclab-trace 2';

/** Whether `op` needs trace format 2. */
export function isVersion2Op(op: TraceOp): boolean {
  switch (op.op) {
    case 'new':
      return op.kind !== undefined;
    case 'finalizer':
    case 'weakref':
    case 'deref':
    case 'safepoint':
    case 'immortal':
    case 'gc-call':
      return true;
    default:
      return false;
  }
}

/** Register root `index`. */
export function reg(index: number): TraceRoot {
  return { kind: 'reg', index };
}

/** Global root `name`. */
export function glob(name: string): TraceRoot {
  return { kind: 'global', name };
}

/** Pattern a global's name must match. */
export const GLOBAL_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
