import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorFor, makeRegion, makeUnit, makeUser, type MadeUser } from '../../../test/factories.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../db/index.ts'
import type { Actor } from '../../platform/policy.ts'
import { FieldCrypto } from '../../platform/crypto.ts'
import { MemoryBus } from '../../platform/events.ts'
import { Notifier } from '../notifications/notifier.ts'
import { RegionsService } from '../regions/regions.service.ts'
import { CasesService } from './cases.service.ts'

// The clock (working-day limits, deadline marks, pauses, auto-close) at the service level: the case engine is
// built over this file's database alone, without the Fastify app (no routes, no plugins, no OpenAPI).

let database: Database
let service: CasesService
let reporter: Actor
let town: Actor
let handler: MadeUser
let handlerActor: Actor
let unitId: string

const YAHUANG = '330683105212'

beforeAll(async () => {
  database = await createTestDatabase()
  const db = database.db
  await makeRegion(db, YAHUANG + '001')
  unitId = (await makeUnit(db, '330683105', { name: '石璜镇综合执法中队', kind: 'town_office' })).id
  const office = await makeUnit(db, '330683105', { name: '石璜镇人民政府', kind: 'town_office' })
  reporter = await actorFor(db, (await makeUser(db, { roles: ['stationed_cadre'], station: 'village', regionCode: YAHUANG, unitId: office.id })).id)
  town = await actorFor(db, (await makeUser(db, { roles: ['town_handler'], regionCode: '330683105', unitId: office.id })).id)
  handler = await makeUser(db, { roles: ['town_handler'], regionCode: '330683105', unitId })
  handlerActor = await actorFor(db, handler.id)
  service = new CasesService(db, new FieldCrypto('test-secret-0123456789abcdef0123456789'), new RegionsService(db), new Notifier(new MemoryBus(), []), new MemoryBus())
})
afterAll(() => database.close())

const raise = async (extra: object = {}) =>
  (await service.create(reporter, { regionCode: YAHUANG + '001', categoryCode: null, title: '村口路灯不亮', description: '村口三盏路灯坏了一周', ...extra })).detail

