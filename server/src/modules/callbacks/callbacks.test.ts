import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { actorFor, makeCase, makeUnit, makeUser, type MadeUser, TEST_SECRET } from '../../../test/factories.ts'
import { FieldCrypto } from '../../platform/crypto.ts'
import { sampleThreshold } from '@minqing/common'
import { CallbacksService, isSampled } from './callbacks.service.ts'

// 回访 (issue 12, defect 7): who may call back, which cases wait for a call, and what a call records.
const TOWN = '330683105'
const V = '330683105212' // the home village
const G = V + '001' // its grid
const OTHER_TOWN = '330683106'

let t: Awaited<ReturnType<typeof createTestApp>>
let caller: MadeUser // a town handler of the home town: may call back
let villageCadre: MadeUser // the home village's cadre: may call back its cases
let outsider: MadeUser // a town handler of another town
let volunteer: MadeUser
let handlerWithRight: MadeUser // a town handler who answered a case himself
let unitId: string

beforeAll(async () => {
  // No sample of the other channels here: only hotline and walk-in cases wait for a call (the sample has its own test).
  t = await createTestApp({ CALLBACK_SAMPLE_RATE: '0' })
  unitId = (await makeUnit(t.db, V, { kind: 'village_committee' })).id
  caller = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
  villageCadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V })
  outsider = await makeUser(t.db, { roles: ['town_handler'], regionCode: OTHER_TOWN })
  volunteer = await makeUser(t.db, { roles: ['volunteer'], regionCode: V })
  handlerWithRight = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
})
afterAll(() => t.close())

const replied = (opts: Parameters<typeof makeCase>[1] = {}) =>
  makeCase(t.db, { state: 'replied', regionCode: G, unit: unitId, channel: 'hotline', reporter: { name: '王大伯', phone: '13900001111' }, ...opts })
