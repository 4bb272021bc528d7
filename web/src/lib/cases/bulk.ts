/**
 * Bulk dispatch: the same action on several cases, a few at a time, each with its own outcome (one case
 * refused must not hide the others' success).
 */
import { ApiError } from '../../api/client.ts'

export interface BulkItem {
  id: string
  /** What the report shows for the row (the case number). */
  label: string
}
export interface BulkResult<T> {
  id: string
  label: string
  ok: boolean
  value?: T
  /** Error code (ApiError's, or UNKNOWN) and the server's message, for a failed row. */
  code?: string
  message?: string
  status?: number
}

/** Runs `fn` for every item, at most `concurrency` at once; results in the items' order. Never throws. */
export async function runBulk<T>(items: readonly BulkItem[], fn: (id: string) => Promise<T>, concurrency = 4): Promise<BulkResult<T>[]> {
  const out: BulkResult<T>[] = new Array(items.length)
  let next = 0
  async function worker() {
    while (next < items.length) {
      const i = next++
      const item = items[i]
      try {
        out[i] = { id: item.id, label: item.label, ok: true, value: await fn(item.id) }
      } catch (err) {
        out[i] =
          err instanceof ApiError
            ? { id: item.id, label: item.label, ok: false, code: err.code, message: err.message, status: err.status }
            : { id: item.id, label: item.label, ok: false, code: 'UNKNOWN', message: (err as Error)?.message ?? String(err) }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
  return out
}

export interface BulkSummary {
  total: number
  ok: number
  failed: number
  /** How many failed with each error code. */
  byCode: Record<string, number>
  /** The failed rows, for the report. */
  failures: { id: string; label: string; code: string; message: string }[]
}

export function summarizeBulk(results: readonly BulkResult<unknown>[]): BulkSummary {
  const byCode: Record<string, number> = {}
  const failures: BulkSummary['failures'] = []
  let ok = 0
  for (const r of results) {
    if (r.ok) {
      ok++
      continue
    }
    const code = r.code ?? 'UNKNOWN'
    byCode[code] = (byCode[code] ?? 0) + 1
    failures.push({ id: r.id, label: r.label, code, message: r.message ?? '' })
  }
  return { total: results.length, ok, failed: results.length - ok, byCode, failures }
}
