/**
 * Containment of a user's collector module in-process (`collector-fault.ts`, through `runReplay`):
 * exceptions out of hooks, bad addresses from `allocate`, hooks past their time limit, and the
 * end-of-run check that catches a corrupting collector without checked mode. The cases that need a
 * child process (a hook that never returns) are in test/commands/replay-faults.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Collector,
  type CollectorDescriptor,
  type Heap,
  HeapIntegrityError,
  NoGC,
  noGc,
} from '@gclab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { CollectorFaultError, DEFAULT_HOOK_TIME_LIMITS } from '../src/collector-fault.ts';
import { runReplay } from '../src/replay-run.ts';
import { reportError } from '../src/report-error.ts';
import { loadStrategyModule } from '../src/strategy-module.ts';
import { TraceRunError } from '../src/trace-run-error.ts';
import { fixture, ROOT } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'gclab-collector-fault-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Registers, a self-referencing object, two globals (one pointing at the other), a gc, one more object. */
const TRACE = join(dir, 'self-reference.trace');
writeFileSync(
  TRACE,
  'gclab-trace 1\ncall 2\nnew r0 1\nput r0 0 r0\nnew g:a 1\nnew g:b 0\nput g:a 0 g:b\ngc\nnew r1 0\n',
);

const contain = { limits: DEFAULT_HOOK_TIME_LIMITS, heartbeat: null };

async function replayModule(name: string, checked = false) {
  const descriptor = await loadStrategyModule(`${ROOT}${fixture(name)}`);
  return () => runReplay({ file: TRACE, descriptor, checked, contain });
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** A descriptor whose collector is `NoGC` with `override` applied to it. */
function variant(name: string, override: (c: NoGC) => void): CollectorDescriptor {
  return {
    ...noGc,
    name,
    create(heap: Heap): Collector {
      const c = new NoGC(heap);
      override(c);
      return c;
    },
  };
}

describe('a contained collector', () => {
  it('that throws in allocate: the fault names the collector, the hook, the operation and where it is', async () => {
    const e = thrown(await replayModule('throwing-allocate-collector.ts'));
    expect(e).toBeInstanceOf(CollectorFaultError);
    const fault = e as CollectorFaultError;
    expect([fault.collector, fault.hook, fault.opIndex, fault.opText, fault.location]).toEqual([
      'test-throwing-allocate',
      'allocate',
      4,
      'new g:b 0',
      `${TRACE}:6:1`,
    ]);
    expect(fault.message).toMatch(
      /threw Error: fixture: allocate crashed \(at .*throwing-allocate-collector\.ts:\d+:\d+\)\) during op 4/,
    );
    expect(reportError(e).exitCode).toBe(1);
    expect(reportError(e).text).toBe(fault.message);
  });

  it('that throws in collect, or throws a non-Error: its fault too', async () => {
    const crash = thrown(await replayModule('crashing-collector.ts')) as CollectorFaultError;
    expect([crash.hook, crash.opIndex, crash.opText]).toEqual(['collect', 6, 'gc']);
    const descriptor = variant('throws-string', (c) => {
      c.rootWritten = () => {
        throw 'a string';
      };
    });
    const e = thrown(() => runReplay({ file: TRACE, descriptor, contain })) as CollectorFaultError;
    expect(e.message).toBe(
      `${TRACE}:3:1: collector fault: throws-string's rootWritten threw "a string" during op 1 (new r0 1)`,
    );
  });

  it('that returns an unmapped, misaligned or non-integer address, or a block running past its range', () => {
    const cases: Array<[string, (heap: Heap) => number, string]> = [
      ['unmapped', () => 0x4000_0000, 'returned 0x40000000, which is not in a mapped range'],
      ['misaligned', (heap) => heap.os.map(4096) + 4, 'returned 0x10004, not an 8-aligned address'],
      ['negative', () => -8, 'returned -8, not an 8-aligned address'],
      ['fraction', () => 1.5, 'returned 1.5, not an address'],
      ['undefined', () => undefined as unknown as number, 'returned undefined, not an address'],
      [
        'past-end',
        (heap) => heap.os.map(4096) + 4096 - 8,
        'returned 0x10ff8 for 16 bytes, which run past the end of its mapped range',
      ],
    ];
    for (const [name, address, reason] of cases) {
      const descriptor = variant(name, (c) => {
        c.allocate = () => address(c.heap);
      });
      const e = thrown(() => runReplay({ file: TRACE, descriptor, contain }));
      expect(e, name).toBeInstanceOf(CollectorFaultError);
      expect(e.message, name).toBe(
        `${TRACE}:3:1: collector fault: ${name}'s allocate ${reason} during op 1 (new r0 1)`,
      );
    }
  });

  it('whose hook returns past the per-operation or per-collection limit', () => {
    const slow = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const descriptor = variant('slow', (c) => {
      const allocate = c.allocate.bind(c);
      c.allocate = (size: number) => {
        if (c.heap.opIndex === 3) slow(400);
        return allocate(size);
      };
      c.collect = () => {
        slow(400);
        return 0;
      };
    });
    const op = thrown(() =>
      runReplay({
        file: TRACE,
        descriptor,
        contain: { limits: { opMs: 150, collectionMs: 5000 }, heartbeat: null },
      }),
    );
    expect(op.message).toMatch(
      new RegExp(
        `^${TRACE}:5:1: collector fault: slow's allocate took \\d+ ms, past the per-operation time limit of 150 ms during op 3 \\(new g:a 1\\)$`,
      ),
    );
    const gc = thrown(() =>
      runReplay({
        file: TRACE,
        descriptor,
        contain: { limits: { opMs: 5000, collectionMs: 150 }, heartbeat: null },
      }),
    );
    expect(gc.message).toMatch(
      /collector fault: slow's collect took \d+ ms, past the per-collection time limit of 150 ms during op 6 \(gc\)$/,
    );
  });

  it('that gives up with OutOfMemoryError is out of memory (the contract), located in the trace', async () => {
    const descriptor = await loadStrategyModule(`${ROOT}${fixture('logging-collector.ts')}`);
    const e = thrown(() => runReplay({ file: TRACE, descriptor, heapLimit: 4096, contain }));
    expect(e).toBeInstanceOf(TraceRunError);
    expect(e.message).toMatch(new RegExp(`^${TRACE}:3:1: op 1 \\(new r0 1\\): out of memory: `));
    expect(reportError(e).exitCode).toBe(1);
  });
});

