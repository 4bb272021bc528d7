import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { addDays, dutiesIn, isoWeekday, localDate } from './rota.ts'

// 志愿队伍 and 轮值接访 (issue 15): CRUD scoped to the caller's area, the member rule, the rota and its exceptions,
// "who is on duty on date D", and the reads of a volunteer (their own teams only).
const TOWN = '330683105'
const V = '330683105212'
const G = V + '001'
const OV = '330683105213'
const OTHER_TOWN = '330683106'

let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser // 雅璜村's cadre
let townHandler: MadeUser
let outsider: MadeUser // another village's cadre
let gridWorker: MadeUser // no tasks.publish
let lawyer: MadeUser // volunteer residing in the home grid
let student: MadeUser // volunteer residing in the home village
let far: MadeUser // volunteer residing in another town

async function volunteer(residence: string) {
  const u = await makeUser(t.db, { roles: ['volunteer'], regionCode: residence })
  const rid = await makeRegion(t.db, residence)
  await t.db.updateTable('users').set({ residence_region_id: rid }).where('id', '=', u.id).execute()
  return u
}

beforeAll(async () => {
  t = await createTestApp()
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V })
  townHandler = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
  outsider = await makeUser(t.db, { roles: ['village_cadre'], regionCode: OV })
  gridWorker = await makeUser(t.db, { roles: ['grid_worker'], regionCode: G })
  lawyer = await volunteer(G)
  student = await volunteer(V)
  far = await volunteer(OTHER_TOWN + '220')
})
afterAll(() => t.close())

const req = (who: MadeUser, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) => t.app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) })
async function makeTeam(o: Record<string, unknown> = {}, who = cadre) {
  const res = await req(who, 'POST', '/api/teams', { name: '雅璜村法律服务队', kind: 'lawyer', regionCode: V, memberIds: [lawyer.id, student.id], leaderId: lawyer.id, ...o })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; members: { userId: string }[]; leaderName: string }
}

