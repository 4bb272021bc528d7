import { withIdCheck } from '@minqing/common'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { actorFor, makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { audit } from '../../platform/audit.ts'
import { maskDetails } from './audit.service.ts'
import { multipart, TINY_PNG } from '../../../test/multipart.ts'

const YAHUANG = '330683105212' // 石璜镇 雅璜村
const WANGYUAN = '330683106220' // another town's village

let t: Awaited<ReturnType<typeof createTestApp>>
let county: MadeUser // county admin: everything in the county, and rows without a region
let leader: MadeUser // county leader: reads the log, read-only
let shihuang: MadeUser // admin of 石璜镇
let otherTown: MadeUser // admin of the other town
let cadre: MadeUser // village cadre of 雅璜村: no audit.read
let personId: string
const idNumber = withIdCheck('33068319600101123')

const get = (url: string, who: MadeUser) => t.app.inject({ method: 'GET', url, headers: who.auth })
const post = (url: string, who: MadeUser, payload: object) => t.app.inject({ method: 'POST', url, headers: who.auth, payload })

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, YAHUANG, { '330683105': '石璜镇', [YAHUANG]: '雅璜村' })
  await makeRegion(t.db, WANGYUAN)
  county = await makeUser(t.db, { roles: ['admin'], regionCode: '330683', name: '县管理员甲' })
  leader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683', name: '纪检领导' })
  shihuang = await makeUser(t.db, { roles: ['admin'], regionCode: '330683105', name: '石璜管理员' })
  otherTown = await makeUser(t.db, { roles: ['admin'], regionCode: '330683106', name: '王院镇管理员' })
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG })

  const hh = await post('/api/households', shihuang, { regionCode: YAHUANG, address: '雅璜村审计路1号' })
  expect(hh.statusCode, hh.body).toBe(201)
  const p = await post('/api/persons', shihuang, { householdId: hh.json().id, name: '俞审计', idNumber, phone: '13912345678' })
  expect(p.statusCode, p.body).toBe(201)
  personId = p.json().id
  // A setting change in 石璜镇 by its own admin.
  const unit = await post('/api/units', shihuang, { name: '石璜镇审计测试办', kind: 'town_office', regionCode: '330683105' })
  expect(unit.statusCode, unit.body).toBe(201)
  // The county admin reveals the person's ID number: an audited read of personal data in 雅璜村.
  const rev = await post(`/api/persons/${personId}/reveal`, county, { field: 'idNumber' })
  expect(rev.json().value).toBe(idNumber)
})
afterAll(() => t.close())

