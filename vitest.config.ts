import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // exceljs's UTF-8 fix must be in place before any test file loads exceljs.
    setupFiles: ['src/registry/import/exceljs-utf8.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
