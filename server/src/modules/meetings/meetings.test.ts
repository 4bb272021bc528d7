import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeUnit, makeUser, type MadeUser } from '../../../test/factories.ts'

// 民情分析会 / 月商会 / 议事会 (issue 16): a meeting's decisions become a case (intake + dispatch to the owner unit)
// or a task; the next meeting of the same kind and region shows the previous one's open decisions with their progress.
const TOWN = '330683105'
const V = '330683105212'
const OTHER_TOWN = '330683106'

let t: Awaited<ReturnType<typeof createTestApp>>
let handler: MadeUser // town_handler of the town: writes
let leader: MadeUser
let villageCadre: MadeUser // reads the village's meetings, writes none
let gridWorker: MadeUser
let outsider: MadeUser // town_handler of another town
let farStaff: MadeUser // leader of another town (attendee out of area)
let volunteer: MadeUser
let unit: { id: string; name: string }
let unitHandler: MadeUser
let farUnit: { id: string; name: string }

const req = (who: MadeUser, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => t.app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) })
const meeting = (o: Record<string, unknown> = {}) => ({
  kind: 'analysis',
  regionCode: TOWN,
  heldOn: '2026-11-23',
  title: '第47周民情分析会',
  place: '镇政府三楼会议室',
  attendeeIds: [leader.id, handler.id],
  guests: ['县信访局 王科长'],
  reportRegionCode: TOWN,
  reportWeek: '2026-W47',
  minutes: '研判本周民情,重点讨论道路破损。',
  ...o,
})
const soon = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10)

beforeAll(async () => {
  t = await createTestApp()
  handler = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
  leader = await makeUser(t.db, { roles: ['leader'], regionCode: TOWN })
  villageCadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V })
  gridWorker = await makeUser(t.db, { roles: ['grid_worker'], regionCode: TOWN })
  outsider = await makeUser(t.db, { roles: ['town_handler'], regionCode: OTHER_TOWN })
  farStaff = await makeUser(t.db, { roles: ['leader'], regionCode: OTHER_TOWN })
  volunteer = await makeUser(t.db, { roles: ['volunteer'], regionCode: TOWN })
  unit = await makeUnit(t.db, TOWN, { name: '石璜镇城建办', kind: 'town_office' })
  unitHandler = await makeUser(t.db, { roles: ['dept_handler'], regionCode: TOWN, unitId: unit.id })
  farUnit = await makeUnit(t.db, OTHER_TOWN, { name: '他镇城建办', kind: 'town_office' })
})
afterAll(() => t.close())

