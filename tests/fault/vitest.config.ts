import { defineConfig } from 'vitest/config';

// The fault-injection suite: the fault proxy's own tests and a short fault run (real hub
// and seat-core processes, kill -9 at random). Files run one after another: the run
// uses both cores by itself.
//   npx vitest run --config tests/fault/vitest.config.ts
export default defineConfig({
  test: {
    include: ['tests/fault/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
