/**
 * Consuming the package from the registry, as a user does: core and threads packed, installed into a
 * project without TypeScript, and this package's README example run there with plain `node` (see
 * tools/packed-readme-example.ts): the worker threads then start from the built `dist/worker.js`,
 * with no TypeScript loader, the path the repository's own runs (from source) never take.
 */
import { describe, expect, it } from 'vitest';
import { runPackedReadmeExample } from '../../../tools/packed-readme-example.ts';

describe('the packed package', () => {
  it('runs the README example on real worker threads with plain node', () => {
    const run = runPackedReadmeExample(['core', 'threads'], new URL('../README.md', import.meta.url));
    expect(run.tarballs).toEqual(['gclab-core-0.1.0.tgz', 'gclab-threads-0.1.0.tgz']);
    expect(run.installed).toEqual(['@gclab']);
    expect(run.printed).toBe(run.expected);
  }, 240_000);
});
