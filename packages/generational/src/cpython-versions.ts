/**
 * The CPython versions after 3.11 whose collectors are `CPythonCollector` with other rules:
 * `cpython-3.12`, `cpython-3.13` and `cpython-3.15` (3.14's incremental collector has its own
 * subclass). Each version's rules and descriptor live here; what the rules mean is in cpython.ts.
 *
 * Sources and measurements, per difference from 3.11:
 * - Eval-breaker collections (all three): from 3.12 `_PyObject_GC_Link` (Python/gc.c) no longer
 *   calls `gc_collect_generations` when count[0] passes threshold[0]; it calls `_Py_ScheduleGC`,
 *   which sets the eval breaker, and `_Py_HandlePending` (Python/ceval_gil.c) runs `_Py_RunGC` at
 *   the next eval-breaker check (the RESUME of the next Python call). Measured: the differential mix
 *   with a `safepoint` after each allocation gives, collection for collection, the logs of the real
 *   3.12.7, 3.13.2 and 3.15.0rc1 (packages/experiments/test/differential-mix/).
 * - Thresholds: `gc.get_threshold()` of a fresh interpreter is (700, 10, 10) in 3.12.7 and
 *   (2000, 10, 10) in 3.13.2 and 3.15.0rc1 (measured in each interpreter).
 * - The 'stop' info-dict observer effect (cpython.ts's NOTE): unchanged. Measured with a callback
 *   registered: gc.collect() leaves gc.get_count() at (1, 0, 0) in 3.12.7, 3.13.2 and 3.15.0rc1, as
 *   in 3.11.7; after gc.collect(0) and gc.collect(1), (0, 1, 0) and (0, 0, 1).
 * - Finalizers, resurrection, weak reference callbacks, legacy finalizers, DEBUG_SAVEALL, gc.garbage:
 *   unchanged. Measured: the 13 test_gc traces (packages/generational/test/test-gc/, run by
 *   scripts/test_gc_cases.py in each interpreter) print the same lines in 3.12.7, 3.13.2 and
 *   3.15.0rc1 as in 3.11.7, except test_is_tracked under 3.15 (below); test_legacy_finalizer cannot
 *   run in the pyodide builds of 3.12 and 3.13 (no _testcapi for `with_tp_del`).
 * - Tracking of dicts and tuples (3.15 only; `CPythonVersion.dicts` and `.tuples`): measured on
 *   3.15.0rc1 (and 3.14.2), `{}` is tracked from birth and a dict of atomic values stays tracked across
 *   gc.collect() (no MAINTAIN_TRACKING, no untrack_dicts), and `(s, s)` of two strs, like
 *   `tuple([1, 2, 3])`, is untracked as soon as it is made. 3.12.7 and 3.13.2 keep 3.11's rules.
 * - Immortal objects (PEP 683, all three; `CPythonVersion.immortalRefcount`): the count word of an
 *   immortal object in a 64-bit build is `_Py_IMMORTAL_REFCNT` = UINT_MAX (3.12, 3.13) and
 *   `_Py_IMMORTAL_INITIAL_REFCNT` = 3 << 30 (Include/refcount.h:47 at v3.15.0rc1, from 3.14);
 *   `_Py_IsImmortal` tests its low 32 bits as a negative int32, `Py_INCREF`/`Py_DECREF` skip it, and
 *   `_Py_SetImmortal` (Objects/object.c, 3.14-era source) untracks a tracked object. The pyodide
 *   builds show the 32-bit values (sys.getrefcount(None): 1073741823 in 3.12.7 and 3.13.2,
 *   1879048192 in 3.14.2 and 3.15.0rc1); no Python code can immortalize a container, so the
 *   untracking is read, not measured, and 3.12's own `_Py_SetImmortal` (which may only set the
 *   count) was not at hand.
 *
 * - Free lists (free-lists.ts): lists, dicts and tuples as in 3.11 (80, 80, 2,000 of a length),
 *   except that a tuple of 20 items is taken from its free list too (3.11 pushes but never takes
 *   one); measured in 3.12.7, 3.13.2 and 3.15.0rc1.
 *
 * The real interpreters run here are pyodide builds (wasm32, 32-bit); gclab models the 64-bit builds
 * (8-byte words), which only matters for sizes and the immortal reference count.
 */
import type { CollectorDescriptor } from '@gclab/core';
import { type CPythonVersion, cpythonDescriptor } from './cpython.ts';
import type { FreeListSizes } from './free-lists.ts';

/** The free lists from 3.12 on: as 3.11's, with tuples of 20 items taken from theirs too (free-lists.ts). */
const FREE_LISTS_3_12: FreeListSizes = {
  lists: 80,
  dicts: 80,
  tuples: 2000,
  tupleTakeMax: 20,
  tupleFreeMax: 20,
};

/** CPython 3.12: 3.11's collector (Modules/gcmodule.c) with eval-breaker collections, 700/10/10. */
export const CPYTHON_3_12: CPythonVersion = {
  name: 'cpython-3.12',
  version: '3.12',
  thresholds: [700, 10, 10],
  trigger: 'eval-breaker',
  immortalRefcount: 4294967295,
  freeLists: FREE_LISTS_3_12,
};

/** CPython 3.13: as 3.12 (the collector moved to Python/gc.c) with threshold 0 raised to 2000. */
export const CPYTHON_3_13: CPythonVersion = {
  name: 'cpython-3.13',
  version: '3.13',
  thresholds: [2000, 10, 10],
  trigger: 'eval-breaker',
  immortalRefcount: 4294967295,
  freeLists: FREE_LISTS_3_12,
};

/**
 * CPython 3.15 (measured on 3.15.0rc1): it collects as 3.13 does (generation 0 every ~2000
 * allocations, gc.collect(1) counted in count[2], 2000/10/10, eval-breaker collections), not as
 * 3.14's incremental collector; dicts are tracked from birth and tuples untracked at creation.
 */
export const CPYTHON_3_15: CPythonVersion = {
  name: 'cpython-3.15',
  version: '3.15',
  thresholds: [2000, 10, 10],
  trigger: 'eval-breaker',
  dicts: 'always',
  tuples: 'creation',
  immortalRefcount: 3221225472,
  freeLists: FREE_LISTS_3_12,
};

/** Descriptor of `cpython-3.12`. */
export const cpython312: CollectorDescriptor = cpythonDescriptor(
  CPYTHON_3_12,
  "CPython 3.12: 3.11's generational cycle collector (700/10/10), collections run at the eval breaker (_Py_ScheduleGC, _Py_RunGC) instead of inside the allocation.",
);

/** Descriptor of `cpython-3.13`. */
export const cpython313: CollectorDescriptor = cpythonDescriptor(
  CPYTHON_3_13,
  'CPython 3.13: as 3.12 (eval-breaker collections) with threshold 0 raised to 2000 (2000/10/10).',
);

/** Descriptor of `cpython-3.15`. */
export const cpython315: CollectorDescriptor = cpythonDescriptor(
  CPYTHON_3_15,
  "CPython 3.15: collects as 3.13 does (generational, 2000/10/10, eval-breaker collections), not as 3.14's incremental collector; dicts tracked from birth, tuples of untracked items untracked at creation (measured on 3.15.0rc1).",
);
