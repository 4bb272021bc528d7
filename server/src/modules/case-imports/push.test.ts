import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: MadeUser
let townAdmin: MadeUser // an admin of 石璜镇 only
let town: MadeUser // town handler: no intake.manage

const COUNTY = '330683'
const TOWN = '330683105'
const YAHUANG = '330683105212'
const WANGYUAN = '330683106220'

beforeAll(async () => {
  t = await createTestApp()
  for (const code of [`${YAHUANG}001`, `${WANGYUAN}001`]) await makeRegion(t.db, code, { [YAHUANG]: '雅璜村', [WANGYUAN]: '王院村', [TOWN]: '石璜镇' })
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: COUNTY })
  townAdmin = await makeUser(t.db, { roles: ['admin'], regionCode: TOWN })
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
})
afterAll(() => t.close())

async function newKey(user: MadeUser, body: Record<string, unknown> = { name: '浙里兴村治社对接', source: 'zlxczs' }) {
  const res = await t.app.inject({ method: 'POST', url: '/api/push/keys', headers: user.auth, payload: body })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; apiKey: string; prefix: string; source: string }
}

const push = (apiKey: string | undefined, payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/api/push/cases', headers: apiKey === undefined ? {} : { 'x-api-key': apiKey }, payload: payload as object })

const item = (externalId: string, over: Record<string, unknown> = {}) => ({
  externalId,
  title: '村道积水',
  description: '雅璜村下宅路段下雨后积水严重,车辆无法通行。',
  regionCode: `${YAHUANG}001`,
  categoryCode: 'traffic.road',
  createdAt: '2026-11-01T08:30:00+08:00',
  reporterName: '王先生',
  reporterPhone: '13955556666',
  address: '雅璜村下宅路口',
  lat: 29.59,
  lng: 120.82,
  status: '处理中',
  ...over,
})

describe('push keys', () => {
  it('are issued once to intake.manage, listed without the key, and bound to an existing source', async () => {
    const key = await newKey(admin)
    expect(key.apiKey).toMatch(/^mq_[A-Za-z0-9_-]{32}$/)
    expect(key).toMatchObject({ source: 'zlxczs', prefix: key.apiKey.slice(0, 10), revokedAt: null })
    const list = await t.app.inject({ method: 'GET', url: '/api/push/keys', headers: admin.auth })
    expect(list.statusCode).toBe(200)
    expect(list.body).not.toContain(key.apiKey)
    expect(list.json().map((k: { id: string }) => k.id)).toContain(key.id)
    const stored = await t.db.selectFrom('api_clients').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow()
    expect(stored).toMatchObject({ kind: 'push', source_code: 'zlxczs' })
    expect(stored.key_hash).not.toContain(key.apiKey)
    expect((await t.app.inject({ method: 'POST', url: '/api/push/keys', headers: town.auth, payload: { name: 'x', source: 'zlxczs' } })).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'GET', url: '/api/push/keys', headers: town.auth })).statusCode).toBe(403)
    const unknown = await t.app.inject({ method: 'POST', url: '/api/push/keys', headers: admin.auth, payload: { name: 'x', source: 'nosuch' } })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().error.code).toBe('UNKNOWN_SOURCE')
  })
})

