import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeCase, makeDiaryEntry, makeHousehold, makeRegion, makeUnit, makeUser, type MadeUser } from '../../../test/factories.ts'
import { cnDate } from '../../platform/workdays.ts'
import { StatsFolder } from '../stats/folder.ts'

// A month of cases whose every figure and score is worked out by hand below. 石璜镇 › 雅璜村, March 2026.
const COUNTY = '330683'
const TOWN = '330683105'
const VILLAGE = '330683105212'
const OTHER_TOWN = '330683106'
const PERIOD = '2026-03'
const at = (day: number) => new Date(`2026-03-${String(day).padStart(2, '0')}T10:00:00+08:00`)

let t: Awaited<ReturnType<typeof createTestApp>>
let folder: StatsFolder
let admin: MadeUser // county admin
let townAdmin: MadeUser
let leader: MadeUser // county leader: publishes
let townHandler: MadeUser // reads, may not publish
let otherTown: MadeUser
let volunteer: MadeUser
const ids: Record<string, string> = {}
const caseNo: Record<string, string> = {}

const req = (method: 'GET' | 'POST' | 'PUT', url: string, who: MadeUser, payload?: unknown) =>
  t.app.inject({ method, url, headers: who.auth, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) })
const ok = async (url: string, who: MadeUser = admin) => {
  const res = await req('GET', url, who)
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, VILLAGE, { [TOWN]: '石璜镇', [VILLAGE]: '雅璜村' })
  await makeRegion(t.db, `${OTHER_TOWN}220`, { [OTHER_TOWN]: '王院乡' })
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: COUNTY })
  townAdmin = await makeUser(t.db, { roles: ['admin'], regionCode: TOWN })
  leader = await makeUser(t.db, { roles: ['leader'], regionCode: COUNTY, name: '钱领导' })
  townHandler = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
  otherTown = await makeUser(t.db, { roles: ['town_handler'], regionCode: OTHER_TOWN })
  volunteer = await makeUser(t.db, { roles: ['volunteer'], regionCode: VILLAGE })

  const u1 = (await makeUnit(t.db, VILLAGE, { name: '甲单位' })).id
  const u2 = (await makeUnit(t.db, VILLAGE, { name: '乙单位' })).id
  const u3 = (await makeUnit(t.db, VILLAGE, { name: '丙单位' })).id
  const h1 = await makeUser(t.db, { roles: ['dept_handler'], regionCode: VILLAGE, unitId: u1, name: '甲经办' })
  const h2 = await makeUser(t.db, { roles: ['dept_handler'], regionCode: VILLAGE, unitId: u2, name: '乙经办' })
  const h3 = await makeUser(t.db, { roles: ['dept_handler'], regionCode: VILLAGE, unitId: u3, name: '丙经办' })
  const cadre = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: VILLAGE, name: '驻村干部' })
  Object.assign(ids, { u1, u2, u3, h1: h1.id, h2: h2.id, h3: h3.id, cadre: cadre.id, leader: leader.id })

  const mk = async (name: string, o: Parameters<typeof makeCase>[1]) => {
    const c = await makeCase(t.db, { regionCode: VILLAGE, ...o })
    ids[name] = c.id
    caseNo[name] = c.number
  }
  // 甲单位 / 甲经办: a1 closed satisfied, a2 closed basically satisfied, a3 overdue (0 working days past) + yellow
  // card, closed satisfied; a4 accepted, in progress.
  await mk('a1', { state: 'closed', unit: u1, handler: h1.id, rating: 'satisfied', now: at(3) })
  await mk('a2', { state: 'closed', unit: u1, handler: h1.id, rating: 'basically_satisfied', now: at(4) })
  await mk('a3', { state: 'closed', unit: u1, handler: h1.id, rating: 'satisfied', overdue: true, supervision: 'yellow', now: at(5) })
  await mk('a4', { state: 'accepted', unit: u1, handler: h1.id, now: at(6) })
  // 乙单位: b1 rated unsatisfied → reopened (no handler now: counts for the unit, for no cadre); b2 red card and
  // overdue since 2 March, closed 20 March = 14 working days past its limit; b3 closed satisfied (乙经办).
  await mk('b1', { state: 'reopened', unit: u2, handler: h2.id, now: at(9) })
  await mk('b2', { state: 'closed', unit: u2, handler: h2.id, rating: 'satisfied', overdue: true, dueAt: at(2), supervision: 'red', now: at(20) })
  await mk('b3', { state: 'closed', unit: u2, handler: h2.id, rating: 'satisfied', now: at(11) })
  // 丙单位 / 丙经办: one case, fewer than the minimum of 3: unscored.
  await mk('c1', { state: 'closed', unit: u3, handler: h3.id, rating: 'satisfied', now: at(12) })
  // The leader claimed one (no unit): closed satisfied.
  await mk('d1', { state: 'closed', claimedBy: leader.id, rating: 'satisfied', now: at(13) })
  // Another month: not counted in March.
  await makeCase(t.db, { regionCode: VILLAGE, state: 'closed', unit: u1, handler: h1.id, now: new Date('2026-04-02T10:00:00+08:00') })

  // 驻村干部: 25 households in 雅璜村 → quota ⌈25 × 8 % × 1⌉ = 2; visits one household in March → coverage 0.5.
  const households = []
  for (let i = 0; i < 25; i++) households.push(await makeHousehold(t.db, { regionCode: VILLAGE }))
  await makeDiaryEntry(t.db, { author: cadre.id, regionCode: VILLAGE, household: households[0].id, occurredAt: at(10) })
  await makeDiaryEntry(t.db, { author: cadre.id, regionCode: VILLAGE, household: households[0].id, occurredAt: at(16) })
  // 乙经办: 2 volunteer hours confirmed in March (of a target of 4 → 0.5); 3 more in April do not count.
  const region = await sql<{ id: number }>`select id from regions where code = ${VILLAGE}`.execute(t.db)
  for (const [hours, when] of [
    [2, '2026-03-15T12:00:00+08:00'],
    [3, '2026-04-15T12:00:00+08:00'],
  ] as const) {
    const task = await sql<{ id: string }>`
      insert into tasks (title, region_id, starts_at, ends_at, slots, audience, hours, published_by, state)
      values ('清理河道', ${region.rows[0].id}, ${when}, ${new Date(Date.parse(when) + 7200_000)}, 5, 'any', ${hours}, ${admin.id}, 'done') returning id`.execute(t.db)
    await sql`insert into task_claims (task_id, user_id, state, confirmed_at, hours) values (${task.rows[0].id}, ${h2.id}, 'confirmed', ${when}, ${hours})`.execute(t.db)
  }

  folder = new StatsFolder(t.db, null)
  await folder.fold()
})
afterAll(async () => {
  await folder.close()
  await t.close()
})

