import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { migrateToLatest, openDatabase } from '../src/db/index.ts'
import { adminUrl, dbUrl } from './pg-urls.ts'

/**
 * Migrate a template database once; each test file then gets `CREATE DATABASE … TEMPLATE` of it (the
 * immich way), which is cheap and lets files run in parallel on one server.
 */
export default async function setup(project: TestProject) {
  const base = process.env.TEST_DATABASE_URL
  if (!base) throw new Error('TEST_DATABASE_URL is not set')
  const template = `minqing_tpl_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl(base) })
  await admin.connect()
  await admin.query(`create database ${template}`)
  await admin.end()
  const database = await openDatabase({ url: dbUrl(base, template), poolSize: 1 })
  await migrateToLatest(database.db)
  await database.close()
  project.provide('pgTemplate', template)
  return async () => {
    const c = new pg.Client({ connectionString: adminUrl(base) })
    await c.connect()
    // Files drop their own databases; this catches any a crashed worker left behind.
    const left = await c.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`minqing_t_${template.slice(12)}_%`])
    for (const { datname } of left.rows) await c.query(`drop database if exists ${datname} with (force)`)
    await c.query(`drop database if exists ${template} with (force)`)
    await c.end()
  }
}
