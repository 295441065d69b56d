/**
 * The cheap consistency check that ends every replay, checked mode or not: the oracle's traversal
 * from the roots (which the report needs anyway) must find only objects inside mapped memory, and no
 * more of them than were allocated and not freed. A collector that freed, moved or overwrote live
 * objects without `--checked` is caught here, so a replay never exits 0 with impossible figures
 * (more objects live than exist, a negative leak). Checked mode finds the first operation that broke
 * the heap; this check only says that one did.
 */
import { type Heap, HeapIntegrityError, hex, type Reachability } from '@gclab/core';

/** Traverses the heap and returns the figures; `HeapIntegrityError` (after the last op) if they are impossible. */
export function endOfRunCheck(heap: Heap, ops: number): Reachability {
  const os = heap.os;
  const model = heap.model;
  const words = heap.memory.words;
  let outside = 0;
  let first = 0;
  const reach = heap.oracle.traverse((addr) => {
    const size = model.size(words, addr);
    const inside =
      addr > 0 &&
      addr % 8 === 0 &&
      Number.isFinite(size) &&
      os.isMapped(addr) &&
      os.isMapped(addr + size - 1);
    if (!inside && outside++ === 0) first = addr;
  });
  const c = heap.counters;
  const unfreed = c.objectsAllocated - c.objectsFreed;
  let problem: string | null = null;
  if (outside > 0) {
    problem = `${outside} reachable reference${outside === 1 ? '' : 's'} (the first ${first > 0 ? hex(first) : first}) point${outside === 1 ? 's' : ''} outside mapped memory`;
  } else if (reach.garbageObjects < 0 || reach.garbageBytes < 0) {
    problem = `${reach.reachableObjects} objects (${reach.reachableBytes} bytes) are reachable, but only ${unfreed} (${c.bytesAllocated - c.bytesFreed} bytes) were allocated and not freed`;
  } else if (unfreed < 0) {
    problem = `${c.objectsFreed} objects were freed, but only ${c.objectsAllocated} allocated`;
  }
  if (problem !== null) {
    throw new HeapIntegrityError(
      Math.max(0, ops - 1),
      `at the end of the run, ${problem}: the collector freed, moved or overwrote live objects ` +
        '(replay with --checked to find the first operation that broke the heap)',
    );
  }
  return reach;
}