describe('teams', () => {
  it('creates a team of the area with members and a leader; staff of the area list it, a member reads it', async () => {
    const team = await makeTeam()
    expect(team.members.map((m) => m.userId).sort()).toEqual([lawyer.id, student.id].sort())
    const town = (await req(townHandler, 'GET', '/api/teams')).json() as { items: { id: string }[] }
    expect(town.items.map((x) => x.id)).toContain(team.id)
    expect((await req(lawyer, 'GET', `/api/teams/${team.id}`)).statusCode).toBe(200)
    const mine = (await req(lawyer, 'GET', '/api/teams')).json() as { items: { id: string }[] }
    expect(mine.items.map((x) => x.id)).toContain(team.id)
  })

  it('refuses a member who is not a volunteer residing in the team’s region (400 MEMBER_NOT_ELIGIBLE), and a leader who is no member', async () => {
    for (const bad of [far.id, gridWorker.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await req(cadre, 'POST', '/api/teams', { name: '队', kind: 'repair', regionCode: V, memberIds: [lawyer.id, bad] })
      expect(res.statusCode).toBe(400)
      expect(res.json().error.code).toBe('MEMBER_NOT_ELIGIBLE')
    }
    // A grid's team: a volunteer of the village (outside the grid) is not eligible.
    const grid = await req(cadre, 'POST', '/api/teams', { name: '网格队', kind: 'student', regionCode: G, memberIds: [student.id] })
    expect(grid.json().error.code).toBe('MEMBER_NOT_ELIGIBLE')
    const leader = await req(cadre, 'POST', '/api/teams', { name: '队', kind: 'repair', regionCode: V, memberIds: [lawyer.id], leaderId: student.id })
    expect([leader.statusCode, leader.json().error.code]).toEqual([400, 'VALIDATION_FAILED'])
  })

  it('bad input is 400, never 500', async () => {
    for (const body of [
      { name: '', kind: 'lawyer', regionCode: V },
      { name: '队', kind: 'wizard', regionCode: V },
      { name: '队', kind: 'lawyer', regionCode: 'x' },
      { name: '队', kind: 'lawyer', regionCode: V, memberIds: ['not-a-uuid'] },
      { name: '队', kind: 'lawyer', regionCode: V, extra: 1 },
    ]) {
      const res = await req(cadre, 'POST', '/api/teams', body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
    }
    const unknown = await req(cadre, 'POST', '/api/teams', { name: '队', kind: 'lawyer', regionCode: '330683105299' })
    expect(unknown.json().error.code).toBe('UNKNOWN_REGION')
  })

  it('is scoped: outside the area 403 to create, 404 to read or change; no permission 403; a volunteer cannot change', async () => {
    const team = await makeTeam()
    expect((await req(outsider, 'POST', '/api/teams', { name: '队', kind: 'lawyer', regionCode: V })).statusCode).toBe(403)
    expect((await req(gridWorker, 'POST', '/api/teams', { name: '队', kind: 'lawyer', regionCode: G })).statusCode).toBe(403)
    expect((await req(outsider, 'GET', `/api/teams/${team.id}`)).statusCode).toBe(404)
    expect((await req(outsider, 'PATCH', `/api/teams/${team.id}`, { name: 'x' })).statusCode).toBe(404)
    expect((await req(outsider, 'DELETE', `/api/teams/${team.id}`)).statusCode).toBe(404)
    expect((await req(far, 'GET', `/api/teams/${team.id}`)).statusCode).toBe(404)
    expect((await req(lawyer, 'PATCH', `/api/teams/${team.id}`, { name: 'x' })).statusCode).toBe(403)
    const list = (await req(outsider, 'GET', '/api/teams')).json() as { items: { id: string }[] }
    expect(list.items.map((x) => x.id)).not.toContain(team.id)
    expect((await req(outsider, 'GET', `/api/teams/candidates?regionCode=${V}`)).json().items).toEqual([])
  })

  it('changes members and leader, and disbands', async () => {
    const team = await makeTeam()
    const res = await req(townHandler, 'PATCH', `/api/teams/${team.id}`, { memberIds: [student.id], leaderId: student.id, name: '雅璜村学生队', kind: 'student' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ name: '雅璜村学生队', kind: 'student', leaderId: student.id, memberCount: 1 })
    expect((await req(cadre, 'PATCH', `/api/teams/${team.id}`, { memberIds: [student.id, far.id] })).json().error.code).toBe('MEMBER_NOT_ELIGIBLE')
    const cands = (await req(cadre, 'GET', `/api/teams/candidates?regionCode=${V}`)).json() as { items: { userId: string }[] }
    expect(cands.items.map((c) => c.userId)).toEqual(expect.arrayContaining([lawyer.id, student.id]))
    expect(cands.items.map((c) => c.userId)).not.toContain(far.id)
    expect((await req(cadre, 'DELETE', `/api/teams/${team.id}`)).statusCode).toBe(200)
    expect((await req(cadre, 'GET', `/api/teams/${team.id}`)).statusCode).toBe(404)
  })
})

describe('rota', () => {
  it('answers who is on duty on a date from the weekly slots and the dated exceptions', async () => {
    const team = await makeTeam({ name: '民情角律师队' })
    const put = await req(cadre, 'PUT', `/api/teams/${team.id}/rota`, {
      slots: [
        { weekday: 3, start: '14:00', end: '17:00', place: '民情角', userId: lawyer.id },
        { weekday: 6, start: '09:00', end: '11:00', place: '文化礼堂', userId: student.id },
      ],
    })
    expect(put.statusCode, put.body).toBe(200)
    const wed = put.json().slots.find((s: { weekday: number }) => s.weekday === 3)
    const today = localDate(new Date())
    let nextWed = today
    while (isoWeekday(nextWed) !== 3) nextWed = addDays(nextWed, 1)
    const day = (await req(cadre, 'GET', `/api/teams/duty?date=${nextWed}&teamId=${team.id}`)).json()
    expect(day.items).toEqual([expect.objectContaining({ date: nextWed, start: '14:00', end: '17:00', place: '民情角', userId: lawyer.id, teamName: '民情角律师队' })])
    // The week after: the lawyer swaps with the student; the week after that, cancelled; plus an extra Monday duty.
    const swap = addDays(nextWed, 7)
    const off = addDays(nextWed, 14)
    const extra = addDays(nextWed, 12)
    expect((await req(cadre, 'POST', `/api/teams/${team.id}/rota/exceptions`, { date: swap, slotId: wed.id, userId: student.id })).statusCode).toBe(201)
    expect((await req(cadre, 'POST', `/api/teams/${team.id}/rota/exceptions`, { date: off, slotId: wed.id, cancelled: true })).statusCode).toBe(201)
    expect((await req(cadre, 'POST', `/api/teams/${team.id}/rota/exceptions`, { date: extra, start: '19:00', end: '20:30', place: '村委会', userId: lawyer.id })).statusCode).toBe(201)
    const range = (await req(cadre, 'GET', `/api/teams/duty?from=${swap}&to=${off}&teamId=${team.id}`)).json() as { items: { date: string; userId: string; start: string }[] }
    const wedDuties = range.items.filter((d) => isoWeekday(d.date) === 3)
    expect(wedDuties).toEqual([expect.objectContaining({ date: swap, userId: student.id, start: '14:00' })])
    expect(range.items.find((d) => d.date === extra)).toMatchObject({ userId: lawyer.id, start: '19:00' })
    // A member reads the duties of their team; an outsider's query shows none of it.
    expect((await req(lawyer, 'GET', `/api/teams/duty?date=${nextWed}`)).json().items.some((d: { teamId: string }) => d.teamId === team.id)).toBe(true)
    expect((await req(outsider, 'GET', `/api/teams/duty?date=${nextWed}`)).json().items.some((d: { teamId: string }) => d.teamId === team.id)).toBe(false)
    expect((await req(outsider, 'GET', `/api/teams/duty?date=${nextWed}&teamId=${team.id}`)).statusCode).toBe(404)
    // Removing the cancellation brings the duty back.
    const rota = (await req(cadre, 'GET', `/api/teams/${team.id}/rota`)).json() as { exceptions: { id: string; date: string }[] }
    const cancel = rota.exceptions.find((e) => e.date === off)!
    expect((await req(cadre, 'DELETE', `/api/teams/${team.id}/rota/exceptions/${cancel.id}`)).statusCode).toBe(200)
    expect((await req(cadre, 'GET', `/api/teams/duty?date=${off}&teamId=${team.id}`)).json().items).toHaveLength(1)
  })

  it('refuses bad rotas: end before start, someone not of the team on duty, a slot on the wrong weekday, too long a range', async () => {
    const team = await makeTeam()
    const bad = async (method: 'PUT' | 'POST', url: string, body: object, code: string) => {
      const res = await req(cadre, method, url, body)
      expect([res.statusCode, res.json().error?.code], JSON.stringify(body)).toEqual([400, code])
    }
    await bad('PUT', `/api/teams/${team.id}/rota`, { slots: [{ weekday: 3, start: '17:00', end: '14:00' }] }, 'VALIDATION_FAILED')
    await bad('PUT', `/api/teams/${team.id}/rota`, { slots: [{ weekday: 8, start: '14:00', end: '17:00' }] }, 'VALIDATION_FAILED')
    await bad('PUT', `/api/teams/${team.id}/rota`, { slots: [{ weekday: 3, start: '25:00', end: '26:00' }] }, 'VALIDATION_FAILED')
    await bad('PUT', `/api/teams/${team.id}/rota`, { slots: [{ weekday: 3, start: '14:00', end: '17:00', userId: far.id }] }, 'MEMBER_NOT_ELIGIBLE')
    const rota = (await req(cadre, 'PUT', `/api/teams/${team.id}/rota`, { slots: [{ weekday: 3, start: '14:00', end: '17:00' }] })).json()
    let monday = localDate(new Date())
    while (isoWeekday(monday) !== 1) monday = addDays(monday, 1)
    await bad('POST', `/api/teams/${team.id}/rota/exceptions`, { date: monday, slotId: rota.slots[0].id, cancelled: true }, 'VALIDATION_FAILED')
    await bad('POST', `/api/teams/${team.id}/rota/exceptions`, { date: monday }, 'VALIDATION_FAILED')
    await bad('POST', `/api/teams/${team.id}/rota/exceptions`, { date: '2026-02-30', start: '09:00', end: '10:00' }, 'VALIDATION_FAILED')
    const long = await req(cadre, 'GET', `/api/teams/duty?from=2026-01-01&to=2026-03-01`)
    expect([long.statusCode, long.json().error.code]).toEqual([400, 'VALIDATION_FAILED'])
    expect((await req(lawyer, 'PUT', `/api/teams/${team.id}/rota`, { slots: [] })).statusCode).toBe(403)
    expect((await req(outsider, 'PUT', `/api/teams/${team.id}/rota`, { slots: [] })).statusCode).toBe(404)
  })

  it('dutiesIn: a changed slot keeps its own fields unless the exception names others', () => {
    const slot = { id: 's', team_id: 't', weekday: isoWeekday('2026-12-09'), start_time: '14:00', end_time: '17:00', place: '民情角', user_id: 'a', user_name: '张三', note: '' }
    const ex = { id: 'e', team_id: 't', date: '2026-12-09', slot_id: 's', cancelled: false, start_time: null, end_time: '16:00', place: null, user_id: null, user_name: null, note: '提前结束' }
    expect(dutiesIn('2026-12-09', '2026-12-09', [slot], [ex])).toEqual([
      { date: '2026-12-09', teamId: 't', start: '14:00', end: '16:00', place: '民情角', userId: 'a', userName: '张三', note: '提前结束', slotId: 's', exceptionId: 'e' },
    ])
  })
})
