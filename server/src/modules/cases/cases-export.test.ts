import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { actorFor, makeCase, makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { buildServices } from '../../services.ts'
import { CasesExport } from './cases-export.ts'

// 事项清单 export (issue 13): GET /api/cases.xlsx writes the list's filters, in the caller's area only, with
// phones in full only for archive.reveal (audited), and refuses more than its cap with a clear message.
let t: Awaited<ReturnType<typeof createTestApp>>
let town: MadeUser
let grid: MadeUser
let otherTown: MadeUser
const GRID = '330683105212001'
const VILLAGE2 = '330683105213'
const OTHER_TOWN = '330683104'
const MK = 'EXP' + Date.now().toString(36)

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, GRID)
  await makeRegion(t.db, VILLAGE2)
  await makeRegion(t.db, OTHER_TOWN + '201')
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
  // grid_worker: may read the archive, may not reveal.
  grid = await makeUser(t.db, { roles: ['grid_worker'], regionCode: GRID })
  otherTown = await makeUser(t.db, { roles: ['town_handler'], regionCode: OTHER_TOWN })
  await makeCase(t.db, { state: 'new', regionCode: GRID, title: `${MK}路灯不亮`, description: '请联系 13912345678 反映人', reporter: { name: '王大伯', phone: '13811112222' } })
  await makeCase(t.db, { state: 'closed', regionCode: GRID, title: `${MK}垃圾清运`, reporter: { name: '李阿姨', phone: '13633334444' } })
  await makeCase(t.db, { state: 'accepted', regionCode: VILLAGE2, title: `${MK}道路破损` })
})
afterAll(() => t.close())

async function sheet(res: { rawPayload: Buffer }) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  const ws = wb.getWorksheet('事项清单')!
  const rows: Record<string, string>[] = []
  const header = (ws.getRow(1).values as unknown[]).slice(1).map(String)
  ws.eachRow((row, n) => {
    if (n === 1) return
    const values = (row.values as unknown[]).slice(1)
    rows.push(Object.fromEntries(header.map((h, i) => [h, values[i] === undefined || values[i] === null ? '' : String(values[i])])))
  })
  return { header, rows: rows.filter((r) => r['标题'].startsWith(MK)) }
}
const get = (who: MadeUser, query = '') => t.app.inject({ method: 'GET', url: `/api/cases.xlsx${query}`, headers: who.auth })

describe('GET /api/cases.xlsx', () => {
  it('writes the caller’s cases with zh headers as an attachment', async () => {
    const res = await get(town)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    expect(String(res.headers['content-disposition'])).toContain('attachment')
    const { header, rows } = await sheet(res)
    expect(header).toEqual(expect.arrayContaining(['编号', '标题', '状态', '区域', '联系电话', '承办单位', '办理期限', '评价']))
    expect(rows.map((r) => r['标题']).sort()).toEqual([`${MK}垃圾清运`, `${MK}路灯不亮`, `${MK}道路破损`].sort())
    expect(rows.find((r) => r['标题'] === `${MK}垃圾清运`)!['状态']).toBe('已办结')
  })

  it('respects the list’s filters (state, region, queue)', async () => {
    expect((await sheet(await get(town, '?state=closed'))).rows.map((r) => r['标题'])).toEqual([`${MK}垃圾清运`])
    expect((await sheet(await get(town, `?regionCode=${VILLAGE2}`))).rows.map((r) => r['标题'])).toEqual([`${MK}道路破损`])
    const q = await get(town, `?q=${encodeURIComponent(MK + '路灯')}`)
    expect((await sheet(q)).rows.map((r) => r['标题'])).toEqual([`${MK}路灯不亮`])
  })

  it('shows full phones to a viewer with archive.reveal and writes an audit row', async () => {
    const { rows } = await sheet(await get(town))
    expect(rows.find((r) => r['标题'] === `${MK}路灯不亮`)!['联系电话']).toBe('13811112222')
    expect(rows.find((r) => r['标题'] === `${MK}路灯不亮`)!['事项描述']).toContain('13912345678')
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'cases.export').where('actor_id', '=', town.id).execute()
    expect(audit.length).toBeGreaterThan(0)
    expect(audit.some((a) => (typeof a.details === 'string' ? JSON.parse(a.details) : a.details).revealed === true)).toBe(true)
  })

  it('masks phones, also those typed into the text, for a viewer without archive.reveal', async () => {
    const res = await get(grid)
    expect(res.statusCode, res.body).toBe(200)
    const { rows } = await sheet(res)
    // The grid worker sees the cases of the grid, not the other village's.
    expect(rows.map((r) => r['标题']).sort()).toEqual([`${MK}垃圾清运`, `${MK}路灯不亮`].sort())
    const lamp = rows.find((r) => r['标题'] === `${MK}路灯不亮`)!
    expect(lamp['联系电话']).toBe('138****2222')
    expect(lamp['事项描述']).not.toContain('13912345678')
    expect(lamp['事项描述']).toContain('139****5678')
    expect(JSON.stringify(rows)).not.toContain('13811112222')
  })

  it('answers 404 for a region outside the caller’s area and shows nothing of it unfiltered', async () => {
    const res = await get(otherTown, `?regionCode=${VILLAGE2}`)
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBeDefined()
    const all = await get(otherTown)
    expect(all.statusCode).toBe(200)
    expect((await sheet(all)).rows).toEqual([])
  })

  it('refuses bad input with 400 and no session with 401', async () => {
    const bad = await get(town, '?state=bogus')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toBeDefined()
    expect((await t.app.inject({ method: 'GET', url: '/api/cases.xlsx' })).statusCode).toBe(401)
  })

  it('refuses more rows than its cap with TOO_MANY_ROWS (and writes nothing to the audit log)', async () => {
    const { cases, crypto } = buildServices(t.ctx)
    const exporter = new CasesExport(t.db, crypto, cases, 2)
    const actor = await actorFor(t.db, town.id)
    const before = await t.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'cases.export')
      .executeTakeFirstOrThrow()
    await expect(exporter.xlsx(actor, { q: MK })).rejects.toMatchObject({ status: 400, code: 'TOO_MANY_ROWS' })
    const after = await t.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'cases.export')
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
    // Within the cap it writes.
    const { rows } = await exporter.xlsx(actor, { q: MK, state: 'closed' })
    expect(rows).toBe(1)
  })
})
