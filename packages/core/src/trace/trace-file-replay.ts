/**
 * Replays a trace file against a heap, driving the heap API directly from the decoded lines of a
 * `TraceFileReader`: no `TraceOp` object, no string per operation. Registers are root codes as they
 * are; a global's name is looked up by its bytes in an open-addressing hash table (FNV-1a) that maps
 * it to the heap's root code, so a global costs a hash of its bytes, and a string only the first
 * time its name appears. The rare operations of version 2 (finalizers, weak references, `deref`,
 * `safepoint`, `immortal`, `gc.CALL`) go through `TracePerformer`, the dispatch every other replay
 * uses. Memory is the reader's buffer and the heap: flat in the trace's size.
 */
import type { Heap } from '../heap.ts';
import { ObjectKind, objectKindCode } from '../object-kind.ts';
import { NULL_ROOT } from '../roots.ts';
import { type DecodedOp, DecodedOpCode, KINDS, RootKind, toTraceOp } from './parser.ts';
import { TracePerformer } from './perform.ts';
import { ReplayOutput, type ReplayResult } from './replay.ts';
import { TraceFileReader } from './trace-file-reader.ts';

/** Options of `replayTraceFile`. */
export interface TraceFileReplayOptions {
  /** Called after each operation with its index (from 0). */
  onOp?: (index: number) => void;
  /** Called by each `refcount` operation with the value it records and its index, as it runs. */
  onRefcount?: (value: number | null, index: number) => void;
  /** Called with each output line as it is written. */
  onLine?: (line: string) => void;
}

/** Global names are ASCII (the decoder checks them). */
const ASCII = new TextDecoder('latin1');

/** The heap's object kind code of each index of `KINDS` (a decoded `new`'s `kind`). */
const KIND_CODES: readonly number[] = KINDS.map(objectKindCode);

/**
 * Replays the trace file `source` (a path, or a reader, to know where the last operation came
 * from: `reader.decoder.lineNumber` and `opColumn`) against `heap`. Syntax errors are
 * `TraceSyntaxError`s at `file:line:col`; mutator errors propagate as `MutatorError`.
 */
export function replayTraceFile(
  heap: Heap,
  source: string | TraceFileReader,
  options: TraceFileReplayOptions = {},
): ReplayResult {
  const reader = typeof source === 'string' ? new TraceFileReader(source) : source;
  const d = reader.op;
  const globals = new GlobalCodes(heap);
  let performer: TracePerformer | null = null;
  const onOp = options.onOp ?? null;
  const out = new ReplayOutput(options);
  out.attach(heap);
  let args = new Int32Array(16);
  let count = 0;
  try {
    while (reader.next()) {
      switch (d.op) {
        case DecodedOpCode.new:
          heap.new(
            rootCode(d, 0, globals),
            d.a,
            d.b,
            d.kind < 0 ? ObjectKind.default : (KIND_CODES[d.kind] as ObjectKind),
          );
          break;
        case DecodedOpCode.set:
          heap.set(rootCode(d, 0, globals), rootCode(d, 1, globals));
          break;
        case DecodedOpCode.del:
          heap.del(rootCode(d, 0, globals));
          break;
        case DecodedOpCode.put:
          heap.put(rootCode(d, 0, globals), d.a, rootCode(d, 1, globals));
          break;
        case DecodedOpCode.get:
          heap.get(rootCode(d, 0, globals), rootCode(d, 1, globals), d.a);
          break;
        case DecodedOpCode.call: {
          const n = d.roots;
          if (n > args.length) args = new Int32Array(n * 2);
          for (let i = 0; i < n; i++) args[i] = rootCode(d, i, globals);
          heap.call(d.a, args.subarray(0, n));
          break;
        }
        case DecodedOpCode.ret:
          heap.ret();
          break;
        case DecodedOpCode.gc:
          heap.gc(d.a);
          break;
        case DecodedOpCode.refcount:
          out.refcount(heap.refcount(rootCode(d, 0, globals)), count);
          break;
        default:
          performer ??= new TracePerformer(heap);
          performer.perform(toTraceOp(d));
      }
      if (onOp !== null) onOp(count);
      count++;
    }
  } finally {
    out.detach(heap);
    reader.close();
  }
  return out.result(count);
}

/** The root code of root operand `i` of `d`. */
function rootCode(d: DecodedOp, i: number, globals: GlobalCodes): number {
  const kind = d.rootKind[i];
  if (kind === RootKind.register) return d.rootValue[i]!;
  if (kind === RootKind.null) return NULL_ROOT;
  return globals.code(d.bytes, d.rootStart[i]!, d.rootEnd[i]!);
}

/** Globals' root codes by the bytes of their names (an open-addressing hash table, FNV-1a). */
class GlobalCodes {
  /** Slot -> entry + 1 (0: empty). */
  private table: Int32Array = new Int32Array(64);
  private hashes: Int32Array = new Int32Array(32);
  private starts: Int32Array = new Int32Array(32);
  private lengths: Int32Array = new Int32Array(32);
  private codes: Int32Array = new Int32Array(32);
  private entries = 0;
  /** The names' bytes, one after another. */
  private names = new Uint8Array(1024);
  private namesLength = 0;

  constructor(private readonly heap: Heap) {}

  /** The root code of the global whose name is `bytes[start..end)` (ASCII). */
  code(bytes: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 16777619);
    const mask = this.table.length - 1;
    const length = end - start;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = this.table[slot]! - 1;
      if (e < 0) break;
      if (this.hashes[e] === h && this.lengths[e] === length && this.sameName(e, bytes, start, length))
        return this.codes[e]!;
    }
    return this.add(h, bytes, start, end);
  }

  private sameName(e: number, bytes: Uint8Array, start: number, length: number): boolean {
    const names = this.names;
    const at = this.starts[e]!;
    for (let i = 0; i < length; i++) if (names[at + i] !== bytes[start + i]) return false;
    return true;
  }

  private add(h: number, bytes: Uint8Array, start: number, end: number): number {
    const name = ASCII.decode(bytes.subarray(start, end));
    const code = this.heap.global(name);
    if (this.entries === this.hashes.length) {
      this.hashes = grow(this.hashes);
      this.starts = grow(this.starts);
      this.lengths = grow(this.lengths);
      this.codes = grow(this.codes);
    }
    const length = end - start;
    if (this.namesLength + length > this.names.length) {
      const names = new Uint8Array(Math.max(this.names.length * 2, this.namesLength + length));
      names.set(this.names);
      this.names = names;
    }
    this.names.set(bytes.subarray(start, end), this.namesLength);
    const e = this.entries++;
    this.hashes[e] = h;
    this.starts[e] = this.namesLength;
    this.lengths[e] = length;
    this.codes[e] = code;
    this.namesLength += length;
    if (this.entries * 2 > this.table.length) this.rehash();
    else this.place(e);
    return code;
  }

  private place(e: number): void {
    const mask = this.table.length - 1;
    let slot = this.hashes[e]! & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = e + 1;
  }

  private rehash(): void {
    this.table = new Int32Array(this.table.length * 2);
    for (let e = 0; e < this.entries; e++) this.place(e);
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
