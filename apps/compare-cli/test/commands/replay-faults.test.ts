/**
 * Fault injection for `gclab replay` and `gclab verify` as a user runs them (issue 15): inputs that
 * break the machine and user collector modules that misbehave. Each case must end with a typed
 * message and exit 1 (a failed run, the collector's fault) or 2 (a malformed trace), never a stack
 * trace or exit 70, and never hang. The cases that need no process of their own run in-process in
 * test/collector-fault.test.ts and test/replay-limits.test.ts; the commands here run in-process
 * (run-in-process.ts) but `replay --strategy-module`, which replays in a child of the command itself
 * and so spawns it. Traces are generated in a temporary directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_PAYLOAD } from '@gclab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, runCli as spawnCli } from '../run-cli.ts';
import { runCli } from '../run-in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'gclab-replay-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function trace(name: string, body: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, typeof body === 'string' ? `gclab-trace 1\n${body}` : body);
  return path;
}

/** Registers, a self-referencing object, two globals (one pointing at the other), a gc, one more object. */
const SELF_REFERENCE = trace(
  'self-reference.trace',
  'call 2\nnew r0 1\nput r0 0 r0\nnew g:a 1\nnew g:b 0\nput g:a 0 g:b\ngc\nnew r1 0\n',
);

function noStack(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toContain('internal error');
}

describe('gclab replay: limits and malformed input', () => {
  it('a payload no address space holds is out of memory at its file:line:col, exit 1', async () => {
    const file = trace('huge.trace', `new r0 0 ${MAX_PAYLOAD}\n`);
    const r = await runCli(['replay', file, '-s', 'mark-compact']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^${file}:2:1: op 0 \\(new r0 0 ${MAX_PAYLOAD}\\): out of memory: mark-compact could not allocate 2147483656 bytes .*has no free range that large\\n$`,
      ),
    );
    expect(r.stdout).toBe('');
  });

  it('a 3 MB line is an error at its line, the token shown truncated, exit 2', async () => {
    const file = trace('long-line.trace', `new r0 0\nnew r1 0 ${'9'.repeat(3 << 20)}\n`);
    const r = await runCli(['replay', file, '-s', 'no-gc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${file}:3:1048577: line longer than 1048576 bytes (it starts 'new r1 0 9999999999999999999999999999999...')\n`,
    );
  });

  it('a NUL byte is an error at its file:line:col, the NUL never echoed, exit 2', async () => {
    const nul = trace('nul.trace', 'new r0\u0000 0\n');
    const n = await runCli(['replay', nul, '-s', 'no-gc']);
    expect(n.code).toBe(2);
    expect(n.stderr).toBe(`${nul}:2:7: a NUL character (\\0) is not allowed in a trace\n`);
    expect(n.stderr).not.toContain('\u0000');
  });
});

describe.concurrent('gclab replay --strategy-module: a misbehaving collector is contained', () => {
  it('a collector that throws in allocate: its fault, naming the hook and the operation, exit 1', async () => {
    const r = await spawnCli([
      'replay',
      SELF_REFERENCE,
      '--strategy-module',
      fixture('throwing-allocate-collector.ts'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^${SELF_REFERENCE}:6:1: collector fault: test-throwing-allocate's allocate threw Error: fixture: allocate crashed \\(at .*throwing-allocate-collector\\.ts:\\d+:\\d+\\)\\) during op 4 \\(new g:b 0\\)\\n$`,
      ),
    );
  });

  it('a collector that loops forever in collect is stopped at the per-collection limit, exit 1', async () => {
    const r = await spawnCli([
      'replay',
      SELF_REFERENCE,
      '--strategy-module',
      fixture('looping-collector.ts'),
      '--collection-time-limit',
      '500',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^${SELF_REFERENCE}:8:1: collector fault: test-looping's collect did not return within the per-collection time limit \\(--collection-time-limit\\) of 500 ms and was stopped after \\d+ ms \\(an infinite loop\\?\\), during op 6 \\(gc\\)\\n$`,
      ),
    );
    noStack(r.stderr);
  });

  it('verify fails a collector that throws in allocate as a crash, exit 1', async () => {
    const out = join(dir, 'verify-out');
    const r = await runCli([
      'verify',
      '--strategy-module',
      fixture('throwing-allocate-collector.ts'),
      '--runs',
      '3',
      '--out',
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL test-throwing-allocate {2}crash at op 2/);
    noStack(r.stderr);
  });
});
