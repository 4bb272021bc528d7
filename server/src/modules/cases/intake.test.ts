import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUnit, makeUser, type MadeUser } from '../../../test/factories.ts'
import { multipart, TINY_PNG } from '../../../test/multipart.ts'
import type { CasesService } from './cases.service.ts'

// The engine's doors for cases without a signed-in reporter (民情码, Open311, imports, push), the resident's
// view and rating by tracking code, and photos on cases.
let t: Awaited<ReturnType<typeof createTestApp>>
let engine: CasesService
let town: MadeUser
let handler: MadeUser
let foreign: MadeUser
let outsider: MadeUser
let unitId: string
let gridId: number
let cityId: number

const YAHUANG = '330683105212'

beforeAll(async () => {
  t = await createTestApp()
  gridId = await makeRegion(t.db, YAHUANG + '001')
  await makeRegion(t.db, '330683106220')
  cityId = (await t.db.selectFrom('regions').select('id').where('level', '=', 'city').executeTakeFirstOrThrow()).id
  const unit = await makeUnit(t.db, '330683105', { name: '石璜镇综合执法中队', kind: 'town_office' })
  unitId = unit.id
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
  handler = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105', unitId })
  foreign = await makeUser(t.db, { roles: ['stationed_cadre'], station: 'village', regionCode: '330683106220' })
  outsider = await makeUser(t.db, { roles: ['grid_worker'], regionCode: YAHUANG })
  engine = t.app.services.cases
})
afterAll(() => t.close())

const report = (extra: object = {}) =>
  engine.intakeExternal({ channel: 'qr', regionId: gridId, title: '路灯不亮', description: '村口路灯坏了一周', reporter: { name: '张三', phone: '13912345678' }, ...extra })
const act = async (who: MadeUser, id: string, action: string, body: object = {}) => {
  const res = await t.app.inject({ method: 'POST', url: `/api/cases/${id}/actions/${action}`, headers: who.auth, payload: body })
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200)
  return res.json()
}
const countCases = async () =>
  (
    await t.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
  ).n

