/**
 * A barrier for the mutator threads on the shared memory: the last thread to arrive starts the next
 * generation and wakes the others, who sleep in `Atomics.wait` on the generation word. `poll` lets a
 * waiting thread keep answering its eval breaker (a thread blocked on a barrier must still reach the
 * safepoint of a collection another thread requested, or both would wait forever).
 */
import { CONTROL } from './layout.ts';

/** Waits until `parties` threads have called it; returns when all have. */
export function awaitBarrier(words: Int32Array, parties: number): void {
  const generation = Atomics.load(words, CONTROL.barrierGeneration);
  if (Atomics.add(words, CONTROL.barrierCount, 1) === parties - 1) {
    Atomics.store(words, CONTROL.barrierCount, 0);
    Atomics.add(words, CONTROL.barrierGeneration, 1);
    Atomics.notify(words, CONTROL.barrierGeneration);
    return;
  }
  while (Atomics.load(words, CONTROL.barrierGeneration) === generation) {
    Atomics.wait(words, CONTROL.barrierGeneration, generation);
  }
}
