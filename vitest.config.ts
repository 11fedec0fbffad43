import { defineConfig } from 'vitest/config';

// Against a real Logto (LOGTO_E2E_* set) every test file shares one tenant and its singletons (sign-in
// experience, account center, configs), so files run one after another there; against the emulator each
// file has a tenant of its own and two run at once.
const realServer = Boolean(
  process.env.LOGTO_E2E_ENDPOINT && process.env.LOGTO_E2E_APP_ID && process.env.LOGTO_E2E_APP_SECRET,
);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: !realServer,
  },
});
