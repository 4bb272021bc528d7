import { isUtf8 } from 'node:buffer'
import { Readable } from 'node:stream'
import { parse as parseCsv } from 'csv-parse'
import { excel } from '../../platform/excel.ts'
import { POLITICAL_STATUSES, RELATIONS } from '@minqing/common'
import { AppError, badRequest } from '../../platform/errors.ts'

// Reading household/person sheets (CSV or XLSX) row by row, and writing the template. No database here.

export const IMPORT_FIELDS = [
  'regionCode',
  'address',
  'name',
  'relation',
  'gender',
  'birthDate',
  'idNumber',
  'phone',
  'politicalStatus',
  'health',
  'childrenInCity',
  'workplace',
  'tags',
  'notes',
] as const
export type ImportField = (typeof IMPORT_FIELDS)[number]
const REQUIRED_FIELDS: readonly ImportField[] = ['regionCode', 'address', 'name']

/** The template's headers; a file may also use the English field names. */
export const FIELD_HEADERS: Record<ImportField, string> = {
  regionCode: '区域代码',
  address: '地址',
  name: '姓名',
  relation: '与户主关系',
  gender: '性别',
  birthDate: '出生日期',
  idNumber: '身份证号',
  phone: '联系电话',
  politicalStatus: '政治面貌',
  health: '健康状况',
  childrenInCity: '子女是否同城',
  workplace: '工作单位',
  tags: '标签',
  notes: '备注',
}

const FIELD_HELP: Record<ImportField, [required: boolean, help: string, example: string]> = {
  regionCode: [true, '户所在村(社区)或网格的行政区划代码,12位(村社)或15位(网格),须在您的辖区内', '330683105212001'],
  address: [true, '户的地址;同一区域内地址相同的行属于同一户', '雅璜村下宅12号'],
  name: [true, '成员姓名', '俞国良'],
  relation: [false, `与户主关系: ${RELATIONS.join('/')};户主那一行确定该户的户主`, '户主'],
  gender: [false, '男/女;填了身份证号可不填(从身份证号读取)', '男'],
  birthDate: [false, 'YYYY-MM-DD;填了身份证号可不填', '1958-03-12'],
  idNumber: [false, '18位居民身份证号;请把本列设为“文本”格式,否则 Excel 会截断;同一身份证号即同一人', '330683195803120019'],
  phone: [false, '手机号或带区号的固定电话', '13857500000'],
  politicalStatus: [false, `${POLITICAL_STATUSES.join('/')}(“党员”视为中共党员)`, '中共党员'],
  health: [false, '如 健康、慢性病(高血压)、行动不便', '慢性病(高血压)'],
  childrenInCity: [false, '是/否(子女是否在本市居住)', '否'],
  workplace: [false, '工作单位或就读学校', '嵊州市雅璜村'],
  tags: [false, '标签名称或代码,多个用 、 , ; 分隔;标签须已在系统中', '独居老人、党员'],
  notes: [false, '备注', ''],
}

export const MAX_DATA_ROWS = 1_000_000

// Bounds of reading a sheet (issue 11): a crafted workbook of a few MB must not cost minutes and gigabytes. An
// XLSX is judged by its ZIP directory before anything is inflated; every row, of XLSX or CSV, is judged as read.
/** Columns of any row: more non-blank cells than this is no export of a register or a platform. */
export const MAX_COLUMNS = 500
/** Text kept of a header cell (headers are names; a longer one matches no field anyway). */
const MAX_HEADER_CHARS = 200
/** Uncompressed size of an XLSX's shared strings (all of them are held in memory while the sheet is read). */
const MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
/** Uncompressed size of all of an XLSX's parts together (ZIP bombs). */
const MAX_XLSX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
/** Reading the header and first rows for an answer (the headers screen, a new job) gives up after this. */
export const HEAD_READ_MS = 10_000

const sheetTooLarge = (why: string, details: Record<string, unknown> = {}) => new AppError(413, 'SHEET_TOO_LARGE', `表格过大,无法读取: ${why}`, details)

interface ZipEntry {
  name: string
  compressedSize: number
  uncompressedSize: number
}

/**
 * The entries of a ZIP as its central directory lists them (no inflating): enough to refuse an XLSX whose shared
 * strings or total size are out of bounds before ExcelJS holds them in memory. Null when there is no directory
 * (ExcelJS then says the file cannot be read).
 */
