import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'

// Hotline (issue 12, defect 5): a caller picked from the archive keeps the number they called from.
let t: Awaited<ReturnType<typeof createTestApp>>
let town: MadeUser
const YAHUANG = '330683105212'

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, YAHUANG)
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
})
afterAll(() => t.close())

const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: town.auth, payload: payload as any })
let seq = 1
async function person(phone: string | null) {
  const h = await post('/api/households', { regionCode: YAHUANG, address: `下宅${seq++}号` })
  const p = await post('/api/persons', { householdId: h.json().id, name: '俞阿大', ...(phone ? { phone } : {}) })
  expect(p.statusCode, p.body).toBe(201)
  return p.json() as { id: string }
}
const call = (reporter: object) => post('/api/cases', { regionCode: YAHUANG, channel: 'hotline', title: '路灯不亮', description: '村口路灯不亮', reporter })

describe('a hotline case with an archive person as reporter', () => {
  it('stores and shows the number typed, over the archive’s', async () => {
    const p = await person('13911112222')
    const res = await call({ personId: p.id, phone: '139 3333 4444' })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().reporter).toMatchObject({ kind: 'person', personId: p.id, name: '俞阿大', phone: '139****4444' })
    const read = await t.app.inject({ method: 'GET', url: `/api/cases/${res.json().id}`, headers: town.auth })
    expect(read.json().reporter.phone).toBe('139****4444')
  })
  it('takes the person’s own number when none is typed; none when neither has one', async () => {
    const p = await person('13911115555')
    expect((await call({ personId: p.id })).json().reporter).toMatchObject({ kind: 'person', phone: '139****5555' })
    const q = await person(null)
    expect((await call({ personId: q.id })).json().reporter).toMatchObject({ kind: 'person', phone: null })
  })
  it('refuses a malformed number with the person (400 INVALID_PHONE)', async () => {
    const p = await person(null)
    const res = await call({ personId: p.id, phone: '12ab' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('INVALID_PHONE')
  })
})
