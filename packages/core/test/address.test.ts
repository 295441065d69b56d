import { describe, expect, it } from 'vitest';
import { hex } from '../src/index.ts';

describe('hex', () => {
  it('prints an address as 0x and lower-case hex digits, unpadded', () => {
    expect(hex(0)).toBe('0x0');
    expect(hex(4096)).toBe('0x1000');
    expect(hex(0xabcdef)).toBe('0xabcdef');
    expect(hex(0x7fff_fff8)).toBe('0x7ffffff8');
  });
});
