import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default would be one): many files wait on a
    // child process, the PostgreSQL server or a browser, and the other file uses that time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // exceljs's UTF-8 fix must be in place before any test file loads exceljs.
    setupFiles: ['src/registry/import/exceljs-utf8.ts'],
    // The migrated database every test database is copied from, made once per run.
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
