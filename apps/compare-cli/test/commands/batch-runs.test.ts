/**
 * The recipes of docs/batch-runs.md, run as each scheduler would run them: every shard with the
 * environment its scheduler sets (a Slurm array starting at 1, a Kubernetes Indexed Job, a CI
 * matrix's explicit shards), then `gclab merge`. The merged file must hold an unsharded run's cells,
 * in its order, with its deterministic figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readResults } from '@gclab/bench';
import { describe, expect, it } from 'vitest';
import { cellKey } from '../../src/report/figures.ts';
import { runProgram } from '../../src/run-program.ts';
import { QUICK, tempDir } from '../faults/spawn-cli.ts';
import { ROOT } from '../run-cli.ts';
import { runCli } from '../run-in-process.ts';

/** A small matrix: one workload x (no-gc, refcount, mark-sweep) = 3 cells, one a Slurm task. */
const MATRIX = [
  'run',
  '--workloads',
  'jupyter-globals',
  '--strategies',
  'no-gc,refcount,mark-sweep',
  ...QUICK,
];

/** Environment variables of the schedulers, cleared so the test's own environment cannot leak in. */
const CLEAR = {
  SLURM_ARRAY_TASK_ID: undefined,
  SLURM_ARRAY_TASK_MIN: undefined,
  SLURM_ARRAY_TASK_MAX: undefined,
  SLURM_ARRAY_TASK_STEP: undefined,
  SLURM_ARRAY_TASK_COUNT: undefined,
  JOB_COMPLETION_INDEX: undefined,
};

/** Runs `gclab ...args` in-process with `env` added; resolves with the exit code and stderr. */
async function run(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stderr: string }> {
  const r = await runProgram(args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...CLEAR, ...env } });
  return { code: r.code, stderr: r.stderr };
}

/** Runs `tasks` one after another (in-process runs take turns). */
async function inTurn<T>(tasks: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const out: T[] = [];
  for (const task of tasks) out.push(await task());
  return out;
}

describe('docs/batch-runs.md recipes', () => {
  it('names the options this test runs', () => {
    const doc = readFileSync(join(ROOT, 'docs/batch-runs.md'), 'utf8');
    expect(doc).toContain('#SBATCH --array=1-4');
    expect(doc).toContain('--shard auto --out results/shard-$SLURM_ARRAY_TASK_ID.json');
    expect(doc).toContain('completionMode: Indexed');
    expect(doc).toContain('"--shard", "auto", "--shard-count", "4"');
    const shard = '$' + '{{ matrix.shard }}'; // GitHub Actions' expression, not a template string
    expect(doc).toContain(`--shard ${shard}/4 --out shard-${shard}.json`);
    expect(doc.match(/gclab(\.js)? merge /g)?.length).toBeGreaterThanOrEqual(3);
  });

  it('Slurm array, Kubernetes Indexed Job and CI matrix shards merge into the unsharded run', async () => {
    const dir = tempDir();
    const file = (name: string): string => join(dir, `${name}.json`);
    // sbatch --array=1-3: tasks 1, 2, 3 (SLURM_ARRAY_TASK_MIN=1).
    const slurm = [1, 2, 3].map(
      (id) => () =>
        run([...MATRIX, '--shard', 'auto', '--out', file(`slurm-${id}`)], {
          SLURM_ARRAY_TASK_ID: String(id),
          SLURM_ARRAY_TASK_MIN: '1',
          SLURM_ARRAY_TASK_MAX: '3',
          SLURM_ARRAY_TASK_STEP: '1',
          SLURM_ARRAY_TASK_COUNT: '3',
        }),
    );
    // completions: 2, completionMode: Indexed.
    const kubernetes = [0, 1].map(
      (index) => () =>
        run([...MATRIX, '--shard', 'auto', '--shard-count', '2', '--out', file(`k8s-${index}`)], {
          JOB_COMPLETION_INDEX: String(index),
        }),
    );
    // matrix: shard: [1, 2]
    const ci = [1, 2].map(
      (shard) => () => run([...MATRIX, '--shard', `${shard}/2`, '--out', file(`ci-${shard}`)], {}),
    );
    const whole = () => run([...MATRIX, '--out', file('whole')], {});
    const runs = await inTurn([whole, ...slurm, ...kubernetes, ...ci]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);

    const merges = await inTurn(
      [
        ['slurm-1', 'slurm-2', 'slurm-3'],
        ['k8s-0', 'k8s-1'],
        ['ci-1', 'ci-2'],
      ].map((names) => () => runCli(['merge', ...names.map(file), '--out', file(`${names[0]}-merged`)])),
    );
    for (const m of merges) expect(m.code, m.stderr).toBe(0);

    const reference = readResults(file('whole'));
    expect(reference.cells).toHaveLength(3);
    for (const name of ['slurm-1', 'k8s-0', 'ci-1']) {
      const shards = readResults(file(name)).options.shard;
      expect(shards?.index).toBe(1);
      const merged = readResults(file(`${name}-merged`));
      expect(merged.options.shard).toBeNull();
      expect(merged.cells.map(cellKey), name).toEqual(reference.cells.map(cellKey));
      expect(
        merged.cells.map((c) => c.deterministic),
        name,
      ).toEqual(reference.cells.map((c) => c.deterministic));
    }
    expect(readResults(file('slurm-3')).options.shard).toEqual({ index: 3, count: 3 });
    expect(readResults(file('k8s-1')).options.shard).toEqual({ index: 2, count: 2 });
  }, 300_000); // 8 runs and 3 merges, one at a time, on a busy 2-core machine
});
