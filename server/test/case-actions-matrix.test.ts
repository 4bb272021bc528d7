import { CASE_ACTIONS, CASE_STATES, ERROR_CODES } from '@minqing/common'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from './app.ts'
import { makeCase, makeDiaryEntry, makeHousehold, makePerson, type MakeCaseOptions, makeUnit, makeUser, type MadeUser } from './factories.ts'

/*
 * The case lifecycle, action × state × role, against a LITERAL table (issue 12): written here by hand from the
 * rules as they should be, never derived from the code's own table. Each cell gets a fresh case in its state
 * (makeCase) and one POST /api/cases/:id/actions/:action with a valid body.
 *
 * Where: the case sits in grid 330683105212001 of 雅璜村 (石璜镇), raised there by a grid worker (the reporter).
 * Roles:
 *   D  the level's dispatcher: the village cadre of 雅璜村 for a grid- or village-level case, the 石璜镇 town
 *      handler for a town-level one (the 'escalated' column is at town level)
 *   H  the handling unit's handler (a member of the unit the case was dispatched to)
 *   L  a leader of 石璜镇 (cases.claim, cases.supervise — and cases.dispatch, so a dispatcher as well)
 *   R  the reporter: the grid worker who raised the case
 *   V  a volunteer of 雅璜村: volunteers read only the cases they reported themselves (issue 15), so like O every
 *      cell answers 404 — the case does not exist for them
 *   O  a village cadre of another town (王院村): every cell answers 404, the case does not exist for them
 * Cells: '-' the state does not allow the action: 409 INVALID_TRANSITION for every role that sees the case;
 *        letters: those roles get 200 (and the case lands in the action's state), the others 403;
 *        '.' the state allows it but none of these roles may: 403 for all.
 * Columns are the states, plus two kinds of replied case for "staff never rate their own handling" (defect 3):
 *   spot  replied by resolve_on_spot — the reporter (grid worker) resolved it himself, so he handled it
 *   claim replied by the leader who claimed it (the reporter did not handle it)
 * The row `rate:unsatisfied` is `rate` with rating 不满意 (defect 1): the case goes to 'reopened', reopenCount + 1.
 */
const TABLE = `
                   new   disp  acc   repl  spot  claim close ret   ext   esc   reop  rej   merg
dispatch           DL    -     -     -     -     -     -     DL    -     DL    DL    -     -
accept             -     H     -     -     -     -     -     -     -     -     -     -     -
return             -     H     -     -     -     -     -     -     -     -     -     -     -
transfer           -     DL    DL    -     -     -     -     -     -     -     -     -     -
extend             -     -     H     -     -     -     -     -     -     -     -     -     -
approve_extension  -     -     -     -     -     -     -     -     DL    -     -     -     -
escalate           DLR   DHL   DHL   -     -     -     -     DL    -     DL    DL    -     -
claim              L     L     L     -     -     -     -     L     -     L     L     -     -
urge               DL    DL    DL    -     -     -     -     DL    DL    DL    DL    -     -
supervise          L     L     L     -     -     -     -     L     L     L     L     -     -
reply              -     -     H     -     -     -     -     -     -     -     -     -     -
rate               -     -     -     R     .     R     -     -     -     -     -     -     -
rate:unsatisfied   -     -     -     R     .     R     -     -     -     -     -     -     -
reopen             -     -     -     DL    DL    DL    -     -     -     -     -     -     -
merge              DL    DL    -     -     -     -     -     -     -     DL    DL    -     -
reject             DL    -     -     -     -     -     -     -     -     DL    DL    -     -
resolve_on_spot    R     -     -     -     -     -     -     -     -     -     -     -     -
`

/** Where each row's 200 leaves the case ('same': a mark, the state stays). */
const LEADS_TO: Record<string, string> = {
  dispatch: 'dispatched',
  accept: 'accepted',
  return: 'returned',
  transfer: 'dispatched',
  extend: 'extension_requested',
  approve_extension: 'accepted',
  escalate: 'escalated',
  claim: 'accepted',
  urge: 'same',
  supervise: 'same',
  reply: 'replied',
  rate: 'closed',
  'rate:unsatisfied': 'reopened',
  reopen: 'reopened',
  merge: 'merged',
  reject: 'rejected',
  resolve_on_spot: 'replied',
}

