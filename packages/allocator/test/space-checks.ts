/** Assertion helpers shared by the spaces' property tests. */
import type { SimulatedOS } from '@gclab/core';

/** A live block as the tests track it. */
export interface LiveBlock {
  addr: number;
  size: number;
  tag: number;
}

/**
 * Throws unless no two live blocks overlap, every block lies in a mapped range, and every block's tag
 * (written into its first and last word at allocation) is intact.
 */
export function checkLiveBlocks(
  os: SimulatedOS,
  live: readonly LiveBlock[],
  blockSize: (addr: number) => number,
): void {
  const sorted = [...live].sort((a, b) => a.addr - b.addr);
  const words = os.memory.words;
  for (let i = 0; i < sorted.length; i++) {
    const b = sorted[i]!;
    const end = b.addr + blockSize(b.addr);
    if (end - b.addr < b.size)
      throw new Error(`block ${b.addr} of ${b.size} bytes got a ${end - b.addr}-byte block`);
    if (i + 1 < sorted.length && end > sorted[i + 1]!.addr) {
      throw new Error(`blocks ${b.addr} (+${end - b.addr}) and ${sorted[i + 1]!.addr} overlap`);
    }
    if (!os.isMapped(b.addr) || !os.isMapped(end - 1))
      throw new Error(`block ${b.addr} is not inside a mapped range`);
    if (words[b.addr >> 2] !== b.tag || words[(b.addr + roundDown8(b.size - 8)) >> 2] !== b.tag) {
      throw new Error(`block ${b.addr} was overwritten while live`);
    }
  }
}

/** Writes `tag` into the first and last whole word of a block of `size` requested bytes. */
export function writeTag(os: SimulatedOS, addr: number, size: number, tag: number): void {
  const words = os.memory.words;
  words[addr >> 2] = tag;
  words[(addr + roundDown8(size - 8)) >> 2] = tag;
}

function roundDown8(n: number): number {
  return n < 0 ? 0 : n & ~7;
}
