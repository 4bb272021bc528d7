import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { withIdCheck } from '@minqing/common'
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../app.ts'
import { closeContext, createContext } from '../../bootstrap.ts'
import { loadConfig } from '../../config.ts'
import { FieldCrypto } from '../../platform/crypto.ts'
import { maskIdNumber, maskPhone } from '../../platform/identifiers.ts'
import { MemoryBus } from '../../platform/events.ts'
import { createTestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { multipart, TINY_PNG } from '../../../test/multipart.ts'
import { createImportsModule, importRunnerOf } from './index.ts'
import { ImportRunner } from './imports.runner.ts'
import { BOM, csvLine, FIELD_HEADERS, IMPORT_FIELDS } from './sheet.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser // village cadre of 雅璜村: may import
let other: MadeUser // village cadre of 王院村
let town: MadeUser // town handler of 石璜镇 (雅璜村 lies in it)
let stationed: MadeUser // stationed cadre: reads and writes the archive, may not import

const YAHUANG = '330683105212'
const WANGYUAN = '330683106220'
const HEADERS = IMPORT_FIELDS.map((f) => FIELD_HEADERS[f])

beforeAll(async () => {
  t = await createTestApp()
  for (const code of [`${YAHUANG}001`, `${YAHUANG}002`, `${WANGYUAN}001`]) await makeRegion(t.db, code)
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG })
  other = await makeUser(t.db, { roles: ['village_cadre'], regionCode: WANGYUAN })
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
  stationed = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: YAHUANG })
})
afterAll(() => t.close())

// ---- data -----------------------------------------------------------------------------------
let idSeq = 0
/** A valid ID number; a distinct birth date per call keeps the 3-digit sequence from running out. */
function idNumber(male: boolean, year = 1950 + (idSeq % 60)) {
  const n = idSeq++
  const day = new Date(Date.UTC(year, 0, 1 + (n % 360)))
  const birth = day.toISOString().slice(0, 10).replace(/-/g, '')
  const seq = (Math.floor(n / 360) % 50) * 2 + (male ? 1 : 0) + 100
  return withIdCheck(`330683${birth}${String(seq).padStart(3, '0')}`)
}
const birthOf = (id: string) => `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`

type Row = Partial<Record<(typeof IMPORT_FIELDS)[number], string>>
const toCells = (r: Row) => IMPORT_FIELDS.map((f) => r[f] ?? '')
const csv = (rows: Row[], headers = HEADERS) => Buffer.from(BOM + csvLine(headers) + rows.map((r) => csvLine(toCells(r))).join(''), 'utf8')

/** Households of 1–4 members at distinct addresses of 雅璜村, `n` rows in all. */
function goodRows(n: number, prefix: string): Row[] {
  const rows: Row[] = []
  let h = 0
  while (rows.length < n) {
    h++
    const size = Math.min(1 + (h % 4), n - rows.length)
    const region = `${YAHUANG}00${1 + (h % 2)}`
    const address = `雅璜村${prefix}${h}号`
    for (let m = 0; m < size; m++) {
      const male = m % 2 === 0
      const id = idNumber(male)
      rows.push({
        regionCode: region,
        address,
        name: `${['俞', '王', '张', '钱'][h % 4]}${prefix}${h}${'甲乙丙丁'[m]}`,
        relation: ['户主', '配偶', '子女', '子女'][m],
        idNumber: id,
        phone: `138${String(rows.length).padStart(8, '0')}`,
        politicalStatus: rows.length % 12 === 0 ? '中共党员' : '群众',
        childrenInCity: m === 0 ? (h % 3 === 0 ? '否' : '是') : '',
        tags: rows.length % 12 === 0 ? '党员' : rows.length % 17 === 0 ? '独居老人、残疾人' : '',
        workplace: m === 2 ? '嵊州市第一中学' : '',
      })
    }
  }
  return rows
}