function zipEntries(data: Buffer): ZipEntry[] | null {
  // End of central directory: 22 bytes plus a comment of up to 64 KB, at the end of the file.
  const from = Math.max(0, data.length - 22 - 0xffff)
  let eocd = -1
  for (let i = data.length - 22; i >= from; i--)
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  if (eocd < 0) return null
  const count = data.readUInt16LE(eocd + 10)
  let at = data.readUInt32LE(eocd + 16)
  const entries: ZipEntry[] = []
  for (let n = 0; n < count; n++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== 0x02014b50) return null
    const nameLen = data.readUInt16LE(at + 28)
    const extraLen = data.readUInt16LE(at + 30)
    const commentLen = data.readUInt16LE(at + 32)
    entries.push({
      name: data.toString('utf8', at + 46, at + 46 + nameLen),
      compressedSize: data.readUInt32LE(at + 20),
      uncompressedSize: data.readUInt32LE(at + 24),
    })
    at += 46 + nameLen + extraLen + commentLen
  }
  return entries
}

/** 413 SHEET_TOO_LARGE for an XLSX whose parts are too big to read (judged from its ZIP directory). */
function checkXlsxSize(data: Buffer) {
  const entries = zipEntries(data)
  if (!entries) return
  // ZIP64 marks sizes it cannot hold in 32 bits with 0xFFFFFFFF: a sheet of more than 4 GB.
  const total = entries.reduce((s, e) => s + e.uncompressedSize, 0)
  const shared = entries.filter((e) => /(^|\/)sharedStrings\.xml$/i.test(e.name)).reduce((s, e) => s + e.uncompressedSize, 0)
  const mb = (n: number) => Math.ceil(n / 1024 / 1024)
  if (shared > MAX_SHARED_STRINGS_BYTES)
    throw sheetTooLarge(`文本内容(共享字符串)解压后 ${mb(shared)} MB,超过上限 ${mb(MAX_SHARED_STRINGS_BYTES)} MB,请拆分后导入或另存为 CSV`, {
      sharedStringsBytes: shared,
      max: MAX_SHARED_STRINGS_BYTES,
    })
  if (total > MAX_XLSX_UNCOMPRESSED_BYTES || entries.some((e) => e.uncompressedSize === 0xffffffff))
    throw sheetTooLarge(`解压后超过 ${mb(MAX_XLSX_UNCOMPRESSED_BYTES)} MB,请拆分后导入`, { uncompressedBytes: total, max: MAX_XLSX_UNCOMPRESSED_BYTES })
}

/** A row's cells within MAX_COLUMNS (trailing blank cells beyond it dropped); 413 when a cell beyond it has text. */
function boundedCells(row: SheetRow): SheetRow {
  if (row.cells.length <= MAX_COLUMNS) return row
  for (let i = MAX_COLUMNS; i < row.cells.length; i++)
    if (row.cells[i].trim() !== '') throw sheetTooLarge(`第 ${row.rowNo} 行超过 ${MAX_COLUMNS} 列`, { row: row.rowNo, columns: row.cells.length, max: MAX_COLUMNS })
  return { rowNo: row.rowNo, cells: row.cells.slice(0, MAX_COLUMNS) }
}

export type SheetFormat = 'csv' | 'xlsx'
export type TextEncoding = 'utf8' | 'gb18030'
export interface SheetSource {
  format: SheetFormat
  /** CSV only: how the bytes are encoded (UTF-8 with or without BOM; GB18030 as written by older Excel). */
  encoding?: TextEncoding
}
export interface SheetRow {
  /** The row's number as a spreadsheet shows it (the header is row 1 in a file that starts with it). */
  rowNo: number
  cells: string[]
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/**
 * What kind of sheet the bytes are, by their content: XLSX by its ZIP signature (platform/uploads.ts), CSV when
 * they are text. Anything else — images, PDFs, old .xls, random bytes — is refused.
 */
export function detectSheet(data: Buffer, sniffedType: string | null): SheetSource {
  if (sniffedType === XLSX_TYPE) return { format: 'xlsx' }
  const refuse = (why: string) => new AppError(400, 'UNSUPPORTED_FILE', `只能导入 Excel(.xlsx)或 CSV 文件${why}`, { detectedType: sniffedType ?? 'binary' })
  if (sniffedType !== null) throw refuse(`,收到的是 ${sniffedType}`)
  // Text has no NUL bytes and no control characters other than tab, CR, LF (and a stray form feed).
  const head = data.subarray(0, Math.min(data.length, 1 << 20))
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) throw refuse(',收到的不是文本表格(旧版 .xls 请另存为 .xlsx)')
  if (data.indexOf(0) !== -1) throw refuse(',收到的不是文本表格')
  if (isUtf8(data)) return { format: 'csv', encoding: 'utf8' }
  try {
    new TextDecoder('gb18030', { fatal: true }).decode(data)
    return { format: 'csv', encoding: 'gb18030' }
  } catch {
    throw refuse(',CSV 须为 UTF-8 编码')
  }
}

