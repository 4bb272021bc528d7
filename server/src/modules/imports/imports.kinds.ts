import type { Permission } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB, Executor } from '../../db/types.ts'
import type { FieldCrypto } from '../../platform/crypto.ts'
import { type ChunkOutcome, HouseholdImporter, type ImportCounts, type PreparedRow, type Rejection } from './imports.engine.ts'
import * as repo from './imports.repository.ts'
import type { IdentifierKind } from './report-mask.ts'
import { type ColumnMap, type ImportField, resolveColumns, type SheetSource } from './sheet.ts'

// What the runner needs of one kind of import (households and persons, cases from other platforms…): how to
// read the header, and an importer that checks rows and writes them a chunk at a time. The runner owns the
// rest: the file, progress, resuming, the rejected-rows report and the audit row.

/** One row's cells by field name. */
export type FieldCells = Record<string, string | undefined>

/** The options a job is created with (kept on the job, so a resumed job reads its file the same way). */
export interface JobOptions extends SheetSource {
  /** The household kind: file header → field. Other kinds say in their own options. */
  mapping: Record<string, string>
  ip?: string | null
  [key: string]: unknown
}

export interface ChunkResult {
  rows: number
  rejections: Rejection[]
}

/** The job's totals as they will be once a chunk is committed. */
export interface Preview {
  /** Merged into the job's result (e.g. `{ households, persons }` or `{ cases }`). */
  counts: object
  processed: number
  accepted: number
  rejected: number
}

export interface RowImporter<P = unknown, O extends ChunkResult = ChunkResult> {
  readonly rejections: Rejection[]
  readonly processed: number
  readonly accepted: number
  readonly counts: object
  /** Check one row; every problem of the row goes into one reason. */
  prepare(cells: FieldCells, rowNo: number): P | Rejection
  /**
   * Write one chunk and the job's progress (`save`). A kind that writes the chunk in one transaction saves the
   * progress in it too; one that cannot (each case through the case engine's own transaction) saves it after,
   * and relies on its writes being idempotent when a crash makes the runner redo the chunk.
   */
  write(db: Kysely<DB>, rows: P[], rejected: Rejection[], save: (exec: Executor, next: Preview, chunkRejections: Rejection[]) => Promise<void>): Promise<O>
  /** The rejections of an already committed chunk, recomputed without writing (a resumed job's report). */
  replay(db: Kysely<DB>, rows: P[], rejected: Rejection[]): Promise<O>
  preview(outcome: O): Preview
  commit(outcome: O): void
  commitReplay(outcome: O): void
  restore(saved: Record<string, unknown>, processed: number, rejectedBefore: number): void
}

export interface ImportKind {
  kind: string
  /** Needed to start, see and download the report of this kind's jobs. */
  permission: Permission
  /** The audit_log action of a finished or failed job. */
  auditAction: string
  /** Rows per chunk (a chunk's progress is saved when it is written). */
  chunkRows: number
  /** Fields holding personal identifiers: the rejected-rows report shows them masked. */
  identifiers?: Record<string, IdentifierKind>
  /** Which cell holds which field; throws 400 UNKNOWN_COLUMNS when the file cannot be this kind's. */
  columns(headerCells: string[], options: JobOptions): ColumnMap<string>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own row and field types; the engine only passes them through.
  open(db: Kysely<DB>, job: repo.ImportJobRow): Promise<RowImporter<any, any>>
}

/** Rows per transaction: big enough that a statement carries real work, small enough to keep locks short. */
export const CHUNK_ROWS = 1000

/** Households and their members (the archive's import): each chunk and its progress commit together. */
export function householdKind(crypto: FieldCrypto): ImportKind {
  return {
    kind: 'households',
    permission: 'archive.import',
    auditAction: 'archive.import',
    chunkRows: CHUNK_ROWS,
    identifiers: { idNumber: 'idNumber', phone: 'phone' },
    columns: (headerCells, options) => resolveColumns(headerCells, (options.mapping ?? {}) as Record<string, ImportField>),
    async open(db, job) {
      const importer = await HouseholdImporter.open(db, { crypto, scopePath: job.region_path, actorId: job.created_by })
      return new HouseholdRows(importer)
    },
  }
}

class HouseholdRows implements RowImporter<PreparedRow, ChunkOutcome> {
  constructor(private importer: HouseholdImporter) {}
  get rejections() {
    return this.importer.rejections
  }
  get processed() {
    return this.importer.processed
  }
  get accepted() {
    return this.importer.accepted
  }
  get counts() {
    return this.importer.counts
  }
  prepare(cells: FieldCells, rowNo: number) {
    return this.importer.prepare(cells, rowNo)
  }
  write(db: Kysely<DB>, rows: PreparedRow[], rejected: Rejection[], save: (exec: Executor, next: Preview, chunkRejections: Rejection[]) => Promise<void>) {
    return db.transaction().execute(async (trx) => {
      await repo.relaxCommit(trx)
      const o = await this.importer.apply(trx, rows, rejected)
      await save(trx, this.importer.preview(o), o.rejections)
      return o
    })
  }
  replay(db: Kysely<DB>, rows: PreparedRow[], rejected: Rejection[]) {
    return this.importer.replay(db, rows, rejected)
  }
  preview(o: ChunkOutcome) {
    return this.importer.preview(o)
  }
  commit(o: ChunkOutcome) {
    this.importer.commit(o)
  }
  commitReplay(o: ChunkOutcome) {
    this.importer.commitReplay(o)
  }
  restore(saved: Record<string, unknown>, processed: number, rejectedBefore: number) {
    this.importer.restore(saved as Partial<ImportCounts>, processed, rejectedBefore)
  }
}
