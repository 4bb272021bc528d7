import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeCase, makeDiaryEntry, makeHousehold, makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { StatsFolder } from './folder.ts'

// Cases whose figures are worked out by hand below. 石璜镇 (330683105) › 雅璜村 (…212) › its grid (…212001);
// one more case in another town (330683106). Cohort days: D1 = 2026-03-10 (Tue), D2 = 2026-03-11 (Wed).
const COUNTY = '330683'
const TOWN = '330683105'
const VILLAGE = '330683105212'
const GRID = '330683105212001'
const OTHER_TOWN = '330683106'
const OTHER_VILLAGE = '330683106220'
const D1 = new Date('2026-03-10T10:00:00+08:00')
const D2 = new Date('2026-03-11T10:00:00+08:00')

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: MadeUser // county admin
let townHandler: MadeUser // 石璜镇: stats.read for the town
let otherTown: MadeUser // town handler of another town: 石璜镇 is out of their area
let dept: MadeUser // no stats.read
let folder: StatsFolder

const get = (url: string, who: MadeUser) => t.app.inject({ method: 'GET', url, headers: who.auth })
const ok = async (url: string, who: MadeUser = admin) => {
  const res = await get(url, who)
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}
const period = 'from=2026-03-10&to=2026-03-11'

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, GRID, { [TOWN]: '石璜镇', [VILLAGE]: '雅璜村', [GRID]: '雅璜一网格' })
  await makeRegion(t.db, OTHER_VILLAGE, { [OTHER_TOWN]: '王院乡' })
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: COUNTY })
  townHandler = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
  otherTown = await makeUser(t.db, { roles: ['town_handler'], regionCode: OTHER_TOWN })
  dept = await makeUser(t.db, { roles: ['dept_handler'], regionCode: TOWN })
  const cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: VILLAGE })

  // A: grid, 垃圾清运, closed satisfied; closed 2026-03-13 → 3 working days.
  const a = await makeCase(t.db, { state: 'closed', regionCode: GRID, category: 'environment.garbage', rating: 'satisfied', now: D1 })
  await sql`update cases set closed_at = '2026-03-13T15:00:00+08:00' where id = ${a.id}`.execute(t.db)
  // B: grid, 垃圾清运, yellow card, overdue, closed basically satisfied on 2026-03-17 → 5 working days.
  const b = await makeCase(t.db, { state: 'closed', regionCode: GRID, category: 'environment.garbage', rating: 'basically_satisfied', overdue: true, supervision: 'yellow', now: D1 })
  await sql`update cases set closed_at = '2026-03-17T15:00:00+08:00' where id = ${b.id}`.execute(t.db)
  // C: grid, 道路破损, rated unsatisfied → reopened.
  await makeCase(t.db, { state: 'reopened', regionCode: GRID, category: 'traffic.road', now: D1 })
  // D: raised at the grid, escalated to the village, red card.
  await makeCase(t.db, { state: 'escalated', regionCode: GRID, category: 'traffic.road', supervision: 'red', now: D2 })
  // E: dispatched and returned; F: rejected; G: dispatched, not accepted yet (no category).
  await makeCase(t.db, { state: 'returned', regionCode: GRID, now: D2 })
  await makeCase(t.db, { state: 'rejected', regionCode: GRID, now: D2 })
  await makeCase(t.db, { state: 'dispatched', regionCode: GRID, now: D2 })
  // H: village level, resolved on the spot by the cadre, rated satisfied.
  await makeCase(t.db, { state: 'closed', regionCode: VILLAGE, category: 'environment.sewage', onSpot: true, createdBy: cadre.id, now: D2 })
  // I: raised at the village, dispatched up to the town's unit, closed there (not resolved at its level).
  const i = await makeCase(t.db, { state: 'closed', regionCode: VILLAGE, level: 'town', category: 'other.consult', now: D2 })
  await sql`update case_events set data = data || '{"fromLevel":"village"}'::jsonb where case_id = ${i.id} and action = 'dispatch'`.execute(t.db)
  // J: another town, closed satisfied.
  await makeCase(t.db, { state: 'closed', regionCode: OTHER_VILLAGE, now: D2 })
  // Outside the period: not counted.
  await makeCase(t.db, { state: 'closed', regionCode: GRID, now: new Date('2026-03-12T10:00:00+08:00') })

  // Diary: two households in 雅璜村, one visited in the period.
  const h1 = await makeHousehold(t.db, { regionCode: VILLAGE })
  await makeHousehold(t.db, { regionCode: VILLAGE })
  await makeDiaryEntry(t.db, { author: cadre.id, regionCode: VILLAGE, household: h1.id, occurredAt: D1 })
  await makeDiaryEntry(t.db, { author: cadre.id, regionCode: VILLAGE, occurredAt: D2 })

  folder = new StatsFolder(t.db, null, undefined, { batch: 7 })
  await folder.fold()
})
afterAll(async () => {
  await folder.close()
  await t.close()
})