const COLUMN_STATE: Record<string, string> = {
  new: 'new',
  disp: 'dispatched',
  acc: 'accepted',
  repl: 'replied',
  spot: 'replied',
  claim: 'replied',
  close: 'closed',
  ret: 'returned',
  ext: 'extension_requested',
  esc: 'escalated',
  reop: 'reopened',
  rej: 'rejected',
  merg: 'merged',
}
const COLUMN_NAME: Record<string, string> = { spot: 'replied(on the spot by the reporter)', claim: 'replied(by a claiming leader)' }

type RoleName = 'dispatcher' | 'handler' | 'leader' | 'reporter' | 'volunteer' | 'other'
const ROLE_OF: Record<string, RoleName> = { D: 'dispatcher', H: 'handler', L: 'leader', R: 'reporter', V: 'volunteer' }
const ROLES: RoleName[] = ['dispatcher', 'handler', 'leader', 'reporter', 'volunteer', 'other']

interface Cell {
  name: string
  row: string
  action: string
  column: string
  role: RoleName
  status: 200 | 403 | 404 | 409
}

function parseTable(): Cell[] {
  const [header, ...rows] = TABLE.trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
  const cells: Cell[] = []
  for (const [row, ...tokens] of rows) {
    if (tokens.length !== header.length) throw new Error(`table row ${row}: ${tokens.length} cells for ${header.length} columns`)
    tokens.forEach((token, i) => {
      const column = header[i]
      for (const role of ROLES) {
        const status = role === 'other' || role === 'volunteer' ? 404 : token === '-' ? 409 : [...token].some((l) => ROLE_OF[l] === role) ? 200 : 403
        cells.push({ name: `${row} × ${COLUMN_NAME[column] ?? COLUMN_STATE[column]} × ${role} → ${status}`, row, action: row.split(':')[0], column, role, status })
      }
    })
  }
  return cells
}
const CELLS = parseTable()

const COUNTY = '330683'
const TOWN = '330683105' // 石璜镇
const V = '330683105212' // 雅璜村
const G = V + '001'
const OTHER_V = '330683106220' // 王院村, another town

let t: Awaited<ReturnType<typeof createTestApp>>
let users: Record<RoleName | 'townDispatcher', MadeUser>
let unit: string // the handling unit
let otherUnit: string // where a transfer goes
let mergeTarget: string // an open case of the same grid that merges go into (a merge only adds a row to it)

beforeAll(async () => {
  t = await createTestApp()
  unit = (await makeUnit(t.db, V, { name: '雅璜村村委会', kind: 'village_committee' })).id
  otherUnit = (await makeUnit(t.db, V, { name: '雅璜村调解委员会', kind: 'village_committee' })).id
  await makeUser(t.db, { roles: ['admin'], regionCode: COUNTY }) // the county exists with someone in it
  const [dispatcher, townDispatcher, handler, leader, reporter, volunteer, other] = await Promise.all([
    makeUser(t.db, { roles: ['village_cadre'], regionCode: V, name: '村干部' }),
    makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN, name: '镇交办员' }),
    makeUser(t.db, { roles: ['dept_handler'], regionCode: V, unitId: unit, name: '承办人' }),
    makeUser(t.db, { roles: ['leader'], regionCode: TOWN, name: '镇领导' }),
    makeUser(t.db, { roles: ['grid_worker'], regionCode: G, name: '网格员' }),
    makeUser(t.db, { roles: ['volunteer'], regionCode: V, name: '志愿者' }),
    makeUser(t.db, { roles: ['village_cadre'], regionCode: OTHER_V, name: '外村干部' }),
  ])
  users = { dispatcher, townDispatcher, handler, leader, reporter, volunteer, other }
  mergeTarget = (await makeCase(t.db, { regionCode: G, createdBy: reporter.id, state: 'dispatched', unit })).id
})
afterAll(() => t?.close())

