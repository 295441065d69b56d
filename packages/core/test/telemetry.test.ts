import { describe, expect, it } from 'vitest';
import {
  type CollectionRecord,
  Counters,
  Heap,
  NoGC,
  NULL_ROOT,
  noGc,
  OP_NAMES,
  OpCode,
  PauseLog,
  parseTrace,
  replay,
  Telemetry,
} from '../src/index.ts';

describe('counters', () => {
  it('are exact for a small program under no-gc', () => {
    const heap = new Heap(noGc);
    const { ops } = replay(
      heap,
      parseTrace(`gclab-trace 1
new r0 2        # 24 bytes
new r1 0 10     # 8 + 16 bytes
put r0 0 r1
put r0 1 r0
get r2 r0 0
set r3 r2
del r3
call 2 r0 null  # two argument writes, one of them null
new r1 1        # 16 bytes
ret             # releases r0 and r1 of the callee: two root writes
gc
refcount r0
`),
    );
    expect(ops).toBe(12);
    const expected = new Counters();
    Object.assign(expected, {
      ops: 12,
      objectsAllocated: 3,
      bytesAllocated: 24 + 24 + 16,
      pointerStores: 2,
      pointerLoads: 1,
      // new, new, get, set, del: 5; call: 2 arguments; new: 1; ret: 2 non-null registers
      rootWrites: 5 + 2 + 1 + 2,
    });
    expect({ ...heap.counters }).toEqual({ ...expected });
    expect(heap.opIndex).toBe(11);
  });

  it('start at zero', () => {
    expect(Object.values(new Counters()).every((v) => v === 0)).toBe(true);
    expect(Object.keys(new Counters())).toEqual([
      'ops',
      'objectsAllocated',
      'bytesAllocated',
      'objectsFreed',
      'bytesFreed',
      'pointerStores',
      'rootWrites',
      'pointerLoads',
      'barrierHits',
      'rcIncrements',
      'rcDecrements',
      'objectsTraced',
      'bytesCopied',
      'bytesSwept',
      'objectsMoved',
    ]);
  });
});

describe('what collectors report', () => {
  /** A fake collector whose `gc` reports figures of every kind (unchecked: nothing is verified). */
  class Freeing extends NoGC {
    override collect(): number {
      const heap = this.heap;
      const t = heap.telemetry.startPause();
      const addr = heap.roots.regs[0]!;
      heap.recordFree(addr, heap.model.size(heap.memory.words, addr));
      heap.recordBulkFree(3, 96);
      heap.recordMove(addr + 8, addr + 16);
      heap.telemetry.endPause(heap.telemetry.pauses.kindId('full'), t, 5);
      heap.telemetry.recordCollection('full', 4, 1);
      return 4;
    }
  }

  it('feed the free counters, per-op frees, pauses and the collection log', () => {
    const heap = new Heap({ ...noGc, create: (h) => new Freeing(h) });
    heap.new(0, 1, 8); // 24 bytes
    const seen: CollectionRecord[] = [];
    heap.telemetry.collectionListeners.push((r) => seen.push(r));
    expect(heap.gc()).toBe(4);
    const c = heap.counters;
    expect([c.objectsFreed, c.bytesFreed, c.objectsMoved]).toEqual([4, 24 + 96, 1]);
    const t = heap.telemetry;
    expect(t.freedDuringOp[OpCode.gc]).toBe(4);
    expect(t.bytesFreedDuringOp[OpCode.gc]).toBe(120);
    expect(t.freedDuringOp[OpCode.new]).toBe(0);
    expect(t.collections).toEqual([{ opIndex: 1, generation: 'full', collected: 4, uncollectable: 1 }]);
    expect(seen).toEqual(t.collections);
    expect(t.collectionsByKind).toEqual({ full: 1 });
    expect(heap.stats().collectionsByKind).toEqual({ full: 1 });
    expect(t.pauses.length).toBe(1);
    const pause = t.pauses.get(0);
    expect(pause.kind).toBe('full');
    expect(pause.work).toBe(5);
    expect(pause.opIndex).toBe(1);
    expect(pause.clock).toBe(24);
    expect(pause.nanos).toBeGreaterThanOrEqual(0);
  });
});

describe('PauseLog', () => {
  it('interns kinds once and stores pauses in columns that grow', () => {
    const log = new PauseLog();
    const full = log.kindId('full');
    const minor = log.kindId('minor');
    expect(log.kindId('full')).toBe(full);
    expect(minor).not.toBe(full);
    for (let i = 0; i < 300; i++) log.add(i % 2 === 0 ? full : minor, i * 10, i, i * 100, i + 1, i / 2);
    expect(log.length).toBe(300);
    expect(log.get(299)).toEqual({
      kind: 'minor',
      nanos: 2990,
      work: 299,
      clock: 29900,
      opIndex: 300,
      start: 149.5,
    });
    expect(log.durations().length).toBe(300);
    expect(log.durations()[7]).toBe(70);
    expect(log.workUnits()[299]).toBe(299);
    expect(log.startTimes()[2]).toBe(1);
    expect(
      log
        .toArray()
        .map((p) => p.kind)
        .slice(0, 3),
    ).toEqual(['full', 'minor', 'full']);
    log.add(full, 1, 1, 1, 1);
    expect(Number.isNaN(log.get(300).start)).toBe(true);
  });
});

describe('PauseLog chunks', () => {
  it('keeps every pause across chunks of 65,536 and joins the columns in order', () => {
    const log = new PauseLog();
    const kind = log.kindId('cascade');
    const n = 3 * 65_536 + 10;
    for (let i = 0; i < n; i++) log.add(kind, i, i * 2, i * 3, i * 4, i * 5);
    expect(log.length).toBe(n);
    for (const i of [0, 255, 256, 65_535, 65_536, 65_537, 131_072, n - 1]) {
      expect(log.get(i)).toEqual({
        kind: 'cascade',
        nanos: i,
        work: i * 2,
        clock: i * 3,
        opIndex: i * 4,
        start: i * 5,
      });
    }
    const d = log.durations();
    const w = log.workUnits();
    const s = log.startTimes();
    expect([d.length, w.length, s.length]).toEqual([n, n, n]);
    let ok = true;
    for (let i = 0; i < n; i++) if (d[i] !== i || w[i] !== i * 2 || s[i] !== i * 5) ok = false;
    expect(ok).toBe(true);
    expect(log.toArray()[n - 1]!.opIndex).toBe((n - 1) * 4);
  });
});

describe('Telemetry', () => {
  it('records pauses at the running op and allocation clock', () => {
    const t = new Telemetry();
    t.opIndex = 41;
    t.counters.bytesAllocated = 4096;
    const start = t.startPause();
    t.endPause(t.pauses.kindId('cascade'), start, 12);
    t.endPause(t.pauses.kindId('cascade'), start, 3, 100);
    expect(t.pauses.get(0)).toMatchObject({ kind: 'cascade', work: 12, clock: 4096, opIndex: 41, start });
    expect(t.pauses.get(1).clock).toBe(100);
    t.recordCollection(0, 2);
    t.recordCollection(0, 1);
    t.recordCollection(1, 0, 5);
    expect(t.collectionsByKind).toEqual({ '0': 2, '1': 1 });
    expect(t.collections[2]).toEqual({ opIndex: 41, generation: 1, collected: 0, uncollectable: 5 });
  });

  it('names every op code', () => {
    expect(OP_NAMES.length).toBe(Object.keys(OpCode).length);
    for (const [name, code] of Object.entries(OpCode)) expect(OP_NAMES[code]).toBe(name);
    expect(NULL_ROOT).toBe(0x7fff_ffff);
  });
});