describe('the end-of-run check (no --checked)', () => {
  it('catches a collector that scribbles a reference outside mapped memory', async () => {
    const e = thrown(await replayModule('scribbling-collector.ts'));
    expect(e).toBeInstanceOf(HeapIntegrityError);
    expect(e.message).toBe(
      'heap integrity violated after op 7: at the end of the run, 1 reachable reference (the first 0x40000000) points ' +
        'outside mapped memory: the collector freed, moved or overwrote live objects (replay with --checked to find ' +
        'the first operation that broke the heap)',
    );
  });

  it('catches a collector that frees a live object (no more "leaked -1 objects")', async () => {
    const e = thrown(await replayModule('freeing-reachable-collector.ts'));
    expect(e.message).toMatch(
      /^heap integrity violated after op 7: at the end of the run, 4 objects \(48 bytes\) are reachable, but only 3 \(32 bytes\) were allocated and not freed/,
    );
    // Checked mode names the operation (and its line) instead.
    const checked = thrown(await replayModule('freeing-reachable-collector.ts', true));
    expect(checked.message).toMatch(/self-reference\.trace:8:1: heap integrity violated after op 6: /);
  });

  it('passes every registered-style collector on a correct run', async () => {
    const r = (await replayModule('logging-collector.ts'))();
    expect(r.live.objects + r.leaked.objects).toBe(r.allocations.objects - r.frees.objects);
  });
});
