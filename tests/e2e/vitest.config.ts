import { defineConfig } from 'vitest/config';

// End-to-end tests: real Kamailio, rtpengine, SIPp and Chromium. They share fixed ports and
// one PBX, so files run one after another. Run them inside a network namespace that has
// only `lo` (see scripts/in-netns):
//   scripts/in-netns hd-e2e npx vitest run --config tests/e2e/vitest.config.ts
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
  },
});
