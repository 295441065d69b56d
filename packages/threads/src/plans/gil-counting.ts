/**
 * `gil`: plain reference counts under a global interpreter lock.
 *
 * Algorithm: CPython's counting before PEP 703 (Include/object.h `Py_INCREF`, `Py_DECREF`: a plain
 * `ob_refcnt++`), safe because one lock, the GIL (Python/ceval_gil.c, 3.13), is held by whichever
 * thread runs. A thread that waits longer than the switch interval (5 ms, `sys.getswitchinterval()`)
 * without the lock changing hands sets the holder's eval-breaker drop request; the holder checks its
 * breaker between operations, drops the lock and waits until another thread took it (FORCE_SWITCHING)
 * before asking for it again.
 *
 * Layout: one header word, its low slot the count.
 * Invariants: only the GIL holder touches counts; the count equals the references to the object.
 */

import { BREAKER, CONTROL } from '../layout.ts';
import { PlainCounting } from '../plain-counting.ts';
import type { ThreadHeap } from '../thread-heap.ts';

/** CPython's default switch interval, in milliseconds. */
export const SWITCH_INTERVAL_MS = 5;

/** Plain counts, one lock: `non-atomic`'s counting, made safe by the GIL. */
export class GilCounting extends PlainCounting {
  private holding = false;
  private readonly intervalMs: number;

  constructor(heap: ThreadHeap, threads: number, intervalMs = SWITCH_INTERVAL_MS) {
    super(heap, threads);
    this.intervalMs = intervalMs;
  }

  /** take_gil: spin on the lock, waiting a switch interval at a time; ask the holder to drop it when it did not change hands. */
  override restoreThread(): void {
    const w = this.words;
    const me = this.tid + 1;
    for (;;) {
      if (Atomics.compareExchange(w, CONTROL.gil, 0, me) === 0) {
        Atomics.add(w, CONTROL.gilSwitches, 1);
        Atomics.notify(w, CONTROL.gilSwitches);
        this.holding = true;
        this.figures.gilAcquisitions++;
        return;
      }
      const holder = Atomics.load(w, CONTROL.gil);
      if (holder === 0) continue;
      const switches = Atomics.load(w, CONTROL.gilSwitches);
      if (
        Atomics.wait(w, CONTROL.gil, holder, this.intervalMs) === 'timed-out' &&
        Atomics.load(w, CONTROL.gilSwitches) === switches &&
        Atomics.load(w, CONTROL.gil) === holder
      ) {
        Atomics.or(w, this.layout.breaker(holder - 1), BREAKER.dropGil);
      }
    }
  }

  /** drop_gil. */
  override saveThread(): void {
    if (!this.holding) return;
    this.holding = false;
    Atomics.store(this.words, CONTROL.gil, 0);
    Atomics.notify(this.words, CONTROL.gil, 1);
  }

  /** The drop request: release, wait for another thread to take the lock (or an interval), take it again. */
  override service(bits: number): void {
    super.service(bits);
    if ((bits & BREAKER.dropGil) === 0 || !this.holding) return;
    const w = this.words;
    const switches = Atomics.load(w, CONTROL.gilSwitches);
    this.saveThread();
    Atomics.wait(w, CONTROL.gilSwitches, switches, this.intervalMs);
    this.restoreThread();
  }
}
