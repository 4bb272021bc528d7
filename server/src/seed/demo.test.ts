import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp } from '../../test/app.ts'
import { DEMO_PASSWORD, DEMO_USERS, demoLoginsText, seedDemo } from './demo.ts'

let t: Awaited<ReturnType<typeof createTestApp>>

beforeAll(async () => {
  t = await createTestApp()
  await seedDemo(t.db)
})
afterAll(() => t.close())

const count = async (where: string) => (await sql<{ n: number }>`select count(*)::int as n from regions where ${sql.raw(where)}`.execute(t.db)).rows[0].n

describe('the 嵊州 demo seed', () => {
  it('has 嵊州市 with 15 towns/streets and 304 villages/communities, each village with at least two grids', async () => {
    expect(await count(`level = 'county' and code = '330683'`)).toBe(1)
    expect(await count(`level = 'town' and path like '/330600/330683/%'`)).toBe(15)
    expect(await count(`level = 'village' and path like '/330600/330683/%'`)).toBe(304)
    const thin = await sql<{ n: number }>`
      select count(*)::int as n from regions v
      where v.level = 'village' and (select count(*) from regions g where g.parent_id = v.id and g.level = 'grid') < 2`.execute(t.db)
    expect(thin.rows[0].n).toBe(0)
  })

  it('every demo login works with its role and region', async () => {
    for (const u of DEMO_USERS) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: u.phone, password: DEMO_PASSWORD } })
      expect(res.statusCode, u.phone).toBe(200)
      expect(res.json().user).toMatchObject({ roles: u.roles, regionCode: u.regionCode })
    }
    expect(demoLoginsText()).toContain('13800000005')
  })

  it('the volunteer is a youth league member and party member living in 长宁社区', async () => {
    const v = await t.db
      .selectFrom('users')
      .innerJoin('regions', 'regions.id', 'users.residence_region_id')
      .select(['is_party_member', 'is_youth_league', 'regions.code'])
      .where('phone', '=', '13800000005')
      .executeTakeFirstOrThrow()
    expect(v).toEqual({ is_party_member: true, is_youth_league: true, code: '330683003006' })
  })

  it('is idempotent and refused in production', async () => {
    const again = await seedDemo(t.db)
    expect(again.regions.inserted).toBe(0)
    expect(again.grids.inserted).toBe(0)
    expect(again.units).toBe(0)
    expect(again.users).toBe(0)
    await expect(seedDemo(t.db, { production: true })).rejects.toThrow(/production/)
  })
})
