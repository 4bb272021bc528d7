import type { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/index.ts'
import type { DB } from '../../db/types.ts'
import { audit } from '../../platform/audit.ts'
import type { FieldCrypto } from '../../platform/crypto.ts'
import { AppError } from '../../platform/errors.ts'
import { fileById, insertFile } from '../../platform/files.repository.ts'
import { redactIdentifiers } from '../../platform/identifiers.ts'
import type { Storage } from '../../platform/storage.ts'
import type { Rejection } from './imports.engine.ts'
import { CHUNK_ROWS, type FieldCells, householdKind, type ImportKind, type JobOptions, type Preview } from './imports.kinds.ts'
import * as repo from './imports.repository.ts'
import { reportMasker } from './report-mask.ts'
import { BOM, type ColumnMap, csvLine, isBlankRow, MAX_DATA_ROWS, readSheetRows, scanSheet, type SheetSource } from './sheet.ts'

export { CHUNK_ROWS, type JobOptions }

interface Logger {
  error(obj: object, msg?: string): void
  info(obj: object, msg?: string): void
}

/** A job's result: its kind's counts (households and persons, or cases) and these. */
export interface JobResult {
  /** File header → field, for the columns that were used. */
  columns: Record<string, string>
  ignoredColumns: string[]
  /** The file's header row as it was (the report repeats it). */
  headers: string[]
  /** The first rejections, so a screen can show some without downloading the report. */
  rejectedSample: Rejection[]
}

const RETRYABLE = new Set(['23505', '23503', '40001', '40P01'])

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/**
 * The report may be opened in Excel by someone other than the uploader: a cell that would start a formula
 * (= + - @) is shown as text, so a crafted file cannot run anything on their machine.
 */
const inertCell = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)

function toFields(cells: string[], columns: ColumnMap<string>): FieldCells {
  const out: FieldCells = {}
  for (const [f, i] of Object.entries(columns.index) as [string, number][]) {
    if (i < cells.length) out[f] = cells[i]
  }
  return out
}

/**
 * Runs import jobs in the background of the server process, one at a time. A job is processed in chunks;
 * each chunk's rows and the job's progress commit together, so a job interrupted by a stop or a crash
 * resumes after its last committed chunk (on PostgreSQL an advisory lock keeps two processes off one job).
 */
export class ImportRunner {
  private queue: string[] = []
  private loop: Promise<void> | null = null
  private stopping = false
  private held = new Set<string>()
  private kinds = new Map<string, ImportKind>()

  constructor(
    private database: Database,
    private storage: Storage,
    crypto: FieldCrypto,
    public log: Logger = { error() {}, info() {} },
  ) {
    this.register(householdKind(crypto))
  }

  /** Another kind of import (a module adds its own when it registers; before jobs are resumed at start). */
  register(kind: ImportKind) {
    this.kinds.set(kind.kind, kind)
  }

  kindOf(kind: string): ImportKind | undefined {
    return this.kinds.get(kind)
  }

  get kindNames() {
    return [...this.kinds.keys()]
  }

  private get db(): Kysely<DB> {
    return this.database.db
  }

  enqueue(id: string) {
    if (this.stopping || this.queue.includes(id) || this.held.has(id)) return
    this.queue.push(id)
    this.loop ??= (async () => {
      while (this.queue.length && !this.stopping) {
        const next = this.queue.shift()!
        try {
          await this.runJob(next)
        } catch (err) {
          this.log.error({ err, job: next }, 'import job crashed')
        }
      }
    })().finally(() => {
      this.loop = null
      if (this.queue.length && !this.stopping) this.enqueue(this.queue.shift()!)
    })
  }

  /** Queue every job a previous run of the server left queued or running. */
  async resumePending() {
    for (const id of await repo.unfinishedJobIds(this.db)) this.enqueue(id)
  }

  /** Resolves when the queue is empty (tests and the benchmark wait on it). */
  async idle() {
    while (this.loop) await this.loop
  }

  /** Finish the chunk in hand and stop; unfinished jobs stay 'running' and resume at the next start. */
  async stop() {
    this.stopping = true
    this.queue = []
    await this.loop
  }