// By hand, March, 石璜镇 (default formula v1: 响应率 20, 按期办结率 30, 满意率 35, 办结率 15; −5 yellow, −10 red, −2 overdue).
// 甲单位: received 4, closed 3, dispatched 4 all accepted in time → response 1; on time a1 a2 of 3 → 0.6667;
//   close 3/4 = 0.75; ratings sat, basic, sat → 1. base 20 + 30 × 0.6667 + 35 + 15 × 0.75 = 86.251 → 86.25;
//   deductions yellow 5 + overdue 2 = 7 → 79.25.
// 乙单位: received 3, closed 2, response 3/3 = 1; on time b3 of 2 → 0.5; close 2/3 = 0.6667; ratings unsat, sat,
//   sat → 0.6667. base 20 + 15 + 35 × 0.6667 + 15 × 0.6667 = 68.335 → 68.34 (68.33500000000001 in doubles);
//   deductions red 10 + overdue 2 = 12 → 56.34.
// 丙单位: 1 case < 3: unscored.
describe('GET /api/evaluation/units', () => {
  it('every figure and the score match the hand count, with the formula in force', async () => {
    const body = await ok(`/api/evaluation/units?period=${PERIOD}&regionCode=${TOWN}`, townHandler)
    expect(body.formula).toMatchObject({ version: 1, effectiveFrom: '2000-01', weights: { unit: { responseRate: 20, onTimeRate: 30, satisfactionRate: 35, closeRate: 15 } } })
    expect(body.formulaText.score).toContain('权重')
    expect(body.formulas.satisfactionRate.name).toBe('满意率')
    expect(body.rows.map((r: { key: string }) => r.key)).toEqual([ids.u1, ids.u2, ids.u3])
    const [a, b, c] = body.rows
    expect(a).toMatchObject({ name: '甲单位', received: 4, closed: 3, inProgress: 1, overdue: 1, yellowCards: 1, redCards: 0 })
    expect(a).toMatchObject({ responseRate: 1, onTimeRate: 0.6667, closeRate: 0.75, satisfactionRate: 1 })
    expect(a).toMatchObject({ base: 86.25, deductions: 7, score: 79.25, rank: 1, unscored: null, redistributed: [] })
    expect(b).toMatchObject({ name: '乙单位', received: 3, closed: 2, inProgress: 1, overdue: 1, yellowCards: 0, redCards: 1 })
    expect(b).toMatchObject({ responseRate: 1, onTimeRate: 0.5, closeRate: 0.6667, satisfactionRate: 0.6667, unsatisfiedRate: 0.3333 })
    expect(b).toMatchObject({ base: 68.34, deductions: 12, score: 56.34, rank: 2 })
    expect(c).toMatchObject({ name: '丙单位', received: 1, score: null, rank: null, unscored: 'too_few_cases' })
  })

  it('the figures are the statistics module’s own (groupBy=unit)', async () => {
    const st = await ok(`/api/stats/cases?regionCode=${TOWN}&from=2026-03-01&to=2026-03-31&groupBy=unit`)
    const ev = await ok(`/api/evaluation/units?period=${PERIOD}&regionCode=${TOWN}`)
    for (const row of ev.rows) {
      const s = st.rows.find((r: { key: string }) => r.key === row.key)
      for (const k of Object.keys(st.formulas)) expect(row[k], k).toEqual(s[k])
    }
  })

  it('bad input answers 400; other areas 404; no permission 403', async () => {
    for (const p of ['2026-13', '2026-3', 'x', '']) {
      const res = await req('GET', `/api/evaluation/units?period=${p}`, admin)
      expect(res.statusCode, p).toBe(400)
      expect(res.json().error.code).toBeTruthy()
    }
    expect((await req('GET', `/api/evaluation/units?period=${PERIOD}&regionCode=${TOWN}`, otherTown)).statusCode).toBe(404)
    expect((await req('GET', `/api/evaluation/cadres?period=${PERIOD}&regionCode=${TOWN}`, otherTown)).statusCode).toBe(404)
    expect((await req('GET', `/api/evaluation/awards?period=${PERIOD}&regionCode=${TOWN}`, otherTown)).statusCode).toBe(404)
    const vol = await req('GET', `/api/evaluation/units?period=${PERIOD}`, volunteer)
    expect(vol.statusCode).toBe(403)
    expect(vol.json().error.code).toBe('FORBIDDEN')
  })
})

