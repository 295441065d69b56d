// Shared vitest settings: every project resolves workspace packages to their TypeScript source
// through the `@gclab/source` export condition, so tests run with no build step.
import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

/** Builds a vitest project config for a workspace package; `name` is its package name. */
export function gclabProject(name: string, options: { testTimeout?: number } = {}) {
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
    },
  });
}