/** The case a column stands for, fresh. */
function fixture(column: string) {
  const base: MakeCaseOptions = { regionCode: G, createdBy: users.reporter.id, dispatcher: users.dispatcher.id, category: 'traffic.streetlight' }
  const worked = { unit, handler: users.handler.id }
  const byColumn: Record<string, MakeCaseOptions> = {
    new: { state: 'new' },
    disp: { state: 'dispatched', unit },
    acc: { state: 'accepted', ...worked },
    repl: { state: 'replied', ...worked },
    spot: { state: 'replied', onSpot: true },
    claim: { state: 'replied', claimedBy: users.leader.id },
    close: { state: 'closed', ...worked },
    ret: { state: 'returned', unit },
    ext: { state: 'extension_requested', ...worked },
    esc: { state: 'escalated', level: 'town' },
    reop: { state: 'reopened', ...worked },
    rej: { state: 'rejected' },
    merg: { state: 'merged' },
  }
  return makeCase(t.db, { ...base, ...byColumn[column] })
}

/** A valid body for the row's action. */
function bodyFor(row: string): Record<string, unknown> {
  switch (row) {
    case 'dispatch':
      return { unitId: unit }
    case 'return':
      return { reason: '不属于本单位职责' }
    case 'transfer':
      return { unitId: otherUnit, reason: '转调解委员会' }
    case 'extend':
      return { days: 3, reason: '需要协调施工队' }
    case 'approve_extension':
      return { approved: true }
    case 'escalate':
      return { reason: '本级无法解决' }
    case 'urge':
      return { note: '请尽快办理' }
    case 'supervise':
      return { level: 'yellow' }
    case 'reply':
      return { result: '已更换灯泡' }
    case 'rate':
      return { rating: 'satisfied' }
    case 'rate:unsatisfied':
      return { rating: 'unsatisfied', comment: '还是不亮' }
    case 'reopen':
      return { reason: '答复没有说明处理结果' }
    case 'merge':
      return { intoCaseId: mergeTarget }
    case 'reject':
      return { reason: '不属于政府职责', kind: 'not_government' }
    case 'resolve_on_spot':
      return { result: '当场修好了' }
    default:
      return {}
  }
}

const ERROR_CODE: Record<number, string> = { 403: ERROR_CODES.FORBIDDEN, 404: ERROR_CODES.NOT_FOUND, 409: ERROR_CODES.INVALID_TRANSITION }

describe('case actions: action × state × role against the literal table', () => {
  it('the table covers every action and state', () => {
    const rows = new Set(CELLS.map((c) => c.action))
    const states = new Set(CELLS.map((c) => COLUMN_STATE[c.column]))
    expect([...rows].sort()).toEqual([...CASE_ACTIONS].sort())
    expect([...states].sort()).toEqual([...CASE_STATES].sort())
  })

  // Concurrent: each cell owns its case, so cells run side by side (vitest's maxConcurrency at a time).
  it.concurrent.for(CELLS)('$name', async (cell, { expect }) => {
    const c = await fixture(cell.column)
    const body = bodyFor(cell.row)
    const actor = cell.role === 'dispatcher' && c.level === 'town' ? users.townDispatcher : users[cell.role]
    const res = await t.app.inject({ method: 'POST', url: `/api/cases/${c.id}/actions/${cell.action}`, headers: actor.auth, payload: body })
    expect(res.statusCode, res.body).toBe(cell.status)
    const json = res.json()
    if (cell.status !== 200) {
      expect(json.error?.code, res.body).toBe(ERROR_CODE[cell.status])
      return
    }
    const to = LEADS_TO[cell.row] === 'same' ? c.state : LEADS_TO[cell.row]
    expect(json.state).toBe(to)
    // The action's own timeline row, new since the fixture.
    const before = new Set(c.events.map((e) => e.id))
    expect(json.events.filter((e: { id: string; action: string }) => !before.has(e.id)).map((e: { action: string }) => e.action)).toContain(cell.action)
    if (cell.row === 'rate:unsatisfied') expect(json.reopenCount).toBe(1)
  })
})

