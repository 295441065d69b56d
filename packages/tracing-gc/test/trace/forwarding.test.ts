import { describe, expect, it } from 'vitest';
import { forwardingAddress, isForwarded, setForwardingAddress } from '../../src/trace/forwarding.ts';
import { FORWARDED_BIT } from '../../src/trace/gc-bits.ts';

describe('forwarding in the shape word', () => {
  it('sets FORWARDED_BIT in the low slot and the new address in the high slot, keeping the other bits', () => {
    const words = new Int32Array(8);
    const addr = 8;
    words[2] = 3; // 3 reference fields
    words[3] = 16; // payload bytes
    expect(isForwarded(words, addr)).toBe(false);
    setForwardingAddress(words, addr, 0x1000);
    expect(isForwarded(words, addr)).toBe(true);
    expect(forwardingAddress(words, addr)).toBe(0x1000);
    expect(words[2]).toBe(3 | FORWARDED_BIT);
    expect(isForwarded(words, 0)).toBe(false);
  });
});