describe('meetings', () => {
  it('a decision becomes a case dispatched to its owner unit, and shows with its progress at the next meeting', async () => {
    const m1 = await req(handler, 'POST', '/api/meetings', meeting())
    expect(m1.statusCode).toBe(201)
    const mid = m1.json().id as string
    expect(m1.json()).toMatchObject({ kind: 'analysis', regionCode: TOWN, heldOn: '2026-11-23', reportWeek: '2026-W47', guests: ['县信访局 王科长'], previous: null, canWrite: true })
    expect(
      m1
        .json()
        .attendees.map((a: { userId: string }) => a.userId)
        .sort(),
    ).toEqual([leader.id, handler.id].sort())

    const due = soon(10)
    const d = await req(handler, 'POST', `/api/meetings/${mid}/decisions`, { content: '修复石璜村口破损路面', ownerUnitId: unit.id, dueDate: due })
    expect(d.statusCode).toBe(201)
    const dec = d.json().decisions[0]
    expect(dec).toMatchObject({ seq: 1, kind: 'none', ownerUnitName: '石璜镇城建办', dueDate: due, open: true, caseId: null })

    const c = await req(handler, 'POST', `/api/meetings/${mid}/decisions/${dec.id}/case`, { title: '村口路面破损修复' })
    expect(c.statusCode).toBe(200)
    const made = c.json().decisions[0]
    expect(made).toMatchObject({ kind: 'case', caseState: 'dispatched', open: true })
    expect(made.caseNumber).toMatch(/^MQ-/)
    expect(made.caseDueAt).toBeTruthy()
    const row = await t.db.selectFrom('cases').select(['channel', 'unit_id', 'state', 'title', 'due_at']).where('id', '=', made.caseId).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ channel: 'walk_in', unit_id: unit.id, state: 'dispatched', title: '村口路面破损修复' })
    expect(row.due_at).toBeTruthy()
    // The case engine wrote its timeline (intake + dispatch), not this module.
    const events = await t.db.selectFrom('case_events').select('action').where('case_id', '=', made.caseId).orderBy('at').execute()
    expect(events.map((e) => e.action)).toContain('dispatch')

    // Converting twice is refused.
    const again = await req(handler, 'POST', `/api/meetings/${mid}/decisions/${dec.id}/case`, { title: '再来一次' })
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('DECISION_CONVERTED')
    const asTask = await req(handler, 'POST', `/api/meetings/${mid}/decisions/${dec.id}/task`, { title: '任务', startsAt: new Date().toISOString(), slots: 1 })
    expect(asTask.statusCode).toBe(409)

    // A meeting of another kind does not count as the next one; the next 民情分析会 of the town does.
    const other = await req(handler, 'POST', '/api/meetings', meeting({ kind: 'council', heldOn: '2026-11-26', title: '议事会' }))
    expect(other.json().previous).toBeNull()
    const m2 = await req(handler, 'POST', '/api/meetings', meeting({ heldOn: '2026-11-30', title: '第48周民情分析会', reportWeek: '2026-W48' }))
    expect(m2.statusCode).toBe(201)
    expect(m2.json().previous).toMatchObject({ id: mid, heldOn: '2026-11-23' })
    expect(m2.json().previous.openDecisions).toHaveLength(1)
    expect(m2.json().previous.openDecisions[0]).toMatchObject({ caseId: made.caseId, caseNumber: made.caseNumber, caseState: 'dispatched', content: '修复石璜村口破损路面' })

    // The owner unit accepts and answers: the progress shows live, and the decision is no longer open.
    expect((await req(unitHandler, 'POST', `/api/cases/${made.caseId}/actions/accept`, {})).statusCode).toBe(200)
    const seen = await req(leader, 'GET', `/api/meetings/${m2.json().id}`)
    expect(seen.json().previous.openDecisions[0].caseState).toBe('accepted')
    expect((await req(unitHandler, 'POST', `/api/cases/${made.caseId}/actions/reply`, { result: '路面已修复' })).statusCode).toBe(200)
    const after = await req(leader, 'GET', `/api/meetings/${m2.json().id}`)
    expect(after.json().previous.openDecisions).toHaveLength(0)
    const first = await req(leader, 'GET', `/api/meetings/${mid}`)
    expect(first.json().decisions[0]).toMatchObject({ caseState: 'replied', open: false })
    const list = await req(leader, 'GET', `/api/meetings?regionCode=${TOWN}&kind=analysis`)
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([m2.json().id, mid])
    expect(list.json().items[1]).toMatchObject({ decisions: 1, openDecisions: 0 })
  })

  it('a decision becomes a task through the tasks service, ending on its due date', async () => {
    const mid = (await req(leader, 'POST', '/api/meetings', meeting({ kind: 'monthly', heldOn: '2026-12-01', title: '12月民情月商会' }))).json().id
    const due = soon(7)
    const d = (await req(leader, 'POST', `/api/meetings/${mid}/decisions`, { content: '组织志愿者清理河道垃圾', ownerName: '镇团委', dueDate: due })).json().decisions[0]
    // A case needs an owner unit.
    const noUnit = await req(leader, 'POST', `/api/meetings/${mid}/decisions/${d.id}/case`, { title: '清理河道' })
    expect(noUnit.statusCode).toBe(400)
    // The task must start before the due date ends.
    const late = await req(leader, 'POST', `/api/meetings/${mid}/decisions/${d.id}/task`, { title: '清理河道', startsAt: `${soon(30)}T08:00:00+08:00`, slots: 5 })
    expect(late.statusCode).toBe(400)
    const r = await req(leader, 'POST', `/api/meetings/${mid}/decisions/${d.id}/task`, { title: '清理河道', startsAt: `${soon(1)}T08:00:00+08:00`, slots: 5 })
    expect(r.statusCode).toBe(200)
    const dec = r.json().decisions[0]
    expect(dec).toMatchObject({ kind: 'task', taskTitle: '清理河道', taskState: 'open', open: true, ownerName: '镇团委' })
    const task = await t.db.selectFrom('tasks').select(['slots', 'ends_at', 'description']).where('id', '=', dec.taskId).executeTakeFirstOrThrow()
    expect(task.slots).toBe(5)
    expect(task.description).toBe('组织志愿者清理河道垃圾')
    expect(task.ends_at.toISOString()).toBe(new Date(`${due}T23:59:00+08:00`).toISOString())
  })

  it('refuses bad input with stable codes', async () => {
    const bad = async (who: MadeUser, url: string, body: object, status: number, code: string) => {
      const r = await req(who, 'POST', url, body)
      expect(r.statusCode, JSON.stringify(r.json())).toBe(status)
      expect(r.json().error.code).toBe(code)
    }
    await bad(handler, '/api/meetings', meeting({ regionCode: '330683105299' }), 400, 'UNKNOWN_REGION')
    await bad(handler, '/api/meetings', meeting({ kind: 'party' }), 400, 'VALIDATION_FAILED')
    await bad(handler, '/api/meetings', meeting({ reportWeek: '2026-W60' }), 400, 'VALIDATION_FAILED')
    await bad(handler, '/api/meetings', meeting({ reportRegionCode: null }), 400, 'VALIDATION_FAILED')
    await bad(handler, '/api/meetings', meeting({ heldOn: '2026-13-40' }), 400, 'VALIDATION_FAILED')
    await bad(handler, '/api/meetings', meeting({ attendeeIds: [farStaff.id] }), 400, 'UNKNOWN_USER')
    await bad(handler, '/api/meetings', meeting({ attendeeIds: [volunteer.id] }), 400, 'UNKNOWN_USER')
    await bad(handler, '/api/meetings', meeting({ reportRegionCode: OTHER_TOWN }), 400, 'UNKNOWN_REGION')
    const mid = (await req(handler, 'POST', '/api/meetings', meeting({ kind: 'council', heldOn: '2026-12-02' }))).json().id
    await bad(handler, `/api/meetings/${mid}/decisions`, { content: '无人负责', dueDate: soon(3) }, 400, 'VALIDATION_FAILED')
    await bad(handler, `/api/meetings/${mid}/decisions`, { content: '   ', ownerName: 'x', dueDate: soon(3) }, 400, 'VALIDATION_FAILED')
    await bad(handler, `/api/meetings/${mid}/decisions`, { content: '他镇单位', ownerUnitId: farUnit.id, dueDate: soon(3) }, 400, 'UNKNOWN_UNIT')
    await bad(handler, `/api/meetings/${mid}/decisions`, { content: '日期错', ownerUnitId: unit.id, dueDate: 'tomorrow' }, 400, 'VALIDATION_FAILED')
    const missing = await req(handler, 'POST', `/api/meetings/${mid}/decisions/00000000-0000-4000-8000-000000000000/case`, { title: 'x' })
    expect(missing.statusCode).toBe(404)
    const patched = await req(handler, 'PATCH', `/api/meetings/${mid}`, { minutes: '补充纪要', guests: ['村民代表 李大伯'] })
    expect(patched.statusCode).toBe(200)
    expect(patched.json()).toMatchObject({ minutes: '补充纪要', guests: ['村民代表 李大伯'] })
  })

  it('access: staff of the area read; only town handlers, leaders and admins of it write; others see nothing', async () => {
    const townMeeting = (await req(handler, 'POST', '/api/meetings', meeting({ heldOn: '2026-12-03', title: '访问测试' }))).json().id
    const villageMeeting = await req(handler, 'POST', '/api/meetings', meeting({ kind: 'council', regionCode: V, heldOn: '2026-12-03', title: '雅璜村议事会', attendeeIds: [villageCadre.id] }))
    expect(villageMeeting.statusCode).toBe(201)
    const vid = villageMeeting.json().id
    // Read: the town's grid worker reads the town's; the village cadre the village's, not the town's (404).
    expect((await req(gridWorker, 'GET', `/api/meetings/${townMeeting}`)).statusCode).toBe(200)
    expect((await req(villageCadre, 'GET', `/api/meetings/${vid}`)).json().canWrite).toBe(false)
    expect((await req(villageCadre, 'GET', `/api/meetings/${townMeeting}`)).statusCode).toBe(404)
    const vList = await req(villageCadre, 'GET', '/api/meetings')
    expect(vList.json().items.map((i: { id: string }) => i.id)).toEqual([vid])
    // Another town: 404 on read, nothing listed, 403 on creating in this town.
    expect((await req(outsider, 'GET', `/api/meetings/${townMeeting}`)).statusCode).toBe(404)
    expect((await req(outsider, 'GET', '/api/meetings')).json().items).toHaveLength(0)
    expect((await req(outsider, 'GET', `/api/meetings?regionCode=${TOWN}`)).json().items).toHaveLength(0)
    expect((await req(outsider, 'POST', '/api/meetings', meeting({ attendeeIds: [] }))).statusCode).toBe(403)
    expect((await req(outsider, 'POST', `/api/meetings/${townMeeting}/decisions`, { content: 'x', ownerName: 'y', dueDate: soon(2) })).statusCode).toBe(404)
    // Readers without meetings.write: 403 on every write.
    expect((await req(villageCadre, 'POST', '/api/meetings', meeting({ regionCode: V, attendeeIds: [] }))).statusCode).toBe(403)
    expect((await req(villageCadre, 'POST', `/api/meetings/${vid}/decisions`, { content: 'x', ownerName: 'y', dueDate: soon(2) })).statusCode).toBe(403)
    expect((await req(gridWorker, 'PATCH', `/api/meetings/${townMeeting}`, { minutes: 'pwned' })).statusCode).toBe(403)
    // Choices: the area's staff and units for writers only; another town's region reads as missing.
    const ch = await req(handler, 'GET', `/api/meetings/choices?regionCode=${TOWN}`)
    expect(ch.statusCode).toBe(200)
    expect(ch.json().staff.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([leader.id, gridWorker.id]))
    expect(ch.json().staff.map((u: { id: string }) => u.id)).not.toContain(volunteer.id)
    expect(ch.json().staff.map((u: { id: string }) => u.id)).not.toContain(farStaff.id)
    expect(ch.json().units.map((u: { id: string }) => u.id)).toContain(unit.id)
    expect(ch.json().units.map((u: { id: string }) => u.id)).not.toContain(farUnit.id)
    expect((await req(villageCadre, 'GET', `/api/meetings/choices?regionCode=${V}`)).statusCode).toBe(403)
    expect((await req(outsider, 'GET', `/api/meetings/choices?regionCode=${TOWN}`)).statusCode).toBe(404)
    // Volunteers read no meetings at all.
    expect((await req(volunteer, 'GET', '/api/meetings')).statusCode).toBe(403)
    expect((await req(volunteer, 'GET', `/api/meetings/${townMeeting}`)).statusCode).toBe(403)
    const unchanged = await req(handler, 'GET', `/api/meetings/${townMeeting}`)
    expect(unchanged.json().minutes).toBe('研判本周民情,重点讨论道路破损。')
    expect(unchanged.json().decisions).toHaveLength(0)
  })
})
