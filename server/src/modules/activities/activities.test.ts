import ExcelJS from 'exceljs'
import { type RawBuilder, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { addDays, isoWeekday, localDate } from '../volunteer-teams/rota.ts'

// 民情日 / 民情角 activities (issue 15): create and schedule, publish (notices to the audience, WeChat text, poster),
// the volunteer's reads, the session ledger with items that become a case or a task, the XLSX, and access.
const TOWN = '330683105'
const V = '330683105212'
const OV = '330683105213'
const OTHER_TOWN = '330683106'

let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser
let townHandler: MadeUser
let outsider: MadeUser
let gridWorker: MadeUser
let member: MadeUser // volunteer of 雅璜村, in the team
let plain: MadeUser // volunteer of 雅璜村, not in the team
let far: MadeUser // volunteer of another town
let teamId: string

async function volunteer(residence: string) {
  const u = await makeUser(t.db, { roles: ['volunteer'], regionCode: residence })
  const rid = await makeRegion(t.db, residence)
  await t.db.updateTable('users').set({ residence_region_id: rid }).where('id', '=', u.id).execute()
  return u
}
const req = (who: MadeUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => t.app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) })

beforeAll(async () => {
  t = await createTestApp()
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V })
  townHandler = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
  outsider = await makeUser(t.db, { roles: ['village_cadre'], regionCode: OV })
  gridWorker = await makeUser(t.db, { roles: ['grid_worker'], regionCode: V + '001' })
  member = await volunteer(V)
  plain = await volunteer(V)
  far = await volunteer(OTHER_TOWN + '220')
  const team = await req(cadre, 'POST', '/api/teams', { name: '民情角律师队', kind: 'lawyer', regionCode: V, memberIds: [member.id] })
  teamId = team.json().id
})
afterAll(() => t.close())

const today = () => localDate(new Date())
const lastWeekday = (wd: number) => {
  let d = today()
  while (isoWeekday(d) !== wd) d = addDays(d, -1)
  return d
}
const weekly = (o: Record<string, unknown> = {}) => ({
  title: '雅璜村民情角',
  kind: 'minqing_corner',
  regionCode: V,
  place: '村委会民情角',
  recurrence: 'weekly',
  date: addDays(today(), -30),
  weekdays: [3],
  start: '14:00',
  end: '17:00',
  teamId,
  audience: 'volunteers',
  ...o,
})
async function create(o: Record<string, unknown> = {}, who = cadre) {
  const res = await req(who, 'POST', '/api/activities', weekly(o))
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; nextDates: string[]; state: string }
}
const notices = async (kind: string, title: string) =>
  (await sql<{ user_id: string }>`select user_id from notifications where kind = ${kind} and title like ${'%' + title + '%'}`.execute(t.db)).rows.map((r) => r.user_id)