describe('intake from outside doors', () => {
  it('creates a new case with a tracking code, no reporter account, a create event and notices for the dispatchers', async () => {
    const r = await report({ categoryCode: 'traffic.streetlight', lat: 29.6, lng: 120.8, address: '雅璜村村口' })
    expect(r).toMatchObject({ created: true, state: 'new', number: expect.stringMatching(/^MQ-\d{8}-\d{4,}$/), trackingCode: expect.stringMatching(/^[A-Z2-9]{10}$/) })
    const detail = (await t.app.inject({ method: 'GET', url: `/api/cases/${r.id}`, headers: town.auth })).json()
    expect(detail).toMatchObject({ channel: 'qr', level: 'grid', reporter: { kind: 'named', name: '张三', phone: '139****5678' }, address: '雅璜村村口', category: { code: 'traffic.streetlight' } })
    expect(detail.events).toEqual([expect.objectContaining({ action: 'create', actor: null, toState: 'new' })])
    const notices = await t.db.selectFrom('notifications').select('user_id').where('case_id', '=', r.id).execute()
    expect(notices.map((n) => n.user_id)).toContain(town.id)
  })

  it('keeps an anonymous report anonymous even when a name was typed', async () => {
    const r = await report({ reporter: { anonymous: true, name: '李四', phone: '13912345678' } })
    const row = await t.db.selectFrom('cases').select(['reporter_kind', 'reporter_name', 'reporter_phone_enc']).where('id', '=', r.id).executeTakeFirstOrThrow()
    expect(row).toEqual({ reporter_kind: 'anonymous', reporter_name: null, reporter_phone_enc: null })
  })

  it('answers a resend with the same clientId with the first case, unchanged', async () => {
    const first = await report({ clientId: 'resend-0001' })
    const before = await countCases()
    const again = await report({ clientId: 'resend-0001', description: '改过的内容' })
    expect(again).toMatchObject({ id: first.id, created: false, trackingCode: first.trackingCode })
    expect(await countCases()).toBe(before)
    const row = await t.db.selectFrom('cases').select('description').where('id', '=', first.id).executeTakeFirstOrThrow()
    expect(row.description).toBe('村口路灯坏了一周')
  })

  it('upserts by (source, externalId): a second intake updates the case and records what changed', async () => {
    const first = await engine.intakeExternal({ channel: 'import', source: '12345', externalId: 'GD-001', regionId: gridId, title: '噪声扰民', description: '夜间施工' })
    // The 民情大脑 looks at a case without a category as it comes in (a `triage` row); let it finish first.
    await t.app.services.triage.idle()
    const before = await countCases()
    const same = await engine.intakeExternal({ channel: 'import', source: '12345', externalId: 'GD-001', regionId: gridId, title: '噪声扰民', description: '夜间施工' })
    expect(same).toMatchObject({ id: first.id, created: false })
    const changed = await engine.intakeExternal({ channel: 'import', source: '12345', externalId: 'GD-001', regionId: gridId, title: '噪声扰民', description: '夜间施工到凌晨两点' })
    expect(changed.created).toBe(false)
    expect(await countCases()).toBe(before)
    const events = await t.db.selectFrom('case_events').select(['action', 'data']).where('case_id', '=', first.id).orderBy('id').execute()
    expect(events.map((e) => e.action)).toEqual(['create', 'triage', 'external_update'])
    expect(events[2].data).toMatchObject({ changed: ['description'] })
    // Another source may use the same id for a different case.
    const other = await engine.intakeExternal({ channel: 'import', source: 'mhww', externalId: 'GD-001', regionId: gridId, title: '别的事', description: '另一平台的同号工单' })
    expect(other.created).toBe(true)
  })

  it('brings a case the other platform already finished in finished, without notices', async () => {
    const r = await engine.intakeExternal({
      channel: 'import',
      source: '12345',
      externalId: 'GD-DONE',
      regionId: gridId,
      title: '已办结工单',
      description: '历史',
      externalState: 'closed',
      createdAt: new Date('2026-03-02T02:00:00Z'),
    })
    expect(r.state).toBe('closed')
    const row = await t.db.selectFrom('cases').select(['created_at', 'closed_at']).where('id', '=', r.id).executeTakeFirstOrThrow()
    expect(row.created_at.toISOString()).toBe('2026-03-02T02:00:00.000Z')
    expect(row.closed_at).not.toBeNull()
    expect(await t.db.selectFrom('notifications').select('id').where('case_id', '=', r.id).execute()).toEqual([])
  })

  it('refuses bad input before storing anything', async () => {
    const before = await countCases()
    await expect(report({ categoryCode: 'no.such' })).rejects.toMatchObject({ status: 400, code: 'UNKNOWN_CATEGORY' })
    await expect(report({ reporter: { phone: '12345' } })).rejects.toMatchObject({ status: 400, code: 'INVALID_PHONE' })
    await expect(report({ regionId: cityId })).rejects.toMatchObject({ status: 400, code: 'INVALID_REGION_LEVEL' })
    await expect(report({ regionId: 999_999 })).rejects.toMatchObject({ status: 400, code: 'UNKNOWN_REGION' })
    await expect(report({ photos: [{ filename: 'x.txt', data: Buffer.from('not an image') }] })).rejects.toMatchObject({ status: 400, code: 'UNSUPPORTED_FILE' })
    await expect(report({ photos: [{ filename: 'big.png', data: Buffer.concat([TINY_PNG, Buffer.alloc(8 * 1024 * 1024)]) }] })).rejects.toMatchObject({ status: 413 })
    await expect(report({ photos: Array.from({ length: 10 }, (_, i) => ({ filename: `${i}.png`, data: TINY_PNG })) })).rejects.toMatchObject({ status: 400, code: 'TOO_MANY_PHOTOS' })
    await expect(engine.intakeExternal({ channel: 'import', source: 'x', regionId: gridId, title: 'a', description: 'b' })).rejects.toMatchObject({ status: 400 })
    expect(await countCases()).toBe(before)
  })

  it('keeps the photos of a report on the case, readable by those who see it and by nobody else', async () => {
    const r = await report({ photos: [{ filename: 'lamp.png', data: TINY_PNG }] })
    const detail = (await t.app.inject({ method: 'GET', url: `/api/cases/${r.id}`, headers: town.auth })).json()
    expect(detail.files).toEqual([expect.objectContaining({ filename: 'lamp.png', contentType: 'image/png', eventId: detail.events[0].id })])
    const img = await t.app.inject({ method: 'GET', url: detail.files[0].url, headers: town.auth })
    expect(img.statusCode).toBe(200)
    expect(img.headers['content-type']).toBe('image/png')
    expect(img.rawPayload.equals(TINY_PNG)).toBe(true)
    expect((await t.app.inject({ method: 'GET', url: detail.files[0].url, headers: foreign.auth })).statusCode).toBe(404)
  })
})

