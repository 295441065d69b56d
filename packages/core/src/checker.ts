/**
 * Checked mode: after every operation, the heap in simulated memory is compared with a shadow graph
 * that the heap updates from the operations alone, never from memory. Each object gets a serial
 * number at allocation (kept in a side table by address, moved with `recordMove`, cleared with
 * `recordFree`). After each operation the checker verifies that:
 *
 * 1. every root refers to the object the shadow says (same serial), at an address in a mapped range;
 * 2. every object reachable in memory still has its serial (it was not freed), the shape it was
 *    allocated with, one address only, and fields that refer to the objects the shadow says;
 * 3. the collector's own invariants hold (`Collector.verify`).
 *
 * A violation raises `HeapIntegrityError` naming the operation index. The cost is a traversal of the
 * live graph per operation: checked mode is for tests and verification, not benchmarks.
 */
import { hex } from './address.ts';
import { HeapIntegrityError } from './errors.ts';
import type { Heap } from './heap.ts';
import { isPoolable, recycleInt32Array, takeInt32Array } from './host-array-pool.ts';
import { NREFS_MASK } from './object-model.ts';

const NO_FIELDS = new Int32Array(0);

/** Shadow graph and serial side table of a heap in checked mode. */
export class HeapChecker {
  /** Serial of the object at each word index (addr >>> 3); 0 = none. */
  private serialAt = new Int32Array(0);
  /** Shadows the checker grew out of, given back at `release`. */
  private readonly retired: Int32Array[] = [];
  /** Address of each serial's object; 0 once freed. */
  private addressOf: number[] = [0];
  /** Shadow fields of each serial: the serials its fields refer to. */
  private shadowFields: Int32Array[] = [NO_FIELDS];
  /** Payload bytes each serial was allocated with. */
  private payloadOf: number[] = [0];
  /** Shadow registers (serials), parallel to `roots.regs`. */
  private shadowRegs = new Int32Array(256);
  /** Shadow globals (serials), parallel to `roots.globals`. */
  private shadowGlobals = new Int32Array(64);
  private seen = new Uint32Array(0);
  private epoch = 0;

  constructor(private readonly heap: Heap) {}

  /** Number of objects allocated so far (the last serial). */
  get serials(): number {
    return this.addressOf.length - 1;
  }

  /** The serial of the object at `addr` according to the side table (0 if none). */
  serialOf(addr: number): number {
    return addr === 0 ? 0 : (this.serialAt[addr >>> 3] ?? 0);
  }

  /** Records a new object; returns its serial. */
  onAllocate(addr: number, nrefs: number, payload: number): number {
    this.ensureCapacity();
    const serial = this.addressOf.length;
    this.addressOf.push(addr);
    this.shadowFields.push(nrefs === 0 ? NO_FIELDS : new Int32Array(nrefs));
    this.payloadOf.push(payload);
    this.serialAt[addr >>> 3] = serial;
    return serial;
  }

  onFree(addr: number): void {
    const s = this.serialAt[addr >>> 3] ?? 0;
    if (s !== 0) {
      this.serialAt[addr >>> 3] = 0;
      if (this.addressOf[s] === addr) this.addressOf[s] = 0;
    }
  }

  onFreeRange(start: number, end: number): void {
    this.ensureCapacity();
    for (let w = start >>> 3; w < end >>> 3; w++) {
      const s = this.serialAt[w]!;
      if (s !== 0) {
        this.serialAt[w] = 0;
        if (this.addressOf[s] === w * 8) this.addressOf[s] = 0;
      }
    }
  }

  onMove(from: number, to: number): void {
    this.ensureCapacity();
    const s = this.serialAt[from >>> 3]!;
    this.serialAt[from >>> 3] = 0;
    this.serialAt[to >>> 3] = s;
    if (s !== 0) this.addressOf[s] = to;
  }

  /** Shadow serial held by root `code` (`NULL_ROOT` and undefined globals give 0). */
  serialOfRoot(code: number): number {
    if (code === 0x7fff_ffff) return 0;
    if (code >= 0) {
      const roots = this.heap.roots;
      const slot = roots.frameBase[roots.depth]! + code;
      return slot < roots.top ? this.shadowRegs[slot]! : 0;
    }
    return this.shadowGlobals[~code] ?? 0;
  }

  /** Sets the shadow of root `code` (after the heap stored it). */
  setRootSerial(code: number, serial: number): void {
    if (code >= 0) {
      const roots = this.heap.roots;
      this.ensureRegisters(roots.top);
      this.shadowRegs[roots.frameBase[roots.depth]! + code] = serial;
    } else {
      const g = ~code;
      if (g >= this.shadowGlobals.length) {
        const grown = new Int32Array(Math.max(g + 1, this.shadowGlobals.length * 2));
        grown.set(this.shadowGlobals);
        this.shadowGlobals = grown;
      }
      this.shadowGlobals[g] = serial;
    }
  }

  fieldSerial(objSerial: number, index: number): number {
    return this.shadowFields[objSerial]?.[index] ?? 0;
  }

