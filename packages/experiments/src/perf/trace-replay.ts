/**
 * Replaying a trace file beside driving the heap API directly with the same operations (issue 20,
 * "Traces fast enough for real programs"). A deterministic program of `ops` operations (allocations
 * with and without payload, field stores, root assignments, field loads, global assignments: the
 * lines real recorded programs are made of) is drawn once, held in typed arrays and written as a
 * trace file. Each round runs, in a fresh `no-gc` heap, the direct loop over the arrays (global
 * codes resolved before the clock, as a program holds its variables) and `replayTraceFile` of the
 * file (parsing included), alternately, the order flipping every round. Both runs must end with the
 * same counters, so the figure is never taken from runs that did different things. Each run's CPU time
 * (`process.cpuUsage`, all the process's threads) is taken beside its wall time: on a loaded machine
 * the wall time also counts the time the process waited for a core, which the CPU time does not.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { type CollectorDescriptor, Heap, noGc, replayTraceFile } from '@gclab/core';

/** Registers the program's objects live in (r0..r15); loads go to r16..r19, never dereferenced. */
const OBJECT_REGISTERS = 16;
const LOAD_REGISTERS = 4;
/** Globals g:x0..g:x15. */
const GLOBALS = 16;

const NEW = 0;
const PUT = 1;
const SET = 2;
const GET = 3;
const SET_GLOBAL = 4;

/** A program as arrays: operation `i` is `kind[i]` with operands `a[i]`, `b[i]`, `c[i]`. */
export interface TraceProgram {
  kind: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  c: Int32Array;
}

/**
 * Draws the program (a linear congruential generator seeded by `seed`): 16 objects of two fields
 * first, then 30% `new rA 2 [16|32]`, 30% `put rA I rB`, 20% `set rA rB`, 10% `get rL rB I`, 10%
 * `set g:xA rB`. Every register an operation dereferences always holds an object.
 */
export function traceProgram(ops: number, seed = 1): TraceProgram {
  const p: TraceProgram = {
    kind: new Uint8Array(ops),
    a: new Int32Array(ops),
    b: new Int32Array(ops),
    c: new Int32Array(ops),
  };
  let x = seed >>> 0;
  const next = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  for (let i = 0; i < ops; i++) {
    if (i < OBJECT_REGISTERS) {
      p.kind[i] = NEW;
      p.a[i] = i;
      continue;
    }
    const k = next(10);
    const a = next(OBJECT_REGISTERS);
    const b = next(OBJECT_REGISTERS);
    if (k < 3) {
      p.kind[i] = NEW;
      p.a[i] = a;
      p.b[i] = next(3) * 16;
    } else if (k < 6) {
      p.kind[i] = PUT;
      p.a[i] = a;
      p.b[i] = next(2);
      p.c[i] = b;
    } else if (k < 8) {
      p.kind[i] = SET;
      p.a[i] = a;
      p.b[i] = b;
    } else if (k < 9) {
      p.kind[i] = GET;
      p.a[i] = OBJECT_REGISTERS + next(LOAD_REGISTERS);
      p.b[i] = b;
      p.c[i] = next(2);
    } else {
      p.kind[i] = SET_GLOBAL;
      p.a[i] = next(GLOBALS);
      p.b[i] = b;
    }
  }
  return p;
}

/** Writes `program` as a trace file at `path` (in blocks); returns its size in bytes. */
export function writeTraceProgram(program: TraceProgram, path: string): number {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'gclab-trace 1\n');
    const n = program.kind.length;
    for (let start = 0; start < n; start += 65536) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(n, start + 65536); i++) lines.push(traceLine(program, i));
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
}

