/**
 * TraceFileSim's trace format (GarCoSim/TraceFileSim, a C++ garbage collection simulator; its
 * `Simulator::getNextLine` and `MemoryManager` define the format) read as gclab operations.
 *
 * A line is an operation character followed by attributes, each a letter and a decimal number,
 * separated by spaces (`a T1 O2 S128 N1 C1`):
 *
 *     a T O S N [C]            allocate object O (S bytes, N pointer slots, class C) into thread T's root set
 *     + T O                    add O to thread T's root set
 *     - T O                    remove O from thread T's root set
 *     w T P # O [F] [S] [V]    pointer write: slot # of object P := O (O0 is null)
 *     c [T] C F O              static (class) field F of class C := O (O0 is null); statics are roots
 *     r ... | s ... | x L      field reads, primitive stores, lock operations: no effect on the heap
 *     % ...                    a comment (TraceFileSim prints the first line if it is one)
 *
 * Blank lines are skipped. A thread's root set is a set (adding an object twice keeps it once).
 *
 * The translation keeps gclab's rule that the mutator reaches objects only through roots: the root
 * set entry (T, O) is the global `g:tT.oO`, the static field (C, F) the global `g:cC.fF`. An object
 * a line names must be reachable in the reader's own model of the object graph (ids, slots, root
 * sets, statics), as TraceFileSim requires (it collects the others); one in no root set is reached by
 * `get`s along a path from a root into scratch registers r0 and r1, dropped after the line. So
 * `w T1 P1 #0 O2` becomes `put g:t1.o1 0 g:t2.o2` when both are rooted. An object of S bytes and N
 * slots gets a payload of S - 16 - 8N bytes (at least 0): S counts a 16-byte header and 8-byte
 * slots, as TraceFileSim's trace validator assumes on a 64-bit machine; gclab adds each collector's
 * own header words.
 */
import { TraceSyntaxError } from '../errors.ts';
import { MAX_PAYLOAD, MAX_REFS } from '../object-model.ts';
import type { TraceOp, TraceRoot, TraceSource } from './ops.ts';
import { shown } from './parser.ts';
import { readLines } from './trace-file-reader.ts';

/** Bytes of an object's header, as TraceFileSim's sizes count them (64-bit). */
const HEADER_BYTES = 16;
/** Bytes of a pointer slot. */
const SLOT_BYTES = 8;
/** The operation characters of a line. */
const OPERATIONS = 'a+-wcrsx%';
/** The largest number an attribute may hold. */
const MAX_NUMBER = 0x7fff_fffe;

/**
 * The attribute letters TraceFileSim's `getNextLine` reads. Like it, every line may carry any of
 * them, and those its operation does not use are ignored: its own test traces write `c T6 C2 F58 O2
 * S8 V0` (a static field's size and kind).
 */
const ATTRIBUTE_LETTERS = 'CIFSVOP#NTL';

/** Which attributes each operation needs. */
const REQUIRED: Record<string, string> = {
  a: 'TOSN',
  '+': 'TO',
  '-': 'TO',
  w: 'TPO#',
  c: 'CFO',
  r: '',
  s: '',
  x: 'L',
};

/**
 * Whether `line` (the first non-blank line of a file) looks like a TraceFileSim line: a `%` comment,
 * or an operation character alone or followed by a blank. No line of gclab's format starts so (its
 * operations are words), so a malformed TraceFileSim line still gets TraceFileSim's errors.
 */
export function isTraceFileSimLine(line: string): boolean {
  return /^(%|[a+\-wcrsx]([ \t]|\r?$))/.test(line);
}

/** One object of the model: its slots (object ids, 0 for null). */
type Slots = Int32Array;

/**
 * Reads a TraceFileSim trace as gclab operations (`ops()`), keeping the model of the object graph
 * the translation needs. `lineNumber` is the line the last operation came from.
 */
