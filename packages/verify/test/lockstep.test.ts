import { readdirSync, readFileSync } from 'node:fs';
import { type CollectorDescriptor, GclabError, noGc, parseTrace } from '@gclab/core';
import { describe, expect, it } from 'vitest';
import { descriptor as tinyMarkSweep } from '../../../examples/collectors/tiny-mark-sweep.ts';
import { verifyTrace } from '../src/verify-collector.ts';
import { brokenCollectors, MovingNoGC, movingNoGc as movingBase } from './fixtures/broken-collectors.ts';
import { TinyRefcount, tinyRefcount } from './fixtures/tiny-refcount.ts';

const broken = (name: string): CollectorDescriptor => {
  const found = brokenCollectors.find((c) => c.descriptor.name === name);
  if (found === undefined) throw new Error(`no broken collector ${name}`);
  return found.descriptor;
};
const trace = (text: string) => parseTrace(`gclab-trace 1\n${text}`);
const movingNoGc: CollectorDescriptor = {
  ...movingBase,
  name: 'moving-no-gc',
  create: (heap) => new MovingNoGC(heap, true, true),
};

describe('verifyTrace (the lockstep run on a given trace)', () => {
  const examples = new URL('../../../examples/traces/', import.meta.url);
  const files = readdirSync(examples).filter((f) => f.endsWith('.trace'));

  it.each([noGc, movingNoGc, tinyMarkSweep, tinyRefcount])(
    'passes every example trace under $name',
    (descriptor) => {
      expect(files.length).toBeGreaterThanOrEqual(5);
      for (const file of files) {
        const ops = parseTrace(readFileSync(new URL(file, examples), 'utf8'), file);
        const result = verifyTrace(descriptor, ops);
        expect(result.violation, `${file}: ${result.violation?.message}`).toBeNull();
        expect(result.ops).toBe(ops.length);
      }
    },
  );

  it('catches a reachable object freed, with and without core checked mode', () => {
    for (const coreChecks of [true, false]) {
      const { violation } = verifyTrace(broken('frees-last-allocated'), trace('new r0 1\nnew r1 0\ngc'), {
        coreChecks,
      });
      expect(violation?.property).toBe('safety');
      expect(violation?.opIndex).toBe(2);
    }
    const model = verifyTrace(broken('frees-last-allocated'), trace('new r0 1\nnew r1 0\ngc'), {
      coreChecks: false,
    });
    expect(model.violation?.reason).toMatch(/register r1 of frame 0 refers to #2 .* the collector freed it/);
  });

  it('catches a move that was not reported, and a reference not updated after a move', () => {
    const unreported = verifyTrace(broken('moves-without-report'), trace('new r0 1\ngc'), {
      coreChecks: false,
    });
    expect(unreported.violation?.reason).toMatch(/last reported it at 0x10000/);
    const stale = verifyTrace(broken('moves-without-updating-fields'), trace('new r0 1\nput r0 0 r0\ngc'), {
      coreChecks: false,
    });
    expect(stale.violation?.property).toBe('safety');
    expect(stale.violation?.reason).toMatch(/field 0 of #1/);
  });

  it('catches overlapping objects as an allocator-integrity violation', () => {
    const { violation } = verifyTrace(broken('overlapping'), trace('new r0 0 8\nnew r1 0'));
    expect(violation?.property).toBe('allocator-integrity');
    expect(violation?.reason).toMatch(/overlaps #2/);
  });

  it('checks reference counts after every op and the values the refcount op prints', () => {
    const ok = verifyTrace(
      tinyRefcount,
      trace('new r0 1\nnew r1 0\nput r0 0 r1\ncall 1 r1\nrefcount r0\nret\nrefcount r1'),
    );
    expect(ok.violation).toBeNull();
    const skips = verifyTrace(
      broken('skips-decrement'),
      trace('new r0 1\nnew r1 0\nput r0 0 r1\nput r0 0 null'),
    );
    expect(skips.violation?.property).toBe('count-accuracy');
    expect(skips.violation?.opIndex).toBe(3);
    class OffByOne extends TinyRefcount {
      override referenceCount(addr: number): number {
        return this.heap.telemetry.opCode === 8 ? super.referenceCount(addr) + 1 : super.referenceCount(addr);
      }
    }
    const printed = verifyTrace(
      { ...tinyRefcount, create: (heap) => new OffByOne(heap) },
      trace('new r0 0\nrefcount r0'),
    );
    expect(printed.violation?.reason).toMatch(/'refcount r0' gave 2, expected 1/);
  });

  it('expects exactly the cyclic garbage to stay under reference counting', () => {
    const cycle = trace(
      'new r0 1\nnew r1 1\nput r0 0 r1\nput r1 0 r0\nnew r2 1\nput r1 0 r2\nput r2 0 r1\ndel r0\ndel r1\ndel r2\ngc',
    );
    expect(verifyTrace(tinyRefcount, cycle).violation).toBeNull();
    const strict = verifyTrace(tinyRefcount, cycle, { completeness: 'full' });
    expect(strict.violation?.property).toBe('completeness');
    // #1 only points into the cycle #2 <-> #3, so counting frees it; the cycle stays.
    expect(strict.violation?.reason).toMatch(/2 unreachable object\(s\) remain unfreed: #2 .*, #3 /);
    expect(verifyTrace(tinyMarkSweep, cycle).violation).toBeNull();
    expect(verifyTrace(tinyMarkSweep, cycle, { completeness: 'acyclic' }).violation?.reason).toMatch(
      /cyclic garbage was freed/,
    );
  });

  it('accepts running out of memory only when the live data is large for the limit', () => {
    const live = 'new r0 0 100000\nnew r1 0 100000\nnew r2 0 100000\nnew r3 0 100000\n';
    const full = verifyTrace(tinyMarkSweep, trace(live), { heapLimit: 256 << 10 });
    expect(full.violation).toBeNull();
    expect(full.outOfMemory).toBe(true);
    expect(full.ops).toBe(3);
    const churn = 'new r0 0 30000\n'.repeat(12);
    expect(verifyTrace(tinyMarkSweep, trace(churn), { heapLimit: 256 << 10 }).violation).toBeNull();
    const hasty = verifyTrace(broken('hasty-out-of-memory'), trace(churn), { heapLimit: 256 << 10 });
    expect(hasty.violation?.property).toBe('out-of-memory');
  });

  it('counts cyclic garbage as unfreeable for a counting collector that collects cycles only when told', () => {
    // Like cpython: counting frees acyclic garbage at once; cycles wait for a collection.
    const cycleCollecting = {
      ...tinyRefcount,
      constraints: { ...tinyRefcount.constraints, reclaimsCycles: true },
    };
    const cycles = trace('new r0 1 30000\nput r0 0 r0\n'.repeat(12));
    const counted = verifyTrace(cycleCollecting, cycles, { heapLimit: 256 << 10 });
    expect(counted.violation).toBeNull();
    expect(counted.outOfMemory).toBe(true);
    const strict = verifyTrace(cycleCollecting, cycles, { heapLimit: 256 << 10, oomKeepsCycles: false });
    expect(strict.violation?.property).toBe('out-of-memory');
  });

  it('reports a crash, a failing verify() and nondeterministic figures', () => {
    expect(verifyTrace(broken('crashes'), trace('gc\ngc')).violation?.property).toBe('crash');
    const verify = verifyTrace(broken('verify-fails'), trace('new r0 0\nnew r1 0\nnew r2 0'), {
      coreChecks: false,
    });
    expect(verify.violation?.property).toBe('allocator-integrity');
    expect(verify.violation?.opIndex).toBe(2);
    const unverified = verifyTrace(broken('verify-fails'), trace('new r0 0\nnew r1 0\nnew r2 0'), {
      collectorVerify: false,
    });
    expect(unverified.violation).toBeNull();
    expect(verifyTrace(broken('nondeterministic'), trace('gc')).violation?.property).toBe('determinism');
    expect(verifyTrace(broken('nondeterministic'), trace('gc'), { determinism: false }).violation).toBeNull();
  });

  it('rejects a trace that is invalid in itself', () => {
    expect(() => verifyTrace(noGc, trace('new r0 0\nret'))).toThrow(GclabError);
    expect(() => verifyTrace(noGc, trace('put r0 0 null'))).toThrow(
      /op 0 \(put r0 0 null\) is invalid: store into null/,
    );
  });
});
