import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'

// Issue 12, defect 9: every village has a 第一网格, so a case carries its region's path from the county down and
// screens show it from the viewer's own level.
let t: Awaited<ReturnType<typeof createTestApp>>
let town: MadeUser
const GRID = '330683105212001'
const NAMES = { '330600': '绍兴市', '330683': '嵊州市', '330683105': '石璜镇', '330683105212': '雅璜村', [GRID]: '第一网格' }

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, GRID, NAMES)
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
})
afterAll(() => t.close())

describe('a case’s region path', () => {
  it('runs from the county down to the case’s region, in the answer to create, the case and the list', async () => {
    const made = await t.app.inject({ method: 'POST', url: '/api/cases', headers: town.auth, payload: { regionCode: GRID, title: '路灯不亮', description: '村口路灯不亮' } })
    expect(made.statusCode, made.body).toBe(201)
    const expected = [
      { code: '330683', name: '嵊州市' },
      { code: '330683105', name: '石璜镇' },
      { code: '330683105212', name: '雅璜村' },
      { code: GRID, name: '第一网格' },
    ]
    expect(made.json().regionPath).toEqual(expected)
    const one = await t.app.inject({ method: 'GET', url: `/api/cases/${made.json().id}`, headers: town.auth })
    expect(one.json()).toMatchObject({ regionName: '第一网格', regionPath: expected })
    const list = await t.app.inject({ method: 'GET', url: '/api/cases?limit=10', headers: town.auth })
    expect(list.json().items.find((c: { id: string }) => c.id === made.json().id).regionPath).toEqual(expected)
  })
})
