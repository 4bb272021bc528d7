import type { Config } from './config.ts'
import type { AppContext } from './context.ts'
import { migrateToLatest, openDatabase, pgliteDirFor, type Database } from './db/index.ts'
import { createBus, type EventBus } from './platform/events.ts'
import { Scheduler } from './platform/jobs.ts'
import { DiskStorage, uploadsDir } from './platform/storage.ts'

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase(config.databaseUrl ? { url: config.databaseUrl, poolSize: config.databasePoolSize } : { pgliteDir: pgliteDirFor(config.dataDir) })
}

/** Everything a running server (or a test) needs besides HTTP: database migrated, bus, scheduler, storage. */
export async function createContext(
  config: Config,
  opts: { database?: Database; bus?: EventBus; migrate?: boolean; log?: ConstructorParameters<typeof Scheduler>[1] } = {},
): Promise<AppContext> {
  const database = opts.database ?? (await openConfiguredDatabase(config))
  if (opts.migrate !== false) await migrateToLatest(database.db)
  return {
    config,
    database,
    db: database.db,
    bus: opts.bus ?? createBus(config.redisUrl),
    scheduler: new Scheduler(database, opts.log),
    storage: new DiskStorage(uploadsDir(config.dataDir)),
  }
}

export async function closeContext(ctx: AppContext) {
  ctx.scheduler.stop()
  await ctx.bus.close()
  await ctx.database.close()
}
