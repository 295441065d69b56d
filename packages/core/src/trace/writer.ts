/**
 * Writes trace operations in the trace format, version 1. `parseTrace(writeTrace(ops))` gives back
 * `ops` (a property test checks it).
 */
import { TRACE_HEADER, type TraceOp, type TraceSource } from './ops.ts';

/** Text of a root or source. */
export function formatSource(src: TraceSource): string {
  if (src === null) return 'null';
  return src.kind === 'reg' ? `r${src.index}` : `g:${src.name}`;
}

/** One operation as a trace line (no newline). */
export function formatOp(op: TraceOp): string {
  switch (op.op) {
    case 'new':
      return op.bytes === 0
        ? `new ${formatSource(op.dst)} ${op.refs}`
        : `new ${formatSource(op.dst)} ${op.refs} ${op.bytes}`;
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
  }
}

/** A whole trace: the header, optional comment lines, then one line per operation. */
export function writeTrace(ops: Iterable<TraceOp>, comments: readonly string[] = []): string {
  const lines = [TRACE_HEADER];
  for (const c of comments) for (const line of c.split('\n')) lines.push(`# ${line}`);
  for (const op of ops) lines.push(formatOp(op));
  return `${lines.join('\n')}\n`;
}
