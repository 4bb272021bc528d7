import { LIST_TOTAL_CAP } from '@minqing/common'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../test/factories.ts'
import { cappedCount, pageWithTotal } from './paging.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: MadeUser
let regionId: number

beforeAll(async () => {
  t = await createTestApp()
  regionId = await makeRegion(t.db, '330683105212001')
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683' })
  await sql`
    insert into cases (number, channel, state, level, region_id, title, description, reporter_kind, created_at)
    select 'MQ-T-' || g, 'walk_in', 'new', 'grid', ${regionId}, '事项' || g, '批量', 'anonymous', now() - g * interval '1 minute'
    from generate_series(1, ${LIST_TOTAL_CAP + 10}) g`.execute(t.db)
})
afterAll(() => t.close())

describe('list totals', () => {
  it('stop counting just past LIST_TOTAL_CAP ("10,000+"), and count exactly below it', async () => {
    const all = t.db.selectFrom('cases').select('id')
    expect(await cappedCount(t.db, all, { limit: 50, offset: 0 })).toBe(LIST_TOTAL_CAP + 1)
    expect(await cappedCount(t.db, all.where('number', 'like', 'MQ-T-1%'), { limit: 50, offset: 0 })).toBe(1 + 10 + 100 + 1000 + 11) // 1, 10–19, 100–199, 1000–1999, 10000–10010
  })

  it('count past the page when the page itself lies beyond the cap, so the last page still knows where it ends', async () => {
    const q = t.db.selectFrom('cases').select('id')
    const page = await pageWithTotal(t.db, q, q.orderBy('number'), { limit: 50, offset: LIST_TOTAL_CAP })
    expect(page.items).toHaveLength(10)
    expect(page.total).toBe(LIST_TOTAL_CAP + 10)
  })

  it('serve the API: GET /api/cases reports the capped total', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/cases?limit=20', headers: admin.auth })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ total: LIST_TOTAL_CAP + 1 })
    expect(res.json().items).toHaveLength(20)
  })
})