describe('POST /api/push/cases', () => {
  let key: { id: string; apiKey: string }
  beforeAll(async () => {
    key = await newKey(admin)
  })

  it('refuses a missing or wrong key with 403 JSON, before reading the body', async () => {
    for (const k of [undefined, '', 'mq_' + 'A'.repeat(32), 'not-a-key']) {
      const res = await push(k, item('K-1'))
      expect(res.statusCode, String(k)).toBe(403)
      expect(res.json().error).toMatchObject({ code: 'INVALID_API_KEY' })
    }
    // Even a body that is not JSON gets the 403 first.
    const raw = await t.app.inject({ method: 'POST', url: '/api/push/cases', headers: { 'x-api-key': 'wrong', 'content-type': 'application/json' }, payload: '{not json' })
    expect(raw.statusCode).toBe(403)
    expect(await t.db.selectFrom('cases').select('id').where('external_id', '=', 'K-1').execute()).toEqual([])
  })

  it('takes one case, and a resend answers the same case without duplicating or changing it', async () => {
    const first = await push(key.apiKey, item('ZL-1'))
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json()).toMatchObject({ accepted: 1, rejected: 0, results: [{ index: 0, externalId: 'ZL-1', ok: true, created: true, updated: false }] })
    const c = await t.db.selectFrom('cases').selectAll().where('source', '=', 'zlxczs').where('external_id', '=', 'ZL-1').executeTakeFirstOrThrow()
    expect(c).toMatchObject({ channel: 'platform', api_client_id: key.id, state: 'new', lat: 29.59, lng: 120.82, reporter_name: '王先生', address: '雅璜村下宅路口' })
    expect(c.created_at.toISOString()).toBe('2026-11-01T00:30:00.000Z')
    const again = await push(key.apiKey, [item('ZL-1')])
    expect(again.json().results[0]).toMatchObject({ ok: true, caseId: c.id, number: c.number, created: false, updated: false })
    const after = await t.db.selectFrom('cases').selectAll().where('source', '=', 'zlxczs').where('external_id', '=', 'ZL-1').execute()
    expect(after).toHaveLength(1)
    expect(after[0].version).toBe(c.version)
    // A change, and the status map of the key's source (已办结 → closed).
    const changed = await push(key.apiKey, item('ZL-1', { description: '积水已排,路面仍有破损。' }))
    expect(changed.json().results[0]).toMatchObject({ ok: true, created: false, updated: true })
    expect((await t.db.selectFrom('cases').select('description').where('id', '=', c.id).executeTakeFirstOrThrow()).description).toBe('积水已排,路面仍有破损。')
    const last = await t.db.selectFrom('api_clients').select('last_used_at').where('id', '=', key.id).executeTakeFirstOrThrow()
    expect(last.last_used_at).not.toBeNull()
  })

  it('answers per item: good ones are kept, bad ones are refused each with its reason', async () => {
    const evil = '<script>alert(1)</script>'
    const res = await push(key.apiKey, [
      item('ZL-10'),
      item('ZL-11', { description: '' }),
      item('ZL-12', { regionCode: '330683105299' }),
      item('ZL-13', { reporterPhone: '12345' }),
      { title: '没有编号', description: 'x' },
      item('ZL-14', { unknownField: 1 }),
      item('ZL-15', { categoryCode: 'no.such.category', title: evil, description: `${evil}正文` }),
      item('ZL-10'),
      'not an object',
      item('ZL-16', { createdAt: 'yesterday' }),
    ])
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ accepted: 2, rejected: 8 })
    const r = body.results
    expect(r[0]).toMatchObject({ ok: true, created: true, externalId: 'ZL-10' })
    expect(r[1]).toMatchObject({ ok: false, externalId: 'ZL-11', error: { code: 'VALIDATION_FAILED' } })
    expect(r[2].error.message).toMatch(/regionCode“330683105299”不存在或不在您的辖区内/)
    expect(r[3].error.message).toMatch(/reporterPhone格式不正确/)
    expect(r[4]).toMatchObject({ ok: false, externalId: null })
    expect(r[5].error.message).toMatch(/unknownField/)
    expect(r[6]).toMatchObject({ ok: true, created: true })
    expect(r[7].error.message).toMatch(/externalId“ZL-10”与第 0 行重复/)
    expect(r[8]).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } })
    expect(r[9].error.message).toMatch(/createdAt/)
    const c = await t.db.selectFrom('cases').selectAll().where('source', '=', 'zlxczs').where('external_id', '=', 'ZL-15').executeTakeFirstOrThrow()
    // An unknown category is no category; HTML is kept as the text it is.
    expect(c).toMatchObject({ category_id: null, title: evil, description: `${evil}正文` })
  })

  it('refuses a batch over 500 items, or an empty one, whole', async () => {
    const big = await push(
      key.apiKey,
      Array.from({ length: 501 }, (_, i) => item(`BIG-${i}`)),
    )
    expect(big.statusCode).toBe(400)
    expect(big.json().error.code).toBe('VALIDATION_FAILED')
    expect((await push(key.apiKey, [])).statusCode).toBe(400)
    expect(await t.db.selectFrom('cases').select('id').where('external_id', 'like', 'BIG-%').execute()).toEqual([])
  })

  it('a key of a town takes only cases of that town', async () => {
    const townKey = await newKey(townAdmin, { name: '石璜镇小程序', source: 'mhww' })
    const res = await push(townKey.apiKey, [item('MH-1'), item('MH-2', { regionCode: `${WANGYUAN}001` })])
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 1 })
    expect(res.json().results[1].error.message).toMatch(/不存在或不在您的辖区内/)
    // The county admin may not see a town admin's key? They may: it lies in their area. The town admin may not see the county's.
    const list = (await t.app.inject({ method: 'GET', url: '/api/push/keys', headers: townAdmin.auth })).json().map((k: { id: string }) => k.id)
    expect(list).toEqual([townKey.id])
    expect((await t.app.inject({ method: 'DELETE', url: `/api/push/keys/${key.id}`, headers: townAdmin.auth })).statusCode).toBe(404)
  })

  it('a town key cannot rewrite or close another town’s case with the same externalId (OUT_OF_AREA, nothing changed)', async () => {
    // 王院村's case, pushed by the county's key; then 石璜镇's key of the same source sends the same id.
    const made = await push(key.apiKey, item('WY-0001', { regionCode: `${WANGYUAN}001`, title: '王院村的事', status: '处理中' }))
    expect(made.json().results[0]).toMatchObject({ ok: true, created: true })
    const snapshot = async () => {
      const c = await t.db.selectFrom('cases').selectAll().where('source', '=', 'zlxczs').where('external_id', '=', 'WY-0001').executeTakeFirstOrThrow()
      const events = await t.db
        .selectFrom('case_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('case_id', '=', c.id)
        .executeTakeFirstOrThrow()
      return { id: c.id, title: c.title, description: c.description, state: c.state, version: c.version, regionId: c.region_id, events: Number(events.n) }
    }
    const before = await snapshot()
    const townKey = await newKey(townAdmin, { name: '石璜镇对接', source: 'zlxczs' })
    // Naming a region of its own town (the case would otherwise be "moved in"), or the case's own village.
    const res = await push(townKey.apiKey, [
      item('WY-0001', { regionCode: `${YAHUANG}001`, title: '被改写', description: '被改写的内容', status: '已办结' }),
      item('WY-0002', { regionCode: `${YAHUANG}001` }),
    ])
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 1 })
    const r0 = res.json().results[0]
    expect(r0).toMatchObject({ index: 0, externalId: 'WY-0001', ok: false, error: { code: 'OUT_OF_AREA' } })
    // The refusal names neither the case nor where it lies.
    expect(r0.caseId).toBeUndefined()
    expect(JSON.stringify(r0)).not.toContain(before.id)
    expect(JSON.stringify(r0)).not.toContain('王院')
    const named = await push(townKey.apiKey, item('WY-0001', { regionCode: `${WANGYUAN}001`, title: '被改写', status: '已办结' }))
    expect(named.json().results[0].ok).toBe(false)
    expect(await snapshot()).toEqual(before)
  })

  it('a row’s region cannot move a case into another area: the county key’s update keeps the case where it is', async () => {
    expect((await push(key.apiKey, item('MV-1', { regionCode: `${WANGYUAN}001` }))).json().results[0].created).toBe(true)
    const moved = await push(key.apiKey, item('MV-1', { regionCode: `${YAHUANG}001`, description: '换了区域再推一次' }))
    expect(moved.json().results[0]).toMatchObject({ ok: true, updated: true })
    const c = await t.db
      .selectFrom('cases as c')
      .innerJoin('regions as r', 'r.id', 'c.region_id')
      .select(['r.code', 'c.description'])
      .where('c.source', '=', 'zlxczs')
      .where('c.external_id', '=', 'MV-1')
      .executeTakeFirstOrThrow()
    expect(c).toEqual({ code: `${WANGYUAN}001`, description: '换了区域再推一次' })
  })

  it('a revoked key is refused at once with 403', async () => {
    const k = await newKey(admin, { name: '临时', source: 'zlxczs' })
    expect((await push(k.apiKey, item('RV-1'))).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/push/keys/${k.id}`, headers: town.auth })).statusCode).toBe(403)
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/push/keys/${k.id}`, headers: admin.auth })
    expect(revoked.statusCode).toBe(200)
    expect(revoked.json().revokedAt).not.toBeNull()
    const res = await push(k.apiKey, item('RV-2'))
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('INVALID_API_KEY')
    expect(await t.db.selectFrom('cases').select('id').where('external_id', '=', 'RV-2').execute()).toEqual([])
    // Revoking again changes nothing.
    expect((await t.app.inject({ method: 'DELETE', url: `/api/push/keys/${k.id}`, headers: admin.auth })).json().revokedAt).toBe(revoked.json().revokedAt)
  })

  it('an Open311 key is no push key', async () => {
    const o = await t.app.inject({ method: 'POST', url: '/api/open311/keys', headers: admin.auth, payload: { name: 'FixMyStreet' } })
    if (o.statusCode !== 201) return // the Open311 module is not there in this build
    const res = await push(o.json().apiKey, item('O-1'))
    expect(res.statusCode).toBe(403)
  })
})