// 石璜镇, D1..D2, by hand: received A–I = 9; closed A B H I = 4; rejected F; in progress C D E G = 4;
// overdue/warned B; dispatched A B C E G I = 6, of which accepted in time A B C I = 4, returned E;
// answered A B C H I = 5, reopened C; ratings A sat, B basic, C unsat, H sat, I sat = 5, 4 satisfied;
// cards: yellow B, red D; on time A H I of 4 closed; working days 3 + 5 + 0 + 0 = 8 over 4 closed;
// resolved at level A B H of 4 closed; grid raised and closed A B (both resolved); village H I (H resolved).
const TOWN_TOTAL = {
  received: 9,
  closed: 4,
  inProgress: 4,
  overdue: 1,
  warned: 1,
  responseRate: 0.6667,
  onTimeRate: 0.75,
  closeRate: 0.5,
  satisfactionRate: 0.8,
  unsatisfiedRate: 0.2,
  reopenRate: 0.2,
  returnRate: 0.1667,
  avgDaysToClose: 2,
  yellowCards: 1,
  redCards: 1,
  levelResolvedRate: 0.75,
  gridResolvedRate: 1,
  villageResolvedRate: 0.5,
  townResolvedRate: null,
}

describe('GET /api/stats/cases', () => {
  it('every metric of a town matches the hand count, with formulas', async () => {
    const body = await ok(`/api/stats/cases?regionCode=${TOWN}&${period}&groupBy=region`, townHandler)
    expect(body.total).toEqual(TOWN_TOTAL)
    expect(body.rows).toEqual([{ key: VILLAGE, name: '雅璜村', ...TOWN_TOTAL }])
    expect(body.formulas.closeRate.name).toBe('办结率')
    expect(body.formulas.satisfactionRate.formula).toContain('满意')
    expect(Object.keys(body.formulas)).toHaveLength(19)
  })

  it('groupBy region at the county: each town, the other town too', async () => {
    const body = await ok(`/api/stats/cases?regionCode=${COUNTY}&${period}&groupBy=region`)
    const byKey = Object.fromEntries(body.rows.map((r: any) => [r.key, r]))
    expect(byKey[TOWN]).toMatchObject(TOWN_TOTAL)
    expect(byKey[OTHER_TOWN]).toMatchObject({ received: 1, closed: 1, closeRate: 1, satisfactionRate: 1, inProgress: 0 })
    expect(body.total).toMatchObject({ received: 10, closed: 5, closeRate: 0.5556, satisfactionRate: 0.8333 })
  })

  it('groupBy region: a 本级 row holds the region’s own cases, so the rows add up to the total', async () => {
    const COUNTS = ['received', 'closed', 'inProgress', 'overdue', 'warned', 'yellowCards', 'redCards'] as const
    const addsUp = (body: any, q: string) => {
      for (const m of COUNTS)
        expect(
          body.rows.reduce((n: number, r: any) => n + r[m], 0),
          `${q} ${m}`,
        ).toBe(body.total[m])
    }
    // Daily rollup (two days), monthly (a whole month), the fine one (a leaf category), each at county, town, village, grid.
    for (const p of [period, 'from=2026-03-01&to=2026-03-31', `${period}&categoryCode=environment.sewage`, `${period}&categoryCode=other.consult`]) {
      for (const code of [COUNTY, TOWN, VILLAGE, GRID]) {
        const q = `/api/stats/cases?regionCode=${code}&${p}&groupBy=region`
        addsUp(await ok(q), q)
      }
    }
    // 雅璜村: its grid's seven cases, and H and I raised at the village itself.
    const village = await ok(`/api/stats/cases?regionCode=${VILLAGE}&${period}&groupBy=region`)
    expect(village.rows.map((r: any) => [r.key, r.name, r.received, r.closed])).toEqual([
      [GRID, '雅璜一网格', 7, 2],
      [VILLAGE, '雅璜村(本级)', 2, 2],
    ])
    expect(village.rows[1]).toMatchObject({ closeRate: 1, villageResolvedRate: 0.5 })
    // No own cases (the town's are all in 雅璜村): no 本级 row.
    expect((await ok(`/api/stats/cases?regionCode=${TOWN}&${period}&groupBy=region`)).rows.map((r: any) => r.key)).toEqual([VILLAGE])
    const sewage = await ok(`/api/stats/cases?regionCode=${VILLAGE}&${period}&groupBy=region&categoryCode=environment.sewage`)
    expect(sewage.rows.map((r: any) => [r.key, r.received])).toEqual([
      [GRID, 0],
      [VILLAGE, 1],
    ])
  })

  it('groupBy category rolls sub-categories to the top; a top-level filter lists its sub-categories', async () => {
    const body = await ok(`/api/stats/cases?regionCode=${TOWN}&${period}&groupBy=category`)
    const byKey = Object.fromEntries(body.rows.map((r: any) => [r.key, r]))
    // environment: A B H (all closed; B overdue; ratings sat, basic, sat); traffic: C D; other: I; none: E F G.
    expect(byKey.environment).toMatchObject({ name: '环境卫生', received: 3, closed: 3, overdue: 1, onTimeRate: 0.6667, satisfactionRate: 1, yellowCards: 1, avgDaysToClose: 2.7 })
    expect(byKey.traffic).toMatchObject({ received: 2, closed: 0, inProgress: 2, redCards: 1, reopenRate: 1, unsatisfiedRate: 1, closeRate: 0 })
    expect(byKey.other).toMatchObject({ received: 1, closed: 1, levelResolvedRate: 0, villageResolvedRate: 0 })
    expect(byKey.none).toMatchObject({ name: '未分类', received: 3, closed: 0, inProgress: 2, closeRate: 0, returnRate: 0.5, responseRate: 0 })
    const env = await ok(`/api/stats/cases?regionCode=${TOWN}&${period}&groupBy=category&categoryCode=environment`)
    expect(env.rows.map((r: any) => [r.key, r.received])).toEqual([
      ['environment.garbage', 2],
      ['environment.sewage', 1],
    ])
    expect(env.total).toMatchObject({ received: 3, closed: 3 })
    const sub = await ok(`/api/stats/cases?regionCode=${TOWN}&${period}&groupBy=day&categoryCode=environment.garbage`)
    expect(sub.total).toMatchObject({ received: 2, closed: 2, onTimeRate: 0.5, avgDaysToClose: 4 })
  })

  it('groupBy day, week, month and level', async () => {
    const day = await ok(`/api/stats/cases?regionCode=${TOWN}&${period}&groupBy=day`)
    expect(day.rows.map((r: any) => [r.key, r.received, r.closed])).toEqual([
      ['2026-03-10', 3, 2],
      ['2026-03-11', 6, 2],
    ])
    expect(day.rows[0]).toMatchObject({ closeRate: 0.6667, onTimeRate: 0.5, avgDaysToClose: 4, reopenRate: 0.3333, satisfactionRate: 0.6667 })
    const week = await ok(`/api/stats/cases?regionCode=${TOWN}&${period}&groupBy=week`)
    expect(week.rows.map((r: any) => [r.key, r.received])).toEqual([['2026-03-09', 9]])
    const month = await ok(`/api/stats/cases?regionCode=${TOWN}&from=2026-03-01&to=2026-03-31&groupBy=month`)
    // The whole month includes the case of 2026-03-12 too.
    expect(month.rows).toEqual([expect.objectContaining({ key: '2026-03', received: 10, closed: 5 })])
    const level = await ok(`/api/stats/cases?regionCode=${TOWN}&${period}&groupBy=level`)
    expect(level.rows.map((r: any) => [r.key, r.name, r.received, r.closed])).toEqual([
      ['grid', '网格', 7, 2],
      ['village', '村社', 2, 2],
    ])
    expect(level.rows[0]).toMatchObject({ gridResolvedRate: 1, levelResolvedRate: 1, villageResolvedRate: null })
    expect(level.rows[1]).toMatchObject({ villageResolvedRate: 0.5, levelResolvedRate: 0.5 })
  })

  it('groupBy unit and a unit filter', async () => {
    const body = await ok(`/api/stats/cases?regionCode=${TOWN}&${period}&groupBy=unit`)
    const total = body.rows.reduce((n: number, r: any) => n + r.received, 0)
    expect(total).toBe(9)
    // Never dispatched: D (escalated), F (rejected), H (on the spot).
    expect(body.rows.find((r: any) => r.key === 'none')).toMatchObject({ name: '未交办', received: 3 })
    const unitRow = body.rows.find((r: any) => r.key !== 'none')
    const one = await ok(`/api/stats/cases?regionCode=${TOWN}&${period}&groupBy=day&unitId=${unitRow.key}`)
    expect(one.total.received).toBe(unitRow.received)
  })

  it('folding again changes nothing; a new event shows after the next fold', async () => {
    expect((await folder.fold()).changed).toBe(0)
    // (In the other town, on a day of its own: the hand counts above stay as they are.)
    await makeCase(t.db, { state: 'new', regionCode: OTHER_VILLAGE, now: new Date('2026-04-01T10:00:00+08:00') })
    await makeCase(t.db, { state: 'accepted', regionCode: OTHER_VILLAGE, overdue: true, now: new Date('2026-04-01T11:00:00+08:00') })
    expect((await folder.fold()).changed).toBeGreaterThan(0)
    const body = await ok(`/api/stats/cases?regionCode=${OTHER_TOWN}&from=2026-04-01&to=2026-04-01&groupBy=day`)
    expect(body.rows).toEqual([expect.objectContaining({ key: '2026-04-01', received: 2, inProgress: 2, overdue: 1, closeRate: 0, responseRate: 1 })])
    // The cockpit's now-figures: the accepted case is in the 已超期 queue now.
    const cockpit = await ok(`/api/cockpit/summary?regionCode=${OTHER_TOWN}`)
    expect(cockpit).toMatchObject({ inProgress: 2, overdue: 1, dueSoon: 0 })
    expect(cockpit.ranking).toEqual([expect.objectContaining({ code: OTHER_VILLAGE, overdue: 1 })])
    expect(cockpit.feed.map((f: any) => f.kind)).toContain('overdue')
  })

  it('two folders at once (two server processes) count each case once', async () => {
    const other = new StatsFolder(t.db, null, undefined, { batch: 3 })
    for (let k = 0; k < 4; k++) await makeCase(t.db, { state: 'closed', regionCode: OTHER_VILLAGE, now: new Date('2026-05-06T10:00:00+08:00') })
    await Promise.all([folder.fold(), other.fold(), folder.fold()])
    await other.close()
    const body = await ok(`/api/stats/cases?regionCode=${COUNTY}&from=2026-05-06&to=2026-05-06&groupBy=region`)
    expect(body.total).toMatchObject({ received: 4, closed: 4, closeRate: 1 })
    expect(body.rows.find((r: any) => r.key === OTHER_TOWN)).toMatchObject({ received: 4, closed: 4 })
  })

  it('access: out-of-area region 404, no stats.read 403, the own area by default', async () => {
    const out = await get(`/api/stats/cases?regionCode=${TOWN}&${period}`, otherTown)
    expect(out.statusCode).toBe(404)
    expect(out.json().error.code).toBe('NOT_FOUND')
    expect((await get(`/api/stats/visits?regionCode=${TOWN}`, otherTown)).statusCode).toBe(404)
    expect((await get(`/api/cockpit/summary?regionCode=${TOWN}`, otherTown)).statusCode).toBe(404)
    expect((await get(`/api/stats/cases.xlsx?regionCode=${TOWN}`, otherTown)).statusCode).toBe(404)
    expect((await get(`/api/stats/cases?regionCode=99999999`, admin)).statusCode).toBe(404)
    const denied = await get(`/api/stats/cases`, dept)
    expect(denied.statusCode).toBe(403)
    expect(denied.json().error.code).toBe('FORBIDDEN')
    expect((await ok(`/api/stats/cases?${period}`, townHandler)).region.code).toBe(TOWN)
    expect((await get(`/api/stats/cases`, { auth: { authorization: 'Bearer nope' } } as MadeUser)).statusCode).toBe(401)
  })

  it('bad input: 400 with the error body', async () => {
    for (const q of ['from=2026-03-12&to=2026-03-10', 'groupBy=town', 'from=2020-01-01&to=2026-03-10', 'from=2026-13-45', 'categoryCode=nosuch', 'unitId=not-a-uuid', 'regionCode=abc', 'extra=1']) {
      const res = await get(`/api/stats/cases?${q}`, admin)
      expect(res.statusCode, q).toBe(400)
      expect(res.json().error.code, q).toMatch(/VALIDATION_FAILED|UNKNOWN_CATEGORY/)
    }
  })
})

