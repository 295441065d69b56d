/** Growth of the side tables the spaces keep in typed arrays (doubling, copied). */

/** Returns `table`, or a copy at least `min` long (doubled) when it is shorter. */
export function growInt32(table: Int32Array<ArrayBuffer>, min: number): Int32Array<ArrayBuffer> {
  if (min <= table.length) return table;
  let size = Math.max(16, table.length * 2);
  while (size < min) size *= 2;
  const grown = new Int32Array(size);
  grown.set(table);
  return grown;
}
