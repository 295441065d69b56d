import { gclabProject } from '../../vitest.shared.ts';

// Isolated: host-array-pool.test.ts asserts which buffer the pool hands out, so it needs the pool
// as a fresh module leaves it, not as other files' heaps left it.
export default gclabProject('@gclab/core', { isolate: true });