describe('GET /api/stats/cases.xlsx', () => {
  it('the same numbers with Chinese headers and a 合计 row', async () => {
    const res = await get(`/api/stats/cases.xlsx?regionCode=${TOWN}&${period}&groupBy=region`, townHandler)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    const ws = wb.getWorksheet('统计')!
    expect(ws.getRow(1).getCell(1).value).toBe('区域')
    expect(ws.getRow(1).getCell(2).value).toBe('受理件数')
    expect(ws.getRow(1).getCell(9).value).toBe('办结率')
    expect(ws.getRow(2).getCell(1).value).toBe('雅璜村')
    expect(ws.getRow(3).getCell(1).value).toBe('合计')
    expect(ws.getRow(3).getCell(2).value).toBe(9)
    expect(ws.getRow(3).getCell(9).value).toBe(0.5)
  })

  it('the 本级 row too', async () => {
    const res = await get(`/api/stats/cases.xlsx?regionCode=${VILLAGE}&${period}&groupBy=region`, townHandler)
    expect(res.statusCode).toBe(200)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    const ws = wb.getWorksheet('统计')!
    expect([2, 3, 4].map((i) => [ws.getRow(i).getCell(1).value, ws.getRow(i).getCell(2).value])).toEqual([
      ['雅璜一网格', 7],
      ['雅璜村(本级)', 2],
      ['合计', 9],
    ])
  })
})