/** One broken row of each kind, cycling; with the reason the report must give. */
const BROKEN: { make: (i: number) => Row; reason: RegExp }[] = [
  { make: (i) => ({ regionCode: `${YAHUANG}001`, address: `雅璜村坏${i}号`, name: `坏${i}`, idNumber: idNumber(true).slice(0, 17) + 'Y' }), reason: /身份证号/ },
  { make: (i) => ({ regionCode: `${YAHUANG}001`, address: `雅璜村坏${i}号`, name: `坏${i}`, tags: '独居老人、不存在的标签' }), reason: /标签不存在: 不存在的标签/ },
  { make: (i) => ({ regionCode: '330683105212999', address: `雅璜村坏${i}号`, name: `坏${i}` }), reason: /不存在或不在您的辖区内/ },
  { make: (i) => ({ regionCode: `${WANGYUAN}001`, address: `王院村坏${i}号`, name: `坏${i}` }), reason: /不存在或不在您的辖区内/ },
  { make: (i) => ({ regionCode: `${YAHUANG}001`, address: `雅璜村坏${i}号`, name: '' }), reason: /缺少姓名/ },
  { make: (i) => ({ regionCode: `${YAHUANG}001`, address: `雅璜村坏${i}号`, name: `坏${i}`, phone: '12345' }), reason: /电话号码格式不正确/ },
  {
    make: (i) => {
      const id = idNumber(true)
      return { regionCode: `${YAHUANG}001`, address: `雅璜村坏${i}号`, name: `坏${i}`, idNumber: id, birthDate: '1900-01-01' }
    },
    reason: /出生日期与身份证号不一致/,
  },
  { make: (i) => ({ regionCode: `${YAHUANG}001`, address: `雅璜村坏${i}号`, name: `坏${i}`, relation: '邻居' }), reason: /与户主关系“邻居”无效/ },
  { make: (i) => ({ regionCode: `${YAHUANG}001`, address: `雅璜村坏${i}号`, name: `坏${i}`, birthDate: '1990-02-30' }), reason: /出生日期“1990-02-30”无效/ },
  { make: (i) => ({ regionCode: `${YAHUANG}002`, address: '', name: `坏${i}`, gender: '未知' }), reason: /缺少地址;性别“未知”无效/ },
]

// ---- helpers ----------------------------------------------------------------------------------
async function upload(user: MadeUser, data: Buffer, filename = 'households.csv', fields: Record<string, string> = {}, app = t.app) {
  const body = multipart(fields, { filename, contentType: 'application/octet-stream', data })
  return app.inject({ method: 'POST', url: '/api/imports/households', headers: { ...user.auth, ...body.headers }, payload: body.payload })
}

async function waitJob(id: string, user: MadeUser = cadre, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs
  for (;;) {
    const res = await t.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: user.auth })
    expect(res.statusCode, res.body).toBe(200)
    const job = res.json()
    if (job.status === 'done' || job.status === 'failed') return job
    if (Date.now() > until) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function importFile(data: Buffer, filename = 'households.csv', user = cadre, fields: Record<string, string> = {}) {
  const res = await upload(user, data, filename, fields)
  expect(res.statusCode, res.body).toBe(202)
  expect(res.json()).toMatchObject({ kind: 'households', filename })
  return waitJob(res.json().id, user)
}