export class TraceFileSimReader {
  /** Number of the line being translated (1-based). */
  lineNumber = 0;
  /** Column of its operation character (always 1). */
  readonly opColumn = 1;
  /** Objects by id: their slots. */
  private readonly objects = new Map<number, Slots>();
  /** Root sets: for each object id, the threads whose root set holds it. */
  private readonly rootedBy = new Map<number, Set<number>>();
  /** Static fields: `C.F` -> object id; and for each id, the fields holding it. */
  private readonly statics = new Map<string, number>();
  private readonly staticHolders = new Map<number, Set<string>>();
  /** Objects in the model after the last pruning of unreachable ones. */
  private liveAfterPrune = 0;

  constructor(readonly file: string) {}

  /** The operations of the file, streamed. */
  *ops(chunkBytes?: number): Generator<TraceOp> {
    for (const text of readLines(this.file, chunkBytes)) {
      this.lineNumber++;
      const line = text.endsWith('\r') ? text.slice(0, -1) : text;
      if (line.trim() === '') continue;
      yield* this.translate(line);
    }
  }

  /** The gclab operations of one line. */
  private translate(line: string): TraceOp[] {
    const op = line[0]!;
    if (op === '%') return [];
    if (!OPERATIONS.includes(op))
      this.fail(1, `unknown TraceFileSim operation '${shown(op)}' (expected a, +, -, w, c, r, s, x or %)`);
    const at = this.attributes(line, op);
    const out: TraceOp[] = [];
    switch (op) {
      case 'a': {
        const id = this.objectId(at, 'O');
        if (this.objects.has(id)) this.fail(at.col('O'), `object O${id} is allocated twice`);
        const n = at.get('N');
        if (n > MAX_REFS) this.fail(at.col('N'), `N (pointer slots) must be at most ${MAX_REFS}, got ${n}`);
        const payload = Math.max(0, at.get('S') - HEADER_BYTES - SLOT_BYTES * n);
        if (payload > MAX_PAYLOAD) this.fail(at.col('S'), `S (bytes) is larger than gclab's largest object`);
        const thread = at.get('T');
        this.prune();
        out.push({ op: 'new', dst: rootEntry(thread, id), refs: n, bytes: payload });
        this.objects.set(id, new Int32Array(n));
        this.addRoot(id, thread);
        break;
      }
      case '+': {
        const id = this.objectId(at, 'O');
        const thread = at.get('T');
        if (this.rootedBy.get(id)?.has(thread) === true) break;
        const src = this.reach(id, at.col('O'), 0, out);
        out.push({ op: 'set', dst: rootEntry(thread, id), src });
        this.dropScratch(out);
        this.addRoot(id, thread);
        break;
      }
      case '-': {
        const id = this.objectId(at, 'O');
        const thread = at.get('T');
        const threads = this.rootedBy.get(id);
        if (threads === undefined || !threads.has(thread))
          this.fail(at.col('O'), `object O${id} is not in the root set of thread T${thread}`);
        out.push({ op: 'del', dst: rootEntry(thread, id) });
        threads.delete(thread);
        if (threads.size === 0) this.rootedBy.delete(id);
        break;
      }
      case 'w': {
        const parent = this.objectId(at, 'P');
        const child = at.get('O');
        const slot = at.get('#');
        const slots = this.objects.get(parent);
        if (slots !== undefined && slot >= slots.length)
          this.fail(
            at.col('#'),
            `slot ${slot} out of range: object O${parent} has ${slots.length} pointer slots`,
          );
        const p = this.reach(parent, at.col('P'), 0, out);
        const c = child === 0 ? null : this.reach(child, at.col('O'), 1, out);
        out.push({ op: 'put', obj: p, index: slot, src: c });
        this.dropScratch(out);
        this.objects.get(parent)![slot] = child;
        break;
      }
      case 'c': {
        const key = `${at.get('C')}.${at.get('F')}`;
        const id = at.get('O');
        const old = this.statics.get(key);
        const dst = staticField(key);
        if (id === 0) {
          if (old !== undefined) out.push({ op: 'del', dst });
        } else {
          out.push({ op: 'set', dst, src: this.reach(id, at.col('O'), 0, out) });
          this.dropScratch(out);
        }
        if (old !== undefined) {
          const holders = this.staticHolders.get(old)!;
          holders.delete(key);
          if (holders.size === 0) this.staticHolders.delete(old);
          this.statics.delete(key);
        }
        if (id !== 0) {
          this.statics.set(key, id);
          let holders = this.staticHolders.get(id);
          if (holders === undefined) this.staticHolders.set(id, (holders = new Set()));
          holders.add(key);
        }
        break;
      }
      default:
      // r, s, x: reads, primitive stores and locks change no reference.
    }
    return out;
  }

