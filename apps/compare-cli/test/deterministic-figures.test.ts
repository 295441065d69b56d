/**
 * The deterministic figures of the default `gclab run` (72 cells: every collector on the default
 * workloads, size small, seed 42) are those recorded in `fixtures/default-run-before-layout.json`,
 * the results file written just before the tree was reorganised (issue 13: plans and policies, a
 * verify package, a home for experiments). A reorganisation changes no behaviour, so every count,
 * byte and collection must compare `same` under `gclab compare`. A change that is meant to alter
 * the figures regenerates the file (`npx gclab run --format json --out FILE`) and says so. The run
 * names the file's collectors (those registered since, such as `cpython-3.12`, are not in it); collector
 * figures added since (such as mark-sweep's `fragmentedBytes`) are not compared, every one it holds is.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'gclab-deterministic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The collectors of the committed results file, in its order. */
const FIXTURE_COLLECTORS = (
  JSON.parse(readFileSync(fixture('default-run-before-layout.json'), 'utf8')) as {
    options: { collectors: Array<{ name: string }> };
  }
).options.collectors.map((c) => c.name);

interface Comparison {
  cells: Array<{
    key: string;
    oldStatus: string;
    newStatus: string;
    changes: Array<{ metric: string; deterministic: boolean; verdict: string; old: number | null }>;
  }>;
  onlyInOld: string[];
  onlyInNew: string[];
}

describe('the default run', () => {
  it('reproduces every deterministic figure of the committed results file', async () => {
    const out = join(dir, 'now.json');
    // Collectors registered since the file was written are not part of the comparison.
    // No warm-up: the deterministic figures are the same on every invocation.
    const run = await runCli([
      'run',
      '--strategies',
      FIXTURE_COLLECTORS.join(','),
      '--warmup',
      '0',
      '--invocations',
      '1',
      '--min-time',
      '0',
      '--out',
      out,
    ]);
    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(0);
    const compared = await runCli([
      'compare',
      fixture('default-run-before-layout.json'),
      out,
      '--all',
      '--format',
      'json',
      '--out',
      join(dir, 'comparison.json'),
    ]);
    expect(compared.code).toBe(0);
    const c = JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8')) as Comparison;
    expect(c.onlyInOld).toEqual([]);
    expect(c.onlyInNew).toEqual([]);
    expect(c.cells.length).toBe(72);
    const deterministic = c.cells.flatMap((cell) => cell.changes.filter((f) => f.deterministic));
    // Each cell has its catalogued deterministic figures plus its whole deterministic record.
    expect(deterministic.length).toBeGreaterThan(72 * 5);
    const differing = c.cells.flatMap((cell) => [
      ...(cell.oldStatus === cell.newStatus
        ? []
        : [`${cell.key}: status ${cell.oldStatus} -> ${cell.newStatus}`]),
      ...cell.changes
        // A collector figure added since the file was written (old: null) is not a figure it recorded.
        .filter(
          (f) =>
            f.deterministic && f.verdict !== 'same' && !(f.metric.startsWith('collector.') && f.old === null),
        )
        .map((f) => `${cell.key}: ${f.metric} ${f.verdict}`),
    ]);
    expect(differing).toEqual([]);
  }, 300_000);
});
