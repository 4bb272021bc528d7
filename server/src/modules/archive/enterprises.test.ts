import { withCreditCheck } from '@minqing/common'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser
let teammate: MadeUser
let other: MadeUser

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, '330683105212')
  await makeRegion(t.db, '330683106220')
  cadre = await makeUser(t.db, { roles: ['stationed_cadre'], station: 'enterprise', regionCode: '330683105' })
  teammate = await makeUser(t.db, { roles: ['grid_worker'], regionCode: '330683105212' })
  other = await makeUser(t.db, { roles: ['stationed_cadre'], station: 'enterprise', regionCode: '330683106' })
})
afterAll(() => t.close())

let n = 10
const code = () => withCreditCheck(`91330683MA2B${String(n++).padStart(5, '0')}`)

describe('enterprises (企情)', () => {
  it('creates an enterprise with its stationed cadre and service team (一企一专班), masked contact phone', async () => {
    const creditCode = code()
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/enterprises',
      headers: cadre.auth,
      payload: {
        regionCode: '330683105',
        name: '嵊州市雅璜领带有限公司',
        creditCode,
        industry: '领带制造',
        size: 'small',
        contactName: '俞老板',
        contactPhone: '13588889999',
        cadreUserId: cadre.id,
        team: [{ userId: teammate.id, duty: '联络员' }],
      },
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ creditCode, contactPhone: '135****9999', cadre: { id: cadre.id }, team: [{ userId: teammate.id, duty: '联络员' }] })
    expect((await t.app.inject({ method: 'GET', url: `/api/enterprises/${res.json().id}`, headers: other.auth })).statusCode).toBe(404)
    const dup = await t.app.inject({ method: 'POST', url: '/api/enterprises', headers: cadre.auth, payload: { regionCode: '330683105', name: '重复', creditCode } })
    expect(dup.json().error.code).toBe('DUPLICATE_CREDIT_CODE')
    const upd = await t.app.inject({ method: 'PATCH', url: `/api/enterprises/${res.json().id}`, headers: cadre.auth, payload: { size: 'medium' } })
    expect(upd.json().size).toBe('medium')
  })

  it('refuses an invalid credit code, a cadre from another area and another area', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/enterprises', headers: cadre.auth, payload: { regionCode: '330683105', name: 'x', creditCode: '91330683MA2B000001' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('INVALID_CREDIT_CODE')
    const foreignCadre = await t.app.inject({
      method: 'POST',
      url: '/api/enterprises',
      headers: cadre.auth,
      payload: { regionCode: '330683105', name: 'x', creditCode: code(), cadreUserId: other.id },
    })
    expect(foreignCadre.json().error.code).toBe('UNKNOWN_USER')
    expect((await t.app.inject({ method: 'POST', url: '/api/enterprises', headers: cadre.auth, payload: { regionCode: '330683106220', name: 'x', creditCode: code() } })).statusCode).toBe(403)
  })
})

describe('places (场所)', () => {
  it('creates a 民情角 with coordinates, lists by kind, scopes by area', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/places', headers: cadre.auth, payload: { regionCode: '330683105212', name: '雅璜村民情角', kind: '民情角', lat: 29.52, lng: 120.83 } })
    expect(res.statusCode, res.body).toBe(201)
    const list = await t.app.inject({ method: 'GET', url: `/api/places?kind=${encodeURIComponent('民情角')}`, headers: cadre.auth })
    expect(list.json().items.map((p: { name: string }) => p.name)).toContain('雅璜村民情角')
    expect((await t.app.inject({ method: 'GET', url: `/api/places/${res.json().id}`, headers: other.auth })).statusCode).toBe(404)
    const dup = await t.app.inject({ method: 'POST', url: '/api/places', headers: cadre.auth, payload: { regionCode: '330683105212', name: '雅璜村民情角', kind: '民情角' } })
    expect(dup.statusCode).toBe(409)
    const bad = await t.app.inject({ method: 'POST', url: '/api/places', headers: cadre.auth, payload: { regionCode: '330683105212', name: 'x', kind: '民情角', lat: 200 } })
    expect(bad.statusCode).toBe(400)
    const upd = await t.app.inject({ method: 'PATCH', url: `/api/places/${res.json().id}`, headers: cadre.auth, payload: { name: '雅璜民情角' } })
    expect(upd.json().name).toBe('雅璜民情角')
  })
})