  /** Attribute `letter` as an object id (not 0). */
  private objectId(at: Attributes, letter: string): number {
    const id = at.get(letter);
    if (id === 0) this.fail(at.col(letter), `${letter}0 is null, not an object`);
    return id;
  }

  /** Adds `id` to `thread`'s root set in the model. */
  private addRoot(id: number, thread: number): void {
    let threads = this.rootedBy.get(id);
    if (threads === undefined) this.rootedBy.set(id, (threads = new Set()));
    threads.add(thread);
  }

  /**
   * A root holding object `id`: its root set entry or static field, else scratch register
   * `scratch` loaded along a path of slots from one (the `get`s appended to `out`).
   */
  private reach(id: number, col: number, scratch: number, out: TraceOp[]): TraceRoot {
    const threads = this.rootedBy.get(id);
    if (threads !== undefined) return rootEntry(threads.values().next().value!, id);
    const fields = this.staticHolders.get(id);
    if (fields !== undefined) return staticField(fields.values().next().value!);
    if (!this.objects.has(id))
      this.fail(col, `object O${id} does not exist: never allocated, or unreachable since (collected)`);
    const path = this.pathTo(id);
    if (path === null) this.fail(col, `object O${id} is unreachable (TraceFileSim would have collected it)`);
    const reg: TraceRoot = { kind: 'reg', index: scratch };
    let from = path.root;
    for (const slot of path.slots) {
      out.push({ op: 'get', dst: reg, obj: from, index: slot });
      from = reg;
    }
    return reg;
  }

  /** Clears the scratch registers a line used (they must not keep objects alive). */
  private dropScratch(out: TraceOp[]): void {
    const used = new Set<number>();
    for (const o of out) if (o.op === 'get' && o.dst.kind === 'reg') used.add(o.dst.index);
    for (const index of used) out.push({ op: 'set', dst: { kind: 'reg', index }, src: null as TraceSource });
  }

  /** A shortest path of slots from a root to `target` in the model (breadth first), or null. */
  private pathTo(target: number): { root: TraceRoot; slots: number[] } | null {
    const parent = new Map<number, { from: number; slot: number }>();
    const queue: number[] = [];
    const rootOf = new Map<number, TraceRoot>();
    for (const [id, threads] of this.rootedBy) {
      rootOf.set(id, rootEntry(threads.values().next().value!, id));
      queue.push(id);
    }
    for (const [id, fields] of this.staticHolders) {
      if (rootOf.has(id)) continue;
      rootOf.set(id, staticField(fields.values().next().value!));
      queue.push(id);
    }
    const seen = new Set<number>(queue);
    for (let q = 0; q < queue.length; q++) {
      const id = queue[q]!;
      const slots = this.objects.get(id)!;
      for (let s = 0; s < slots.length; s++) {
        const child = slots[s]!;
        if (child === 0 || seen.has(child)) continue;
        seen.add(child);
        parent.set(child, { from: id, slot: s });
        if (child === target) {
          const path: number[] = [];
          let at = target;
          for (let step = parent.get(at); step !== undefined; step = parent.get(at)) {
            path.push(step.slot);
            at = step.from;
          }
          return { root: rootOf.get(at)!, slots: path.reverse() };
        }
        queue.push(child);
      }
    }
    return null;
  }