describe('activities', () => {
  it('schedules weekly and monthly and once, with the next dates', async () => {
    const a = await create()
    expect(a.state).toBe('draft')
    expect(a.nextDates).toHaveLength(5)
    expect(a.nextDates.every((d) => isoWeekday(d) === 3 && d >= today())).toBe(true)
    const m = await create({ recurrence: 'monthly', monthDay: 15, weekdays: undefined })
    expect(m.nextDates.every((d) => d.endsWith('-15'))).toBe(true)
    const once = await create({ recurrence: 'once', date: addDays(today(), 3), weekdays: undefined })
    expect(once.nextDates).toEqual([addDays(today(), 3)])
  })

  it('publishes once: the audience gets one notice each; answers the WeChat text and the poster with the area’s report page', async () => {
    const title = `民情日${Math.random().toString(36).slice(2, 8)}`
    const a = await create({ title, kind: 'minqing_day', audience: 'volunteers', teamId: null })
    const res = await req(cadre, 'POST', `/api/activities/${a.id}/publish`)
    expect(res.statusCode, res.body).toBe(200)
    const ann = res.json()
    expect(ann.activity.state).toBe('published')
    expect(ann.wechatText).toContain(`【民情日】${title}`)
    expect(ann.wechatText).toContain('每周三 14:00–17:00')
    expect(ann.poster.reportUrl).toMatch(new RegExp(`/r/${V}$`))
    expect(ann.poster.qrPngUrl).toBe(`/api/qr/regions/${V}.png`)
    const told = await notices('activity.published', title)
    expect(told.sort()).toEqual([member.id, plain.id].sort())
    expect(ann.notified).toBe(2)
    // A second publish tells nobody again.
    expect((await req(cadre, 'POST', `/api/activities/${a.id}/publish`)).json().notified).toBe(0)
    expect(await notices('activity.published', title)).toHaveLength(2)
    // The QR on the poster is served to the publisher.
    expect((await req(cadre, 'GET', ann.poster.qrPngUrl)).statusCode).toBe(200)
  })

  it('a team activity tells only the team, and only its members (and the area’s staff) see it', async () => {
    const title = `律师接访${Math.random().toString(36).slice(2, 8)}`
    const a = await create({ title, audience: 'team' })
    await req(cadre, 'POST', `/api/activities/${a.id}/publish`)
    expect(await notices('activity.published', title)).toEqual([member.id])
    expect((await req(member, 'GET', `/api/activities/${a.id}`)).statusCode).toBe(200)
    expect((await req(plain, 'GET', `/api/activities/${a.id}`)).statusCode).toBe(404)
    const up = (await req(member, 'GET', '/api/activities?upcoming=true')).json() as { items: { id: string }[] }
    expect(up.items.map((x) => x.id)).toContain(a.id)
    expect(((await req(plain, 'GET', '/api/activities?upcoming=true')).json() as { items: { id: string }[] }).items.map((x) => x.id)).not.toContain(a.id)
  })

  it('a volunteer sees the published activities of their area only, never drafts; others’ areas are 404', async () => {
    const draft = await create({ audience: 'volunteers', teamId: null })
    const pub = await create({ audience: 'residents', teamId: null })
    await req(cadre, 'POST', `/api/activities/${pub.id}/publish`)
    expect((await req(plain, 'GET', `/api/activities/${draft.id}`)).statusCode).toBe(404)
    expect((await req(plain, 'GET', `/api/activities/${pub.id}`)).statusCode).toBe(200)
    expect((await req(far, 'GET', `/api/activities/${pub.id}`)).statusCode).toBe(404)
    expect((await req(outsider, 'GET', `/api/activities/${draft.id}`)).statusCode).toBe(404)
    expect((await req(outsider, 'POST', `/api/activities/${pub.id}/publish`)).statusCode).toBe(404)
    expect((await req(plain, 'POST', `/api/activities/${pub.id}/publish`)).statusCode).toBe(403)
    expect((await req(plain, 'GET', `/api/activities/${pub.id}/sessions`)).statusCode).toBe(403)
    const farList = (await req(far, 'GET', '/api/activities')).json() as { items: { id: string }[] }
    expect(farList.items.map((x) => x.id)).not.toContain(pub.id)
  })

  it('refuses bad activities: 400 with a stable code, 403 out of area or without permission', async () => {
    const bad = async (o: Record<string, unknown>, code: string, status = 400, who = cadre) => {
      const res = await req(who, 'POST', '/api/activities', weekly(o))
      expect([res.statusCode, res.json().error?.code], JSON.stringify(o)).toEqual([status, code])
    }
    await bad({ end: '13:00' }, 'VALIDATION_FAILED')
    await bad({ weekdays: [] }, 'VALIDATION_FAILED')
    await bad({ weekdays: undefined }, 'VALIDATION_FAILED')
    await bad({ recurrence: 'monthly', weekdays: undefined }, 'VALIDATION_FAILED')
    await bad({ recurrence: 'monthly', monthDay: 31 }, 'VALIDATION_FAILED')
    await bad({ until: addDays(today(), -60) }, 'VALIDATION_FAILED')
    await bad({ date: '2026-13-01' }, 'VALIDATION_FAILED')
    await bad({ audience: 'team', teamId: null }, 'VALIDATION_FAILED')
    await bad({ kind: 'party' }, 'VALIDATION_FAILED')
    await bad({ teamId: '00000000-0000-4000-8000-000000000000' }, 'UNKNOWN_TEAM')
    await bad({ regionCode: '330683105299' }, 'UNKNOWN_REGION')
    await bad({ regionCode: OV, teamId: null }, 'FORBIDDEN', 403)
    await bad({ teamId: null, regionCode: V + '001' }, 'FORBIDDEN', 403, gridWorker)
    // Another village's cadre cannot host with this village's team.
    await bad({ regionCode: OV, teamId }, 'UNKNOWN_TEAM', 400, outsider)
  })
})

