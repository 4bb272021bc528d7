import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely'
import { type MigrationResultSet, Migrator } from 'kysely/migration'
import pg from 'pg'
import { migrations } from './migrations/index.ts'
import { PreparingClient } from './prepared.ts'
import type { DB } from './types.ts'

export type DbKind = 'pglite' | 'postgres'

export interface Database {
  db: Kysely<DB>
  kind: DbKind
  /** Present on PostgreSQL: jobs take session-level advisory locks on a connection of their own. */
  pool?: pg.Pool
  pglite?: PGlite
  close(): Promise<void>
}

// Counts and sums come back as text for bigint/numeric from `pg`; we cast in SQL where we want numbers.
// timestamptz stays a Date; a calendar `date` (a birth date) stays 'YYYY-MM-DD' text on both drivers, since a
// Date at local midnight would shift with the server's time zone.
const DATE_OID = 1082
pg.types.setTypeParser(DATE_OID, (v: string) => v)
/** Type parsers every PGlite we open uses (tests' snapshots included). */
export const PGLITE_PARSERS = { [DATE_OID]: (v: string) => v }

export interface OpenOptions {
  /** postgres:// URL; when absent PGlite is used. */
  url?: string
  /** Folder for PGlite's files; when absent (and no pglite given) PGlite runs in memory. */
  pgliteDir?: string
  /** An already opened PGlite (tests load one from a migrated snapshot). */
  pglite?: PGlite
  poolSize?: number
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    // PreparingClient: the hot point queries run as prepared statements (db/prepared.ts).
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, Client: PreparingClient })
    // An idle connection that the server drops (restart, failover) is reported and replaced on next use; without a
    // listener, pg's 'error' event would end the process.
    pool.on('error', (err) => console.error(`PostgreSQL connection lost (${err.message}); the pool reconnects on next use`))
    // Fail early and clearly if the server is not there.
    const client = await pool.connect()
    client.release()
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
    return {
      db,
      kind: 'postgres',
      pool,
      close: async () => {
        await db.destroy()
        // Kysely ends the pool only if it ever ran a query; jobs may have used the pool directly.
        if (!pool.ended) await pool.end()
      },
    }
  }
  let pglite = opts.pglite
  if (!pglite) {
    if (opts.pgliteDir) mkdirSync(opts.pgliteDir, { recursive: true })
    // PGlite's default 128 MB of shared buffers is sized for a server; one county's data needs far less, and
    // the embedded server's memory budget is 400 MB in all (PGLITE_SHARED_BUFFERS overrides).
    pglite = new PGlite(opts.pgliteDir, {
      postgresqlconf: [`shared_buffers = ${process.env.PGLITE_SHARED_BUFFERS || '32MB'}`],
      parsers: PGLITE_PARSERS,
    })
  }
  await pglite.waitReady
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) })
  const instance = pglite
  return {
    db,
    kind: 'pglite',
    pglite: instance,
    close: async () => {
      await db.destroy()
      if (!instance.closed) await instance.close()
    },
  }
}

export function pgliteDirFor(dataDir: string): string {
  return join(dataDir, 'pglite')
}

/**
 * Whether the database holds exactly this build's migrations. Kysely's migrator first introspects every column
 * of every table (~0.35 s of a PGlite cold start); a server starting on an up-to-date database can skip it.
 */
async function upToDate(db: Kysely<DB>): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`select to_regclass('kysely_migration') is not null as ok`.execute(db)
  if (!rows[0]?.ok) return false
  const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db)
  const names = new Set(applied.rows.map((r) => r.name))
  const known = Object.keys(migrations)
  return names.size === known.length && known.every((n) => names.has(n))
}

export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationResultSet> {
  if (await upToDate(db)) return { results: [] }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  })
  const result = await migrator.migrateToLatest()
  if (result.error) throw result.error
  return result
}
