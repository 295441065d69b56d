import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ROOT, runCli as spawnCli } from '../run-cli.ts';
import { runCli } from '../run-in-process.ts';

const examples = readdirSync(`${ROOT}/examples/traces`).filter((f) => f.endsWith('.trace'));

const SUMMARY_FIELDS = [
  'ops',
  'allocations',
  'frees',
  'collections',
  'peak reserved',
  'live at end',
  'leaked at end',
];

// In-process runs (run-in-process.ts), but --strategy-module: it replays in a child of the command
// itself (replay-supervisor.ts), so those tests spawn the command.
describe.concurrent('gclab replay', () => {
  it('has the five documented examples', () => {
    expect(examples.sort()).toEqual([
      'cycle.trace',
      'frames.trace',
      'getrefcount.trace',
      'jupyter-globals.trace',
      'linked-list.trace',
    ]);
  });

  for (const example of examples) {
    it(`replays examples/traces/${example} under no-gc with a summary`, async () => {
      const r = await runCli(['replay', `examples/traces/${example}`, '--strategy', 'no-gc']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      const start = lines.findIndex((line) => line.startsWith('summary: no-gc on '));
      expect(start).toBeGreaterThanOrEqual(0);
      // Before the summary: one `null` per refcount op (no-gc does not count), then a blank line.
      for (const line of lines.slice(0, start)) expect(line === 'null' || line === '').toBe(true);
      const fields = lines.slice(start + 1).map((line) => line.trim().split(/\s{2,}/)[0]);
      for (const field of SUMMARY_FIELDS) expect(fields).toContain(field);
    });
  }

  it('--json prints one object with the output and every figure', async () => {
    const r = await runCli(['replay', 'examples/traces/jupyter-globals.trace', '-s', 'no-gc', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      trace: 'examples/traces/jupyter-globals.trace',
      strategy: 'no-gc',
      checked: false,
      heapLimit: null,
      ops: 9,
      output: [null],
      allocations: { objects: 3, bytes: 5408 },
      frees: { objects: 0, bytes: 0 },
      collections: { total: 0, byKind: {} },
      peakReservedBytes: 1 << 20,
      live: { objects: 1, bytes: 264 },
      leaked: { objects: 2, bytes: 5144 },
    });
    expect(report.counters.ops).toBe(9);
    expect(report).not.toHaveProperty('gcLog');
  });

  it('prints the counts of getrefcount.trace (2, 3, 2) under a counting collector from --strategy-module', async () => {
    const r = await spawnCli([
      'replay',
      'examples/traces/getrefcount.trace',
      '--strategy-module',
      fixture('counting-collector.ts'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual(['2', '3', '2', '']);
    expect(r.stdout).toContain('summary: test-counting on examples/traces/getrefcount.trace');
  });

  it('--gc-log prints each collection as it happens and the generation counts', async () => {
    const r = await spawnCli([
      'replay',
      'examples/traces/linked-list.trace',
      '--strategy-module',
      fixture('logging-collector.ts'),
      '--gc-log',
    ]);
    expect(r.code).toBe(0);
    // refcount at ops 17 and 20, then the collection of the final gc (op 23), then `count`.
    expect(r.stdout.split('\n').slice(0, 5)).toEqual(['null', 'null', '23 full 5 0', 'count 0 1 0', '']);
    expect(r.stdout).toContain('collections    1 (full: 1)');
  });

  it('--gc-log --json puts the log and the counts in the object', async () => {
    const r = await spawnCli([
      'replay',
      'examples/traces/cycle.trace',
      '--strategy-module',
      fixture('logging-collector.ts'),
      '--gc-log',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.gcLog).toEqual([{ opIndex: 7, generation: 'full', collected: 2, uncollectable: 0 }]);
    expect(report.generationCounts).toEqual([0, 1, 0]);
    expect(report.collections).toEqual({ total: 1, byKind: { full: 1 } });
  });

  it('--collector-options: cpython with its free lists counts two freed lists as still there', async () => {
    const trace = join(mkdtempSync(join(tmpdir(), 'gclab-replay-')), 'lists.trace');
    writeFileSync(
      trace,
      'gclab-trace 2\nnew g:a 0 0 list\nnew g:b 0 0 list\ndel g:a\ndel g:b\ngc.get_count\n',
    );
    const run = (options: string[]) => runCli(['replay', trace, '-s', 'cpython', ...options]);
    const [on, off, notBoolean, notObject, v314] = await Promise.all([
      run(['--collector-options', '{"freeLists": true}']),
      run([]),
      run(['--collector-options', '{"freeLists": 1}']),
      run(['--collector-options', '[1]']),
      runCli(['replay', trace, '-s', 'cpython-3.14', '--collector-options', '{"freeLists": true}']),
    ]);
    expect([on.code, off.code]).toEqual([0, 0]);
    // Both lists went onto the list free list, uncounted; without it each free is counted down.
    expect(on.stdout.split('\n')[0]).toBe('count 2 0 0');
    expect(off.stdout.split('\n')[0]).toBe('count 0 0 0');
    expect([notBoolean.code, notObject.code, v314.code]).toEqual([2, 2, 2]);
    expect(notBoolean.stderr).toBe('error: cpython: option freeLists must be true or false, got 1\n');
    expect(notObject.stderr).toContain('expected a JSON object');
    expect(v314.stderr).toMatch(/^error: cpython-3\.14: option freeLists does not apply/);
  });

  it('a malformed trace exits 2 with file:line:col', async () => {
    const r = await runCli(['replay', fixture('malformed.trace'), '-s', 'no-gc']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `${fixture('malformed.trace')}:4:9: expected a field index (a non-negative integer), got 'x'\n`,
    );
  });

  it('an unknown strategy exits 2 listing the valid names', async () => {
    const r = await runCli(['replay', 'examples/traces/cycle.trace', '--strategy', 'no-such-gc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown strategy 'no-such-gc'; valid names: no-gc\b/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a mutator error exits 1 naming its file:line:col, the op index and text', async () => {
    const r = await runCli(['replay', fixture('mutator-error.trace'), '-s', 'no-gc']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('null\n');
    expect(r.stderr).toBe(
      `${fixture('mutator-error.trace')}:4:1: op 2 (put g:a 3 null): field index 3 out of range: the object has 1 reference fields\n`,
    );
  });

  it('--checked catches a collector that frees a reachable object (exit 1)', async () => {
    const r = await spawnCli([
      'replay',
      'examples/traces/getrefcount.trace',
      '--strategy-module',
      fixture('freeing-reachable-collector.ts'),
      '--checked',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^examples\/traces\/getrefcount\.trace:\d+:1: heap integrity violated after op 12: /,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('out of memory under --heap-limit exits 1 with the figures, at its file:line:col', async () => {
    const r = await runCli(['replay', 'examples/traces/cycle.trace', '-s', 'no-gc', '--heap-limit', '64KB']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'examples/traces/cycle.trace:13:1: op 0 (new g:a 1): out of memory: no-gc could not allocate 16 bytes (reserved 0 of limit 65536 bytes, 0 bytes in unfreed objects)\n',
    );
  });

  it('a module that does not export a descriptor exits 2 saying what is wrong', async () => {
    const r = await spawnCli([
      'replay',
      'examples/traces/cycle.trace',
      '--strategy-module',
      fixture('not-a-descriptor.ts'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the default export is not a collector descriptor');
    expect(r.stderr).toContain('create must be a function');
    expect(r.stderr).toContain('constraints.headerWords must be an integer');
  });

  it("a bug in a module's collector is the collector's fault: exit 1, the hook and the operation, no stack", async () => {
    const r = await spawnCli([
      'replay',
      'examples/traces/cycle.trace',
      '--strategy-module',
      fixture('crashing-collector.ts'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^examples\/traces\/cycle\.trace:20:1: collector fault: test-crashing's collect threw Error: fixture: collect crashed \(at .*\) during op 7 \(gc\)\n$/,
    );
    expect(r.stderr).not.toContain('internal error');
  });

  it('usage errors exit 2: no strategy, both strategies, a bad heap limit, a missing trace', async () => {
    const runs = await Promise.all([
      runCli(['replay', 'examples/traces/cycle.trace']),
      runCli([
        'replay',
        'examples/traces/cycle.trace',
        '-s',
        'no-gc',
        '--strategy-module',
        fixture('logging-collector.ts'),
      ]),
      runCli(['replay', 'examples/traces/cycle.trace', '-s', 'no-gc', '--heap-limit', '2x']),
      runCli(['replay', 'no-such.trace', '-s', 'no-gc']),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(runs[0]!.stderr).toContain('replay needs --strategy NAME (one of no-gc');
    expect(runs[1]!.stderr).toContain("cannot be used with option '-s, --strategy <name>'");
    expect(runs[2]!.stderr).toContain("argument '2x' is invalid");
    expect(runs[3]!.stderr).toBe("error: cannot read trace 'no-such.trace': no such file\n");
  });
});
