import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'examples/**/*.test.ts', 'site/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