// Cadres (v1 cadre weights: 响应率 15, 按期办结率 25, 满意率 30, 办结率 10, 走访 15, 志愿时长 5 of a 4-hour target):
// 丙经办 (c1): response, on time, close, satisfied all 1; no quota; 0 hours: (15 + 25 + 30 + 10 + 0) ÷ 85 = 94.1176 → 94.12
//   (a cadre with one case is scored: the cadre minimum is 1).
// 钱领导 (claimed d1): nothing dispatched → response has no value; on time 1, close 1, satisfied 1; no visit quota →
//   coverage has no value; hours 0. (25 + 30 + 10 + 0) ÷ 70 = 92.857 → 92.86.
// 甲经办: as 甲单位, no quota, 0 hours: (15 + 25 × 0.6667 + 30 + 10 × 0.75 + 0) ÷ 85 = 81.3735 → 81.37; −7 → 74.37.
// 乙经办 (b2, b3; b1 has no handler now): response 1, on time 0.5, close 1, satisfied 1, 2 h → 0.5:
//   (15 + 12.5 + 30 + 10 + 2.5) ÷ 85 = 82.3529 → 82.35; red 10 + overdue 2 → 70.35.
// 驻村干部: no cases, quota 2, 1 household → 0.5; hours 0: (15 × 0.5 + 0) ÷ 20 = 37.5.
describe('GET /api/evaluation/cadres', () => {
  it('case figures by handler, visit coverage and volunteer hours, scored by hand', async () => {
    const body = await ok(`/api/evaluation/cadres?period=${PERIOD}&regionCode=${TOWN}`)
    expect(body.rows.map((r: { key: string }) => r.key)).toEqual([ids.h3, ids.leader, ids.h1, ids.h2, ids.cadre])
    const [h3, l, h1, h2, cadre] = body.rows
    expect(h3).toMatchObject({ name: '丙经办', received: 1, responseRate: 1, onTimeRate: 1, closeRate: 1, satisfactionRate: 1, base: 94.12, score: 94.12, rank: 1 })
    expect(l).toMatchObject({ received: 1, responseRate: null, onTimeRate: 1, closeRate: 1, satisfactionRate: 1, visitCoverage: null, volunteerHours: 0 })
    expect(l).toMatchObject({ base: 92.86, score: 92.86, rank: 2, redistributed: ['responseRate', 'visitCoverage'] })
    expect(h1).toMatchObject({ name: '甲经办', received: 4, closed: 3, responseRate: 1, onTimeRate: 0.6667, closeRate: 0.75, satisfactionRate: 1, yellowCards: 1, overdue: 1 })
    expect(h1).toMatchObject({ base: 81.37, deductions: 7, score: 74.37, rank: 3, redistributed: ['visitCoverage'] })
    expect(h2).toMatchObject({ name: '乙经办', received: 2, closed: 2, onTimeRate: 0.5, closeRate: 1, satisfactionRate: 1, redCards: 1, volunteerHours: 2 })
    expect(h2).toMatchObject({ base: 82.35, deductions: 12, score: 70.35, rank: 4 })
    expect(cadre).toMatchObject({ name: '驻村干部', received: 0, visitCoverage: 0.5, volunteerHours: 0, base: 37.5, score: 37.5, rank: 5 })
    expect(cadre.visits).toEqual({ entries: 2, visits: 2, households: 1, quota: 2, coverage: 0.5 })
  })

  it('the case figures are the statistics module’s groupBy=handler', async () => {
    const st = await ok(`/api/stats/cases?regionCode=${TOWN}&from=2026-03-01&to=2026-03-31&groupBy=handler`)
    expect(st.rows.find((r: { key: string }) => r.key === ids.h1)).toMatchObject({ name: '甲经办', received: 4, closed: 3 })
    // b1 (reopened, nobody handling it now) is nobody's.
    expect(st.rows.find((r: { key: string }) => r.key === 'none')).toMatchObject({ name: '未签收', received: 1 })
  })
})

