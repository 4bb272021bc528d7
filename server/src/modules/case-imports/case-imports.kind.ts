import type { Kysely } from 'kysely'
import type { DB, Executor } from '../../db/types.ts'
import type { CasesService } from '../cases/cases.service.ts'
import type { Rejection } from '../imports/imports.engine.ts'
import type { FieldCells, ImportKind, JobOptions, Preview, RowImporter } from '../imports/imports.kinds.ts'
import { CaseRowRules, type PreparedCase, resolveCaseColumns } from './case-rows.ts'
import { upsertCases } from './case-upsert.ts'

/** What a case import job keeps in its options: the source and the rules as they were when it was started. */
export interface CaseJobOptions extends JobOptions {
  source: string
  sourceName: string
  /** Our field → their column header. */
  caseMapping: Record<string, string>
  statusMap: Record<string, string>
  defaultRegionId: number | null
}

interface Tally {
  created: number
  updated: number
  unchanged: number
}
interface CaseChunk {
  rows: number
  rejections: Rejection[]
  cases: Tally
}

/**
 * Chunks are small: each case goes through the engine's own transaction, so a chunk is not one transaction
 * and its progress is saved after it; a crash redoes at most one chunk, which the (source, externalId)
 * upsert makes harmless.
 */
const CASE_CHUNK_ROWS = 100

export function caseImportKind(engine: CasesService): ImportKind {
  return {
    kind: 'cases',
    permission: 'cases.import',
    auditAction: 'cases.import',
    chunkRows: CASE_CHUNK_ROWS,
    identifiers: { reporterPhone: 'phone' },
    columns(headerCells, options) {
      const o = options as CaseJobOptions
      return resolveCaseColumns(headerCells, o.caseMapping, { regionOptional: o.defaultRegionId !== null, sourceName: o.sourceName })
    },
    async open(db, job) {
      const o = job.options as CaseJobOptions
      const rules = await CaseRowRules.load(db, { scopePath: job.region_path, mapping: o.caseMapping, statusMap: o.statusMap, defaultRegionId: o.defaultRegionId })
      return new CaseRows(engine, rules, o.source, job.created_by, job.region_path)
    },
  }
}

class CaseRows implements RowImporter<PreparedCase, CaseChunk> {
  /** The job's result says which platform it came from (for the list of past imports). */
  readonly counts: { source: string; cases: Tally }
  readonly rejections: Rejection[] = []
  processed = 0
  accepted = 0

  constructor(
    private engine: CasesService,
    private rules: CaseRowRules,
    private source: string,
    private operatorId: string | null,
    /** The importer's area: an upsert touches no case outside it. */
    private scopePath: string,
  ) {
    this.counts = { source, cases: { created: 0, updated: 0, unchanged: 0 } }
  }

  prepare(cells: FieldCells, rowNo: number) {
    return this.rules.prepare(cells, rowNo)
  }

  async write(db: Kysely<DB>, rows: PreparedCase[], rejected: Rejection[], save: (exec: Executor, next: Preview, chunkRejections: Rejection[]) => Promise<void>) {
    const outcome: CaseChunk = { rows: rows.length + rejected.length, rejections: [...rejected], cases: { created: 0, updated: 0, unchanged: 0 } }
    for (const r of await upsertCases(this.engine, db, rows, { channel: 'import', source: this.source, scopePath: this.scopePath, operatorId: this.operatorId, quiet: true })) {
      if (!r.ok) outcome.rejections.push({ rowNo: r.rowNo, reason: `${r.error.message}(${r.error.code})`, code: r.error.code })
      else outcome.cases[r.created ? 'created' : r.updated ? 'updated' : 'unchanged']++
    }
    outcome.rejections.sort((a, b) => a.rowNo - b.rowNo)
    await save(db, this.preview(outcome), outcome.rejections)
    return outcome
  }

  /** A committed chunk's rejections: the row rules' (the engine's own refusals of those rows are not redone). */
  async replay(_db: Kysely<DB>, rows: PreparedCase[], rejected: Rejection[]): Promise<CaseChunk> {
    return { rows: rows.length + rejected.length, rejections: [...rejected], cases: { created: 0, updated: 0, unchanged: 0 } }
  }

  preview(o: CaseChunk): Preview {
    const cases = { ...this.counts.cases }
    for (const k of ['created', 'updated', 'unchanged'] as const) cases[k] += o.cases[k]
    const rejected = this.rejections.length + o.rejections.length
    const processed = this.processed + o.rows
    return { counts: { source: this.source, cases }, processed, rejected, accepted: processed - rejected }
  }

  commit(o: CaseChunk) {
    const next = this.preview(o)
    Object.assign(this.counts.cases, (next.counts as typeof this.counts).cases)
    this.rejections.push(...o.rejections)
    this.processed = next.processed
    this.accepted = next.accepted
  }

  commitReplay(o: CaseChunk) {
    this.rejections.push(...o.rejections)
  }

  restore(saved: Record<string, unknown>, processed: number, rejectedBefore: number) {
    const c = saved.cases as Partial<Tally> | undefined
    if (c) Object.assign(this.counts.cases, c)
    this.processed = processed
    this.accepted = processed - rejectedBefore
  }
}
