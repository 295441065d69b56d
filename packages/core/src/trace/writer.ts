/**
 * Writes trace operations in the trace format: version 1 unless an operation needs version 2.
 * `parseTrace(writeTrace(ops))` gives back `ops` (a property test checks it).
 */
import {
  type GcCall,
  gcCallText,
  isVersion2Op,
  TRACE_HEADER,
  TRACE_HEADER_2,
  type TraceOp,
  type TraceSource,
} from './ops.ts';

/** Text of a root or source. */
export function formatSource(src: TraceSource): string {
  if (src === null) return 'null';
  return src.kind === 'reg' ? `r${src.index}` : `g:${src.name}`;
}

/** One operation as a trace line (no newline). */
export function formatOp(op: TraceOp): string {
  switch (op.op) {
    case 'new': {
      const head = `new ${formatSource(op.dst)} ${op.refs}${op.bytes === 0 ? '' : ` ${op.bytes}`}`;
      return op.kind === undefined ? head : `${head} ${op.kind}`;
    }
    case 'set':
      return `set ${formatSource(op.dst)} ${formatSource(op.src)}`;
    case 'del':
      return `del ${formatSource(op.dst)}`;
    case 'put':
      return `put ${formatSource(op.obj)} ${op.index} ${formatSource(op.src)}`;
    case 'get':
      return `get ${formatSource(op.dst)} ${formatSource(op.obj)} ${op.index}`;
    case 'call':
      return ['call', String(op.nregs), ...op.args.map(formatSource)].join(' ');
    case 'ret':
      return 'ret';
    case 'gc':
      return op.generation === null ? 'gc' : `gc ${op.generation}`;
    case 'refcount':
      return `refcount ${formatSource(op.src)}`;
    case 'finalizer':
      if (op.action.kind === 'legacy') return `finalizer ${formatSource(op.obj)} legacy`;
      return op.action.resurrect === null
        ? `finalizer ${formatSource(op.obj)}`
        : `finalizer ${formatSource(op.obj)} resurrect g:${op.action.resurrect}`;
    case 'weakref':
      return `weakref ${formatSource(op.dst)} ${formatSource(op.referent)}${op.callback ? ' callback' : ''}`;
    case 'deref':
      return `deref ${formatSource(op.dst)} ${formatSource(op.weakref)}`;
    case 'safepoint':
      return 'safepoint';
    case 'immortal':
      return `immortal ${formatSource(op.obj)}`;
    case 'gc-call':
      return formatGcCall(op.gc);
  }
}

/** A `gc` module call as a trace line. */
function formatGcCall(call: GcCall): string {
  switch (call.call) {
    case 'collect':
      return call.generation === null ? 'gc.collect' : `gc.collect ${call.generation}`;
    case 'garbage_clear':
      return gcCallText(call.call);
    case 'set_threshold':
      return ['gc.set_threshold', ...call.thresholds.map(String)].join(' ');
    case 'set_debug':
      return `gc.set_debug ${call.flags}`;
    case 'is_tracked':
    case 'is_finalized':
      return `gc.${call.call} ${formatSource(call.src)}`;
    default:
      return `gc.${call.call}`;
  }
}

/** A whole trace: the header, optional comment lines, then one line per operation. */
export function writeTrace(ops: Iterable<TraceOp>, comments: readonly string[] = []): string {
  const body: string[] = [];
  let version2 = false;
  for (const op of ops) {
    body.push(formatOp(op));
    if (!version2 && isVersion2Op(op)) version2 = true;
  }
  const lines = [version2 ? TRACE_HEADER_2 : TRACE_HEADER];
  for (const c of comments) for (const line of c.split('\n')) lines.push(`# ${line}`);
  for (const line of body) lines.push(line);
  return `${lines.join('\n')}\n`;
}