const queue = async (who: MadeUser) => {
  const res = await t.app.inject({ method: 'GET', url: '/api/callbacks?limit=200', headers: who.auth })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as { items: { caseId: string; reason: string; attempts: number; reporterPhone: string | null; lastNote: string | null }[]; total: number }
}
const call = (who: MadeUser, caseId: string, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/api/cases/${caseId}/callback`, headers: who.auth, payload })

describe('the 待回访 queue', () => {
  it('holds replied, unrated hotline and walk-in cases with a phone; not rated, phoneless, other channels (unsampled) or finished ones', async () => {
    const hotline = await replied()
    const walkIn = await replied({ channel: 'walk_in' })
    const qr = await replied({ channel: 'qr' })
    const rated = await replied({ rating: 'unsatisfied' })
    const noPhone = await replied({ reporter: { name: '匿名' } })
    const anonymous = await replied({ reporter: { anonymous: true } })
    const closed = await makeCase(t.db, { state: 'closed', regionCode: G, unit: unitId, channel: 'hotline', reporter: { name: '李', phone: '13900002222' } })
    const accepted = await makeCase(t.db, { state: 'accepted', regionCode: G, unit: unitId, channel: 'hotline', reporter: { name: '李', phone: '13900002222' } })
    const items = (await queue(caller)).items
    const ids = items.map((i) => i.caseId)
    expect(ids).toEqual(expect.arrayContaining([hotline.id, walkIn.id]))
    for (const c of [qr, rated, noPhone, anonymous, closed, accepted]) expect(ids).not.toContain(c.id)
    const row = items.find((i) => i.caseId === hotline.id)!
    expect(row).toMatchObject({ reason: 'hotline', attempts: 0, reporterPhone: '139****1111' })
    expect(items.find((i) => i.caseId === walkIn.id)!.reason).toBe('walk_in')
    // the village's own cadre sees its grid's cases too; another town sees none of them
    expect((await queue(villageCadre)).items.map((i) => i.caseId)).toContain(hotline.id)
    expect((await queue(outsider)).items.map((i) => i.caseId)).not.toContain(hotline.id)
  })

  it('is the lifecycle table’s `callback` queue: GET /api/cases?queue=callback lists the same cases', async () => {
    await replied()
    await replied({ channel: 'walk_in', handler: handlerWithRight.id })
    for (const who of [caller, villageCadre, handlerWithRight, outsider]) {
      const mine = (await queue(who)).items.map((i) => i.caseId).sort()
      const res = await t.app.inject({ method: 'GET', url: '/api/cases?queue=callback&limit=200', headers: who.auth })
      expect(res.statusCode, res.body).toBe(200)
      expect(
        res
          .json()
          .items.map((c: { id: string }) => c.id)
          .sort(),
      ).toEqual(mine)
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/cases?queue=callback', headers: volunteer.auth })).json().items ?? []).toEqual([])
  })

  it('leaves out the cases the caller handled', async () => {
    const mine = await replied({ handler: handlerWithRight.id })
    expect((await queue(handlerWithRight)).items.map((i) => i.caseId)).not.toContain(mine.id)
    expect((await queue(caller)).items.map((i) => i.caseId)).toContain(mine.id)
  })

  it('is refused to those without the right (volunteers, grid workers)', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/callbacks', headers: volunteer.auth })).statusCode).toBe(403)
    const grid = await makeUser(t.db, { roles: ['grid_worker'], regionCode: G })
    const res = await t.app.inject({ method: 'GET', url: '/api/callbacks', headers: grid.auth })
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('FORBIDDEN')
  })

  it('samples the other channels by a fixed hash of the case id: the SQL and isSampled agree, rate 0 none, rate 1 all', async () => {
    const crypto = new FieldCrypto(TEST_SECRET)
    const engine = { rateByCaller: async () => {}, mark: async () => ({ deliver: async () => {} }) }
    const actor = await actorFor(t.db, caller.id)
    const made = await Promise.all(Array.from({ length: 24 }, () => replied({ channel: 'qr' })))
    const inQueue = async (rate: number) => {
      const s = new CallbacksService(t.db, crypto, engine, rate)
      const ids = new Set((await s.queue(actor, { limit: 200 })).items.filter((i) => i.reason === 'sample').map((i) => i.caseId))
      return made.filter((m) => ids.has(m.id)).map((m) => m.id)
    }
    expect(await inQueue(0)).toEqual([])
    expect(await inQueue(1)).toHaveLength(made.length)
    const half = await inQueue(0.5)
    expect(half.sort()).toEqual(
      made
        .filter((m) => isSampled(m.id, 0.5))
        .map((m) => m.id)
        .sort(),
    )
    expect(sampleThreshold(0.5)).toBe('80000000')
    expect(sampleThreshold(0.1)).toBe('19999999')
  })
})

describe('recording a call', () => {
  it('unreachable: a callback row with the caller, the case stays in the queue with the attempts counted', async () => {
    const c = await replied()
    let res = await call(caller, c.id, { outcome: 'unreachable', note: '关机' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({ outcome: 'unreachable', state: 'replied', attempts: 1 })
    res = await call(caller, c.id, { outcome: 'unreachable' })
    expect(res.json().attempts).toBe(2)
    const row = (await queue(caller)).items.find((i) => i.caseId === c.id)!
    expect(row).toMatchObject({ attempts: 2, lastNote: null })
    const detail = (await t.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: caller.auth })).json()
    const rows = detail.events.filter((e: { action: string }) => e.action === 'callback')
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatchObject({ actor: { id: caller.id }, note: '关机', fromState: 'replied', toState: 'replied', data: { outcome: 'unreachable', attempt: 1 } })
  })

  it('rated satisfied: acts as the reporter’s own rating — the case closes, leaves the queue; the timeline names the caller', async () => {
    const c = await replied()
    const res = await call(caller, c.id, { outcome: 'rated', rating: 'satisfied', comment: '路灯修好了' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ outcome: 'rated', state: 'closed' })
    const detail = (await t.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: caller.auth })).json()
    expect(detail).toMatchObject({ state: 'closed', rating: 'satisfied', ratingComment: '路灯修好了' })
    const rate = detail.events.find((e: { action: string }) => e.action === 'rate')
    expect(rate.data).toMatchObject({ rating: 'satisfied', via: 'callback' })
    expect(detail.events.at(-1)).toMatchObject({ action: 'callback', actor: { id: caller.id }, data: { outcome: 'rated', rating: 'satisfied' } })
    expect((await queue(caller)).items.map((i) => i.caseId)).not.toContain(c.id)
    // a second call is too late
    expect((await call(villageCadre, c.id, { outcome: 'unreachable' })).statusCode).toBe(409)
  })

  it('rated unsatisfied: the case goes back to work like the resident’s own 不满意', async () => {
    const c = await replied()
    const res = await call(villageCadre, c.id, { outcome: 'rated', rating: 'unsatisfied' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().state).toBe('reopened')
  })

  it('checks the body: a rating is required when rated and refused when unreachable', async () => {
    const c = await replied()
    for (const payload of [{ outcome: 'rated' }, { outcome: 'unreachable', rating: 'satisfied' }, { outcome: 'maybe' }, { outcome: 'rated', rating: 'great' }, {}]) {
      const res = await call(caller, c.id, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().error.code).toBe('VALIDATION_FAILED')
    }
  })

  it('refuses: who handled the case (403), another area (404, as if it did not exist), a volunteer (403)', async () => {
    const c = await replied({ handler: handlerWithRight.id })
    let res = await call(handlerWithRight, c.id, { outcome: 'rated', rating: 'satisfied' })
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('FORBIDDEN')
    // a member of the unit that handled it, with the right to call back, is refused as well
    const member = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V, unitId })
    expect((await call(member, c.id, { outcome: 'unreachable' })).statusCode).toBe(403)
    res = await call(outsider, c.id, { outcome: 'rated', rating: 'satisfied' })
    expect(res.statusCode).toBe(404)
    const unknown = await call(outsider, '00000000-0000-4000-8000-000000000000', { outcome: 'rated', rating: 'satisfied' })
    expect(res.json()).toEqual(unknown.json())
    expect((await call(volunteer, c.id, { outcome: 'unreachable' })).statusCode).toBe(403)
    // nothing was written by any of them
    const detail = (await t.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: caller.auth })).json()
    expect(detail.state).toBe('replied')
    expect(detail.events.filter((e: { action: string }) => e.action === 'callback' || e.action === 'rate')).toEqual([])
  })

  it('a village cadre may not call back a case handled at the town level (403); a case not answered yet is 409; no phone is 409', async () => {
    const townCase = await replied({ level: 'town' })
    expect((await call(villageCadre, townCase.id, { outcome: 'unreachable' })).statusCode).toBe(403)
    expect((await call(caller, townCase.id, { outcome: 'unreachable' })).statusCode).toBe(200)
    const accepted = await makeCase(t.db, { state: 'accepted', regionCode: G, unit: unitId, channel: 'hotline', reporter: { name: '李', phone: '13900002222' } })
    const res = await call(caller, accepted.id, { outcome: 'unreachable' })
    expect(res.statusCode).toBe(409)
    const noPhone = await replied({ reporter: { name: '赵' } })
    const r2 = await call(caller, noPhone.id, { outcome: 'unreachable' })
    expect(r2.statusCode).toBe(409)
    expect(r2.json().error.code).toBe('NO_PHONE')
  })
})

describe('the reporter’s phone for the call', () => {
  it('is shown in full to the caller and the reveal is written to the audit log; refused to who handled it', async () => {
    const c = await replied({ reporter: { name: '钱', phone: '13900003333' } })
    const res = await t.app.inject({ method: 'POST', url: `/api/cases/${c.id}/callback/phone`, headers: caller.auth })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({ phone: '13900003333' })
    const audit = await t.db.selectFrom('audit_log').selectAll().where('entity_id', '=', c.id).where('action', '=', 'case.callback_phone').execute()
    expect(audit).toHaveLength(1)
    expect(audit[0].actor_id).toBe(caller.id)
    const mine = await replied({ handler: handlerWithRight.id })
    expect((await t.app.inject({ method: 'POST', url: `/api/cases/${mine.id}/callback/phone`, headers: handlerWithRight.auth })).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'POST', url: `/api/cases/${c.id}/callback/phone`, headers: outsider.auth })).statusCode).toBe(404)
  })
})
