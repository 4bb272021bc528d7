import type { ImportJob } from '@minqing/common'

export const isImportFinished = (job: Pick<ImportJob, 'status'>) => job.status === 'done' || job.status === 'failed'

/** 0–100 for the progress bar: processed of total rows; a finished job is full, a job with no count yet is 0. */
export function importPercent(job: Pick<ImportJob, 'status' | 'processedRows' | 'totalRows'>): number {
  if (job.status === 'done') return 100
  if (!job.totalRows || job.totalRows <= 0) return 0
  const p = Math.floor((Math.max(0, job.processedRows) / job.totalRows) * 100)
  return Math.max(0, Math.min(job.status === 'failed' ? 100 : 99, p))
}

/** Element Plus progress status for a job. */
export function importProgressStatus(job: Pick<ImportJob, 'status' | 'rejectedRows'>): 'success' | 'exception' | 'warning' | undefined {
  if (job.status === 'failed') return 'exception'
  if (job.status === 'done') return job.rejectedRows > 0 ? 'warning' : 'success'
  return undefined
}

/** `1,234 / 5,000` (what the bar's label says next to the percentage). */
export function importProgressText(job: Pick<ImportJob, 'processedRows' | 'totalRows'>): string {
  const f = (n: number) => Math.max(0, n).toLocaleString('en-US')
  return job.totalRows > 0 ? `${f(job.processedRows)} / ${f(job.totalRows)}` : f(job.processedRows)
}

export interface ResultEntry {
  /** Dotted path in `result`, e.g. `households.created`. */
  key: string
  value: number
}

/**
 * The numbers in a job's `result`, flattened to dotted keys (`{ households: { created: 3 } }` →
 * `households.created = 3`), in the server's order. Anything that is not a number is left out.
 */
export function importResultEntries(result: Record<string, unknown> | null | undefined): ResultEntry[] {
  const out: ResultEntry[] = []
  const walk = (value: unknown, path: string, depth: number) => {
    if (typeof value === 'number' && Number.isFinite(value)) {
      out.push({ key: path, value })
    } else if (value && typeof value === 'object' && !Array.isArray(value) && depth < 3) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, path ? `${path}.${k}` : k, depth + 1)
    }
  }
  walk(result ?? {}, '', 0)
  // JSONB does not keep key order: households first, then persons, each created → updated → unchanged.
  const group = (key: string) => ['households', 'persons'].indexOf(key.split('.')[0]) >>> 0
  const step = (key: string) => ['created', 'updated', 'unchanged'].indexOf(key.split('.').at(-1)!) >>> 0
  return out
    .map((e, i) => ({ e, i }))
    .sort((a, b) => group(a.e.key) - group(b.e.key) || step(a.e.key) - step(b.e.key) || a.i - b.i)
    .map(({ e }) => e)
}

export interface Rejection {
  rowNo: number
  reason: string
}
/** The first rejected rows the server keeps in `result.rejectedSample` (the full list is the report). */
export function importRejections(result: Record<string, unknown> | null | undefined): Rejection[] {
  const sample = result?.rejectedSample
  if (!Array.isArray(sample)) return []
  return sample
    .filter((r): r is Rejection => !!r && typeof r === 'object' && typeof (r as Rejection).rowNo === 'number' && typeof (r as Rejection).reason === 'string')
    .map((r) => ({ rowNo: r.rowNo, reason: r.reason }))
}

/** Sheet columns the import did not use (a mapping may be needed). */
export function importIgnoredColumns(result: Record<string, unknown> | null | undefined): string[] {
  const cols = result?.ignoredColumns
  return Array.isArray(cols) ? cols.filter((c): c is string => typeof c === 'string') : []
}

/** Seconds a job took (null while it runs). */
export function importDurationSeconds(job: Pick<ImportJob, 'startedAt' | 'finishedAt'>): number | null {
  if (!job.startedAt || !job.finishedAt) return null
  const ms = Date.parse(job.finishedAt) - Date.parse(job.startedAt)
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 100) / 10 : null
}

/** Client-side check of the sheet to import: .xlsx or .csv. */
export function importFileProblem(file: { name: string; size: number }): 'type' | 'empty' | null {
  if (!/\.(xlsx|csv)$/i.test(file.name)) return 'type'
  if (file.size === 0) return 'empty'
  return null
}

/**
 * The `mapping` field as the server wants it (JSON of sheet column → field), or null when none was given.
 * Throws a SyntaxError for text that is not a JSON object.
 */
export function parseMapping(text: string): Record<string, string> | null {
  const trimmed = text.trim()
  if (!trimmed) return null
  const value = JSON.parse(trimmed) as unknown
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SyntaxError('mapping must be a JSON object')
  for (const v of Object.values(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new SyntaxError('mapping values must be field names')
  }
  return value as Record<string, string>
}
