import { defineConfig } from 'vitest/config';

// One vitest project per package; each package's vitest.config.ts builds on vitest.shared.ts.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
    reporters: ['default', './tools/summary-reporter.ts'],
    // Vitest's default is one worker fewer than the cores: one worker on CI's two. Much test time
    // waits on gclab's worker processes or runs one campaign at a time, so two files at once keep
    // both cores busy (npm test: 10 min 43 s with one worker on the 2-core machine).
    maxWorkers: 2,
  },
});