describe('rules the table cannot show', () => {
  it('a leader who raised, claimed and answered his own case may not rate it (staff never rate their own handling)', async () => {
    const c = await makeCase(t.db, { regionCode: G, state: 'replied', createdBy: users.leader.id, claimedBy: users.leader.id })
    const res = await t.app.inject({ method: 'POST', url: `/api/cases/${c.id}/actions/rate`, headers: users.leader.auth, payload: { rating: 'satisfied' } })
    expect(res.statusCode, res.body).toBe(403)
  })

  it("a case escalated to the town is no longer the village cadre's to dispatch, reject or merge", async () => {
    for (const [action, body] of [
      ['dispatch', { unitId: unit }],
      ['reject', { reason: '重复', kind: 'duplicate' }],
      ['merge', { intoCaseId: mergeTarget }],
    ] as const) {
      const c = await makeCase(t.db, { regionCode: G, state: 'escalated', level: 'town', createdBy: users.reporter.id })
      const res = await t.app.inject({ method: 'POST', url: `/api/cases/${c.id}/actions/${action}`, headers: users.dispatcher.auth, payload: body })
      expect(res.statusCode, `${action}: ${res.body}`).toBe(403)
    }
  })

  it('the reporter of a case resolved on the spot rates it through the tracking code (satisfied closes)', async () => {
    const c = await makeCase(t.db, { regionCode: G, state: 'replied', createdBy: users.reporter.id, onSpot: true, reporter: { phone: '13900004444' } })
    const res = await t.app.inject({ method: 'POST', url: `/api/public/reports/${c.trackingCode}/rating`, payload: { rating: 'satisfied' }, remoteAddress: '10.8.0.1' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ stage: 'closed', rating: 'satisfied' })
  })

  it('an unsatisfied rating through the tracking code reopens the case in front of its dispatcher', async () => {
    const c = await makeCase(t.db, { regionCode: G, state: 'replied', createdBy: users.reporter.id, unit, handler: users.handler.id, reporter: { phone: '13900005555' } })
    const res = await t.app.inject({ method: 'POST', url: `/api/public/reports/${c.trackingCode}/rating`, payload: { rating: 'unsatisfied', comment: '没修好' }, remoteAddress: '10.8.0.2' })
    expect(res.statusCode, res.body).toBe(200)
    const d = (await t.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: users.dispatcher.auth })).json()
    expect(d).toMatchObject({ state: 'reopened', reopenCount: 1 })
    expect(d.allowedActions).toContain('dispatch')
  })

  it('the second unsatisfied rating also goes one level up', async () => {
    const c = await makeCase(t.db, { regionCode: G, state: 'replied', createdBy: users.reporter.id, unit, handler: users.handler.id, reopenCount: 1 })
    const res = await t.app.inject({ method: 'POST', url: `/api/cases/${c.id}/actions/rate`, headers: users.reporter.auth, payload: { rating: 'unsatisfied' } })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ state: 'reopened', reopenCount: 2, level: 'village' })
  })
})

