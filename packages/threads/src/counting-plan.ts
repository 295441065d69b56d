/**
 * The part every counting plan shares: a dropped reference's decrement and, when a count reaches
 * zero, the cascade that frees the object and drops its references in turn (an explicit stack, no
 * recursion). Plans differ only in how they update a count: `release` says whether the object must
 * be freed now.
 *
 * A reference met in a cascade or a register that points at a free cell is counted (`useAfterFree`)
 * and skipped rather than followed: with correct counting it never happens; with lost updates it
 * does, and skipping keeps the demonstration running to its final check instead of corrupting the
 * free lists.
 */
import { NREFS_MASK } from '@gclab/core';
import { FREE_BIT } from './layout.ts';
import { ThreadPlan } from './thread-plan.ts';

/** A plan that frees an object when its count reaches zero. */
export abstract class CountingPlan extends ThreadPlan {
  readonly freesAllGarbage = true;

  /** Drops one reference to `addr`; true when the object must be freed now. */
  protected abstract release(addr: number): boolean;

  decrement(addr: number): void {
    if ((this.words[addr >> 2]! & FREE_BIT) !== 0) {
      this.figures.useAfterFree++;
      return;
    }
    this.figures.decrements++;
    if (this.release(addr)) this.cascade(addr);
  }

  /** Frees `addr` (its count is zero) and every object whose count drops to zero as a result. */
  protected cascade(addr: number): void {
    const w = this.words;
    const offset = this.heap.model.fieldOffset;
    let stack = this.stack;
    let top = 0;
    stack[top++] = addr;
    // Invariant: every address on the stack has a zero count and is not yet free.
    while (top > 0) {
      const a = stack[--top]!;
      const n = w[a >> 2]! & NREFS_MASK;
      if (top + n > stack.length) stack = this.reserveStack(top, n);
      for (let p = (a + offset) >> 2, end = p + 2 * n; p < end; p += 2) {
        const child = w[p]!;
        if (child === 0) continue;
        if ((w[child >> 2]! & FREE_BIT) !== 0) {
          this.figures.useAfterFree++;
          continue;
        }
        this.figures.decrements++;
        if (this.release(child)) stack[top++] = child;
      }
      this.heap.free(a);
      this.figures.freedByCount++;
    }
  }
}
