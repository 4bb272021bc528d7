import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CASE_FORMULAS, isoWeekOf, shiftWeek, weekRange, type WeeklyReport } from '@minqing/common'
import { createTestApp } from '../../../test/app.ts'
import { actorFor, makeCase, makeDiaryEntry, makeHousehold, makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { buildServices } from '../../services.ts'
import { StatsFolder } from '../stats/folder.ts'
import { jobWeek, lastFinishedWeek, ReportsService } from './reports.service.ts'

// 石璜镇 (330683105) › 雅璜村 › its grid, and 王院乡 (330683106). Week 2026-W47 is 16–22 November, W46 the one before.
const COUNTY = '330683'
const TOWN = '330683105'
const VILLAGE = '330683105212'
const VILLAGE2 = '330683105213'
const GRID = '330683105212001'
const OTHER_TOWN = '330683106'
const OTHER_VILLAGE = '330683106220'
const WEEK = '2026-W47'
const W47 = (day: number, h = 10) => new Date(`2026-11-${day}T${String(h).padStart(2, '0')}:00:00+08:00`)
const W46 = (day: number) => new Date(`2026-11-${String(day).padStart(2, '0')}T10:00:00+08:00`)

let t: Awaited<ReturnType<typeof createTestApp>>
let county: MadeUser
let townHandler: MadeUser
let otherTown: MadeUser
let dept: MadeUser
let townLeader: MadeUser
let folder: StatsFolder

const get = (url: string, who: MadeUser) => t.app.inject({ method: 'GET', url, headers: who.auth })
const ok = async (url: string, who: MadeUser = townHandler) => {
  const res = await get(url, who)
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, GRID, { [TOWN]: '石璜镇', [VILLAGE]: '雅璜村', [GRID]: '雅璜一网格' })
  await makeRegion(t.db, VILLAGE2, { [VILLAGE2]: '楼家村' })
  await makeRegion(t.db, OTHER_VILLAGE, { [OTHER_TOWN]: '王院乡' })
  county = await makeUser(t.db, { roles: ['leader'], regionCode: COUNTY })
  townHandler = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
  townLeader = await makeUser(t.db, { roles: ['leader'], regionCode: TOWN, name: '钱镇长' })
  otherTown = await makeUser(t.db, { roles: ['town_handler'], regionCode: OTHER_TOWN })
  dept = await makeUser(t.db, { roles: ['dept_handler'], regionCode: TOWN })
  const cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: VILLAGE })

  // This week (W47) in 石璜镇: 3 垃圾清运 (one yellow card, one closed satisfied), 2 道路 (one red card, overdue), one
  // in 楼家村, one reopened after two unsatisfied ratings, one claimed by the town leader. Last week (W46): 1 垃圾清运, 2 咨询.
  await makeCase(t.db, { state: 'closed', regionCode: GRID, category: 'environment.garbage', rating: 'satisfied', now: W47(16) })
  await makeCase(t.db, { state: 'accepted', regionCode: GRID, category: 'environment.garbage', supervision: 'yellow', now: W47(17) })
  await makeCase(t.db, { state: 'dispatched', regionCode: VILLAGE, category: 'environment.garbage', now: W47(18) })
  await makeCase(t.db, { state: 'accepted', regionCode: GRID, category: 'traffic.road', supervision: 'red', overdue: true, now: W47(18) })
  await makeCase(t.db, { state: 'closed', regionCode: VILLAGE2, category: 'traffic.road', rating: 'unsatisfied', now: W47(19) })
  const twice = await makeCase(t.db, { state: 'reopened', regionCode: GRID, category: 'other.consult', title: '<b>排水</b>两次不满意', now: W47(20) })
  await sql`insert into case_events (case_id, action, actor_id, from_state, to_state, data, at)
    values (${twice.id}, 'rate', null, 'replied', 'reopened', '{"rating":"unsatisfied"}'::jsonb, ${W47(21)})`.execute(t.db)
  await makeCase(t.db, { state: 'accepted', regionCode: VILLAGE, category: 'other.consult', claimedBy: townLeader.id, now: W47(22, 9) })
  await makeCase(t.db, { state: 'closed', regionCode: GRID, category: 'environment.garbage', now: W46(10) })
  await makeCase(t.db, { state: 'closed', regionCode: VILLAGE2, category: 'other.consult', now: W46(12) })
  await makeCase(t.db, { state: 'new', regionCode: VILLAGE, category: 'other.consult', now: W46(15) })
  // Another town's case: in the county's report, not in 石璜镇's.
  await makeCase(t.db, { state: 'closed', regionCode: OTHER_VILLAGE, category: 'traffic.road', now: W47(17) })
  // Visits this week.
  const h = await makeHousehold(t.db, { regionCode: VILLAGE })
  await makeDiaryEntry(t.db, { author: cadre.id, regionCode: VILLAGE, household: h.id, occurredAt: W47(17) })
  await makeDiaryEntry(t.db, { author: cadre.id, regionCode: VILLAGE, occurredAt: W47(18) })

  folder = new StatsFolder(t.db, null)
  await folder.fold()
  // A loaded machine (several suites at once) takes longer than the default minute to build this data.
}, 180_000)
afterAll(async () => {
  await folder.close()
  await t.close()
})

