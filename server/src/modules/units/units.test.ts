import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUnit, makeUser } from '../../../test/factories.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: Awaited<ReturnType<typeof makeUser>>

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, '330683105212')
  await makeRegion(t.db, '330683106220')
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683' })
})
afterAll(() => t.close())

describe('units', () => {
  it('admins create, read and change units', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/units', headers: admin.auth, payload: { name: '嵊州市交通运输局', kind: 'department', regionCode: '330683' } })
    expect(res.statusCode).toBe(201)
    const id = res.json().id
    expect(res.json()).toMatchObject({ name: '嵊州市交通运输局', kind: 'department', regionCode: '330683' })
    const upd = await t.app.inject({ method: 'PATCH', url: `/api/units/${id}`, headers: admin.auth, payload: { name: '嵊州市交通局' } })
    expect(upd.json().name).toBe('嵊州市交通局')
    expect((await t.app.inject({ method: 'GET', url: `/api/units/${id}`, headers: admin.auth })).json().name).toBe('嵊州市交通局')
  })

  it('refuses duplicates in one region (409), bad kinds (400), unknown regions (400), non-admins (403)', async () => {
    await makeUnit(t.db, '330683105', { name: '石璜镇人民政府', kind: 'town_office' })
    const dup = await t.app.inject({ method: 'POST', url: '/api/units', headers: admin.auth, payload: { name: '石璜镇人民政府', kind: 'town_office', regionCode: '330683105' } })
    expect(dup.statusCode).toBe(409)
    const kind = await t.app.inject({ method: 'POST', url: '/api/units', headers: admin.auth, payload: { name: 'x', kind: 'ministry', regionCode: '330683' } })
    expect(kind.statusCode).toBe(400)
    const region = await t.app.inject({ method: 'POST', url: '/api/units', headers: admin.auth, payload: { name: 'x', kind: 'partner', regionCode: '330683999' } })
    expect(region.json().error.code).toBe('UNKNOWN_REGION')
    const cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: '330683105212' })
    expect((await t.app.inject({ method: 'POST', url: '/api/units', headers: cadre.auth, payload: { name: 'x', kind: 'partner', regionCode: '330683105212' } })).statusCode).toBe(403)
  })

  it('lists by region subtree and kind, within scope', async () => {
    await makeUnit(t.db, '330683105212', { name: '雅璜村委会', kind: 'village_committee' })
    await makeUnit(t.db, '330683106220', { name: '王院村委会', kind: 'village_committee' })
    const res = await t.app.inject({ method: 'GET', url: '/api/units?regionCode=330683105&kind=village_committee', headers: admin.auth })
    expect(res.json().items.map((u: { name: string }) => u.name)).toEqual(['雅璜村委会'])
    const cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: '330683106220' })
    const theirs = await t.app.inject({ method: 'GET', url: '/api/units', headers: cadre.auth })
    expect(theirs.json().items.map((u: { name: string }) => u.name)).toEqual(['王院村委会'])
    expect((await t.app.inject({ method: 'GET', url: '/api/units?regionCode=330683105', headers: cadre.auth })).statusCode).toBe(404)
  })
})
