import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeCase, makeRegion, makeUnit, makeUser, type MadeUser } from '../../../test/factories.ts'

// 契约化共建 (issue 16): 谈约 → 签约 → 亮约 → 履约 → 评约 only in order, each step an event row; items locked after
// signing; log entries linked to a case or task in sight; access by the community's area (and the partner unit).
const TOWN = '330683105'
const V = '330683105212'
const OV = '330683105213'
const OTHER_TOWN = '330683106'

let t: Awaited<ReturnType<typeof createTestApp>>
let handler: MadeUser
let cadre: MadeUser // the community's cadre: writes its pacts
let otherCadre: MadeUser // another village of the town
let outsider: MadeUser
let unitStaff: MadeUser // staff of the partner unit: reads its pacts
let gridWorker: MadeUser
let partner: { id: string; name: string }
let office: { id: string; name: string }

const req = (who: MadeUser, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => t.app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) })
const pact = (o: Record<string, unknown> = {}) => ({
  title: '县人民医院—雅璜村共建契约',
  partnerUnitId: partner.id,
  regionCode: V,
  year: 2026,
  items: [
    { direction: 'unit_to_community', resource: 'medical', content: '每月一次义诊' },
    { direction: 'community_to_unit', resource: 'venue', content: '提供村文化礼堂作为健康讲座场地' },
  ],
  ...o,
})
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)

beforeAll(async () => {
  t = await createTestApp()
  handler = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V })
  otherCadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: OV })
  outsider = await makeUser(t.db, { roles: ['town_handler'], regionCode: OTHER_TOWN })
  gridWorker = await makeUser(t.db, { roles: ['grid_worker'], regionCode: V })
  partner = await makeUnit(t.db, '330683', { name: '嵊州市人民医院', kind: 'partner' })
  office = await makeUnit(t.db, TOWN, { name: '石璜镇综治办', kind: 'town_office' })
  unitStaff = await makeUser(t.db, { roles: ['dept_handler'], regionCode: '330683', unitId: partner.id })
})
afterAll(() => t.close())

