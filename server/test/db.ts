import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { inject } from 'vitest'
import { type Database, openDatabase, PGLITE_PARSERS } from '../src/db/index.ts'
import { adminUrl, dbUrl } from './pg-urls.ts'

export const testDbKind = (): 'pglite' | 'postgres' => (process.env.MINQING_TEST_DB === 'postgres' ? 'postgres' : 'pglite')

/** A migrated database of the run's kind that belongs to the calling test file alone. Close it in afterAll. */
export async function createTestDatabase(): Promise<Database> {
  if (testDbKind() === 'postgres') {
    const base = process.env.TEST_DATABASE_URL!
    const template = inject('pgTemplate')
    const name = `minqing_t_${template.slice(12)}_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: adminUrl(base) })
    await admin.connect()
    await admin.query(`create database ${name} template ${template}`)
    await admin.end()
    const database = await openDatabase({ url: dbUrl(base, name), poolSize: 5 })
    const close = database.close
    return {
      ...database,
      close: async () => {
        await close()
        await dropDatabase(base, name)
      },
    }
  }
  const snapshot = readFileSync(inject('pgliteSnapshot'))
  const pglite = new PGlite({ loadDataDir: new Blob([snapshot]), parsers: PGLITE_PARSERS })
  return openDatabase({ pglite })
}

/** A second connection pool to the same PostgreSQL database (to act as another server process). */
export async function openSecondPool(database: Database, poolSize = 3): Promise<Database | undefined> {
  if (!database.pool) return undefined
  const opts = (database.pool as unknown as { options: { connectionString: string } }).options
  return openDatabase({ url: opts.connectionString, poolSize })
}

/**
 * Drop a test database once its sessions are gone. The pool's goodbye reaches the server a moment after
 * pool.end() resolves; forcing the drop at once would kill those sessions mid-exit and their clients would
 * report it as an unhandled error. So wait for them, and force only as a last resort.
 */
export async function dropDatabase(base: string, name: string) {
  const c = new pg.Client({ connectionString: adminUrl(base) })
  await c.connect()
  try {
    for (let i = 0; i < 50; i++) {
      const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name])
      if (rows[0].n === 0) break
      await new Promise((r) => setTimeout(r, 50))
    }
    await c.query(`drop database if exists ${name} with (force)`)
  } finally {
    await c.end()
  }
}
