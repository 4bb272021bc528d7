import type { ImportJob } from '@minqing/common'
import { Readable } from 'node:stream'
import { parse as parseCsv } from 'csv-parse'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { audit } from '../../platform/audit.ts'
import { AppError, badRequest, conflict } from '../../platform/errors.ts'
import { fileById, insertFile } from '../../platform/files.repository.ts'
import { type Actor, hasPermission, requirePermission, visibleRow } from '../../platform/policy.ts'
import type { Storage } from '../../platform/storage.ts'
import type { Upload } from '../../platform/uploads.ts'
import * as repo from './imports.repository.ts'
import type { ImportRunner, JobOptions } from './imports.runner.ts'
import { reportMasker } from './report-mask.ts'
import { type SheetSource, BOM, csvLine, csvLineCount, detectSheet, HEAD_READ_MS, MAX_DATA_ROWS, parseMapping, resolveColumns, scanSheet, type SheetFormat, templateFile } from './sheet.ts'

/** The largest import file; the server-wide UPLOAD_LIMIT_BYTES applies too (whichever is smaller). */
export const IMPORT_MAX_BYTES = 100 * 1024 * 1024

/** Rows after the header shown on the mapping screen. */
const SAMPLE_ROWS = 5

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

function toImportJob(row: repo.ImportJobRow): ImportJob {
  const result = (typeof row.result === 'string' ? JSON.parse(row.result) : row.result) as Record<string, unknown>
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    filename: row.filename,
    totalRows: row.total_rows,
    processedRows: row.processed_rows,
    acceptedRows: row.accepted_rows,
    rejectedRows: row.rejected_rows,
    result: result ?? {},
    error: row.error,
    reportUrl: row.status === 'done' && row.rejected_rows > 0 ? `/api/imports/${row.id}/report` : null,
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  }
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export class ImportsService {
  constructor(
    private db: Kysely<DB>,
    private storage: Storage,
    private runner: ImportRunner,
  ) {}

  assertMayImport(actor: Actor) {
    requirePermission(actor, 'archive.import')
  }

  async template(actor: Actor, format: SheetFormat) {
    requirePermission(actor, 'archive.import')
    return {
      data: await templateFile(format),
      filename: `户籍人口导入模板.${format}`,
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE,
    }
  }

  /**
   * Accept a file for import. What can be judged at once is answered at once (not a spreadsheet, unknown
   * columns, too many rows); the rows themselves are imported by a background job.
   */
  async create(actor: Actor, upload: Upload, ip?: string): Promise<ImportJob> {
    requirePermission(actor, 'archive.import')
    const sheet = await this.readSheet(upload)
    const mapping = parseMapping(upload.fields.mapping)
    resolveColumns(sheet.header, mapping)
    return this.submit(actor, upload, { kind: 'households', options: { ...sheet.source, mapping, ip: ip ?? null } })
  }

  /**
   * What kind of sheet an upload is (400 UNSUPPORTED_FILE for anything else) and its header row (400
   * UNKNOWN_COLUMNS without one); too many rows is 400 TOO_MANY_ROWS. Nothing is stored.
   */
  async readSheet(upload: Upload): Promise<{ source: SheetSource; header: string[]; sample: string[][] }> {
    const source = detectSheet(upload.data, upload.sniffedType)
    // Only the header and the sample are needed here: the rows are counted and read by the job.
    const head = await scanSheet(upload.data, source, { stopAfterRows: SAMPLE_ROWS, sampleRows: SAMPLE_ROWS, budgetMs: HEAD_READ_MS })
    if (!head.header) throw new AppError(400, 'UNKNOWN_COLUMNS', '文件中没有表头行', { found: [], expected: [] })
    // Line breaks bound a CSV's records from above; only a file near the limit is parsed to count exactly.
    if (source.format === 'csv' && csvLineCount(upload.data) > MAX_DATA_ROWS + 1) {
      const { dataRows } = await scanSheet(upload.data, source)
      if (dataRows > MAX_DATA_ROWS) throw badRequest('TOO_MANY_ROWS', `文件有 ${dataRows} 行数据,超过上限 ${MAX_DATA_ROWS} 行,请拆分后导入`, { rows: dataRows, max: MAX_DATA_ROWS })
    }
    return { source, header: head.header.cells, sample: head.sample }
  }

  /**
   * Store an upload already checked by `readSheet` and queue a job of `kind` for it (the kind's module has
   * checked the caller's permission and the columns).
   */
  async submit(actor: Actor, upload: Upload, job: { kind: string; options: JobOptions }): Promise<ImportJob> {
    const source: SheetSource = { format: job.options.format, encoding: job.options.encoding }
    const stored = await this.storage.put(upload.data, { prefix: 'imports', extension: source.format })
    const options = job.options
    let id: string
    try {
      id = await this.db.transaction().execute(async (trx) => {
        const file = await insertFile(trx, stored, {
          filename: upload.filename,
          contentType: source.format === 'csv' ? 'text/csv' : XLSX_TYPE,
          createdBy: actor.userId,
        })
        const row = await repo.insertJob(trx, {
          kind: job.kind,
          filename: upload.filename,
          fileId: file.id,
          options: options as unknown as Record<string, unknown>,
          totalRows: 0,
          regionId: actor.regionId,
          createdBy: actor.userId,
        })
        return row.id
      })
    } catch (err) {
      await this.storage.remove(stored.key)
      throw err
    }
    this.runner.enqueue(id)
    return toImportJob((await repo.findJob(this.db, id))!)
  }

  private permissionOf(kind: string) {
    return this.runner.kindOf(kind)?.permission ?? 'archive.import'
  }

  private async visibleJob(actor: Actor, id: string) {
    const job = await repo.findJob(this.db, id)
    requirePermission(actor, this.permissionOf(job?.kind ?? 'households'))
    return visibleRow(actor, job, '导入任务')
  }

  async get(actor: Actor, id: string): Promise<ImportJob> {
    return toImportJob(await this.visibleJob(actor, id))
  }

  /** The caller's own recent jobs (of one kind, or of every kind they may import); with `scope: 'area'`, every job of their area. */
  async list(actor: Actor, query: { limit?: number; scope?: 'mine' | 'area'; kind?: string }) {
    let kinds: string[]
    if (query.kind) {
      if (!this.runner.kindOf(query.kind)) throw badRequest('VALIDATION_FAILED', `未知的导入类型: ${query.kind}`, { kinds: this.runner.kindNames })
      requirePermission(actor, this.permissionOf(query.kind))
      kinds = [query.kind]
    } else {
      kinds = this.runner.kindNames.filter((k) => hasPermission(actor, this.permissionOf(k)))
      if (kinds.length === 0) requirePermission(actor, 'archive.import')
    }
    const rows = await repo.listJobs(this.db, {
      scopePath: actor.regionPath,
      createdBy: query.scope === 'area' ? undefined : actor.userId,
      kinds,
      limit: query.limit ?? 20,
    })
    return { items: rows.map(toImportJob) }
  }

  /**
   * The rejected rows (行号, 原因, then the file's own columns) as CSV with a BOM, so Excel reads it. ID numbers
   * and phones in it are masked as the archive shows them (a report stored before they were masked at writing is
   * masked on the way out), and each download is an `import.report.download` audit row.
   */
  async report(actor: Actor, id: string, ip?: string): Promise<{ filename: string; body: Readable | Buffer }> {
    const job = await this.visibleJob(actor, id)
    if (job.status !== 'done') throw conflict('CONFLICT', job.status === 'failed' ? '导入失败,没有问题行清单' : '导入尚未完成', { status: job.status })
    const name = `${job.filename.replace(/\.[^.]*$/, '')}-问题行.csv`
    const result = job.result as { headers?: string[]; columns?: Record<string, string> }
    const headers = result.headers ?? []
    await audit(this.db, {
      actor,
      action: 'import.report.download',
      entityType: 'import_job',
      entityId: job.id,
      regionId: job.region_id,
      ip,
      details: { kind: job.kind, filename: job.filename, rejectedRows: job.rejected_rows },
    })
    if (!job.report_file_id) return { filename: name, body: Buffer.from(BOM + csvLine(['行号', '原因', ...headers]), 'utf8') }
    const file = await fileById(this.db, job.report_file_id)
    const mask = reportMasker(headers, result.columns ?? {}, this.runner.kindOf(job.kind)?.identifiers ?? {})
    const records = (await this.storage.get(file!.storage_key)).pipe(parseCsv({ bom: true, relax_column_count: true, relax_quotes: true })) as AsyncIterable<string[]>
    return {
      filename: name,
      body: Readable.from(
        (async function* () {
          let first = true
          for await (const r of records) {
            if (first) yield BOM + csvLine(r)
            else yield csvLine([r[0] ?? '', mask.reason(r[1] ?? ''), ...mask.cells(r.slice(2))])
            first = false
          }
        })(),
      ),
    }
  }
}
