import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkWritable,
  makeDirectory,
  OutputFileError,
  writeFileAtomic,
} from '../../src/runner/atomic-write.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gclab-atomic-'));
}

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file', () => {
    const dir = tempDir();
    const file = join(dir, 'a', 'b', 'r.json');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['r.json']);
  });

  it('writes a device in place instead of renaming over it; a full device is an OutputFileError', () => {
    writeFileAtomic('/dev/null', 'nothing');
    expect(existsSync('/dev/null')).toBe(true);
    let error: unknown;
    try {
      writeFileAtomic('/dev/full', 'x');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutputFileError);
    expect((error as OutputFileError).code).toBe('ENOSPC');
    expect((error as Error).message).toBe('cannot write /dev/full: no space left on device (ENOSPC)');
  });

  it('names the reason when the path cannot hold a file', () => {
    const dir = tempDir();
    const plain = join(dir, 'plain');
    writeFileSync(plain, '');
    expect(() => writeFileAtomic(join(plain, 'r.json'), 'x')).toThrow(
      `cannot write ${plain}/r.json: a part of the path is not a directory (ENOTDIR)`,
    );
    expect(() => writeFileAtomic(dir, 'x')).toThrow(`cannot write ${dir}: is a directory`);
  });
});

describe('makeDirectory and checkWritable', () => {
  it('makes missing parents, and fails at once (no loop) where a parent refuses entries (/proc)', () => {
    const dir = tempDir();
    makeDirectory(join(dir, 'x', 'y', 'z'));
    expect(existsSync(join(dir, 'x', 'y', 'z'))).toBe(true);
    // Node 20's mkdirSync(..., { recursive: true }) spins forever here.
    expect(() => makeDirectory('/proc/gclab-nope/deeper')).toThrow(/ENOENT/);
  });

  it('proves a file can be written, leaving only the directories it made', () => {
    const dir = tempDir();
    checkWritable(join(dir, 'out', 'r.json'));
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
    checkWritable('/dev/null');
    expect(() => checkWritable('/proc/gclab-nope/r.json')).toThrow(
      'cannot write /proc/gclab-nope/r.json: no such directory (ENOENT)',
    );
    expect(() => checkWritable(dir)).toThrow(OutputFileError);
  });
});