describe('ledger', () => {
  it('records a session: attendees, residents, items answered, a case (walk_in, linked) and a task (linked); then exports it', async () => {
    const a = await create({ title: '台账测试民情角' })
    const date = lastWeekday(3)
    // Before publishing: 409; a date not of the schedule: 400; a future date: 400.
    expect((await req(cadre, 'PUT', `/api/activities/${a.id}/sessions/${date}`, {})).statusCode).toBe(409)
    await req(cadre, 'POST', `/api/activities/${a.id}/publish`)
    const notWed = addDays(date, -1)
    expect((await req(cadre, 'PUT', `/api/activities/${a.id}/sessions/${notWed}`, {})).json().error.code).toBe('NOT_A_SESSION_DATE')
    let nextWed = addDays(today(), 1)
    while (isoWeekday(nextWed) !== 3) nextWed = addDays(nextWed, 1)
    expect((await req(cadre, 'PUT', `/api/activities/${a.id}/sessions/${nextWed}`, {})).json().error.code).toBe('FUTURE_DATE')
    expect((await req(cadre, 'PUT', `/api/activities/${a.id}/sessions/${date}`, { attendeeIds: [far.id] })).json().error.code).toBe('UNKNOWN_USER')
    // Items need a session first.
    expect((await req(cadre, 'POST', `/api/activities/${a.id}/sessions/${date}/items`, { content: 'x', outcome: 'noted' })).statusCode).toBe(404)

    const s = await req(cadre, 'PUT', `/api/activities/${a.id}/sessions/${date}`, { attendeeIds: [cadre.id, member.id, townHandler.id], residentsCount: 23, notes: '天晴' })
    expect(s.statusCode, s.body).toBe(200)
    expect(s.json()).toMatchObject({ date, residentsCount: 23, notes: '天晴' })
    expect(s.json().attendees).toHaveLength(3)

    const item = (body: object) => req(cadre, 'POST', `/api/activities/${a.id}/sessions/${date}/items`, body)
    expect((await item({ content: '低保政策咨询', outcome: 'answered', answer: '已现场解答申请条件', raisedBy: '王大爷' })).statusCode).toBe(201)
    const made = await item({ content: '村口路灯坏了三盏', outcome: 'case', raisedBy: '李阿姨', case: { title: '村口路灯不亮' } })
    expect(made.statusCode, made.body).toBe(201)
    const caseItem = made.json().items.find((i: { outcome: string }) => i.outcome === 'case')
    expect(caseItem.caseId).toBeTruthy()
    expect(caseItem.caseNumber).toMatch(/^MQ-/)
    const c = (await sql<{ channel: string; title: string; region_id: number }>`select channel, title, region_id from cases where id = ${caseItem.caseId}`.execute(t.db)).rows[0]!
    expect(c).toMatchObject({ channel: 'walk_in', title: '村口路灯不亮' })
    const starts = new Date(Date.now() + 48 * 3600_000)
    const task = await item({
      content: '帮独居老人修水管',
      outcome: 'task',
      task: { title: '修水管', slots: 1, startsAt: starts.toISOString(), endsAt: new Date(starts.getTime() + 2 * 3600_000).toISOString() },
    })
    expect(task.statusCode, task.body).toBe(201)
    const taskItem = task.json().items.find((i: { outcome: string }) => i.outcome === 'task')
    expect(taskItem).toMatchObject({ taskTitle: '修水管' })
    const list = (await req(cadre, 'GET', `/api/activities/${a.id}/sessions`)).json()
    expect(list.items[0]).toMatchObject({ date, residentsCount: 23, attendees: 3, items: 3, cases: 1, tasks: 1, answered: 1 })

    // Bad items: 400 with details, nothing written.
    for (const body of [
      { content: 'x', outcome: 'answered' },
      { content: 'x', outcome: 'case' },
      { content: 'x', outcome: 'task' },
      { content: 'x', outcome: 'noted', case: { title: 'y' } },
      { content: ' ', outcome: 'noted' },
      { content: 'x', outcome: 'ignored' },
    ]) {
      const res = await item(body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
    }
    expect((await req(cadre, 'GET', `/api/activities/${a.id}/sessions/${date}`)).json().items).toHaveLength(3)
    // Others: 404 for another area, 403 for a volunteer (even a member).
    expect((await req(outsider, 'POST', `/api/activities/${a.id}/sessions/${date}/items`, { content: 'x', outcome: 'noted' })).statusCode).toBe(404)
    expect((await req(member, 'POST', `/api/activities/${a.id}/sessions/${date}/items`, { content: 'x', outcome: 'noted' })).statusCode).toBe(403)
    expect((await req(outsider, 'GET', `/api/activities/${a.id}/sessions/${date}`)).statusCode).toBe(404)

    // The XLSX of the period: a row per item, with the case number.
    const x = await req(townHandler, 'GET', `/api/activities/ledger.xlsx?from=${addDays(date, -1)}&to=${date}`)
    expect(x.statusCode).toBe(200)
    expect(x.headers['content-type']).toContain('spreadsheetml')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer)
    const rows = wb.getWorksheet('服务台账')!.getSheetValues().filter(Boolean) as unknown[][]
    const texts = rows.map((r) => r.join('|'))
    expect(texts.filter((r) => r.includes('台账测试民情角'))).toHaveLength(3)
    expect(texts.some((r) => r.includes(caseItem.caseNumber) && r.includes('转为事项'))).toBe(true)
    // Outside the area: nothing of it; a bad period 400; a volunteer 403.
    const ox = await req(outsider, 'GET', `/api/activities/ledger.xlsx?from=${addDays(date, -1)}&to=${date}`)
    const owb = new ExcelJS.Workbook()
    await owb.xlsx.load(ox.rawPayload as unknown as ArrayBuffer)
    expect(JSON.stringify(owb.getWorksheet('服务台账')!.getSheetValues())).not.toContain('台账测试民情角')
    expect((await req(cadre, 'GET', `/api/activities/ledger.xlsx?from=${date}&to=${addDays(date, -1)}`)).statusCode).toBe(400)
    expect((await req(cadre, 'GET', `/api/activities/ledger.xlsx?from=2025-01-01&to=2026-12-31`)).statusCode).toBe(400)
    expect((await req(cadre, 'GET', `/api/activities/ledger.xlsx?from=2026-01-01&to=2026-01-31&regionCode=${OV}`)).statusCode).toBe(404)
    expect((await req(member, 'GET', `/api/activities/ledger.xlsx?from=2026-01-01&to=2026-01-31`)).statusCode).toBe(403)
  })
})

