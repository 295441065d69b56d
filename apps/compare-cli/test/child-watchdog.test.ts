import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processCpuMs, watchHeartbeat } from '../src/child-watchdog.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function heartbeatFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gclab-watchdog-'));
  dirs.push(dir);
  const file = join(dir, 'beat');
  writeFileSync(file, '');
  return file;
}

describe('processCpuMs', () => {
  it("reads a process's CPU time from /proc, growing as it works", () => {
    const before = processCpuMs(process.pid);
    expect(before).not.toBeNull();
    const until = performance.now() + 150;
    let spin = 0;
    while (performance.now() < until) spin++;
    expect(spin).toBeGreaterThan(0);
    expect(processCpuMs(process.pid)!).toBeGreaterThan(before!);
  });

  it('is null for a process that does not exist', () => {
    expect(processCpuMs(2 ** 30)).toBeNull();
  });
});

describe('watchHeartbeat', () => {
  it('expires on the wall clock when no pid is given', async () => {
    const file = heartbeatFile();
    const idle = await new Promise<number>((resolve) => {
      watchHeartbeat(file, () => ({ since: Date.now() - 1000, ms: 50 }), resolve);
    });
    expect(idle).toBeGreaterThan(50);
  });

  it('does not expire while the watched process uses no CPU, until ten times the limit', async () => {
    // A sleeping child: idle on the wall clock, but not burning CPU, so not stuck in a loop.
    const file = heartbeatFile();
    const { spawn } = await import('node:child_process');
    const child = spawn('sleep', ['30']);
    try {
      const since = Date.now();
      const idle = await new Promise<number>((resolve) => {
        watchHeartbeat(file, () => ({ since, ms: 100 }), resolve, child.pid);
      });
      expect(idle).toBeGreaterThan(100 * 10);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
