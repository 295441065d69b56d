import { defineConfig } from 'vitest/config';

// One vitest project per package; each package's vitest.config.ts builds on vitest.shared.ts.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
    reporters: ['default', './tools/summary-reporter.ts'],
  },
});
