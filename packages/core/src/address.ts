/**
 * How gclab prints a simulated address (or any other non-negative integer a message shows in hex,
 * such as GC bits): `0x` and lower-case hex digits, no padding. Every error and verification message
 * uses it, so addresses read the same whichever package reports them.
 */

/** `addr` as `0x` followed by lower-case hex digits, e.g. `hex(4096)` is `0x1000`. */
export function hex(addr: number): string {
  return `0x${addr.toString(16)}`;
}
