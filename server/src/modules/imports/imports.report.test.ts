import { withIdCheck } from '@minqing/common'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertFile } from '../../platform/files.repository.ts'
import { maskIdNumber, maskPhone } from '../../platform/identifiers.ts'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { multipart } from '../../../test/multipart.ts'
import { BOM, csvLine, FIELD_HEADERS, IMPORT_FIELDS } from './sheet.ts'
import { parseCsv } from '../../../test/csv.ts'

// The rejected-rows report of a household import (issue 11, defect 15): it quotes the file's cells, so it must not
// carry clear ID numbers and phones, and each download is audited.

let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser // village cadre of 雅璜村: may import
let town: MadeUser

const YAHUANG = '330683105212'
const HEADERS = IMPORT_FIELDS.map((f) => FIELD_HEADERS[f])
type Row = Partial<Record<(typeof IMPORT_FIELDS)[number], string>>
const csv = (rows: Row[]) => Buffer.from(BOM + csvLine(HEADERS) + rows.map((r) => csvLine(IMPORT_FIELDS.map((f) => r[f] ?? ''))).join(''), 'utf8')

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, `${YAHUANG}001`)
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG })
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
})
afterAll(() => t.close())

async function importFile(data: Buffer) {
  const body = multipart({}, { filename: '户籍.csv', data })
  const res = await t.app.inject({ method: 'POST', url: '/api/imports/households', headers: { ...cadre.auth, ...body.headers }, payload: body.payload })
  expect(res.statusCode, res.body).toBe(202)
  const until = Date.now() + 60_000
  for (;;) {
    const job = (await t.app.inject({ method: 'GET', url: `/api/imports/${res.json().id}`, headers: cadre.auth })).json()
    if (job.status === 'done' || job.status === 'failed') return job
    if (Date.now() > until) throw new Error(`job still ${job.status}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const ID_MALE = withIdCheck('33068319580312001') // born 1958-03-12, male
const ID_OTHER = withIdCheck('33068319600101002')
const ID_BAD_CHECK = '33068319700505003' + (withIdCheck('33068319700505003').endsWith('1') ? '2' : '1')
const PHONES = ['13857500001', '13857500002', '13857500003', '13857500004']

/** Rows refused for reasons that are not the identifiers themselves, and ones refused for them; all carry some. */
const ROWS: Row[] = [
  // Birth date does not match the ID: the reason must not quote the ID's birth date either.
  { regionCode: `${YAHUANG}001`, address: '雅璜村一号', name: '俞甲', idNumber: ID_MALE, birthDate: '1990-01-01', phone: PHONES[0] },
  // A wrong check digit: the broken ID itself is in the report.
  { regionCode: `${YAHUANG}001`, address: '雅璜村二号', name: '俞乙', idNumber: ID_BAD_CHECK, phone: PHONES[1] },
  // Unknown relation, identifiers valid; and a note quoting another person's ID and phone.
  { regionCode: `${YAHUANG}001`, address: '雅璜村三号', name: '俞丙', relation: '邻居', idNumber: ID_OTHER, phone: PHONES[2], notes: `其子身份证 ${ID_MALE},电话 ${PHONES[3]}` },
  // A good row, not in the report.
  { regionCode: `${YAHUANG}001`, address: '雅璜村四号', name: '俞丁', relation: '户主' },
]
const CLEAR = [ID_MALE, ID_OTHER, ID_BAD_CHECK, ...PHONES, '1958-03-12']

describe('the rejected-rows report', () => {
  let job: any
  beforeAll(async () => {
    job = await importFile(csv(ROWS))
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'done', acceptedRows: 1, rejectedRows: 3 })
  })

  it('shows ID numbers and phones masked with the archive’s own masks, in cells, notes and reasons', async () => {
    const res = await t.app.inject({ method: 'GET', url: job.reportUrl, headers: cadre.auth })
    expect(res.statusCode).toBe(200)
    for (const clear of CLEAR) expect(res.body, clear).not.toContain(clear)
    const lines = parseCsv(res.body)
    expect(lines[0]).toEqual(['行号', '原因', ...HEADERS])
    const col = (f: (typeof IMPORT_FIELDS)[number]) => 2 + IMPORT_FIELDS.indexOf(f)
    expect(lines.slice(1).map((l) => [l[col('idNumber')], l[col('phone')]])).toEqual([
      [maskIdNumber(ID_MALE), maskPhone(PHONES[0])],
      [maskIdNumber(ID_BAD_CHECK), maskPhone(PHONES[1])],
      [maskIdNumber(ID_OTHER), maskPhone(PHONES[2])],
    ])
    expect(lines[1][1]).toMatch(/出生日期与身份证号不一致/)
    expect(lines[3][col('notes')]).toBe(`其子身份证 ${maskIdNumber(ID_MALE)},电话 ${maskPhone(PHONES[3])}`)
    // The job's own sample of rejections says no more.
    for (const clear of CLEAR) expect(JSON.stringify(job.result), clear).not.toContain(clear)
  })

  it('audits each download (import.report.download: who, which job, from where)', async () => {
    const before = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'import.report.download').where('entity_id', '=', job.id).execute()
    expect((await t.app.inject({ method: 'GET', url: job.reportUrl, headers: cadre.auth })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: job.reportUrl, headers: town.auth })).statusCode).toBe(200)
    const rows = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'import.report.download').where('entity_id', '=', job.id).orderBy('id').execute()
    expect(rows.length - before.length).toBe(2)
    expect(rows.slice(-2).map((r) => ({ actor: r.actor_id, type: r.entity_type }))).toEqual([
      { actor: cadre.id, type: 'import_job' },
      { actor: town.id, type: 'import_job' },
    ])
    const details = rows.at(-1)!.details
    expect(typeof details === 'string' ? JSON.parse(details) : details).toMatchObject({ kind: 'households', rejectedRows: 3 })
  })

  it('masks a report stored before reports were masked, on the way out', async () => {
    // A report written by an older version: the file's clear cells.
    const clearReport = BOM + csvLine(['行号', '原因', ...HEADERS]) + csvLine(['2', `身份证号 ${ID_OTHER} 有误`, ...IMPORT_FIELDS.map((f) => ROWS[2][f] ?? '')])
    const stored = await t.ctx.storage.put(Buffer.from(clearReport, 'utf8'), { prefix: 'imports', extension: 'csv' })
    const file = await insertFile(t.db, stored, { filename: 'old-问题行.csv', contentType: 'text/csv', createdBy: cadre.id })
    await t.db.updateTable('import_jobs').set({ report_file_id: file.id }).where('id', '=', job.id).execute()
    const res = await t.app.inject({ method: 'GET', url: job.reportUrl, headers: cadre.auth })
    expect(res.statusCode).toBe(200)
    for (const clear of CLEAR) expect(res.body, clear).not.toContain(clear)
    const lines = parseCsv(res.body)
    expect(lines[1][1]).toBe(`身份证号 ${maskIdNumber(ID_OTHER)} 有误`)
    expect(lines[1][2 + IMPORT_FIELDS.indexOf('idNumber')]).toBe(maskIdNumber(ID_OTHER))
    expect(lines[1][2 + IMPORT_FIELDS.indexOf('name')]).toBe('俞丙')
  })
})
