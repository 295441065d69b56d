import { describe, expect, it } from 'vitest';
import { formatBytes, parseByteSize } from '../src/byte-size.ts';

describe('parseByteSize', () => {
  it('reads plain bytes and binary units in any case', () => {
    expect(parseByteSize('1048576')).toBe(1048576);
    expect(parseByteSize('100B')).toBe(100);
    expect(parseByteSize('512k')).toBe(512 * 1024);
    expect(parseByteSize('64MB')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('1.5g')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize(' 2 KB ')).toBe(2048);
  });

  it('rejects what is not a positive size', () => {
    for (const text of ['', '0', '-1', '2x', 'MB', '1e6', '64 M B', '0.1'])
      expect(parseByteSize(text), text).toBeNull();
  });
});

describe('formatBytes', () => {
  it('gives the exact figure and a rounded one from 1 KiB', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(5408)).toBe('5408 B (5.3 KiB)');
    expect(formatBytes(1 << 20)).toBe('1048576 B (1.0 MiB)');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3221225472 B (3.0 GiB)');
  });
});
