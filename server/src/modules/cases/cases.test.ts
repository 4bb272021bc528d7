import { CASE_ACTION_TABLE, CASE_ACTIONS, CASE_QUEUE_TABLE, CASE_QUEUES, CASE_STATES, type CaseAction, type CaseQueue, type CaseState, queuesOf, TERMINAL_STATES } from '@minqing/common'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUnit, makeUser, type MadeUser } from '../../../test/factories.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let reporter: MadeUser // stationed cadre of 雅璜村 who raises cases
let town: MadeUser // 石璜镇 town handler: dispatches
let handler: MadeUser // member of the handling unit
let handler2: MadeUser // another member
let leader: MadeUser // county leader
let countyAdmin: MadeUser
let outsider: MadeUser // grid worker of the same village: no business with the case
let foreign: MadeUser // cadre of 王院村
let unitId: string
let otherUnitId: string
let officeId: string // 石璜镇人民政府: the unit of the reporter and the town dispatcher

const YAHUANG = '330683105212'

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, YAHUANG + '001')
  await makeRegion(t.db, '330683106220')
  const unit = await makeUnit(t.db, '330683105', { name: '石璜镇综合执法中队', kind: 'town_office' })
  const other = await makeUnit(t.db, '330683105', { name: '石璜镇农业服务中心', kind: 'town_office' })
  const townOffice = await makeUnit(t.db, '330683105', { name: '石璜镇人民政府', kind: 'town_office' })
  unitId = unit.id
  otherUnitId = other.id
  officeId = townOffice.id
  reporter = await makeUser(t.db, { roles: ['stationed_cadre'], station: 'village', regionCode: YAHUANG, unitId: townOffice.id })
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105', unitId: townOffice.id })
  handler = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105', unitId })
  handler2 = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105', unitId })
  leader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683' })
  countyAdmin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683' })
  outsider = await makeUser(t.db, { roles: ['grid_worker'], regionCode: YAHUANG })
  foreign = await makeUser(t.db, { roles: ['stationed_cadre'], station: 'village', regionCode: '330683106220' })
})
afterAll(() => t.close())

const raise = async (who = reporter, extra: object = {}) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: who.auth,
    payload: { regionCode: YAHUANG + '001', categoryCode: 'traffic.streetlight', title: '村口路灯不亮', description: '村口三盏路灯坏了一周', ...extra },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}
const act = (who: MadeUser, id: string, action: string, body: object = {}) => t.app.inject({ method: 'POST', url: `/api/cases/${id}/actions/${action}`, headers: who.auth, payload: body })
const ok = async (who: MadeUser, id: string, action: string, body: object = {}) => {
  const res = await act(who, id, action, body)
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200)
  return res.json()
}