describe('ledger items that become a case or a task', () => {
  async function openSession(title: string) {
    const a = await create({ title })
    await req(cadre, 'POST', `/api/activities/${a.id}/publish`)
    const date = lastWeekday(3)
    expect((await req(cadre, 'PUT', `/api/activities/${a.id}/sessions/${date}`, { residentsCount: 3 })).statusCode).toBe(200)
    return { a, date, item: (body: object) => req(cadre, 'POST', `/api/activities/${a.id}/sessions/${date}/items`, body) }
  }
  const window = () => {
    const starts = new Date(Date.now() + 48 * 3600_000)
    return { startsAt: starts.toISOString(), endsAt: new Date(starts.getTime() + 2 * 3600_000).toISOString() }
  }
  const count = async (q: RawBuilder<{ n: number }>) => (await q.execute(t.db)).rows[0]!.n

  it('a task takes the audience chosen: the host team by default for team, or party members', async () => {
    const { item } = await openSession('台账任务对象')
    const title = `台账队伍任务${Math.random().toString(36).slice(2, 8)}`
    const res = await item({ content: '帮老人修门', outcome: 'task', task: { title, slots: 1, audience: 'team', ...window() } })
    expect(res.statusCode, res.body).toBe(201)
    const taskId = res.json().items.find((i: { taskTitle: string }) => i.taskTitle === title).taskId
    const task = (await req(cadre, 'GET', `/api/tasks/${taskId}`)).json()
    expect(task).toMatchObject({ audience: 'team', teamId })
    const told = (await sql<{ user_id: string }>`select user_id from notifications where task_id = ${taskId}`.execute(t.db)).rows.map((r) => r.user_id)
    expect(told).toEqual([member.id])
    const party = await item({ content: '党员帮扶', outcome: 'task', task: { title: '党员帮扶', slots: 2, audience: 'party', ...window() } })
    expect(party.statusCode, party.body).toBe(201)
    const partyId = party.json().items.find((i: { taskTitle: string }) => i.taskTitle === '党员帮扶').taskId
    expect((await req(cadre, 'GET', `/api/tasks/${partyId}`)).json()).toMatchObject({ audience: 'party', teamId: null })
    // A team with another audience, or a team of another village: 400, and no item.
    const before = (await sql<{ n: number }>`select count(*)::int as n from ledger_items`.execute(t.db)).rows[0]!.n
    expect((await item({ content: 'x', outcome: 'task', task: { title: 'x', slots: 1, audience: 'any', teamId, ...window() } })).statusCode).toBe(400)
    const other = (await req(outsider, 'POST', '/api/teams', { name: '别村队', kind: 'repair', regionCode: OV })).json().id
    const wrong = await item({ content: 'x', outcome: 'task', task: { title: 'x', slots: 1, audience: 'team', teamId: other, ...window() } })
    expect([wrong.statusCode, wrong.json().error.code]).toEqual([400, 'UNKNOWN_TEAM'])
    expect((await sql<{ n: number }>`select count(*)::int as n from ledger_items`.execute(t.db)).rows[0]!.n).toBe(before)
  })

  it('the case (or task) and the item marked with it commit together: a failure leaves neither', async () => {
    const { item } = await openSession('台账原子性')
    // The item's insert fails after the case (or the task) went in, in the same transaction.
    await sql`create function refuse_ledger_item() returns trigger language plpgsql as $$
      begin if new.content like '%REFUSE%' then raise exception 'ledger item refused'; end if; return new; end $$`.execute(t.db)
    await sql`create trigger refuse_ledger_item before insert on ledger_items for each row execute function refuse_ledger_item()`.execute(t.db)
    try {
      const caseTitle = `原子事项${Math.random().toString(36).slice(2, 8)}`
      const cases = () => count(sql<{ n: number }>`select count(*)::int as n from cases where title = ${caseTitle}`)
      const res = await item({ content: 'REFUSE 村口水沟堵了', outcome: 'case', case: { title: caseTitle } })
      expect(res.statusCode).toBe(500)
      expect(await cases()).toBe(0)
      const taskTitle = `原子任务${Math.random().toString(36).slice(2, 8)}`
      const tasks = () => count(sql<{ n: number }>`select count(*)::int as n from tasks where title = ${taskTitle}`)
      expect((await item({ content: 'REFUSE 修水沟', outcome: 'task', task: { title: taskTitle, slots: 1, ...window() } })).statusCode).toBe(500)
      expect(await tasks()).toBe(0)
      expect(await count(sql<{ n: number }>`select count(*)::int as n from notifications where title like ${'%' + caseTitle + '%'} or body like ${'%' + taskTitle + '%'}`)).toBe(0)
      // The other way round: a case the intake refuses (unknown category) leaves no item.
      const refused = await item({ content: '没有这个分类', outcome: 'case', case: { title: caseTitle, categoryCode: 'no-such-category' } })
      expect([refused.statusCode, refused.json().error.code]).toEqual([400, 'UNKNOWN_CATEGORY'])
      expect(await count(sql<{ n: number }>`select count(*)::int as n from ledger_items where content = '没有这个分类'`)).toBe(0)
      // Both succeed: the case and its item, linked.
      const ok = await item({ content: '村口水沟堵了', outcome: 'case', case: { title: caseTitle } })
      expect(ok.statusCode, ok.body).toBe(201)
      expect(await cases()).toBe(1)
      const linked = ok.json().items.find((i: { content: string }) => i.content === '村口水沟堵了')
      expect(linked.caseId).toBe((await sql<{ id: string }>`select id from cases where title = ${caseTitle}`.execute(t.db)).rows[0]!.id)
    } finally {
      await sql`drop trigger refuse_ledger_item on ledger_items`.execute(t.db)
      await sql`drop function refuse_ledger_item()`.execute(t.db)
    }
  })
})