describe('factories', () => {
  const STATES: [string, MakeCaseOptions][] = [
    ['new', { state: 'new' }],
    ['dispatched', { state: 'dispatched' }],
    ['accepted', { state: 'accepted' }],
    ['accepted (claimed)', { state: 'accepted', claimedBy: 'leader' }],
    ['replied', { state: 'replied' }],
    ['replied (on the spot)', { state: 'replied', onSpot: true }],
    ['closed', { state: 'closed', rating: 'basically_satisfied' }],
    ['returned', { state: 'returned' }],
    ['extension_requested', { state: 'extension_requested', extensionDays: 5 }],
    ['escalated', { state: 'escalated' }],
    ['reopened', { state: 'reopened' }],
    ['rejected', { state: 'rejected' }],
    ['merged', { state: 'merged' }],
    ['dispatched, overdue and supervised', { state: 'dispatched', overdue: true, supervision: 'red', urgency: 'urgent' }],
    ['new from a resident with a phone', { state: 'new', createdBy: null, reporter: { phone: '13900001111', name: '王大爷' }, channel: 'qr' }],
    ['accepted, reported for a person of the archive', { state: 'accepted', reporter: { person: 'person' }, channel: 'hotline' }],
  ]

  it.for(STATES)('%s: the case detail and the tracking page render it', async ([, opts]) => {
    const made = await makeCase(t.db, {
      regionCode: G,
      createdBy: users.reporter.id,
      category: 'environment.garbage',
      ...opts,
      claimedBy: opts.claimedBy ? users.leader.id : undefined,
      reporter: opts.reporter && 'person' in opts.reporter ? { person: (await makePerson(t.db, { regionCode: V, name: '李阿婆' })).id } : opts.reporter,
    })
    const res = await t.app.inject({ method: 'GET', url: `/api/cases/${made.id}`, headers: users.leader.auth })
    expect(res.statusCode, res.body).toBe(200)
    const d = res.json()
    expect(d).toMatchObject({ id: made.id, number: made.number, state: made.state, level: made.level })
    expect(d.events[0].action).toBe('create')
    expect(d.events.at(-1).toState ?? made.state).toBe(made.state)
    expect(d.events.map((e: { id: string }) => e.id)).toEqual(expect.arrayContaining(made.events.map((e) => e.id)))
    if (['dispatched', 'accepted', 'extension_requested', 'replied', 'closed'].includes(made.state) && !opts.onSpot && !opts.claimedBy) expect(d.unit?.id).toBe(made.unitId)
    if (['accepted', 'extension_requested'].includes(made.state)) expect(d.handler?.id).toBe(made.handlerId)
    if (made.state === 'dispatched') expect(d.dueAt).not.toBeNull()
    if (['returned', 'extension_requested'].includes(made.state)) expect(d.paused).toBe(true)
    if (made.state === 'closed') expect(d).toMatchObject({ rating: 'basically_satisfied', closedAt: expect.any(String) })
    if (made.state === 'merged') expect(d.mergedInto).toBe(made.mergedInto)
    if (made.state === 'reopened') expect(d.reopenCount).toBe(1)
    if (opts.overdue) expect(d).toMatchObject({ overdue: true, supervision: 'red', urgency: 'urgent' })
    if (opts.reporter && 'phone' in opts.reporter) expect(d.reporter).toMatchObject({ kind: 'named', name: '王大爷', phone: '139****1111' })
    if (opts.reporter && 'person' in opts.reporter) expect(d.reporter).toMatchObject({ kind: 'person', personId: expect.any(String) })
    const pub = await t.app.inject({ method: 'GET', url: `/api/public/reports/${made.trackingCode}`, remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` })
    expect(pub.statusCode, pub.body).toBe(200)
    expect(pub.json().number).toBe(made.number)
  })

  it('makeHousehold, makePerson and makeDiaryEntry make rows the archive and diary read', async () => {
    const hh = await makeHousehold(t.db, { regionCode: V, phone: '13900002222' })
    const head = await makePerson(t.db, { household: hh.id, head: true, name: '张建国', phone: '13900003333' })
    const member = await makePerson(t.db, { household: hh.id, relation: '配偶' })
    const entry = await makeDiaryEntry(t.db, { author: users.dispatcher.id, regionCode: V, household: hh.id, concerns: ['路灯不亮', '垃圾没人收'] })
    expect(entry.concernIds).toHaveLength(2)
    const h = await t.app.inject({ method: 'GET', url: `/api/households/${hh.id}`, headers: users.dispatcher.auth })
    expect(h.statusCode, h.body).toBe(200)
    expect(JSON.stringify(h.json())).toContain(head.id)
    expect(JSON.stringify(h.json())).toContain(member.id)
    const p = await t.app.inject({ method: 'GET', url: `/api/persons/${head.id}`, headers: users.dispatcher.auth })
    expect(p.statusCode, p.body).toBe(200)
    expect(p.json()).toMatchObject({ name: '张建国' })
    const e = await t.app.inject({ method: 'GET', url: `/api/diary/${entry.id}`, headers: users.dispatcher.auth })
    expect(e.statusCode, e.body).toBe(200)
    expect(JSON.stringify(e.json())).toContain('垃圾没人收')
    // Out of sight as anything else of 雅璜村.
    expect((await t.app.inject({ method: 'GET', url: `/api/households/${hh.id}`, headers: users.other.auth })).statusCode).toBe(404)
  })
})