describe('the closed loop (done-when path)', () => {
  it('raise → dispatch → accept → reply → unsatisfied (reopened) → escalate to county → leader claims → reply → satisfied → closed', async () => {
    const c = await raise()
    expect(c).toMatchObject({ state: 'new', level: 'grid', number: expect.stringMatching(/^MQ-\d{8}-\d{4}$/), reporter: { kind: 'user' } })
    await ok(town, c.id, 'dispatch', { unitId, note: '请尽快修复' })
    await ok(handler, c.id, 'accept')
    await ok(handler, c.id, 'reply', { result: '已更换灯泡' })
    // 不满意 puts the case back in front of the dispatchers at once (defect 1): reopened, no unit, no clock.
    const unhappy = await ok(reporter, c.id, 'rate', { rating: 'unsatisfied', comment: '只修好了一盏' })
    expect(unhappy).toMatchObject({ state: 'reopened', level: 'grid', reopenCount: 1, rating: null, ratingComment: null, unit: null, handler: null, dueAt: null })
    // The case's rating is its current answer's (none now); the 不满意 stays in the timeline, the rating history.
    expect(unhappy.events.at(-1)).toMatchObject({ action: 'rate', note: '只修好了一盏', data: { rating: 'unsatisfied' } })
    expect(unhappy.allowedActions).toEqual([])
    await ok(town, c.id, 'escalate', { reason: '网格无法解决' })
    await ok(town, c.id, 'escalate', { reason: '村级无法解决' })
    const atTown = await ok(town, c.id, 'escalate', { reason: '需要县级协调' })
    expect(atTown).toMatchObject({ state: 'escalated', level: 'county' })
    const atCounty = (await t.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: leader.auth })).json()
    expect(atCounty.allowedActions).not.toContain('escalate')
    const claimed = await ok(leader, c.id, 'claim', { note: '我来协调' })
    expect(claimed).toMatchObject({ state: 'accepted', claimedBy: { id: leader.id }, handler: { id: leader.id } })
    await ok(leader, c.id, 'reply', { result: '已协调供电公司全部修复' })
    const closed = await ok(reporter, c.id, 'rate', { rating: 'satisfied' })
    expect(closed).toMatchObject({ state: 'closed', rating: 'satisfied', closedAt: expect.any(String) })
    expect(closed.events.map((e: { action: string }) => e.action)).toEqual(['create', 'dispatch', 'accept', 'reply', 'rate', 'escalate', 'escalate', 'escalate', 'claim', 'reply', 'rate'])
    expect(closed.events.every((e: { at: string }) => e.at)).toBe(true)
    expect(closed.events.at(-1)).toMatchObject({ fromState: 'replied', toState: 'closed', actor: { id: reporter.id } })
    const notices = (await t.app.inject({ method: 'GET', url: '/api/notifications', headers: reporter.auth })).json()
    expect(notices.map((n: { kind: string }) => n.kind)).toEqual(expect.arrayContaining(['case.accept', 'case.reply', 'case.claim']))
  })
})

// Time limits, deadline marks, pauses and auto-close: clock.service.test.ts (service level, no app).

// ---- the whole matrix: every action in every state, by the right actor, a wrong one, and from outside ----
const BODIES: Record<CaseAction, () => object> = {
  dispatch: () => ({ unitId }),
  accept: () => ({}),
  return: () => ({ reason: '不属本单位职责' }),
  transfer: () => ({ unitId: otherUnitId, reason: '转农业服务中心' }),
  extend: () => ({ days: 2, reason: '等待材料' }),
  approve_extension: () => ({ approved: true }),
  escalate: () => ({ reason: '需上级协调' }),
  claim: () => ({}),
  urge: () => ({ note: '请加快' }),
  supervise: () => ({ level: 'yellow' }),
  reply: () => ({ result: '已处理' }),
  rate: () => ({ rating: 'satisfied' }),
  reopen: () => ({ reason: '仍未解决' }),
  merge: () => ({ intoCaseId: '' }),
  reject: () => ({ reason: '重复反映', kind: 'duplicate' }),
  resolve_on_spot: () => ({ result: '已当场解决' }),
}
const rightActor: Record<CaseAction, () => MadeUser> = {
  dispatch: () => town,
  accept: () => handler,
  return: () => handler,
  transfer: () => town,
  extend: () => handler,
  approve_extension: () => town,
  escalate: () => town,
  claim: () => leader,
  urge: () => leader,
  supervise: () => leader,
  reply: () => handler,
  rate: () => reporter,
  reopen: () => town,
  merge: () => town,
  reject: () => town,
  resolve_on_spot: () => reporter,
}