/** Text of one XLSX cell value as a person reading the sheet would see it. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  // String(), not toFixed(): an ID number Excel stored as a number shows its lost digits as zeros (…010000).
  if (typeof v === 'number') return String(v)
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
  // Excel keeps wall-clock time without a zone (ExcelJS reads it as UTC): a date alone stays a date, a
  // date with a time of day (a call's 来电时间) keeps its time as it was shown.
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return ''
    const iso = v.toISOString()
    return iso.slice(11, 19) === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
  }
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown; formula?: unknown }
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('')
    if ('result' in o || 'formula' in o || 'sharedFormula' in o) return cellText(o.result)
    if ('error' in o) return ''
    if (o.text !== undefined) return cellText(o.text)
  }
  return String(v)
}

const CSV_SLICE = 1 << 20

function csvBytes(data: Buffer, encoding: TextEncoding | undefined) {
  return encoding === 'gb18030' ? Buffer.from(new TextDecoder('gb18030').decode(data), 'utf8') : data
}

async function* csvRows(data: Buffer, encoding: TextEncoding | undefined): AsyncGenerator<SheetRow> {
  const bytes = csvBytes(data, encoding)
  // Fed in slices: csv-parse works on bytes, so a character split between slices is still read whole.
  const input = Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += CSV_SLICE) yield bytes.subarray(i, i + CSV_SLICE)
    })(),
  )
  const parser = input.pipe(parseCsv({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, trim: false }))
  let rowNo = 0
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      rowNo++
      yield { rowNo, cells: record }
    }
  } catch (err) {
    throw badRequest('UNSUPPORTED_FILE', `CSV 第 ${rowNo + 1} 行附近无法解析: ${(err as Error).message}`, { row: rowNo + 1 })
  } finally {
    input.destroy()
  }
}

async function* xlsxRows(data: Buffer): AsyncGenerator<SheetRow> {
  let reader: AsyncIterable<AsyncIterable<{ number: number; values: unknown[] }>>
  try {
    const ExcelJS = await excel()
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- exceljs ships no types for its streaming reader.
    reader = new (ExcelJS as any).stream.xlsx.WorkbookReader(Readable.from([data]), {
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'emit',
    })
  } catch (err) {
    throw new AppError(400, 'UNSUPPORTED_FILE', `Excel 文件无法读取: ${(err as Error).message}`)
  }
  let sheets = 0
  try {
    // Only the first sheet holds data; the template's second sheet is the column guide.
    for await (const sheet of reader) {
      sheets++
      for await (const row of sheet) {
        const values = Array.isArray(row.values) ? row.values.slice(1) : []
        yield { rowNo: row.number, cells: Array.from(values, cellText) }
      }
      break
    }
  } catch (err) {
    if (err instanceof AppError) throw err
    throw new AppError(400, 'UNSUPPORTED_FILE', `Excel 文件无法读取: ${(err as Error).message}`)
  }
  if (sheets === 0) throw new AppError(400, 'UNSUPPORTED_FILE', 'Excel 文件中没有工作表')
}

/**
 * Every row of the sheet's first worksheet, blank rows included (callers skip them). Bounded: an XLSX out of
 * `checkXlsxSize`'s bounds, or a row wider than MAX_COLUMNS, is 413 SHEET_TOO_LARGE.
 */
export async function* readSheetRows(data: Buffer, source: SheetSource): AsyncGenerator<SheetRow> {
  if (source.format === 'xlsx') checkXlsxSize(data)
  for await (const row of source.format === 'xlsx' ? xlsxRows(data) : csvRows(data, source.encoding)) yield boundedCells(row)
}