describe('GET /api/stats/visits', () => {
  it('entries, visits, households and coverage against the monthly quota', async () => {
    const body = await ok(`/api/stats/visits?regionCode=${TOWN}&${period}`, townHandler)
    // 2 households × 8 % × 1 month → quota 1; one visited.
    expect(body.total).toEqual({ entries: 2, visits: 1, households: 1, quota: 1, coverage: 1 })
    expect(body.rows).toEqual([{ key: VILLAGE, name: '雅璜村', entries: 2, visits: 1, households: 1, quota: 1, coverage: 1 }])
    expect(body.formulas.coverage.name).toBe('走访覆盖率')
  })
})

describe('GET /api/cockpit/summary', () => {
  it('a town’s numbers: this year’s cohort, now-counts, ranking, categories, trend, feed', async () => {
    const body = await ok(`/api/cockpit/summary?regionCode=${TOWN}`, townHandler)
    expect(body.region.code).toBe(TOWN)
    // The whole year: A–I and the 03-12 case = 10 (if this year is 2026).
    if (body.generatedAt.startsWith('2026')) expect(body.totals.year).toBe(10)
    // Unfinished now: C D E G; overdue now: none marked (B is closed).
    expect(body.inProgress).toBe(4)
    expect(body.overdue).toBe(0)
    expect(body.ranking).toEqual([expect.objectContaining({ code: VILLAGE, name: '雅璜村' })])
    expect(body.categories[0]).toMatchObject({ code: expect.any(String), count: expect.any(Number) })
    expect(body.trend.thisYear[0].day).toMatch(/-01-01$/)
    expect(body.feed.length).toBeGreaterThan(0)
    expect(body.feed[0].regionPath[0]).toBe('区域330683')
    expect(body.residents).toBe(0)
    expect(body.accounts).toBeGreaterThanOrEqual(2)
    expect(body.formulas.residents.name).toBe('在册居民')
  })

  it('a village’s ranking: its grids, then a 本级 row of its own cases', async () => {
    const body = await ok(`/api/cockpit/summary?regionCode=${VILLAGE}`, townHandler)
    if (!body.generatedAt.startsWith('2026')) return // the fixtures are 2026's cohort
    expect(body.ranking.map((r: any) => [r.code, r.name, r.level, r.received])).toEqual([
      [GRID, '雅璜一网格', 'grid', 8],
      [VILLAGE, '雅璜村(本级)', 'village', 2],
    ])
    expect(body.ranking.reduce((n: number, r: any) => n + r.received, 0)).toBe(body.totals.year)
    // A grid has no children: no ranking, and no 本级 row either.
    expect((await ok(`/api/cockpit/summary?regionCode=${GRID}`, townHandler)).ranking).toEqual([])
  })
})

describe('the stats.fold job', () => {
  it('leaves no job_runs row when there was nothing to fold, one when it folded', async () => {
    const runs = () => t.db.selectFrom('job_runs').select(['run_key', 'status']).where('job_name', '=', 'stats.fold').execute()
    await folder.fold()
    const before = (await runs()).length
    expect(await t.ctx.scheduler.runOnce('stats.fold', new Date('2026-12-07T06:00:00Z'))).toBe('idle')
    expect(await t.ctx.scheduler.runOnce('stats.fold', new Date('2026-12-07T06:00:30Z'))).toBe('idle')
    expect(await runs()).toHaveLength(before)
    // A case elsewhere (its own town and month: no other test's figures move).
    await makeRegion(t.db, '330683108201', { '330683108': '长乐镇' })
    await makeCase(t.db, { state: 'new', regionCode: '330683108201', now: new Date('2026-07-01T10:00:00+08:00') })
    expect(await t.ctx.scheduler.runOnce('stats.fold', new Date('2026-12-07T06:01:00Z'))).toBe('ran')
    expect(await runs()).toContainEqual({ run_key: '2026-12-07T06:01:00.000Z', status: 'done' })
  })
})
