/**
 * The oracle: what is live, by its own traversal from the roots, independent of any collector.
 *
 * It marks with an epoch stamp per simulated word (no clearing between traversals) and an explicit
 * typed-array stack. Garbage is what the collector has not freed minus what is reachable: the
 * outstanding garbage of promptness figures and, after a final collection, the leak.
 */
import type { Heap } from './heap.ts';
import { NREFS_MASK } from './object-model.ts';
import { Worklist } from './worklist.ts';

/** Reachable and unreachable figures at one moment. */
export interface Reachability {
  /** Objects reachable from the roots. */
  reachableObjects: number;
  /** Bytes in reachable objects. */
  reachableBytes: number;
  /** Objects allocated, not freed and not reachable (garbage the collector has not reclaimed). */
  garbageObjects: number;
  /** Bytes in those objects. */
  garbageBytes: number;
}

/** Reachability from the roots, computed by an independent traversal. */
export class Oracle {
  private stamps = new Uint32Array(0);
  private epoch = 0;
  private readonly stack = new Worklist(1024);

  constructor(private readonly heap: Heap) {}

  /**
   * Traverses the object graph from the roots, calling `visit` once per reachable object (in no
   * particular order), and returns the figures.
   */
  traverse(visit?: (addr: number) => void): Reachability {
    const heap = this.heap;
    const words = heap.memory.words;
    if (this.stamps.length < words.length >> 1) this.stamps = new Uint32Array(words.length >> 1);
    if (++this.epoch === 0xffff_ffff) {
      this.stamps.fill(0);
      this.epoch = 1;
    }
    const stamps = this.stamps;
    const epoch = this.epoch;
    const stack = this.stack;
    stack.clear();
    const roots = heap.roots;
    for (let i = 0; i < roots.top; i++) if (roots.regs[i] !== 0) stack.push(roots.regs[i]!);
    for (let g = 0; g < roots.globalCount; g++) if (roots.globals[g] !== 0) stack.push(roots.globals[g]!);
    const model = heap.model;
    const fieldOffset = model.fieldOffset;
    let objects = 0;
    let bytes = 0;
    while (stack.length > 0) {
      const addr = stack.pop();
      const w = addr >>> 3;
      if (stamps[w] === epoch) continue;
      stamps[w] = epoch;
      objects++;
      bytes += model.size(words, addr);
      if (visit !== undefined) visit(addr);
      const n = words[addr >> 2]! & NREFS_MASK;
      stack.reserve(n);
      let p = (addr + fieldOffset) >> 2;
      const end = p + 2 * n;
      const items = stack.items;
      let top = stack.length;
      for (; p < end; p += 2) {
        const ref = words[p]!;
        if (ref !== 0 && stamps[ref >>> 3] !== epoch) items[top++] = ref;
      }
      stack.length = top;
    }
    const c = heap.counters;
    return {
      reachableObjects: objects,
      reachableBytes: bytes,
      garbageObjects: c.objectsAllocated - c.objectsFreed - objects,
      garbageBytes: c.bytesAllocated - c.bytesFreed - bytes,
    };
  }

  /** Whether `addr` was reached by the last traversal. */
  wasReached(addr: number): boolean {
    return this.stamps[addr >>> 3] === this.epoch;
  }
}
