/**
 * @gclab/tracing-gc: collectors that find garbage by tracing from the roots: mark-sweep,
 * mark-compact, incremental mark-sweep, semispace copying and generational copying.
 */
export { Marker } from './mark.ts';
