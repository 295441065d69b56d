/**
 * Forwarding addresses kept in the shape word (GC Handbook §4.1, "forwarding addresses"), so a copying
 * collector pays no header word for them (`headerWords` 0).
 *
 * ```
 *  from-space copy, before evacuation     after evacuation (the old copy is dead memory)
 *  +-------------------------+--------+   +-----------------------------+---------------+
 *  | nrefs, GC bits          | payload|   | nrefs, GC bits | FORWARDED  | new address   |
 *  +-------------------------+--------+   +-----------------------------+---------------+
 *        low slot             high slot          low slot                  high slot
 * ```
 *
 * Evacuation copies the object's words first (the copy keeps the original shape, payload length
 * included), then sets `FORWARDED_BIT` in the old copy's low slot and stores the new address in its
 * high slot, where the payload length was. The old copy's size can then no longer be read from it;
 * the collectors never need it (a flip reclaims a whole region at once).
 *
 * Invariant kept by both copying collectors: outside a collection no live object has
 * `FORWARDED_BIT` set.
 */
import { FORWARDED_BIT } from './gc-bits.ts';

/** Whether the object at `addr` has been evacuated. */
export function isForwarded(words: Int32Array, addr: number): boolean {
  return (words[addr >> 2]! & FORWARDED_BIT) !== 0;
}

/** The new address of the evacuated object at `addr` (valid only when `isForwarded`). */
export function forwardingAddress(words: Int32Array, addr: number): number {
  return words[(addr >> 2) + 1]!;
}

/** Marks the object at `addr` as evacuated to `to` (its words must already be copied there). */
export function setForwardingAddress(words: Int32Array, addr: number, to: number): void {
  const i = addr >> 2;
  words[i] = words[i]! | FORWARDED_BIT;
  words[i + 1] = to;
}