describe('the resident: tracking code view and rating', () => {
  it('shows progress in plain stages, the answer, and rates through the case’s own rate action', async () => {
    const r = await report({ title: '<script>alert(1)</script>', description: '<img src=x onerror=alert(1)>' })
    let view = await engine.publicView(r.trackingCode)
    expect(view).toMatchObject({ stage: 'received', canRate: false, reply: null, title: '<script>alert(1)</script>', description: '<img src=x onerror=alert(1)>' })
    await expect(engine.rateByTracking(r.trackingCode, { rating: 'satisfied' })).rejects.toMatchObject({ status: 409, code: 'INVALID_TRANSITION' })

    await act(town, r.id, 'dispatch', { unitId })
    expect((await engine.publicView(r.trackingCode))!.stage).toBe('in_progress')
    await act(handler, r.id, 'accept')
    await act(handler, r.id, 'reply', { result: '已更换灯泡' })
    view = (await engine.publicView(r.trackingCode))!
    expect(view).toMatchObject({ stage: 'replied', canRate: true, reply: { text: '已更换灯泡' } })
    expect(view.steps.map((s) => s.action)).toEqual(['create', 'dispatch', 'accept', 'reply'])
    expect(view.steps[1].unit).toBe('石璜镇综合执法中队')
    const handlerName = (await t.db.selectFrom('users').select('name').where('id', '=', handler.id).executeTakeFirstOrThrow()).name
    expect(JSON.stringify(view)).not.toContain(handlerName)
    expect(JSON.stringify(view)).not.toContain('139****5678')

    const rated = await engine.rateByTracking(r.trackingCode, { rating: 'basically_satisfied', comment: '还行' })
    expect(rated).toMatchObject({ stage: 'closed', rating: 'basically_satisfied', ratingComment: '还行', canRate: false })
    const ev = await t.db.selectFrom('case_events').select(['action', 'actor_id', 'data', 'note']).where('case_id', '=', r.id).where('action', '=', 'rate').executeTakeFirstOrThrow()
    expect(ev).toMatchObject({ actor_id: null, note: '还行', data: { rating: 'basically_satisfied', via: 'tracking_code' } })
    await expect(engine.rateByTracking(r.trackingCode, { rating: 'satisfied' })).rejects.toMatchObject({ status: 409 })
  })

  it('an unsatisfied rating reopens the case for the dispatchers at once, and tells them and the former handler', async () => {
    const r = await report()
    await act(town, r.id, 'dispatch', { unitId })
    await act(handler, r.id, 'accept')
    await act(handler, r.id, 'reply', { result: '已处理' })
    const view = await engine.rateByTracking(r.trackingCode, { rating: 'unsatisfied', comment: '没修好' })
    expect(view).toMatchObject({ stage: 'received', rating: null, previousRating: { rating: 'unsatisfied', comment: '没修好' }, canRate: false })
    const notices = await t.db.selectFrom('notifications').select(['user_id', 'kind']).where('case_id', '=', r.id).where('kind', '=', 'case.rate').execute()
    expect(notices.map((n) => n.user_id)).toEqual(expect.arrayContaining([handler.id, town.id]))
    const row = await t.db.selectFrom('cases').select(['state', 'reopen_count', 'unit_id']).where('id', '=', r.id).executeTakeFirstOrThrow()
    expect(row).toEqual({ state: 'reopened', reopen_count: 1, unit_id: null })
  })

  it('knows no unknown or malformed tracking code, and a tracking code opens nothing else', async () => {
    expect(await engine.publicView('ZZZZZZZZZZ')).toBeUndefined()
    expect(await engine.publicView("' or 1=1 --")).toBeUndefined()
    await expect(engine.rateByTracking('ZZZZZZZZZZ', { rating: 'satisfied' })).rejects.toMatchObject({ status: 404 })
  })
})

