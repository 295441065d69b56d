/**
 * The one dispatch from trace operations to the heap API: each operation becomes the heap method of
 * the same name, its roots resolved to root codes. Replay, the verifier and trace workloads all
 * perform operations through it.
 */
import { FinalizerKind } from '../finalizer-table.ts';
import type { Heap } from '../heap.ts';
import { objectKindCode } from '../object-kind.ts';
import { NULL_ROOT } from '../roots.ts';
import type { TraceOp, TraceSource } from './ops.ts';

const EMPTY_ARGS: readonly number[] = [];

/**
 * Performs trace operations on one heap. Globals are resolved to root codes once and cached; `call`
 * arguments go through one reusable buffer, so performing an operation allocates nothing of its own.
 */
export class TracePerformer {
  private readonly globals = new Map<string, number>();
  private args = new Int32Array(16);

  constructor(
    /** The heap the operations run on. */
    readonly heap: Heap,
  ) {}

  /** The root code of `src`: a register's index, a global's code (defined on first use) or `NULL_ROOT`. */
  code(src: TraceSource): number {
    if (src === null) return NULL_ROOT;
    if (src.kind === 'reg') return src.index;
    let g = this.globals.get(src.name);
    if (g === undefined) {
      g = this.heap.global(src.name);
      this.globals.set(src.name, g);
    }
    return g;
  }

  /**
   * Performs `op` and returns what its heap method returns: the new object's address for `new`, the
   * count (or null) for `refcount`, the collection's result for `gc`, 0 for the other operations.
   * Mutator errors propagate as `MutatorError`.
   */
  perform(op: TraceOp): number | null {
    const heap = this.heap;
    switch (op.op) {
      case 'new':
        return heap.new(this.code(op.dst), op.refs, op.bytes, objectKindCode(op.kind));
      case 'set':
        heap.set(this.code(op.dst), this.code(op.src));
        return 0;
      case 'del':
        heap.del(this.code(op.dst));
        return 0;
      case 'put':
        heap.put(this.code(op.obj), op.index, this.code(op.src));
        return 0;
      case 'get':
        heap.get(this.code(op.dst), this.code(op.obj), op.index);
        return 0;
      case 'call': {
        const n = op.args.length;
        if (n > this.args.length) this.args = new Int32Array(n * 2);
        const args = this.args;
        for (let i = 0; i < n; i++) args[i] = this.code(op.args[i]!);
        heap.call(op.nregs, args.subarray(0, n));
        return 0;
      }
      case 'ret':
        heap.ret();
        return 0;
      case 'gc':
        return heap.gc(op.generation ?? -1);
      case 'refcount':
        return heap.refcount(this.code(op.src));
      case 'finalizer': {
        const a = op.action;
        if (a.kind === 'legacy') heap.finalizer(this.code(op.obj), FinalizerKind.legacy);
        else
          heap.finalizer(
            this.code(op.obj),
            FinalizerKind.finalize,
            a.resurrect === null ? NULL_ROOT : this.code({ kind: 'global', name: a.resurrect }),
          );
        return 0;
      }
      case 'weakref':
        return heap.weakref(this.code(op.dst), this.code(op.referent), op.callback);
      case 'deref':
        return heap.deref(this.code(op.dst), this.code(op.weakref));
      case 'safepoint':
        heap.safepoint();
        return 0;
      case 'immortal':
        heap.immortal(this.code(op.obj));
        return 0;
      case 'gc-call': {
        const g = op.gc;
        switch (g.call) {
          case 'collect':
            heap.gcCall('collect', g.generation === null ? EMPTY_ARGS : [g.generation]);
            break;
          case 'set_threshold':
            heap.gcCall(g.call, g.thresholds);
            break;
          case 'set_debug':
            heap.gcCall(g.call, [g.flags]);
            break;
          case 'is_tracked':
          case 'is_finalized':
            heap.gcCall(g.call, [this.code(g.src)]);
            break;
          default:
            heap.gcCall(g.call);
        }
        return 0;
      }
    }
  }
}