export const isBlankRow = (cells: string[]) => cells.every((c) => c.trim() === '')

/** Header text as compared: no spaces, no required-marker asterisk, no bracketed hint ("出生日期(YYYY-MM-DD)"). */
export function normaliseHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, '')
    .replace(/[\s\u3000]+/g, '')
    .replace(/[(（][^)）]*[)）]$/, '')
    .replace(/[*＊]+$/, '')
    .replace(/^[*＊]+/, '')
    .toLowerCase()
}

export interface ColumnMap<F extends string = ImportField> {
  /** Cell index of each field the file has. */
  index: Partial<Record<F, number>>
  headers: string[]
  ignored: string[]
}

const DEFAULT_HEADERS = new Map<string, ImportField>(IMPORT_FIELDS.flatMap((f) => [[normaliseHeader(FIELD_HEADERS[f]), f] as const, [normaliseHeader(f), f] as const]))
// A few headers seen in real village registers.
for (const [alias, field] of [
  ['村社代码', 'regionCode'],
  ['网格代码', 'regionCode'],
  ['行政区划代码', 'regionCode'],
  ['住址', 'address'],
  ['家庭住址', 'address'],
  ['户籍地址', 'address'],
  ['公民身份号码', 'idNumber'],
  ['身份证号码', 'idNumber'],
  ['手机号', 'phone'],
  ['电话', 'phone'],
  ['手机号码', 'phone'],
  ['联系方式', 'phone'],
  ['关系', 'relation'],
  ['与户主关系', 'relation'],
  ['子女同城', 'childrenInCity'],
  ['工作单位/学校', 'workplace'],
] as const)
  DEFAULT_HEADERS.set(normaliseHeader(alias), field)

/** Parse the optional `mapping` form field: {"file column header": "field"}. */
export function parseMapping(raw: string | undefined): Record<string, ImportField> {
  if (raw === undefined || raw.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw badRequest('VALIDATION_FAILED', 'mapping 须为 JSON 对象: {"表头": "字段"}')
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest('VALIDATION_FAILED', 'mapping 须为 JSON 对象: {"表头": "字段"}')
  const out: Record<string, ImportField> = {}
  const bad: string[] = []
  for (const [header, field] of Object.entries(value as Record<string, unknown>)) {
    if (typeof field !== 'string' || !(IMPORT_FIELDS as readonly string[]).includes(field)) bad.push(header)
    else out[normaliseHeader(header)] = field as ImportField
  }
  if (bad.length) throw badRequest('VALIDATION_FAILED', `mapping 中的字段名无效: ${bad.join(', ')}`, { invalid: bad, fields: [...IMPORT_FIELDS] })
  return out
}

/**
 * Which cell holds which field. Refused whole (400 UNKNOWN_COLUMNS) when no column is recognised, or when a
 * required one (区域代码, 地址, 姓名) is missing: every row would fail, so the file is answered at once.
 */
export function resolveColumns(headerCells: string[], mapping: Record<string, ImportField>): ColumnMap {
  const index: Partial<Record<ImportField, number>> = {}
  const ignored: string[] = []
  const headers = headerCells.map((h) => h.trim())
  headers.forEach((h, i) => {
    if (h === '') return
    const key = normaliseHeader(h)
    const field = mapping[key] ?? DEFAULT_HEADERS.get(key)
    if (field && index[field] === undefined) index[field] = i
    else ignored.push(h)
  })
  const expected = IMPORT_FIELDS.map((f) => FIELD_HEADERS[f])
  const found = headers.filter(Boolean)
  if (Object.keys(index).length === 0) throw new AppError(400, 'UNKNOWN_COLUMNS', `表头中没有可识别的列;应为: ${expected.join('、')}`, { found, expected, fields: [...IMPORT_FIELDS] })
  const missing = REQUIRED_FIELDS.filter((f) => index[f] === undefined)
  if (missing.length)
    throw new AppError(400, 'UNKNOWN_COLUMNS', `缺少必需的列: ${missing.map((f) => FIELD_HEADERS[f]).join('、')}`, {
      found,
      expected,
      missing: missing.map((f) => FIELD_HEADERS[f]),
      fields: [...IMPORT_FIELDS],
    })
  return { index, headers, ignored }
}

/**
 * The header row (first non-blank row) and how many data rows follow it (and the first few), reading the whole
 * sheet once — or only up to `stopAfterRows`, within `budgetMs` (past it: 413 SHEET_TOO_LARGE).
 */
export async function scanSheet(data: Buffer, source: SheetSource, opts: { stopAfterRows?: number; sampleRows?: number; budgetMs?: number } = {}) {
  let header: SheetRow | undefined
  let dataRows = 0
  const sample: string[][] = []
  const deadline = opts.budgetMs === undefined ? Infinity : Date.now() + opts.budgetMs
  for await (const row of readSheetRows(data, source)) {
    if (Date.now() > deadline) throw sheetTooLarge(`读取前 ${dataRows + 1} 行已超过 ${Math.round(opts.budgetMs! / 1000)} 秒`, { budgetMs: opts.budgetMs })
    if (isBlankRow(row.cells)) continue
    if (!header) {
      // A header is a name: a longer cell matches no field, and is not sent back whole.
      header = { rowNo: row.rowNo, cells: row.cells.map((c) => (c.length > MAX_HEADER_CHARS ? c.slice(0, MAX_HEADER_CHARS) : c)) }
      continue
    }
    dataRows++
    if (sample.length < (opts.sampleRows ?? 0)) sample.push(row.cells)
    if (opts.stopAfterRows !== undefined && dataRows >= opts.stopAfterRows) break
  }
  return { header, dataRows, sample }
}

/** Upper bound of a CSV's records without parsing it: its line breaks. */
export function csvLineCount(data: Buffer): number {
  let n = 0
  for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) n++
  return n + 1
}