/** Operation `i` in trace syntax. */
function traceLine(p: TraceProgram, i: number): string {
  const a = p.a[i]!;
  const b = p.b[i]!;
  const c = p.c[i]!;
  switch (p.kind[i]) {
    case NEW:
      return b === 0 ? `new r${a} 2` : `new r${a} 2 ${b}`;
    case PUT:
      return `put r${a} ${b} r${c}`;
    case SET:
      return `set r${a} r${b}`;
    case GET:
      return `get r${a} r${b} ${c}`;
    default:
      return `set g:x${a} r${b}`;
  }
}

/** Runs `program` on `heap` through the heap API; returns the number of operations. */
export function driveHeap(heap: Heap, program: TraceProgram): number {
  const globals = new Int32Array(GLOBALS);
  for (let g = 0; g < GLOBALS; g++) globals[g] = heap.global(`x${g}`);
  const { kind, a, b, c } = program;
  const n = kind.length;
  for (let i = 0; i < n; i++) {
    switch (kind[i]) {
      case NEW:
        heap.new(a[i]!, 2, b[i]!);
        break;
      case PUT:
        heap.put(a[i]!, b[i]!, c[i]!);
        break;
      case SET:
        heap.set(a[i]!, b[i]!);
        break;
      case GET:
        heap.get(a[i]!, b[i]!, c[i]!);
        break;
      default:
        heap.set(globals[a[i]!]!, b[i]!);
    }
  }
  return n;
}

/** Options of `measureTraceReplay`. */
export interface TraceReplayOptions {
  /** Operations in the program. */
  ops: number;
  /** Timed rounds (after one untimed warm-up round). */
  runs: number;
  /** The collector (default `no-gc`, the reference every overhead is measured against). */
  descriptor?: CollectorDescriptor;
  /** Progress messages. */
  log?: (message: string) => void;
}

/** Runs in milliseconds, index = round. */
export interface TraceReplayResult {
  /** Operations per run. */
  ops: number;
  /** Size of the trace file in bytes. */
  bytes: number;
  /** `replayTraceFile` of the file. */
  replayMs: number[];
  /** The direct loop over the same operations. */
  directMs: number[];
  /** CPU time (user + system, all threads) of each `replayTraceFile` run. */
  replayCpuMs: number[];
  /** CPU time of each direct run. */
  directCpuMs: number[];
}

/** Measures the replay beside the direct loop (see the file comment). */
export function measureTraceReplay(options: TraceReplayOptions): TraceReplayResult {
  const { ops, runs } = options;
  const descriptor = options.descriptor ?? noGc;
  const log = options.log ?? (() => {});
  const program = traceProgram(ops);
  const dir = mkdtempSync(join(os.tmpdir(), 'gclab-trace-replay-'));
  try {
    const file = join(dir, 'program.trace');
    const out: TraceReplayResult = {
      ops,
      bytes: writeTraceProgram(program, file),
      replayMs: [],
      directMs: [],
      replayCpuMs: [],
      directCpuMs: [],
    };
    for (let r = -1; r < runs; r++) {
      const counters: string[] = [];
      for (const side of r % 2 === 0 ? [0, 1] : [1, 0]) {
        const heap = new Heap(descriptor);
        const cpu = process.cpuUsage();
        const t = performance.now();
        const done = side === 0 ? driveHeap(heap, program) : replayTraceFile(heap, file).ops;
        const ms = performance.now() - t;
        const { user, system } = process.cpuUsage(cpu);
        if (done !== ops) throw new Error(`ran ${done} of ${ops} operations`);
        const c = heap.counters;
        counters.push(
          `${c.ops} ${c.objectsAllocated} ${c.bytesAllocated} ${c.rootWrites} ${c.pointerStores} ${c.pointerLoads}`,
        );
        if (r >= 0) {
          (side === 0 ? out.directMs : out.replayMs).push(ms);
          (side === 0 ? out.directCpuMs : out.replayCpuMs).push((user + system) / 1000);
        }
        heap.release();
      }
      if (counters[0] !== counters[1])
        throw new Error(`the replay and the direct run differ: ${counters[0]} against ${counters[1]}`);
      log(`trace replay: round ${r + 1}/${runs} done`);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
