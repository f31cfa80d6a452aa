import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The built main process (out/main) runs in test/shell with `electron` replaced by fakes that follow Electron's docs.
  resolve: { alias: [{ find: /^electron$/, replacement: path.resolve(__dirname, 'test/shell/fakes/electron.ts') }] },
  test: {
    include: ['test/engine/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/shared/**/*.test.ts', 'test/shell/**/*.test.ts', 'test/renderer/**/*.test.ts'],
    // DuckDB's native binding: one process per file keeps instances apart.
    pool: 'forks',
    // Every fast-check property runs with one printed, overridable seed (FC_SEED): test/helpers/propertySeed.ts.
    globalSetup: ['test/helpers/propertySeedGlobal.ts'],
    setupFiles: ['test/helpers/propertySeedSetup.ts'],
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
