/**
 * Limits of the simulated machine, through `runReplay` (issue 15): requests larger than the address
 * space, and allocation that adds up past the 2 GiB and 4 GiB marks, under every registered
 * collector. Traces are generated in a temporary directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ADDRESS_SPACE_BYTES, MAX_PAYLOAD, OutOfMemoryError } from '@gclab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECK_EVERY_OPS, JsHeapFullError } from '../src/js-heap-guard.ts';
import { defaultHostMemory } from '../src/option-parsers.ts';
import { collectors, findCollector } from '../src/registry.ts';
import { runReplay } from '../src/replay-run.ts';
import { TraceRunError } from '../src/trace-run-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'gclab-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function trace(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `gclab-trace 1\n${lines.join('\n')}\n`);
  return path;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('limits of the simulated machine', () => {
  it('a payload the trace format allows but no address space holds is a located out-of-memory error', () => {
    const file = trace('huge.trace', ['# the largest payload the format allows', `new r0 0 ${MAX_PAYLOAD}`]);
    for (const descriptor of collectors) {
      for (const checked of [false, true]) {
        const e = thrown(() => runReplay({ file, descriptor, checked }));
        expect(e, descriptor.name).toBeInstanceOf(TraceRunError);
        const error = e as TraceRunError;
        expect(error.cause).toBeInstanceOf(OutOfMemoryError);
        expect((error.cause as OutOfMemoryError).figures.requestedBytes).toBeGreaterThan(ADDRESS_SPACE_BYTES);
        expect(error.message).toMatch(
          new RegExp(
            `^${file}:3:1: op 0 \\(new r0 0 ${MAX_PAYLOAD}\\): out of memory: ${descriptor.name} could not allocate \\d+ bytes .*: the simulated address space \\(${ADDRESS_SPACE_BYTES} bytes, just under 2 GiB\\) has no free range that large$`,
          ),
        );
      }
    }
  });

  it('a request that fits the address space alone, but not beside what is live, is out of memory too', () => {
    // Two objects of 1.25 GiB each: the first fits, the second cannot fit beside it.
    const big = 5 * 2 ** 28;
    const file = trace('two-big.trace', [`new g:a 0 ${big}`, `new g:b 0 ${big}`]);
    for (const name of ['no-gc', 'refcount', 'mark-sweep', 'mark-compact']) {
      const e = thrown(() => runReplay({ file, descriptor: findCollector(name) })) as TraceRunError;
      expect(e, name).toBeInstanceOf(TraceRunError);
      expect(e.message, name).toMatch(
        new RegExp(`^${file}:3:1: op 1 \\(new g:b 0 ${big}\\): out of memory: ${name} `),
      );
    }
  });

  it('allocation adds up exactly past the 2 GiB and 4 GiB marks (objects freed as it goes)', () => {
    // 66 objects of 64 MiB payload, each dropped by the next: 4.1 GiB allocated, at most two live.
    const payload = 64 * 2 ** 20;
    const count = 66;
    const file = trace('churn.trace', [
      'call 1',
      ...Array.from({ length: count }, () => `new r0 0 ${payload}`),
      'gc',
    ]);
    // Reference counting frees each object in its own mapping; mark-compact slides it in one space
    // (where a 32-bit overflow once made the cursor negative).
    for (const name of ['refcount', 'mark-compact']) {
      const descriptor = findCollector(name);
      const r = runReplay({ file, descriptor });
      const size = 8 * (1 + descriptor.constraints.headerWords) + payload;
      expect(r.allocations, name).toEqual({ objects: count, bytes: count * size });
      expect(r.allocations.bytes).toBeGreaterThan(4 * 2 ** 30);
      expect(r.frees, name).toEqual({ objects: count - 1, bytes: (count - 1) * size });
      expect(r.live, name).toEqual({ objects: 1, bytes: size });
      expect(r.leaked, name).toEqual({ objects: 0, bytes: 0 });
      expect(r.peakReservedBytes, name).toBeLessThan(6 * size);
    }
  });

  it('a leak past the host-memory budget is out of memory naming the budget (the default: a quarter of RAM, at most 2 GiB)', () => {
    const file = trace('leak.trace', [
      'call 40',
      ...Array.from({ length: 40 }, (_, i) => `new r${i} 0 1048576`),
    ]);
    for (const name of ['no-gc', 'refcount', 'mark-sweep']) {
      const e = thrown(() => runReplay({ file, descriptor: findCollector(name), hostMemoryLimit: 16 << 20 }));
      expect(e, name).toBeInstanceOf(TraceRunError);
      expect((e as Error).message, name).toMatch(
        new RegExp(
          `^${file}:\\d+:1: op \\d+ \\(new r\\d+ 0 1048576\\): out of memory: ${name} could not allocate \\d+ bytes .*: the host-memory budget of 16777216 bytes is reached \\(raise it with --host-memory\\)$`,
        ),
      );
    }
    expect(defaultHostMemory()).toBe(Math.min(ADDRESS_SPACE_BYTES, Math.floor(totalmem() / 4)));
  });

  it('a JavaScript heap near its limit stops the run with a located error, checked every CHECK_EVERY_OPS ops', () => {
    const globals = Array.from({ length: CHECK_EVERY_OPS + 10 }, (_, i) => `new g:x${i} 0`);
    const file = trace('globals.trace', globals);
    expect(runReplay({ file, descriptor: findCollector('no-gc') }).ops).toBe(CHECK_EVERY_OPS + 10);
    // A limit the heap in use is always past: the first look stops the run, at op CHECK_EVERY_OPS - 1.
    const e = thrown(() =>
      runReplay({ file, descriptor: findCollector('no-gc'), jsHeapLimit: 1 }),
    ) as TraceRunError;
    expect(e).toBeInstanceOf(TraceRunError);
    expect(e.cause).toBeInstanceOf(JsHeapFullError);
    expect(e.message).toMatch(
      new RegExp(
        `^${file}:${CHECK_EVERY_OPS + 1}:1: op ${CHECK_EVERY_OPS - 1} \\(new g:x${CHECK_EVERY_OPS - 1} 0\\): the replay's own data .* fills \\d+ bytes of the 1-byte JavaScript heap: stopped before the host runs out of memory$`,
      ),
    );
  });
});
