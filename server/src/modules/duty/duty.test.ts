import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser } from '../../../test/factories.ts'
import { cnDate } from '../../platform/workdays.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: Awaited<ReturnType<typeof makeUser>>
let leader: Awaited<ReturnType<typeof makeUser>>
let leader2: Awaited<ReturnType<typeof makeUser>>
let townLeader: Awaited<ReturnType<typeof makeUser>>
let handler: Awaited<ReturnType<typeof makeUser>>
let village: number
const today = cnDate(new Date())

beforeAll(async () => {
  t = await createTestApp()
  village = await makeRegion(t.db, '330683105212')
  await makeRegion(t.db, '330682100200')
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683', name: '管理员甲' })
  leader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683', name: '领导甲' })
  leader2 = await makeUser(t.db, { roles: ['leader'], regionCode: '330683', name: '领导乙' })
  townLeader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683105', name: '镇领导' })
  handler = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105', name: '镇处理人' })
})
afterAll(() => t.close())

const put = (auth: Record<string, string>, day: string, payload: object) => t.app.inject({ method: 'PUT', url: `/api/duty/roster/${day}`, headers: auth, payload })

describe('duty roster', () => {
  it('falls back to the county leaders when nobody is rostered, then names the rostered officer for any region in the county', async () => {
    const duty = (await import('../../services.ts')).buildServices(t.ctx).duty
    expect((await duty.officersFor(village)).sort()).toEqual([leader.id, leader2.id].sort())
    const res = await put(admin.auth, today, { userIds: [leader2.id] })
    expect(res.statusCode).toBe(200)
    expect(res.json().days[0]).toMatchObject({ day: today, fallback: false, officers: [{ userId: leader2.id, name: '领导乙' }] })
    expect(await duty.officersFor(village)).toEqual([leader2.id])
    // Another day is still the leaders'.
    expect((await duty.officersFor(village, new Date(Date.now() + 3 * 86_400_000))).sort()).toEqual([leader.id, leader2.id].sort())
    // A region of another county has nobody.
    const other = await makeRegion(t.db, '330682100200')
    expect(await duty.officersFor(other)).toEqual([])
  })

  it('reads a week with candidates; a town handler reads but may not edit', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/duty/roster?from=${today}&days=7`, headers: handler.auth })
    expect(res.statusCode).toBe(200)
    expect(res.json().days).toHaveLength(7)
    expect(res.json().editable).toBe(false)
    expect(res.json().candidates.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['管理员甲', '领导甲', '领导乙']))
    expect(res.json().candidates.map((c: { name: string }) => c.name)).not.toContain('镇领导')
    expect((await t.app.inject({ method: 'GET', url: '/api/duty/roster', headers: leader.auth })).json().editable).toBe(true)
  })

  it('refuses town staff (403), non-candidates (400), bad days (400) and other counties (404)', async () => {
    expect((await put(handler.auth, today, { userIds: [] })).statusCode).toBe(403)
    expect((await put(townLeader.auth, today, { userIds: [] })).statusCode).toBe(403)
    const bad = await put(admin.auth, today, { userIds: [townLeader.id] })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('UNKNOWN_USER')
    expect((await put(admin.auth, '2026-13-01', { userIds: [] })).json().error.code).toBe('VALIDATION_FAILED')
    expect((await put(admin.auth, 'tomorrow', { userIds: [] })).statusCode).toBe(400)
    expect((await t.app.inject({ method: 'GET', url: '/api/duty/roster?regionCode=330682', headers: admin.auth })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: '/api/duty/roster?days=99', headers: admin.auth })).statusCode).toBe(400)
    const vol = await makeUser(t.db, { roles: ['volunteer'], regionCode: '330683105212' })
    expect((await t.app.inject({ method: 'GET', url: '/api/duty/roster', headers: vol.auth })).statusCode).toBe(403)
  })

  it('an empty list clears the day (back to the leaders)', async () => {
    const day = cnDate(new Date(Date.now() + 5 * 86_400_000))
    await put(leader.auth, day, { userIds: [admin.id] })
    const res = await put(leader.auth, day, { userIds: [] })
    expect(res.json().days[0].fallback).toBe(true)
    expect(
      res
        .json()
        .days[0].officers.map((o: { name: string }) => o.name)
        .sort(),
    ).toEqual(['领导乙', '领导甲'].sort())
  })
})