const count = async (table: string, where = 'true') => (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.raw(where)}`.execute(t.db)).rows[0].n

/** Parse the report (RFC 4180 CSV with a BOM). */
function parseReport(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true)
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  const s = text.slice(1)
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n') {
      row.push(cell.replace(/\r$/, ''))
      rows.push(row)
      row = []
      cell = ''
    } else cell += c
  }
  return rows
}

// ---- tests ------------------------------------------------------------------------------------
describe('import template', () => {
  it('downloads as XLSX with the Chinese headers and a column guide, and as CSV with a BOM', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/imports/households/template?format=xlsx', headers: cadre.auth })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''")
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.rawPayload as any)
    expect(wb.worksheets.map((w) => w.name)).toEqual(['户籍人口', '填写说明'])
    expect((wb.worksheets[0].getRow(1).values as string[]).slice(1)).toEqual(HEADERS)
    expect(wb.worksheets[1].rowCount).toBeGreaterThan(HEADERS.length)

    const c = await t.app.inject({ method: 'GET', url: '/api/imports/households/template?format=csv', headers: cadre.auth })
    expect(c.statusCode).toBe(200)
    expect(c.body).toBe('\uFEFF' + HEADERS.join(',') + '\r\n')
    expect((await t.app.inject({ method: 'GET', url: '/api/imports/households/template?format=pdf', headers: cadre.auth })).statusCode).toBe(400)
  })

  it('is refused (403) to a role without archive.import', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/imports/households/template', headers: stationed.auth })
    expect(res.statusCode).toBe(403)
  })
})

describe('household import', () => {
  const good = goodRows(950, '前村')
  const broken: { row: Row; reason: RegExp }[] = Array.from({ length: 50 }, (_, i) => ({ row: BROKEN[i % BROKEN.length].make(i), reason: BROKEN[i % BROKEN.length].reason }))
  // Broken rows spread through the file, so several chunks and both kinds of rows meet.
  const rows: Row[] = []
  const brokenAt = new Map<number, RegExp>()
  for (let i = 0, b = 0; i < good.length; i++) {
    rows.push(good[i])
    if (i % 19 === 7 && b < broken.length) {
      rows.push(broken[b].row)
      brokenAt.set(rows.length + 1, broken[b++].reason) // + 1: the header is row 1
    }
  }
  for (let b = brokenAt.size; b < broken.length; b++) {
    rows.push(broken[b].row)
    brokenAt.set(rows.length + 1, broken[b].reason)
  }
  const file = csv(rows)
  const households = new Set(good.map((r) => r.address)).size
  let firstJob: any

  it('keeps the 950 good rows of a 1,000-row file and reports the 50 broken ones with their reasons', async () => {
    expect(rows.length).toBe(1000)
    expect(brokenAt.size).toBe(50)
    const job = await importFile(file)
    firstJob = job
    expect(job).toMatchObject({ status: 'done', totalRows: 1000, processedRows: 1000, acceptedRows: 950, rejectedRows: 50, error: null })
    expect(job.result.persons).toEqual({ created: 950, updated: 0, unchanged: 0 })
    expect(job.result.households).toEqual({ created: households, updated: 0, unchanged: 0 })
    expect(job.reportUrl).toBe(`/api/imports/${job.id}/report`)
    expect(await count('persons')).toBe(950)
    expect(await count('households')).toBe(households)

    const rep = await t.app.inject({ method: 'GET', url: job.reportUrl, headers: cadre.auth })
    expect(rep.statusCode).toBe(200)
    expect(rep.headers['content-type']).toContain('text/csv')
    const lines = parseReport(rep.body)
    expect(lines[0]).toEqual(['行号', '原因', ...HEADERS])
    expect(lines.length).toBe(51)
    for (const line of lines.slice(1)) {
      const rowNo = Number(line[0])
      expect(brokenAt.get(rowNo), `row ${rowNo}: ${line[1]}`).toBeDefined()
      expect(line[1]).toMatch(brokenAt.get(rowNo)!)
      // The original cells follow, as they were in the file — but for identifiers, masked as the archive masks them.
      const cells = toCells(rows[rowNo - 2]).map((c, i) => (!c ? c : IMPORT_FIELDS[i] === 'idNumber' ? maskIdNumber(c) : IMPORT_FIELDS[i] === 'phone' ? maskPhone(c) : c))
      expect(line.slice(2)).toEqual(cells)
    }
  })

  it('stores identifiers encrypted and masked, derives birth date and gender, sets heads, tags and history', async () => {
    const first = good[0]
    const crypto = new FieldCrypto(t.ctx.config.secret)
    const p = await t.db.selectFrom('persons').selectAll().where('id_hash', '=', crypto.hash(first.idNumber!)).executeTakeFirstOrThrow()
    expect(p.id_enc).not.toContain(first.idNumber)
    expect(crypto.decrypt(p.id_enc!)).toBe(first.idNumber)
    expect(p.id_masked).toBe(first.idNumber!.slice(0, 1) + '*'.repeat(16) + first.idNumber!.slice(-1))
    expect(crypto.decrypt(p.phone_enc!)).toBe(first.phone)
    expect(p.phone_masked).toMatch(/^138\*{4}\d{4}$/)
    expect(p.birth_date).toBe(birthOf(first.idNumber!))
    expect(p.gender).toBe('male')
    expect(p.political_status).toBe('中共党员')
    const h = await t.db.selectFrom('households').selectAll().where('id', '=', p.household_id!).executeTakeFirstOrThrow()
    expect(h.head_person_id).toBe(p.id)
    expect(h.address).toBe(first.address)
    const tags = await sql<{ code: string }>`select t.code from person_tags pt join tags t on t.id = pt.tag_id where pt.person_id = ${p.id}`.execute(t.db)
    expect(tags.rows.map((r) => r.code)).toEqual(['party_member'])
    // No clear identifier anywhere in the person rows or their history.
    const leaks = await sql<{ n: number }>`select count(*)::int as n from persons where id_enc like '330683%' or phone_enc like '138%'`.execute(t.db)
    expect(leaks.rows[0].n).toBe(0)
    const hist = await t.db.selectFrom('archive_history').selectAll().where('entity_id', '=', p.id).execute()
    expect(hist).toHaveLength(1)
    expect(hist[0]).toMatchObject({ entity_type: 'person', action: 'import', actor_id: cadre.id })
    const changes = JSON.stringify(hist[0].changes)
    expect(changes).not.toContain(first.idNumber)
    expect(changes).toContain(p.id_masked)
    expect(await count('archive_history', `action = 'import' and entity_type = 'person'`)).toBe(950)
    expect(await count('archive_history', `action = 'import' and entity_type = 'household'`)).toBe(households)
    // The job's own row (downloads of its report are audited apart, as import.report.download).
    const auditRows = await t.db.selectFrom('audit_log').selectAll().where('entity_id', '=', firstJob.id).where('action', '!=', 'import.report.download').execute()
    expect(auditRows).toHaveLength(1)
    expect(auditRows[0]).toMatchObject({ action: 'archive.import', actor_id: cadre.id })
  })

  it('re-importing the same file changes nothing: 0 created, counts and history unchanged', async () => {
    const before = { persons: await count('persons'), households: await count('households'), history: await count('archive_history'), tags: await count('person_tags') }
    const job = await importFile(file)
    expect(job).toMatchObject({ status: 'done', acceptedRows: 950, rejectedRows: 50 })
    expect(job.result.persons).toEqual({ created: 0, updated: 0, unchanged: 950 })
    expect(job.result.households).toEqual({ created: 0, updated: 0, unchanged: households })
    expect({ persons: await count('persons'), households: await count('households'), history: await count('archive_history'), tags: await count('person_tags') }).toEqual(before)
  })

  it('a changed row updates only what differs, and blank cells keep what is there', async () => {
    const changed = good.slice(0, 3).map((r, i) => (i === 0 ? { ...r, health: '慢性病(高血压)', phone: '13999999999', tags: '党员、独居老人' } : { ...r, phone: '', politicalStatus: '' }))
    const job = await importFile(csv(changed), 'changes.csv')
    expect(job.result.persons).toEqual({ created: 0, updated: 1, unchanged: 2 })
    expect(job.result.households).toEqual({ created: 0, updated: 0, unchanged: 2 })
    const crypto = new FieldCrypto(t.ctx.config.secret)
    const p = await t.db.selectFrom('persons').selectAll().where('id_hash', '=', crypto.hash(good[0].idNumber!)).executeTakeFirstOrThrow()
    expect(p.health).toBe('慢性病(高血压)')
    expect(crypto.decrypt(p.phone_enc!)).toBe('13999999999')
    const second = await t.db.selectFrom('persons').selectAll().where('id_hash', '=', crypto.hash(good[1].idNumber!)).executeTakeFirstOrThrow()
    expect(second.phone_masked).not.toBeNull()
    const last = await t.db.selectFrom('archive_history').select('changes').where('entity_id', '=', p.id).orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect((last.changes as { field: string }[]).map((c) => c.field).sort()).toEqual(['health', 'phone', 'tags'])
  })

  it('lists the caller’s jobs; another area’s cadre gets 404 for the job and its report; the town sees it', async () => {
    const mine = await t.app.inject({ method: 'GET', url: '/api/imports', headers: cadre.auth })
    expect(mine.statusCode).toBe(200)
    expect(mine.json().items.map((j: { id: string }) => j.id)).toContain(firstJob.id)
    expect((await t.app.inject({ method: 'GET', url: '/api/imports', headers: other.auth })).json().items).toEqual([])
    expect((await t.app.inject({ method: 'GET', url: `/api/imports/${firstJob.id}`, headers: other.auth })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: `/api/imports/${firstJob.id}/report`, headers: other.auth })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: `/api/imports/${firstJob.id}`, headers: town.auth })).statusCode).toBe(200)
    const area = await t.app.inject({ method: 'GET', url: '/api/imports?scope=area', headers: town.auth })
    expect(area.json().items.map((j: { id: string }) => j.id)).toContain(firstJob.id)
    expect((await t.app.inject({ method: 'GET', url: `/api/imports/${firstJob.id}`, headers: stationed.auth })).statusCode).toBe(403)
  })

  it('resumes an interrupted job after its last committed chunk, with the same totals and report', async () => {
    // State a crash after the first chunk leaves: that chunk's rows committed with the job's progress.
    const all = [...goodRows(1500, '后山'), ...Array.from({ length: 30 }, (_, i) => BROKEN[i % BROKEN.length].make(1000 + i))]
    const full = csv(all)
    const firstChunk = csv(all.slice(0, 1000))
    const partial = await importFile(firstChunk, 'part.csv')
    expect(partial.processedRows).toBe(1000)
    const stored = await t.ctx.storage.put(full, { prefix: 'imports', extension: 'csv' })
    const fileRow = await t.db
      .insertInto('files')
      .values({ storage_key: stored.key, filename: 'full.csv', content_type: 'text/csv', size: stored.size, sha256: stored.sha256, created_by: cadre.id })
      .returning('id')
      .executeTakeFirstOrThrow()
    const region = await t.db.selectFrom('regions').select('id').where('code', '=', YAHUANG).executeTakeFirstOrThrow()
    const job = await t.db
      .insertInto('import_jobs')
      .values({
        kind: 'households',
        status: 'running',
        filename: 'full.csv',
        file_id: fileRow.id,
        options: JSON.stringify({ format: 'csv', encoding: 'utf8', mapping: {} }),
        total_rows: all.length,
        processed_rows: partial.processedRows,
        accepted_rows: partial.acceptedRows,
        rejected_rows: partial.rejectedRows,
        result: JSON.stringify(partial.result),
        region_id: region.id,
        created_by: cadre.id,
        started_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    // Another server process starting up.
    const runner = new ImportRunner(t.ctx.database, t.ctx.storage, new FieldCrypto(t.ctx.config.secret))
    await runner.resumePending()
    await runner.idle()
    const done = await waitJob(job.id)
    expect(done).toMatchObject({ status: 'done', totalRows: 1530, processedRows: 1530, acceptedRows: 1500, rejectedRows: 30 })
    expect(done.result.persons).toEqual({ created: 1500, updated: 0, unchanged: 0 })
    const lines = parseReport((await t.app.inject({ method: 'GET', url: done.reportUrl, headers: cadre.auth })).body)
    expect(lines.length).toBe(31)
    expect(await count('persons', `name like '%后山%'`)).toBe(1500)
  })

  it('imports XLSX (dates as dates, phones as numbers, ID numbers as text) with an English-header mapping', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('Sheet1')
    ws.addRow(['村社', 'Address', 'name', 'relation', 'birthDate', 'idNumber', 'phone', '无关的列'])
    const id1 = idNumber(false, 1944)
    ws.addRow([`${YAHUANG}002`, '雅璜村上宅1号', '裘阿婆', '户主', new Date(Date.UTC(1944, Number(id1.slice(10, 12)) - 1, Number(id1.slice(12, 14)))), id1, 13857500001, 'x'])
    ws.addRow([`${YAHUANG}002`, '雅璜村上宅1号', '裘小明', '孙子', null, null, null, 'y'])
    ws.addRow([])
    ws.addRow([`${YAHUANG}002`, '雅璜村上宅2号', '裘大', '户主', null, 330683194401010000, null, ''])
    const data = Buffer.from(await wb.xlsx.writeBuffer())
    const job = await importFile(data, '上宅.xlsx', cadre, { mapping: JSON.stringify({ 村社: 'regionCode' }) })
    expect(job, job.error ?? '').toMatchObject({ status: 'done', totalRows: 3, acceptedRows: 2, rejectedRows: 1 })
    expect(job.result.ignoredColumns).toEqual(['无关的列'])
    expect(job.result.rejectedSample[0]).toMatchObject({ rowNo: 5 })
    expect(job.result.rejectedSample[0].reason).toMatch(/文本格式/)
    const p = await t.db.selectFrom('persons').selectAll().where('name', '=', '裘阿婆').executeTakeFirstOrThrow()
    expect(p).toMatchObject({ birth_date: birthOf(id1), gender: 'female', phone_masked: '138****0001' })
    const grandchild = await t.db.selectFrom('persons').selectAll().where('name', '=', '裘小明').executeTakeFirstOrThrow()
    expect(grandchild).toMatchObject({ relation: '孙辈', household_id: p.household_id, id_hash: null })
    // Again: the person without an ID number is found by household and name.
    const again = await importFile(data, '上宅.xlsx', cadre, { mapping: JSON.stringify({ 村社: 'regionCode' }) })
    expect(again.result.persons).toEqual({ created: 0, updated: 0, unchanged: 2 })
  })

  it('refuses what is not a spreadsheet (PNG, PDF, random bytes, old .xls) with 400 UNSUPPORTED_FILE', async () => {
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), randomBytes(512)])
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n')
    for (const [name, data] of [
      ['a.png', TINY_PNG],
      ['a.csv', pdf],
      ['a.csv', randomBytes(4096)],
      ['a.xls', xls],
      ['a.xlsx', Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(200)])],
    ] as const) {
      const res = await upload(cadre, data, name)
      expect(res.statusCode, `${name}: ${res.body}`).toBe(400)
      expect(res.json().error.code).toBe('UNSUPPORTED_FILE')
    }
    // A ZIP that claims to be a workbook but cannot be read.
    const fake = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.from('[Content_Types].xml'), randomBytes(300)])
    const res = await upload(cadre, fake, 'broken.xlsx')
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().error.code).toBe('UNSUPPORTED_FILE')
  })

  it('refuses a file whose columns match nothing, or miss a required one, with 400 UNKNOWN_COLUMNS', async () => {
    const res = await upload(cadre, Buffer.from('foo,bar\n1,2\n'))
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'UNKNOWN_COLUMNS', details: { found: ['foo', 'bar'], expected: HEADERS } })
    const missing = await upload(cadre, Buffer.from('姓名,性别\n张三,男\n'))
    expect(missing.statusCode).toBe(400)
    expect(missing.json().error).toMatchObject({ code: 'UNKNOWN_COLUMNS', details: { missing: ['区域代码', '地址'] } })
    const badMapping = await upload(cadre, csv([]), 'x.csv', { mapping: '{"姓名": "fullName"}' })
    expect(badMapping.statusCode).toBe(400)
    expect(badMapping.json().error.code).toBe('VALIDATION_FAILED')
  })

  it('a sheet of 10,000 bad rows finishes with 10,000 rejections and imports nothing', async () => {
    const before = { persons: await count('persons'), households: await count('households'), history: await count('archive_history') }
    // Valid households with a bad member each: the household must not appear half-made.
    const bad: Row[] = Array.from({ length: 10_000 }, (_, i) => ({
      regionCode: `${YAHUANG}001`,
      address: `雅璜村坏户${i}号`,
      name: `某${i}`,
      relation: '户主',
      idNumber: i % 2 ? '3306831990010112' : '',
      tags: i % 2 ? '' : '没有这个标签',
    }))
    const job = await importFile(csv(bad), 'bad.csv')
    expect(job).toMatchObject({ status: 'done', totalRows: 10_000, processedRows: 10_000, acceptedRows: 0, rejectedRows: 10_000 })
    expect(job.result.persons).toEqual({ created: 0, updated: 0, unchanged: 0 })
    expect({ persons: await count('persons'), households: await count('households'), history: await count('archive_history') }).toEqual(before)
    const lines = parseReport((await t.app.inject({ method: 'GET', url: job.reportUrl, headers: cadre.auth })).body)
    expect(lines.length).toBe(10_001)
  })

  it('refuses a user without archive.import (403) and a request that is not multipart (415)', async () => {
    const res = await upload(stationed, csv(goodRows(2, '禁')))
    expect(res.statusCode).toBe(403)
    const json = await t.app.inject({ method: 'POST', url: '/api/imports/households', headers: cadre.auth, payload: { file: 'x' } })
    expect(json.statusCode).toBe(415)
  })

  it('rejects a person whose ID number is registered in another area, without moving them', async () => {
    const id = idNumber(true)
    const theirs = await importFile(csv([{ regionCode: `${WANGYUAN}001`, address: '王院村塘头3号', name: '王某', idNumber: id }]), 'w.csv', other)
    expect(theirs.acceptedRows).toBe(1)
    const mine = await importFile(csv([{ regionCode: `${YAHUANG}001`, address: '雅璜村下宅99号', name: '王某', idNumber: id }]), 'y.csv')
    expect(mine).toMatchObject({ acceptedRows: 0, rejectedRows: 1 })
    expect(mine.result.rejectedSample[0].reason).toMatch(/辖区以外/)
    expect(await count('households', `address = '雅璜村下宅99号'`)).toBe(0)
  })

  it('households live in villages and grids: a town handler naming the town itself is told so', async () => {
    const job = await importFile(
      csv([
        { regionCode: '330683105', address: '石璜镇1号', name: '镇上人' },
        { regionCode: `${YAHUANG}001`, address: '雅璜村镇办1号', name: '村里人' },
      ]),
      't.csv',
      town,
    )
    expect(job).toMatchObject({ acceptedRows: 1, rejectedRows: 1 })
    expect(job.result.rejectedSample[0].reason).toMatch(/是镇\(街道\).*须为村\(社区\)或网格/)
  })

  it('rejects duplicates within a file and a second 户主 of one household', async () => {
    const id = idNumber(true)
    const rows: Row[] = [
      { regionCode: `${YAHUANG}001`, address: '雅璜村溪边1号', name: '周一', relation: '户主', idNumber: id },
      { regionCode: `${YAHUANG}001`, address: '雅璜村溪边2号', name: '周一二', idNumber: id },
      { regionCode: `${YAHUANG}001`, address: '雅璜村溪边1号', name: '周二', relation: '户主' },
      { regionCode: `${YAHUANG}001`, address: '雅璜村溪边1号', name: '周三' },
      { regionCode: `${YAHUANG}001`, address: '雅璜村溪边1号', name: '周三' },
    ]
    const job = await importFile(csv(rows), 'dups.csv')
    expect(job).toMatchObject({ acceptedRows: 2, rejectedRows: 3 })
    const reasons = job.result.rejectedSample.map((r: { rowNo: number; reason: string }) => `${r.rowNo}:${r.reason}`)
    expect(reasons[0]).toMatch(/^3:身份证号与第 2 行重复/)
    expect(reasons[1]).toMatch(/^4:同一户只能有一个户主/)
    expect(reasons[2]).toMatch(/^6:同一户中“周三”与第 5 行重复/)
  })
})

describe('upload limits', () => {
  it('answers 413 over UPLOAD_LIMIT_BYTES', async () => {
    const small = await createTestApp({ UPLOAD_LIMIT_BYTES: '2000' })
    try {
      const user = await makeUser(small.db, { roles: ['village_cadre'], regionCode: YAHUANG })
      const res = await upload(user, csv(goodRows(60, '大')), 'big.csv', {}, small.app)
      expect(res.statusCode).toBe(413)
      expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE')
      expect(await small.db.selectFrom('import_jobs').select('id').execute()).toEqual([])
    } finally {
      await small.close()
    }
  })

  it('answers 413 over the module’s own limit (maxBytes) when the server-wide one is higher', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'minqing-test-'))
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, MINQING_SECRET: 'test-secret-0123456789abcdef0123456789', UPLOAD_LIMIT_BYTES: String(10 << 20) })
    const ctx = await createContext(config, { database: await createTestDatabase(), bus: new MemoryBus(), migrate: false })
    const app = await buildApp(ctx, { logger: false, modules: [createImportsModule({ maxBytes: 3000 })] })
    await app.ready()
    try {
      const user = await makeUser(ctx.db, { roles: ['village_cadre'], regionCode: YAHUANG })
      const res = await upload(user, csv(goodRows(60, '大')), 'big.csv', {}, app)
      expect(res.statusCode).toBe(413)
      expect(res.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { maxBytes: 3000 } })
      const ok = await upload(user, csv(goodRows(2, '小')), 'small.csv', {}, app)
      expect(ok.statusCode, ok.body).toBe(202)
      await importRunnerOf(ctx)!.idle()
    } finally {
      await app.close()
      await closeContext(ctx)
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