describe('time limits on the Chinese calendar', () => {
  it('due times skip the 2026 National Day holiday and count the make-up Saturday', async () => {
    const clock = await service.clock({ category_id: null, urgency: 'urgent' }, new Date('2026-09-30T10:00:00+08:00'))
    // 5 working days after 9-30: 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13.
    expect(clock.due.toISOString()).toBe(new Date('2026-10-13T10:00:00+08:00').toISOString())
    const emergency = await service.clock({ category_id: null, urgency: 'emergency' }, new Date('2026-10-01T08:00:00+08:00'))
    expect(emergency.due.toISOString()).toBe(new Date('2026-10-02T08:00:00+08:00').toISOString())
  })

  it('marks warning at 70 % and overdue after the limit on a clock the test controls, and notifies', async () => {
    const c = await raise({ urgency: 'urgent' })
    const t0 = new Date('2026-09-30T10:00:00+08:00')
    const d = await service.act(town, c.id, 'dispatch', { unitId, handlerId: handler.id }, t0)
    expect(d.dueAt).toBe(new Date('2026-10-13T10:00:00+08:00').toISOString())
    expect(await service.checkDeadlines(new Date('2026-10-05T10:00:00+08:00'))).toMatchObject({ warned: 0, overdue: 0 })
    expect(await service.checkDeadlines(new Date(new Date(d.warnAt!).getTime() + 1000))).toMatchObject({ warned: 1, overdue: 0 })
    let now = await service.get(town, c.id)
    expect(now).toMatchObject({ warned: true, overdue: false })
    await service.checkDeadlines(new Date('2026-10-13T10:00:01+08:00'))
    await service.checkDeadlines(new Date('2026-10-14T10:00:01+08:00')) // idempotent: no second mark
    now = await service.get(town, c.id)
    expect(now.overdue).toBe(true)
    expect(now.events.filter((e) => e.action === 'overdue')).toHaveLength(1)
    expect(now.events.filter((e) => e.action === 'accept_overdue')).toHaveLength(1)
    // System marks are timeline rows of the system actor that leave the state as it was.
    expect(now.events.find((e) => e.action === 'overdue')).toMatchObject({ actor: null, fromState: 'dispatched', toState: 'dispatched' })
    const notes = await database.db.selectFrom('notifications').select(['user_id', 'kind']).where('case_id', '=', c.id).execute()
    expect(notes).toContainEqual({ user_id: handler.id, kind: 'case.overdue' })
    expect(notes).toContainEqual({ user_id: town.userId, kind: 'case.overdue' })
    const overdueQueue = await service.list(town, { queue: 'overdue', limit: 200 })
    expect(overdueQueue.items.map((x) => x.id)).toContain(c.id)
  })

  it('no deadline marks on a paused clock (a pending extension)', async () => {
    const c = await raise()
    const t0 = new Date('2026-11-02T09:00:00+08:00')
    await service.act(town, c.id, 'dispatch', { unitId }, t0)
    await service.act(handlerActor, c.id, 'accept', {}, t0)
    const paused = await service.act(handlerActor, c.id, 'extend', { days: 2, reason: '等待材料' }, new Date('2026-11-03T09:00:00+08:00'))
    await service.checkDeadlines(new Date(new Date(paused.dueAt!).getTime() + 86_400_000))
    const after = await service.get(town, c.id)
    expect(after).toMatchObject({ state: 'extension_requested', warned: false, overdue: false })
  })

  it('the clock stops while an extension is pending; extensions total at most 10 working days', async () => {
    const c = await raise()
    const t0 = new Date('2026-11-02T09:00:00+08:00')
    const d = await service.act(town, c.id, 'dispatch', { unitId }, t0)
    await service.act(handlerActor, c.id, 'accept', {}, t0)
    await service.act(handlerActor, c.id, 'extend', { days: 6, reason: '需采购配件' }, new Date('2026-11-03T09:00:00+08:00'))
    const approved = await service.act(town, c.id, 'approve_extension', { approved: true }, new Date('2026-11-04T09:00:00+08:00'))
    // one calendar day paused, then 6 more working days
    const shifted = new Date(new Date(d.dueAt!).getTime() + 86_400_000)
    expect(new Date(approved.dueAt!).getTime()).toBeGreaterThan(shifted.getTime() + 5 * 86_400_000)
    expect(approved.extensionDays).toBe(6)
    await expect(service.act(handlerActor, c.id, 'extend', { days: 5, reason: '再延' }, new Date('2026-11-05T09:00:00+08:00'))).rejects.toMatchObject({ code: 'EXTENSION_LIMIT' })
  })

  it('a return is refused after 2 working days', async () => {
    const c = await raise()
    await service.act(town, c.id, 'dispatch', { unitId }, new Date('2026-11-02T09:00:00+08:00'))
    await expect(service.act(handlerActor, c.id, 'return', { reason: '不属本单位' }, new Date('2026-11-05T09:00:00+08:00'))).rejects.toMatchObject({ code: 'RETURN_WINDOW_CLOSED' })
    const back = await service.act(handlerActor, c.id, 'return', { reason: '不属本单位' }, new Date('2026-11-04T09:00:00+08:00'))
    expect(back).toMatchObject({ state: 'returned', paused: true, unit: null })
  })

  it('replied cases nobody rated close after 7 days, as the system', async () => {
    const c = await raise()
    const onSpot = await service.act(reporter, c.id, 'resolve_on_spot', { result: '当场联系电工修好' }, new Date('2026-11-01T09:00:00+08:00'))
    expect(onSpot.state).toBe('replied')
    expect(await service.autoClose(new Date('2026-11-07T09:00:00+08:00'))).toBe(0)
    expect((await service.get(reporter, c.id)).state).toBe('replied')
    await service.autoClose(new Date('2026-11-08T09:00:01+08:00'))
    const closed = await service.get(reporter, c.id)
    expect(closed.state).toBe('closed')
    expect(closed.events.at(-1)).toMatchObject({ action: 'auto_close', actor: null, fromState: 'replied', toState: 'closed', data: { afterDays: 7 } })
  })
})