  /**
   * Drops unreachable objects from the model once it holds twice as many as after the last
   * pruning (amortized: the model stays proportional to the live heap, not to the trace).
   */
  private prune(): void {
    if (this.objects.size < 2 * this.liveAfterPrune + 4096) return;
    const seen = new Set<number>([...this.rootedBy.keys(), ...this.staticHolders.keys()]);
    const stack = [...seen];
    while (stack.length > 0) {
      const slots = this.objects.get(stack.pop()!)!;
      for (const child of slots) {
        if (child !== 0 && !seen.has(child)) {
          seen.add(child);
          stack.push(child);
        }
      }
    }
    for (const id of this.objects.keys()) if (!seen.has(id)) this.objects.delete(id);
    this.liveAfterPrune = this.objects.size;
  }

  /** The attributes of `line` (operation `op`), checked against TraceFileSim's letters and what `op` requires. */
  private attributes(line: string, op: string): Attributes {
    const values = new Map<string, number>();
    const cols = new Map<string, number>();
    const required = REQUIRED[op]!;
    let i = 1;
    const n = line.length;
    if (n > 1 && line[1] !== ' ' && line[1] !== '\t')
      this.fail(2, `expected a space after the operation '${op}', got '${shown(line[1]!)}'`);
    while (i < n) {
      const ch = line[i]!;
      if (ch === ' ' || ch === '\t') {
        i++;
        continue;
      }
      const start = i;
      while (i < n && line[i] !== ' ' && line[i] !== '\t') i++;
      const token = line.slice(start, i);
      const letter = token[0]!;
      if (!ATTRIBUTE_LETTERS.includes(letter))
        this.fail(
          start + 1,
          `unknown attribute '${shown(token)}' (TraceFileSim's are ${[...ATTRIBUTE_LETTERS].join(' ')})`,
        );
      if (values.has(letter)) this.fail(start + 1, `attribute ${letter} given twice`);
      const digits = token.slice(1);
      if (!/^[0-9]+$/.test(digits))
        this.fail(start + 2, `expected a number after ${letter}, got '${shown(digits)}'`);
      const value = Number(digits);
      if (value > MAX_NUMBER)
        this.fail(start + 2, `${letter} must be at most ${MAX_NUMBER}, got ${shown(digits)}`);
      values.set(letter, value);
      cols.set(letter, start + 1);
    }
    for (const letter of required)
      if (!values.has(letter)) this.fail(n + 1, `a '${op}' line needs attribute ${letter}`);
    return {
      get: (letter) => values.get(letter)!,
      col: (letter) => cols.get(letter)!,
    };
  }

  private fail(col: number, message: string): never {
    throw new TraceSyntaxError(this.file, this.lineNumber, col, message);
  }
}

/** The checked attributes of a line: values and columns by letter. */
interface Attributes {
  get(letter: string): number;
  col(letter: string): number;
}

/** The global holding thread `thread`'s root set entry for object `id`. */
function rootEntry(thread: number, id: number): TraceRoot {
  return { kind: 'global', name: `t${thread}.o${id}` };
}

/** The global holding static field `key` (`C.F`). */
function staticField(key: string): TraceRoot {
  return { kind: 'global', name: `c${key.replace('.', '.f')}` };
}

/** Streams the gclab operations of a TraceFileSim trace; errors name `path:line:col`. */
export function readTraceFileSim(path: string): Generator<TraceOp> {
  return new TraceFileSimReader(path).ops();
}

/** The formats a trace file may be in. */
export type TraceFileFormat = 'gclab' | 'tracefilesim';

/**
 * The format of the trace file at `path`, from its content: TraceFileSim's when its first non-blank
 * line is a TraceFileSim line (`isTraceFileSimLine`), gclab's otherwise (whose parser then reports
 * what is wrong with a file that is neither).
 */
export function detectTraceFormat(path: string): TraceFileFormat {
  for (const line of readLines(path)) {
    if (line.trim() === '') continue;
    return isTraceFileSimLine(line) ? 'tracefilesim' : 'gclab';
  }
  return 'gclab';
}