  private async lock(id: string): Promise<(() => Promise<void>) | null> {
    if (this.held.has(id)) return null
    const pool = this.database.pool
    if (!pool) {
      this.held.add(id)
      return async () => void this.held.delete(id)
    }
    const client = await pool.connect()
    const key = `minqing:import:${id}`
    const res = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [key])
    if (!res.rows[0]?.ok) {
      client.release()
      return null
    }
    this.held.add(id)
    return async () => {
      this.held.delete(id)
      try {
        await client.query('select pg_advisory_unlock(hashtext($1))', [key])
      } finally {
        client.release()
      }
    }
  }

  async runJob(id: string): Promise<void> {
    const release = await this.lock(id)
    if (!release) return
    try {
      const job = await repo.findJob(this.db, id)
      if (!job || job.status === 'done' || job.status === 'failed') return
      await repo.startJob(this.db, id)
      try {
        await this.process(job)
      } catch (err) {
        const message = err instanceof AppError ? err.message : '导入过程中出错,已导入的部分保留;请稍后重新导入同一文件(重复导入不会产生重复数据)'
        if (!(err instanceof AppError)) this.log.error({ err, job: id }, 'import job failed')
        await this.db.transaction().execute(async (trx) => {
          await repo.finishJob(trx, id, { status: 'failed', error: message.slice(0, 1000) })
          await audit(trx, {
            actor: job.created_by ? { userId: job.created_by } : null,
            action: this.kinds.get(job.kind)?.auditAction ?? 'archive.import',
            entityType: 'import_job',
            entityId: id,
            regionId: job.region_id,
            ip: (job.options as JobOptions).ip ?? null,
            details: { filename: job.filename, status: 'failed', error: message.slice(0, 200) },
          })
        })
      }
    } finally {
      await release()
    }
  }

  private async process(job: repo.ImportJobRow) {
    const options = job.options as JobOptions
    const kind = this.kinds.get(job.kind)
    if (!kind) throw new AppError(400, 'VALIDATION_FAILED', `未知的导入类型: ${job.kind}`)
    const file = job.file_id ? await fileById(this.db, job.file_id) : undefined
    if (!file) throw new AppError(400, 'NOT_FOUND', '导入文件已不存在')
    const data = await readAll(await this.storage.get(file.storage_key))
    const source: SheetSource = { format: options.format, encoding: options.encoding }

    // Pass 1: the header and the number of rows (progress needs the total; over the limit, nothing is imported).
    const { header, dataRows } = await scanSheet(data, source)
    if (dataRows > MAX_DATA_ROWS) throw new AppError(400, 'TOO_MANY_ROWS', `文件有 ${dataRows} 行数据,超过上限 ${MAX_DATA_ROWS} 行,请拆分后导入`)
    const columns = header ? kind.columns(header.cells, options) : undefined
    const base: Omit<JobResult, 'rejectedSample'> = {
      columns: Object.fromEntries((Object.entries(columns?.index ?? {}) as [string, number][]).sort((a, b) => a[1] - b[1]).map(([f, i]) => [columns!.headers[i], f])),
      ignoredColumns: columns?.ignored ?? [],
      headers: columns?.headers ?? [],
    }

    const importer = await kind.open(this.db, job)
    const checkpoint = job.processed_rows
    if (checkpoint > 0) importer.restore(job.result as Record<string, unknown>, checkpoint, job.rejected_rows)
    const resultOf = (counts: object, rejections: Rejection[]): JobResult => ({
      ...counts,
      ...base,
      rejectedSample: [...rejections]
        .sort((a, b) => a.rowNo - b.rowNo)
        .slice(0, 20)
        .map((r) => ({ ...r, reason: redactIdentifiers(r.reason) })),
    })
    if (checkpoint === 0) await repo.saveProgress(this.db, job.id, { totalRows: dataRows, processedRows: 0, acceptedRows: 0, rejectedRows: 0, result: resultOf(importer.counts, []) })

    // Pass 2: rows in chunks. The next chunk is read and checked while the database writes the current one.
    let seen = 0
    let prepared: unknown[] = []
    let rejected: Rejection[] = []
    let inflight: Promise<void> = Promise.resolve()
    const flush = async (rows: unknown[], bad: Rejection[], end: number) => {
      if (end <= checkpoint) {
        importer.commitReplay(await importer.replay(this.db, rows, bad))
        return
      }
      for (let attempt = 1; ; attempt++) {
        try {
          const outcome = await importer.write(this.db, rows, bad, (exec, next: Preview, chunkRejections: Rejection[]) =>
            repo.saveProgress(exec, job.id, {
              processedRows: next.processed,
              acceptedRows: next.accepted,
              rejectedRows: next.rejected,
              result: resultOf(next.counts, [...importer.rejections.slice(0, 20), ...chunkRejections.slice(0, 20)]),
            }),
          )
          importer.commit(outcome)
          return
        } catch (err) {
          // A concurrent writer took a natural key between our read and our write: read again and redo.
          if (attempt < 3 && RETRYABLE.has((err as { code?: string }).code ?? '')) continue
          throw err
        }
      }
    }
    if (columns) {
      for await (const row of readSheetRows(data, source)) {
        if (row.rowNo <= header!.rowNo || isBlankRow(row.cells)) continue
        seen++
        const p = importer.prepare(toFields(row.cells, columns), row.rowNo)
        if ('reason' in p) rejected.push(p)
        else prepared.push(p)
        if (prepared.length + rejected.length === kind.chunkRows) {
          await inflight
          if (this.stopping) return
          inflight = flush(prepared, rejected, seen)
          // Handled here so a failure waits for the next await instead of crashing the process.
          inflight.catch(() => {})
          prepared = []
          rejected = []
        }
      }
    }
    await inflight
    if (this.stopping) return
    if (prepared.length + rejected.length > 0) await flush(prepared, rejected, seen)

    // Pass 3 (only when rows were rejected): the report, the rejected rows as they were in the file.
    let reportFileId: string | null = null
    if (importer.rejections.length) {
      const reasons = new Map(importer.rejections.map((r) => [r.rowNo, r.reason]))
      const width = base.headers.length
      // Identifiers masked before the report is stored: it is read by others than the uploader, later.
      const mask = reportMasker(base.headers, base.columns, kind.identifiers ?? {})
      const lines: string[] = [BOM + csvLine(['行号', '原因', ...base.headers])]
      for await (const row of readSheetRows(data, source)) {
        const reason = reasons.get(row.rowNo)
        if (reason === undefined || row.rowNo <= header!.rowNo) continue
        const cells = row.cells.length >= width ? row.cells : [...row.cells, ...Array(width - row.cells.length).fill('')]
        lines.push(csvLine([String(row.rowNo), mask.reason(reason), ...mask.cells(cells).map(inertCell)]))
      }
      const report = Buffer.from(lines.join(''), 'utf8')
      const stored = await this.storage.put(report, { prefix: 'imports', extension: 'csv' })
      const base_ = job.filename.replace(/\.[^.]*$/, '')
      reportFileId = (
        await insertFile(this.db, stored, {
          filename: `${base_}-问题行.csv`,
          contentType: 'text/csv',
          createdBy: job.created_by,
        })
      ).id
    }
    const result = resultOf(importer.counts, importer.rejections)
    await this.db.transaction().execute(async (trx) => {
      await repo.saveProgress(trx, job.id, { processedRows: importer.processed, acceptedRows: importer.accepted, rejectedRows: importer.rejections.length, result })
      await repo.finishJob(trx, job.id, { status: 'done', reportFileId })
      await audit(trx, {
        actor: job.created_by ? { userId: job.created_by } : null,
        action: kind.auditAction,
        entityType: 'import_job',
        entityId: job.id,
        regionId: job.region_id,
        ip: options.ip ?? null,
        details: {
          filename: job.filename,
          status: 'done',
          rows: importer.processed,
          accepted: importer.accepted,
          rejected: importer.rejections.length,
          ...importer.counts,
        },
      })
    })
  }
}
