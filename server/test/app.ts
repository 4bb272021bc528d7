import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../src/app.ts'
import { closeContext, createContext } from '../src/bootstrap.ts'
import { loadConfig } from '../src/config.ts'
import type { AppContext } from '../src/context.ts'
import { MemoryBus } from '../src/platform/events.ts'
import { createTestDatabase } from './db.ts'

/**
 * A full app over this file's own database, with a throwaway data folder. Call `close` in afterAll.
 * `env` overrides configuration (e.g. LOGIN_MAX_FAILURES) the way the environment would.
 */
export async function createTestApp(env: Record<string, string> = {}, opts: { serveWeb?: boolean } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'minqing-test-'))
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, MINQING_SECRET: 'test-secret-0123456789abcdef0123456789', ...env })
  const database = await createTestDatabase()
  const ctx: AppContext = await createContext(config, { database, bus: new MemoryBus(), migrate: false })
  const app = await buildApp(ctx, { logger: false, serveWeb: opts.serveWeb })
  await app.ready()
  return {
    app,
    ctx,
    db: ctx.db,
    async close() {
      await app.close()
      await closeContext(ctx)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