describe('remarks', () => {
  it('keep a connected system’s comment on the timeline without changing the state, and tell the handler', async () => {
    const r = await report()
    await act(town, r.id, 'dispatch', { unitId })
    await act(handler, r.id, 'accept')
    const { eventId, deliver } = await engine.remark(t.db, r.id, { action: 'comment', note: '<b>居民补充</b>', at: new Date(), data: { via: 'FixMyStreet 嵊州' } })
    await deliver()
    const detail = (await t.app.inject({ method: 'GET', url: `/api/cases/${r.id}`, headers: handler.auth })).json()
    expect(detail.state).toBe('accepted')
    expect(detail.events.at(-1)).toMatchObject({ id: eventId, action: 'comment', fromState: 'accepted', toState: 'accepted', note: '<b>居民补充</b>', data: { via: 'FixMyStreet 嵊州' } })
    const notices = await t.db.selectFrom('notifications').select('user_id').where('case_id', '=', r.id).where('kind', '=', 'case.comment').execute()
    expect(notices.map((n) => n.user_id)).toContain(handler.id)
    await expect(engine.remark(t.db, '00000000-0000-4000-8000-000000000000', { action: 'comment', note: 'x', at: new Date(), data: {} })).rejects.toMatchObject({ status: 404 })
  })
})

describe('photos on a case', () => {
  const upload = (who: MadeUser, id: string, data = TINY_PNG, filename = 'p.png') => {
    const body = multipart({}, { filename, data })
    return t.app.inject({ method: 'POST', url: `/api/cases/${id}/files`, headers: { ...who.auth, ...body.headers }, payload: body.payload })
  }

  it('lets the handler add a photo (a timeline row), refuses others and bad files', async () => {
    const r = await report()
    await act(town, r.id, 'dispatch', { unitId })
    const res = await upload(handler, r.id)
    expect(res.statusCode, res.body).toBe(201)
    const detail = res.json()
    expect(detail.events.at(-1)).toMatchObject({ action: 'attach', fromState: 'dispatched', toState: 'dispatched' })
    expect(detail.files).toHaveLength(1)
    expect((await upload(foreign, r.id)).statusCode).toBe(404)
    expect((await upload(outsider, r.id)).statusCode).toBe(403)
    const notImage = await upload(handler, r.id, Buffer.from('%PDF-1.4 not a photo'), 'x.pdf')
    expect(notImage.statusCode).toBe(400)
    expect(notImage.json().error.code).toBe('UNSUPPORTED_FILE')
    expect((await upload(handler, r.id, Buffer.concat([TINY_PNG, Buffer.alloc(8 * 1024 * 1024 + 1)]))).statusCode).toBe(413)
  })

  it('refuses photos on a finished case', async () => {
    const r = await report()
    await act(town, r.id, 'reject', { reason: '重复', kind: 'duplicate' })
    const res = await upload(town, r.id)
    expect(res.statusCode).toBe(409)
    expect(res.json().error.code).toBe('CASE_CLOSED')
  })
})
