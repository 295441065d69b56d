/**
 * Runs generated programs on a plain heap (any options, checked mode or not) beside the reference
 * model: each step is resolved against the model (`resolveStep`), performed on the heap through
 * core's `TracePerformer` and applied to the model. This is the random-program kit's runner for
 * property tests that assert their own properties (the verifier's lockstep run checks every property
 * after every operation instead). The model never looks at heap memory and records no frees, so it
 * is the ideal program: what is reachable, what an ideal reference counter keeps, how many
 * references each object has. Format 2: the model follows the heap's `deref` results and the
 * resurrections of the finalizers the heap reports in `heap.output` (after the operation's own
 * effect), without checking them (the lockstep run does).
 */
import { type Heap, type TraceOp, TracePerformer, WEAKREF_PAYLOAD_BYTES, writeTrace } from '@gclab/core';
import { type Program, resolveStep, type Step } from './program.ts';
import { ModelObject, ReferenceModel } from './reference-model.ts';

/** Which objects' fields the expected count of a `refcount` operation takes references from. */
export type CountFrom =
  /** Every object an ideal reference counter keeps: the reachable ones and the cyclic garbage. */
  | 'kept'
  /** The reachable objects only (a cycle collector that just ran a full `gc` freed the rest). */
  | 'reachable';

/** Options of a `ProgramRun`. */
export interface ProgramRunOptions {
  /** Run a full `gc` before each `refcount` operation (deferred counting reconciles first). */
  gcBeforeRefcount?: boolean;
  /** Record each `refcount` operation's value beside the model's expectation (see `refcounts`). */
  countFrom?: CountFrom;
  /** Called after each operation, once heap and model have performed it. */
  afterOp?: (op: TraceOp) => void;
}

/** A `refcount` operation's value from the heap and the model's expectation. */
export interface RefcountSample {
  /** What the heap returned. */
  heap: number | null;
  /** References to the object from roots and from the fields of the objects `countFrom` names. */
  model: number;
}

/** One program on one heap, step by step, beside the reference model. */
export class ProgramRun {
  /** The model of the program so far. */
  readonly model = new ReferenceModel();
  /** The operations performed so far (with the one that threw, if one did). */
  readonly ops: TraceOp[] = [];
  /** Each `refcount` operation's values, when `countFrom` is set. */
  readonly refcounts: RefcountSample[] = [];
  private readonly performer: TracePerformer;

  constructor(
    /** The heap the program runs on. */
    readonly heap: Heap,
    private readonly options: ProgramRunOptions = {},
  ) {
    this.performer = new TracePerformer(heap);
  }

  /**
   * Resolves and performs a program's steps in order, its `big` payloads in its `bigUnit` (heap
   * exceptions propagate); returns this run.
   */
  run(program: Pick<Program, 'steps' | 'bigUnit'>): this {
    for (const step of program.steps) this.step(step, program.bigUnit);
    return this;
  }

  /**
   * Resolves one step against the model and performs it (a `big` payload unit is `unit` bytes);
   * returns its operation, or null if the step was skipped.
   */
  step(step: Step, unit: number): TraceOp | null {
    const op = resolveStep(step, this.model, unit);
    if (op === null) return null;
    if (op.op === 'refcount' && this.options.gcBeforeRefcount === true)
      this.perform({ op: 'gc', generation: null });
    this.perform(op);
    return op;
  }

  /** Performs an operation valid for the model on the heap and the model; returns the heap's result. */
  perform(op: TraceOp): number | null {
    this.ops.push(op);
    const output = this.heap.output;
    const lines = output.length;
    const weakref = op.op === 'deref' ? this.model.read(op.weakref) : null;
    const result = this.performer.perform(op);
    let produced: ModelObject | null = null;
    if (op.op === 'new' || op.op === 'weakref') {
      const model = this.model;
      const refs = op.op === 'new' ? op.refs : 0;
      const bytes = op.op === 'new' ? op.bytes : WEAKREF_PAYLOAD_BYTES;
      produced = new ModelObject(
        model.objects.length + 1,
        this.ops.length - 1,
        refs,
        bytes,
        this.heap.model.sizeOf(refs, bytes),
      );
      produced.addr = result!;
    } else if (op.op === 'deref' && result !== 0) produced = weakref?.weak?.referent ?? null;
    this.model.apply(op, produced, this.ops.length - 1);
    for (let i = lines; i < output.length; i++) {
      const line = output[i]!;
      if (!line.startsWith('finalize ')) continue;
      const registration = this.model.finalizers.get(Number(line.slice(9)));
      if (registration === undefined) continue;
      registration.state = 'ran';
      this.model.resurrect(registration);
    }
    if (op.op === 'refcount' && this.options.countFrom !== undefined) {
      const target = this.model.read(op.src)!;
      this.refcounts.push({ heap: result, model: this.expectedCount(target, this.options.countFrom) });
    }
    this.options.afterOp?.(op);
    return result;
  }

  /** References to `target` from the roots and from the fields of the objects `from` names. */
  expectedCount(target: ModelObject, from: CountFrom): number {
    const model = this.model;
    model.markReachable();
    const cycles = from === 'kept' ? model.cyclicGarbage() : new Set<ModelObject>();
    const counts = model.incomingReferences(true, (o) => model.isMarked(o) || cycles.has(o));
    return counts.get(target) ?? 0;
  }

  /** Objects an ideal reference counter leaks: the cyclic garbage and what only it reaches. */
  expectedLeak(): number {
    this.model.markReachable();
    return this.model.cyclicGarbage().size;
  }

  /** The operations as trace text (for failure messages). */
  trace(): string {
    return writeTrace(this.ops);
  }
}
