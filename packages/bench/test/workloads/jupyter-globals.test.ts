import { Heap, noGc } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { JUPYTER_GLOBALS_SHAPES, jupyterGlobals } from '../../src/workloads/jupyter-globals.ts';

describe('jupyter-globals', () => {
  it('allocates temporaries, a result list and its items per cell', () => {
    const { cells, temps, items, globals } = JUPYTER_GLOBALS_SHAPES.small;
    const heap = new Heap(noGc);
    const dels = jupyterGlobals.run(heap, { size: 'small', seed: 42 });
    expect(heap.counters.objectsAllocated).toBe(cells * (temps + items + 1));
    // Temporaries 8 + 8 + 64, the list 8 + 8 * items, items 8 + 32.
    expect(heap.counters.bytesAllocated).toBe(cells * (temps * 80 + 8 + 8 * items + items * 40));
    // About a quarter of cells end with a del (of a defined global): fewer dels than 0.25 * cells.
    expect(dels).toBeGreaterThan(0);
    expect(dels).toBeLessThanOrEqual(0.25 * cells + 5 * Math.sqrt(cells * 0.25 * 0.75));
    // What lives: whole results (a list and its items), one per defined global or `_`.
    const live = heap.oracle.traverse().reachableObjects;
    expect(live % (items + 1)).toBe(0);
    expect(live / (items + 1)).toBeGreaterThanOrEqual(1);
    expect(live / (items + 1)).toBeLessThanOrEqual(globals + 1);
    expect(heap.roots.globalDefined[~heap.global('_')]).toBe(1);
  });
});