describe('pacts', () => {
  it('walks 谈约 → 签约 → 亮约 → 履约 → 评约 in order, an event row per step; wrong steps are 409', async () => {
    const c = await req(cadre, 'POST', '/api/pacts', pact())
    expect(c.statusCode).toBe(201)
    const id = c.json().id as string
    expect(c.json()).toMatchObject({ state: 'negotiating', partnerUnitName: '嵊州市人民医院', regionCode: V, canWrite: true })
    expect(c.json().items).toHaveLength(2)
    // Out of order: publish, fulfil, rate, log before signing.
    for (const [url, body] of [
      ['publish', {}],
      ['fulfil', {}],
      ['rate', { score: 90, comment: '好' }],
    ] as const) {
      const r = await req(cadre, 'POST', `/api/pacts/${id}/${url}`, body)
      expect(r.statusCode).toBe(409)
      expect(r.json().error).toMatchObject({ code: 'invalid_transition', details: { state: 'negotiating' } })
    }
    expect((await req(cadre, 'POST', `/api/pacts/${id}/logs`, { doneOn: today(), content: 'x' })).json().error.code).toBe('invalid_transition')
    // Negotiating: items change.
    const added = await req(cadre, 'POST', `/api/pacts/${id}/items`, { direction: 'unit_to_community', resource: 'volunteer', content: '医护志愿者参与村健康日' })
    expect(added.statusCode).toBe(201)
    expect(added.json().items).toHaveLength(3)
    const extra = added.json().items.find((i: { resource: string }) => i.resource === 'volunteer')
    expect((await req(cadre, 'DELETE', `/api/pacts/${id}/items/${extra.id}`)).json().items).toHaveLength(2)

    const signed = await req(cadre, 'POST', `/api/pacts/${id}/sign`, { signedOn: today(), signatories: '院长 张明;村书记 王建国' })
    expect(signed.statusCode).toBe(200)
    expect(signed.json()).toMatchObject({ state: 'signed', signedOn: today(), signatories: '院长 张明;村书记 王建国' })
    // Signed: items are locked, and signing twice is a bad transition.
    const locked = await req(cadre, 'POST', `/api/pacts/${id}/items`, { direction: 'unit_to_community', resource: 'funds', content: '资助 1 万元' })
    expect(locked.statusCode).toBe(409)
    expect(locked.json().error.code).toBe('PACT_LOCKED')
    const itemId = signed.json().items[0].id
    expect((await req(cadre, 'DELETE', `/api/pacts/${id}/items/${itemId}`)).json().error.code).toBe('PACT_LOCKED')
    expect((await req(cadre, 'POST', `/api/pacts/${id}/sign`, { signedOn: today(), signatories: 'x' })).statusCode).toBe(409)
    // Not on the board until published.
    expect((await req(handler, 'GET', '/api/pacts?board=true')).json().items.map((p: { id: string }) => p.id)).not.toContain(id)
    expect((await req(cadre, 'POST', `/api/pacts/${id}/publish`, {})).json().state).toBe('published')
    expect((await req(handler, 'GET', '/api/pacts?board=true')).json().items.map((p: { id: string }) => p.id)).toContain(id)
    expect((await req(cadre, 'POST', `/api/pacts/${id}/rate`, { score: 90, comment: '好' })).statusCode).toBe(409)
    expect((await req(cadre, 'POST', `/api/pacts/${id}/fulfil`, {})).json().state).toBe('fulfilling')

    // 履约: entries linked to an item, a case and a task in sight.
    const kase = await makeCase(t.db, { regionCode: V })
    const task = await req(handler, 'POST', '/api/tasks', {
      title: '义诊志愿服务',
      regionCode: V,
      startsAt: new Date(Date.now() + 86400_000).toISOString(),
      endsAt: new Date(Date.now() + 2 * 86400_000).toISOString(),
      slots: 3,
      audience: 'any',
    })
    expect(task.statusCode).toBe(201)
    const l1 = await req(cadre, 'POST', `/api/pacts/${id}/logs`, { doneOn: today(), content: '11月义诊,服务村民 56 人', itemId, caseId: kase.id })
    expect(l1.statusCode).toBe(201)
    const l2 = await req(cadre, 'POST', `/api/pacts/${id}/logs`, { doneOn: today(), content: '志愿者招募', taskId: task.json().id })
    expect(l2.statusCode).toBe(201)
    const logs = l2.json().logs
    expect(logs).toHaveLength(2)
    expect(logs.find((l: { caseId: string | null }) => l.caseId === kase.id)).toMatchObject({ caseNumber: kase.number, itemId })
    expect(logs.find((l: { taskId: string | null }) => l.taskId === task.json().id)).toMatchObject({ taskTitle: '义诊志愿服务', taskState: 'open' })

    const rated = await req(cadre, 'POST', `/api/pacts/${id}/rate`, { score: 92, comment: '义诊及时,村民满意' })
    expect(rated.statusCode).toBe(200)
    expect(rated.json()).toMatchObject({ state: 'rated', ratingScore: 92, ratingComment: '义诊及时,村民满意' })
    expect(rated.json().events.map((e: { action: string; to: string }) => `${e.action}:${e.to}`)).toEqual(['create:negotiating', 'sign:signed', 'publish:published', 'fulfil:fulfilling', 'rate:rated'])
    // Done: no more steps or log entries.
    expect((await req(cadre, 'POST', `/api/pacts/${id}/rate`, { score: 10, comment: '再评' })).statusCode).toBe(409)
    expect((await req(cadre, 'POST', `/api/pacts/${id}/logs`, { doneOn: today(), content: 'x' })).statusCode).toBe(409)
    const events = await t.db
      .selectFrom('pact_events' as never)
      .selectAll()
      .where('pact_id' as never, '=', id as never)
      .execute()
    expect(events).toHaveLength(5)
  })

  it('refuses bad input with stable codes', async () => {
    const bad = async (url: string, body: object, status: number, code: string) => {
      const r = await req(cadre, 'POST', url, body)
      expect(r.statusCode, JSON.stringify(r.json())).toBe(status)
      expect(r.json().error.code).toBe(code)
    }
    await bad('/api/pacts', pact({ partnerUnitId: office.id }), 400, 'VALIDATION_FAILED') // a town office is no partner
    await bad('/api/pacts', pact({ partnerUnitId: '00000000-0000-4000-8000-000000000000' }), 400, 'UNKNOWN_UNIT')
    await bad('/api/pacts', pact({ regionCode: '330683105299' }), 400, 'UNKNOWN_REGION')
    await bad('/api/pacts', pact({ items: [{ direction: 'both', resource: 'medical', content: 'x' }] }), 400, 'VALIDATION_FAILED')
    await bad('/api/pacts', pact({ items: [{ direction: 'unit_to_community', resource: 'gold', content: 'x' }] }), 400, 'VALIDATION_FAILED')
    const townPact = await req(handler, 'POST', '/api/pacts', pact({ regionCode: TOWN }))
    expect(townPact.statusCode).toBe(400) // the community side must be a village or community
    const empty = (await req(cadre, 'POST', '/api/pacts', pact({ items: [] }))).json().id
    await bad(`/api/pacts/${empty}/sign`, { signedOn: today(), signatories: '双方' }, 400, 'VALIDATION_FAILED') // nothing listed
    await req(cadre, 'POST', `/api/pacts/${empty}/items`, { direction: 'unit_to_community', resource: 'funds', content: '资助' })
    await bad(`/api/pacts/${empty}/sign`, { signedOn: '2099-01-01', signatories: '双方' }, 400, 'VALIDATION_FAILED')
    await bad(`/api/pacts/${empty}/sign`, { signedOn: today() }, 400, 'VALIDATION_FAILED')
    await req(cadre, 'POST', `/api/pacts/${empty}/sign`, { signedOn: today(), signatories: '双方' })
    await req(cadre, 'POST', `/api/pacts/${empty}/publish`, {})
    await req(cadre, 'POST', `/api/pacts/${empty}/fulfil`, {})
    // Log links out of sight read as unknown; both links at once, a future date, a score out of range are refused.
    const farCase = await makeCase(t.db, { regionCode: OTHER_TOWN + '220' })
    await bad(`/api/pacts/${empty}/logs`, { doneOn: today(), content: '他镇事项', caseId: farCase.id }, 400, 'UNKNOWN_CASE')
    await bad(`/api/pacts/${empty}/logs`, { doneOn: today(), content: '无此任务', taskId: '00000000-0000-4000-8000-000000000000' }, 400, 'UNKNOWN_TASK')
    await bad(`/api/pacts/${empty}/logs`, { doneOn: today(), content: '无此条款', itemId: '00000000-0000-4000-8000-000000000000' }, 400, 'UNKNOWN_ITEM')
    await bad(`/api/pacts/${empty}/logs`, { doneOn: '2099-01-01', content: '未来' }, 400, 'VALIDATION_FAILED')
    const mine = await makeCase(t.db, { regionCode: V })
    await bad(`/api/pacts/${empty}/logs`, { doneOn: today(), content: '两个', caseId: mine.id, taskId: '00000000-0000-4000-8000-000000000000' }, 400, 'VALIDATION_FAILED')
    await bad(`/api/pacts/${empty}/rate`, { score: 101, comment: '满分以上' }, 400, 'VALIDATION_FAILED')
    await bad(`/api/pacts/${empty}/rate`, { score: 80, comment: '' }, 400, 'VALIDATION_FAILED')
  })

  it('access: the community’s area reads and writes, the partner unit reads, others see nothing', async () => {
    const id = (await req(cadre, 'POST', '/api/pacts', pact({ title: '访问测试契约' }))).json().id
    expect((await req(handler, 'GET', `/api/pacts/${id}`)).json().canWrite).toBe(true)
    expect((await req(unitStaff, 'GET', `/api/pacts/${id}`)).json()).toMatchObject({ id, canWrite: false })
    expect((await req(unitStaff, 'GET', '/api/pacts')).json().items.map((p: { id: string }) => p.id)).toContain(id)
    // Another village of the same town and another town: 404, not listed; their writes do nothing.
    for (const who of [otherCadre, outsider]) {
      expect((await req(who, 'GET', `/api/pacts/${id}`)).statusCode).toBe(404)
      expect((await req(who, 'GET', '/api/pacts')).json().items.map((p: { id: string }) => p.id)).not.toContain(id)
      expect((await req(who, 'POST', `/api/pacts/${id}/sign`, { signedOn: today(), signatories: 'x' })).statusCode).toBe(404)
    }
    expect((await req(otherCadre, 'POST', '/api/pacts', pact())).statusCode).toBe(403)
    // Readers without pacts.write: the partner unit's staff 403; grid workers read nothing (no pacts.read).
    expect((await req(unitStaff, 'POST', `/api/pacts/${id}/sign`, { signedOn: today(), signatories: 'x' })).statusCode).toBe(403)
    expect((await req(unitStaff, 'POST', '/api/pacts', pact())).statusCode).toBe(403)
    expect((await req(gridWorker, 'GET', '/api/pacts')).statusCode).toBe(403)
    // The partner choices: partner/department/enterprise units in or above the caller's area, for writers only.
    const partners = (await req(cadre, 'GET', '/api/pacts/partners')).json().items.map((u: { id: string }) => u.id)
    expect(partners).toContain(partner.id)
    expect(partners).not.toContain(office.id)
    expect((await req(unitStaff, 'GET', '/api/pacts/partners')).statusCode).toBe(403)
    expect((await req(handler, 'GET', `/api/pacts/${id}`)).json().state).toBe('negotiating')
  })
})

