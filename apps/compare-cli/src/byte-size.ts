/**
 * Byte sizes as a user types them (`64MB`, `512k`, `1048576`) and as the command prints them.
 * Units are binary, as the JVM's `-Xmx64m` reads them: K, KB and KiB are 1024 bytes; M, MB and MiB
 * 1024^2; G, GB and GiB 1024^3.
 */

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Parses a positive byte size; returns null when `text` is not one. */
export function parseByteSize(text: string): number | null {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:([kmg])(?:i?b)?|(b)?)\s*$/i.exec(text);
  if (m === null) return null;
  const unit = (m[2] ?? m[3] ?? '').toLowerCase();
  const bytes = Math.floor(Number(m[1]) * UNITS[unit]!);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : null;
}

/** `1048576` -> `1048576 B (1.0 MiB)`: the exact figure, and a rounded one when it helps. */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${bytes} B (${value.toFixed(1)} ${units[i]})`;
}