// ---- template ---------------------------------------------------------------------------

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)
export const csvLine = (cells: readonly string[]) => cells.map(csvCell).join(',') + '\r\n'
/** UTF-8 with a BOM, so Excel opens Chinese text correctly. */
export const BOM = '\uFEFF'

export async function templateFile(format: SheetFormat): Promise<Buffer> {
  const headers = IMPORT_FIELDS.map((f) => FIELD_HEADERS[f])
  if (format === 'csv') return Buffer.from(BOM + csvLine(headers), 'utf8')
  const ExcelJS = await excel()
  const wb = new ExcelJS.Workbook()
  wb.creator = '民情 Minqing'
  const sheet = wb.addWorksheet('户籍人口', { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = IMPORT_FIELDS.map((f) => ({
    header: FIELD_HEADERS[f],
    key: f,
    width: f === 'address' || f === 'workplace' || f === 'notes' ? 24 : f === 'idNumber' || f === 'regionCode' ? 22 : 14,
    // Text format, so Excel keeps ID numbers, phones, codes and dates as typed.
    style: ['regionCode', 'idNumber', 'phone', 'birthDate'].includes(f) ? { numFmt: '@' } : {},
  }))
  const head = sheet.getRow(1)
  head.font = { bold: true }
  IMPORT_FIELDS.forEach((f, i) => {
    if (REQUIRED_FIELDS.includes(f)) head.getCell(i + 1).font = { bold: true, color: { argb: 'FFC8102E' } }
  })
  const guide = wb.addWorksheet('填写说明')
  guide.columns = [
    { header: '列', width: 16 },
    { header: '必填', width: 8 },
    { header: '说明', width: 70 },
    { header: '示例', width: 24 },
  ]
  guide.getRow(1).font = { bold: true }
  for (const f of IMPORT_FIELDS) {
    const [required, help, example] = FIELD_HELP[f]
    guide.addRow([FIELD_HEADERS[f], required ? '是' : '', help, example])
  }
  guide.addRow([])
  for (const line of [
    '每行一名成员;同一区域代码和地址的行属于同一户。',
    '有身份证号的人以身份证号识别,没有的以“户 + 姓名”识别;重复导入同一文件不会产生重复数据。',
    '空白单元格不会清除已有信息;标签只增加,不删除。',
    '有问题的行不导入,其余行照常导入;导入完成后可下载问题行清单(含行号和原因),改正后再导入。',
    '表头也可以用英文字段名: ' + IMPORT_FIELDS.join(', '),
  ])
    guide.addRow([line])
  return Buffer.from(await wb.xlsx.writeBuffer())
}
