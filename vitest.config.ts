import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 20_000,
    // Timing tests (batch overlap) compare against each other, not a clock budget,
    // but a 2-core machine still benefits from fewer competing workers.
    maxWorkers: 2,
  },
});