// Awards (v1: top 3 and bottom 3 with at least 3 cases; 蜗牛奖 for a red card or a case > 5 working days overdue):
// units: 乙单位 red card, b2 14 working days overdue, and the bottom scored → 蜗牛奖; 甲单位 top → 奔跑奖 (a1, a2 closed on
// time); 丙单位 too few cases. Cadres: 甲经办 (4 cases) → 奔跑奖; 乙经办 red card + b2 → 蜗牛奖; 钱领导 and 驻村干部 have
// fewer than 3 cases, 丙经办 too: no award for their rank.
describe('awards', () => {
  it('the draft lists who earned which award and the cases that earned it', async () => {
    const body = await ok(`/api/evaluation/awards?period=${PERIOD}&regionCode=${TOWN}`, leader)
    expect(body.state).toBe('draft')
    const brief = body.items.map((i: { kind: string; subject: string; subjectId: string; reasons: string[] }) => [i.kind, i.subject, i.subjectId, i.reasons])
    expect(brief).toEqual([
      ['runner', 'unit', ids.u1, ['top']],
      ['snail', 'unit', ids.u2, ['red_card', 'overdue_long', 'bottom']],
      ['runner', 'cadre', ids.h1, ['top']],
      ['snail', 'cadre', ids.h2, ['red_card', 'overdue_long']],
    ])
    const [runner, snail] = body.items
    expect(runner.cases).toEqual([
      { id: ids.a1, number: caseNo.a1, title: expect.any(String), state: 'closed', why: ['closed_on_time', 'satisfied'], overdueWorkingDays: 0 },
      { id: ids.a2, number: caseNo.a2, title: expect.any(String), state: 'closed', why: ['closed_on_time', 'satisfied'], overdueWorkingDays: 0 },
    ])
    expect(snail.cases.map((c: { id: string; why: string[]; overdueWorkingDays: number }) => [c.id, c.why, c.overdueWorkingDays])).toEqual([
      [ids.b2, ['red_card', 'overdue_long'], 14],
      [ids.b1, ['unsatisfied'], 0],
    ])
  })

  it('only leaders and admins annotate and publish; published awards are frozen and show as the latest', async () => {
    const body = { period: PERIOD, regionCode: TOWN, note: '三月考评', notes: { [`runner:unit:${ids.u1}`]: '办理及时' } }
    for (const who of [townHandler, volunteer]) {
      expect((await req('PUT', '/api/evaluation/awards', who, body)).statusCode).toBe(403)
      expect((await req('POST', '/api/evaluation/awards/publish', who, body)).statusCode).toBe(403)
    }
    expect((await req('POST', '/api/evaluation/awards/publish', otherTown, body)).statusCode).toBe(403)
    expect((await req('POST', '/api/evaluation/awards/publish', leader, { ...body, regionCode: `${OTHER_TOWN}220` })).statusCode).toBe(200) // in the leader's county
    expect((await req('POST', '/api/evaluation/awards/publish', leader, { ...body, extra: 1 })).statusCode).toBe(400)
    const future = cnDate(new Date(Date.now() + 40 * 86_400_000)).slice(0, 7)
    const fut = await req('POST', '/api/evaluation/awards/publish', leader, { ...body, period: future })
    expect(fut.statusCode).toBe(400)

    const latestBefore = await ok(`/api/evaluation/awards/latest?regionCode=${TOWN}`, townHandler)
    expect(latestBefore.awards).toBeNull()
    const saved = await req('PUT', '/api/evaluation/awards', leader, body)
    expect(saved.statusCode, saved.body).toBe(200)
    expect(saved.json().items[0].note).toBe('办理及时')
    const pub = await req('POST', '/api/evaluation/awards/publish', leader, { period: PERIOD, regionCode: TOWN })
    expect(pub.statusCode, pub.body).toBe(200)
    expect(pub.json()).toMatchObject({ state: 'published', note: '三月考评', publishedBy: '钱领导' })
    expect(pub.json().items[0].note).toBe('办理及时')
    expect((await req('POST', '/api/evaluation/awards/publish', leader, body)).json().error.code).toBe('AWARDS_PUBLISHED')
    expect((await req('PUT', '/api/evaluation/awards', leader, body)).statusCode).toBe(409)

    // Frozen: a later case of 丙单位 in March changes the scores, not the published awards.
    await makeCase(t.db, { regionCode: VILLAGE, state: 'closed', unit: ids.u3, rating: 'satisfied', supervision: 'red', now: at(25) })
    await folder.fold()
    const after = await ok(`/api/evaluation/awards?period=${PERIOD}&regionCode=${TOWN}`, townHandler)
    expect(after.items).toEqual(pub.json().items)
    const latest = await ok(`/api/evaluation/awards/latest?regionCode=${TOWN}`, townHandler)
    expect(latest.awards).toMatchObject({ period: PERIOD, state: 'published' })
    expect((await req('GET', `/api/evaluation/awards/latest?regionCode=${TOWN}`, otherTown)).statusCode).toBe(404)
  })
})

