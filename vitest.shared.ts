// Shared vitest settings: every project resolves workspace packages to their TypeScript source
// through the `@gclab/source` export condition, so tests run with no build step.
import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

/**
 * Builds a vitest project config for a workspace package; `name` is its package name. Test files of
 * a project share their worker's modules (`isolate: false`): each worker imports the workspace's
 * source once instead of once a file, which was most of a file's start-up. A project whose tests
 * depend on module state another file may have changed (core's host-array pool) passes
 * `isolate: true`.
 */
export function gclabProject(name: string, options: { testTimeout?: number; isolate?: boolean } = {}) {
  return defineProject({
    ssr: { resolve: { conditions: ['@gclab/source', ...defaultServerConditions] } },
    resolve: { conditions: ['@gclab/source', ...defaultServerConditions] },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      // picocolors turns colours on whenever CI is set; tests compare plain text everywhere.
      env: { NO_COLOR: '1' },
      testTimeout: options.testTimeout ?? 60_000,
      isolate: options.isolate ?? false,
      // Child processes, not threads: in-process runs of the command (compare-cli's run-in-process.ts)
      // change the working directory, which a worker thread cannot.
      pool: 'forks',
    },
  });
}