/** A case put straight into a state, with what that state implies (unit, handler, rating…). */
async function caseIn(state: CaseState, action: CaseAction) {
  const c = await raise(reporter, { categoryCode: null })
  const now = new Date()
  const unitSide = ['dispatched', 'accepted', 'extension_requested', 'replied', 'closed'].includes(state)
  await t.db
    .updateTable('cases')
    .set({
      state,
      level: action === 'resolve_on_spot' || state === 'new' ? 'grid' : 'village',
      unit_id: unitSide ? unitId : null,
      handler_id: unitSide ? handler.id : null,
      due_at: unitSide ? new Date(now.getTime() + 5 * 86_400_000) : null,
      paused_at: state === 'extension_requested' || state === 'returned' ? now : null,
      pending_extension_days: state === 'extension_requested' ? 2 : null,
      rating: null,
    })
    .where('id', '=', c.id)
    .execute()
  if (unitSide) await t.db.insertInto('case_events').values({ case_id: c.id, action: 'dispatch', actor_id: town.id, from_state: 'new', to_state: 'dispatched', data: '{}' }).execute()
  return c.id as string
}

describe('every action × every state × who', () => {
  let target: string
  beforeAll(async () => {
    target = (await raise(reporter, { categoryCode: null, title: '并案目标' })).id
  })

  for (const action of CASE_ACTIONS) {
    it(`${action}: 409 invalid_transition in every state it does not allow, allowed otherwise`, async () => {
      const def = CASE_ACTION_TABLE[action]
      for (const state of CASE_STATES) {
        const id = await caseIn(state, action)
        const body = action === 'merge' ? { intoCaseId: target } : BODIES[action]()
        const res = await act(rightActor[action](), id, action, body)
        if (def.from.includes(state)) expect(res.statusCode, `${action} in ${state}: ${res.body}`).toBe(200)
        else {
          expect(res.statusCode, `${action} in ${state}: ${res.body}`).toBe(409)
          expect(res.json().error.code).toBe('invalid_transition')
        }
      }
    })

    it(`${action}: 403 for someone in the area with no business in it, 404 from another village`, async () => {
      const def = CASE_ACTION_TABLE[action]
      const state = def.from[0]
      const id = await caseIn(state, action)
      const body = action === 'merge' ? { intoCaseId: target } : BODIES[action]()
      const wrong = await act(outsider, id, action, body)
      expect(wrong.statusCode, `${action} by outsider: ${wrong.body}`).toBe(403)
      expect(wrong.json().error.code).toBe('FORBIDDEN')
      const far = await act(foreign, id, action, body)
      expect(far.statusCode).toBe(404)
    })
  }

  it('an unknown action is a 404; a bad body is a 400', async () => {
    const c = await raise()
    expect((await act(town, c.id, 'teleport')).statusCode).toBe(404)
    const bad = await act(town, c.id, 'dispatch', { unitId: 'nope' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('VALIDATION_FAILED')
    expect((await act(town, c.id, 'dispatch', { unitId, extra: 1 })).statusCode).toBe(400)
  })
})

describe('concurrency and rules around the loop', () => {
  it('two handlers accepting the same case at once: exactly one wins', async () => {
    const c = await raise()
    await ok(town, c.id, 'dispatch', { unitId })
    const [a, b] = await Promise.all([act(handler, c.id, 'accept'), act(handler2, c.id, 'accept')])
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409])
    const detail = (await t.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: town.auth })).json()
    expect(detail.events.filter((e: { action: string }) => e.action === 'accept')).toHaveLength(1)
  })

  it('a rating by someone who is not the reporter is refused', async () => {
    const c = await raise()
    await ok(town, c.id, 'dispatch', { unitId })
    await ok(handler, c.id, 'accept')
    await ok(handler, c.id, 'reply', { result: '已修' })
    const res = await act(handler, c.id, 'rate', { rating: 'satisfied' })
    expect(res.statusCode).toBe(403)
    expect((await act(town, c.id, 'rate', { rating: 'satisfied' })).statusCode).toBe(403)
  })

  it('merging answers the merged case’s reporter when the target is replied', async () => {
    const target = await raise()
    const dup = await raise(outsider, { title: '路灯又坏了' })
    const merged = await ok(town, dup.id, 'merge', { intoCaseId: target.id })
    expect(merged).toMatchObject({ state: 'merged', mergedInto: target.id })
    await ok(town, target.id, 'dispatch', { unitId })
    await ok(handler, target.id, 'accept')
    await ok(handler, target.id, 'reply', { result: '全部修复' })
    const dupNow = (await t.app.inject({ method: 'GET', url: `/api/cases/${dup.id}`, headers: town.auth })).json()
    expect(dupNow.events.map((e: { action: string }) => e.action)).toContain('answered_via_merge')
    const notes = await t.db.selectFrom('notifications').select('kind').where('user_id', '=', outsider.id).where('case_id', '=', dup.id).execute()
    expect(notes.map((n) => n.kind)).toContain('case.reply')
  })

  it('the dispatcher sees the suggested unit; an override is recorded', async () => {
    await t.app.inject({ method: 'POST', url: '/api/routing-rules', headers: countyAdmin.auth, payload: { categoryCode: 'traffic', regionCode: '330683105', level: 'town', unitId } })
    const c = await raise()
    expect(c.suggestedUnit).toMatchObject({ id: unitId })
    const d = await ok(town, c.id, 'dispatch', { unitId: otherUnitId })
    expect(d.events.at(-1).data).toMatchObject({ override: true, suggestedUnitId: unitId, unitId: otherUnitId })
  })

  it('refuses cases outside the area (403), unknown categories (400), and is idempotent by clientId', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/cases', headers: reporter.auth, payload: { regionCode: '330683106220', title: 'x', description: 'x' } })).statusCode).toBe(403)
    const bad = await t.app.inject({ method: 'POST', url: '/api/cases', headers: reporter.auth, payload: { regionCode: YAHUANG, categoryCode: 'nope', title: 'x', description: 'x' } })
    expect(bad.json().error.code).toBe('UNKNOWN_CATEGORY')
    const body = { regionCode: YAHUANG, title: '重复提交', description: 'x', clientId: 'case-client-0001' }
    const a = await t.app.inject({ method: 'POST', url: '/api/cases', headers: reporter.auth, payload: body })
    const b = await t.app.inject({ method: 'POST', url: '/api/cases', headers: reporter.auth, payload: body })
    expect([a.statusCode, b.statusCode]).toEqual([201, 200])
    expect(b.json().id).toBe(a.json().id)
  })

  it('a diary concern becomes a case in one step, once', async () => {
    const entry = await t.app.inject({
      method: 'POST',
      url: '/api/diary',
      headers: reporter.auth,
      payload: { clientId: 'diary-to-case-1', kind: 'village', text: '走访中群众反映水渠堵塞', concerns: ['水渠堵塞'] },
    })
    const concernId = entry.json().concerns[0].id
    const c = await t.app.inject({ method: 'POST', url: '/api/cases', headers: reporter.auth, payload: { regionCode: YAHUANG, title: '水渠堵塞', description: '群众反映', diaryConcernId: concernId } })
    expect(c.statusCode).toBe(201)
    expect(c.json()).toMatchObject({ channel: 'diary', diaryEntryId: entry.json().id })
    const again = await t.app.inject({ method: 'POST', url: '/api/cases', headers: reporter.auth, payload: { regionCode: YAHUANG, title: '水渠堵塞', description: 'x', diaryConcernId: concernId } })
    expect(again.json().error.code).toBe('CONCERN_ALREADY_RAISED')
    const diary = (await t.app.inject({ method: 'GET', url: `/api/diary/${entry.json().id}`, headers: reporter.auth })).json()
    expect(diary.concerns[0].caseId).toBe(c.json().id)
  })

  it('work queues: to dispatch for the town (with a true total), to accept for the unit, mine for the reporter', async () => {
    const c = await raise()
    const first = (await t.app.inject({ method: 'GET', url: '/api/cases?queue=to_dispatch&limit=1', headers: town.auth })).json()
    const all = (await t.app.inject({ method: 'GET', url: '/api/cases?queue=to_dispatch&limit=200', headers: town.auth })).json()
    expect(first.items).toHaveLength(1)
    expect(first.total).toBe(all.total)
    expect(all.items.map((x: { id: string }) => x.id)).toContain(c.id)
    expect((await t.app.inject({ method: 'GET', url: '/api/cases?queue=to_dispatch', headers: outsider.auth })).json().total).toBe(0)
    // a new grid case reaches the nearest dispatchers above it: the town
    const notes = await t.db.selectFrom('notifications').select('user_id').where('case_id', '=', c.id).where('kind', '=', 'case.new').execute()
    expect(notes.map((n) => n.user_id)).toContain(town.id)
    await ok(town, c.id, 'dispatch', { unitId })
    const toAccept = (await t.app.inject({ method: 'GET', url: '/api/cases?queue=to_accept', headers: handler2.auth })).json()
    expect(toAccept.items.map((x: { id: string }) => x.id)).toContain(c.id)
    const mine = (await t.app.inject({ method: 'GET', url: '/api/cases?queue=mine&limit=200', headers: reporter.auth })).json()
    expect(mine.items.map((x: { id: string }) => x.id)).toContain(c.id)
    // 我反映的 lists the newest report first, not the nearest due date (a new case has none yet and sank to the end).
    const later = await raise()
    const top = (await t.app.inject({ method: 'GET', url: '/api/cases?queue=mine&limit=1', headers: reporter.auth })).json()
    expect(top.items.map((x: { id: string }) => x.id)).toEqual([later.id])
    expect((await t.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: foreign.auth })).statusCode).toBe(404)
    const listed = (await t.app.inject({ method: 'GET', url: '/api/cases?limit=200', headers: foreign.auth })).json()
    expect(listed.items.map((x: { id: string }) => x.id)).not.toContain(c.id)
  })

  it('notifications can be listed and marked read', async () => {
    const list = (await t.app.inject({ method: 'GET', url: '/api/notifications?unread=true', headers: handler.auth })).json()
    expect(list.length).toBeGreaterThan(0)
    const res = await t.app.inject({ method: 'POST', url: '/api/notifications/read', headers: handler.auth, payload: { all: true } })
    expect(res.json().updated).toBeGreaterThanOrEqual(list.length)
    expect((await t.app.inject({ method: 'GET', url: '/api/notifications?unread=true', headers: handler.auth })).json()).toEqual([])
  })
})

