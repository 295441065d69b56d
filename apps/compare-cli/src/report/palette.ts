/**
 * One colour per collector, the same in every chart and every report: the registered collectors
 * have fixed colours (families in related hues: reference counting in reds, CPython's hybrids in
 * oranges, tracing in blues and greens, copying in purple and brown, the no-gc baseline in grey);
 * other names take the next unused colour of a spare palette in order of appearance.
 */

/** Fixed colours of the registered collectors. */
export const COLLECTOR_COLORS: Readonly<Record<string, string>> = {
  'no-gc': '#8c8c8c',
  refcount: '#d62728',
  'refcount-deferred': '#ff9896',
  'refcount-trial-deletion': '#ad494a',
  cpython: '#ff7f0e',
  'cpython-3.12': '#ffbb78',
  'cpython-3.13': '#fd8d3c',
  'cpython-3.14': '#fdae6b',
  'cpython-3.15': '#d94801',
  lxr: '#e7298a',
  'mark-sweep': '#1f77b4',
  'mark-compact': '#17becf',
  incremental: '#2ca02c',
  semispace: '#9467bd',
  'gen-copy': '#8c564b',
  immix: '#08519c',
  'sticky-immix': '#6baed6',
};

/** Colours for other collectors, in order. */
const SPARE_COLORS = ['#e377c2', '#bcbd22', '#393b79', '#637939', '#843c39', '#7b4173', '#3182bd', '#e6550d'];

/** The colour of each collector in `names` (a stable domain and range for Plot's color scale). */
export function collectorPalette(names: readonly string[]): { domain: string[]; range: string[] } {
  const domain: string[] = [];
  const range: string[] = [];
  let spare = 0;
  for (const name of names) {
    if (domain.includes(name)) continue;
    domain.push(name);
    const fixed = COLLECTOR_COLORS[name];
    if (fixed !== undefined) {
      range.push(fixed);
    } else {
      range.push(SPARE_COLORS[spare % SPARE_COLORS.length]!);
      spare++;
    }
  }
  return { domain, range };
}
