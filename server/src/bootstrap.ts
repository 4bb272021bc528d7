import type { Config } from './config.ts'
import type { AppContext } from './context.ts'
import { migrateToLatest, openDatabase, pgliteDirFor, type Database } from './db/index.ts'
import { Redis } from 'ioredis'
import { createBus, type EventBus } from './platform/events.ts'
import { Scheduler } from './platform/jobs.ts'
import { DiskStorage, uploadsDir } from './platform/storage.ts'

/** A connection URL as it may be printed: the password hidden. */
function printableUrl(raw: string): string {
  try {
    const u = new URL(raw)
    if (u.password) u.password = '***'
    return u.toString().replace(/\/$/, '')
  } catch {
    return raw.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')
  }
}

/** One line for a connection failure: Node's AggregateError (one per address tried) has an empty message. */
function describeConnectError(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: unknown[] }
  if (e?.message) return e.message
  const inner = Array.isArray(e?.errors) ? e.errors.map((x) => (x as Error)?.message).filter(Boolean) : []
  if (inner.length) return inner.join('; ')
  return e?.code ?? String(err)
}

/** Thrown before "ready" when a configured service is not there: its message is the one line the operator needs. */
class StartupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StartupError'
  }
}

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  if (!config.databaseUrl) return openDatabase({ pgliteDir: pgliteDirFor(config.dataDir) })
  try {
    return await openDatabase({ url: config.databaseUrl, poolSize: config.databasePoolSize })
  } catch (err) {
    throw new StartupError(`DATABASE_URL ${printableUrl(config.databaseUrl)} is not reachable: ${describeConnectError(err)}`)
  }
}

/** Connects once to REDIS_URL (no retries, a few seconds at most) and answers PING, or throws the one line. */
async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: timeoutMs })
  let last: unknown
  redis.on('error', (err) => (last = err))
  try {
    await redis.connect()
    await redis.ping()
  } catch (err) {
    throw new StartupError(`REDIS_URL ${printableUrl(url)} is not reachable: ${describeConnectError(last ?? err)}`)
  } finally {
    redis.disconnect()
  }
}

/** Everything a running server (or a test) needs besides HTTP: database migrated, bus, scheduler, storage. */
export async function createContext(config: Config, opts: { database?: Database; bus?: EventBus; migrate?: boolean; log?: ConstructorParameters<typeof Scheduler>[1] } = {}): Promise<AppContext> {
  // Both services are checked before anything starts, so a wrong address is one clear line, not a crash later.
  if (!opts.bus && config.redisUrl) await checkRedis(config.redisUrl)
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
