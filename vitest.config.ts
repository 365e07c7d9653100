import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    globalSetup: [
      'packages/server/test/build-server.ts',
      'packages/client/test/build-cli.ts',
      'packages/dashboard/test/build-dashboard.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep parallel files modest so timing-sensitive tests stay honest.
    maxWorkers: 2,
  },
});