  setFieldSerial(objSerial: number, index: number, serial: number): void {
    const fields = this.shadowFields[objSerial];
    if (fields !== undefined && index < fields.length) fields[index] = serial;
  }

  /** Register slots `[from, to)` became part of the outermost frame (null). */
  growRegisters(from: number, to: number): void {
    this.ensureRegisters(to);
    this.shadowRegs.fill(0, from, to);
  }

  private ensureRegisters(n: number): void {
    if (n > this.shadowRegs.length) {
      const grown = new Int32Array(Math.max(n, this.shadowRegs.length * 2));
      grown.set(this.shadowRegs);
      this.shadowRegs = grown;
    }
  }

  onCall(base: number, nregs: number, argSerials: Int32Array, n: number): void {
    this.growRegisters(base, base + nregs);
    for (let i = 0; i < n; i++) this.shadowRegs[base + i] = argSerials[i]!;
  }

  onReturn(base: number, top: number): void {
    this.shadowRegs.fill(0, base, top);
  }

  /** Runs all checks; throws `HeapIntegrityError` on the first violation. */
  afterOp(): void {
    const heap = this.heap;
    const roots = heap.roots;
    this.ensureCapacity();
    if (++this.epoch === 0xffff_ffff) {
      this.seen.fill(0);
      this.epoch = 1;
    }
    if (this.seen.length < this.addressOf.length) {
      const grown = new Uint32Array(this.addressOf.length * 2);
      grown.set(this.seen);
      this.seen = grown;
    }
    const stack: number[] = [];
    for (let i = 0; i < roots.top; i++) {
      this.checkRef(roots.regs[i]!, this.shadowRegs[i]!, () => `register slot ${i}`, stack);
    }
    for (let g = 0; g < roots.globalCount; g++) {
      this.checkRef(
        roots.globals[g]!,
        // A global's slot may exist before anything is stored in it (a finalizer that resurrects into it).
        this.shadowGlobals[g] ?? 0,
        () => `global '${roots.globalNames[g]}'`,
        stack,
      );
    }
    const words = heap.memory.words;
    const model = heap.model;
    while (stack.length > 0) {
      const serial = stack.pop()!;
      const addr = this.addressOf[serial]!;
      const fields = this.shadowFields[serial]!;
      const nrefs = words[addr >> 2]! & NREFS_MASK;
      const payload = words[(addr >> 2) + 1]!;
      if (nrefs !== fields.length || payload !== this.payloadOf[serial]) {
        this.fail(
          `object #${serial} at ${hex(addr)} has shape (${nrefs} refs, ${payload} bytes), ` +
            `allocated as (${fields.length} refs, ${this.payloadOf[serial]} bytes)`,
        );
      }
      for (let i = 0; i < nrefs; i++) {
        const ref = model.getField(words, addr, i);
        this.checkRef(ref, fields[i]!, () => `field ${i} of object #${serial}`, stack);
      }
    }
    heap.collector.verify();
  }

  /** Checks that `ref` (from memory) is the object `expected` (from the shadow); queues it. */
  private checkRef(ref: number, expected: number, where: () => string, stack: number[]): void {
    if (expected === 0) {
      if (ref !== 0) this.fail(`${where()} should be null but refers to ${hex(ref)}`);
      return;
    }
    if (ref === 0) this.fail(`${where()} should refer to object #${expected} but is null`);
    if ((ref & 7) !== 0 || !this.heap.os.isMapped(ref)) {
      this.fail(
        `${where()} refers to ${hex(ref)}, which is not a mapped, aligned address (object #${expected})`,
      );
    }
    const found = this.serialAt[ref >>> 3] ?? 0;
    if (found !== expected) {
      const what = found === 0 ? 'a freed or never-allocated block' : `object #${found}`;
      const state =
        this.addressOf[expected] === 0
          ? ' (it was freed)'
          : ` (it lives at ${hex(this.addressOf[expected]!)})`;
      this.fail(
        `${where()} should refer to object #${expected}${state} but refers to ${what} at ${hex(ref)}`,
      );
    }
    if (this.seen[expected] !== this.epoch) {
      this.seen[expected] = this.epoch;
      stack.push(expected);
    }
  }

  private ensureCapacity(): void {
    const need = this.heap.memory.words.length >> 1;
    if (this.serialAt.length < need) {
      const grown = takeInt32Array(need);
      grown.set(this.serialAt);
      if (isPoolable(this.serialAt)) this.retired.push(this.serialAt);
      this.serialAt = grown;
    }
  }

  /** Gives the shadow's large array back to the host-array pool; the checker is unusable afterwards. */
  release(): void {
    for (const array of this.retired) recycleInt32Array(array);
    this.retired.length = 0;
    recycleInt32Array(this.serialAt);
    this.serialAt = new Int32Array(0);
  }

  private fail(reason: string): never {
    throw new HeapIntegrityError(this.heap.opIndex, reason);
  }
}
