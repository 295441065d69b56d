/**
 * Grouping a results file's cells for reports: one group per program (workload, size, seed), in the
 * order the run listed them, each with its cells in collector order (the baseline first).
 */
import type { CellResult, MatrixResults } from '@gclab/bench';

/** The cells of one program. */
export interface ProgramGroup {
  /** `workload|size|seed`. */
  key: string;
  /** Workload spec. */
  workload: string;
  /** Size. */
  size: string;
  /** Seed. */
  seed: number;
  /** A title: `gcbench (small, seed 42)`. */
  title: string;
  /** The cells, baseline first, then the run's collector order, then heap order. */
  cells: CellResult[];
}

/** The collectors of a results file in display order: the baseline, then the run's order. */
export function collectorOrder(results: MatrixResults): string[] {
  const names: string[] = [];
  const add = (n: string): void => {
    if (!names.includes(n)) names.push(n);
  };
  if (
    results.options.baseline !== null &&
    results.cells.some((c) => c.cell.collector === results.options.baseline)
  ) {
    add(results.options.baseline);
  }
  for (const c of results.options.collectors) add(c.name);
  for (const c of results.cells) add(c.cell.collector);
  return names;
}

/** Groups the cells by program, keeping the first-seen order of programs. */
export function programGroups(results: MatrixResults): ProgramGroup[] {
  const order = collectorOrder(results);
  const groups = new Map<string, ProgramGroup>();
  for (const r of results.cells) {
    const { workload, size, seed } = r.cell;
    const key = `${workload}|${size}|${seed}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { key, workload, size, seed, title: `${workload} (${size}, seed ${seed})`, cells: [] };
      groups.set(key, g);
    }
    g.cells.push(r);
  }
  for (const g of groups.values()) {
    // A stable sort keeps the run's heap order within a collector.
    g.cells.sort((a, b) => order.indexOf(a.cell.collector) - order.indexOf(b.cell.collector));
  }
  return [...groups.values()];
}

/** Whether the cells use more than one heap size (then tables show a heap column). */
export function hasSeveralHeaps(cells: readonly CellResult[]): boolean {
  const first = cells[0];
  if (first === undefined) return false;
  const label = JSON.stringify(first.cell.heap);
  return cells.some((c) => JSON.stringify(c.cell.heap) !== label);
}
