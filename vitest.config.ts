import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // end-to-end tests start real rank processes; on a 2-core machine they must not run side by side
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // the tests read the launcher's and ranks' log lines as text; test/e2e/log-format.test.ts checks the JSON
    // lines a run without a terminal gives by default
    env: { STYLERUN_LOG_FORMAT: 'text' },
  },
});
