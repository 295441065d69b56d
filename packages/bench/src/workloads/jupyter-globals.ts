/**
 * `jupyter-globals`: a notebook session, after the article's point that globals live until the end
 * of the process unless `del` removes them.
 *
 * What it stresses: long-lived data held by globals (never garbage until reassigned or deleted),
 * the output cache `_` that keeps the last result alive, and frees at `set` (reassignment), `del`
 * and `ret` (a cell's temporaries). Each cell is a call: it builds a chain of `temps` temporaries
 * (64-byte payloads, dropped when the cell returns), then a result list of `items` strings (32-byte
 * payloads) assigned to a random global `v<k>` (replacing its old value) and to `_`; then, with
 * probability `delRate`, `del v<j>` for a random j (when v<j> is defined).
 *
 * Sizes: 2,000 / 20,000 / 100,000 cells over 20 / 200 / 1,000 globals, 20 temporaries and 50 / 50 /
 * 100 items per cell, delRate 0.25. The seed picks the globals. The result is the number of `del`s.
 */
import type { Heap } from '@gclab/core';
import { Prng } from './prng.ts';
import {
  bySize,
  NO_ARGS,
  numberOption,
  type Workload,
  type WorkloadParams,
  type WorkloadSize,
} from './workload.ts';

/** Shape of a `jupyter-globals` run. */
export interface JupyterGlobalsShape {
  /** Notebook cells executed. */
  readonly cells: number;
  /** Distinct global names `v0 .. v<globals-1>`. */
  readonly globals: number;
  /** Temporaries per cell. */
  readonly temps: number;
  /** Items in each cell's result list. */
  readonly items: number;
  /** Probability that a cell ends with a `del`. */
  readonly delRate: number;
}

/** Shapes by size. */
export const JUPYTER_GLOBALS_SHAPES: Readonly<Record<WorkloadSize, JupyterGlobalsShape>> = {
  small: { cells: 2000, globals: 20, temps: 20, items: 50, delRate: 0.25 },
  medium: { cells: 20_000, globals: 200, temps: 20, items: 50, delRate: 0.25 },
  large: { cells: 100_000, globals: 1000, temps: 20, items: 100, delRate: 0.25 },
};

/** Payload bytes of a temporary. */
export const JUPYTER_TEMP_PAYLOAD = 64;
/** Payload bytes of a result item. */
export const JUPYTER_ITEM_PAYLOAD = 32;

// A cell's frame: r0 = temporaries' chain, r1 = a new temporary, r2 = the result, r3 = an item.
const CHAIN = 0;
const TEMP = 1;
const RESULT = 2;
const ITEM = 3;

/** Runs `jupyter-globals` with `shape`; returns the number of `del`s executed. */
export function runJupyterGlobals(heap: Heap, shape: JupyterGlobalsShape, seed: number): number {
  const prng = new Prng(seed);
  const names = new Int32Array(shape.globals);
  for (let g = 0; g < shape.globals; g++) names[g] = heap.global(`v${g}`);
  const last = heap.global('_');
  const defined = new Uint8Array(shape.globals);
  let dels = 0;
  for (let cell = 0; cell < shape.cells; cell++) {
    heap.call(4, NO_ARGS);
    for (let t = 0; t < shape.temps; t++) {
      heap.new(TEMP, 1, JUPYTER_TEMP_PAYLOAD);
      heap.put(TEMP, 0, CHAIN);
      heap.set(CHAIN, TEMP);
    }
    heap.new(RESULT, shape.items, 0);
    for (let j = 0; j < shape.items; j++) {
      heap.new(ITEM, 0, JUPYTER_ITEM_PAYLOAD);
      heap.put(RESULT, j, ITEM);
    }
    const k = prng.int(shape.globals);
    heap.set(names[k]!, RESULT);
    defined[k] = 1;
    heap.set(last, RESULT);
    if (prng.chance(shape.delRate)) {
      const j = prng.int(shape.globals);
      if (defined[j] === 1) {
        heap.del(names[j]!);
        defined[j] = 0;
        dels++;
      }
    }
    heap.ret();
  }
  return dels;
}

/** The `jupyter-globals` workload. */
export const jupyterGlobals: Workload = {
  name: 'jupyter-globals',
  summary:
    'notebook cells: results kept by globals and `_` until reassigned or deleted, temporaries freed at return',
  seeded: true,
  run(heap: Heap, params: WorkloadParams): number {
    const base = bySize(params.size, JUPYTER_GLOBALS_SHAPES);
    const shape = { ...base, delRate: numberOption(params.options, 'delRate', base.delRate) };
    return runJupyterGlobals(heap, shape, params.seed);
  },
};
