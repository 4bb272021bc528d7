import { existsSync } from 'node:fs'
import { defineConfig } from 'vitest/config'

const serverFiles = ['server/src/**/*.test.ts', 'server/test/**/*.test.ts', 'bench/**/*.test.ts']
const withPostgres = !!process.env.TEST_DATABASE_URL

// One `vitest run` runs everything: the server suite on PGlite, again on PostgreSQL when TEST_DATABASE_URL
// is set, the web unit tests, and the browser tests (MINQING_E2E=0 leaves those out).
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      { test: { name: 'common', include: ['common/src/**/*.test.ts'] } },
      {
        test: {
          name: 'server:pglite',
          include: serverFiles,
          globalSetup: ['server/test/global-setup-pglite.ts'],
          env: { MINQING_TEST_DB: 'pglite', NODE_ENV: 'test' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...(withPostgres
        ? [
            {
              test: {
                name: 'server:postgres',
                include: serverFiles,
                globalSetup: ['server/test/global-setup-postgres.ts'],
                env: { MINQING_TEST_DB: 'postgres', NODE_ENV: 'test' },
                testTimeout: 30_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
      ...(existsSync('web/vitest.config.ts') ? ['web/vitest.config.ts'] : []),
      ...(process.env.MINQING_E2E === '0'
        ? []
        : [
            {
              test: {
                name: 'e2e',
                include: ['web/e2e/**/*.spec.ts'],
                globalSetup: ['web/e2e/global-setup.ts'],
                testTimeout: 90_000,
                hookTimeout: 300_000,
                fileParallelism: false,
              },
            },
          ]),
    ],
  },
})
