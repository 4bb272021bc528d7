import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { DEMO_PASSWORD, seedDemo } from '../../seed/demo.ts'

// The archive issue's done-when, on the demo itself: 13800000003 (雅璜村) lists the village's households,
// opens one with members and tags, and gets 404 for every 王院村 household or person it tries.
let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: { authorization: string }
let wangyuanCadre: { authorization: string }

const login = async (phone: string) => {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone, password: DEMO_PASSWORD } })
  return { authorization: `Bearer ${res.json().token}` }
}

beforeAll(async () => {
  t = await createTestApp()
  await seedDemo(t.db, { secret: t.ctx.config.secret })
  cadre = await login('13800000003')
  wangyuanCadre = await login('13800000004')
})
afterAll(() => t.close())

describe('the demo archive, seen by the 雅璜村 cadre', () => {
  it('lists about 400 households of 雅璜村 and opens one with members and tags', async () => {
    const list = (await t.app.inject({ method: 'GET', url: '/api/households?regionCode=330683105212&limit=500', headers: cadre })).json()
    expect(list.total).toBeGreaterThanOrEqual(350)
    expect(list.items.every((h: { regionCode: string }) => h.regionCode.startsWith('330683105212'))).toBe(true)
    const tagged = list.items.find((h: { tags: string[]; memberCount: number }) => h.memberCount > 1)
    const detail = (await t.app.inject({ method: 'GET', url: `/api/households/${tagged.id}`, headers: cadre })).json()
    expect(detail.members.length).toBe(tagged.memberCount)
    expect(detail.members.some((m: { relation: string }) => m.relation === '户主')).toBe(true)
    expect(detail.members.every((m: { idNumber: string | null }) => !m.idNumber || /^3\*{16}[0-9X]$/.test(m.idNumber))).toBe(true)
    const anyTags = list.items.some((h: { tags: string[] }) => h.tags.length > 0) || detail.members.some((m: { tags: string[] }) => m.tags.length > 0)
    expect(anyTags).toBe(true)
  })

  it('gets 404 for 王院村 households and persons, and never lists them', async () => {
    const theirs = (await t.app.inject({ method: 'GET', url: '/api/households?limit=20', headers: wangyuanCadre })).json()
    expect(theirs.items.length).toBeGreaterThan(0)
    for (const h of theirs.items.slice(0, 10)) {
      expect((await t.app.inject({ method: 'GET', url: `/api/households/${h.id}`, headers: cadre })).statusCode).toBe(404)
    }
    const people = (await t.app.inject({ method: 'GET', url: '/api/persons?limit=10', headers: wangyuanCadre })).json()
    for (const p of people.items) {
      expect((await t.app.inject({ method: 'GET', url: `/api/persons/${p.id}`, headers: cadre })).statusCode).toBe(404)
    }
    const mine = (await t.app.inject({ method: 'GET', url: '/api/persons?limit=500', headers: cadre })).json()
    expect(mine.items.every((p: { regionCode: string }) => p.regionCode.startsWith('330683105212'))).toBe(true)
  })
})
