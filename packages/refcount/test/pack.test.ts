/**
 * Consuming single packages from the registry, as a user does: core, allocator and refcount packed,
 * installed into a project without TypeScript, and this package's README example run there with
 * plain `node` (see tools/packed-readme-example.ts), so the README stays true.
 */
import { describe, expect, it } from 'vitest';
import { runPackedReadmeExample } from '../../../tools/packed-readme-example.ts';

describe('the packed packages', () => {
  it('install into a project without TypeScript and run the README example with plain node', () => {
    const run = runPackedReadmeExample(
      ['core', 'allocator', 'refcount'],
      new URL('../README.md', import.meta.url),
    );
    expect(run.tarballs).toEqual([
      'gclab-allocator-0.1.0.tgz',
      'gclab-core-0.1.0.tgz',
      'gclab-refcount-0.1.0.tgz',
    ]);
    // Nothing that runs TypeScript is installed: the example runs from the packages' dist/.
    expect(run.installed).toEqual(['@gclab']);
    expect(run.printed).toBe(run.expected);
  }, 240_000);
});
