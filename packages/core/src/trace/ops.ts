/**
 * The operations of the trace format, version 1, as data. See docs/trace-format.md.
 */

/** A root: register `index` of the current frame, or the global `name`. */
export type TraceRoot =
  | { readonly kind: 'reg'; readonly index: number }
  | { readonly kind: 'global'; readonly name: string };

/** A source: a root or the constant null. */
export type TraceSource = TraceRoot | null;

/** One trace operation. */
export type TraceOp =
  | { readonly op: 'new'; readonly dst: TraceRoot; readonly refs: number; readonly bytes: number }
  | { readonly op: 'set'; readonly dst: TraceRoot; readonly src: TraceSource }
  | { readonly op: 'del'; readonly dst: TraceRoot }
  | { readonly op: 'put'; readonly obj: TraceRoot; readonly index: number; readonly src: TraceSource }
  | { readonly op: 'get'; readonly dst: TraceRoot; readonly obj: TraceRoot; readonly index: number }
  | { readonly op: 'call'; readonly nregs: number; readonly args: readonly TraceSource[] }
  | { readonly op: 'ret' }
  | { readonly op: 'gc'; readonly generation: number | null }
  | { readonly op: 'refcount'; readonly src: TraceRoot };

/** The header line every trace starts with. */
export const TRACE_HEADER = 'gclab-trace 1';

/** Register root `index`. */
export function reg(index: number): TraceRoot {
  return { kind: 'reg', index };
}

/** Global root `name`. */
export function glob(name: string): TraceRoot {
  return { kind: 'global', name };
}

/** Pattern a global's name must match. */
export const GLOBAL_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