describe('ISO weeks', () => {
  it('parses weeks, rejects what is no week, and turns over on Monday (the job at 07:00)', () => {
    expect(weekRange('2026-W47')).toEqual({ from: '2026-11-16', to: '2026-11-22' })
    expect(weekRange('2026-W53')).toEqual({ from: '2026-12-28', to: '2027-01-03' })
    for (const bad of ['2025-W53', '2026-W00', '2026-W54', '2026-47', 'abc', '2026-W4']) expect(weekRange(bad), bad).toBeNull()
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53')
    expect(shiftWeek('2027-W01', -1)).toBe('2026-W53')
    expect(lastFinishedWeek(new Date('2026-11-23T00:30:00+08:00'))).toBe('2026-W47')
    expect(jobWeek(new Date('2026-11-23T06:59:00+08:00'))).toBe('2026-W46')
    expect(jobWeek(new Date('2026-11-23T07:00:00+08:00'))).toBe('2026-W47')
  })
})

describe('GET /api/reports/weekly', () => {
  it('has every figure of the stats module for the same week, and last week beside it', async () => {
    const r: WeeklyReport = await ok(`/api/reports/weekly?regionCode=${TOWN}&week=${WEEK}`)
    const s = (q: string) => ok(`/api/stats/cases?regionCode=${TOWN}&${q}`)
    const [byCat, prevCat, byRegion, prevRegion, byUnit] = await Promise.all([
      s('from=2026-11-16&to=2026-11-22&groupBy=category'),
      s('from=2026-11-09&to=2026-11-15&groupBy=category'),
      s('from=2026-11-16&to=2026-11-22&groupBy=region'),
      s('from=2026-11-09&to=2026-11-15&groupBy=region'),
      s('from=2026-11-16&to=2026-11-22&groupBy=unit'),
    ])
    const visits = await ok(`/api/stats/visits?regionCode=${TOWN}&from=2026-11-16&to=2026-11-22`)
    const cockpit = await ok(`/api/cockpit/summary?regionCode=${TOWN}`)

    // The known answer, and the same from the stats API.
    expect(r.total.received).toBe(7)
    expect(r.previousTotal.received).toBe(3)
    expect(r.change).toBe(4)
    expect(r.changeRate).toBeCloseTo(4 / 3, 4)
    expect(r.total).toEqual(byRegion.total)
    expect(r.previousTotal).toEqual(prevRegion.total)
    expect(r.total.yellowCards).toBe(1)
    expect(r.total.redCards).toBe(1)
    const garbage = r.byCategory.find((c) => c.name === byCat.rows.find((x: { key: string }) => x.key === 'environment')?.name)!
    expect(garbage).toMatchObject({ received: 3, previous: 1, change: 2, changeRate: 2 })
    for (const row of byCat.rows) {
      const mine = r.byCategory.find((c) => c.key === row.key)!
      const { previous, change, changeRate, ...figures } = mine
      expect(figures).toEqual(row)
      expect(previous).toBe(prevCat.rows.find((p: { key: string }) => p.key === row.key)?.received ?? 0)
      expect(change).toBe(row.received - previous)
      void changeRate
    }
    // A category only last week had shows with 0 this week.
    for (const p of prevCat.rows) expect(r.byCategory.find((c) => c.key === p.key)?.previous).toBe(p.received)
    for (const row of byRegion.rows) {
      const mine = r.byRegion.find((c) => c.key === row.key)!
      expect(mine.received).toBe(row.received)
      expect(mine.previous).toBe(prevRegion.rows.find((p: { key: string }) => p.key === row.key)?.received ?? 0)
      expect(mine.satisfactionRate).toBe(row.satisfactionRate)
    }
    expect(r.visits.total).toEqual(visits.total)
    expect(r.visits.rows).toEqual(visits.rows)
    expect(r.visits.total.visits).toBe(1)
    // The unit ranking is the evaluation module's for the month (itself from the stats module's per-unit figures).
    const scores = await ok(`/api/evaluation/units?period=2026-11&regionCode=${TOWN}`, county)
    expect(r.units).toMatchObject({ source: 'evaluation', period: '2026-11' })
    expect(r.units.rows.map((u) => [u.key, u.received, u.score, u.rank])).toEqual(scores.rows.map((u: WeeklyReport['units']['rows'][number]) => [u.key, u.received, u.score, u.rank]))
    expect(byUnit.rows.filter((u: { key: string }) => u.key !== 'none').length).toBeGreaterThan(0)
    expect(r.now).toEqual({ inProgress: cockpit.inProgress, dueSoon: cockpit.dueSoon, overdue: cockpit.overdue })
    // The listed overdue cases are the now-figure's cases.
    expect(r.overdue.total).toBe(cockpit.overdue)
    expect(r.overdue.total).toBeGreaterThanOrEqual(1)
    expect(r.supervised.items.map((c) => c.supervision).sort()).toEqual(['red', 'yellow'])
    expect(r.openItems.map((i) => i.kind).sort()).toEqual(expect.arrayContaining(['leader_claimed', 'unsatisfied_twice']))
    expect(r.openItems.find((i) => i.kind === 'leader_claimed')?.detail).toContain('钱镇长')
    expect(r.hotwords.available).toBe(true)
    expect(r.alerts.available).toBe(true)
    expect(r.fixed).toBe(true)
  })

  it('the county report covers both towns', async () => {
    const r: WeeklyReport = await ok(`/api/reports/weekly?regionCode=${COUNTY}&week=${WEEK}`, county)
    expect(r.total.received).toBe(8)
    expect(r.byRegion.find((x) => x.key === OTHER_TOWN)?.received).toBe(1)
    expect(r.byRegion.find((x) => x.key === TOWN)?.received).toBe(7)
  })

  it('keeps a finished week as it was first made (later cases change the statistics, not the report)', async () => {
    const before: WeeklyReport = await ok(`/api/reports/weekly?regionCode=${TOWN}&week=2026-W45`)
    await makeCase(t.db, { state: 'new', regionCode: GRID, category: 'other.consult', now: new Date('2026-11-04T10:00:00+08:00') })
    await folder.fold()
    const stats = await ok(`/api/stats/cases?regionCode=${TOWN}&from=2026-11-02&to=2026-11-08`)
    expect(stats.total.received).toBe(before.total.received + 1)
    const after: WeeklyReport = await ok(`/api/reports/weekly?regionCode=${TOWN}&week=2026-W45`)
    expect(after).toEqual(before)
  })

  it('answers the current week live, unstored', async () => {
    const week = isoWeekOf(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10))
    const r: WeeklyReport = await ok(`/api/reports/weekly?regionCode=${TOWN}&week=${week}`)
    expect(r.fixed).toBe(false)
    const rows = await t.db.selectFrom('weekly_reports').select('week').where('week', '=', week).execute()
    expect(rows).toHaveLength(0)
  })

  it('rejects a week that is no ISO week or has not begun with 400 INVALID_WEEK', async () => {
    for (const week of ['2026-W60', '2026-W00', 'W47', '2026-47', '2025-W53', '2099-W01']) {
      const res = await get(`/api/reports/weekly?regionCode=${TOWN}&week=${week}`, townHandler)
      expect(res.statusCode, week).toBe(400)
      expect(res.json().error.code, week).toBe('INVALID_WEEK')
    }
    const fmt = await get(`/api/reports/weekly?regionCode=${TOWN}&week=${WEEK}&format=pdf`, townHandler)
    expect(fmt.statusCode).toBe(400)
    expect(fmt.json().error.code).toBe('VALIDATION_FAILED')
  })

  it('is for a town or the county inside the caller’s area only', async () => {
    const other = await get(`/api/reports/weekly?regionCode=${OTHER_TOWN}&week=${WEEK}`, townHandler)
    expect(other.statusCode).toBe(404)
    expect(other.json().error.code).toBe('NOT_FOUND')
    const up = await get(`/api/reports/weekly?regionCode=${COUNTY}&week=${WEEK}`, otherTown)
    expect(up.statusCode).toBe(404)
    for (const f of ['xlsx', 'html']) expect((await get(`/api/reports/weekly?regionCode=${OTHER_TOWN}&week=${WEEK}&format=${f}`, townHandler)).statusCode).toBe(404)
    const village = await get(`/api/reports/weekly?regionCode=${VILLAGE}&week=${WEEK}`, townHandler)
    expect(village.statusCode).toBe(400)
    expect(village.json().error.code).toBe('INVALID_REGION_LEVEL')
    const noStats = await get(`/api/reports/weekly?regionCode=${TOWN}&week=${WEEK}`, dept)
    expect(noStats.statusCode).toBe(403)
    expect((await t.app.inject({ method: 'GET', url: `/api/reports/weekly?regionCode=${TOWN}&week=${WEEK}` })).statusCode).toBe(401)
  })

  it('downloads as XLSX with the same numbers', async () => {
    const r: WeeklyReport = await ok(`/api/reports/weekly?regionCode=${TOWN}&week=${WEEK}`)
    const res = await get(`/api/reports/weekly?regionCode=${TOWN}&week=${WEEK}&format=xlsx`, townHandler)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    const sum = wb.getWorksheet('概要')!
    const line = (label: string) => sum.getSheetValues().find((row) => Array.isArray(row) && row[1] === label) as unknown[]
    expect(line(CASE_FORMULAS.received.name).slice(2, 4)).toEqual([r.total.received, r.previousTotal.received])
    expect(line('当前已超期')[2]).toBe(r.now.overdue)
    const cats = wb.getWorksheet('分类')!
    for (const c of r.byCategory) {
      const row = (cats.getSheetValues() as unknown[][]).find((x) => Array.isArray(x) && x[1] === c.name)!
      expect([row[2], row[3], row[5]]).toEqual([c.previous, c.change, c.received])
    }
    expect(wb.getWorksheet('超期事项')!.rowCount).toBe(1 + r.overdue.items.length)
  })

  it('renders as one A4 HTML page with the same figures, user text escaped', async () => {
    const res = await get(`/api/reports/weekly?regionCode=${TOWN}&week=${WEEK}&format=html`, townHandler)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.body).toContain('@page { size: A4')
    expect(res.body).toContain('石璜镇 民情分析会报告')
    expect(res.body).toContain('&lt;b&gt;排水&lt;/b&gt;两次不满意')
    expect(res.body).not.toContain('<b>排水')
    expect(res.body).toContain('<h2>热词</h2>')
  })
})

