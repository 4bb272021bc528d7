import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'

// "Name contains" through the GIN-indexed characters and pairs of names (migration name_search), confirmed by LIKE.
let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser
const GRID = '330683105212001'

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, GRID)
  cadre = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: '330683105212' })
  const h = await t.app.inject({ method: 'POST', url: '/api/households', headers: cadre.auth, payload: { regionCode: GRID, address: '雅璜村上宅1号' } })
  for (const name of ['王建国', '李建华', '张明', '王国建', '100%纯']) {
    const r = await t.app.inject({ method: 'POST', url: '/api/persons', headers: cadre.auth, payload: { householdId: h.json().id, name } })
    expect(r.statusCode, r.body).toBe(201)
  }
})
afterAll(() => t.close())

const names = async (q: string) =>
  ((await t.app.inject({ method: 'GET', url: `/api/persons?q=${encodeURIComponent(q)}`, headers: cadre.auth })).json().items as { name: string }[]).map((p) => p.name).sort()

describe('name contains', () => {
  it('finds a pair in order, a single character anywhere, and nothing for pairs out of order', async () => {
    expect(await names('建国')).toEqual(['王建国'])
    expect(await names('国建')).toEqual(['王国建'])
    expect(await names('建')).toEqual(['李建华', '王国建', '王建国'].sort())
    expect(await names('王建国')).toEqual(['王建国'])
    expect(await names('明')).toEqual(['张明'])
    expect(await names('建明')).toEqual([])
  })

  it('stays inside the caller’s area when a whole county is searched (the path form of the area filter)', async () => {
    const otherGrid = '330624101201001' // 新昌县: another county of the same city
    await makeRegion(t.db, otherGrid)
    const outsider = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: '330624101201' })
    const h = await t.app.inject({ method: 'POST', url: '/api/households', headers: outsider.auth, payload: { regionCode: otherGrid, address: '外县1号' } })
    expect((await t.app.inject({ method: 'POST', url: '/api/persons', headers: outsider.auth, payload: { householdId: h.json().id, name: '赵建国' } })).statusCode).toBe(201)
    const county = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683' })
    const city = await makeUser(t.db, { roles: ['admin'], regionCode: '330600' })
    const search = async (who: MadeUser) =>
      ((await t.app.inject({ method: 'GET', url: `/api/persons?q=${encodeURIComponent('建国')}`, headers: who.auth })).json().items as { name: string }[]).map((p) => p.name)
    expect(await search(county)).toEqual(['王建国'])
    expect((await search(city)).sort()).toEqual(['王建国', '赵建国'].sort())
    const inTown = await t.app.inject({ method: 'GET', url: `/api/persons?q=${encodeURIComponent('建国')}&regionCode=330624`, headers: county.auth })
    expect(inTown.statusCode).toBe(404)
  })

  it('treats LIKE’s wildcards as text', async () => {
    expect(await names('%')).toEqual(['100%纯'])
    expect(await names('_')).toEqual([])
  })

  it('keeps the generated grams right when a name changes', async () => {
    const p = (await t.app.inject({ method: 'GET', url: `/api/persons?q=${encodeURIComponent('张明')}`, headers: cadre.auth })).json().items[0]
    const res = await t.app.inject({ method: 'PATCH', url: `/api/persons/${p.id}`, headers: cadre.auth, payload: { name: '张晓明' } })
    expect(res.statusCode, res.body).toBe(200)
    expect(await names('晓明')).toEqual(['张晓明'])
    const row = await t.db.selectFrom('persons').select('name_grams').where('id', '=', p.id).executeTakeFirstOrThrow()
    expect([...row.name_grams].sort()).toEqual(['张', '张晓', '明', '晓', '晓明'].sort())
  })
})
