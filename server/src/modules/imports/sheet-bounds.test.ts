import { randomInt } from 'node:crypto'
import { crc32, deflateRawSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeUser, type MadeUser } from '../../../test/factories.ts'
import { multipart } from '../../../test/multipart.ts'
import { BUILTIN_SOURCES } from '../case-imports/sources.defaults.ts'
import { MAX_COLUMNS } from './sheet.ts'

// Reading a sheet is bounded in time and memory (issue 11, defect 16): a workbook of a few MB with ~1.6 MB of
// large distinct shared strings used to cost 51 s and +800 MB for the headers screen alone.

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: MadeUser

beforeAll(async () => {
  t = await createTestApp()
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683' })
})
afterAll(() => t.close())

// ---- a workbook written by hand (ExcelJS would take minutes to write the big ones) ----------------------
function zip(files: [name: string, text: string][]): Buffer {
  const parts: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const [name, text] of files) {
    const data = Buffer.from(text, 'utf8')
    const packed = deflateRawSync(data)
    const crc = crc32(data)
    const n = Buffer.from(name)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(8, 8)
    local.writeUInt16LE(0x21, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(n.length, 26)
    const dir = Buffer.alloc(46)
    dir.writeUInt32LE(0x02014b50, 0)
    dir.writeUInt16LE(20, 4)
    dir.writeUInt16LE(20, 6)
    dir.writeUInt16LE(8, 10)
    dir.writeUInt16LE(0x21, 14)
    dir.writeUInt32LE(crc, 16)
    dir.writeUInt32LE(packed.length, 20)
    dir.writeUInt32LE(data.length, 24)
    dir.writeUInt16LE(n.length, 28)
    dir.writeUInt32LE(offset, 42)
    parts.push(local, n, packed)
    central.push(dir, n)
    offset += 30 + n.length + packed.length
  }
  const cd = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(files.length, 8)
  end.writeUInt16LE(files.length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...parts, cd, end])
}

const colName = (i: number) => {
  let s = ''
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}
const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;')
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

/** An XLSX whose cells are all shared strings: `rows[r][c]` is an index into `strings`. */
function xlsx(strings: string[], rows: (r: number) => number[], rowCount: number): Buffer {
  const sheet: string[] = [`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${NS}"><sheetData>`]
  for (let r = 0; r < rowCount; r++) {
    const cells = rows(r)
      .map((s, c) => `<c r="${colName(c)}${r + 1}" t="s"><v>${s}</v></c>`)
      .join('')
    sheet.push(`<row r="${r + 1}">${cells}</row>`)
  }
  sheet.push('</sheetData></worksheet>')
  const sst = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="${NS}" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t>${esc(s)}</t></si>`).join('')}</sst>`
  return zip([
    [
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    ],
    [
      '_rels/.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ],
    ['xl/workbook.xml', `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`],
    [
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ],
    ['xl/worksheets/sheet1.xml', sheet.join('')],
    ['xl/sharedStrings.xml', sst],
  ])
}

/** `n` distinct strings of `len` random CJK characters (incompressible, like real complaint texts). */
const bigStrings = (n: number, len: number) => Array.from({ length: n }, (_, i) => `${i}-` + Array.from({ length: len }, () => String.fromCharCode(0x4e00 + randomInt(20000))).join(''))

/** POST the file to the case headers screen, with the time and CPU it cost the server process. */
async function headers(data: Buffer, url = '/api/imports/cases/headers') {
  const body = multipart({ source: '12345' }, { filename: 'export.xlsx', data })
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const res = await t.app.inject({ method: 'POST', url, headers: { ...admin.auth, ...body.headers }, payload: body.payload })
  const cpu = process.cpuUsage(cpu0)
  return { res, ms: Math.round(performance.now() - t0), cpuMs: Math.round((cpu.user + cpu.system) / 1000) }
}

const HEADERS_12345 = Object.values(BUILTIN_SOURCES.find((s) => s.code === '12345')!.mapping) as string[]

describe('XLSX reading is bounded', () => {
  // ~1.6 MB of shared strings: 1,000 distinct strings of 530 random characters (3 bytes each in UTF-8).
  const strings = bigStrings(1000, 530)

  it('a workbook with 16,000 columns of large shared strings is refused with 413 SHEET_TOO_LARGE in seconds, not minutes', async () => {
    const cols = 16_000
    const file = xlsx(strings, (r) => Array.from({ length: cols }, (_, c) => (r * cols + c) % strings.length), 60)
    const { res, ms, cpuMs } = await headers(file)
    console.log(`headers of a ${(file.length / 1e6).toFixed(1)} MB XLSX (60 rows × ${cols} columns, 1.6 MB shared strings): ${res.statusCode} in ${ms} ms (${cpuMs} ms CPU)`)
    expect(res.statusCode, res.body.slice(0, 300)).toBe(413)
    expect(res.json().error).toMatchObject({ code: 'SHEET_TOO_LARGE', details: { row: 1, max: MAX_COLUMNS } })
    // CPU time, not wall time: the bound holds on a machine shared with other work.
    expect(cpuMs).toBeLessThan(3000)
    // A new import of it is refused at once, and nothing is kept.
    const jobs = await t.db.selectFrom('import_jobs').select('id').execute()
    const created = await headers(file, '/api/imports/cases')
    expect(created.res.statusCode).toBe(413)
    expect(await t.db.selectFrom('import_jobs').select('id').execute()).toEqual(jobs)
  }, 120_000)

  it('the headers of a long sheet of large distinct strings are read from its first rows only', async () => {
    // The 12345 header, then 3,000 rows whose every cell is a large string of its own.
    const all = [...HEADERS_12345, ...strings]
    const file = xlsx(all, (r) => (r === 0 ? HEADERS_12345.map((_, c) => c) : HEADERS_12345.map((_, c) => HEADERS_12345.length + ((r * 13 + c) % strings.length))), 3001)
    const { res, ms, cpuMs } = await headers(file)
    console.log(`headers of a ${(file.length / 1e6).toFixed(1)} MB XLSX (3,001 rows × ${HEADERS_12345.length} columns, 1.6 MB shared strings): ${res.statusCode} in ${ms} ms (${cpuMs} ms CPU)`)
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200)
    const body = res.json()
    expect(body.headers).toEqual(HEADERS_12345)
    expect(body.missing).toEqual([])
    expect(body.sample).toHaveLength(5)
    expect(body.sample.flat().every((c: string) => c.length <= 200)).toBe(true)
    expect(cpuMs).toBeLessThan(3000)
  }, 120_000)

  it('shared strings over the bound (a ZIP bomb of 70 MB in 100 KB) are refused before they are inflated', async () => {
    const file = xlsx(['x'.repeat(70), ...Array(2_500_000).fill('重复的文本')], (r) => (r === 0 ? [0] : [1]), 2)
    expect(file.length).toBeLessThan(2_000_000)
    const { res, cpuMs } = await headers(file)
    expect(res.statusCode, res.body.slice(0, 300)).toBe(413)
    expect(res.json().error.code).toBe('SHEET_TOO_LARGE')
    expect(cpuMs).toBeLessThan(3000)
  }, 120_000)
})