describe('without the intelligence and evaluation modules', () => {
  it('says a section has not landed instead of inventing it, and ranks units by the stats module’s week', async () => {
    const services = buildServices(t.ctx)
    const bare = new ReportsService(t.db, services.stats, services.regions, services.notifier, null, {})
    const r = await bare.weekly(await actorFor(t.db, townHandler.id), { regionCode: TOWN, week: '2026-W46' })
    expect(r.hotwords).toEqual({ available: false, note: '热词分析尚未启用', items: [] })
    expect(r.risingWords.available).toBe(false)
    expect(r.clusters.available).toBe(false)
    expect(r.alerts.available).toBe(false)
    const byUnit = await ok(`/api/stats/cases?regionCode=${TOWN}&from=2026-11-09&to=2026-11-15&groupBy=unit`)
    expect(r.units.source).toBe('stats')
    expect(r.units.rows.map((u) => [u.key, u.received])).toEqual(byUnit.rows.filter((u: { key: string }) => u.key !== 'none').map((u: { key: string; received: number }) => [u.key, u.received]))
  })
})

describe('the Monday job', () => {
  it('stores last week’s report of every town and the county once, and notifies each town’s leaders once', async () => {
    const monday = new Date('2026-11-30T07:30:00+08:00') // reports 2026-W48
    expect(await t.ctx.scheduler.runOnce('reports.weekly', monday)).toBe('ran')
    const rows = await t.db
      .selectFrom('weekly_reports')
      .innerJoin('regions', 'regions.id', 'weekly_reports.region_id')
      .select(['regions.code', 'regions.level', 'weekly_reports.notified_at'])
      .where('week', '=', '2026-W48')
      .execute()
    const regions = await t.db.selectFrom('regions').select('code').where('level', 'in', ['town', 'county']).execute()
    expect(rows.map((r) => r.code).sort()).toEqual(regions.map((r) => r.code).sort())
    expect(rows.every((r) => r.notified_at)).toBe(true)
    const notices = () => t.db.selectFrom('notifications').selectAll().where('kind', '=', 'report.weekly').execute()
    const first = await notices()
    expect(first.filter((n) => n.user_id === townLeader.id)).toHaveLength(1)
    expect(first.find((n) => n.user_id === townLeader.id)?.body).toContain(`/console/reports/weekly?regionCode=${TOWN}&week=2026-W48`)
    expect(first.filter((n) => n.user_id === county.id)).toHaveLength(1)
    // Again in the same week: the run is done; and the service itself makes no second report or notice.
    expect(await t.ctx.scheduler.runOnce('reports.weekly', new Date('2026-12-02T09:00:00+08:00'))).toBe('already_done')
    const { reports } = buildServices(t.ctx)
    expect(await reports.weeklyJob(monday)).toMatchObject({ week: '2026-W48', regions: regions.length, notices: 0 })
    expect(await notices()).toHaveLength(first.length)
    const count = await t.db
      .selectFrom('weekly_reports')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('week', '=', '2026-W48')
      .executeTakeFirstOrThrow()
    expect(count.n).toBe(regions.length)
  })
})
