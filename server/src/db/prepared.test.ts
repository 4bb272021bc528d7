import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/db.ts'
import type { Database } from './index.ts'
import { executePrepared, preparedTexts } from './prepared.ts'

let database: Database

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

/** How many times PostgreSQL has seen a named statement prepared on this database's connections. */
const preparedOnServer = async (fragment: string) =>
  database.pool ? (await database.pool.query<{ n: number }>(`select count(*)::int as n from pg_prepared_statements where statement like $1`, [`%${fragment}%`])).rows[0].n : 0

describe('prepared statements (db/prepared.ts)', () => {
  it('runs a marked query with its parameters, the same answers as unmarked, prepared once per connection', async () => {
    await sql`create table prep_probe (id int primary key, name text)`.execute(database.db)
    await sql`insert into prep_probe values (1, 'one'), (2, 'two')`.execute(database.db)
    const q = (id: number) => sql<{ id: number; name: string }>`select id, name from prep_probe /* probe-a */ where id = ${id}`.compile(database.db)
    for (const id of [1, 2, 1, 3]) {
      const res = await executePrepared(database.db, q(id))
      expect(res.rows).toEqual(id === 3 ? [] : [{ id, name: id === 1 ? 'one' : 'two' }])
    }
    expect(preparedTexts()).toContain(q(1).sql)
    // PostgreSQL: it is a named statement on the connection that ran it (not parsed afresh each time).
    if (database.pool) {
      const client = await database.pool.connect()
      try {
        await client.query('select 1')
        const text = q(1).sql
        await client.query(text, [1])
        await client.query(text, [2])
        const named = await client.query<{ n: number }>(`select count(*)::int as n from pg_prepared_statements where statement = $1`, [text])
        expect(named.rows[0].n).toBe(1)
      } finally {
        client.release()
      }
    } else expect(await preparedOnServer('probe-a')).toBe(0)
  })

  it('a table changed under a prepared `select *` is prepared again, not an error', async () => {
    await sql`create table prep_change (id int primary key)`.execute(database.db)
    await sql`insert into prep_change values (1)`.execute(database.db)
    const q = sql<Record<string, unknown>>`select * from prep_change /* probe-b */ where id = ${1}`.compile(database.db)
    // Prepare it on every connection of the pool, then change the table.
    await Promise.all(Array.from({ length: 5 }, () => executePrepared(database.db, q)))
    await sql`alter table prep_change add column note text default 'new'`.execute(database.db)
    for (let i = 0; i < 6; i++) expect((await executePrepared(database.db, q)).rows).toEqual([{ id: 1, note: 'new' }])
  })
})