describe('the lifecycle table: queues, ratings by whom (issue 12, defects 1 and 3)', () => {
  const queueHas = async (who: MadeUser, queue: string, c: { id: string; number: string }) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/cases?queue=${queue}&limit=200&q=${encodeURIComponent(c.number)}`, headers: who.auth })
    expect(res.statusCode, res.body).toBe(200)
    return res.json().items.some((x: { id: string }) => x.id === c.id)
  }
  const numberOf = async (id: string) => (await t.db.selectFrom('cases').select('number').where('id', '=', id).executeTakeFirstOrThrow()).number

  it('apart from terminal states, every state is in some responsible person’s queue', async () => {
    const responsible = { town, handler, leader }
    for (const state of CASE_STATES.filter((s) => !TERMINAL_STATES.includes(s))) {
      // The table says so…
      expect(queuesOf(state), state).not.toEqual([])
      // …and the queues, asked as their people ask them, show it.
      const id = await caseIn(state, 'dispatch')
      const c = { id, number: await numberOf(id) }
      const seenBy: string[] = []
      for (const [name, who] of Object.entries(responsible)) for (const queue of CASE_QUEUES.filter((q) => q !== 'mine')) if (await queueHas(who, queue, c)) seenBy.push(`${name}:${queue}`)
      expect(seenBy, `${state} is in nobody's queue`).not.toEqual([])
      // An extension request waits for the dispatcher who must approve it, not only in the handler's 办理中.
      if (state === 'extension_requested') {
        expect(queuesOf(state).some((q) => CASE_QUEUE_TABLE[q].owner === 'dispatcher')).toBe(true)
        expect(seenBy.filter((s) => s.startsWith('town:') && CASE_QUEUE_TABLE[s.slice(5) as CaseQueue].owner === 'dispatcher')).not.toEqual([])
      }
    }
  })

  it('待审批 (to_approve): an extension request is in its level’s dispatchers’ queue, not another town’s, and leaves it when decided', async () => {
    const otherTown = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683106' })
    const c = await raise()
    await ok(town, c.id, 'dispatch', { unitId })
    await ok(handler, c.id, 'accept')
    const c2 = { id: c.id, number: await numberOf(c.id) }
    expect(await queueHas(town, 'to_approve', c2)).toBe(false)
    await ok(handler, c.id, 'extend', { days: 2, reason: '需要采购灯具' })
    expect(await queueHas(town, 'to_approve', c2)).toBe(true)
    // The handler still sees their request in 办理中; a stationed cadre (no dispatching) has no 待审批 at all.
    expect(await queueHas(handler, 'in_progress', c2)).toBe(true)
    expect(await queueHas(reporter, 'to_approve', c2)).toBe(false)
    // The handler is a town handler, a dispatcher too: never one who approves their own (or their unit's) request.
    expect(await queueHas(handler, 'to_approve', c2)).toBe(false)
    expect(await queueHas(handler2, 'to_approve', c2)).toBe(false)
    const own = await act(handler, c.id, 'approve_extension', { approved: true })
    expect(own.statusCode, own.body).toBe(403)
    expect((await t.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: handler.auth })).json().allowedActions).not.toContain('approve_extension')
    expect((await t.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: town.auth })).json().allowedActions).toContain('approve_extension')
    // Another town's dispatcher sees neither the queue entry nor the case, and cannot approve it.
    expect(await queueHas(otherTown, 'to_approve', c2)).toBe(false)
    expect((await t.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: otherTown.auth })).statusCode).toBe(404)
    expect((await act(otherTown, c.id, 'approve_extension', { approved: true })).statusCode).toBe(404)
    await ok(town, c.id, 'approve_extension', { approved: true })
    expect(await queueHas(town, 'to_approve', c2)).toBe(false)
  })

  it('不满意 reopens the case into the dispatchers’ 待交办 queue; from the second time it also goes one level up', async () => {
    const c = await raise()
    const round = async () => {
      await ok(town, c.id, 'dispatch', { unitId })
      await ok(handler, c.id, 'accept')
      await ok(handler, c.id, 'reply', { result: '已处理' })
      return ok(reporter, c.id, 'rate', { rating: 'unsatisfied', comment: '没解决' })
    }
    const first = await round()
    expect(first).toMatchObject({ state: 'reopened', level: 'grid', reopenCount: 1, rating: null, unit: null })
    expect(first.events.at(-1)).toMatchObject({ action: 'rate', fromState: 'replied', toState: 'reopened', data: { rating: 'unsatisfied', reopenCount: 1, escalated: false } })
    expect(await queueHas(town, 'to_dispatch', c)).toBe(true)
    const told = await t.db.selectFrom('notifications').select('user_id').where('case_id', '=', c.id).where('kind', '=', 'case.rate').execute()
    expect(told.map((n) => n.user_id)).toEqual(expect.arrayContaining([town.id, handler.id]))
    const second = await round()
    expect(second).toMatchObject({ state: 'reopened', level: 'village', reopenCount: 2 })
    expect(second.events.at(-1).data).toMatchObject({ escalated: true, level: 'village' })
    expect(await queueHas(town, 'to_dispatch', c)).toBe(true)
  })

  it('a dispatcher may reopen an inadequate answer before it is rated; the reporter rates instead', async () => {
    const c = await raise()
    await ok(town, c.id, 'dispatch', { unitId })
    await ok(handler, c.id, 'accept')
    await ok(handler, c.id, 'reply', { result: '已处理' })
    expect((await act(reporter, c.id, 'reopen', { reason: '我要重办' })).statusCode).toBe(403)
    const reopened = await ok(town, c.id, 'reopen', { reason: '答复不充分' })
    expect(reopened).toMatchObject({ state: 'reopened', reopenCount: 1, rating: null })
  })

  it('staff never rate their own handling: on-the-spot and accepted-by-themselves cases answer 403; the reporter rates by tracking code', async () => {
    const c = await raise(reporter, { reporter: { name: '王大妈', phone: '13900001111' } })
    expect(c.trackingCode).toMatch(/^[A-Z0-9]{10}$/)
    const spot = await ok(reporter, c.id, 'resolve_on_spot', { result: '当场联系电工修好' })
    expect(spot.allowedActions).not.toContain('rate')
    const self = await act(reporter, c.id, 'rate', { rating: 'satisfied' })
    expect(self.statusCode, self.body).toBe(403)
    expect(self.json().error.code).toBe('FORBIDDEN')
    const resident = await t.app.inject({ method: 'POST', url: `/api/public/reports/${c.trackingCode}/rating`, payload: { rating: 'satisfied' } })
    expect(resident.statusCode, resident.body).toBe(200)
    expect(resident.json()).toMatchObject({ stage: 'closed', rating: 'satisfied' })

    // Accepted by the reporter's own unit, then transferred and answered by another: the reporter accepted it once.
    const d = await raise()
    await ok(town, d.id, 'dispatch', { unitId: officeId })
    await ok(reporter, d.id, 'accept')
    await ok(town, d.id, 'transfer', { unitId, reason: '转执法中队' })
    await ok(handler, d.id, 'accept')
    await ok(handler, d.id, 'reply', { result: '已修' })
    const detail = (await t.app.inject({ method: 'GET', url: `/api/cases/${d.id}`, headers: reporter.auth })).json()
    expect(detail.allowedActions).not.toContain('rate')
    expect((await act(reporter, d.id, 'rate', { rating: 'satisfied' })).statusCode).toBe(403)
  })

  it('a raised case answers its tracking code only when the reporter left a phone', async () => {
    expect((await raise()).trackingCode).toBeNull()
    expect((await raise(reporter, { reporter: { name: '李四', phone: '13900002222' } })).trackingCode).toMatch(/^[A-Z0-9]{10}$/)
  })

  it('a case out of sight answers 404 whatever the body; an unknown action or bad body on a visible case as before', async () => {
    const c = await raise()
    for (const body of [{ unitId: 'nope' }, { extra: 1 }, {}]) expect((await act(foreign, c.id, 'dispatch', body)).statusCode).toBe(404)
    expect((await act(town, c.id, 'dispatch', { unitId: 'nope' })).statusCode).toBe(400)
    const badId = await act(town, 'not-a-uuid', 'dispatch', { unitId })
    expect(badId.statusCode).toBe(400)
    const unknown = await act(town, c.id, 'teleport')
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().error.code).toBe('ROUTE_NOT_FOUND')
    // An action whose fields are all optional may come without a body.
    await ok(town, c.id, 'dispatch', { unitId })
    const bare = await t.app.inject({ method: 'POST', url: `/api/cases/${c.id}/actions/accept`, headers: handler.auth })
    expect(bare.statusCode, bare.body).toBe(200)
  })

  it('the OpenAPI document shows each action’s own body', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json()
    for (const action of CASE_ACTIONS) {
      const op = doc.paths[`/api/cases/{id}/actions/${action}`]?.post
      expect(op, action).toBeTruthy()
      expect(op.requestBody.content['application/json'].schema.properties, action).toBeTruthy()
    }
    expect(doc.paths['/api/cases/{id}/actions/dispatch'].post.requestBody.content['application/json'].schema.required).toContain('unitId')
  })
})