describe('the public 亮约 board (GET /api/public/pacts/:code)', () => {
  const anon = (code: string, ip = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`) => t.app.inject({ method: 'GET', url: `/api/public/pacts/${code}`, remoteAddress: ip })
  const walk = async (title: string, to: 'signed' | 'fulfilling', regionCode = V) => {
    const who = regionCode === V ? cadre : otherCadre
    const id = (await req(who, 'POST', '/api/pacts', pact({ title, regionCode }))).json().id as string
    expect((await req(who, 'POST', `/api/pacts/${id}/sign`, { signedOn: today(), signatories: '院长 张明;村书记 王建国' })).statusCode).toBe(200)
    if (to === 'fulfilling') {
      expect((await req(who, 'POST', `/api/pacts/${id}/publish`, {})).statusCode).toBe(200)
      expect((await req(who, 'POST', `/api/pacts/${id}/fulfil`, {})).statusCode).toBe(200)
    }
    return id
  }

  it('shows a village’s published pacts to anyone, with items, what was done and no staff names; not the unpublished', async () => {
    const stamp = Date.now()
    const shown = await walk(`亮约契约${stamp}`, 'fulfilling')
    const hidden = await walk(`未亮约契约${stamp}`, 'signed')
    const elsewhere = await walk(`别村契约${stamp}`, 'fulfilling', OV)
    const open = await makeCase(t.db, { regionCode: V, state: 'accepted' })
    const closed = await makeCase(t.db, { regionCode: V, state: 'closed' })
    for (const [content, caseId] of [
      ['义诊一次,服务村民 40 人', closed.id],
      ['联系专家会诊', open.id],
      ['健康讲座', undefined],
    ] as const) {
      const r = await req(cadre, 'POST', `/api/pacts/${shown}/logs`, { doneOn: today(), content, ...(caseId ? { caseId } : {}) })
      expect(r.statusCode, r.body).toBe(201)
    }
    const res = await anon(V)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const body = res.json()
    const town = await t.db.selectFrom('regions').select('name').where('code', '=', TOWN).executeTakeFirstOrThrow()
    expect(body.region).toMatchObject({ code: V, town: town.name })
    const ids = body.items.map((p: { id: string }) => p.id)
    expect(ids).toContain(shown)
    expect(ids).not.toContain(hidden)
    expect(ids).not.toContain(elsewhere)
    const p = body.items.find((x: { id: string }) => x.id === shown)
    expect(p).toMatchObject({ title: `亮约契约${stamp}`, partnerUnitName: '嵊州市人民医院', state: 'fulfilling', signatories: '院长 张明;村书记 王建国' })
    expect(p.items.map((i: { resource: string }) => i.resource).sort()).toEqual(['medical', 'venue'])
    const byText = Object.fromEntries(p.logs.map((l: { content: string; done: boolean | null }) => [l.content, l.done]))
    expect(byText).toEqual({ '义诊一次,服务村民 40 人': true, 联系专家会诊: false, 健康讲座: null })
    // Who wrote the log and who moved the pact stay inside.
    const { name } = await t.db.selectFrom('users').select('name').where('id', '=', cadre.id).executeTakeFirstOrThrow()
    expect(res.body).not.toContain(name)
    expect(Object.keys(p.logs[0]).sort()).toEqual(['content', 'doneOn', 'done'].sort())
  })

  it('a grid’s code shows its village’s board; a town, an unknown code → 404; a malformed one → 400', async () => {
    await makeRegion(t.db, `${V}009`)
    const grid = await anon(`${V}009`)
    expect(grid.statusCode, grid.body).toBe(200)
    expect(grid.json().region.code).toBe(V)
    for (const code of [TOWN, '330683105299']) {
      const r = await anon(code)
      expect(r.statusCode, code).toBe(404)
      expect(r.json().error.code).toBe('NOT_FOUND')
    }
    expect((await anon('abc')).statusCode).toBe(400)
  })

  it('is limited per IP like the 民情码 pages (429 with Retry-After)', async () => {
    const ip = '10.77.1.1'
    let last = 0
    for (let i = 0; i < 200 && last !== 429; i++) last = (await anon(V, ip)).statusCode
    expect(last).toBe(429)
    const r = await anon(V, ip)
    expect(r.json().error.code).toBe('RATE_LIMITED')
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0)
  })
})