describe('formula versions', () => {
  it('a new version holds from its month on; months before keep the old one; only county admins; never a past month', async () => {
    const now = new Date()
    const thisMonth = cnDate(now).slice(0, 7)
    const [y, m] = thisMonth.split('-').map(Number)
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
    const before = await ok(`/api/evaluation/units?period=${PERIOD}&regionCode=${TOWN}`)
    const { weights } = before.formula
    const v2 = { ...weights, unit: { responseRate: 0, onTimeRate: 0, satisfactionRate: 100, closeRate: 0 } }

    for (const who of [townAdmin, leader, townHandler]) expect((await req('POST', '/api/evaluation/formulas', who, { weights: v2, effectiveFrom: next })).statusCode).toBe(403)
    const past = await req('POST', '/api/evaluation/formulas', admin, { weights: v2, effectiveFrom: PERIOD })
    expect(past.statusCode).toBe(400)
    expect(past.json().error.code).toBe('FORMULA_PAST_MONTH')
    expect(
      (await req('POST', '/api/evaluation/formulas', admin, { weights: { ...v2, unit: { responseRate: 0, onTimeRate: 0, satisfactionRate: 0, closeRate: 0 } }, effectiveFrom: next })).statusCode,
    ).toBe(400)
    expect((await req('POST', '/api/evaluation/formulas', admin, { weights: { ...v2, unit: { ...v2.unit, closeRate: -1 } }, effectiveFrom: next })).statusCode).toBe(400)

    const made = await req('POST', '/api/evaluation/formulas', admin, { weights: v2, effectiveFrom: next, note: '只看满意率' })
    expect(made.statusCode, made.body).toBe(201)
    expect(made.json()).toMatchObject({ version: 2, effectiveFrom: next })

    // Cases of 乙单位 received next month: scored with v2 (satisfaction only: 2 of 3 → 66.67).
    const mid = new Date(`${next}-15T10:00:00+08:00`)
    await makeCase(t.db, { regionCode: VILLAGE, state: 'closed', unit: ids.u2, rating: 'satisfied', now: mid })
    await makeCase(t.db, { regionCode: VILLAGE, state: 'closed', unit: ids.u2, rating: 'satisfied', now: mid })
    await makeCase(t.db, { regionCode: VILLAGE, state: 'reopened', unit: ids.u2, now: mid })
    await folder.fold()
    const later = await ok(`/api/evaluation/units?period=${next}&regionCode=${TOWN}`)
    expect(later.formula).toMatchObject({ version: 2, effectiveFrom: next })
    expect(later.rows[0]).toMatchObject({ key: ids.u2, received: 3, satisfactionRate: 0.6667, base: 66.67, score: 66.67 })
    // March keeps version 1 and its scores (丙单位 has 2 cases now, still too few).
    const again = await ok(`/api/evaluation/units?period=${PERIOD}&regionCode=${TOWN}`)
    expect(again.formula.version).toBe(1)
    expect(again.rows.slice(0, 2).map((r: { score: number }) => r.score)).toEqual([79.25, 56.34])
    const list = await ok('/api/evaluation/formulas', townHandler)
    expect(list.items.map((f: { version: number }) => f.version)).toEqual([2, 1])
  })
})