describe('GET /api/audit', () => {
  it('needs audit.read: a village cadre gets 403, a leader reads', async () => {
    const res = await get('/api/audit', cadre)
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('FORBIDDEN')
    expect((await get('/api/audit', leader)).statusCode).toBe(200)
  })

  it('filters by person: the reveal with who did it, and the person’s archive history', async () => {
    const res = await get(`/api/audit?person=${personId}`, county)
    expect(res.statusCode, res.body).toBe(200)
    const { items, total } = res.json()
    const reveal = items.find((r: any) => r.action === 'archive.reveal')
    expect(reveal).toMatchObject({
      group: 'reveal',
      entityType: 'person',
      entityId: personId,
      entityName: '俞审计',
      regionCode: YAHUANG,
      regionName: '雅璜村',
      actor: { id: county.id, name: '县管理员甲' },
      details: { field: 'idNumber' },
    })
    expect(reveal.actor.phone).toMatch(/^1[0-9]{2}\*+[0-9]{4}$/)
    expect(reveal.actor.phone).not.toBe(county.phone)
    expect(items.map((r: any) => r.action)).toContain('archive.person_create')
    expect(total).toBe(items.length)
    // Newest first: the reveal came after the person was created.
    const actions = items.map((r: any) => r.action)
    expect(actions.indexOf('archive.reveal')).toBeLessThan(actions.indexOf('archive.person_create'))
    // Nothing about anyone else.
    expect(items.every((r: any) => r.entityId === personId)).toBe(true)
  })

  it('filters by group, action, actor (id or name/phone) and time', async () => {
    const reveals = (await get('/api/audit?group=reveal', county)).json().items
    expect(reveals.length).toBeGreaterThan(0)
    expect(reveals.every((r: any) => r.group === 'reveal')).toBe(true)
    const byActor = (await get(`/api/audit?actor=${shihuang.id}`, county)).json().items
    expect(byActor.length).toBeGreaterThan(0)
    expect(byActor.every((r: any) => r.actor?.id === shihuang.id)).toBe(true)
    expect(byActor[0]).toMatchObject({ action: 'unit.create', group: 'setting', entityType: 'unit', entityName: '石璜镇审计测试办', regionName: '石璜镇' })
    const byName = (await get(`/api/audit?actorQ=${encodeURIComponent('县管理员')}&action=archive.reveal`, county)).json().items
    expect(byName.map((r: any) => r.entityId)).toContain(personId)
    const byPhone = (await get(`/api/audit?actorQ=${county.phone.slice(-4)}&group=reveal`, county)).json().items
    expect(byPhone.map((r: any) => r.actor.id)).toContain(county.id)
    expect((await get(`/api/audit?actorQ=${encodeURIComponent('没有此人')}`, county)).json().total).toBe(0)
    const past = new Date(Date.now() - 86_400_000).toISOString()
    expect((await get(`/api/audit?person=${personId}&to=${encodeURIComponent(past)}`, county)).json().total).toBe(0)
    expect((await get(`/api/audit?person=${personId}&from=${encodeURIComponent(past)}&group=reveal`, county)).json().total).toBe(1)
    // Settings: a user created by an admin is a user-admin row, a unit is a setting.
    const u = await post('/api/users', county, { phone: '13700001111', name: '新网格员', password: 'Zq!8mxv#2Lp', roles: ['grid_worker'], regionCode: YAHUANG })
    expect(u.statusCode, u.body).toBe(201)
    const users = (await get('/api/audit?group=user', county)).json().items
    expect(users[0]).toMatchObject({ action: 'user.create', entityType: 'user', entityId: u.json().id, entityName: '新网格员', group: 'user' })
    const bad = await get('/api/audit?from=yesterday', county)
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('VALIDATION_FAILED')
    expect((await get('/api/audit?group=everything', county)).statusCode).toBe(400)
    // Bad input is a 400 with the JSON error shape, never a 500.
    for (const q of ['actorQ=a%00b', 'entityId=%00', 'entityType=person%00', 'offset=99999999999999999999', 'offset=1e308', 'limit=0', 'person=not-a-uuid', 'from=2026-13-45T00:00:00Z']) {
      const r = await get(`/api/audit?${q}`, county)
      expect(r.statusCode, q).toBe(400)
      expect(r.json().error.code, q).toBeTypeOf('string')
    }
  })

  it('pages with capped totals', async () => {
    const all = (await get('/api/audit?limit=200', county)).json()
    expect(all.total).toBeGreaterThan(2)
    const page = (await get('/api/audit?limit=2&offset=1', county)).json()
    expect(page.items.map((r: any) => r.id)).toEqual(all.items.slice(1, 3).map((r: any) => r.id))
    expect(page.total).toBe(all.total)
  })

  it('is scoped: a town admin sees their town only, never another town’s rows nor county-wide ones', async () => {
    // The other town's admin: no row of 石璜镇, and the person is "not found".
    const other = (await get('/api/audit?limit=200', otherTown)).json()
    expect(other.items.filter((r: any) => r.regionCode?.startsWith('330683105'))).toEqual([])
    expect(JSON.stringify(other)).not.toContain(personId)
    const theirs = await get(`/api/audit?person=${personId}`, otherTown)
    expect(theirs.statusCode).toBe(404)
    expect((await get(`/api/audit?entityType=person&entityId=${personId}`, otherTown)).json().total).toBe(0)
    expect((await get(`/api/audit?actor=${county.id}&limit=200`, otherTown)).json().items.filter((r: any) => r.regionCode?.startsWith('330683105'))).toEqual([])

    // 石璜镇's admin sees the reveal made in their village, by a county admin.
    const own = (await get(`/api/audit?person=${personId}&group=reveal`, shihuang)).json()
    expect(own.items).toHaveLength(1)
    // A county-wide row (no region: a category, a login) is for county-level callers only.
    await audit(t.db, { actor: await actorFor(t.db, county.id), action: 'category.update', entityType: 'category', entityId: '1', details: { name: '县级设置' } })
    const countyRows = (await get('/api/audit?action=category.update', county)).json()
    expect(countyRows.total).toBe(1)
    expect(countyRows.items[0].regionCode).toBeNull()
    expect((await get('/api/audit?action=category.update', shihuang)).json().total).toBe(0)
    expect((await get('/api/audit?action=category.update', leader)).json().total).toBe(1)
  })

  it('never shows clear ID numbers, phones or secrets written into details', async () => {
    // As older rows carry them: an export's filter with a full ID number, a lookup's phone, a free-text note.
    const otherId = withIdCheck('33068319851231002')
    await audit(t.db, {
      actor: await actorFor(t.db, shihuang.id),
      action: 'archive.export',
      entityType: 'person',
      regionId: await makeRegion(t.db, YAHUANG),
      details: { idNumber: otherId, query: { phone: '13800138000' }, note: `查 ${otherId} 和 13800138000`, apiKey: 'mq_secret_value', rows: 3 },
    })
    const res = await get('/api/audit?group=export', shihuang)
    expect(res.statusCode).toBe(200)
    const body = res.body
    expect(body).not.toContain(otherId)
    expect(body).not.toContain('13800138000')
    expect(body).not.toContain('mq_secret_value')
    const row = res.json().items[0]
    expect(row.details.rows).toBe(3)
    expect(row.details.idNumber).toMatch(/\*/)
    expect(row.details.query.phone).toMatch(/^138\*+8000$/)
    expect(row.details.note).toMatch(/^查 .*\*.* 和 138\*+8000$/)
    // And the user created above: its phone sits in user.create's details.
    const users = (await get('/api/audit?action=user.create', county)).body
    expect(users).not.toContain('13700001111')
  })
})

