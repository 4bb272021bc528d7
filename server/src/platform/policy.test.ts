import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../test/app.ts'
import { DEMO_PASSWORD, seedDemo } from '../seed/demo.ts'
import { pathInScope, isAncestorPath } from './policy.ts'

// The platform's area rule, tried on the sample scoped routes (regions and units) with the demo's own
// people: the stationed cadre of 雅璜村 (13800000003) against a row of 王院村.
let t: Awaited<ReturnType<typeof createTestApp>>
let yahuang: Record<string, string>
let town: Record<string, string>

async function loginAs(phone: string) {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone, password: DEMO_PASSWORD } })
  expect(res.statusCode).toBe(200)
  return { authorization: `Bearer ${res.json().token}` }
}

beforeAll(async () => {
  t = await createTestApp()
  await seedDemo(t.db)
  yahuang = await loginAs('13800000003')
  town = await loginAs('13800000002')
})
afterAll(() => t.close())

const unitOf = async (regionCode: string) =>
  (await t.db.selectFrom('units').innerJoin('regions', 'regions.id', 'units.region_id').select('units.id').where('regions.code', '=', regionCode).executeTakeFirstOrThrow()).id

describe('area-scoped access', () => {
  it('雅璜村 cadre: 200 for a row of 雅璜村, 404 for a row of 王院村 (regions)', async () => {
    const own = await t.app.inject({ method: 'GET', url: '/api/regions/330683105212', headers: yahuang })
    expect(own.statusCode).toBe(200)
    expect(own.json().name).toBe('雅璜村委会')
    const other = await t.app.inject({ method: 'GET', url: '/api/regions/330683106220', headers: yahuang })
    expect(other.statusCode).toBe(404)
    expect(other.json().error.code).toBe('NOT_FOUND')
    // 404 exactly as for a code that does not exist at all
    const none = await t.app.inject({ method: 'GET', url: '/api/regions/330683106999', headers: yahuang })
    expect(other.json()).toEqual(none.json())
  })

  it('雅璜村 cadre: 200 for the unit of 雅璜村, 404 for the unit of 王院村 (units)', async () => {
    const own = await t.app.inject({ method: 'GET', url: `/api/units/${await unitOf('330683105212')}`, headers: yahuang })
    expect(own.statusCode).toBe(200)
    const other = await t.app.inject({ method: 'GET', url: `/api/units/${await unitOf('330683106220')}`, headers: yahuang })
    expect(other.statusCode).toBe(404)
  })

  it('lists only what lies in scope, plus the caller’s own unit', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/units?limit=500', headers: yahuang })
    const names = res.json().items.map((u: { name: string }) => u.name)
    expect(names).toContain('雅璜村委会')
    expect(names).toContain('石璜镇人民政府') // the cadre's own unit, though it sits above the village
    expect(names).not.toContain('王院村委会')
    expect(names).not.toContain('嵊州市住房和城乡建设局')
  })

  it('a town handler sees the whole town and nothing beyond', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/regions/330683105212', headers: town })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: '/api/regions/330683106220', headers: town })).statusCode).toBe(404)
    const kids = await t.app.inject({ method: 'GET', url: '/api/regions?parent=330683105', headers: town })
    expect(kids.statusCode).toBe(200)
    expect(kids.json().length).toBeGreaterThan(10)
  })

  it('ancestors are visible as context, but their other children are not listed', async () => {
    const parent = await t.app.inject({ method: 'GET', url: '/api/regions/330683105', headers: yahuang })
    expect(parent.statusCode).toBe(200)
    const siblings = await t.app.inject({ method: 'GET', url: '/api/regions?parent=330683105', headers: yahuang })
    expect(siblings.statusCode).toBe(404)
  })

  it('writes outside the subtree are 403 (an admin of a town creating a unit in another town)', async () => {
    const townAdmin = await t.db
      .insertInto('users')
      .values({
        phone: '13911110001',
        name: '镇管理员',
        password_hash: (await t.db.selectFrom('users').select('password_hash').where('phone', '=', '13800000000').executeTakeFirstOrThrow()).password_hash,
        roles: ['admin'],
        region_id: (await t.db.selectFrom('regions').select('id').where('code', '=', '330683105').executeTakeFirstOrThrow()).id,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    expect(townAdmin.id).toBeTruthy()
    const h = await loginAs('13911110001')
    const res = await t.app.inject({ method: 'POST', url: '/api/units', headers: h, payload: { name: '外镇单位', kind: 'partner', regionCode: '330683106220' } })
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('FORBIDDEN')
    const ok = await t.app.inject({ method: 'POST', url: '/api/units', headers: h, payload: { name: '本镇单位', kind: 'partner', regionCode: '330683105212' } })
    expect(ok.statusCode).toBe(201)
  })
})

describe('policy helpers', () => {
  const scope = { regionPath: '/330600/330683/330683105/', unitId: null }
  it('subtree and ancestor tests work on path prefixes, not on code prefixes', () => {
    expect(pathInScope(scope, '/330600/330683/330683105/330683105212/')).toBe(true)
    expect(pathInScope(scope, '/330600/330683/330683105/')).toBe(true)
    expect(pathInScope(scope, '/330600/330683/330683106/')).toBe(false)
    expect(pathInScope(scope, '/330600/330683/')).toBe(false)
    expect(isAncestorPath(scope, '/330600/330683/')).toBe(true)
    expect(isAncestorPath(scope, '/330600/330683/330683106/')).toBe(false)
  })
})