describe('what is audited', () => {
  it('a town admin’s person export is a row of their town (they and the county see it, the other town does not)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/persons/export', headers: shihuang.auth })
    expect(res.statusCode, res.body).toBe(200)
    const own = (await get(`/api/audit?actor=${shihuang.id}&action=archive.export`, shihuang)).json()
    expect(own.items.filter((r: any) => r.entityType === 'person' && r.regionCode === '330683105')).toHaveLength(1)
    expect((await get(`/api/audit?actor=${shihuang.id}&group=export`, county)).json().items.some((r: any) => r.regionCode === '330683105')).toBe(true)
    expect((await get(`/api/audit?actor=${shihuang.id}&group=export`, otherTown)).json().total).toBe(0)
  })

  it('downloading a person’s document (an ID card copy) is audited and shows under the person', async () => {
    const up = multipart({ kind: '身份证复印件', title: '身份证正面' }, { filename: '身份证.png', contentType: 'image/png', data: TINY_PNG })
    const doc = await t.app.inject({ method: 'POST', url: `/api/persons/${personId}/documents`, headers: { ...shihuang.auth, ...up.headers }, payload: up.payload })
    expect(doc.statusCode, doc.body).toBe(201)
    expect((await get(doc.json().downloadUrl, leader)).statusCode).toBe(200)
    const rows = (await get(`/api/audit?person=${personId}&action=archive.document_download`, shihuang)).json().items
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ group: 'export', actor: { id: leader.id, name: '纪检领导' }, entityName: '俞审计', regionCode: YAHUANG, details: { kind: '身份证复印件', title: '身份证正面' } })
  })
})

describe('maskDetails', () => {
  it('masks by key and by shape, leaves the rest', () => {
    expect(maskDetails({ regionCode: '330683105212', grid: '330683105212001', count: 12, name: '俞阿大' })).toEqual({
      regionCode: '330683105212',
      grid: '330683105212001',
      count: 12,
      name: '俞阿大',
    })
    const masked = maskDetails({ list: [{ idNumber: '3306831960' }], password: 'x', prefix: 'mq_ab', passwordReset: true }) as any
    expect(masked.list[0].idNumber).not.toBe('3306831960')
    expect(masked.password).toBe('***')
    expect(masked.prefix).toBe('mq_ab')
    expect(masked.passwordReset).toBe(true)
  })
})
